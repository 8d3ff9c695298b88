"""core.exports: the same columns as Excel or CSV, cells neutralised, dates in Europe/Paris."""

import datetime
import io
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from core.exports import ExportColumn, csv_lines, csv_response, xlsx_response

COLUMNS = [
    ExportColumn("name", "Nom"),
    ExportColumn("when", "Le"),
    ExportColumn("amount", "Montant"),
    ExportColumn("kind", "Type", labels={"a": "Accord local"}),
]
ROWS = [
    {
        "name": '=HYPERLINK("x")',
        "when": datetime.datetime(2026, 11, 28, 23, 30, tzinfo=datetime.UTC),
        "amount": Decimal("12.50"),
        "kind": "a",
    },
    {"name": 'Léa; "Dupont"', "when": datetime.date(2026, 1, 2), "amount": None, "kind": "b"},
]


def test_csv_has_a_bom_semicolons_neutralised_cells_and_paris_dates():
    lines = list(csv_lines(iter(ROWS), COLUMNS))
    assert lines[0] == "\ufeffNom;Le;Montant;Type\r\n"
    assert lines[1] == '"\'=HYPERLINK(""x"")";29/11/2026 00:30;12,5;Accord local\r\n'
    assert lines[2] == '"Léa; ""Dupont""";02/01/2026;;b\r\n'


def test_csv_response_streams_privately_with_a_safe_file_name():
    response = csv_response(iter(ROWS), COLUMNS, filename="qui détient.csv")
    assert response.streaming and response["Cache-Control"] == "private, no-store"
    assert "filename*=UTF-8''qui%20d%C3%A9tient.csv" in response["Content-Disposition"]
    assert b"".join(response.streaming_content).decode().count("\r\n") == 3


@pytest.mark.django_db  # closing a response sends request_finished, which closes old connections
def test_the_same_columns_give_an_xlsx_with_real_dates():
    response = xlsx_response(iter(ROWS), COLUMNS, sheet="Export", filename="export.xlsx")
    content = b"".join(response.streaming_content)
    response.close()
    rows = list(load_workbook(io.BytesIO(content)).active.values)
    assert rows[1][0] == '\'=HYPERLINK("x")'
    assert rows[1][1] == datetime.datetime(2026, 11, 29, 0, 30)
    assert rows[2][1] == datetime.datetime(2026, 1, 2, 0, 0)
