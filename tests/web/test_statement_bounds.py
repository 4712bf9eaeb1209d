"""The key pages run a fixed number of SQL statements, however much data a site has:
a site of the scale seed with one year of history and a site with three
years (beside a second site) are shown with the same number of statements, counted with
an SQLAlchemy listener on the engine. Time is measured by `make bench`, not here."""
from __future__ import annotations

from datetime import datetime, time, timezone

import pytest
import sqlalchemy as sa

from models import HourEntry, ImoMeeting, Room, Site, db
from services.hours.periods import PeriodKind, period_of
from services.monitoring.sweep import sweep
from services.seed.scale import EMAIL_DOMAIN, feed_token, seed_scale
from tests.conftest import PASSWORD, TODAY

SMALL = dict(sites=1, years=1, seed=3, tag="klein")
LARGE = dict(sites=2, years=3, seed=4, tag="groot")


def _seed(app, spec: dict) -> dict:
    """Seed a dataset and return the paths of its first site's key pages."""
    with app.app_context():
        seed_scale(db.session, today=TODAY, password=PASSWORD, **spec)
        site_id = db.session.scalar(sa.select(Site.id).where(
            Site.name == f"Locatie 001 {spec['tag']}"))
        meeting = db.session.scalar(sa.select(ImoMeeting.id).where(
            ImoMeeting.site_id == site_id).order_by(ImoMeeting.month.desc()).limit(1))
        room = db.session.scalar(sa.select(Room.id).where(Room.site_id == site_id)
                                 .order_by(Room.id).limit(1))
        entries = db.session.scalar(sa.select(sa.func.count()).select_from(HourEntry)
                                    .where(HourEntry.site_id == site_id))
        sweep(db.session, TODAY, datetime.combine(TODAY, time(6), tzinfo=timezone.utc))
        db.session.commit()
    s = f"/locaties/{site_id}"
    quarter = period_of(PeriodKind.QUARTER, TODAY).previous().code
    return {"entries": entries, "domain": f"{spec['tag']}.{EMAIL_DOMAIN}", "pages": {
        "site dashboard": s,
        "resident list": f"{s}/bewoners/",
        "IMO meeting": f"{s}/imo/vergaderingen/{meeting}",
        "hours report": f"{s}/uren/rapport?soort=kwartaal&periode={quarter}",
        "room week view": f"{s}/ruimte/{room}",
        "iCal feed": f"/agenda/{feed_token(spec['seed'], room)}.ics",
        "signals": f"{s}/signalen",
        "start page": f"{s}/mijn-werk",
    }, "bestuur_pages": {"ALV statement": f"{s}/vereniging/jaarverslag/{TODAY.year - 1}",
                         "start page (bestuur)": f"{s}/mijn-werk"},
        "coach01_pages": {"start page (coach)": f"{s}/mijn-werk",
                          "hour form (coach)": f"{s}/uren/nieuw"},
        # the first site's begeleiders are those of the second and fifth care organisation
        "begeleider2_pages": {"start page (begeleider)": f"{s}/mijn-werk"},
        "kerngroep_pages": {"start page (kerngroep)": f"{s}/mijn-werk"}}


def _statements(app, client, path: str) -> int:
    """The statements one request for ``path`` executes (after a first request)."""
    with app.app_context():
        engine = db.engine
    assert client.get(path).status_code == 200, path
    count = 0

    def listener(*_args):
        nonlocal count
        count += 1

    sa.event.listen(engine, "before_cursor_execute", listener)
    try:
        response = client.get(path)
    finally:
        sa.event.remove(engine, "before_cursor_execute", listener)
    assert response.status_code == 200, path
    return count


def _counts(app, client, auth, dataset: dict) -> dict[str, int]:
    counts = {}
    for account in ("sb", "bestuur", "coach01", "begeleider2", "kerngroep"):
        pages = dataset["pages" if account == "sb" else f"{account}_pages"]
        auth.logout()
        assert auth.login(f"{account}@{dataset['domain']}").status_code == 302
        counts |= {name: _statements(app, client, path) for name, path in pages.items()}
    return counts


@pytest.mark.filterwarnings("ignore::DeprecationWarning")
def test_statements_per_page_do_not_grow_with_the_data(app, client, auth):
    small = _seed(app, SMALL)
    small_counts = _counts(app, client, auth, small)
    large = _seed(app, LARGE)
    large_counts = _counts(app, client, auth, large)
    assert large["entries"] > 2 * small["entries"]  # three years against one
    assert large_counts == small_counts
    assert max(small_counts.values()) <= 30
