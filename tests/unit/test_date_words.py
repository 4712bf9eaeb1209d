"""Weeks, months, periods, durations and percentage points in words (app/filters.py),
in Dutch, with the year boundaries: week 53, week 1 starting in late December and a week
that runs from December into January."""
from datetime import date, datetime, timezone
from types import SimpleNamespace

import pytest
from flask import Flask
from flask_babel import Babel

from app import filters
from services.hours.periods import PeriodKind, period_of
from services.monitoring.digest import render
from services.words import long_date


@pytest.fixture(autouse=True)
def dutch():
    app = Flask(__name__)
    app.config["BABEL_DEFAULT_LOCALE"] = "nl"
    Babel(app)
    with app.test_request_context():
        yield


@pytest.mark.parametrize("day, expected", [
    (date(2026, 12, 9), "week 50 (7–13 dec)"),
    (date(2026, 12, 7), "week 50 (7–13 dec)"),      # the Monday itself
    (date(2026, 12, 13), "week 50 (7–13 dec)"),     # and the Sunday
    (date(2026, 1, 28), "week 5 (26 jan – 1 feb)"),  # two months
    (date(2026, 12, 31), "week 53 (28 dec – 3 jan)"),  # 2026 has 53 weeks
    (date(2027, 1, 2), "week 53 (28 dec – 3 jan)"),  # January days of the year before's week
    (date(2025, 12, 29), "week 1 (29 dec – 4 jan)"),  # week 1 of 2026 starts in December
    (date(2024, 12, 31), "week 1 (30 dec – 5 jan)"),
])
def test_week_label(day, expected):
    assert filters.week_label(day) == expected


def test_week_label_with_year_names_both_years_across_new_year():
    assert filters.week_label(date(2025, 12, 30), with_year=True) == \
        "week 1 (29 dec 2025 – 4 jan 2026)"
    assert filters.week_label(date(2026, 6, 3), with_year=True) == "week 23 (1–7 jun 2026)"


def test_week_label_of_an_instant_uses_the_day_in_amsterdam():
    # Sunday 13 Dec 23:30 UTC is Monday 14 Dec 00:30 in Amsterdam: the next week.
    assert filters.week_label(datetime(2026, 12, 13, 23, 30, tzinfo=timezone.utc)) == \
        "week 51 (14–20 dec)"


@pytest.mark.parametrize("first, last, expected", [
    (date(2026, 12, 7), date(2026, 12, 13), "7–13 dec"),
    (date(2026, 12, 28), date(2027, 1, 3), "28 dec – 3 jan"),
    (date(2026, 2, 23), date(2026, 3, 1), "23 feb – 1 mrt"),
])
def test_day_range(first, last, expected):
    assert filters.day_range(first, last) == expected


@pytest.mark.parametrize("day, expected", [
    (date(2026, 11, 1), "november 2026"), (date(2026, 11, 30), "november 2026"),
    (date(2027, 1, 1), "januari 2027"), (None, ""),
])
def test_month_label(day, expected):
    assert filters.month_label(day) == expected


@pytest.mark.parametrize("kind, on, expected", [
    (PeriodKind.WEEK, date(2026, 6, 3), "week 23 (1–7 jun 2026)"),
    (PeriodKind.WEEK, date(2027, 1, 1), "week 53 (28 dec 2026 – 3 jan 2027)"),
    (PeriodKind.MONTH, date(2026, 5, 17), "mei 2026"),
    (PeriodKind.QUARTER, date(2026, 5, 17), "2e kwartaal 2026 (apr–jun)"),
    (PeriodKind.QUARTER, date(2026, 12, 31), "4e kwartaal 2026 (okt–dec)"),
    (PeriodKind.YEAR, date(2026, 5, 17), "2026"),
])
def test_period_label(kind, on, expected):
    assert filters.period_label(period_of(kind, on)) == expected


def test_period_label_reads_a_plain_kind_too():
    period = SimpleNamespace(kind="maand", start=date(2026, 11, 1), end=date(2026, 12, 1))
    assert filters.period_label(period) == "november 2026"


@pytest.mark.parametrize("minutes, expected", [
    (1, "1 minuut"), (45, "45 minuten"), (60, "1 uur"), (90, "1,5 uur"), (300, "5 uur"),
    (80, "1 uur en 20 minuten"), (61, "1 uur en 1 minuut"), (None, "–"),
])
def test_duration(minutes, expected):
    assert filters.duration(minutes) == expected


@pytest.mark.parametrize("value, expected", [
    (5, "5 procentpunt"), (5.0, "5 procentpunt"), (2.5, "2,5 procentpunt"), (None, "–"),
])
def test_points(value, expected):
    assert filters.points(value) == expected


@pytest.mark.parametrize("code, expected", [
    ("2026-W25", "week 25 (15–21 jun 2026)"), ("2026-W53", "week 53 (28 dec 2026 – 3 jan 2027)"),
    ("2027-W01", "week 1 (4–10 jan 2027)"), ("2026-05", "mei 2026"),
    ("2026-06-16", "16 jun 2026"), ("2026-W99", "2026-W99"), ("2025-W53", "2025-W53"),
    ("weekly", "weekly"), (None, ""),
])
def test_code_label(code, expected):
    assert filters.code_label(code) == expected


def test_the_digest_says_one_site_or_more_in_words():
    since = datetime(2026, 12, 1, tzinfo=timezone.utc)
    signal = SimpleNamespace(created_at=since, severity="info", title="T", explanation="E",
                             link=None)
    user = SimpleNamespace(name="Sanne")
    one = render(user, [(SimpleNamespace(name="Hofje"), [signal])], since, "http://x")[1]
    two = render(user, [(SimpleNamespace(name="Hofje"), [signal]),
                        (SimpleNamespace(name="Erf"), [signal])], since, "http://x")[1]
    assert "een rol hebt op deze locatie." in one
    assert "een rol hebt op deze locaties." in two
    assert "(s)" not in one + two


def test_a_long_date_has_the_month_in_words():
    assert long_date(date(2022, 4, 14)) == "14 april 2022"
    assert long_date(date(2027, 1, 1)) == "1 januari 2027"
