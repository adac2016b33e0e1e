# The website chat widget's dependencies; included from the Makefile.
# tests/test_webchat.py needs both: `make test` should depend on $(WEB_TEST_DEPS).

WEB_TEST_DEPS := web/node_modules/.installed /usr/bin/chromium

# rasa-webchat from npm, exactly as web/package-lock.json pins it (web/.npmrc:
# no peer dependencies, no install scripts). The page loads its prebuilt bundle.
web/node_modules/.installed: web/package.json web/package-lock.json web/.npmrc
	npm ci --prefix web
	@touch $@

# Debian's Chromium, which Playwright drives in the tests (no browser download).
/usr/bin/chromium:
	apt-get update && apt-get install -y --no-install-recommends chromium
