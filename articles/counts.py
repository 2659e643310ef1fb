"""Counts readers see, read from stored counts (services.counts_refresh keeps them) or cached.

Counting a million rows per page view is what makes archives slow; these functions answer
from the stored counts or from the cache, which search.invalidate() clears after writes.
"""

import hashlib
from collections import defaultdict

from django.db.models import Count, Subquery, Sum, Value
from django.db.models.functions import Coalesce

from . import pagecache
from .models import UNDATED_SORT_DATE, ArchiveMonth, Article, UndatedCount, coverage_counts
from .paging import COUNT_CAP


def years():
    """[(year, article count)], newest first."""
    rows = ArchiveMonth.objects.values("year").annotate(n=Sum("article_count")).order_by("-year")
    return [(row["year"], row["n"]) for row in rows]


def months(year):
    """{month: article count} for one year, January first."""
    return dict(ArchiveMonth.objects.filter(year=year).order_by("month").values_list("month", "article_count"))


def all_months():
    """{(year, month): article count} of every month holding articles, oldest first: a few
    hundred rows at most, read at once so that a period's page finds its neighbours too."""
    rows = ArchiveMonth.objects.filter(article_count__gt=0).order_by("year", "month")
    return {(year, month): n for year, month, n in rows.values_list("year", "month", "article_count")}


def neighbours(periods, current):
    """The periods before and after ``current`` in the sorted list ``periods`` (None at either end)."""
    before = [p for p in periods if p < current]
    after = [p for p in periods if p > current]
    return (before[-1] if before else None), (after[0] if after else None)


def calendar():
    """[(year, count, [(month, count)])], newest year first, for the archive overview."""
    table = defaultdict(list)
    for year, month, count in ArchiveMonth.objects.order_by("-year", "month").values_list(
        "year", "month", "article_count"
    ):
        table[year].append((month, count))
    return [(year, sum(n for _, n in months), months) for year, months in table.items()]


COVERAGE_FIELDS = [
    "article_count",
    "cut_short",
    "listing_only",
    "dated_for_certain",
    "dated_from_caption",
    "dated_from_media_id",
]


def coverage():
    """What the archive holds of each year and month, for researchers: [(year, totals,
    [month rows])] oldest first, and the undated articles' totals. A row is a dict of
    COVERAGE_FIELDS with "full_text" and the Media ID range added."""
    years = defaultdict(list)
    for month in ArchiveMonth.objects.order_by("year", "month"):
        row = {name: getattr(month, name) for name in COVERAGE_FIELDS}
        row.update(month=month.month, media_id_low=month.media_id_low, media_id_high=month.media_id_high)
        years[month.year].append(_with_full_text(row))
    table = [(year, _year_totals(rows), rows) for year, rows in years.items()]
    undated = Article.objects.filter(sort_date=UNDATED_SORT_DATE).aggregate(
        article_count=Count("*"), **coverage_counts()
    )
    return table, _with_full_text(undated)


def _year_totals(rows):
    totals = {name: sum(row[name] for row in rows) for name in COVERAGE_FIELDS}
    lows = [row["media_id_low"] for row in rows if row["media_id_low"]]
    highs = [row["media_id_high"] for row in rows if row["media_id_high"]]
    totals.update(media_id_low=min(lows, default=None), media_id_high=max(highs, default=None))
    return _with_full_text(totals)


def _with_full_text(row):
    row["full_text"] = row["article_count"] - row["cut_short"] - row["listing_only"]
    row["undated"] = row["article_count"] - row["dated_for_certain"] - row["dated_from_caption"]
    row["undated"] -= row["dated_from_media_id"]
    return row


def cached_count(name, queryset, cap=COUNT_CAP):
    """(count, capped) of a queryset, capped and cached until the archive changes."""
    digest = hashlib.sha1(str(queryset.query).encode("utf-8")).hexdigest()

    def count():
        n = queryset.order_by().values("pk")[: cap + 1].count()
        return min(n, cap), n > cap

    return pagecache.kept("count", f"{name}:{digest}", count)


def total():
    """Every article: the stored month counts and the undated ones (an index range), never a
    count of the whole table, which at a million articles takes a tenth of a second."""
    return pagecache.kept("count", "all", _stored_total)


def _stored_total():
    """The month counts' sum and the undated articles' stored count, in one query. Before the
    first count was stored (an archive migrated since its last ingest) the undated are counted."""
    stored = UndatedCount.objects.values("article_count")[:1]
    undated = Article.objects.filter(sort_date=UNDATED_SORT_DATE).order_by().values(all=Value(1))
    counted = undated.annotate(n=Count("*")).values("n")
    return ArchiveMonth.objects.aggregate(
        n=Coalesce(Sum("article_count"), 0) + Coalesce(Subquery(stored), Subquery(counted), 0)
    )["n"]


def for_filters(filterset):
    """(count, capped) for an article list: a stored count when one filter is used alone."""
    if not filterset.is_bound:
        return total(), False
    data = {k: v for k, v in filterset.form.cleaned_data.items() if v not in (None, "", False) and k != "order"}
    if not data:
        return total(), False
    if len(data) == 1:
        ((name, value),) = data.items()
        if name in ("section", "author", "tag"):
            return value.article_count, False
    if set(data) <= {"year", "month"} and "year" in data:
        found = months(int(data["year"]))
        return (found.get(int(data["month"]), 0) if data.get("month") else sum(found.values())), False
    return cached_count("articles", filterset.qs)
