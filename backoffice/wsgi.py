"""The WSGI entry point production servers load: `gunicorn backoffice.wsgi:app` (what `./scripts/run` serves).
Configuration comes from the environment (see backoffice/config.py), exactly as for the `backoffice` command."""
from backoffice.app import create_app

app = create_app()
