# The website chat widget's dependencies; included from the Makefile.
# The browser tests (tests/webchat_stack.py) need all of them: `make test` depends on $(WEB_TEST_DEPS).

WEBCHAT_BUNDLE := web/build/rasa-webchat.js
WEB_TEST_DEPS := $(WEBCHAT_BUNDLE) /usr/bin/chromium

# rasa-webchat, and axe-core for the accessibility tests, from npm exactly as
# web/package-lock.json pins them (web/.npmrc: no peer dependencies, no install scripts).
web/node_modules/.installed: web/package.json web/package-lock.json web/.npmrc
	npm ci --prefix web
	@touch $@

# The page loads rasa-webchat's prebuilt bundle without the 11 copies of its CSS's
# `@import` of a Google font: the page's Content-Security-Policy keeps that font out
# (no third party learns who visits), and each blocked import was a console error.
# Nothing else changes; the build fails if any reference to the font host is left.
$(WEBCHAT_BUNDLE): web/node_modules/.installed
	@mkdir -p $(@D)
	sed 's#@import url(https://fonts\.googleapis\.com/css?family=Inter:400,500,700&display=swap);##g' \
	  web/node_modules/rasa-webchat/lib/index.js > $@.tmp
	@! grep -q 'fonts\.googleapis\.com' $@.tmp || { echo "rasa-webchat still imports a web font: update web/web.mk"; exit 1; }
	@mv $@.tmp $@

# Debian's Chromium, which Playwright drives in the tests (no browser download).
/usr/bin/chromium:
	apt-get update && apt-get install -y --no-install-recommends chromium
