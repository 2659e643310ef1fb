"""Photos in the admin: found by Media ID or caption, with the articles that show them."""

from django.contrib import admin
from django.db.models import Count, OuterRef, Subquery, Value
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils.html import format_html_join
from django.utils.text import Truncator

from .. import editing
from ..models import (
    ArticleMedia,
    MediaItem,
)
from ..paging import address_number
from .base import ArchiveVersionAdmin, EditingDeleteMixin


@admin.register(MediaItem)
class MediaItemAdmin(EditingDeleteMixin, ArchiveVersionAdmin):
    delete = staticmethod(editing.photos_delete)
    list_display = ["label", "caption_excerpt", "agency", "taken_on", "used_in"]
    list_filter = ["agency"]
    list_per_page = 50
    search_fields = ["caption", "credit"]
    search_help_text = "A Media ID, or words of the caption or credit."
    show_full_result_count = False
    show_facets = admin.ShowFacets.NEVER
    fields = [
        "media_id",
        "title",
        "slug",
        "caption",
        "credit",
        "agency",
        "taken_on",
        "articles_using",
        "source_path",
        "fingerprint",
        "content_hash",
        "created_at",
        "updated_at",
    ]
    readonly_fields = ["articles_using", "fingerprint", "content_hash", "created_at", "updated_at"]

    def get_queryset(self, request):
        # Counted for the rows shown only: a subquery per row on the (media, article) index.
        used = ArticleMedia.objects.filter(media=OuterRef("pk")).order_by().values("media").annotate(n=Count("*"))
        return super().get_queryset(request).annotate(article_total=Coalesce(Subquery(used.values("n")[:1]), Value(0)))

    def get_search_results(self, request, queryset, search_term):
        term = search_term.strip()
        media_id = address_number(term, max_digits=10)
        if media_id is not None and len(term) >= 5:
            return queryset.filter(media_id=media_id), False
        return super().get_search_results(request, queryset, search_term)

    def save_model(self, request, obj, form, change):
        editing.photo_save(obj, form.changed_data)

    @admin.display(description="photo", ordering="media_id")
    def label(self, media):
        return f"Media ID {media.media_id}" if media.media_id else f"Photo {media.pk}"

    @admin.display(description="caption")
    def caption_excerpt(self, media):
        return Truncator(media.caption).chars(120)

    @admin.display(description="articles")
    def used_in(self, media):
        return media.article_total

    @admin.display(description="articles using it")
    def articles_using(self, media):
        articles = media.articles.only("pk", "title")[:50]
        return (
            format_html_join(
                "",
                '<div><a href="{}">{}</a></div>',
                ((reverse("admin:articles_article_change", args=[a.pk]), a.title) for a in articles),
            )
            or "—"
        )
