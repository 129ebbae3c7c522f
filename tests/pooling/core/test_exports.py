"""Exports never hand a spreadsheet a formula (OWASP "CSV injection"): text typed by users that
starts with = + - @ tab or CR is quoted in CSV and XLSX, XLSX text cells are strings, and
money stays numeric."""

import csv
import datetime
import io
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from pooling.core.exports import csv_response, safe_cell, xlsx_response

HOSTILE = ['=HYPERLINK("http://x","y")', "+1+1", "-2+3", "@SUM(A1)", "\tx", "\rx"]


@pytest.mark.parametrize("text", HOSTILE)
def test_text_a_spreadsheet_would_run_is_quoted(text):
    assert safe_cell(text) == "'" + text


@pytest.mark.parametrize("value", ["张三", "a=b", "", None, 7, Decimal("-5.00")])
def test_other_values_pass_unchanged(value):
    assert safe_cell(value) == value


def test_csv_export_quotes_formulas_and_keeps_money():
    response = csv_response(
        header=["memo", "amount"],
        rows=[[text, Decimal("-1.50")] for text in HOSTILE],
        filename="x",
    )
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text, newline="")))
    assert [row[0] for row in rows[1:]] == ["'" + text for text in HOSTILE]
    assert {row[1] for row in rows[1:]} == {"-1.50"}


def test_xlsx_export_writes_text_as_strings_and_money_as_numbers():
    response = xlsx_response(
        header=["=memo", "amount"],
        rows=[[text, Decimal("-1.50")] for text in HOSTILE] + [["bell\x07", Decimal("2")]],
        filename="x",
        title="t",
    )
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    rows = list(sheet.iter_rows())
    assert rows[0][0].value == "'=memo"
    for (text_cell, money_cell), text in zip(rows[1:], HOSTILE, strict=False):
        # XML reads a carriage return back as a line feed.
        assert (text_cell.data_type, text_cell.value) == ("s", "'" + text.replace("\r", "\n"))
        assert (money_cell.data_type, money_cell.value) == ("n", -1.5)
    assert rows[-1][0].value == "bell"


def test_money_is_a_number_with_separators_and_dates_are_dates():
    moment = datetime.datetime(2026, 12, 1, 16, 30, tzinfo=datetime.UTC)
    response = xlsx_response(
        header=["账户", "金额", "日期", "时间"],
        rows=[["统筹基金", Decimal("9000000.00"), datetime.date(2026, 12, 1), moment]],
        filename="test",
        title="测试",
    )
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    amount, day, at = sheet["B2"], sheet["C2"], sheet["D2"]
    assert amount.value == 9000000 and amount.number_format == "#,##0.00"
    assert day.value == datetime.datetime(2026, 12, 1) and day.number_format == "yyyy-mm-dd"
    # Shown in Beijing time: Excel has no time zones.
    assert at.value == datetime.datetime(2026, 12, 2, 0, 30)
    assert at.number_format == "yyyy-mm-dd hh:mm"
