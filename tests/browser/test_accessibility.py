"""axe-core on the key pages of every role, at 390 and 1366 px: no violation of impact
"critical" or "serious" is allowed.

axe-core is the npm package pinned in package.json / package-lock.json (``make install``
runs ``npm ci``). Without ``node_modules/axe-core`` the tests are skipped, unless
``REQUIRE_BROWSER=1`` is set, in which case they fail.

One test per role: at each width it logs in once on the demo site "Het Hofje" and runs axe
on each of the role's pages in that one browser context; the failure lists, per page, every
critical or serious violation with its rule, impact and the selectors of the elements.
With ``NOABER_SCREENSHOTS`` set every page checked is also written there as a PNG.

The script is added with ``page.add_script_tag(path=...)``: Playwright puts its text in an
inline ``<script>`` element, which the app's Content-Security-Policy (``script-src
'self'``, no inline scripts) would block. So these tests use a context with
``bypass_csp=True``; the CSP itself is checked by every other browser test.
"""
from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path

import pytest
import sqlalchemy as sa

from models import (AssociationMember, Body, Candidate, ImoMeeting, Meeting, Resident, Room,
                    Site, db)
from services.seed import demo
from tests.browser.conftest import PHONE
from tests.conftest import PASSWORD, TODAY

pytestmark = pytest.mark.browser
DESKTOP = {"width": 1366, "height": 900}
AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
BLOCKING = ("critical", "serious")


@pytest.fixture
def axe_script() -> Path:
    if not AXE.exists():
        reason = f"{AXE} not found: run `make install` (npm ci) for axe-core"
        if os.environ.get("REQUIRE_BROWSER") == "1":
            pytest.fail(f"{reason} (REQUIRE_BROWSER=1)", pytrace=False)
        pytest.skip(reason)
    return AXE


@dataclass(frozen=True)
class Ids:
    site: int
    resident: int
    imo_meeting: int
    candidate: int
    body: int
    meeting: int
    room: int
    member: int


@pytest.fixture
def demo_ids(app) -> Ids:
    """The demo site, and one of each thing the pages below show."""
    with app.app_context():
        try:
            session = db.session
            demo.seed_demo(session, today=TODAY, password=PASSWORD)
            session.commit()
            site = session.scalar(sa.select(Site.id).where(Site.name == demo.SITE_NAME))
            first = lambda column, *where: session.scalar(  # noqa: E731
                sa.select(column).where(*where).order_by(column).limit(1))
            body = first(Body.id,
                         Body.name.startswith("Stuurgroep"))
            return Ids(
                site=site,
                resident=first(Resident.id, Resident.move_out_date.is_(None)),
                imo_meeting=first(ImoMeeting.id, ImoMeeting.site_id == site),
                candidate=first(Candidate.id, Candidate.site_id == site),
                body=body,
                meeting=session.scalar(sa.select(Meeting.id).where(Meeting.body_id == body)
                                       .order_by(Meeting.starts_at.desc()).limit(1)),
                room=first(Room.id, Room.site_id == site),
                member=first(AssociationMember.id))
        finally:
            db.session.remove()


def pages_of(role: str, i: Ids) -> list[tuple[str, int]]:
    """(path, expected status) of the pages checked for ``role``."""
    s = f"/locaties/{i.site}"
    pages = {
        "sociaalbeheerder": [
            f"{s}/mijn-werk", s, f"{s}/bewoners/", f"{s}/bewoners/{i.resident}",
            f"{s}/bewoners/nieuw", f"{s}/bewoners/{i.resident}/bewerken", f"{s}/eenheden",
            f"{s}/imo/", f"{s}/imo/vergaderingen/{i.imo_meeting}",
            f"{s}/imo/kandidaten/{i.candidate}", f"{s}/overdracht/", f"{s}/uren/rapport",
            f"{s}/overleg/", f"{s}/afspraken/", f"{s}/werkplan/", f"{s}/ruimte/",
            f"{s}/ruimte/{i.room}/boeken", f"{s}/ruimte/week", f"{s}/ruimte/{i.room}/rooster",
            f"{s}/ruimte/gebruik", f"{s}/signalen", f"{s}/toegang", f"{s}/rollen",
            f"{s}/import/", f"{s}/privacy", "/profiel", "/hulp/", "/hulp/sociaal-beheerder"],
        "coach": [f"{s}/mijn-werk", f"{s}/uren/nieuw", f"{s}/uren/", f"{s}/uren/week",
                  f"{s}/uren/rapport", f"{s}/signalen", "/hulp/coach"],
        "begeleider": [f"{s}/mijn-werk", f"{s}/bewoners/", f"{s}/bewoners/{i.resident}",
                       f"{s}/imo/kandidaten/{i.candidate}"],
        "bestuur": [f"{s}/mijn-werk", f"{s}/vereniging/", f"{s}/vereniging/leden",
                    f"{s}/vereniging/leden/{i.member}", f"{s}/vereniging/contributie",
                    f"{s}/vereniging/jaarverslag", f"{s}/vereniging/kasboek",
                    f"{s}/vereniging/begrotingen", f"{s}/vereniging/bank",
                    f"{s}/vereniging/bestuur"],
        "kerngroep": [f"{s}/mijn-werk", f"{s}/overleg/", s],
        "stuurgroep": [f"{s}/mijn-werk", f"{s}/overleg/{i.body}",
                       f"{s}/overleg/{i.body}/vergaderingen/{i.meeting}"],
        "beheer": ["/beheer/locaties", f"/beheer/locaties/{i.site}", "/beheer/organisaties",
                   "/beheer/gebruikers", "/beheer/audit", "/beheer/taken", "/koppelingen/"],
        None: ["/login", "/wachtwoord-vergeten"],
    }[role]
    found = [(path, 200) for path in pages]
    if role == "coach":   # a page the role may not see
        found.append((f"{s}/vereniging/", 403))
    if role is None:
        found.append(("/bestaat-niet", 404))
    return found


ROLES = ["sociaalbeheerder", "coach", "begeleider", "bestuur", "kerngroep", "stuurgroep",
         "beheer", None]


def violations(page) -> list[dict]:
    """axe's violations of impact critical or serious on the page open now."""
    found = page.evaluate("""async () => {
        const result = await axe.run(document, {resultTypes: ['violations']});
        return result.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
            targets: v.nodes.map(n => n.target.join(' '))}));
    }""")
    return [v for v in found if v["impact"] in BLOCKING]


def describe(path: str, found: list[dict]) -> str:
    lines = [f"{path}:"]
    for v in found:
        targets = ", ".join(v["targets"][:5]) + (" …" if len(v["targets"]) > 5 else "")
        lines.append(f"  {v['id']} ({v['impact']}: {v['help']}) at {targets}")
    return "\n".join(lines)


def log_in_demo(page, role: str) -> None:
    page.goto("/login")
    page.get_by_label("E-mailadres").fill(f"{role}@{demo.EMAIL_DOMAIN}")
    page.get_by_label("Wachtwoord").fill(PASSWORD)
    page.get_by_role("button", name="Inloggen").click()
    page.wait_for_load_state()
    assert "/login" not in page.url, f"login as {role} failed"


@pytest.mark.parametrize("role", ROLES, ids=[r or "anonymous" for r in ROLES])
def test_no_serious_accessibility_violations(new_page, problems, demo_ids, axe_script, role):
    """Both widths in one test: the demo is seeded once per role (it takes seconds)."""
    folder = os.environ.get("NOABER_SCREENSHOTS")
    failures, checked = [], 0
    for viewport in (PHONE, DESKTOP):
        width = viewport["width"]
        page = new_page(viewport=viewport, bypass_csp=True)
        if role is not None:
            log_in_demo(page, role)
        for path, status in pages_of(role, demo_ids):
            if status != 200:   # the browser logs the error answer; expected here
                problems.allow(re.escape(f"status of {status}"))
            response = page.goto(path)
            assert response is not None and response.status == status, \
                f"GET {path}: {response.status if response else 'no response'}, not {status}"
            page.add_script_tag(path=str(axe_script))
            found = violations(page)
            checked += 1
            if found:
                failures.append(describe(f"{path} at {width} px", found))
            if folder:
                Path(folder).mkdir(parents=True, exist_ok=True)
                name = re.sub(r"[^a-z0-9]+", "-", path.lower()).strip("-") or "home"
                page.screenshot(path=str(Path(folder) / f"a11y-{role or 'anonymous'}-{name}-"
                                                        f"{width}.png"), full_page=True)
    assert checked >= 4
    assert not failures, (f"{len(failures)} of {checked} pages with critical or serious "
                          "violations:\n" + "\n".join(failures))


def relative_luminance(rgb: tuple[int, int, int]) -> float:
    """WCAG 2 relative luminance of an sRGB colour."""
    def channel(c: int) -> float:
        c = c / 255
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4
    r, g, b = (channel(c) for c in rgb)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(a: tuple[int, int, int], b: tuple[int, int, int]) -> float:
    light, dark = sorted((relative_luminance(a), relative_luminance(b)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def rgb(css: str) -> tuple[int, int, int]:
    found = re.match(r"rgba?\((\d+),\s*(\d+),\s*(\d+)(?:,\s*([\d.]+))?\)", css)
    assert found, css
    assert found.group(4) in (None, "1"), f"a transparent colour: {css}"
    return tuple(int(found.group(i)) for i in (1, 2, 3))


def test_contrast_of_known_colours():
    assert contrast((255, 255, 255), (0, 0, 0)) == pytest.approx(21)
    assert contrast((255, 191, 71), (255, 255, 255)) < 3   # the yellow alone is too weak
    assert contrast((11, 12, 12), (255, 255, 255)) > 18


def test_focus_ring_stands_out_on_white(page):
    """Tabbing reaches a link and a button; each shows a solid ring of at least 3:1
    against the white page."""
    page.goto("/login")
    seen = {}
    for _ in range(30):
        page.keyboard.press("Tab")
        focused = page.evaluate("""() => {
            const e = document.activeElement, s = getComputedStyle(e);
            const bg = getComputedStyle(document.body).backgroundColor;
            return {tag: e.tagName.toLowerCase(), text: e.textContent.trim(),
                    style: s.outlineStyle, width: parseFloat(s.outlineWidth),
                    colour: s.outlineColor, page: bg,
                    visible: e.matches(':focus-visible')};
        }""")
        if focused["tag"] in ("a", "button") and focused["tag"] not in seen:
            seen[focused["tag"]] = focused
        if len(seen) == 2:
            break
    assert set(seen) == {"a", "button"}, f"tabbing reached only {list(seen)}"
    for tag, f in seen.items():
        assert f["visible"], f"{tag} {f['text']!r}: no visible focus"
        assert f["style"] == "solid" and f["width"] >= 2, f"{tag} {f['text']!r}: {f}"
        ratio = contrast(rgb(f["colour"]), rgb(f["page"]))
        assert rgb(f["page"]) == (255, 255, 255)
        assert ratio >= 3, f"{tag} {f['text']!r}: ring {f['colour']} is {ratio:.2f}:1 on white"
