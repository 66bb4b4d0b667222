"""WSGI entry point: ``gunicorn wsgi:app``."""

from fellowship import create_app

app = create_app()
