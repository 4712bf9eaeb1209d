"""The app for tests that serve it with a real gunicorn (``tests.support.wsgi:app``), built
like ``app:create_app()`` with the settings of the JSON object in ``NOABER_TEST_CONFIG``
on top (the test's database, the limiter's storage and key prefix, ...)."""
import json
import os

from app import create_app

app = create_app(json.loads(os.environ.get("NOABER_TEST_CONFIG", "{}")))
