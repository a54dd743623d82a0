"""Benefits Celery tasks: thin, take ids, safe to run twice, sent after commit."""
