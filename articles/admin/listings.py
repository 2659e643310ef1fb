"""The original site's listing pages, read-only: ingest writes them and links their items."""

from django.contrib import admin
from django.db import models
from django.db.models import Count

from ..models import (
    ListingItem,
    ListingPage,
)


class ListingItemInline(admin.TabularInline):
    """A listing's items as the original site printed them, and the article each announces."""

    model = ListingItem
    fields = ["position", "title", "author_name", "byline_date", "sections", "media_id", "article"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("article").only(*self.fields, "listing", "article__title")


@admin.register(ListingPage)
class ListingPageAdmin(admin.ModelAdmin):
    """Ingested listing pages, read-only: ingest writes them, and links their items."""

    list_display = ["__str__", "kind", "slug", "page_number", "item_count", "linked"]
    list_filter = ["kind"]
    search_fields = ["title", "slug", "source_path"]
    fields = ["kind", "title", "slug", "page_number", "item_count", "source_path", "created_at"]
    readonly_fields = fields
    inlines = [ListingItemInline]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def get_queryset(self, request):
        linked = Count("items", filter=models.Q(items__article__isnull=False))
        return super().get_queryset(request).annotate(linked_total=linked)

    @admin.display(description="linked to articles", ordering="linked_total")
    def linked(self, listing):
        return listing.linked_total
