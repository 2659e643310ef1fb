"""Counts readers see, read from stored counts (services.counts_refresh keeps them) or cached.

Counting a million rows per page view is what makes archives slow; these functions answer
from the stored counts or from the cache, which search.invalidate() clears after writes.
"""

import hashlib
from collections import defaultdict

from django.conf import settings
from django.core.cache import cache
from django.db.models import Sum

from archive import replicas

from . import search
from .models import ArchiveMonth, Article, Author, Tag
from .paging import COUNT_CAP


def years():
    """[(year, article count)], newest first."""
    rows = ArchiveMonth.objects.values("year").annotate(n=Sum("article_count")).order_by("-year")
    return [(row["year"], row["n"]) for row in rows]


def months(year):
    """{month: article count} for one year."""
    return dict(ArchiveMonth.objects.filter(year=year).values_list("month", "article_count"))


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
    version = search.index_version()
    key = f"archive-count:{version}:{name}:{digest}"
    found = cache.get(key)
    if found is None:
        keep = replicas.holds_every_change(version)  # a lagging replica's count is shown, not kept
        n = queryset.order_by().values("pk")[: cap + 1].count()
        found = (min(n, cap), n > cap)
        if keep:
            cache.set(key, found, settings.ARCHIVE_CACHE_SECONDS)
    return found


def total():
    version = search.index_version()
    key = f"archive-count:{version}:all"
    found = cache.get(key)
    if found is None:
        keep = replicas.holds_every_change(version)
        found = Article.objects.count()
        if keep:
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
        if name == "section":
            return value.article_count, False
        if name == "author":
            author = Author.objects.filter(slug=value).only("article_count").first()
            return (author.article_count if author else 0), False
        if name == "tag":
            tag = Tag.objects.filter(slug=value).only("article_count").first()
            return (tag.article_count if tag else 0), False
    if set(data) <= {"year", "month"} and "year" in data:
        found = months(int(data["year"]))
        return (found.get(int(data["month"]), 0) if data.get("month") else sum(found.values())), False
    return cached_count("articles", filterset.qs)
