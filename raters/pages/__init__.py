"""Rater pages."""
