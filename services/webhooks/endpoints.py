"""Webhook endpoints: made by the people who manage the organisation's service accounts
(admins; a sociaal beheerder for the corporations and sites they manage), with the
event types and sites it receives; the secret is shown once. An endpoint is
deactivated, never deleted.

The URL is HTTPS, and its host must resolve to public addresses only, checked when the
endpoint is made and again before every delivery (a name that later points inside the
network gets nothing). ``allow_local`` (debug, the tests, or ``WEBHOOK_ALLOW_LOCAL``)
also allows http:// to localhost / 127.0.0.1 and skips the address check.
"""
from __future__ import annotations

import ipaddress
import socket
from dataclasses import dataclass
from datetime import datetime
from typing import Callable
from urllib.parse import urlsplit

import sqlalchemy as sa
from sqlalchemy.orm import Session, selectinload

from models import Organisation, WebhookDelivery, WebhookEndpoint, WebhookEndpointSite
from services import audit
from services.errors import N_, RuleViolation
from services.service_accounts import Manager, organisations_for, sites_for
from services.webhooks import signing
from services.webhooks.events import EVENT_TYPES

LOCAL_HOSTS = frozenset({"localhost", "127.0.0.1", "::1"})
Resolver = Callable[..., list]


@dataclass(frozen=True)
class NewEndpoint:
    endpoint: WebhookEndpoint
    secret: str    # shown once, never stored in the clear


def addresses(host: str, port: int, resolve: Resolver | None = None) -> set[str]:
    resolve = resolve or socket.getaddrinfo   # looked up now: the tests replace it
    return {info[4][0] for info in resolve(host, port, proto=socket.IPPROTO_TCP)}


def refused_address(host: str, port: int, resolve: Resolver | None = None) -> str | None:
    """Why a host may not receive deliveries (it does not resolve, or one of its
    addresses is private, loopback, link-local or otherwise not public), else None."""
    try:
        found = addresses(host, port, resolve)
    except (OSError, UnicodeError):
        return N_("Het adres %(host)s is niet te vinden.")
    for address in found:
        if not ipaddress.ip_address(address.split("%", 1)[0]).is_global:
            return N_("Het adres %(host)s wijst naar een intern netwerk; dat is niet "
                      "toegestaan.")
    return None if found else N_("Het adres %(host)s is niet te vinden.")


def check_url(url: str | None, *, allow_local: bool,
              resolve: Resolver | None = None) -> str:
    """The URL, cleaned, or :class:`RuleViolation` with a Dutch message."""
    url = (url or "").strip()
    bad = RuleViolation(N_("Vul een volledig webadres in, zoals "
                           "https://systeem.example.nl/noaber/webhook."), field="url")
    if not url or len(url) > 500 or any(c.isspace() for c in url):
        raise bad
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        raise bad from None
    host = (parts.hostname or "").lower()
    if parts.scheme not in ("http", "https") or not host:
        raise bad
    if parts.username or parts.password or parts.fragment:
        raise RuleViolation(N_("Het webadres mag geen gebruikersnaam, wachtwoord of #-deel "
                               "bevatten."), field="url")
    local = allow_local and host in LOCAL_HOSTS
    if parts.scheme != "https" and not local:
        raise RuleViolation(N_("Het webadres moet met https:// beginnen."), field="url")
    if not allow_local:
        reason = refused_address(host, port or 443, resolve)
        if reason:
            raise RuleViolation(reason, field="url", host=host)
    return url


def may_manage(manager: Manager, endpoint: WebhookEndpoint) -> bool:
    if manager.all_sites:
        return True
    return endpoint.organisation_id in manager.organisation_ids and all(
        s.site_id in manager.site_ids for s in endpoint.sites)


def endpoints_for(session: Session, manager: Manager) -> list[WebhookEndpoint]:
    found = session.scalars(sa.select(WebhookEndpoint).order_by(WebhookEndpoint.id.desc())
                            .options(selectinload(WebhookEndpoint.sites),
                                     selectinload(WebhookEndpoint.organisation)))
    return [e for e in found if may_manage(manager, e)]


def create_endpoint(session: Session, manager: Manager, *, organisation_id: int | None,
                    name: str | None, url: str | None, events: list[str],
                    site_ids: list[int], actor_id: int, secret_key: str,
                    allow_local: bool, resolve: Resolver | None = None) -> NewEndpoint:
    """An active endpoint of the organisation; its secret is returned once."""
    name = (name or "").strip()
    if not name or len(name) > 100:
        raise RuleViolation(N_("Geef de webhook een naam van hoogstens 100 tekens."),
                            field="name")
    org = session.get(Organisation, organisation_id) if organisation_id else None
    if org is None or not org.active or org not in organisations_for(session, manager):
        raise RuleViolation(N_("Kies een organisatie."), field="organisation_id")
    url = check_url(url, allow_local=allow_local, resolve=resolve)
    chosen = sorted(set(events))
    if not chosen or any(e not in EVENT_TYPES for e in chosen):
        raise RuleViolation(N_("Kies ten minste één soort gebeurtenis."), field="events")
    allowed = {s.id for s in sites_for(session, manager)}
    if not site_ids:
        raise RuleViolation(N_("Kies ten minste één locatie."), field="sites")
    if any(site_id not in allowed for site_id in site_ids):
        raise RuleViolation(N_("U kunt alleen locaties kiezen die u beheert."), field="sites")
    secret = signing.new_secret()
    endpoint = WebhookEndpoint(organisation_id=org.id, name=name, url=url, events=chosen,
                               secret_encrypted=signing.encrypt(secret, secret_key),
                               created_by_id=actor_id)
    session.add(endpoint)
    session.flush()
    session.add_all([WebhookEndpointSite(endpoint_id=endpoint.id, site_id=site_id)
                     for site_id in sorted(set(site_ids))])
    session.flush()
    session.refresh(endpoint, ["sites"])
    audit.record(session, actor_id=actor_id, entity_type="webhook_endpoint",
                 entity_id=endpoint.id, action="create",
                 changes={"name": name, "organisation_id": org.id, "url": url,
                          "events": chosen, "sites": sorted(set(site_ids))})
    return NewEndpoint(endpoint, secret)


def deactivate(session: Session, endpoint: WebhookEndpoint, *, actor_id: int,
               now: datetime) -> None:
    """Stop sending to it; what is still waiting for it is not sent (given up, its body
    cleared)."""
    if not endpoint.active:
        raise RuleViolation(N_("Deze webhook is al uitgezet."))
    endpoint.active, endpoint.deactivated_at, endpoint.deactivated_by_id = False, now, actor_id
    session.execute(sa.update(WebhookDelivery).where(
        WebhookDelivery.endpoint_id == endpoint.id, WebhookDelivery.status == "pending")
        .values(status="failed", body="", error="Niet verstuurd: de webhook is uitgezet."))
    audit.record(session, actor_id=actor_id, entity_type="webhook_endpoint",
                 entity_id=endpoint.id, action="deactivate", changes={"name": endpoint.name})
    session.flush()


def last_deliveries(session: Session, endpoint_ids: list[int]) -> dict[int, WebhookDelivery]:
    """The newest delivery of each endpoint (one query)."""
    if not endpoint_ids:
        return {}
    newest = (sa.select(sa.func.max(WebhookDelivery.id))
              .where(WebhookDelivery.endpoint_id.in_(endpoint_ids))
              .group_by(WebhookDelivery.endpoint_id))
    return {d.endpoint_id: d for d in session.scalars(
        sa.select(WebhookDelivery).where(WebhookDelivery.id.in_(newest)))}


def deliveries_of(session: Session, endpoint: WebhookEndpoint,
                  limit: int = 50) -> list[WebhookDelivery]:
    return list(session.scalars(sa.select(WebhookDelivery).where(
        WebhookDelivery.endpoint_id == endpoint.id)
        .order_by(WebhookDelivery.id.desc()).limit(limit)))
