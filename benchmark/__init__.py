"""creativity-bench: compare human and AI creativity with validated scorers and honest statistics."""

__version__ = "0.1.0"
