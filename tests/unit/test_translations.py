"""The English catalogue is complete and in step with the Dutch source strings.

The UI is written in Dutch (every msgid is Dutch); English must be selectable, so every
extracted string needs an English translation. When a test here fails after adding or
changing a Dutch string, run ``make translations-update`` and translate the new entries in
app/translations/en/LC_MESSAGES/messages.po.
"""
from __future__ import annotations

import re
from pathlib import Path

import pytest
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.frontend import parse_keywords, parse_mapping_cfg
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parents[2]
BABEL_CFG = ROOT / "babel.cfg"
EN_PO = ROOT / "app" / "translations" / "en" / "LC_MESSAGES" / "messages.po"
# The same keywords as the extract command of `make translations-update`.
EXTRA_KEYWORDS = ["_l", "N_", "lazy_gettext"]

# A named printf-style placeholder such as %(name)s or %(num)d; "%%" is a literal percent.
NAMED_PLACEHOLDER = re.compile(
    r"%\((?P<name>[^)]*)\)[-#0 +]*(?:\*|\d+)?(?:\.(?:\*|\d+))?[hlL]?[diouxXeEfFgGcrsa]")


def _key(msgid) -> str:
    return msgid[0] if isinstance(msgid, (tuple, list)) else msgid


def _forms(value) -> tuple[str, ...]:
    return tuple(value) if isinstance(value, (tuple, list)) else (value,)


def _placeholders(text: str) -> set[str]:
    """The named placeholders with their conversion, e.g. {"%(num)d", "%(name)s"}."""
    return {m.group(0) for m in NAMED_PLACEHOLDER.finditer(text.replace("%%", ""))}


@pytest.fixture(scope="module")
def catalog():
    with EN_PO.open("rb") as f:
        return read_po(f, locale="en")


@pytest.fixture(scope="module")
def messages(catalog):
    """Every message of the English catalogue except the header."""
    return [m for m in catalog if m.id]


@pytest.fixture(scope="module")
def extracted():
    """(msgid, context, filename, lineno) for every string extracted from the source."""
    with BABEL_CFG.open(encoding="utf-8") as f:
        method_map, options_map = parse_mapping_cfg(f, str(BABEL_CFG))
    keywords = {**DEFAULT_KEYWORDS, **parse_keywords(EXTRA_KEYWORDS)}
    found = []
    for filename, lineno, msgid, _comments, context in extract_from_dir(
            ROOT, method_map, options_map, keywords=keywords):
        if _key(msgid):
            found.append((msgid, context, filename, lineno))
    return found


def test_catalogue_is_not_empty(messages):
    assert messages, f"{EN_PO} holds no messages"


def test_every_message_has_an_english_translation(catalog, messages):
    untranslated, fuzzy, wrong_plurals = [], [], []
    for m in messages:
        forms = _forms(m.string)
        if m.pluralizable and len(forms) != catalog.num_plurals:
            wrong_plurals.append(f"{_key(m.id)!r}: {len(forms)} of {catalog.num_plurals} forms")
        if not forms or not all(form and form.strip() for form in forms):
            untranslated.append(repr(_key(m.id)))
        if m.fuzzy:
            fuzzy.append(repr(_key(m.id)))
    assert not untranslated, (
        f"{len(untranslated)} message(s) without (complete) English translation in {EN_PO}:\n  "
        + "\n  ".join(untranslated))
    assert not fuzzy, (f"{len(fuzzy)} fuzzy message(s) in {EN_PO}; check them and remove the "
                       "'#, fuzzy' flag:\n  " + "\n  ".join(fuzzy))
    assert not wrong_plurals, "Wrong number of plural forms:\n  " + "\n  ".join(wrong_plurals)
    assert not catalog.fuzzy, f"The header of {EN_PO} is marked fuzzy"


def test_every_source_string_is_in_the_english_catalogue(catalog, extracted):
    assert extracted, "No translatable strings were extracted; is babel.cfg still correct?"
    missing, not_plural = {}, {}
    for msgid, context, filename, lineno in extracted:
        message = catalog.get(_key(msgid), context=context)
        where = f"{filename}:{lineno}"
        if message is None:
            missing.setdefault(_key(msgid), where)
        elif isinstance(msgid, tuple) and not message.pluralizable:
            not_plural.setdefault(_key(msgid), where)
    problems = [f"{msgid!r} ({where})" for msgid, where in sorted(missing.items())]
    problems += [f"{msgid!r} ({where}): plural in the source, singular in the catalogue"
                 for msgid, where in sorted(not_plural.items())]
    assert not problems, (
        f"{len(problems)} Dutch source string(s) have no English entry in {EN_PO}:\n  "
        + "\n  ".join(problems)
        + "\nRun `make translations-update` and fill in the English msgstr for each.")


def test_translations_keep_the_placeholders(messages):
    mismatches = []
    for m in messages:
        sources = _forms(m.id)
        for index, form in enumerate(_forms(m.string)):
            if not form:
                continue  # reported by test_every_message_has_an_english_translation
            # Plural form 0 goes with the singular msgid, the other forms with msgid_plural.
            source = sources[min(index, len(sources) - 1)]
            expected, actual = _placeholders(source), _placeholders(form)
            if expected != actual:
                mismatches.append(f"{_key(m.id)!r} form {index}: expected {sorted(expected)}, "
                                  f"got {sorted(actual)} in {form!r}")
    assert not mismatches, "Placeholders differ between msgid and translation:\n  " + \
        "\n  ".join(mismatches)
