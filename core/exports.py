"""Spreadsheet exports, one way for every space: safe cells, human labels, real dates, streamed.

    columns = [
        ExportColumn("family_number", _("N° de famille")),
        ExportColumn("civility", _("Civilité"), labels=dict(CIVILITIES)),     # "mme" -> "Madame"
        ExportColumn("birth_date", _("Date de naissance")),                     # a date cell, dd/mm/yyyy
    ]
    return xlsx_response(rows, columns, sheet=_("Coopérateurs"), filename="cooperateurs-2026-11-28.xlsx")

- A text that starts with `=`, `+`, `-`, `@`, a tab or a carriage return is written as text, prefixed with
  an apostrophe, so that no spreadsheet runs it as a formula (OWASP "CSV injection").
- Dates and datetimes are real dates shown dd/mm/yyyy (datetimes in Europe/Paris); decimals are numbers.
- The header row is bold and frozen; columns have widths.
- `rows` is iterated once (a queryset's `.iterator()`, a generator) and the workbook is streamed as
  it is written: the first bytes leave at once, memory stays flat whatever the rows. The workbook is
  written directly (SpreadsheetML with inline strings, zipped as a stream): no library holds it.

The same columns give a CSV (`csv_response`: semicolons, UTF-8 with a BOM for Excel, dates dd/mm/yyyy,
the same neutralised cells), streamed row by row from the first one.
"""

import csv
import datetime
import re
import zipfile
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any
from xml.sax.saxutils import escape, quoteattr

from django.http import StreamingHttpResponse
from django.utils import timezone

from .files import content_disposition

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
DATE_FORMAT = "DD/MM/YYYY"
DATETIME_FORMAT = "DD/MM/YYYY HH:MM"


@dataclass(frozen=True)
class ExportColumn:
    key: str  # a key of the row (dict) or an attribute path ("cooperative.organisation.name")
    label: Any
    labels: Mapping[Any, Any] | None = None  # stored value -> human label (choices)
    width: int = 18
    value: Callable[[Any], Any] | None = None  # computes the value from the row instead of `key`

    def read(self, row):
        if self.value is not None:
            value = self.value(row)
        elif isinstance(row, Mapping):
            value = row.get(self.key)
        else:
            value = row
            for part in self.key.split("."):
                value = getattr(value, part, None) if value is not None else None
        if self.labels is not None and value not in (None, ""):
            value = self.labels.get(value, value)
        return value


def neutralise(value):
    """A cell value no spreadsheet will run: text starting with a formula character is prefixed with '."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def cell_value(value):
    """The value written in a cell: safe text, real dates (naive, Europe/Paris), numbers for decimals."""
    if value is None:
        return None
    if isinstance(value, datetime.datetime):
        if timezone.is_aware(value):
            value = timezone.localtime(value)
        return value.replace(tzinfo=None)
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, bool | int | float | datetime.date):
        return value
    return neutralise(str(value))


# --- The workbook, written as a stream ------------------------------------------------------------

_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PKG_REL = "http://schemas.openxmlformats.org/package/2006/relationships"
_XML = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
_CONTENT_TYPES = (
    _XML + '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    '<Override PartName="/xl/worksheets/sheet1.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
    '<Override PartName="/xl/styles.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>'
    "</Types>"
)
_ROOT_RELS = (
    _XML + f'<Relationships xmlns="{_PKG_REL}">'
    f'<Relationship Id="rId1" Type="{_REL}/officeDocument" Target="xl/workbook.xml"/></Relationships>'
)
_WORKBOOK_RELS = (
    _XML + f'<Relationships xmlns="{_PKG_REL}">'
    f'<Relationship Id="rId1" Type="{_REL}/worksheet" Target="worksheets/sheet1.xml"/>'
    f'<Relationship Id="rId2" Type="{_REL}/styles" Target="styles.xml"/></Relationships>'
)
# Cell styles: 0 plain, 1 bold (the header), 2 a date, 3 a date and time.
_STYLES = (
    _XML + f'<styleSheet xmlns="{_MAIN}">'
    f'<numFmts count="2"><numFmt numFmtId="164" formatCode="{DATE_FORMAT}"/>'
    f'<numFmt numFmtId="165" formatCode="{DATETIME_FORMAT}"/></numFmts>'
    '<fonts count="2"><font><sz val="11"/><name val="Calibri"/></font>'
    '<font><b/><sz val="11"/><name val="Calibri"/></font></fonts>'
    '<fills count="2"><fill><patternFill patternType="none"/></fill>'
    '<fill><patternFill patternType="gray125"/></fill></fills>'
    '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
    '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
    '<cellXfs count="4"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'
    '<xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1"/>'
    '<xf numFmtId="164" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'
    '<xf numFmtId="165" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/></cellXfs>'
    '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles></styleSheet>'
)
_EPOCH = datetime.datetime(1899, 12, 30)
_ILLEGAL_XML = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
ROWS_PER_CHUNK = 200


def _letters(index):
    """1 -> A, 27 -> AA."""
    name = ""
    while index:
        index, remainder = divmod(index - 1, 26)
        name = chr(65 + remainder) + name
    return name


def _text(value):
    text = escape(_ILLEGAL_XML.sub("", value))
    space = ' xml:space="preserve"' if text != text.strip() else ""
    return f"<is><t{space}>{text}</t></is>"


def _cell(ref, value, style=0):
    """One <c> element of a value already made safe by cell_value()."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return f'<c r="{ref}" t="b"><v>{int(value)}</v></c>'
    if isinstance(value, int | float):
        return f'<c r="{ref}"><v>{value!r}</v></c>'
    if isinstance(value, datetime.datetime):
        serial = (value - _EPOCH).total_seconds() / 86400
        return f'<c r="{ref}" s="3"><v>{serial!r}</v></c>'
    if isinstance(value, datetime.date):
        return f'<c r="{ref}" s="2"><v>{(value - _EPOCH.date()).days}</v></c>'
    styled = f' s="{style}"' if style else ""
    return f'<c r="{ref}" t="inlineStr"{styled}>{_text(str(value))}</c>'


class _Chunks:
    """The zip's output: what was written since the last take() (a write-only, unseekable file)."""

    def __init__(self):
        self._parts: list[bytes] = []

    def write(self, data: bytes, /) -> int:
        self._parts.append(bytes(data))
        return len(data)

    def flush(self) -> None:
        pass

    def close(self) -> None:
        pass

    def take(self):
        data = b"".join(self._parts)
        self._parts.clear()
        return data


def stream_xlsx(rows: Iterable, columns: list[ExportColumn], *, sheet="Export") -> Iterator[bytes]:
    """The workbook (one sheet, header bold and frozen, widths), as chunks of bytes while rows are read."""
    out = _Chunks()
    letters = [_letters(index) for index in range(1, len(columns) + 1)]
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=1) as archive:
        archive.writestr("[Content_Types].xml", _CONTENT_TYPES)
        archive.writestr("_rels/.rels", _ROOT_RELS)
        archive.writestr(
            "xl/workbook.xml",
            _XML + f'<workbook xmlns="{_MAIN}" xmlns:r="{_REL}"><sheets>'
            f'<sheet name={quoteattr(_ILLEGAL_XML.sub("", str(sheet))[:31])} sheetId="1" r:id="rId1"/>'
            "</sheets></workbook>",
        )
        archive.writestr("xl/_rels/workbook.xml.rels", _WORKBOOK_RELS)
        archive.writestr("xl/styles.xml", _STYLES)
        yield out.take()
        with archive.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as part:
            widths = "".join(
                f'<col min="{i}" max="{i}" width="{column.width}" customWidth="1"/>'
                for i, column in enumerate(columns, start=1)
            )
            header = "".join(
                _cell(f"{letter}1", neutralise(str(column.label)), style=1)
                for letter, column in zip(letters, columns, strict=True)
            )
            part.write(
                (
                    _XML + f'<worksheet xmlns="{_MAIN}"><sheetViews><sheetView workbookViewId="0">'
                    '<pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" state="frozen"/>'
                    f"</sheetView></sheetViews><cols>{widths}</cols><sheetData>"
                    f'<row r="1">{header}</row>'
                ).encode()
            )
            lines = []
            for number, row in enumerate(rows, start=2):
                cells = "".join(
                    _cell(f"{letter}{number}", cell_value(column.read(row)))
                    for letter, column in zip(letters, columns, strict=True)
                )
                lines.append(f'<row r="{number}">{cells}</row>')
                if len(lines) == ROWS_PER_CHUNK:
                    part.write("".join(lines).encode())
                    lines.clear()
                    chunk = out.take()
                    if chunk:
                        yield chunk
            part.write(("".join(lines) + "</sheetData></worksheet>").encode())
    yield out.take()


def write_xlsx(file, rows: Iterable, columns: list[ExportColumn], *, sheet="Export"):
    """Writes the workbook (one sheet) into `file`, in constant memory."""
    for chunk in stream_xlsx(rows, columns, sheet=sheet):
        file.write(chunk)


def xlsx_response(rows: Iterable, columns: list[ExportColumn], *, sheet, filename):
    """A streamed .xlsx download (private, not stored by caches): its first bytes leave before the
    rows are read."""
    response = StreamingHttpResponse(stream_xlsx(rows, columns, sheet=sheet), content_type=XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = content_disposition(filename)
    response["Cache-Control"] = "private, no-store"
    return response


class _Echo:
    def write(self, value):
        return value


def csv_text(value):
    """A CSV cell: the cell's value as text (dates dd/mm/yyyy, datetimes in Europe/Paris), neutralised."""
    value = cell_value(value)
    if value is None:
        return ""
    if isinstance(value, datetime.datetime):
        return value.strftime("%d/%m/%Y %H:%M")
    if isinstance(value, datetime.date):
        return value.strftime("%d/%m/%Y")
    if isinstance(value, bool):
        return str(int(value))
    if isinstance(value, float):
        return str(value).replace(".", ",")  # French spreadsheets read a decimal comma
    return str(value)


def csv_lines(rows: Iterable, columns: list[ExportColumn]):
    """The CSV's lines (header first, with a BOM), one at a time."""
    writer = csv.writer(_Echo(), delimiter=";")
    yield "\ufeff" + writer.writerow([neutralise(str(column.label)) for column in columns])
    for row in rows:
        yield writer.writerow([csv_text(column.read(row)) for column in columns])


def csv_response(rows: Iterable, columns: list[ExportColumn], *, filename):
    """A streamed .csv download of the same columns as xlsx_response (private, not stored by caches)."""
    response = StreamingHttpResponse(csv_lines(rows, columns), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = content_disposition(filename)
    response["Cache-Control"] = "private, no-store"
    return response
