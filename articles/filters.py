"""Filters of the article list and the photo index (django-filter)."""

import django_filters
from django import forms
from django.forms.renderers import Jinja2 as Jinja2FormRenderer
from django.utils.dates import MONTHS
from django.utils.text import slugify
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field

from .models import Article, Author, MediaItem, Section, Tag

ORDER_CHOICES = [("newest", "Newest first"), ("oldest", "Oldest first"), ("title", "Title A–Z")]
ORDER_FIELDS = {
    "newest": ["-sort_date", "-id"],
    "oldest": ["sort_date", "id"],
    "title": ["title", "id"],
}
MONTH_CHOICES = list(MONTHS.items())
# How many names the author and tag boxes offer as suggestions (the most used first).
SUGGESTED_NAMES = 300


def named(queryset, text):
    """The row a reader means by ``text``: its address slug, its name in any case, one of its
    aliases (tags), or the only name containing it; None when there is no such or several."""
    text = " ".join(text.split())
    slug = slugify(text)
    found = queryset.filter(slug__in={text, slug}).first() or queryset.filter(name__iexact=text).first()
    if found is None and queryset.model is Tag:
        found = Tag.objects.named_by_alias_slug(slug)
    if found is None:
        candidates = list(queryset.filter(name__icontains=text).order_by("-article_count")[:2])
        found = candidates[0] if len(candidates) == 1 else None
    return found


class NameField(forms.CharField):
    """A box taking a name as readers write it ("syria", "H Qudsi"), cleaned to the row it names."""

    def __init__(self, *, queryset, noun, **kwargs):
        self.queryset, self.noun = queryset, noun
        super().__init__(**kwargs)

    def clean(self, value):
        text = super().clean(value)
        if not text:
            return None
        found = named(self.queryset, text)
        if found is None:
            # The reader's text goes in as a parameter: django-filter formats the API's message
            # with them, and a "%" in the text itself must not be read as a placeholder.
            raise forms.ValidationError(
                "No %(noun)s called “%(text)s”: choose one of the names offered.",
                code="unknown_name",
                params={"noun": self.noun, "text": text},
            )
        return found


# The API's description: a name typed as text, whatever row it names.
@extend_schema_field(OpenApiTypes.STR)
class NameFilter(django_filters.Filter):
    field_class = NameField


class FilterForm(forms.Form):
    """A list's filter form: its widgets render with Jinja2, as the readers' pages do (Django's
    templates took longer over the section, month and order choices than the whole page)."""

    # One renderer for every form: a class here would make each form a renderer of its own,
    # which compiles the widgets' templates again.
    default_renderer = Jinja2FormRenderer()


class ArticleFilterForm(FilterForm):
    def clean(self):
        data = super().clean()
        if data.get("month") and not data.get("year") and "year" not in self.errors:
            self.add_error("year", "Choose the year of the month too.")
        return data


class ActiveFiltersMixin:
    @property
    def active(self):
        """The filters in use, as (name, value) pairs, for a "filters in use" line."""
        if not self.form.is_valid():
            return []
        return [(k, v) for k, v in self.form.cleaned_data.items() if v not in (None, "", False) and k != "order"]


class ArticleFilter(ActiveFiltersMixin, django_filters.FilterSet):
    section = django_filters.ModelChoiceFilter(
        method="filter_section",
        to_field_name="slug",
        queryset=Section.objects.all(),
        empty_label="All sections",
    )
    author = NameFilter(
        method="filter_author",
        label="Author",
        queryset=Author.objects.all(),
        noun="author",
        widget=forms.TextInput(attrs={"list": "author-names", "autocomplete": "off"}),
    )
    tag = NameFilter(
        method="filter_tag",
        label="Tag",
        queryset=Tag.objects.all(),
        noun="tag",
        widget=forms.TextInput(attrs={"list": "tag-names", "autocomplete": "off"}),
    )
    year = django_filters.NumberFilter(
        method="filter_year",
        label="Year",
        min_value=1900,
        max_value=2100,
        widget=forms.NumberInput(attrs={"inputmode": "numeric", "placeholder": "2005–2017"}),
    )
    month = django_filters.ChoiceFilter(
        method="filter_month", label="Month", choices=MONTH_CHOICES, empty_label="Any month"
    )
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
        form = ArticleFilterForm

    def filter_section(self, queryset, name, value):
        return queryset.in_section(value)

    def filter_author(self, queryset, name, value):
        return queryset.by_author(value)

    def filter_tag(self, queryset, name, value):
        return queryset.tagged(value)

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

    @staticmethod
    def suggestions():
        """The names the author and tag boxes offer, most used first."""
        return {
            "authors": Author.objects.filter(article_count__gt=0)
            .order_by("-article_count", "name")
            .values_list("name", flat=True)[:SUGGESTED_NAMES],
            "tags": Tag.objects.filter(article_count__gt=0)
            .order_by("-article_count", "name")
            .values_list("name", flat=True)[:SUGGESTED_NAMES],
        }


class PhotoFilter(ActiveFiltersMixin, django_filters.FilterSet):
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
        form = FilterForm

    def filter_numbered(self, queryset, name, value):
        """Ticked: only photos with a Media ID. An unticked box is absent from the form's data,
        which reads as False: it narrows nothing (it used to hide every numbered photo)."""
        return queryset.filter(media_id__isnull=False) if value else queryset
