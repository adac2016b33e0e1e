"""Where Rasa keeps conversations (tracker store) and per-conversation locks."""
