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
- `rows` is iterated once (a queryset's `.iterator()`, a generator): the workbook is written in constant
  memory (openpyxl write-only) to a temporary file that the response streams.

The same columns give a CSV (`csv_response`: semicolons, UTF-8 with a BOM for Excel, dates dd/mm/yyyy,
the same neutralised cells), streamed row by row from the first one.
"""

import csv
import datetime
import tempfile
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.http import FileResponse, StreamingHttpResponse
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


def write_xlsx(file, rows: Iterable, columns: list[ExportColumn], *, sheet="Export"):
    """Writes the workbook (one sheet) into `file` in constant memory."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    workbook = Workbook(write_only=True)
    worksheet = workbook.create_sheet(title=str(sheet)[:31])
    worksheet.freeze_panes = "A2"
    for index, column in enumerate(columns, start=1):
        worksheet.column_dimensions[get_column_letter(index)].width = column.width
    bold = Font(bold=True)
    header = []
    for column in columns:
        cell = WriteOnlyCell(worksheet, value=neutralise(str(column.label)))
        cell.font = bold
        header.append(cell)
    worksheet.append(header)
    for row in rows:
        cells = []
        for column in columns:
            value = cell_value(column.read(row))
            if isinstance(value, datetime.datetime | datetime.date):
                cell = WriteOnlyCell(worksheet, value=value)
                cell.number_format = DATETIME_FORMAT if isinstance(value, datetime.datetime) else DATE_FORMAT
                cells.append(cell)
            else:
                cells.append(value)
        worksheet.append(cells)
    workbook.save(file)


def xlsx_response(rows: Iterable, columns: list[ExportColumn], *, sheet, filename):
    """A streamed .xlsx download (private, not stored by caches)."""
    spool = tempfile.TemporaryFile()  # noqa: SIM115 - closed by FileResponse
    write_xlsx(spool, rows, columns, sheet=sheet)
    spool.seek(0)
    response = FileResponse(spool, content_type=XLSX_CONTENT_TYPE)
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
