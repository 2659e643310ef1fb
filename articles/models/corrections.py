"""Readers' suggested corrections: what a reader proposes to change in an article or a photo,
with their evidence, waiting for an editor to accept (some or all of it), reject it or mark it
a duplicate. Nothing here changes an article: accepting goes through ``editing``."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from .articles import Article
from .filing import MediaItem

# What a reader may propose, by field: label, and what the field holds.
ARTICLE_FIELDS = {
    "title": "Title",
    "published_on": "Date of publication",
    "author": "Author",
    "section": "Section",
    "tags_add": "Tags to add",
    "tags_remove": "Tags to remove",
    "passage": "A passage of the text",
    "continuation": "The rest of a text cut short",
}
PHOTO_FIELDS = {"caption": "Caption", "credit": "Credit"}
FIELD_LABELS = {**ARTICLE_FIELDS, **PHOTO_FIELDS}


class Suggestion(models.Model):
    """A reader's proposed correction of one article or one photo.

    ``proposed`` holds the fields proposed (field -> value, as ``FIELD_LABELS`` names them; a
    passage is {"now": …, "should_read": …}); ``current`` what those fields held when the reader
    saw them, so that an editor sees what changed since and a newer change is never overwritten
    unseen. ``name`` is how the reader asks to be credited; ``contact`` is for the editors only.
    """

    class Status(models.TextChoices):
        PENDING = "pending", "waiting for an editor"
        ACCEPTED = "accepted", "accepted"
        REJECTED = "rejected", "rejected"
        DUPLICATE = "duplicate", "a duplicate"

    article = models.ForeignKey(Article, null=True, blank=True, on_delete=models.CASCADE, related_name="suggestions")
    photo = models.ForeignKey(MediaItem, null=True, blank=True, on_delete=models.CASCADE, related_name="suggestions")
    proposed = models.JSONField(default=dict)
    current = models.JSONField(default=dict)
    evidence = models.TextField(blank=True, help_text="Where the reader found it: an edition and page, a document.")
    evidence_url = models.URLField(max_length=500, blank=True)
    note = models.TextField(blank=True)
    name = models.CharField(max_length=100, blank=True, help_text="How the reader asks to be credited.")
    contact = models.EmailField(blank=True, help_text="For the editors only; never shown.")
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.PENDING)
    accepted_fields = models.JSONField(default=list, blank=True)
    reason = models.TextField(blank=True, help_text="Why it was rejected, for the editors.")
    created_at = models.DateTimeField(default=timezone.now)
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["status", "-created_at"], name="suggestion_queue")]
        constraints = [
            models.CheckConstraint(
                condition=Q(article__isnull=False, photo__isnull=True) | Q(article__isnull=True, photo__isnull=False),
                name="suggestion_names_one",
            )
        ]

    def __str__(self):
        return f"Suggestion {self.pk} on {self.target}"

    @property
    def target(self):
        return self.article if self.article_id else self.photo

    @property
    def credit(self):
        return self.name.strip() or "a reader"

    @property
    def field_labels(self):
        return [FIELD_LABELS[name] for name in self.proposed if name in FIELD_LABELS]

    @property
    def accepted_field_labels(self):
        return [FIELD_LABELS[name] for name in self.accepted_fields if name in FIELD_LABELS]

    @classmethod
    def replaced_texts(cls, *, article_ids=(), photo_ids=()):
        """What accepted corrections replaced — titles and passages of articles, captions of
        photos — per article id and per photo id: the search index keeps them findable, as the
        text first archived."""
        articles, photos = {}, {}
        accepted = cls.objects.filter(status=cls.Status.ACCEPTED)
        rows = accepted.filter(Q(article_id__in=article_ids) | Q(photo_id__in=photo_ids)).order_by("id")
        for article_id, photo_id, fields, current, proposed in rows.values_list(
            "article_id", "photo_id", "accepted_fields", "current", "proposed"
        ):
            found = articles.setdefault(article_id, []) if article_id else photos.setdefault(photo_id, [])
            found += [current[name] for name in ("title", "caption") if name in fields and current.get(name)]
            if "passage" in fields:
                found.append(proposed["passage"]["now"])
        return articles, photos

    def public_changes(self):
        """[(label, was, now)] of what an accepted suggestion changed, as readers may see it:
        the value it replaced (for a passage, the passage) and the value it gave."""
        found = []
        for name in self.accepted_fields:
            now, was = self.proposed.get(name), self.current.get(name)
            if name == "passage":
                was, now = now["now"], now["should_read"]
            elif name == "continuation":
                was = ""
            found.append((FIELD_LABELS[name], _shown(was), _shown(now)))
        return found


def _shown(value):
    return ", ".join(value) if isinstance(value, list) else (value or "")
