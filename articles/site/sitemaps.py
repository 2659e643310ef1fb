"""The sitemap index and its sitemaps: articles, photos, tags, sections, authors and dates.

Django's Sitemap pages its items with a Paginator, whose page n is an OFFSET: page 100 of a
million articles would read and throw away 990,000 rows. Here a page of a large sitemap is
a range of ids instead, ids in (first + (n - 1) × size, first + n × size]: each page is one
range scan of the primary key, whichever page it is, and the number of pages comes from the
smallest and largest ids (two index lookups). A page may hold fewer than ``size`` addresses
where rows were deleted.
"""

import math
from types import SimpleNamespace

from django.contrib.sitemaps import Sitemap
from django.core.paginator import EmptyPage, PageNotAnInteger
from django.urls import reverse
from django.utils.functional import cached_property

from .. import counts
from ..models import Article, Author, MediaItem, Section, Tag
from ..paging import address_number

PAGE_SIZE = 10_000


class IdRangePaginator:
    """What Django's sitemap views ask of a paginator (``num_pages``, ``page(n).object_list``),
    with pages that are ranges of ids."""

    def __init__(self, queryset, size):
        self.queryset, self.size = queryset, size

    @cached_property
    def bounds(self):
        """The ids before the first and of the last row, the table's whole span."""
        # Two queries, not one with MIN and MAX: SQLite reads those from the index only alone.
        ids = self.queryset.model.objects.values_list("id", flat=True)
        first, last = ids.order_by("id").first(), ids.order_by("-id").first()
        return (first or 1) - 1, last or 0

    @cached_property
    def num_pages(self):
        before, last = self.bounds
        return max(1, math.ceil((last - before) / self.size))

    def page(self, number):
        number = address_number(number) if isinstance(number, str) else number
        if not isinstance(number, int):
            # int() would read "٣" as 3: a page number in an address is ASCII digits or none.
            raise PageNotAnInteger("That page number is not an integer")
        if not 1 <= number <= self.num_pages:
            raise EmptyPage("That page contains no results")
        start = self.bounds[0] + (number - 1) * self.size
        rows = self.queryset.filter(id__gt=start, id__lte=start + self.size).order_by("id")
        return SimpleNamespace(object_list=rows, number=number)


class IdRangeSitemap(Sitemap):
    """A sitemap of a large table, paged by id range (see the module's docstring)."""

    limit = PAGE_SIZE

    @property
    def paginator(self):
        return IdRangePaginator(self.items(), self.limit)

    def get_latest_lastmod(self):
        # Django's default reads every item for the index's date: a million rows.
        return None


class ArticleSitemap(IdRangeSitemap):
    def items(self):
        return Article.objects.only("id", "slug", "updated_at")

    def lastmod(self, article):
        return article.updated_at


class PhotoSitemap(IdRangeSitemap):
    def items(self):
        return MediaItem.objects.only("id", "media_id", "updated_at")

    def lastmod(self, photo):
        return photo.updated_at


class TagSitemap(IdRangeSitemap):
    def items(self):
        return Tag.objects.filter(article_count__gt=0).only("id", "slug", "updated_at")

    def lastmod(self, tag):
        return tag.updated_at


class EntitySitemap(IdRangeSitemap):
    model = None

    def items(self):
        return self.model.objects.filter(article_count__gt=0).only("id", "slug")


class SectionSitemap(EntitySitemap):
    model = Section


class AuthorSitemap(EntitySitemap):
    model = Author


class DateSitemap(Sitemap):
    """The home page, the lists and the year and month pages: a few hundred, from the counts."""

    def items(self):
        pages = [reverse("articles:home"), reverse("articles:article-list"), reverse("articles:archive")]
        for year, _, months in counts.calendar():
            pages.append(reverse("articles:archive-year", args=[year]))
            pages += [reverse("articles:archive-month", args=[year, month]) for month, count in months if count]
        return pages

    def location(self, path):
        return path


SITEMAPS = {
    "articles": ArticleSitemap,
    "photos": PhotoSitemap,
    "tags": TagSitemap,
    "sections": SectionSitemap,
    "authors": AuthorSitemap,
    "dates": DateSitemap,
}
