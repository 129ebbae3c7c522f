"""``row_import``, the one row-import skeleton: read → screen every row → check across rows →
report → write all rows, or only the valid ones when asked → audit once. A throwaway import
of (code, amount) rows that writes to a list."""

import io
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.test import override_settings
from django.utils.translation import override
from openpyxl import Workbook

from pooling.core.imports import ImportReport, RowImport, row_import
from pooling.core.money import parse_money

HEADER = "code,amount\n"


class AmountImport(RowImport[tuple[str, Decimal]]):
    columns = {"代码": "code", "金额": "amount"}
    required = ("code", "amount")

    def __init__(self, known: set[str] | None = None) -> None:
        self.known = known if known is not None else {"A", "B", "C"}
        self.prepared: list[list] = []
        self.written: list[list] = []
        self.audited: list[ImportReport] = []

    def prepare(self, rows):
        self.prepared.append(rows)

    def screen(self, number, values, report):
        code = values["code"].strip().upper()
        if code not in self.known:
            report.add(number, "code", values["code"], "No such code.")
            return None
        amount = report.amount(number, "amount", values["amount"])
        return None if amount is None else (code, amount)

    def check_rows(self, clean, report):
        seen, kept = set(), []
        for number, row in clean:
            if row[0] in seen:
                report.add(number, "code", row[0], "Repeated in this file.")
                continue
            seen.add(row[0])
            kept.append((number, row))
        return kept

    def write(self, rows):
        self.written.append(rows)
        return len(rows)

    def audit(self, report):
        self.audited.append(report)


def _run(importer: AmountImport, text: str, **options) -> ImportReport:
    return row_import(importer, file_name="rows.csv", content=text.encode(), **options)


def _file_error(raised) -> tuple[str, str]:
    (error,) = raised.value.error_dict["file"]
    return error.code, error.messages[0]


@pytest.mark.parametrize(
    ("file_name", "content", "reason"),
    [
        ("rows.txt", b"code,amount\nA,1\n", "Upload a .csv or .xlsx file."),
        ("rows.xlsx", b"not a workbook", "The XLSX file cannot be opened."),
        ("rows.csv", b"", "The file is empty."),
    ],
)
def test_an_unreadable_file_is_refused_as_a_whole(file_name, content, reason):
    importer = AmountImport()
    with pytest.raises(ValidationError) as raised, override("en"):
        row_import(importer, file_name=file_name, content=content)
    assert _file_error(raised) == ("unreadable", reason)
    assert importer.prepared == importer.written == importer.audited == []


def test_a_file_without_a_required_column_is_refused_naming_it():
    importer = AmountImport()
    with pytest.raises(ValidationError) as raised, override("en"):
        _run(importer, "code,sum\nA,1\n")
    assert _file_error(raised) == ("columns_missing", "The file lacks the columns amount.")
    assert importer.written == importer.audited == []


def test_a_clean_file_is_written_in_one_call_and_audited_once():
    importer = AmountImport()
    report = _run(importer, HEADER + "a,1.50\n\nB,2\n")
    assert importer.written == [[("A", Decimal("1.50")), ("B", Decimal("2.00"))]]
    assert importer.audited == [report]
    assert (report.valid_rows, report.imported, report.errors) == (2, 2, [])
    # The rows are prepared once, numbered as the spreadsheet shows them (the empty row
    # 3 is skipped).
    assert importer.prepared == [
        [(2, {"code": "a", "amount": "1.50"}), (4, {"code": "B", "amount": "2"})]
    ]


def test_a_file_with_row_errors_writes_nothing_and_reports_each():
    importer = AmountImport()
    report = _run(importer, HEADER + "A,1\nZ,2\nB,abc\n")
    assert importer.written == [] and importer.audited == []
    assert (report.valid_rows, report.imported) == (1, 0)
    assert [error.as_dict() for error in report.errors] == [
        {
            "row": 3,
            "column": "code",
            "value": "Z",
            "reason_zh": "No such code.",
            "reason_en": "No such code.",
        },
        {
            "row": 4,
            "column": "amount",
            "value": "abc",
            "reason_zh": "不是有效金额（元，不小于零，最多两位小数）。",
            "reason_en": "Not an amount in yuan with at most two decimals, zero or more.",
        },
    ]


def test_importing_the_valid_rows_writes_them_and_still_reports_the_errors():
    importer = AmountImport()
    report = _run(importer, HEADER + "A,1\nZ,2\nB,3\n", import_valid_rows=True)
    assert importer.written == [[("A", Decimal("1.00")), ("B", Decimal("3.00"))]]
    assert importer.audited == [report]
    assert (report.valid_rows, report.imported) == (2, 2)
    assert [(error.row, error.column) for error in report.errors] == [(3, "code")]


def test_checks_across_rows_drop_the_rows_they_refuse():
    importer = AmountImport()
    report = _run(importer, HEADER + "A,1\nB,2\nA,3\n", import_valid_rows=True)
    assert importer.written == [[("A", Decimal("1.00")), ("B", Decimal("2.00"))]]
    assert [(error.row, error.column, error.value) for error in report.errors] == [(4, "code", "A")]
    assert report.valid_rows == 2


def test_nothing_valid_with_import_valid_rows_writes_nothing_but_is_audited():
    importer = AmountImport(known=set())
    report = _run(importer, HEADER + "A,1\n", import_valid_rows=True)
    assert importer.written == []
    assert importer.audited == [report]
    assert (report.valid_rows, report.imported, len(report.errors)) == (0, 0, 1)


def test_an_xlsx_file_with_chinese_headers_keeps_the_numbers_as_typed():
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["代码", "金额"])
    sheet.append(["A", 1500.1])
    sheet.append(["B", 2000])
    content = io.BytesIO()
    workbook.save(content)
    importer = AmountImport()
    report = row_import(importer, file_name="ROWS.XLSX", content=content.getvalue())
    assert importer.written == [[("A", Decimal("1500.10")), ("B", Decimal("2000.00"))]]
    assert report.imported == 2


def test_a_gb18030_csv_is_read():
    importer = AmountImport()
    content = "代码,金额\nA,1\n".encode("gb18030")
    report = row_import(importer, file_name="rows.csv", content=content)
    assert report.imported == 1


@pytest.mark.parametrize(
    ("text", "amount"),
    [
        ("1,234.5", Decimal("1234.50")),
        ("0", Decimal("0.00")),
        ("9999999999999999.99", Decimal("9999999999999999.99")),
    ],
)
def test_parse_money_takes_non_negative_fen_amounts_a_money_field_holds(text, amount):
    assert parse_money(text) == amount


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("-1", "not_amount"),
        ("1.234", "not_amount"),
        ("abc", "not_amount"),
        ("NaN", "not_amount"),
        ("sNaN", "not_amount"),
        ("Infinity", "not_amount"),
        ("-inf", "not_amount"),
        ("", "not_amount"),
        ("1e20", "amount_too_large"),
        ("1e400", "amount_too_large"),
        ("1" * 21, "amount_too_large"),
        ("10000000000000000", "amount_too_large"),
    ],
)
def test_parse_money_refuses_what_is_no_amount_or_overflows_the_column(text, code):
    with pytest.raises(ValidationError) as raised:
        parse_money(text)
    assert raised.value.code == code


def test_an_amount_beyond_the_column_is_a_row_error_naming_the_largest_amount():
    importer = AmountImport()
    report = _run(importer, HEADER + "A,1e20\nB," + "1" * 21 + "\nC,NaN\n")
    assert importer.written == []
    assert [(error.row, error.column) for error in report.errors] == [
        (2, "amount"),
        (3, "amount"),
        (4, "amount"),
    ]
    assert report.errors[0].reason_en == (
        "The amount is larger than 9,999,999,999,999,999.99 yuan, the largest an amount may be."
    )


def _xlsx_bytes(rows) -> bytes:
    workbook = Workbook()
    for row in rows:
        workbook.active.append(row)
    content = io.BytesIO()
    workbook.save(content)
    return content.getvalue()


@override_settings(UPLOAD_MAX_ROWS=3)
@pytest.mark.parametrize(
    ("file_name", "content"),
    [
        ("rows.csv", (HEADER + "A,1\n\nB,2\nC,3\n").encode()),
        ("rows.xlsx", _xlsx_bytes([["code", "amount"], ["A", 1], [], ["B", 2], ["C", 3]])),
    ],
)
def test_a_file_over_the_row_limit_is_refused_unwritten(file_name, content):
    """Empty rows count: a packed XLSX of a million empty rows is no way round the limit."""
    importer = AmountImport()
    with pytest.raises(ValidationError) as raised, override("en"):
        row_import(importer, file_name=file_name, content=content)
    assert _file_error(raised) == (
        "unreadable",
        "The file has more than 3 rows; split it into files of at most 3 rows.",
    )
    assert importer.prepared == importer.written == []


def test_three_rows_under_a_limit_of_three_are_read():
    importer = AmountImport()
    with override_settings(UPLOAD_MAX_ROWS=3):
        report = _run(importer, HEADER + "A,1\nB,2\nC,3\n")
    assert report.imported == 3


def test_a_file_over_the_byte_limit_is_refused_in_both_languages():
    content = (HEADER + "A,1\n" * 100).encode()
    with override_settings(UPLOAD_MAX_BYTES=100):
        for language, expected in (
            ("en", "The file is 0.0 MB; at most 0.0 MB may be uploaded."),
            ("zh-hans", "文件大小为 0.0 MB，最多可上传 0.0 MB"),
        ):
            with pytest.raises(ValidationError) as raised, override(language):
                row_import(AmountImport(), file_name="rows.csv", content=content)
            assert expected in _file_error(raised)[1]


def test_an_xlsx_that_unpacks_far_beyond_the_limit_is_refused_unopened():
    content = _xlsx_bytes([["code", "amount"]] + [["A" * 50, 1]] * 5000)
    with (
        override_settings(UPLOAD_MAX_BYTES=len(content)),
        override("en"),
        pytest.raises(ValidationError) as raised,
    ):
        row_import(AmountImport(), file_name="bomb.xlsx", content=content)
    assert "unpacks to" in _file_error(raised)[1]


def test_the_report_lists_the_first_errors_and_counts_the_rest():
    importer = AmountImport()
    with override_settings(IMPORT_MAX_ERRORS=2):
        report = _run(importer, HEADER + "Z,1\n" * 5 + "A,1\n")
    assert [error.row for error in report.errors] == [2, 3]
    assert report.errors_not_listed == 3 and report.has_errors
    assert report.as_dict()["errors_not_listed"] == 3
    assert importer.written == []
