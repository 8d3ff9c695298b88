"""core.exports: the same columns as Excel or CSV, cells neutralised, dates in Europe/Paris."""

import datetime
import hashlib
import inspect
import io
import re
import zipfile
import zoneinfo
from decimal import Decimal

import pytest
from django.db import connection
from openpyxl import load_workbook

from accounts.models import User
from core import exports
from core.exports import ExportColumn, csv_lines, csv_response, queryset_rows, stream_xlsx, xlsx_response
from tests.accounts.factories import UserFactory

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


# --- The workbook streams as rows are read ----------------------------------------------------------

STREAM_COLUMNS = [
    ExportColumn("name", "Nom", width=22),
    ExportColumn("kind", "Type", labels={"a": "Alpha"}),
    ExportColumn("born", "Né le"),
    ExportColumn("at", "Le"),
    ExportColumn("amount", "Montant"),
    ExportColumn("active", "Actif"),
]


def stream_rows(count, read):
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
    chunks = stream_xlsx(stream_rows(20_000, read), STREAM_COLUMNS, sheet="Feuille")
    first = next(chunks)
    assert first.startswith(b"PK") and read == []
    sizes = [len(chunk) for chunk in chunks]
    assert len(read) == 20_000 and len(sizes) > 3  # streamed in several chunks, not at the end


def test_the_workbook_opens_with_labels_dates_numbers_and_a_frozen_bold_header():
    content = b"".join(stream_xlsx(stream_rows(3, []), STREAM_COLUMNS, sheet="Feuille"))
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
        iter([{"name": "=1+1", "kind": "+cmd"}]), STREAM_COLUMNS[:2], sheet="=Feuille", filename="export.xlsx"
    )
    assert response.streaming and response["Cache-Control"] == "private, no-store"
    workbook = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    assert [cell.value for cell in workbook.active[2]] == ["'=1+1", "'+cmd"]
    workbook.close()


# --- The fast path (texts escaped by block, rows from templates) writes what the cell-by-cell one did


def read_back(content):
    workbook = load_workbook(io.BytesIO(content))
    rows = [list(row) for row in workbook.active.values]
    workbook.close()
    return rows


def test_tuple_rows_are_positional_and_every_kind_of_value_is_written():
    columns = [*STREAM_COLUMNS, ExportColumn("count", "Nombre"), ExportColumn("nothing", "Rien")]
    rows = [
        ("Ève & <Cie>", "a", datetime.date(1990, 1, 2), None, Decimal("12.50"), False, 7, None),
        (None, "", None, datetime.datetime(2026, 6, 1, 10, 0, tzinfo=datetime.UTC), None, True, None, None),
    ]
    values = read_back(b"".join(stream_xlsx(iter(rows), columns)))
    assert values[1] == ["Ève & <Cie>", "Alpha", datetime.datetime(1990, 1, 2), None, 12.5, False, 7, None]
    assert values[2] == [None, None, None, datetime.datetime(2026, 6, 1, 12, 0), None, True, None, None]
    with pytest.raises(ValueError):
        b"".join(stream_xlsx(iter([("one",)]), columns))


def test_control_characters_are_dropped_before_formulas_are_neutralised():
    texts = ["\x01=1+1", "ok\x00=2", "\ud800@x", " garde ses espaces ", "-1", "+33 6 12", "\tcmd", "\ufffffin"]
    rows = [{"name": text, "kind": "a"} for text in texts]
    values = read_back(b"".join(stream_xlsx(iter(rows), STREAM_COLUMNS[:2])))
    assert [row[0] for row in values[1:]] == [
        "'=1+1",
        "ok=2",
        "'@x",
        " garde ses espaces ",
        "'-1",
        "'+33 6 12",
        "'\tcmd",
        "fin",
    ]


def test_a_large_export_leaves_in_chunks_of_64_kb_and_matches_the_rows():
    rows = [
        (hashlib.sha256(b"%d" % index).hexdigest(), "a" if index % 3 else None, datetime.date(2000, 1, 1))
        for index in range(10_000)
    ]
    chunks = list(stream_xlsx(iter(rows), STREAM_COLUMNS[:3]))
    assert len(chunks) > 3 and all(len(chunk) >= 64 * 1024 for chunk in chunks[1:-1])
    workbook = load_workbook(io.BytesIO(b"".join(chunks)), read_only=True)
    values = list(workbook.active.values)
    workbook.close()
    assert len(values) == 10_001 and values[1:] == [
        (name, "Alpha" if kind else None, datetime.datetime(2000, 1, 1)) for name, kind, _ in rows
    ]


# --- Each column's values written at once (kept from block to block, or joined) read back as each alone


def expected_cell(value):
    """What a cell holds once read back, written value by value (the reference of the fast paths)."""
    if isinstance(value, datetime.datetime):
        return value.astimezone(zoneinfo.ZoneInfo("Europe/Paris")).replace(tzinfo=None)
    if isinstance(value, datetime.date):
        return datetime.datetime(value.year, value.month, value.day)
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, str):
        text = re.sub(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]", "", value)
        return ("'" + text if text.startswith(("=", "+", "-", "@", "\t")) else text) or None
    return value


SPECIAL_TEXTS = ["=1+1", "-x", "@y", "\tz", " lead", "trail ", "a&b<c>", "", None, "é€œ", "+33 6 12"]
CONTROL_TEXTS = ["x\x01y", "\ud800z", "fin\uffff", "nul\x00=1"]


def many_rows(count):
    for index in range(count):
        unique = f"id-{index}"
        if index % 97 == 5:
            unique = SPECIAL_TEXTS[index % len(SPECIAL_TEXTS)]
        if 1500 <= index < 1500 + len(CONTROL_TEXTS):  # a block of joined texts falls back to each alone
            unique = CONTROL_TEXTS[index - 1500]
        yield (
            unique,
            SPECIAL_TEXTS[index % len(SPECIAL_TEXTS)] if index % 50 == 0 else ["Paris", "Lyon", "Brest"][index % 3],
            datetime.date(2000, 1, 1) + datetime.timedelta(days=index % 400) if index % 7 else None,
            datetime.date(1990, 1, 1) + datetime.timedelta(days=index),
            datetime.datetime(2026, 3, 29, 0, 30, tzinfo=datetime.UTC) + datetime.timedelta(hours=index % 5),
            [Decimal("17.50"), Decimal("35"), None][index % 3],
            index * 3,
            # Kinds that change from block to block: True and 1 are one key of the values kept.
            1 if index < 1000 else (True if index < 2000 else 1.0),
            None if index < 2000 else "x",  # empty, then written
            "Même" if index % 2 else 7,  # mixed kinds in each block
        )


MANY_COLUMNS = [ExportColumn(f"c{index}", f"C{index}") for index in range(10)]


def test_columns_written_at_once_read_back_as_each_value_alone():
    rows = list(many_rows(2_500))
    content = b"".join(stream_xlsx(iter(rows), MANY_COLUMNS))
    assert zipfile.ZipFile(io.BytesIO(content)).testzip() is None  # every member's CRC
    workbook = load_workbook(io.BytesIO(content), read_only=True)
    values = list(workbook.active.values)
    workbook.close()
    assert values[0] == tuple(f"C{index}" for index in range(10))
    assert len(values) == 2_501
    for index, (row, written) in enumerate(zip(rows, values[1:], strict=True)):
        assert written == tuple(expected_cell(value) for value in row), index
        assert type(written[7]) is type(row[7])  # True stays a boolean, 1 a number


def test_a_text_holding_a_nul_is_cleaned_on_its_own():
    rows = [(f"id-{index}",) for index in range(10)] + [("nul\x00=1",), ("\x00=2",)]
    assert [row[0] for row in read_back(b"".join(stream_xlsx(iter(rows), [ExportColumn("t", "T")])))[-2:]] == [
        "nul=1",
        "'=2",
    ]


def test_spaces_at_an_end_are_kept_in_texts_written_at_once():
    rows = [(f" {index} ",) for index in range(10)] + [(f"{index}",) for index in range(10)]
    content = b"".join(stream_xlsx(iter(rows), [ExportColumn("text", "Texte")]))
    assert b'<t xml:space="preserve"> 0 </t>' in zipfile.ZipFile(io.BytesIO(content)).read("xl/worksheets/sheet1.xml")
    assert [row[0] for row in read_back(content)[1:]] == [text for (text,) in rows]


def test_a_sheet_larger_than_the_zip32_limit_has_zip64_records(monkeypatch):
    monkeypatch.setattr(exports, "_ZIP64_LIMIT", 100)  # every size and offset is then "large"
    rows = [(f"Nom {index}", datetime.date(2026, 1, 1)) for index in range(50)]
    content = b"".join(stream_xlsx(iter(rows), STREAM_COLUMNS[:1] + STREAM_COLUMNS[2:3]))
    archive = zipfile.ZipFile(io.BytesIO(content))
    assert archive.testzip() is None
    sheet = archive.getinfo("xl/worksheets/sheet1.xml")
    assert sheet.extra and sheet.file_size > 100  # its sizes and offset are in its ZIP64 extra field
    assert read_back(content)[50] == ["Nom 49", datetime.datetime(2026, 1, 1)]


def test_an_empty_label_has_no_header_cell():
    content = b"".join(stream_xlsx(iter([("a", "b")]), [ExportColumn("x", ""), ExportColumn("y", "Y")]))
    assert read_back(content) == [[None, "Y"], ["a", "b"]]


def test_closing_the_stream_closes_the_rows():
    def rows():
        yield from [("a",)] * 5_000

    generator = rows()
    chunks = stream_xlsx(generator, STREAM_COLUMNS[:1])
    next(chunks)
    next(chunks)
    chunks.close()
    assert inspect.getgeneratorstate(generator) == inspect.GEN_CLOSED


@pytest.mark.django_db
def test_queryset_rows_are_read_in_one_transaction():
    UserFactory.create_batch(3)
    depth = len(connection.savepoint_ids)
    rows = queryset_rows(User.objects.order_by("pk").values_list("pk"), chunk_size=2)
    first = next(rows)
    assert len(connection.savepoint_ids) == depth + 1  # within an atomic block of its own
    assert [first, *rows] == list(User.objects.order_by("pk").values_list("pk"))
    assert len(connection.savepoint_ids) == depth
