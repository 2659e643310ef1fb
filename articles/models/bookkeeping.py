"""What the archive keeps about itself: the counts readers see (refreshed by ``counts.refresh``
after each ingest or edit: counting a million rows on every page view is what makes archive
sites slow), the files and listings ingest read, and the search index's change log."""

from django.db import models
from django.db.models import Q
from django.utils import timezone

from .articles import Article


class ArchiveMonth(models.Model):
    """How many articles a month holds: the year and month archive pages read these."""

    year = models.PositiveSmallIntegerField()
    month = models.PositiveSmallIntegerField()
    article_count = models.PositiveIntegerField(default=0)
    # What the coverage page tells researchers about the month's articles.
    cut_short = models.PositiveIntegerField(default=0, help_text="Full pages whose text stops mid-text.")
    listing_only = models.PositiveIntegerField(default=0, help_text="Known only from listings.")
    dated_for_certain = models.PositiveIntegerField(default=0, help_text="By a by-line or an editor.")
    dated_from_caption = models.PositiveIntegerField(default=0)
    dated_from_media_id = models.PositiveIntegerField(default=0, help_text="Estimated from a Media ID.")
    media_id_low = models.PositiveIntegerField(null=True, help_text="The lowest Media ID of its photos.")
    media_id_high = models.PositiveIntegerField(null=True, help_text="The highest Media ID of its photos.")

    class Meta:
        ordering = ["-year", "-month"]
        constraints = [
            models.UniqueConstraint(fields=["year", "month"], name="archive_month_unique"),
            models.CheckConstraint(condition=Q(month__gte=1) & Q(month__lte=12), name="archive_month_valid"),
        ]

    def __str__(self):
        return f"{self.year}-{self.month:02d}"


class UndatedCount(models.Model):
    """How many articles have no date: with the months' counts, the archive's total, which every
    /articles/ page shows. One row: counting them on a page view would read every undated
    article."""

    article_count = models.PositiveIntegerField(default=0)
    # The change log's last row when the counts were last made (counts.refresh): every
    # change to what they count logs a row, so a later row means they are due again.
    counted_change = models.BigIntegerField(null=True, editable=False)

    def __str__(self):
        return f"{self.article_count} undated"


class ListingPage(models.Model):
    """A tag, author or category listing page of the original site that was ingested.

    Listings never become articles; they are kept so that a re-ingest recognises them and so
    that editors can see what the original site listed.
    """

    class Kind(models.TextChoices):
        TAG = "tag", "Tag"
        AUTHOR = "author", "Author"
        CATEGORY = "category", "Category"
        UNKNOWN = "", "Unknown"

    kind = models.CharField(max_length=20, choices=Kind.choices, blank=True)
    title = models.CharField(max_length=500, blank=True)
    slug = models.SlugField(max_length=200, blank=True)
    page_number = models.PositiveIntegerField(null=True, blank=True)
    item_count = models.PositiveSmallIntegerField(default=0)
    source_path = models.CharField(max_length=1000)
    content_hash = models.CharField(max_length=64)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["kind", "slug", "page_number"]
        constraints = [models.UniqueConstraint(fields=["content_hash"], name="listing_content_hash_unique")]

    def __str__(self):
        return self.title or self.slug or self.source_path


class PageFile(models.Model):
    """A page file as an ingest last read it: its size, its modification time and its text's hash.

    A later ingest that finds the file with the same size and modification time, and a page of
    the archive holding that hash, settles it without reading it. ``modified_ns`` is left empty
    when the file had changed too recently to tell a later change from it (see
    ``ingest.files.SourceFile.stamp``), so such a file is read again.
    """

    path = models.CharField(max_length=1000, unique=True)
    size = models.BigIntegerField()
    modified_ns = models.BigIntegerField(null=True)
    content_hash = models.CharField(max_length=64)

    def __str__(self):
        return self.path


class ListingItemQuerySet(models.QuerySet):
    def matching(self, articles):
        """Items whose title or text's start is one of these articles': candidates to link."""
        titles = {a.title_key for a in articles if a.title_key}
        openings = {a.opening_key for a in articles if a.opening_key}
        return self.filter(Q(title_key__in=titles) | Q(opening_key__in=openings))


class ListingItem(models.Model):
    """One entry of an ingested listing page, as the original site printed it.

    ``services`` links it to the article it announces, whichever of the two was ingested first,
    and the article takes what the entry knows that it does not (its by-line's date, author and
    section, the site's tag).
    """

    listing = models.ForeignKey(ListingPage, on_delete=models.CASCADE, related_name="items", db_index=False)
    position = models.PositiveSmallIntegerField(help_text="Its place on the listing page, from 0.")
    title = models.CharField(max_length=500, blank=True, help_text="Blank where the listing shows none.")
    excerpt = models.TextField(blank=True)
    author_name = models.CharField("by-line author", max_length=200, blank=True)
    byline_date = models.DateField("by-line date", null=True, blank=True)
    sections = models.CharField(max_length=300, blank=True, help_text="The by-line's sections, comma-joined.")
    media_id = models.PositiveIntegerField("Media ID", null=True, blank=True, help_text="Of its first photo.")
    caption = models.TextField(blank=True, help_text="Of its first photo.")
    article = models.ForeignKey(
        Article, null=True, blank=True, on_delete=models.SET_NULL, related_name="listing_items", db_index=False
    )
    title_key = models.CharField(max_length=500, blank=True, editable=False)
    opening_key = models.CharField(max_length=60, blank=True, editable=False)

    objects = ListingItemQuerySet.as_manager()

    class Meta:
        ordering = ["listing", "position"]
        constraints = [models.UniqueConstraint(fields=["listing", "position"], name="listing_item_position_unique")]
        indexes = [
            models.Index(fields=["article"], name="listing_item_article_idx"),
            # An article written after its listing looks for the items still unlinked.
            models.Index(fields=["title_key"], condition=Q(article=None), name="listing_item_title_idx"),
            models.Index(fields=["opening_key"], condition=Q(article=None), name="listing_item_opening_idx"),
        ]

    def __str__(self):
        if self.title:
            return self.title
        return f"by {self.author_name}, {self.byline_date}" if self.author_name else self.excerpt[:60]

    @property
    def section_names(self):
        return [name.strip() for name in self.sections.split(",") if name.strip()]


class SearchChange(models.Model):
    """An article or a photo whose search text may have changed (or which was deleted).

    ``services`` writes these in the transaction of the change itself, so a change the database
    holds is never missing from the log; the search index applies the log in id order and
    records the last row it applied, so a crash leaves rows that the next catch-up applies.
    """

    # Plain ids, not foreign keys: the row outlives a deleted article, whose removal it reports.
    article_id = models.BigIntegerField(null=True, blank=True)
    photo_id = models.BigIntegerField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(article_id__isnull=False, photo_id__isnull=True)
                | Q(article_id__isnull=True, photo_id__isnull=False),
                name="search_change_names_one",
            )
        ]

    def __str__(self):
        return f"Search change {self.pk}: " + (
            f"article {self.article_id}" if self.article_id is not None else f"photo {self.photo_id}"
        )
