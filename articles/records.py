"""What the archive gives away of its records: one serializer per kind, shared by the JSON API,
the CSV and JSON Lines exports and `manage.py export`, so each field list is written once.

Addresses are absolute when a request is in the context (the API, the site's exports) and
site paths otherwise (`manage.py export`, which knows no host).
"""

from typing import NamedTuple

from django.utils.functional import cached_property
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from .models import Article, ArticleMedia, ArticleTag, Author, MediaItem, Section, Tag

# What an article's photos give (api.serializers.PhotoRefSerializer): read by links_attach.
PHOTO_FIELDS = ("id", "media_id", "caption", "credit", "agency", "taken_on")


class TagLink(NamedTuple):
    tag: Tag
    on_original_site: bool


class PhotoLink(NamedTuple):
    media: MediaItem


def links_attach(articles):
    """Give each article its ``tag_links`` (by tag name, saying which the original site gave)
    and ``photo_links`` (in their order): two queries for any number of articles. Each tag is
    built once however many articles carry it, and no link row becomes a model instance: an
    export of a million articles would otherwise spend most of its time building them."""
    by_pk = {article.pk: article for article in articles}
    for article in articles:
        article.tag_links, article.photo_links = [], []
    tags = {}
    links = ArticleTag.objects.filter(article_id__in=by_pk).order_by("tag__name", "tag_id")
    for article_id, on_site, pk, name, slug in links.values_list(
        "article_id", "on_original_site", "tag_id", "tag__name", "tag__slug"
    ):
        tag = tags.get(pk) or tags.setdefault(pk, Tag(pk=pk, name=name, slug=slug))
        by_pk[article_id].tag_links.append(TagLink(tag, on_site))
    photos = ArticleMedia.objects.filter(article_id__in=by_pk).order_by("position", "id")
    for article_id, *fields in photos.values_list("article_id", *(f"media__{name}" for name in PHOTO_FIELDS)):
        by_pk[article_id].photo_links.append(PhotoLink(MediaItem(**dict(zip(PHOTO_FIELDS, fields)))))
    return articles


@extend_schema_field(OpenApiTypes.URI)
class PageUrlField(serializers.Field):
    """The object's page on the site. The pages of tags, sections and authors, which thousands
    of articles share, are worked out once per response or export (reversing a URL is what an
    export of a million articles would otherwise spend most of its time on)."""

    SHARED = (Tag, Section, Author)

    def __init__(self, **kwargs):
        super().__init__(source="*", read_only=True, **kwargs)

    def to_representation(self, obj):
        if not isinstance(obj, self.SHARED):
            return self._absolute(obj.get_absolute_url())
        known = self.context.setdefault("shared_urls", {})
        key = (type(obj), obj.pk)
        if key not in known:
            known[key] = self._absolute(obj.get_absolute_url())
        return known[key]

    def _absolute(self, path):
        request = self.context.get("request")
        return request.build_absolute_uri(path) if request is not None else path


class NamedSerializer(serializers.Serializer):
    """A section or an author as an article names it."""

    slug = serializers.CharField()
    name = serializers.CharField()
    url = PageUrlField()


class SectionSerializer(NamedSerializer):
    article_count = serializers.IntegerField(help_text="Articles in it (refreshed after each ingest or edit).")
    name_is_guess = serializers.BooleanField(help_text="The name was guessed from an address of the original site.")


class AuthorSerializer(SectionSerializer):
    pass


class TagRefSerializer(serializers.Serializer):
    """A tag as an article carries it."""

    name = serializers.CharField()
    slug = serializers.CharField()
    url = PageUrlField()


class TagSerializer(TagRefSerializer):
    kind = serializers.CharField()
    aliases = serializers.ListField(
        source="alias_list", child=serializers.CharField(), help_text="Other names searched together with it."
    )
    article_count = serializers.IntegerField()


class PhotoRefSerializer(serializers.Serializer):
    """A photo as an article shows it (the image files were not preserved)."""

    media_id = serializers.IntegerField(allow_null=True, help_text="The original site's Media ID, when known.")
    url = PageUrlField()
    caption = serializers.CharField()
    credit = serializers.CharField()
    agency = serializers.CharField()
    taken_on = serializers.DateField(allow_null=True, help_text="The date its caption states.")


class PhotoSerializer(PhotoRefSerializer):
    id = serializers.IntegerField()
    title = serializers.CharField(help_text="Title of the photo's own page on the original site.")
    source_file = serializers.SerializerMethodField(help_text="The photo page file it came from, if any.")

    def get_source_file(self, photo) -> str:
        return photo.source_path.replace("\\", "/").rsplit("/", 1)[-1]


class TagLinks(serializers.ListSerializer):
    """An article's tags, from its ``tag_links`` (``links_attach``): the original site's, or the others."""

    def __init__(self, *, on_original_site, **kwargs):
        self.on_original_site = on_original_site
        super().__init__(child=TagRefSerializer(), source="tag_links", **kwargs)

    def to_representation(self, links):
        wanted = self.on_original_site
        return [self.child.to_representation(link.tag) for link in links if link.on_original_site == wanted]


class PhotoLinks(serializers.ListSerializer):
    """An article's photos in their order, from its ``photo_links`` (``links_attach``)."""

    def __init__(self, **kwargs):
        super().__init__(child=PhotoRefSerializer(), source="photo_links", **kwargs)

    def to_representation(self, links):
        return [self.child.to_representation(link.media) for link in links]


class ProvenanceSerializer(serializers.Serializer):
    """Where the text comes from and what happened to it here."""

    original_url = serializers.CharField(help_text="Its address on the original site, when known.")
    source_file = serializers.CharField(source="source_name", help_text="The file it was ingested from.")
    ingested_at = serializers.DateTimeField(source="created_at")
    updated_at = serializers.DateTimeField()
    staff_edited = serializers.BooleanField(help_text="Corrected by the archive's editors.")


class ArticleSerializer(serializers.Serializer):
    """An article whole: text, date and how sure it is, section, author, tags, photos, provenance.

    Read from ``Article.objects.whole()`` rows given their tags and photos by ``links_attach``
    (one query each for a page or a batch).
    """

    id = serializers.IntegerField()
    url = PageUrlField()
    title = serializers.CharField(
        help_text="As the source has it; where it had none, one the archive supplied, in square brackets: "
        "“[Untitled; begins: …]”, the text's first words (see title_is_derived)."
    )
    title_is_derived = serializers.BooleanField(
        help_text="The title is not the source's: it gave none, and the archive supplied this one, from the "
        "text's first words."
    )
    published_on = serializers.DateField(allow_null=True)
    date_source = serializers.ChoiceField(
        choices=Article.DateSource.choices,
        help_text="byline and editor dates are certain; caption and media_id dates are estimates.",
    )
    date_is_certain = serializers.BooleanField()
    is_truncated = serializers.BooleanField(help_text="The surviving copy stops mid-text.")
    section = NamedSerializer(allow_null=True)
    author = NamedSerializer(allow_null=True)
    dateline = serializers.CharField()
    site_tags = TagLinks(on_original_site=True, help_text="Tags the original site gave it (its tag pages).")
    tags = TagLinks(on_original_site=False, help_text="Tags the archive's tagger or its editors found.")
    photos = PhotoLinks()
    body = serializers.CharField(help_text="Paragraphs separated by a blank line.")
    provenance = ProvenanceSerializer(source="*")


class SearchHitSerializer(ArticleSerializer):
    """An article found by a search; ``rank`` is its place among every match, from 1."""

    rank = serializers.IntegerField()


class MonthCountSerializer(serializers.Serializer):
    month = serializers.CharField(help_text="YYYY-MM")
    matches = serializers.IntegerField()
    articles = serializers.IntegerField(help_text="Articles the archive holds from that month.")
    per_thousand = serializers.FloatField(
        allow_null=True, help_text="Matches per 1,000 of the month's articles (null when it holds none)."
    )


class CsvColumns:
    """The CSV columns of a serializer, from its fields: a nested object gives one column per
    field of it (``section_name``), a list one column of its items' first fields joined by "; "
    (``tags``: the names) or of its values, anything else its own column."""

    SEPARATOR = "; "

    def __init__(self, serializer_class):
        self.serializer_class = serializer_class

    @cached_property
    def names(self):
        names = []
        for name, field in self.serializer_class().fields.items():
            if isinstance(field, serializers.Serializer):
                names += [f"{name}_{sub}" for sub in field.fields]
            else:
                names.append(name)
        return names

    def row(self, record):
        row = []
        for name, value in record.items():
            if isinstance(value, dict):
                row += [_cell(v) for v in value.values()]
            elif value is None and name in self._nested:
                row += [""] * len(self._nested[name])
            elif isinstance(value, list):
                items = (next(iter(item.values())) if isinstance(item, dict) else item for item in value)
                row.append(self.SEPARATOR.join(_cell(item) for item in items))
            else:
                row.append(_cell(value))
        return row

    @cached_property
    def _nested(self):
        return {
            name: list(field.fields)
            for name, field in self.serializer_class().fields.items()
            if isinstance(field, serializers.Serializer)
        }


# A spreadsheet reads a cell starting with one of these as a formula (OWASP's "CSV injection"):
# such a cell is written after an apostrophe, which spreadsheets show as text and do not print.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _cell(value):
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return str(value)


SERIALIZERS = {
    "articles": ArticleSerializer,
    "photos": PhotoSerializer,
    "tags": TagSerializer,
    "sections": SectionSerializer,
    "authors": AuthorSerializer,
}
MODELS = {"articles": Article, "photos": MediaItem, "tags": Tag, "sections": Section, "authors": Author}


class ChangeSerializer(serializers.Serializer):
    field = serializers.CharField(help_text="What changed, as the site names it.")
    was = serializers.CharField(help_text="The value it replaced (empty for text added).")
    now = serializers.CharField()


class CorrectionSerializer(serializers.Serializer):
    """A correction a reader suggested and an editor accepted."""

    id = serializers.IntegerField()
    of = serializers.SerializerMethodField(help_text="The article's or the photo's page.")
    kind = serializers.SerializerMethodField(help_text="article or photo")
    changes = serializers.SerializerMethodField()
    evidence = serializers.CharField()
    evidence_url = serializers.CharField(help_text="As the reader gave it: not checked to be safe to follow.")
    credit = serializers.CharField(help_text="The name the reader asked to be credited by, or “a reader”.")
    accepted_at = serializers.DateTimeField(source="decided_at")

    @extend_schema_field(OpenApiTypes.URI)
    def get_of(self, suggestion):
        request = self.context.get("request")
        path = suggestion.target.get_absolute_url()
        return request.build_absolute_uri(path) if request is not None else path

    def get_kind(self, suggestion) -> str:
        return "article" if suggestion.article_id else "photo"

    @extend_schema_field(ChangeSerializer(many=True))
    def get_changes(self, suggestion):
        return [{"field": label, "was": was, "now": now} for label, was, now in suggestion.public_changes()]
