"""Starting the servers: the bot and the action server, with their secrets and files kept private."""

import warnings

# Importing Sanic turns every DeprecationWarning back on (sanic/app.py:
# filterwarnings("once", category=DeprecationWarning)), over the interpreter's
# PYTHONWARNINGS / -W: the servers and the staff shell printed libraries'
# deprecations although the Makefile ignores them. Imported here, before any
# server module imports it, its filter is dropped again on the way out.
with warnings.catch_warnings():
    import sanic  # noqa: F401
