"""Streamed exports of the lists: CSV through ``StreamingHttpResponse`` and XLSX written in
openpyxl's write-only mode to a temporary file served by ``FileResponse``. Rows come from
``QuerySet.iterator`` in chunks, so a million rows never sit in memory at once.

``ListExportMixin`` gives any filtered list page ``?export=csv`` and ``?export=xlsx`` of
everything the filter selects (all pages, same scope as the page).

Every exported cell goes through ``safe_cell`` (CSV) or ``xlsx_row`` (XLSX): text that users
typed is never read as a formula by a spreadsheet (OWASP "CSV injection"). Text starting with
``=``, ``+``, ``-``, ``@``, tab or carriage return gets a leading single quote; in XLSX every
text cell is written as a string, never a formula; numbers (money) stay numbers."""

import csv
import datetime
import tempfile
from collections.abc import Iterable, Sequence
from decimal import Decimal

from django.core.exceptions import FieldDoesNotExist
from django.db.models import Model, QuerySet
from django.http import FileResponse, StreamingHttpResponse
from django.utils import timezone
from django.utils.functional import Promise
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.worksheet.worksheet import Worksheet

ROW_CHUNK = 2000
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
MONEY_FORMAT = "#,##0.00"
DATE_FORMAT = "yyyy-mm-dd"
DATETIME_FORMAT = "yyyy-mm-dd hh:mm"


# What a spreadsheet takes for the start of a formula (OWASP "CSV injection").
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value):
    """``value`` as an export cell: text (also a lazy translation) that a spreadsheet would
    read as a formula gets a leading single quote; numbers, dates and None pass unchanged."""
    if isinstance(value, Promise):
        value = str(value)
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def safe_row(row: Iterable) -> list:
    """A row of ``safe_cell`` values (for ``csv.writer``)."""
    return [safe_cell(value) for value in row]


def xlsx_row(sheet: Worksheet, row: Iterable) -> list:
    """A row for ``sheet.append`` (write-only or not): every text a string cell (data type
    ``s``, never ``f``), neutralised by ``safe_cell`` and without the control characters XLSX
    cannot hold; other values unchanged, so money stays a number."""
    cells = []
    for value in row:
        value = safe_cell(value)
        if isinstance(value, str):
            cell = WriteOnlyCell(sheet, value=ILLEGAL_CHARACTERS_RE.sub("", value))
            cell.data_type = "s"
            value = cell
        else:
            value = xlsx_cell(sheet, value)
        cells.append(value)
    return cells


class _Echo:
    """A file-like object whose ``write`` returns the line, for csv.writer streaming."""

    def write(self, value: str) -> str:
        return value


def csv_response(
    *, header: Sequence[str], rows: Iterable[Sequence], filename: str
) -> StreamingHttpResponse:
    """Stream ``rows`` as CSV with a byte-order mark, so Excel opens the Chinese text."""
    writer = csv.writer(_Echo())

    def lines():
        yield "\ufeff" + writer.writerow(safe_row(header))
        for row in rows:
            yield writer.writerow(safe_row(row))

    response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}.csv"'
    return response


def xlsx_cell(sheet, value) -> object:
    """A value as a spreadsheet cell a clerk can add up: money (``Decimal``) a number shown
    ``#,##0.00``, a date a date, a moment a local date and time (Excel has no time zones),
    a translatable label its text."""
    if isinstance(value, Decimal):
        cell = WriteOnlyCell(sheet, value=value)
        cell.number_format = MONEY_FORMAT
        return cell
    if isinstance(value, datetime.datetime):
        moment = timezone.localtime(value) if timezone.is_aware(value) else value
        cell = WriteOnlyCell(sheet, value=moment.replace(tzinfo=None))
        cell.number_format = DATETIME_FORMAT
        return cell
    if isinstance(value, datetime.date):
        cell = WriteOnlyCell(sheet, value=value)
        cell.number_format = DATE_FORMAT
        return cell
    if isinstance(value, Promise):
        return str(value)
    return value


def xlsx_response(
    *, header: Sequence[str], rows: Iterable[Sequence], filename: str, title: str
) -> FileResponse:
    """Write ``rows`` to a write-only workbook in a temporary file and stream it back. The
    file is unlinked once the response closes it (a NamedTemporaryFile deleted on close)."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=title[:31])
    sheet.append(xlsx_row(sheet, header))
    for row in rows:
        sheet.append(xlsx_row(sheet, row))
    handle = tempfile.NamedTemporaryFile(suffix=".xlsx")  # noqa: SIM115 - closed by the response
    workbook.save(handle)
    handle.seek(0)
    return FileResponse(
        handle, as_attachment=True, filename=f"{filename}.xlsx", content_type=XLSX_TYPE
    )


def export_response(
    *, export: str, header: Sequence[str], rows: Iterable[Sequence], filename: str, title: str
):
    """The CSV or XLSX response for ``export`` (``csv`` or ``xlsx``)."""
    if export == "xlsx":
        return xlsx_response(header=header, rows=rows, filename=filename, title=title)
    return csv_response(header=header, rows=rows, filename=filename)


EXPORTS = ("csv", "xlsx")


def export_kind(request) -> str | None:
    """``csv`` or ``xlsx`` when the request asks for an export, else None."""
    export = request.GET.get("export")
    return export if export in EXPORTS else None


def _field_choices(model: type[Model], path: str) -> dict | None:
    """The value → label map of the field at ``path`` (``a__b__c``), if it has choices. An
    annotation of the queryset (``outstanding_amount``) is no field and has none."""
    field = None
    for name in path.split("__"):
        try:
            field = model._meta.get_field(name)
        except FieldDoesNotExist:
            return None
        if field.is_relation and field.related_model is not None:
            model = field.related_model
    if field is not None and field.choices:
        return {value: str(label) for value, label in field.flatchoices}
    return None


class ListExportMixin:
    """CSV/XLSX export of a list view's queryset, declared as columns.

    ``export_columns`` is a sequence of ``(label, lookup)`` pairs; lookups follow relations
    with ``__`` and fields with choices export their label, so the file reads like the page.
    Rows are read with ``values_list(...).iterator()``: one query, streamed.
    """

    export_columns: Sequence[tuple[str | Promise, str]] = ()
    export_filename: str = "export"
    export_title: str | Promise = ""

    def export_queryset(self) -> QuerySet:
        return self.get_queryset()

    def export_rows(self, queryset: QuerySet) -> Iterable[Sequence]:
        lookups = [lookup for _label, lookup in self.export_columns]
        labels = [_field_choices(queryset.model, lookup) for lookup in lookups]
        for row in queryset.values_list(*lookups).iterator(chunk_size=ROW_CHUNK):
            yield [
                "" if value is None else (choices.get(value, value) if choices else value)
                for value, choices in zip(row, labels, strict=True)
            ]

    def render_to_response(self, context, **kwargs):
        export = export_kind(self.request)
        if export is None:
            return super().render_to_response(context, **kwargs)
        queryset = self.export_queryset()
        return export_response(
            export=export,
            header=[str(label) for label, _lookup in self.export_columns],
            rows=self.export_rows(queryset),
            filename=self.export_filename,
            title=str(self.export_title or self.export_filename),
        )
