"""Server-side line charts as inline SVG for the risk dashboard: a pure function of the
numbers, so the dashboard needs no JavaScript and no CDN, prints as it shows, and is tested as
text.

``line_chart_svg`` draws one or more series over the same month labels, a y axis from zero
(or the lowest value when negative) to a rounded maximum, and optional dashed threshold lines
(the warning and alert levels). A ``None`` value breaks the line (no spending: months covered
is not defined). Every text is escaped. ``risk_charts`` draws the dashboard's two charts.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from html import escape

from django.utils.translation import gettext as _

from settlement.risk.selectors import RiskRow, Thresholds

PALETTE = ("#2563eb", "#059669", "#d97706", "#7c3aed", "#db2777", "#0891b2", "#65a30d")


@dataclass(frozen=True)
class Series:
    name: str
    values: Sequence[Decimal | None]


@dataclass(frozen=True)
class Threshold:
    name: str
    value: Decimal
    color: str = "#dc2626"


def _nice_ceiling(value: float) -> float:
    """The smallest of 1, 2, 2.5, 5 × 10ⁿ not below ``value`` (a readable axis maximum)."""
    if value <= 0:
        return 1.0
    magnitude = 10 ** (len(str(int(value))) - 1) if value >= 1 else 1.0
    for step in (1, 2, 2.5, 5, 10):
        if step * magnitude >= value:
            return step * magnitude
    return 10 * magnitude


def _fmt(value: float) -> str:
    return f"{value:,.0f}" if abs(value) >= 10 or value == int(value) else f"{value:,.1f}"


def line_chart_svg(
    *,
    title: str,
    labels: Sequence[str],
    series: Sequence[Series],
    thresholds: Sequence[Threshold] = (),
    width: int = 640,
    height: int = 240,
) -> str:
    """The chart as an ``<svg>`` element (a string safe to insert into HTML)."""
    left, right, top, bottom = 70, 150, 28, 36
    plot_w, plot_h = width - left - right, height - top - bottom
    numbers = [float(v) for s in series for v in s.values if v is not None]
    numbers += [float(t.value) for t in thresholds]
    low = min([0.0, *numbers])
    high = _nice_ceiling(max([0.0, *numbers]))
    span = (high - low) or 1.0
    count = max(len(labels), 1)

    def x(index: int) -> float:
        return left + (plot_w * index / (count - 1) if count > 1 else plot_w / 2)

    def y(value: float) -> float:
        return top + plot_h * (1 - (value - low) / span)

    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" role="img" width="{width}" '
        f'height="{height}" viewBox="0 0 {width} {height}" aria-label="{escape(title)}">',
        f"<title>{escape(title)}</title>",
        f'<text x="{left}" y="16" font-size="13" font-weight="bold">{escape(title)}</text>',
    ]
    for tick in range(5):
        value = low + span * tick / 4
        parts.append(
            f'<line x1="{left}" y1="{y(value):.1f}" x2="{left + plot_w}" y2="{y(value):.1f}" '
            f'stroke="#e5e7eb"/><text x="{left - 6}" y="{y(value) + 4:.1f}" font-size="10" '
            f'text-anchor="end">{_fmt(value)}</text>'
        )
    step = max(1, -(-count // 6))  # at most six month labels
    for index, label in enumerate(labels):
        if index % step == 0:
            parts.append(
                f'<text x="{x(index):.1f}" y="{top + plot_h + 16}" font-size="10" '
                f'text-anchor="middle">{escape(label)}</text>'
            )
    for threshold in thresholds:
        level = y(float(threshold.value))
        parts.append(
            f'<line class="threshold" x1="{left}" y1="{level:.1f}" x2="{left + plot_w}" '
            f'y2="{level:.1f}" stroke="{threshold.color}" stroke-dasharray="4 3"/>'
            f'<text x="{left + 4}" y="{level - 3:.1f}" font-size="10" '
            f'fill="{threshold.color}">{escape(threshold.name)}</text>'
        )
    for number, line in enumerate(series):
        color = PALETTE[number % len(PALETTE)]
        runs: list[list[str]] = [[]]
        for index, value in enumerate(line.values):
            if value is None:
                runs.append([])
                continue
            runs[-1].append(f"{x(index):.1f},{y(float(value)):.1f}")
        for run in runs:
            if len(run) > 1:
                parts.append(
                    f'<polyline class="series" fill="none" stroke="{color}" stroke-width="2" '
                    f'points="{" ".join(run)}"/>'
                )
            elif run:
                cx, cy = run[0].split(",")
                parts.append(f'<circle class="series" cx="{cx}" cy="{cy}" r="3" fill="{color}"/>')
        legend_y = top + 14 * number + 30
        parts.append(
            f'<rect x="{left + plot_w + 4}" y="{legend_y - 8}" width="10" height="3" '
            f'fill="{color}"/><text x="{left + plot_w + 18}" y="{legend_y - 4}" '
            f'font-size="10">{escape(line.name)}</text>'
        )
    parts.append("</svg>")
    return "".join(parts)


def risk_charts(rows: list[RiskRow], thresholds: Thresholds) -> tuple[str, str]:
    """The balance chart and the months-covered chart (with the two thresholds) of the
    dashboard's rows."""
    labels = [point.month.strftime("%Y-%m") for point in rows[0].points] if rows else []
    balance = line_chart_svg(
        title=_("Balance (yuan)"),
        labels=labels,
        series=[Series(row.label, [point.balance for point in row.points]) for row in rows],
    )
    covered = line_chart_svg(
        title=_("Months of spending covered"),
        labels=labels,
        series=[Series(row.label, [point.months_covered for point in row.points]) for row in rows],
        thresholds=[
            Threshold(_("warning"), thresholds.warning, "#d97706"),
            Threshold(_("alert"), thresholds.alert, "#dc2626"),
        ],
    )
    return balance, covered
