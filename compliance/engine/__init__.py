"""Compliance engine: pure rules (no Flask, SQLAlchemy, Celery or clock); records in, result records out."""
