"""What articles are filed under and show: sections, authors, tags and photos."""

from django.db import models
from django.utils.text import slugify

from ..addresses import address


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
