"""Filters of the article list and the photo index (django-filter)."""

import django_filters
from django import forms
from django.utils.dates import MONTHS

from .models import Article, Author, MediaItem, Section, Tag

ORDER_CHOICES = [("newest", "Newest first"), ("oldest", "Oldest first"), ("title", "Title A–Z")]
ORDER_FIELDS = {
    "newest": ["-sort_date", "-id"],
    "oldest": ["sort_date", "id"],
    "title": ["title", "id"],
}
MONTH_CHOICES = list(MONTHS.items())


class ArticleFilter(django_filters.FilterSet):
    section = django_filters.ModelChoiceFilter(
        method="filter_section",
        to_field_name="slug",
        queryset=Section.objects.all(),
        empty_label="All sections",
    )
    author = django_filters.CharFilter(method="filter_author", label="Author (slug)")
    tag = django_filters.CharFilter(method="filter_tag", label="Tag (slug)")
    year = django_filters.NumberFilter(method="filter_year", min_value=1900, max_value=2100)
    month = django_filters.ChoiceFilter(method="filter_month", choices=MONTH_CHOICES, empty_label="Any month")
    has_photo = django_filters.BooleanFilter(
        method="filter_has_photo",
        label="With photos",
        widget=forms.CheckboxInput,
    )
    order = django_filters.ChoiceFilter(
        method="keep",
        choices=ORDER_CHOICES,
        empty_label=None,
        label="Order",
    )

    class Meta:
        model = Article
        fields = []

    def filter_section(self, queryset, name, value):
        return queryset.in_section(value)

    def filter_author(self, queryset, name, value):
        return queryset.by_author(Author.objects.filter(slug=value).values("pk")[:1])

    def filter_tag(self, queryset, name, value):
        return queryset.tagged(Tag.objects.filter(slug=value).values("pk")[:1])

    def filter_year(self, queryset, name, value):
        """Year, or year and month together: one date range on the date index."""
        return queryset.in_period(int(value), int(self.form.cleaned_data.get("month") or 0))

    def filter_month(self, queryset, name, value):
        """A month is read with its year (see filter_year); alone it narrows nothing."""
        return queryset

    def filter_has_photo(self, queryset, name, value):
        return queryset.with_photos() if value else queryset

    def keep(self, queryset, name, value):
        """The order is applied by the paginator, which pages on the same fields."""
        return queryset

    @property
    def ordering(self):
        data = self.form.cleaned_data if self.form.is_valid() else {}
        return data.get("order") or "newest"

    @property
    def active(self):
        """The filters in use, as (name, value) pairs, for a "filters in use" line."""
        if not self.form.is_valid():
            return []
        return [(k, v) for k, v in self.form.cleaned_data.items() if v not in (None, "", False) and k != "order"]


class PhotoFilter(django_filters.FilterSet):
    agency = django_filters.ChoiceFilter(
        choices=[c for c in MediaItem.Agency.choices if c[0]],
        empty_label="All agencies",
    )
    numbered = django_filters.BooleanFilter(
        method="filter_numbered",
        label="With a Media ID",
        widget=forms.CheckboxInput,
    )

    class Meta:
        model = MediaItem
        fields = []

    def filter_numbered(self, queryset, name, value):
        """Ticked: only photos with a Media ID. An unticked box is absent from the form's data,
        which reads as False: it narrows nothing (it used to hide every numbered photo)."""
        return queryset.filter(media_id__isnull=False) if value else queryset
