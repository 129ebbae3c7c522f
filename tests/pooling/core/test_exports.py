"""XLSX exports write money as numbers formatted ``#,##0.00`` and dates as dates, so a clerk
can add a column up in Excel."""

import datetime
import io
from decimal import Decimal

from openpyxl import load_workbook

from pooling.core.exports import xlsx_response


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
