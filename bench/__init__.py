"""Performance benchmark of the bot: `python -m bench.run` (see bench/run.py)."""
