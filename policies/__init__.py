"""Dialogue policies: how the bot picks its next action."""
