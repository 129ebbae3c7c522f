"""Uploaded tables (CSV or XLSX): reading them into rows, the row-by-row error report, and
the one import skeleton every file kind runs through (``row_import``).

A report line names the row, the column, the value and the reason in Chinese and English,
so a clerk can correct the file without guessing.
"""

import csv
import io
import zipfile
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, Generic, TypeVar

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext, override

from pooling.core.money import MONEY_MAX, parse_money

Row = TypeVar("Row")


class UnreadableFile(Exception):
    """The upload is not a CSV or XLSX table we can read."""


@dataclass(frozen=True)
class RowError:
    row: int
    column: str
    value: str
    reason_zh: str
    reason_en: str

    def as_dict(self) -> dict:
        return {
            "row": self.row,
            "column": self.column,
            "value": self.value,
            "reason_zh": self.reason_zh,
            "reason_en": self.reason_en,
        }


@dataclass
class ImportReport:
    """The outcome of an import: errors found, rows valid, rows written."""

    errors: list[RowError] = field(default_factory=list)
    valid_rows: int = 0
    imported: int = 0
    # Errors beyond IMPORT_MAX_ERRORS: counted, not listed, so a file of bad rows cannot
    # fill the memory with its report.
    errors_not_listed: int = 0

    @property
    def has_errors(self) -> bool:
        return bool(self.errors) or self.errors_not_listed > 0

    @property
    def error_count(self) -> int:
        """Every error recorded, listed or only counted: what tells whether a row added one."""
        return len(self.errors) + self.errors_not_listed

    def add(self, row: int, column: str, value, message) -> None:
        """Record ``message`` (a lazy translation or a ValidationError) in both languages;
        past ``IMPORT_MAX_ERRORS`` listed errors, only count it."""
        if len(self.errors) >= settings.IMPORT_MAX_ERRORS:
            self.errors_not_listed += 1
            return
        with override("zh-hans"):
            reason_zh = _render(message)
        with override("en"):
            reason_en = _render(message)
        self.errors.append(
            RowError(row, column, "" if value is None else str(value), reason_zh, reason_en)
        )

    def amount(self, row: int, column: str, text: str, *, positive: bool = False) -> Decimal | None:
        """The amount in ``text`` (``pooling.core.money.parse_money``), or None with the
        reason recorded against ``row`` and ``column``."""
        try:
            return parse_money(text, positive=positive)
        except ValidationError as error:
            self.add(row, column, text, error)
            return None

    def as_dict(self) -> dict:
        return {
            "valid_rows": self.valid_rows,
            "imported": self.imported,
            "errors": [error.as_dict() for error in self.errors],
            "errors_not_listed": self.errors_not_listed,
        }


def _render(message) -> str:
    if isinstance(message, ValidationError):
        return str(message.messages[0])
    return str(message)


# The widest table read: columns beyond it are ignored (a city's files have a handful).
MAX_COLUMNS = 64
MEGABYTE = 1024 * 1024


def _megabytes(size: int) -> str:
    return f"{size / MEGABYTE:.1f}"


def upload_size_refusal(size: int) -> str | None:
    """Why a file of ``size`` bytes is refused (over ``UPLOAD_MAX_BYTES``), or None."""
    limit = settings.UPLOAD_MAX_BYTES
    if size <= limit:
        return None
    return gettext(
        "The file is %(size)s MB; at most %(limit)s MB may be uploaded. Split it into smaller "
        "files."
    ) % {"size": _megabytes(size), "limit": _megabytes(limit)}


def validate_upload_size(file) -> None:
    """Field validator of every upload field (``UploadFileField``): refuse a file over
    ``UPLOAD_MAX_BYTES`` before it is read."""
    if (refusal := upload_size_refusal(file.size)) is not None:
        raise ValidationError(refusal, code="file_too_large")


def row_limit_refusal() -> str:
    """The refusal of a file with more than ``UPLOAD_MAX_ROWS`` rows."""
    return gettext(
        "The file has more than %(limit)s rows; split it into files of at most %(limit)s rows."
    ) % {"limit": f"{settings.UPLOAD_MAX_ROWS:,}"}


def read_table(
    *, file_name: str, content: bytes, aliases: dict[str, str]
) -> list[tuple[int, dict]]:
    """The data rows of a CSV or XLSX file as ``(row number, {column: text})``.

    The first row is the header; ``aliases`` maps accepted header texts (Chinese or English) to
    column names. Row numbers are the spreadsheet's own (the header is row 1). Empty rows are
    skipped. Both kinds are read as a stream: a file over ``UPLOAD_MAX_BYTES``, or with more
    than ``UPLOAD_MAX_ROWS`` rows (empty ones counted), is refused (``UnreadableFile``) without
    being read further, so a packed XLSX of a million rows costs no more than its limit.
    """
    if (refusal := upload_size_refusal(len(content))) is not None:
        raise UnreadableFile(refusal)
    if file_name.lower().endswith(".xlsx"):
        raw_rows = _xlsx_rows(content)
    elif file_name.lower().endswith(".csv"):
        raw_rows = _csv_rows(content)
    else:
        raise UnreadableFile(gettext("Upload a .csv or .xlsx file."))
    first = next(raw_rows, None)
    if first is None:
        raise UnreadableFile(gettext("The file is empty."))
    header = [aliases.get(_text(cell).lower(), _text(cell).lower()) for cell in first]
    rows = []
    limit = settings.UPLOAD_MAX_ROWS
    for number, cells in enumerate(raw_rows, start=2):
        if number - 1 > limit:
            raw_rows.close()
            raise UnreadableFile(row_limit_refusal())
        texts = [_text(cell) for cell in cells]
        if not any(texts):
            continue
        rows.append(
            (number, {name: texts[i] if i < len(texts) else "" for i, name in enumerate(header)})
        )
    return rows


def _csv_rows(content: bytes) -> Iterator[list[str]]:
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = content.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise UnreadableFile(gettext("The CSV file is neither UTF-8 nor GB18030 text."))
    try:
        yield from csv.reader(io.StringIO(text, newline=""))
    except csv.Error as error:
        raise UnreadableFile(gettext("The CSV file cannot be read.")) from error


def _xlsx_rows(content: bytes) -> Iterator[tuple]:
    """The first sheet's rows, streamed (openpyxl's read-only mode), at most ``MAX_COLUMNS``
    wide. A workbook that unpacks to more than ten times ``UPLOAD_MAX_BYTES`` (a zip bomb: the
    shared strings are held in memory even in read-only mode) is refused unopened."""
    from openpyxl import load_workbook

    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            unpacked = sum(member.file_size for member in archive.infolist())
        if unpacked > 10 * settings.UPLOAD_MAX_BYTES:
            raise UnreadableFile(
                gettext(
                    "The XLSX file unpacks to %(size)s MB, more than %(limit)s MB; save it "
                    "without unused rows and columns, or split it."
                )
                % {
                    "size": _megabytes(unpacked),
                    "limit": _megabytes(10 * settings.UPLOAD_MAX_BYTES),
                }
            )
        workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except UnreadableFile:
        raise
    except Exception as error:  # zipfile and openpyxl raise many types for a damaged file
        raise UnreadableFile(gettext("The XLSX file cannot be opened.")) from error
    try:
        sheet = workbook.worksheets[0]
        yield from sheet.iter_rows(values_only=True, max_col=MAX_COLUMNS)
    finally:
        workbook.close()


def _text(cell) -> str:
    if cell is None:
        return ""
    if isinstance(cell, float):
        # Spreadsheets store numbers as floats; go through repr to keep what was typed.
        cell = Decimal(repr(cell))
        if cell == cell.to_integral_value():
            cell = cell.quantize(Decimal(1))
    return str(cell).strip()


def refuse_overflowing_total(total: Decimal) -> None:
    """Refuse a whole file (``ValidationError`` on ``file``) whose amounts add up to more than
    a money column holds, so a batch's total can never overflow (``MONEY_MAX``)."""
    if total > MONEY_MAX:
        raise ValidationError(
            {
                "file": ValidationError(
                    gettext(
                        "The file's amounts add up to %(total)s yuan, more than the largest "
                        "total of %(maximum)s yuan; split the file."
                    ),
                    code="total_too_large",
                    params={"total": f"{total:,}", "maximum": f"{MONEY_MAX:,}"},
                )
            }
        )


class RowImport(Generic[Row]):
    """One kind of uploaded table. ``row_import`` runs every kind through the same steps;
    a subclass says only what is particular to its file:

    - ``columns``: accepted header texts (Chinese or English, lower case) → column names;
      ``required``: the columns a file must have;
    - ``prepare(rows)``: look up, set-based, what the rows refer to (employers, people,
      institutions), once for the whole file;
    - ``screen(number, values, report)``: check one row, add each error to ``report``, return
      the clean row (or None);
    - ``check_rows(clean, report)``: checks across rows (duplicates in the file, rows already
      stored); returns the rows still clean;
    - ``write(rows)``: write the clean rows in bulk, return how many were written;
    - ``audit(report)``: record the import's audit event.
    """

    columns: Mapping[str, str] = {}
    required: Sequence[str] = ()

    def prepare(self, rows: list[tuple[int, dict[str, str]]]) -> None:
        return None

    def screen(self, number: int, values: dict[str, str], report: ImportReport) -> Row | None:
        raise NotImplementedError

    def check_rows(
        self, clean: list[tuple[int, Row]], report: ImportReport
    ) -> list[tuple[int, Row]]:
        return clean

    def write(self, rows: list[Row]) -> int:
        raise NotImplementedError

    def audit(self, report: ImportReport) -> None:
        return None


def row_import(
    importer: RowImport, *, file_name: str, content: bytes, import_valid_rows: bool = False
) -> ImportReport:
    """Read → screen every row → report → write all rows, or only the valid ones when the
    user chose so → audit. A file that cannot be read or lacks a column is refused as a
    whole (``ValidationError`` on ``file``); a file with row errors writes nothing unless
    ``import_valid_rows``, and the report names each error (row, column, value, reason in
    Chinese and English). Call it inside the service's transaction."""
    report = ImportReport()
    try:
        rows = read_table(file_name=file_name, content=content, aliases=importer.columns)
    except UnreadableFile as error:
        raise ValidationError({"file": ValidationError(str(error), code="unreadable")}) from error
    if rows and (missing := [name for name in importer.required if name not in rows[0][1]]):
        raise ValidationError(
            {
                "file": ValidationError(
                    gettext("The file lacks the columns %(columns)s."),
                    code="columns_missing",
                    params={"columns": ", ".join(missing)},
                )
            }
        )
    importer.prepare(rows)
    clean: list[tuple[int, Any]] = []
    for number, values in rows:
        errors_before = report.error_count
        row = importer.screen(number, values, report)
        if row is not None and report.error_count == errors_before:
            clean.append((number, row))
    clean = importer.check_rows(clean, report)
    report.valid_rows = len(clean)
    if report.has_errors and not import_valid_rows:
        return report
    report.imported = importer.write([row for _number, row in clean]) if clean else 0
    importer.audit(report)
    return report
