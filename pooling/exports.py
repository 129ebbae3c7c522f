"""Streamed exports of the ledger lists: CSV through ``StreamingHttpResponse`` and XLSX written
in openpyxl's write-only mode to a temporary file served by ``FileResponse``. Rows come from
``QuerySet.iterator`` in chunks, so a million rows never sit in memory at once."""

import csv
import tempfile
from collections.abc import Iterable, Sequence

from django.http import FileResponse, StreamingHttpResponse
from openpyxl import Workbook

ROW_CHUNK = 2000
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


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
        yield "\ufeff" + writer.writerow(header)
        for row in rows:
            yield writer.writerow(row)

    response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}.csv"'
    return response


def xlsx_response(
    *, header: Sequence[str], rows: Iterable[Sequence], filename: str, title: str
) -> FileResponse:
    """Write ``rows`` to a write-only workbook in a temporary file and stream it back. The
    file is unlinked once the response closes it (a NamedTemporaryFile deleted on close)."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=title[:31])
    sheet.append(list(header))
    for row in rows:
        sheet.append(list(row))
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
