"""config.sso_providers: what an IT person writes in the settings file."""
from __future__ import annotations

from config import sso_providers


def test_a_provider_from_its_settings(tmp_path):
    secret = tmp_path / "secret"
    secret.write_text("s3cret\n")
    problems: dict[str, str] = {}
    providers = sso_providers("woonstad", {
        "SSO_WOONSTAD_ISSUER": "https://login.example/tenant/v2.0/",
        "SSO_WOONSTAD_CLIENT_ID": "abc",
        "SSO_WOONSTAD_CLIENT_SECRET_FILE": str(secret),
        "SSO_WOONSTAD_LABEL": "Woonstad",
        "SSO_WOONSTAD_DOMAINS": "Woonstad.nl, @woonstad.example",
        "SSO_WOONSTAD_MFA": "yes",
        "SSO_WOONSTAD_VERIFIED_CLAIM": "xms_edov",
    }, problems)
    assert problems == {}
    (p,) = providers
    assert p["issuer"] == "https://login.example/tenant/v2.0"
    assert p["metadata_url"] == "https://login.example/tenant/v2.0/.well-known/openid-configuration"
    assert p["client_secret"] == "s3cret" and p["mfa"] is True
    assert p["domains"] == ("woonstad.nl", "woonstad.example")
    assert p["verified_claim"] == "xms_edov"


def test_missing_settings_are_named(monkeypatch):
    monkeypatch.delenv("SSO_KC_CLIENT_SECRET", raising=False)
    monkeypatch.delenv("SSO_KC_CLIENT_SECRET_FILE", raising=False)
    problems: dict[str, str] = {}
    (p,) = sso_providers("kc", {"SSO_KC_ISSUER": "ftp://x",
                          "SSO_KC_MFA": "maybe"}, problems)
    assert set(problems) == {"SSO_KC_ISSUER", "SSO_KC_CLIENT_ID", "SSO_KC_CLIENT_SECRET",
                             "SSO_KC_LABEL", "SSO_KC_DOMAINS", "SSO_KC_MFA"}
    assert p["verified_claim"] == "email_verified" and p["mfa"] is False
