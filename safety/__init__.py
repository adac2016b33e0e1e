"""Safety logic that runs inside the Rasa server (no action server needed)."""
