"""The counts readers see: kept in columns and tables, recounted after writes, read cheaply.

Counting a million rows per page view is what makes archives slow. ``refresh()`` recounts
articles per tag, section, author and month (and the coverage page's figures, and the undated
articles) after an ingest or an edit, when ``due()`` says anything counted may have changed;
the functions below ``refresh`` answer from those stored counts, or from the cache, which
``caching.invalidate()`` moves past after writes.
"""

import hashlib
from collections import defaultdict

from django.db import transaction
from django.db.models import Count, Max, Min, Q, Subquery, Sum, Value
from django.db.models.functions import Coalesce, ExtractMonth, ExtractYear

from . import caching, reads
from .database import take_turns
from .models import (
    UNDATED_SORT_DATE,
    ArchiveMonth,
    Article,
    ArticleMedia,
    ArticleTag,
    Author,
    Section,
    Tag,
    UndatedCount,
)
from .paging import COUNT_CAP


def coverage_counts():
    """What the coverage page counts of a set of articles, for ``annotate`` or ``aggregate``:
    how many are cut short or known only from listings, and where their dates come from."""
    source = Article.DateSource
    return {
        "cut_short": Count("pk", filter=Q(is_truncated=True, listing_only=False)),
        "listing_only": Count("pk", filter=Q(listing_only=True)),
        "dated_for_certain": Count("pk", filter=Q(date_source__in=[source.BYLINE, source.EDITOR])),
        "dated_from_caption": Count("pk", filter=Q(date_source=source.CAPTION)),
        "dated_from_media_id": Count("pk", filter=Q(date_source=source.MEDIA_ID)),
    }


# --- Recounting ----------------------------------------------------------------------------------


def refresh():
    """Recount articles per tag, section, author and month, and the undated ones.

    One grouped count per table (about a second at a million articles), and only the rows
    whose count moved are written. Two writers finishing at once take turns.
    """
    with transaction.atomic():
        take_turns("counts_refresh")
        # Read first: the log commits in the order of its rows, so every change up to this one
        # is committed, and each count below sees it.
        head = _log_head()
        _store_counts(Tag, ArticleTag.objects.values_list("tag").annotate(n=Count("*")))
        _store_counts(Section, Article.objects.exclude(section=None).values_list("section").annotate(n=Count("*")))
        _store_counts(Author, Article.objects.exclude(author=None).values_list("author").annotate(n=Count("*")))
        ArchiveMonth.objects.all().delete()
        ArchiveMonth.objects.bulk_create(_months_counted())
        undated = Article.objects.filter(sort_date=UNDATED_SORT_DATE).count()
        counted = {"article_count": undated, "counted_change": head or 0}
        UndatedCount.objects.update_or_create(pk=1, defaults=counted)


def due():
    """Whether anything counted may have changed since the last recount: the change log, where
    every write of articles and photos logs a row in its own transaction, has a later row. A
    run killed before its recount leaves it due to the next writer."""
    counted = UndatedCount.objects.filter(pk=1).values_list("counted_change", flat=True).first()
    head = _log_head()
    return counted is None or (head is not None and head > counted)


def _log_head():
    head = reads.change_log_head()
    return head[0] if head else None


def _months_counted():
    """An ArchiveMonth per month holding dated articles: how many, and what the coverage page
    tells of them (full or cut short, how they are dated, the Media IDs of their photos)."""
    rows = (
        Article.objects.filter(published_on__isnull=False)
        .annotate(year=ExtractYear("published_on"), month=ExtractMonth("published_on"))
        .order_by()
        .values("year", "month")
        .annotate(article_count=Count("*"), **coverage_counts())
    )
    media_ids = {
        (row["year"], row["month"]): (row["low"], row["high"])
        for row in ArticleMedia.objects.filter(article__published_on__isnull=False, media__media_id__isnull=False)
        .annotate(year=ExtractYear("article__published_on"), month=ExtractMonth("article__published_on"))
        .order_by()
        .values("year", "month")
        .annotate(low=Min("media__media_id"), high=Max("media__media_id"))
    }
    for row in rows:
        low, high = media_ids.get((row["year"], row["month"]), (None, None))
        yield ArchiveMonth(**row, media_id_low=low, media_id_high=high)


def _store_counts(model, grouped):
    """Write the counts of a grouped (id, count) query into ``model.article_count``."""
    counted = dict(grouped.order_by())
    changed = []
    for obj in model.objects.only("id", "article_count"):
        if obj.article_count != counted.get(obj.pk, 0):
            obj.article_count = counted.get(obj.pk, 0)
            changed.append(obj)
    model.objects.bulk_update(changed, ["article_count"], batch_size=500)


# --- Reading -------------------------------------------------------------------------------------


def years():
    """[(year, article count)], newest first: kept until the archive changes (every write ends
    in ``changes.archive_changed``, which recounts, then moves the version on). The home page
    and every tag's, section's and author's page offer them."""
    return caching.kept("count", "years", _stored_years)


def _stored_years():
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

    return caching.kept("count", f"{name}:{digest}", count)


def total():
    """Every article: the stored month counts and the undated ones (an index range), never a
    count of the whole table, which at a million articles takes a tenth of a second."""
    return caching.kept("count", "all", _stored_total)


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
