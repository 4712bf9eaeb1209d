"""Glue between the pages and services.notify: the notifications of an action are queued
in the same transaction as the action (the page commits both), with links on BASE_URL."""
from __future__ import annotations

from flask import current_app

from models import utcnow
from services.notify.events import Context


def context() -> Context:
    c = current_app.config
    return Context(base_url=c["BASE_URL"], now=utcnow(), sender=c.get("MAIL_FROM"))


def after(result, tell):
    """Run ``tell(result, context)`` and hand ``result`` back (for the action lambdas)."""
    tell(result, context())
    return result
