"""The signature of a webhook message, and the receiver's example in docs/webhooks.md
checked against it: a fresh, untouched message passes; a changed body, another secret
or a timestamp older than five minutes does not."""
from __future__ import annotations

import re
import time
from pathlib import Path

import pytest

from services.webhooks import signing

DOC = Path(__file__).resolve().parents[2] / "docs" / "webhooks.md"
BODY = '{"id":"e1","type":"unit.created","data":{"number":"Zoë-1"}}'


@pytest.fixture(scope="module")
def documented():
    namespace: dict = {}
    exec(re.search(r"```python\n(.*?)```", DOC.read_text(), re.S).group(1), namespace)
    return namespace["verified"]


def test_the_signature_is_the_hmac_of_timestamp_and_body():
    headers = signing.headers("whsec_k", 1796630400, BODY, "e1")
    assert headers["Noaber-Timestamp"] == "1796630400"
    assert headers["Noaber-Event-Id"] == "e1"
    assert headers["Noaber-Signature"] == "v1=" + signing.signature("whsec_k", 1796630400,
                                                                     BODY)
    assert signing.signature("whsec_k", 1796630400, BODY) != \
        signing.signature("whsec_k", 1796630401, BODY)


@pytest.mark.parametrize("secret,age,body,ok", [
    ("whsec_k", 0, BODY, True),
    ("whsec_k", 299, BODY, True),
    ("whsec_k", 301, BODY, False),                       # replayed after five minutes
    ("whsec_other", 0, BODY, False),
    ("whsec_k", 0, BODY.replace("Zoë", "Zoe"), False),   # the body changed on the way
])
def test_the_documented_receiver(documented, secret, age, body, ok):
    now = int(time.time())
    headers = signing.headers("whsec_k", now - age, BODY, "e1")
    assert documented(secret, headers["Noaber-Timestamp"], headers["Noaber-Signature"],
                      body.encode()) is ok
    assert signing.verify(secret, headers["Noaber-Timestamp"], headers["Noaber-Signature"],
                          body, now) is ok


def test_the_secret_is_stored_encrypted_and_needs_the_secret_key():
    stored = signing.encrypt("whsec_k", "the-secret-key-of-this-installation")
    assert "whsec_k" not in stored
    assert signing.decrypt(stored, "the-secret-key-of-this-installation") == "whsec_k"
    with pytest.raises(signing.SecretUnreadable):
        signing.decrypt(stored, "another-secret-key")
