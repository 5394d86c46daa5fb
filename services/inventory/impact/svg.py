"""Bar charts drawn on the server as accessible SVG: a title and a description for screen
readers, every value written as text beside its bar, no script and no style attribute."""

from __future__ import annotations

from html import escape

import msgspec

PLOT_HEIGHT = 160
BAR_WIDTH = 18
GAP = 4
GROUP_GAP = 20
TOP = 24  # room for the value above the highest bar
BOTTOM = 28  # room for the category labels
LEGEND = 24
LEFT = 8
PALETTE = ("#1d4f91", "#b45309", "#3f6212", "#6b21a8")


class Series(msgspec.Struct, frozen=True, kw_only=True):
    name: str
    values: list[int | float]


def bar_heights(values: list[int | float], plot_height: float = PLOT_HEIGHT) -> list[float]:
    """Heights proportional to the values, the largest filling the plot; all zero when every
    value is zero (never a division by zero)."""
    largest = max((value for value in values if value > 0), default=0)
    if largest == 0:
        return [0.0 for _ in values]
    return [round(max(value, 0) / largest * plot_height, 1) for value in values]


def bar_chart(
    chart_id: str, title: str, description: str, categories: list[str], series: list[Series]
) -> str:
    """Grouped bars, one group per category and one bar per series in each group."""
    if any(len(one.values) != len(categories) for one in series):
        raise ValueError("each series needs one value per category")
    heights = bar_heights([value for one in series for value in one.values])
    group_width = len(series) * (BAR_WIDTH + GAP) - GAP + GROUP_GAP
    width = max(LEFT * 2 + group_width * len(categories), 320)
    baseline = LEGEND + TOP + PLOT_HEIGHT
    height = baseline + BOTTOM
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="bar-chart" role="img" '
        f'viewBox="0 0 {width} {height}" width="{width}" height="{height}" '
        f'aria-labelledby="{chart_id}-title {chart_id}-desc">',
        f'<title id="{chart_id}-title">{escape(title)}</title>',
        f'<desc id="{chart_id}-desc">{escape(description)}</desc>',
    ]
    parts += _legend(series)
    for index, category in enumerate(categories):
        left = LEFT + index * group_width
        for rank, one in enumerate(series):
            bar_height = heights[rank * len(categories) + index]
            x = left + rank * (BAR_WIDTH + GAP)
            parts.append(
                f'<rect class="bar bar-{rank}" x="{x}" y="{baseline - bar_height}" '
                f'width="{BAR_WIDTH}" height="{bar_height}" fill="{_colour(rank)}">'
                f"<title>{escape(category)} — {escape(one.name)} : {_number(one.values[index])}"
                "</title></rect>"
            )
            parts.append(
                f'<text class="value" x="{x + BAR_WIDTH / 2}" y="{baseline - bar_height - 4}" '
                f'text-anchor="middle" font-size="11">{_number(one.values[index])}</text>'
            )
        middle = left + (group_width - GROUP_GAP) / 2
        parts.append(
            f'<text class="category" x="{middle}" y="{baseline + 18}" text-anchor="middle" '
            f'font-size="11">{escape(category)}</text>'
        )
    parts.append(
        f'<line x1="0" y1="{baseline}" x2="{width}" y2="{baseline}" stroke="#333" '
        'stroke-width="1"/>'
    )
    parts.append("</svg>")
    return "\n".join(parts)


def _legend(series: list[Series]) -> list[str]:
    parts = []
    for rank, one in enumerate(series):
        x = LEFT + rank * 150
        parts.append(
            f'<rect class="legend bar-{rank}" x="{x}" y="4" width="12" height="12" '
            f'fill="{_colour(rank)}"/>'
        )
        parts.append(f'<text x="{x + 18}" y="14" font-size="12">{escape(one.name)}</text>')
    return parts


def _colour(rank: int) -> str:
    return PALETTE[rank % len(PALETTE)]


def _number(value: int | float) -> str:
    return f"{value:g}" if isinstance(value, float) else str(value)
