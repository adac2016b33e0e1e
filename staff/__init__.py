"""Commands for clinic staff: open consult requests and handoffs."""
