"""Custom Rasa input channels: a guarded REST channel and SMS through Twilio."""
