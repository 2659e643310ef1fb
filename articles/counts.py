"""Counts readers see, read from stored counts (services.counts_refresh keeps them) or cached.

Counting a million rows per page view is what makes archives slow; these functions answer
from the stored counts or from the cache, which search.invalidate() clears after writes.
"""

import hashlib
from collections import defaultdict

from django.conf import settings
from django.core.cache import cache
from django.db.models import Sum

from . import search
from .models import ArchiveMonth, Article
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


def cached_count(name, queryset, cap=COUNT_CAP):
    """(count, capped) of a queryset, capped and cached until the archive changes."""
    digest = hashlib.sha1(str(queryset.query).encode("utf-8")).hexdigest()
    key = f"archive-count:{search.index_version()}:{name}:{digest}"
    found = cache.get(key)
    if found is None:
        n = queryset.order_by().values("pk")[: cap + 1].count()
        found = (min(n, cap), n > cap)
        cache.set(key, found, settings.ARCHIVE_CACHE_SECONDS)
    return found


def total():
    key = f"archive-count:{search.index_version()}:all"
    found = cache.get(key)
    if found is None:
        found = Article.objects.count()
        cache.set(key, found, settings.ARCHIVE_CACHE_SECONDS)
    return found


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
