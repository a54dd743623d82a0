"""Compliance records (SQLAlchemy models, integer cents for money)."""
