"""Tags, sections and authors in the admin, and the merge of tags."""

from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import formats
from django.utils.html import format_html
from django.utils.text import Truncator

from .. import editing
from ..models import (
    Author,
    Section,
    Tag,
)
from .base import ArchiveVersionAdmin, EditingDeleteMixin


@admin.register(Tag)
class TagAdmin(EditingDeleteMixin, ArchiveVersionAdmin):
    delete = staticmethod(editing.tags_delete)
    list_display = ["name", "kind", "alias_summary", "tagger_uses", "article_total"]
    list_filter = ["kind", "tagger_uses"]
    search_fields = ["name", "aliases"]
    prepopulated_fields = {"slug": ["name"]}
    fields = ["name", "slug", "kind", "aliases", "tagger_uses", "article_count", "updated_at"]
    readonly_fields = ["article_count", "updated_at"]
    actions = ["merge_tags"]

    def save_model(self, request, obj, form, change):
        editing.tag_save(obj, form.changed_data)

    @admin.display(description="other names")
    def alias_summary(self, tag):
        return Truncator(", ".join(tag.alias_list)).chars(80)

    @admin.display(description="articles", ordering="article_count")
    def article_total(self, tag):
        url = reverse("admin:articles_article_changelist")
        return format_html(
            '<a href="{}?tag={}">{}</a>', url, tag.pk, formats.number_format(tag.article_count, force_grouping=True)
        )

    @admin.action(description="Merge the selected tags into one", permissions=["change", "delete"])
    def merge_tags(self, request, queryset):
        tags = list(queryset.order_by("-article_count", "name"))
        if len(tags) < 2:
            self.message_user(request, "Select at least two tags to merge.", messages.WARNING)
            return None
        kept = next((t for t in tags if str(t.pk) == request.POST.get("kept")), None)
        if kept is None or "apply" not in request.POST:
            return TemplateResponse(
                request,
                "admin/articles/tag/merge_tags.html",
                {
                    **self.admin_site.each_context(request),
                    "title": "Merge tags",
                    "opts": self.model._meta,
                    "tags": tags,
                    "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
                },
            )
        others = [t for t in tags if t != kept]
        names = ", ".join(t.name for t in others)
        moved = editing.tags_merge(kept, others, request.user)
        self.log_change(request, kept, f"Merged {names} into this tag.")
        self.log_deletions(request, others)
        self.message_user(request, f"Merged {names} into “{kept}”: {moved} articles now carry it.", messages.SUCCESS)
        return None


class NamedEntityAdmin(ArchiveVersionAdmin):
    list_display = ["name", "slug", "name_is_guess", "article_count"]
    list_filter = ["name_is_guess"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}
    readonly_fields = ["article_count"]

    def save_model(self, request, obj, form, change):
        editing.filing_save(obj, form.changed_data)


@admin.register(Section)
class SectionAdmin(NamedEntityAdmin):
    pass


@admin.register(Author)
class AuthorAdmin(NamedEntityAdmin):
    pass
