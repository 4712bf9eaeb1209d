"""Translations looked up once per language instead of on every string.

Flask-Babel finds the catalogue for each ``gettext`` call anew: the request's domain, its
locale, the locale's name as a string and a dictionary lookup, each through Flask's
context proxies. A page such as the IMO meeting translates 300-400 strings (its labels,
its choices, its headings), and a sampling profiler put that lookup at 6-10% of its
time.

Here the default domain keeps the catalogue of each language it has loaded, keyed by the
locale of the moment, so ``force_locale`` (a mail in the recipient's language) still
gets its own; and the templates' ``_``/``ngettext`` ask that domain directly. The
catalogues are the same objects Flask-Babel would return: it also keeps them for the
life of the process.
"""
from __future__ import annotations

from babel import Locale, support
from flask import Flask, g
from flask_babel import Domain, get_babel, get_locale


def current_locale() -> Locale | None:
    """The locale of the moment: the one Flask-Babel chose for this request (or the one
    ``force_locale`` put in place), read with one lookup of ``g`` where Flask-Babel's own
    ``get_locale`` takes three; ``get_locale`` itself when none was chosen yet."""
    try:
        namespace = g._get_current_object().__dict__.get("_flask_babel")
    except RuntimeError:  # outside an application context
        return None
    locale = getattr(namespace, "babel_locale", None)
    return locale if locale is not None else get_locale()


class RememberingDomain(Domain):
    """Flask-Babel's domain, with the catalogue of each locale remembered."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._by_locale: dict[Locale, support.NullTranslations] = {}

    def get_translations(self) -> support.NullTranslations:
        locale = current_locale()
        if locale is None:  # outside a request or application context
            return support.NullTranslations()
        found = self._by_locale.get(locale)
        if found is None:
            found = self._by_locale[locale] = super().get_translations()
        return found


def init_app(app: Flask) -> None:
    """After ``babel.init_app``: the remembering domain as the application's default, and
    the templates' translation functions calling it."""
    configuration = get_babel(app)
    domain = RememberingDomain(domain=configuration.default_domain)
    # ``domain_instance`` is a cached property of the Babel extension: this sets the value
    # it would have made (the directories are still read from the application's config).
    configuration.instance.domain_instance = domain
    translations = domain.get_translations
    app.jinja_env.install_gettext_callables(
        gettext=lambda s: translations().ugettext(s),
        ngettext=lambda s, p, n: translations().ungettext(s, p, n),
        newstyle=True,
        pgettext=lambda c, s: translations().upgettext(c, s),
        npgettext=lambda c, s, p, n: translations().unpgettext(c, s, p, n),
    )
