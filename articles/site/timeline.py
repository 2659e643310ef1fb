"""Searches' matches per month (``search.months``), drawn: their CSV, their table, and the chart
as SVG. The chart, one line per search compared, is drawn here, on the server, as SVG markup
with its own accessible name and a table of the same numbers beside it: no script, and the CSP
stays strict. It carries its own colours (presentation attributes, no style sheet), so the same
markup serves inline on the timeline page and as an image file under a search's results.
"""

from __future__ import annotations

import csv
import io

from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe

from .xmltext import xml_text

# The chart's drawing area, in SVG user units (the SVG scales to the page's width).
WIDTH, HEIGHT = 780, 240
LEFT, RIGHT, TOP, BOTTOM = 48, 8, 12, 28
CSV_HEADER = ["month", "query", "matches", "articles", "per_thousand"]
# Each search's line its own colour and dash, so that the lines differ without colour too; one
# style per search compared on one chart.
LINE_STYLES = [("#0f4c3a", "none"), ("#b5412c", "6 3"), ("#2c5fb5", "2 2"), ("#7a4fa0", "8 3 2 3")]
MAX_SERIES = len(LINE_STYLES)
MUTED = "#5b635e"  # the axis, ticks and numbers: the site's muted ink, 6:1 on white
TEXT = f'fill="{MUTED}" font-size="11" font-family="system-ui, sans-serif"'
# A tick where a year starts, its number under the middle of its months.
YEAR_TICK = (
    f'<line class="timeline__tick" x1="{{0}}" y1="{{1}}" x2="{{0}}" y2="{{2}}" stroke="{MUTED}"/>'
    f'<text class="timeline__year" x="{{3}}" y="{{4}}" text-anchor="middle" {TEXT}>{{5}}</text>'
)


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


def rows(series):
    """(month label, [(matches, per 1,000) per search]) for the months any search matched."""
    table = []
    for i, point in enumerate(series[0].points if series else []):
        cells = [(line.points[i].matches, line.points[i].per_thousand) for line in series]
        if any(matches for matches, _ in cells):
            table.append((point.label, point.articles, cells))
    return table


def svg(series, normalised=False):
    """The chart: a line per search over the months, a tick for each year, the scale beside."""
    values = [line.values(normalised) for line in series]
    top = max((v for line in values for v in line), default=0)
    points = series[0].points if series else []
    step = (WIDTH - LEFT - RIGHT) / max(len(points), 1)
    base = HEIGHT - BOTTOM
    return format_html(
        '<svg class="timeline__chart" viewBox="0 0 {w} {h}" width="{w}" height="{h}"'
        ' role="img" aria-labelledby="timeline-title" preserveAspectRatio="xMidYMid meet" xmlns="http://www.w3.org/2000/svg">'
        '<title id="timeline-title">Matches per month ({unit}) of {names}, {first} to {last}; highest {top}</title>'
        '<rect width="100%" height="100%" fill="#fff"/>'
        '<line class="timeline__axis" x1="{left}" y1="{base}" x2="{right}" y2="{base}" stroke="{muted}"/>'
        '<text class="timeline__scale" x="{label_x}" y="{top_y}" text-anchor="end" {text}>{top}</text>'
        '<text class="timeline__scale" x="{label_x}" y="{base}" text-anchor="end" {text}>0</text>'
        "{years}{lines}</svg>",
        w=WIDTH,
        h=HEIGHT,
        unit="per 1,000 of the month's articles" if normalised else "articles",
        names="; ".join(xml_text(line.query) for line in series),
        first=points[0].label if points else "",
        last=points[-1].label if points else "",
        top=_number(top),
        muted=MUTED,
        text=mark_safe(TEXT),
        left=LEFT,
        right=WIDTH - RIGHT,
        base=base,
        label_x=LEFT - 6,
        top_y=TOP + 10,
        years=_year_ticks(points, step, base),
        lines=_lines(series, values, step, top),
    )


def _year_ticks(points, step, base):
    """A tick where each year starts, its number under the middle of its months."""
    years = [(LEFT + i * step, p.year) for i, p in enumerate(points) if p.month == 1]
    return format_html_join(
        "", YEAR_TICK, [(f"{at:.1f}", base, base + 5, f"{at + 6 * step:.1f}", HEIGHT - 8, year) for at, year in years]
    )


def _lines(series, values, step, top):
    """A line per search, its colour and dash, each point a month, its highest count in its title."""
    plot_h = HEIGHT - TOP - BOTTOM

    def point(i, value):
        return f"{LEFT + (i + 0.5) * step:.1f},{TOP + plot_h - plot_h * value / (top or 1):.1f}"

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
