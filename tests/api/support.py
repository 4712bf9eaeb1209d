"""Helpers for the API tests: one token per role of the ``world``, and calls with it."""
from __future__ import annotations

import pytest

from models import User, db, utcnow
from services import api_tokens
from tests.web.support import fresh_rate_limits  # noqa: F401  (autouse fixture)


@pytest.fixture
def tokens(app, world) -> dict[str, str]:
    """A personal API token per role of the world (the secret, as its owner would hold)."""
    with app.app_context():
        made = {role: api_tokens.create_token(db.session, db.session.get(User, user_id),
                                              "tests", now=utcnow()).secret
                for role, user_id in world.users.items()}
        db.session.commit()
        db.session.remove()
    return made


class ApiClient:
    def __init__(self, client, tokens):
        self.client, self.tokens = client, tokens

    def headers(self, role: str | None) -> dict:
        return {"Authorization": f"Bearer {self.tokens[role]}"} if role else {}

    def get(self, role: str | None, path: str, **params):
        return self.client.get("/api/v1" + path, query_string=params, headers=self.headers(role))

    def post(self, role: str | None, path: str, json: dict):
        return self.client.post("/api/v1" + path, json=json, headers=self.headers(role))


@pytest.fixture
def api(client, tokens) -> ApiClient:
    return ApiClient(client, tokens)


def assert_error(response, status: int, code: str | None = None) -> dict:
    """The response is the API's error body with a Dutch message."""
    assert response.status_code == status, response.get_data(as_text=True)
    assert response.is_json
    error = response.get_json()["error"]
    assert error["status"] == status
    assert isinstance(error["code"], str) and error["code"]
    assert isinstance(error["message"], str) and error["message"]
    if code:
        assert error["code"] == code
    return error
