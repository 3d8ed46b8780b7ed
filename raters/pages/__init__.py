"""One module per screen of the rater app; each exposes ``render(...)``."""
