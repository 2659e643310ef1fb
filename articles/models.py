"""The archive's data: articles, their photos, tags, sections and authors.

Counts shown to readers (articles per tag, section, author and month) are kept in columns and
refreshed by ``counts.refresh`` after each ingest or edit: counting a million rows on
every page view is what makes archive sites slow.
"""

import datetime as dt

from django.db import models
from django.db.models import F, Q, Value, Window
from django.db.models.functions import Coalesce, RowNumber, Substr
from django.utils import timezone
from django.utils.text import slugify

from .addresses import address

# How much of an article's text a list reads to show its first sentence.
OPENING_LENGTH = 400
# The columns a row of an article list shows (includes/article_summary.html) or is ordered by:
# reading no others spares the ORM most of its work on a page of rows.
LISTING_FIELDS = (
    *("id", "title", "slug", "published_on", "date_source", "sort_date", "listing_only", "photo_count"),
    *(f"{entity}__{field}" for entity in ("section", "author") for field in ("name", "slug", "name_is_guess")),
)
# Columns kept for search and for matching listings, never shown: reads of whole articles leave them.
SEARCH_ONLY_FIELDS = ("index_terms", "title_key", "opening_key")
# Articles whose date is unknown sort after every dated one, on this placeholder key.
UNDATED_SORT_DATE = dt.date(1900, 1, 1)


def period(year, month=None):
    """The [start, end) dates of a year, or of a month of it; ValueError when there is no such."""
    if not dt.MINYEAR <= year < dt.MAXYEAR:
        raise ValueError(f"No dates of the year {year}.")
    if month:
        return dt.date(year, month, 1), dt.date(year + month // 12, month % 12 + 1, 1)
    return dt.date(year, 1, 1), dt.date(year + 1, 1, 1)


class NamedEntity(models.Model):
    """A section or an author: a name with the slug the original site used for it."""

    name = models.CharField(max_length=200)
    slug = models.SlugField(max_length=200, unique=True, help_text="As in the original site's URLs.")
    name_is_guess = models.BooleanField(
        default=False,
        help_text="The name was guessed from the original site's address; a listing page's heading or "
        "by-line replaces it with the real one.",
    )
    article_count = models.PositiveIntegerField(default=0, editable=False)

    class Meta:
        abstract = True
        ordering = ["name"]

    def __str__(self):
        return self.name


class Section(NamedEntity):
    """A section of the paper: the original site's /category/<slug>/ pages."""

    def get_absolute_url(self):
        return address("articles:section", self.slug)


class Author(NamedEntity):
    """A writer, or the paper itself for staff and wire reports: /author/<slug>/ pages."""

    def get_absolute_url(self):
        return address("articles:author", self.slug)


class TagQuerySet(models.QuerySet):
    def named_by_alias_slug(self, slug):
        """The tag one of whose aliases has this slug (a tag merged into it), or None."""
        for tag in self.only("id", "slug", "aliases").exclude(aliases=""):
            if any(slugify(alias) == slug for alias in tag.alias_list):
                return tag
        return None


class Tag(models.Model):
    class Kind(models.TextChoices):
        PLACE = "place", "Place"
        ORGANISATION = "organisation", "Organisation"
        PERSON = "person", "Person"
        TOPIC = "topic", "Topic"

    name = models.CharField(max_length=200, unique=True)
    slug = models.SlugField(max_length=200, unique=True)
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.TOPIC)
    aliases = models.TextField(
        blank=True,
        help_text=(
            "Other names and spellings of this tag, one per line (for example ISIL, Daesh). "
            "Ingest tags articles that use any of them, and a search for one finds the others. "
            "Names in capitals (UN, ISIS) only match in capitals."
        ),
    )
    tagger_uses = models.BooleanField(
        "found in texts",
        default=True,
        help_text="Ingest tags an article whose text names this tag or one of its aliases. Tags known only "
        "from the original site's tag pages start unticked.",
    )
    article_count = models.PositiveIntegerField(default=0, editable=False)
    updated_at = models.DateTimeField(auto_now=True)

    objects = TagQuerySet.as_manager()

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        if not self.slug:
            self.slug = slugify(self.name)[:200]
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return address("articles:tag", self.slug)

    @property
    def alias_list(self):
        return [line.strip() for line in self.aliases.splitlines() if line.strip()]

    @property
    def names(self):
        """The tag's name followed by its aliases."""
        return [self.name, *self.alias_list]


class MediaItem(models.Model):
    class Agency(models.TextChoices):
        REUTERS = "Reuters", "Reuters"
        AFP = "AFP", "AFP"
        AP = "AP", "AP"
        EPA = "EPA", "EPA"
        GETTY = "Getty Images", "Getty Images"
        OWN = "Asharq Al-Awsat", "Asharq Al-Awsat"
        OTHER = "Other", "Other"
        UNKNOWN = "", "Unknown"

    media_id = models.PositiveIntegerField(
        "Media ID",
        unique=True,
        null=True,
        blank=True,
        help_text="The original site's 8-digit number for the photo, when the page showed one.",
    )
    fingerprint = models.CharField(
        max_length=64,
        editable=False,
        help_text="Identity across pages: the Media ID, or a hash of the caption for photos without one.",
    )
    title = models.CharField(max_length=300, blank=True, help_text="Title of the photo's own page.")
    slug = models.SlugField(max_length=300, blank=True, help_text="The photo page's slug on the original site.")
    caption = models.TextField(blank=True)
    credit = models.CharField(max_length=300, blank=True, help_text="Photographer and agency, as printed.")
    agency = models.CharField(max_length=20, choices=Agency.choices, blank=True, db_index=True)
    taken_on = models.DateField(null=True, blank=True, help_text="The date the caption states.")
    source_path = models.CharField(max_length=1000, blank=True, help_text="The photo page file it came from.")
    # NULL, not "": photos seen only in articles have no page file, and must not collide as one.
    content_hash = models.CharField(max_length=64, null=True, blank=True, editable=False)  # noqa: DJ001
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-media_id", "-id"]
        verbose_name = "photo"
        indexes = [models.Index(fields=["taken_on", "id"], name="media_taken_on_idx")]
        constraints = [
            models.UniqueConstraint(fields=["fingerprint"], name="media_fingerprint_unique"),
            models.UniqueConstraint(fields=["content_hash"], name="media_content_hash_unique"),
        ]

    def __str__(self):
        if self.media_id:
            return f"Media ID {self.media_id}"
        return self.title or self.caption[:60] or f"Photo {self.pk}"

    def get_absolute_url(self):
        if self.media_id:
            return address("articles:photo", self.media_id)
        return address("articles:photo-unnumbered", self.pk)


class ArticleQuerySet(models.QuerySet):
    """The filters every list of articles shares: reader's list, admin list and counts."""

    def newest_first(self):
        return self.order_by("-sort_date", "-id")

    def in_period(self, year, month=None):
        """Articles of a year or a month: a range on the date index (sort_date is the date)."""
        start, end = period(year, month)
        return self.filter(sort_date__gte=start, sort_date__lt=end)

    def in_month_of_every_year(self, month):
        """Articles of a month of the year (every May), dated ones only."""
        return self.filter(published_on__month=month)

    def undated(self):
        return self.filter(published_on__isnull=True)

    def dated_for_certain(self):
        """Articles whose date the archive holds as certain (a by-line's, an editor's)."""
        return self.filter(date_source__in=Article.CERTAIN_DATE_SOURCES)

    def dated_to_the_day(self):
        """Articles whose date names a day: a certain one, or one read from a photo caption (a
        Media ID's estimate names only its month)."""
        return self.filter(date_source__in=Article.DAY_DATE_SOURCES)

    def on_this_day(self, day, years, per_year=2):
        """Articles dated to the day (``dated_to_the_day``) on ``day``'s day and month in the
        earlier of ``years``, at most ``per_year`` of each year, newest first: one query, one
        index lookup per year."""
        dates = []
        for year in sorted(set(years)):
            if year < day.year:
                try:
                    dates.append(day.replace(year=year))
                except ValueError:  # 29 February in a year without one
                    continue
        rank = Window(RowNumber(), partition_by=F("sort_date"), order_by=F("id").desc())
        return (
            self.dated_to_the_day()
            .filter(sort_date__in=dates)
            .annotate(rank_in_year=rank)
            .filter(rank_in_year__lte=per_year)
            .newest_first()
        )

    def tagged(self, tag):
        """Articles carrying ``tag``: a Tag, its id, or a queryset of one tag's id."""
        return self.filter(id__in=ArticleTag.objects.filter(tag=tag).values("article_id"))

    def with_photos(self, flag=True):
        """Articles with photos, or with none when ``flag`` is false."""
        return self.filter(photo_count__gt=0) if flag else self.filter(photo_count=0)

    def in_section(self, section):
        return self.filter(section=section)

    def by_author(self, author):
        return self.filter(author=author)

    def for_listing(self, *fields):
        """What a row of any article list shows, fetched without a query per row: the start of
        the text (``opening``) for its first sentence, not the whole body unless ``fields``
        (read as well) name it."""
        return (
            self.select_related("section", "author")
            .only(*LISTING_FIELDS, *fields)
            .annotate(opening=Substr("body", 1, OPENING_LENGTH))
        )

    def whole(self):
        """Whole articles with their section and author, as the API and exports give them; their
        tags and photos come from ``records.links_attach`` once the rows are read."""
        return self.select_related("section", "author").defer(*SEARCH_ONLY_FIELDS)


class Article(models.Model):
    class DateSource(models.TextChoices):
        BYLINE = "byline", "from a listing by-line"
        CAPTION = "caption", "date from photo caption"
        MEDIA_ID = "media_id", "estimated from the Media ID"
        EDITOR = "editor", "set by an editor"
        UNKNOWN = "", "unknown"

    # The sources of a date that is a fact; the others are estimates, or no date.
    CERTAIN_DATE_SOURCES = (DateSource.BYLINE, DateSource.EDITOR)
    # The sources that name a day; a Media ID's estimate names a month (its first day stands in).
    DAY_DATE_SOURCES = (*CERTAIN_DATE_SOURCES, DateSource.CAPTION)

    title = models.CharField(max_length=500, help_text="Exactly as the source has it.")
    slug = models.SlugField(max_length=255, db_index=False)
    body = models.TextField(blank=True, help_text="Paragraphs separated by a blank line.")
    dateline = models.CharField(
        max_length=200, blank=True, help_text="Where it was filed from, e.g. Beirut, Washington."
    )
    # Indexed together with the date below, which serves both the lookup and the paging.
    section = models.ForeignKey(
        Section, null=True, blank=True, on_delete=models.SET_NULL, related_name="articles", db_index=False
    )
    author = models.ForeignKey(
        Author, null=True, blank=True, on_delete=models.SET_NULL, related_name="articles", db_index=False
    )
    published_on = models.DateField(
        null=True,
        blank=True,
        help_text="Publication date when known. Its source says how sure it is.",
    )
    date_source = models.CharField(max_length=20, choices=DateSource.choices, blank=True)
    sort_date = models.DateField(
        default=UNDATED_SORT_DATE,
        editable=False,
        help_text="Publication date for ordering; undated articles sort last.",
    )
    is_truncated = models.BooleanField(default=False, help_text="The source text stops mid-text.")
    listing_only = models.BooleanField(
        "known only from listings",
        default=False,
        help_text="Known only from the original site's listings: its title, excerpt and by-line survive, "
        "its full text does not. Its page, if ingested later, completes it.",
    )
    original_url = models.URLField(max_length=500, blank=True)
    source_path = models.CharField(max_length=1000, help_text="The file it was ingested from.")
    ingested_at = models.DateTimeField(
        null=True,
        blank=True,
        editable=False,
        help_text="When ingest last wrote the article from that file; empty for articles ingested before "
        "this was recorded (their first ingest is the creation time).",
    )
    content_hash = models.CharField(
        max_length=64,
        help_text="SHA-256 of the normalised page text: the same page under another name is one article.",
    )
    index_terms = models.TextField(
        blank=True,
        editable=False,
        help_text="Tag names and photo captions, weighted above the body in search.",
    )
    photo_count = models.PositiveSmallIntegerField(default=0, editable=False)
    # What listing items are matched on (see matching.match_key). NULL rather than "" so that
    # adding them needs no copy of the table; derive.article_derive fills them.
    title_key = models.CharField(max_length=500, null=True, editable=False)  # noqa: DJ001
    opening_key = models.CharField(max_length=60, null=True, editable=False)  # noqa: DJ001
    staff_edited = models.BooleanField(
        default=False,
        help_text="Edited by staff: a later ingest keeps this version unless run with --force.",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    media = models.ManyToManyField(MediaItem, through="ArticleMedia", related_name="articles", blank=True)
    tags = models.ManyToManyField(Tag, through="ArticleTag", related_name="articles", blank=True)

    objects = ArticleQuerySet.as_manager()

    class Meta:
        ordering = ["-sort_date", "-id"]
        indexes = [
            models.Index(fields=["sort_date", "id"], name="article_date_idx"),
            models.Index(fields=["section", "sort_date", "id"], name="article_section_date_idx"),
            models.Index(fields=["author", "sort_date", "id"], name="article_author_date_idx"),
            models.Index(fields=["title", "id"], name="article_title_idx"),
            models.Index(fields=["source_path"], name="article_source_path_idx"),
            models.Index(fields=["slug"], name="article_slug_idx"),
            models.Index(fields=["title_key"], name="article_title_key_idx"),
            models.Index(fields=["opening_key"], name="article_opening_key_idx"),
            # "On this day": a lookup per certain source and year reads only articles dated for
            # certain on that day. Not a partial index: SQLite uses none for a query with parameters.
            models.Index(fields=["date_source", "sort_date", "id"], name="article_source_date_idx"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["content_hash"], name="article_content_hash_unique"),
            # The original address identifies an article: two ingests at once cannot make two.
            models.UniqueConstraint(
                fields=["original_url"],
                condition=~Q(original_url=""),
                name="article_original_url_unique",
            ),
            # derive.article_derive sets it; the database makes sure nothing else disagrees.
            models.CheckConstraint(
                condition=Q(sort_date=Coalesce(F("published_on"), Value(UNDATED_SORT_DATE))),
                name="article_sort_date_derived",
            ),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return address("articles:article", self.pk, self.slug)

    @property
    def paragraphs(self):
        return [p for p in self.body.split("\n\n") if p.strip()]

    @property
    def source_name(self):
        """The file name it was ingested from, without the folders of the ingesting machine."""
        return self.source_path.replace("\\", "/").rsplit("/", 1)[-1]

    @property
    def date_is_certain(self):
        return self.date_source in self.CERTAIN_DATE_SOURCES


class ArticleMedia(models.Model):
    """A photo's place in an article; the same photo can serve several articles."""

    # Both directions are served by the unique constraint and the index below.
    article = models.ForeignKey(Article, on_delete=models.CASCADE, db_index=False)
    media = models.ForeignKey(MediaItem, on_delete=models.CASCADE, db_index=False)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position"]
        constraints = [models.UniqueConstraint(fields=["article", "media"], name="article_media_unique")]
        indexes = [models.Index(fields=["media", "article"], name="articlemedia_media_idx")]

    def __str__(self):
        return f"Photo {self.media_id} of article {self.article_id}, position {self.position}"


class ArticleTag(models.Model):
    """An article's tag, with the article's date copied so a tag page pages on one index.

    A tag the original site gave the article (its tag page listed the article) is marked as
    such; the others are the tagger's or an editor's.
    """

    article = models.ForeignKey(Article, on_delete=models.CASCADE, db_index=False)
    tag = models.ForeignKey(Tag, on_delete=models.CASCADE, db_index=False)
    sort_date = models.DateField(default=UNDATED_SORT_DATE)
    # A default in the database too: links are inserted as plain rows (bulk.insert_rows).
    on_original_site = models.BooleanField(
        default=False, db_default=False, help_text="The original site's tag page listed this article under this tag."
    )

    class Meta:
        constraints = [models.UniqueConstraint(fields=["article", "tag"], name="article_tag_unique")]
        # A tag's page lists its links by date from this index alone ("index-only", with the
        # id Django reads): its first visit reads no table page per row.
        indexes = [models.Index(fields=["tag", "sort_date", "article", "id"], name="articletag_tag_date_idx")]

    def __str__(self):
        return f"Tag {self.tag_id} of article {self.article_id}"


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
