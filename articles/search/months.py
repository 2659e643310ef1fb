"""A search's matches per month, 2005 to 2017, beside the articles the archive holds from each
month: the timeline's numbers, which the API gives and the site draws.

The counts come from the engine over every match (``month_counts``), so a name's variants are
counted together as search finds them (Daesh, ISIS and ISIL on one line). Each month is also
given per 1,000 of the month's articles (``ArchiveMonth``), which evens out the months the
archive holds little of.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..models import ArchiveMonth
from . import month_counts


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


@dataclass(frozen=True)
class Series:
    """One search's line: its query as written and its months."""

    query: str
    points: list[MonthPoint]

    @property
    def total(self):
        return sum(p.matches for p in self.points)

    def values(self, normalised):
        return [(p.per_thousand or 0) if normalised else p.matches for p in self.points]


def points(query, filters=None):
    """[MonthPoint] for every month of the archive's years, oldest first."""
    counts = month_counts(query, filters)
    held = {(y, m): n for y, m, n in ArchiveMonth.objects.values_list("year", "month", "article_count")}
    return [MonthPoint(y, m, n, held.get((y, m), 0)) for (y, m), n in counts.items()]


def as_records(found):
    """The points as the API gives them."""
    return [
        {"month": p.label, "matches": p.matches, "articles": p.articles, "per_thousand": p.per_thousand} for p in found
    ]
