"""Horizontal bar charts as plain geometry, drawn as inline SVG by desk/_bar_chart.html: no
JavaScript, and the same figures are printed as a table beside each chart."""

from dataclasses import dataclass

WIDTH = 480
BAR_HEIGHT = 18
GAP = 8
LABEL_WIDTH = 170
VALUE_WIDTH = 60


@dataclass(frozen=True)
class Bar:
    label: str
    value: float
    y: float
    width: float
    text_y: float


@dataclass(frozen=True)
class BarChart:
    bars: list
    width: int
    height: int
    label_width: int
    plot_width: int


def bar_chart(items):
    """[(label, value)] -> a BarChart whose longest bar fills the plot."""
    items = [(str(label), value or 0) for label, value in items]
    top = max((value for _label, value in items), default=0) or 1
    plot = WIDTH - LABEL_WIDTH - VALUE_WIDTH
    bars = [
        Bar(
            label=label if len(label) <= 26 else label[:25] + "…",
            value=value,
            y=i * (BAR_HEIGHT + GAP),
            width=round(plot * value / top, 1),
            text_y=i * (BAR_HEIGHT + GAP) + BAR_HEIGHT * 0.75,
        )
        for i, (label, value) in enumerate(items)
    ]
    height = max(len(bars) * (BAR_HEIGHT + GAP), BAR_HEIGHT)
    return BarChart(bars=bars, width=WIDTH, height=height, label_width=LABEL_WIDTH, plot_width=plot)
