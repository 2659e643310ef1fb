"""Searches' matches per month (``search.months``), drawn: their CSV, their table, and the chart
as SVG. The chart, one line per search compared, is drawn here, on the server, as SVG markup
with its own accessible name and a table of the same numbers beside it: no script, and the CSP
stays strict. It carries its own colours (presentation attributes, no style sheet), so the same
markup serves inline on the timeline page and as an image file under a search's results.
"""

from __future__ import annotations

import csv
import io
import math
from dataclasses import dataclass

from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe

from .xmltext import xml_text

# The chart's drawing area, in SVG user units (the SVG scales to the page's width).
HEIGHT = 240
LEFT, RIGHT, TOP, BOTTOM = 48, 8, 12, 28
CSV_HEADER = ["month", "query", "matches", "articles", "per_thousand"]
# Each search's line its own colour and dash, so that the lines differ without colour too; one
# style per search compared on one chart.
LINE_STYLES = [("#0f4c3a", "none"), ("#b5412c", "6 3"), ("#2c5fb5", "2 2"), ("#7a4fa0", "8 3 2 3")]
MAX_SERIES = len(LINE_STYLES)
MUTED = "#5b635e"  # the axis, ticks and numbers: the site's muted ink, 6:1 on white
TEXT = f'fill="{MUTED}" font-size="11" font-family="system-ui, sans-serif"'


def csv_text(series):
    """One row per month and search ("long" form, ready for a spreadsheet's pivot or pandas)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_HEADER)
    for line in series:
        for p in line.points:
            per_thousand = "" if p.per_thousand is None else p.per_thousand
            writer.writerow([p.label, line.query, p.matches, p.articles, per_thousand])
    return out.getvalue()


def legend(series):
    """(series, colour, dash) for each line, as the chart draws it."""
    return [(line, *LINE_STYLES[i % MAX_SERIES]) for i, line in enumerate(series)]


def rows(series, month_link=None):
    """(month label, articles, [(matches, per 1,000, link) per search]) for the months any
    search matched; ``month_link(query, point)`` gives the search narrowed to that month."""
    table = []
    for i, point in enumerate(series[0].points if series else []):
        cells = [
            (
                line.points[i].matches,
                line.points[i].per_thousand,
                month_link(line.query, point) if month_link and line.points[i].matches else None,
            )
            for line in series
        ]
        if any(matches for matches, _, _ in cells):
            table.append((point.label, point.articles, cells))
    return table


@dataclass(frozen=True)
class Frame:
    """The chart's geometry: wide for a page; narrow for a phone, where the wide chart's
    numbers would shrink below reading size, with a year named every few years."""

    width: int
    named_years_every: int
    suffix: str = ""  # the ids' ending, unique when both frames are in one page


WIDE = Frame(780, 1)
NARROW = Frame(390, 3, "-narrow")


def svg(series, normalised=False, *, frame=WIDE, log=False):
    """The chart: a line per search over the months, a tick for each year, the scale beside."""
    values = [line.values(normalised) for line in series]
    top = max((v for line in values for v in line), default=0)
    points = series[0].points if series else []
    step = (frame.width - LEFT - RIGHT) / max(len(points), 1)
    height = Height(top, log)
    return format_html(
        '<svg class="timeline__chart timeline__chart--{kind}" viewBox="0 0 {w} {h}" width="{w}" height="{h}"'
        ' role="img" aria-labelledby="timeline-title{suffix}" preserveAspectRatio="xMidYMid meet"'
        ' xmlns="http://www.w3.org/2000/svg">'
        '<title id="timeline-title{suffix}">Matches per month ({unit}{scale}) of {names}, {first} to {last};'
        " highest {top}</title>"
        '<rect width="100%" height="100%" fill="#fff"/>'
        '<line class="timeline__axis" x1="{left}" y1="{base}" x2="{right}" y2="{base}" stroke="{muted}"/>'
        "{scale_marks}{years}{lines}</svg>",
        kind="narrow" if frame is NARROW else "wide",
        w=frame.width,
        h=HEIGHT,
        suffix=frame.suffix,
        unit="per 1,000 of the month's articles" if normalised else "articles",
        scale=", logarithmic scale" if log else "",
        names="; ".join(xml_text(line.query) for line in series),
        first=points[0].label if points else "",
        last=points[-1].label if points else "",
        top=_number(top),
        muted=MUTED,
        left=LEFT,
        right=frame.width - RIGHT,
        base=HEIGHT - BOTTOM,
        scale_marks=_scale_marks(height),
        years=_year_ticks(points, step, frame),
        lines=_lines(series, values, step, height),
    )


@dataclass(frozen=True)
class Height:
    """Where a value stands on the chart: in proportion to the highest, or on a logarithmic
    scale, so that a small search's line does not lie flat beside a large one's."""

    top: float
    log: bool

    def y(self, value):
        plot_h = HEIGHT - TOP - BOTTOM
        if self.log:
            share = math.log10(1 + value) / math.log10(1 + self.top) if self.top else 0
        else:
            share = value / (self.top or 1)
        return TOP + plot_h - plot_h * share

    def marks(self):
        """The values the scale names: 0 and the highest, and the powers of ten between on a
        logarithmic scale."""
        if not self.top:
            return [0]
        between = []
        if self.log:
            power = 10
            while power * 2 < self.top:
                between.append(power)
                power *= 10
        return [0, *between, self.top]


def _scale_marks(height):
    return format_html_join(
        "",
        '<text class="timeline__scale" x="{}" y="{}" text-anchor="end" {}>{}</text>',
        [
            (LEFT - 6, f"{height.y(value) + _baseline(value, height.top):.1f}", mark_safe(TEXT), _number(value))
            for value in height.marks()
        ],
    )


def _baseline(value, top):
    """How far below its place a scale's number is written: the highest's under the top edge,
    0 on the axis, the others centred on theirs."""
    if value == top:
        return 10
    return 0 if value == 0 else 4


def _year_ticks(points, step, frame):
    """A tick where each year starts; every ``named_years_every`` years its number, under the
    middle of its months."""
    base = HEIGHT - BOTTOM
    years = [(LEFT + i * step, p.year) for i, p in enumerate(points) if p.month == 1]
    ticks = format_html_join(
        "",
        '<line class="timeline__tick" x1="{0}" y1="{1}" x2="{0}" y2="{2}" stroke="{3}"/>',
        [(f"{at:.1f}", base, base + 5, MUTED) for at, _ in years],
    )
    named = [(at, year) for n, (at, year) in enumerate(years) if n % frame.named_years_every == 0]
    names = format_html_join(
        "",
        '<text class="timeline__year" x="{}" y="{}" text-anchor="middle" {}>{}</text>',
        [(f"{at + 6 * step:.1f}", HEIGHT - 8, mark_safe(TEXT), year) for at, year in named],
    )
    return ticks + names


def month_links(series, month_link, *, frame=WIDE):
    """An SVG laid over the chart (the same frame), over each month one search matched a link
    to the search narrowed to that month: for the pointer. Hidden from screen readers and out
    of the tab order, as the chart is an image: the table of numbers holds the same links for
    the keyboard and screen readers. Empty for several searches (a month is no one search)."""
    if len(series) != 1:
        return ""
    line, points = series[0], series[0].points
    step = (frame.width - LEFT - RIGHT) / max(len(points), 1)
    links = format_html_join(
        "",
        '<a href="{}" tabindex="-1"><rect class="timeline__month" x="{}" y="{}" width="{}" height="{}"'
        ' fill="transparent"><title>{}: {}</title></rect></a>',
        [
            (
                month_link(line.query, p),
                f"{LEFT + i * step:.1f}",
                TOP,
                f"{step:.1f}",
                HEIGHT - TOP - BOTTOM,
                p.label,
                _number(p.matches),
            )
            for i, p in enumerate(points)
            if p.matches
        ],
    )
    return format_html(
        '<svg class="timeline__links" viewBox="0 0 {} {}" preserveAspectRatio="xMidYMid meet" aria-hidden="true"'
        ' focusable="false" xmlns="http://www.w3.org/2000/svg">{}</svg>',
        frame.width,
        HEIGHT,
        links,
    )


def _lines(series, values, step, height):
    """A line per search, its colour and dash, each point a month, its highest count in its title."""

    def point(i, value):
        return f"{LEFT + (i + 0.5) * step:.1f},{height.y(value):.1f}"

    lines = [
        (
            i,
            *LINE_STYLES[i % MAX_SERIES],
            " ".join(point(j, v) for j, v in enumerate(line)),
            f"{xml_text(series[i].query)}: {_number(max(line))}",
        )
        for i, line in enumerate(values)
    ]
    return format_html_join(
        "",
        '<polyline class="timeline__line timeline__line--{}" stroke="{}" stroke-dasharray="{}" stroke-width="2"'
        ' stroke-linejoin="round" fill="none" points="{}"><title>{}</title></polyline>',
        lines,
    )


def _number(value):
    return f"{value:,.2f}".rstrip("0").rstrip(".") if isinstance(value, float) else f"{value:,}"
