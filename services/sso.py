"""Single sign-on with OpenID Connect: who a provider's verified claims are in Noaber.

Signing in never creates an account and never gives a role: the person must already
have an active account with that e-mail address (roles are given in Noaber), the
provider must say the address is verified (``email_verified`` true, or the claim
``SSO_<KEY>_VERIFIED_CLAIM`` names) and the address's
domain must be one the provider may vouch for (``SSO_<KEY>_DOMAINS``). The signature,
issuer, audience, expiry and nonce of the ID token are checked before this (app/auth/sso.py,
by Authlib).
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any, Mapping

from sqlalchemy.orm import Session

from models import User
from services import audit
from services.accounts import find_user_by_email
from services.errors import N_, RuleViolation

PASSWORD = "password"


@dataclass(frozen=True)
class Provider:
    """One configured provider (config.sso_providers)."""

    key: str
    issuer: str
    metadata_url: str
    client_id: str
    client_secret: str
    label: str
    domains: tuple[str, ...]
    mfa: bool = False
    scope: str = "openid email profile"
    #: the claim that must be true for a verified address (Entra ID: xms_edov)
    verified_claim: str = "email_verified"

    @property
    def method(self) -> str:
        """How a login through this provider is recorded (``User.last_login_method``)."""
        return f"sso:{self.key}"


def providers(settings: Mapping[str, Any]) -> dict[str, Provider]:
    """The configured providers by key."""
    return {p["key"]: Provider(**p) for p in settings.get("SSO_PROVIDERS") or ()}


def _domain(email: str) -> str:
    return email.rpartition("@")[2].lower()


def match_account(session: Session, provider: Provider, claims: Mapping[str, Any]) -> User:
    """The active account the provider's claims name, or :class:`RuleViolation` with a
    message for the person (which says nothing about other accounts)."""
    email = str(claims.get("email") or "").strip().lower()
    if not email or "@" not in email:
        raise RuleViolation(N_("%(org)s gaf geen e-mailadres door. Log in met uw wachtwoord "
                               "of vraag uw ICT-afdeling om hulp."), org=provider.label)
    if claims.get(provider.verified_claim) is not True:
        raise RuleViolation(N_("Uw e-mailadres is bij %(org)s niet bevestigd; daarmee kunt u "
                               "niet inloggen. Log in met uw wachtwoord of vraag uw "
                               "ICT-afdeling om hulp."), org=provider.label)
    if _domain(email) not in provider.domains:
        raise RuleViolation(N_("Met een adres van %(domain)s kunt u niet inloggen via "
                               "%(org)s. Log in met uw wachtwoord."),
                            domain=_domain(email), org=provider.label)
    user = find_user_by_email(session, email)
    if user is None or not user.active:
        raise RuleViolation(N_("Er is geen actief Noaber-account met het adres %(email)s. "
                               "Inloggen maakt geen account aan: vraag de beheerder of de "
                               "sociaal beheerder van uw locatie om een uitnodiging."),
                            email=email)
    return user


def record_login(session: Session, user: User, method: str, now: datetime) -> None:
    """Remember when and how the account last logged in (the access review shows it);
    a single sign-on is also written to the audit log (the caller commits)."""
    user.last_login_at = now
    user.last_login_method = method
    if method != PASSWORD:
        audit.record(session, actor_id=user.id, entity_type="user", entity_id=user.id,
                     action="sso_login", changes={"provider": method.partition(":")[2]})
