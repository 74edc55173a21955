"""The app: a virtual member, run from its source by gunicorn (`api.wsgi:app`)."""
