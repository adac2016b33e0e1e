"""Protecting patients' personal data: SMS numbers sealed, old conversations purged."""
