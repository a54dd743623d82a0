"""Entry point for Celery worker processes: `celery -A backoffice.celery_worker worker`."""
from backoffice.app import create_app

flask_app = create_app()
celery = flask_app.extensions["celery"]
