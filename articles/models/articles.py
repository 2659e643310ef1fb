"""Articles, their links to tags and photos, and the filters every list of them shares."""

import datetime as dt

from django.db import models
from django.db.models import F, Q, Value, Window
from django.db.models.functions import Coalesce, RowNumber, Substr

from ..addresses import address
from .filing import Author, MediaItem, Section, Tag

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
# Articles whose date is unknown sort after every dated one, on these placeholder keys: below
# every date for newest first (``sort_date``), above every date for oldest first (``oldest_key``).
UNDATED_SORT_DATE = dt.date(1900, 1, 1)
UNDATED_OLDEST_KEY = dt.date(9999, 12, 31)
# A title the archive supplies where its source gave none: in square brackets, as cataloguers
# write a supplied title, saying what it is and the words the text begins with.
SUPPLIED_OPENS, SUPPLIED_CLOSES = "[Untitled; begins: ", "]"
UNTITLED = "[Untitled]"


def supplied_title(opening):
    """The title the archive supplies for a text beginning with ``opening`` (its first words)."""
    return f"{SUPPLIED_OPENS}{opening}{SUPPLIED_CLOSES}" if opening else UNTITLED


def looks_supplied(title):
    """Whether a title has the form of one the archive supplied (an editor's own has not, unless
    they typed it so)."""
    return title == UNTITLED or (title.startswith(SUPPLIED_OPENS) and title.endswith(SUPPLIED_CLOSES))


def period(year, month=None):
    """The [start, end) dates of a year, or of a month of it; ValueError when there is no such."""
    if not dt.MINYEAR <= year < dt.MAXYEAR:
        raise ValueError(f"No dates of the year {year}.")
    if month:
        return dt.date(year, month, 1), dt.date(year + month // 12, month % 12 + 1, 1)
    return dt.date(year, 1, 1), dt.date(year + 1, 1, 1)


class ArticleQuerySet(models.QuerySet):
    """The filters every list of articles shares: reader's list, admin list and counts."""

    def newest_first(self):
        return self.order_by("-sort_date", "-id")

    def in_period(self, year, month=None):
        """Articles of a year or a month: a range on the date index (sort_date is the date),
        which pages them in either order (``criteria.order_fields``)."""
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
        READER = "reader", "corrected by a reader, checked by an editor"
        UNKNOWN = "", "unknown"

    # The sources of a date that is a fact; the others are estimates, or no date.
    CERTAIN_DATE_SOURCES = (DateSource.BYLINE, DateSource.EDITOR, DateSource.READER)
    # The sources that name a day; a Media ID's estimate names a month (its first day stands in).
    DAY_DATE_SOURCES = (*CERTAIN_DATE_SOURCES, DateSource.CAPTION)

    title = models.CharField(
        max_length=500,
        help_text="Exactly as the source has it; in square brackets where the archive supplied one "
        "(the source gave none).",
    )
    title_is_derived = models.BooleanField(
        "title supplied by the archive",
        default=False,
        editable=False,
        help_text="The source gave no title: the archive made one of the text's first words, in square "
        "brackets. An editor's title, the article's page or a listing's title replaces it.",
    )
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
    oldest_key = models.DateField(
        default=UNDATED_OLDEST_KEY,
        editable=False,
        help_text="Publication date for ordering oldest first; undated articles sort last.",
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
            # Oldest first, undated last, with the filters a list of articles takes.
            models.Index(fields=["oldest_key", "id"], name="article_oldest_idx"),
            models.Index(fields=["section", "oldest_key", "id"], name="article_section_oldest_idx"),
            models.Index(fields=["author", "oldest_key", "id"], name="article_author_oldest_idx"),
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
            models.CheckConstraint(
                condition=Q(oldest_key=Coalesce(F("published_on"), Value(UNDATED_OLDEST_KEY))),
                name="article_oldest_key_derived",
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
