"""The staff console: a web app, in its own process on STAFF_PORT (8090), where signed-in
staff answer patients who asked for a person and follow up consult requests.

It reads the clinic database (clinic_db) and the tracker store's events (read only);
what it writes to a conversation goes through the bot's HTTP API (staff/bot_api.py).
"""
