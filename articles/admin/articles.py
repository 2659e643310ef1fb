"""Articles in the admin: the change form with its tags and photos, the list with its filters
and date drill-down from the stored counts, full-text search, and the "add a tag" action.

Every list and change page runs a fixed number of queries however large the archive: rows
bring their section and author along, the photo count is stored, the date drill-down reads the
stored month counts, and search goes through the full-text index."""

import datetime as dt

import reversion
from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.contrib.admin.views.main import SEARCH_VAR
from django.contrib.admin.widgets import AutocompleteSelect
from django.core.exceptions import BadRequest
from django.db.models import OuterRef, Subquery
from django.template.response import TemplateResponse
from django.urls import path
from django.utils import formats
from django.utils.html import format_html, format_html_join
from django.utils.text import capfirst

from .. import editing, search
from ..models import (
    ArchiveMonth,
    Article,
    ArticleMedia,
    ArticleTag,
    Tag,
    period,
)
from ..paging import CappedPaginator
from .base import (
    ArchiveChangeList,
    ArchiveVersionAdmin,
    PhotoAutocompleteView,
    PhotoSelect,
    TagSelectMultiple,
    id_param,
    photo_label,
)

# A search with at most this many matches lists them by id. A count of more stops here: an
# exact count of a word in most of the archive costs a scan of it.
SEARCH_CAP = 2000


# How the article list names the source of a date, in a few words.
DATE_SOURCE_SHORT = {
    Article.DateSource.BYLINE: "by-line",
    Article.DateSource.CAPTION: "from caption",
    Article.DateSource.MEDIA_ID: "est. from Media ID",
    Article.DateSource.EDITOR: "set by editor",
}


# Tags offered in the article list's tag filter: the most used ones (any tag is one click away
# from the tag list's article counts).
FILTER_TAGS = 25


class ArticleForm(forms.ModelForm):
    # Tags are linked through ArticleTag (which carries the article's date), which the admin
    # cannot edit as a plain field; this field chooses them and the admin saves the links.
    tag_choices = forms.ModelMultipleChoiceField(
        Tag.objects.all(),
        required=False,
        label="Tags",
        widget=TagSelectMultiple(Article._meta.get_field("tags"), admin.site, attrs={"data-width": "48em"}),
        help_text="Type to find a tag by any of its names.",
    )

    class Meta:
        model = Article
        fields = ["title", "dateline", "body", "published_on", "date_source", "section", "author", "is_truncated"]
        widgets = {
            "title": forms.TextInput(attrs={"class": "vLargeTextField"}),
            "body": forms.Textarea(attrs={"rows": 24, "class": "vLargeTextField"}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            # The original site's tags are shown apart (ArticleAdmin.site_tags) and kept on save.
            tags = list(self.instance.tags.filter(articletag__on_original_site=False))
            self.fields["tag_choices"].initial = tags
            self.fields["tag_choices"].widget.chosen = tags


class ArticleMediaForm(forms.ModelForm):
    class Meta:
        model = ArticleMedia
        fields = ["position", "media"]
        labels = {"media": "photo"}
        # A row of the inline table has no label beside its boxes; the column heading is
        # not one for a screen reader.
        widgets = {"position": forms.NumberInput(attrs={"aria-label": "Position", "class": "vIntegerField"})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["media"]
        field.label_from_instance = photo_label
        if self.instance.media_id:
            # The inline's rows come with their photo (select_related); the widget reuses it.
            widget = getattr(field.widget, "widget", field.widget)
            widget.chosen = [self.instance.media]


class PhotoInline(admin.TabularInline):
    model = ArticleMedia
    form = ArticleMediaForm
    template = "admin/articles/article/photo_inline.html"
    fields = ["position", "media", "credit"]
    readonly_fields = ["credit"]
    extra = 0
    verbose_name = "photo"
    verbose_name_plural = "photos (in order of position)"

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("media").order_by("position", "id")

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "media":
            kwargs["widget"] = PhotoSelect(
                db_field, self.admin_site, attrs={"data-width": "36em"}, using=kwargs.get("using")
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    @admin.display(description="credit")
    def credit(self, link):
        return link.media.credit if link.media_id else ""


class YearFilter(admin.SimpleListFilter):
    title = "year"
    parameter_name = "year"

    def lookups(self, request, model_admin):
        years = ArchiveMonth.objects.order_by("-year").values_list("year", flat=True).distinct()
        return [(str(year), str(year)) for year in years] + [("undated", "Undated")]

    def queryset(self, request, queryset):
        value = self.value()
        if value == "undated":
            return queryset.undated()
        if not value:
            return queryset
        try:
            return queryset.in_period(int(value))
        except ValueError:
            raise BadRequest("No such year.") from None


class TagFilter(admin.SimpleListFilter):
    title = "tag"
    parameter_name = "tag"

    def lookups(self, request, model_admin):
        tags = list(Tag.objects.order_by("-article_count", "name").values_list("pk", "name")[:FILTER_TAGS])
        value = self.value()
        if value and id_param(value) not in {pk for pk, _ in tags}:
            tags += Tag.objects.filter(pk=id_param(value)).values_list("pk", "name")
        return [(str(pk), name) for pk, name in tags]

    def queryset(self, request, queryset):
        value = self.value()
        return queryset if value is None else queryset.tagged(id_param(value))


class HasPhotoFilter(admin.SimpleListFilter):
    title = "photos"
    parameter_name = "photos"

    def lookups(self, request, model_admin):
        return [("yes", "With photos"), ("no", "Without photos")]

    def queryset(self, request, queryset):
        if self.value() in ("yes", "no"):
            return queryset.with_photos(self.value() == "yes")
        return queryset


class TitledBooleanFilter(admin.BooleanFieldListFilter):
    """A yes/no filter titled as the list's column is."""

    titles = {"is_truncated": "truncated", "staff_edited": "edited by staff", "title_is_derived": "title supplied"}

    def __init__(self, field, request, params, model, model_admin, field_path):
        super().__init__(field, request, params, model, model_admin, field_path)
        self.title = self.titles.get(field_path, self.title)


class ArticleChangeList(ArchiveChangeList):
    def __init__(self, request, *args, **kwargs):
        # Django's date drill-down fails on the last years a date can hold: refuse them first.
        year, month, day = (request.GET.get(f"sort_date__{part}") for part in ("year", "month", "day"))
        try:
            if year:
                start, _ = period(int(year), int(month or 0))
                start.replace(day=int(day or 1))
        except (ValueError, OverflowError):
            raise BadRequest("No such date.") from None
        super().__init__(request, *args, **kwargs)

    def get_queryset(self, request, exclude_parameters=None):
        # A list never shows bodies: leave the largest columns in the database. The first
        # photo's Media ID, for its column, is a subquery per row shown.
        first = ArticleMedia.objects.filter(article=OuterRef("pk")).order_by("position", "id")
        return (
            super()
            .get_queryset(request, exclude_parameters)
            .defer("body", "index_terms")
            .annotate(first_media=Subquery(first.values("media__media_id")[:1]))
        )


class AddTagForm(forms.Form):
    tag = forms.ModelChoiceField(
        Tag.objects.all(),
        widget=AutocompleteSelect(ArticleTag._meta.get_field("tag"), admin.site),
        help_text="Type to find a tag by any of its names.",
    )


@admin.register(Article)
class ArticleAdmin(ArchiveVersionAdmin):
    form = ArticleForm
    inlines = [PhotoInline]
    change_list_template = "admin/articles/article/change_list.html"
    list_display = ["title", "date", "section", "author", "photos", "first_media_id", "truncated", "edited"]
    list_select_related = ["section", "author"]
    list_filter = [
        "section",
        YearFilter,
        TagFilter,
        HasPhotoFilter,
        ("is_truncated", TitledBooleanFilter),
        ("staff_edited", TitledBooleanFilter),
        ("title_is_derived", TitledBooleanFilter),
    ]
    list_per_page = 50
    # The changelist's drill-down; its links are computed by date_drilldown below.
    date_hierarchy = "sort_date"
    # Search goes through the full-text index (get_search_results); Django only needs a
    # non-empty search_fields to show the search box.
    search_fields = ["title"]
    search_help_text = (
        'Full-text search, as on the site: words, "a phrase", either OR other, -exclude. '
        "A tag's name finds its other names too."
    )
    # Counting the whole table beside the filtered count, and facet counts, cost a scan each.
    show_full_result_count = False
    show_facets = admin.ShowFacets.NEVER
    autocomplete_fields = ["section", "author"]
    readonly_fields = [
        "title_is_derived",
        "slug",
        "original_url",
        "source_path",
        "content_hash",
        "ingested_at",
        "updated_at",
        "photo_count",
        "staff_edited",
        "site_tags",
        "listed_on",
    ]
    fieldsets = [
        (None, {"fields": ["title", "title_is_derived", "dateline", "body"]}),
        (
            "Date and filing",
            {"fields": [("published_on", "date_source"), ("section", "author"), "tag_choices", "is_truncated"]},
        ),
        ("The original site's listings", {"fields": ["site_tags", "listed_on"]}),
        (
            "Source",
            {
                "fields": [
                    ("source_path", "original_url"),
                    ("slug", "content_hash"),
                    ("ingested_at", "updated_at"),
                    ("photo_count", "staff_edited"),
                ]
            },
        ),
    ]
    actions = ["add_tag"]

    def get_changelist(self, request, **kwargs):
        return ArticleChangeList

    def get_urls(self):
        photo_autocomplete = PhotoAutocompleteView.as_view(admin_site=self.admin_site)
        return [
            path(
                "photo-autocomplete/",
                self.admin_site.admin_view(photo_autocomplete),
                name="articles_article_photo_autocomplete",
            ),
            *super().get_urls(),
        ]

    def get_search_results(self, request, queryset, search_term):
        if not search_term.strip():
            return queryset, False
        found = search.filter_queryset(queryset, search_term)
        # The search index gives the ids of every match; few are listed by id, more are paged
        # with a capped count.
        ids = list(found.order_by().values_list("pk", flat=True)[: SEARCH_CAP + 1])
        if len(ids) <= SEARCH_CAP:
            return queryset.filter(pk__in=ids), False
        request.search_capped = True  # the paginator need not count again
        return found, False

    def get_paginator(self, request, queryset, per_page, orphans=0, allow_empty_first_page=True):
        if request.GET.get(SEARCH_VAR, "").strip():
            capped = getattr(request, "search_capped", False)
            return CappedPaginator(
                queryset, per_page, orphans, allow_empty_first_page, cap=SEARCH_CAP, known_capped=capped
            )
        return super().get_paginator(request, queryset, per_page, orphans, allow_empty_first_page)

    def changelist_view(self, request, extra_context=None):
        response = super().changelist_view(request, extra_context)
        context = getattr(response, "context_data", None)
        if context and "cl" in context:
            context["date_drilldown"] = date_drilldown(context["cl"])
        return response

    def save_model(self, request, obj, form, change):
        if "published_on" in form.changed_data and "date_source" not in form.changed_data:
            obj.date_source = Article.DateSource.EDITOR if obj.published_on else Article.DateSource.UNKNOWN
        editing.article_save(obj)

    def delete_model(self, request, obj):
        super().delete_model(request, obj)
        editing.articles_deleted()

    def delete_queryset(self, request, queryset):
        super().delete_queryset(request, queryset)
        editing.articles_deleted()

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        editing.article_edited(form.instance, tags=form.cleaned_data["tag_choices"])
        article = form.instance
        if reversion.is_active():
            # The revision holds the article as refreshed, with its links as saved.
            reversion.add_to_revision(article)

    @admin.display(description="date", ordering="sort_date")
    def date(self, article):
        if not article.published_on:
            return format_html('<span class="quiet">undated</span>')
        return format_html(
            '<span class="nowrap">{}</span><br><span class="quiet mini">{}</span>',
            formats.date_format(article.published_on, "j M Y"),
            DATE_SOURCE_SHORT.get(article.date_source, ""),
        )

    @admin.display(description="tags on the original site")
    def site_tags(self, article):
        if article.pk is None:
            return "—"
        tags = Tag.objects.filter(articletag__article=article, articletag__on_original_site=True)
        return ", ".join(tag.name for tag in tags) or "—"

    @admin.display(description="listed on")
    def listed_on(self, article):
        """The listing pages that announce the article, with what their entries say."""
        if article.pk is None:
            return "—"
        items = article.listing_items.select_related("listing").order_by("listing__kind", "listing__slug")
        return (
            format_html_join(
                "",
                "<div>{} <code>{}</code>: {}</div>",
                (
                    (i.listing.get_kind_display(), i.listing.slug or i.listing.source_path, listing_item_summary(i))
                    for i in items
                ),
            )
            or "—"
        )

    @admin.display(description="photos", ordering="photo_count")
    def photos(self, article):
        return article.photo_count

    @admin.display(description="Media ID")
    def first_media_id(self, article):
        """The first photo's Media ID, the number editors are asked about."""
        return getattr(article, "first_media", None) or "—"

    @admin.display(description="truncated", boolean=True, ordering="is_truncated")
    def truncated(self, article):
        return article.is_truncated

    @admin.display(description="edited", boolean=True, ordering="staff_edited")
    def edited(self, article):
        return article.staff_edited

    @admin.display(description="ingested")
    def ingested_at(self, article):
        return formats.date_format(article.ingested_at or article.created_at, "DATETIME_FORMAT")

    @admin.action(description="Add a tag to the selected articles", permissions=["change"])
    def add_tag(self, request, queryset):
        form = AddTagForm(request.POST if "apply" in request.POST else None)
        if form.is_valid():
            tag = form.cleaned_data["tag"]
            added = editing.tag_add(tag, queryset.values_list("pk", flat=True))
            self.log_change(request, tag, f"Added to {added} articles.")
            self.message_user(request, f"Tagged {added} more articles with “{tag}”.", messages.SUCCESS)
            return None
        return TemplateResponse(
            request,
            "admin/articles/article/add_tag.html",
            {
                **self.admin_site.each_context(request),
                "title": "Add a tag to articles",
                "opts": self.model._meta,
                "form": form,
                "media": self.media + form.media,
                "count": queryset.count(),
                "sample": queryset.select_related(None).only("pk", "title")[:10],
                "selected": request.POST.getlist(helpers.ACTION_CHECKBOX_NAME),
                "select_across": request.POST.get("select_across", "0"),
                "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
            },
        )


def listing_item_summary(item):
    """What a listing's entry says of its article, in one line."""
    byline = " | ".join(str(part) for part in (item.author_name, item.byline_date, item.sections) if part)
    return (
        " · ".join(part for part in (item.title, f"by {byline}" if byline else "") if part) or "(no title or by-line)"
    )


def date_drilldown(cl):
    """The date hierarchy's links, from the stored month counts rather than the article table.

    Django's own drill-down scans the whole table twice (first and last date, distinct years).
    Years and months here are those holding any article, whatever other filters are set; days
    are read from the chosen month's articles only, on the date index.
    """
    year, month, day = (cl.params.get(f"sort_date__{part}") for part in ("year", "month", "day"))

    def link(filters):
        return cl.get_query_string(filters, ["sort_date__"])

    if year and month and day:
        date = dt.date(int(year), int(month), int(day))
        return {
            "show": True,
            "back": {
                "link": link({"sort_date__year": year, "sort_date__month": month}),
                "title": capfirst(formats.date_format(date, "YEAR_MONTH_FORMAT")),
            },
            "choices": [{"title": capfirst(formats.date_format(date, "MONTH_DAY_FORMAT"))}],
        }
    if year and month:
        return {
            "show": True,
            "back": {"link": link({"sort_date__year": year}), "title": year},
            "choices": [
                {
                    "link": link({"sort_date__year": year, "sort_date__month": month, "sort_date__day": d.day}),
                    "title": capfirst(formats.date_format(d, "MONTH_DAY_FORMAT")),
                }
                for d in cl.queryset.dates("sort_date", "day")
            ],
        }
    if year:
        months = ArchiveMonth.objects.filter(year=year).order_by("month").values_list("month", flat=True)
        return {
            "show": True,
            "back": {"link": link({}), "title": "All dates"},
            "choices": [
                {
                    "link": link({"sort_date__year": year, "sort_date__month": m}),
                    "title": capfirst(formats.date_format(dt.date(int(year), m, 1), "YEAR_MONTH_FORMAT")),
                }
                for m in months
            ],
        }
    years = ArchiveMonth.objects.order_by("year").values_list("year", flat=True).distinct()
    return {
        "show": True,
        "back": None,
        "choices": [{"link": link({"sort_date__year": str(y)}), "title": str(y)} for y in years],
    }
