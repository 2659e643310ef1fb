"""A search's matches per month, 2005 to 2017: the counts, their CSV, and the chart as SVG.

The counts come from the search engine over every match (``search.month_counts``), so a name's
variants are counted together as search finds them (Daesh, ISIS and ISIL on one line: the query
parser expands a tag's name to its aliases). Each month is also given per 1,000 of the articles
the archive holds from it (``ArchiveMonth``), which evens out the months the archive holds
little of. The chart is drawn here, on the server, as SVG markup with its own accessible name
and a table of the same numbers beside it: no script, and the CSP stays strict.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass

from django.utils.dates import MONTHS_3
from django.utils.html import format_html, format_html_join

from . import search
from .models import ArchiveMonth

# The chart's drawing area, in SVG user units (the SVG scales to the page's width).
WIDTH, HEIGHT = 780, 240
LEFT, RIGHT, TOP, BOTTOM = 48, 8, 12, 28
CSV_HEADER = ["month", "matches", "articles", "per_thousand"]
# A tick where a year starts, its number under the middle of its months.
YEAR_TICK = (
    '<line class="timeline__tick" x1="{0}" y1="{1}" x2="{0}" y2="{2}"/>'
    '<text class="timeline__year" x="{3}" y="{4}" text-anchor="middle">{5}</text>'
)


@dataclass(frozen=True)
class MonthPoint:
    year: int
    month: int
    matches: int
    articles: int

    @property
    def label(self):
        return f"{self.year}-{self.month:02d}"

    @property
    def per_thousand(self):
        """Matches per 1,000 of the month's articles; None when the archive holds none."""
        return round(self.matches * 1000 / self.articles, 2) if self.articles else None


def points(query, filters=None):
    """[MonthPoint] for every month of the archive's years, oldest first."""
    counts = search.month_counts(query, filters)
    held = {(y, m): n for y, m, n in ArchiveMonth.objects.values_list("year", "month", "article_count")}
    return [MonthPoint(y, m, n, held.get((y, m), 0)) for (y, m), n in counts.items()]


def as_records(found):
    """The points as the API and the CSV give them."""
    return [
        {"month": p.label, "matches": p.matches, "articles": p.articles, "per_thousand": p.per_thousand} for p in found
    ]


def csv_text(found):
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=CSV_HEADER, lineterminator="\n")
    writer.writeheader()
    writer.writerows({k: "" if v is None else v for k, v in row.items()} for row in as_records(found))
    return out.getvalue()


def svg(found, normalised=False, title="Matches per month"):
    """The chart: a bar for each month with matches, a tick for each year under them, the scale beside."""
    values = [(p.per_thousand or 0) if normalised else p.matches for p in found]
    top = max(values, default=0) or 1
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    step = plot_w / max(len(values), 1)
    bars = []
    for i, (point, value) in enumerate(zip(found, values)):
        if not value:
            continue
        height = plot_h * value / top
        bars.append(
            (
                f"{LEFT + i * step:.1f}",
                f"{TOP + plot_h - height:.1f}",
                f"{max(step - 1, 1):.1f}",
                f"{height:.1f}",
                f"{MONTHS_3[point.month].title()} {point.year}: {_number(value)}",
            )
        )
    years = [(LEFT + i * step, p.year) for i, p in enumerate(found) if p.month == 1]
    unit = "per 1,000 articles" if normalised else "articles"
    return format_html(
        '<svg class="timeline__chart" viewBox="0 0 {w} {h}" role="img" aria-labelledby="timeline-title"'
        ' preserveAspectRatio="xMidYMid meet" xmlns="http://www.w3.org/2000/svg">'
        '<title id="timeline-title">{title}, {unit}, {first} to {last}; highest {top}</title>'
        '<line class="timeline__axis" x1="{left}" y1="{base}" x2="{right}" y2="{base}"/>'
        '<text class="timeline__scale" x="{label_x}" y="{top_y}" text-anchor="end">{top}</text>'
        '<text class="timeline__scale" x="{label_x}" y="{base}" text-anchor="end">0</text>'
        "{bars}{years}</svg>",
        w=WIDTH,
        h=HEIGHT,
        title=title,
        unit=unit,
        first=found[0].label if found else "",
        last=found[-1].label if found else "",
        top=_number(max(values, default=0)),
        left=LEFT,
        right=WIDTH - RIGHT,
        base=TOP + plot_h,
        label_x=LEFT - 6,
        top_y=TOP + 10,
        bars=format_html_join(
            "",
            '<rect class="timeline__bar" x="{}" y="{}" width="{}" height="{}"><title>{}</title></rect>',
            bars,
        ),
        years=format_html_join(
            "",
            YEAR_TICK,
            [(f"{x:.1f}", TOP + plot_h, TOP + plot_h + 5, f"{x + 6 * step:.1f}", HEIGHT - 8, y) for x, y in years],
        ),
    )


def _number(value):
    return f"{value:,.2f}".rstrip("0").rstrip(".") if isinstance(value, float) else f"{value:,}"
