"""A bar chart of daily counts, drawn on the server as SVG geometry (one bar per day)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date


@dataclass(frozen=True)
class Bar:
    day: date
    count: int
    x: float
    y: float
    width: float
    height: float


@dataclass(frozen=True)
class Tick:
    """A label under the bars: the first day of a month."""

    x: float
    label: str


@dataclass(frozen=True)
class DailyChart:
    bars: list[Bar]
    ticks: list[Tick]
    width: int
    height: int
    plot_height: int
    highest: int
    total: int


MONTHS = {
    "pt": ("jan", "fev", "mar", "abr", "mai", "jun", "jul", "ago", "set", "out", "nov", "dez"),
    "en": ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"),
}


def daily_chart(
    days: list[date], counts: list[int], *, language: str = "pt", width: int = 720,
    height: int = 170,
) -> DailyChart:  # fmt: skip
    """Bars for `counts` (one per day of `days`, oldest first), scaled to the highest.

    A day with nothing still has its bar, one pixel high, so every day can be
    pointed at and read (its <title>).
    """
    plot_height = height - 22  # room for the month labels
    step = width / max(len(days), 1)
    gap = 1.0 if step > 3 else 0.0
    highest = max(counts, default=0)
    bars = []
    for index, (day, count) in enumerate(zip(days, counts, strict=True)):
        tall = max(1.0, (plot_height - 4) * count / highest) if highest else 1.0
        bars.append(
            Bar(day, count, round(index * step, 2), round(plot_height - tall, 2),
                round(step - gap, 2), round(tall, 2))
        )  # fmt: skip
    months = MONTHS.get(language, MONTHS["pt"])
    ticks = [
        Tick(round(index * step, 2), f"{months[day.month - 1]}")
        for index, day in enumerate(days)
        if day.day == 1
    ]
    return DailyChart(bars, ticks, width, height, plot_height, highest, sum(counts))
