"""Protecting patients' data: SMS numbers sealed, callers' tokens checked, old conversations purged."""
