"""Shared form helpers."""
from __future__ import annotations

from typing import Any, Callable

from flask import flash, redirect, render_template
from flask_babel import gettext
from flask_wtf import FlaskForm

from models import db
from services.errors import RuleViolation


def show_violation(form: FlaskForm, error: RuleViolation) -> None:
    """Put a service's rule violation next to its field (or above the form)."""
    message = gettext(error.message, **error.params)
    field = getattr(form, error.field, None) if error.field else None
    if field is not None:
        field.errors = [*field.errors, message]
    else:
        form.form_errors.append(message)


def blank_to_none(value):
    """WTForms filter: an empty string becomes None."""
    if isinstance(value, str):
        value = value.strip()
        return value or None
    return value


#: what :func:`commit_form` answers when nothing was saved
NOT_SAVED = object()


def commit_form(form: FlaskForm, action: Callable[[], Any]) -> Any:
    """On a valid POST run ``action`` (a service call) and commit, and answer what it
    answered; on invalid input or a rule violation roll back, put the message next to its
    field and answer :data:`NOT_SAVED`, so nothing is saved half-way."""
    if not form.validate_on_submit():
        return NOT_SAVED
    try:
        result = action()
        db.session.commit()
        return result
    except RuleViolation as error:
        db.session.rollback()
        show_violation(form, error)
        return NOT_SAVED


def save_or_render(form: FlaskForm, action: Callable[[], Any], *,
                   success: Callable[[Any], str], next_url: Callable[[Any], str],
                   template: str, **context):
    """The one shape of every form view: on a valid POST run ``action`` (a service call),
    commit and redirect; on invalid input or a rule violation roll back and show the
    form again with the messages (status 422), so nothing is saved half-way."""
    result = commit_form(form, action)
    if result is not NOT_SAVED:
        flash(success(result), "success")
        return redirect(next_url(result))
    return render_template(template, form=form, **context), 422 if form.errors else 200
