"""core.exports: the workbook streams as rows are read, and opens as a real spreadsheet."""

import datetime
import io
from decimal import Decimal

from openpyxl import load_workbook

from core.exports import ExportColumn, stream_xlsx, xlsx_response

COLUMNS = [
    ExportColumn("name", "Nom", width=22),
    ExportColumn("kind", "Type", labels={"a": "Alpha"}),
    ExportColumn("born", "Né le"),
    ExportColumn("at", "Le"),
    ExportColumn("amount", "Montant"),
    ExportColumn("active", "Actif"),
]


def rows(count, read):
    for index in range(count):
        read.append(index)
        yield {
            "name": f"  Nom {index} & <co>\x07",
            "kind": "a",
            "born": datetime.date(1990, 1, 2),
            "at": datetime.datetime(2026, 11, 28, 18, 30, tzinfo=datetime.UTC),
            "amount": Decimal("12.50"),
            "active": index % 2 == 0,
        }


def test_the_first_bytes_leave_before_any_row_is_read():
    read = []
    chunks = stream_xlsx(rows(20_000, read), COLUMNS, sheet="Feuille")
    first = next(chunks)
    assert first.startswith(b"PK") and read == []
    sizes = [len(chunk) for chunk in chunks]
    assert len(read) == 20_000 and len(sizes) > 3  # streamed in several chunks, not at the end


def test_the_workbook_opens_with_labels_dates_numbers_and_a_frozen_bold_header():
    content = b"".join(stream_xlsx(rows(3, []), COLUMNS, sheet="Feuille"))
    workbook = load_workbook(io.BytesIO(content))
    sheet = workbook["Feuille"]
    assert sheet.freeze_panes == "A2" and sheet.column_dimensions["A"].width == 22
    assert [cell.value for cell in sheet[1]] == ["Nom", "Type", "Né le", "Le", "Montant", "Actif"]
    assert sheet["A1"].font.b
    name, kind, born, at, amount, active = sheet[2]
    assert name.value == "  Nom 0 & <co>" and kind.value == "Alpha"  # spaces kept, control character dropped
    assert born.value == datetime.datetime(1990, 1, 2) and born.number_format == "DD/MM/YYYY"
    assert at.value == datetime.datetime(2026, 11, 28, 19, 30)  # Europe/Paris
    assert at.number_format == "DD/MM/YYYY HH:MM"
    assert amount.value == 12.5 and active.value is True
    workbook.close()


def test_formulas_are_neutralised_and_the_response_streams():
    response = xlsx_response(
        iter([{"name": "=1+1", "kind": "+cmd"}]), COLUMNS[:2], sheet="=Feuille", filename="export.xlsx"
    )
    assert response.streaming and response["Cache-Control"] == "private, no-store"
    workbook = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    assert [cell.value for cell in workbook.active[2]] == ["'=1+1", "'+cmd"]
    workbook.close()
