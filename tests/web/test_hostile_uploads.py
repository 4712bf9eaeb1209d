"""Hostile bank files on the woonvereniging's upload page: each is refused with a Dutch
message next to the file field (or the Dutch 413 page) and nothing is saved - not a row
of any table changes."""
from __future__ import annotations

import io

import pytest

from tests.association_fixtures import make_web_association
from tests.web.support import db_snapshot, field_error, fresh_rate_limits, text  # noqa: F401

ING_HEADER = (b'"Datum";"Naam / Omschrijving";"Rekening";"Tegenrekening";"Code";"Af Bij";'
              b'"Bedrag (EUR)";"Mutatiesoort";"Mededelingen"\n')
LAUGHS = (b'<?xml version="1.0"?>\n<!DOCTYPE lolz [\n <!ENTITY lol "lol">\n'
          + b"".join(b' <!ENTITY lol%d "%s">\n' % (n, (b"&lol%d;" % (n - 1) if n > 1 else b"&lol;")
                                                   * 10) for n in range(1, 10))
          + b']>\n<Document><lolz>&lol9;</lolz></Document>')
XXE = (b'<?xml version="1.0"?><!DOCTYPE d [<!ENTITY e SYSTEM "file:///etc/passwd">]>'
       b"<Document>&e;</Document>")
NOT_CAMT = "Dit XML-bestand is geen CAMT.053-rekeningafschrift."


@pytest.fixture
def page(app, world, login_as):
    ids = make_web_association(app, world)
    return login_as("bestuur"), f"/locaties/{ids['site']}/vereniging/bank"


@pytest.mark.parametrize("name,content,message", [
    ("cr.csv", b"Datum;Bedrag\n2026\r01;5\n", "Regel 2 van dit CSV-bestand is niet te lezen"),
    ("ing.csv", ING_HEADER + b'"20260602";"X";"";"";"";"Bij";"5\r,00";"";""\n',
     "Regel 2: het bedrag '5 ,00' is niet te lezen."),   # quoted: csv reads it
    ("rommel.csv", b"\x00\xff\xfe\x89PNG" * 200, "Dit is geen tekstbestand."),
    ("rommel.csv", bytes(range(1, 256)) * 20, "Regel 2 van dit CSV-bestand is niet te lezen"),
    ("rommel.csv", bytes(range(32, 256)) * 20, "De kolommen van dit bestand zijn niet herkend."),
    ("veld.csv", ING_HEADER + b'"' + b"x" * 200_000 + b'"\n',
     "Regel 2 van dit CSV-bestand is niet te lezen"),
    ("afschrift.exe", ING_HEADER, "Kies een .csv- of .xml-bestand."),
    ("afschrift", ING_HEADER, "Kies een .csv- of .xml-bestand."),
    ("leeg.csv", b"", "Het bestand is leeg."),
    ("groot.csv", b"x" * (2 * 1024 * 1024 + 1), "Het bestand is te groot: hoogstens 2 MB."),
    ("nul.csv", ING_HEADER + b'"20260602";"X";"";"";"";"Bij";"0,00";"";""\n',
     "Het bestand bevat geen geboekte transacties."),
    ("miljard.csv", ING_HEADER + b'"20260602";"X";"";"";"";"Bij";"1.000.000.000,00";"";""\n',
     "Regel 2: het bedrag '1.000.000.000,00' is te groot."),
    ("kapot.xml", b"<Document><BkToCstmrStmt>", "Dit XML-bestand is niet te lezen."),
    ("rommel.xml", b"\x00\xff\xfe garbage", "Dit XML-bestand is niet te lezen."),
    ("lol.xml", LAUGHS, NOT_CAMT),
    ("lol16.xml", LAUGHS.replace(b'"1.0"?', b'"1.0" encoding="UTF-16"?').decode()
     .encode("utf-16"), NOT_CAMT),
    ("lang.xml", b"<?xml version='1.0'?><!--" + b"x" * 5000 + b"-->" + LAUGHS[21:], NOT_CAMT),
    ("xxe.xml", XXE, NOT_CAMT),
])
def test_a_hostile_bank_file_is_refused_with_a_message(app, page, name, content, message):
    client, url = page
    before = db_snapshot(app)
    response = client.post(url, data={"file": (io.BytesIO(content), name)},
                           content_type="multipart/form-data")
    assert response.status_code == 422
    assert field_error(text(response), "file").startswith(message)
    assert db_snapshot(app) == before


def test_a_body_over_the_upload_limits_gets_the_dutch_413(app, page):
    client, url = page
    before = db_snapshot(app)
    limit = app.config["MAX_CONTENT_LENGTH"]          # MAX_UPLOAD_MB
    for size in (2 * 1024 * 1024 + 100_000, limit + 1):
        response = client.post(url, data={"file": (io.BytesIO(b"x" * size), "groot.csv")},
                               content_type="multipart/form-data")
        assert response.status_code == 413
        assert "te groot" in text(response)
    assert db_snapshot(app) == before
