"""Response details of the CSV downloads, and the labels of job runs on the admin page."""
import pytest

from models import JobRun, db, utcnow
from tests.association_fixtures import make_web_association
from tests.hours_fixtures import hours_world
from tests.web.support import url_ids

MAY = "soort=maand&periode=2026-05"


def test_the_csv_exports_name_their_charset_once(app, world, login_as):
    hours_world(app, world)
    ids = {**url_ids(app, world), **make_web_association(app, world)}
    urls = {"kerngroep": [f"/locaties/{world.site}/uren/rapport.csv?{MAY}"],
            "communitycoach": [f"/locaties/{world.site}/uren/export.csv?{MAY}"],
            "bestuur": [f"/locaties/{ids['site']}/vereniging/jaarverslag/2025.csv"]}
    for role, paths in urls.items():
        client = login_as(role)
        for path in paths:
            response = client.get(path)
            assert response.status_code == 200, path
            assert response.headers["Content-Type"] == "text/csv; charset=utf-8", path


@pytest.mark.parametrize("outcome,label", [("ok", "gelukt"), ("failed", "mislukt"),
                                           ("skipped", "overgeslagen"),
                                           ("running", "bezig of onderbroken")])
def test_job_runs_have_their_own_labels(app, world, login_as, outcome, label):
    with app.app_context():
        db.session.add(JobRun(job="monitor", period="2026-06-15", started_at=utcnow(),
                              worker="test", outcome=outcome))
        db.session.commit()
    page = login_as("admin").get("/beheer/taken").get_data(as_text=True)
    assert f'badge-run-{outcome}">{label}</span>' in page
    assert "binnen de band" not in page
