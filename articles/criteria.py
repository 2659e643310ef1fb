"""The one parser of what a list or a search asks for: which articles, photos or matches, in
what order. Lists, search, feeds, exports, the timeline and the API all read their parameters
through here, so that ``section``, ``author`` and ``tag`` mean the same everywhere (a slug, a
name in any case, a tag's other name, or part of a name that fits one row only) and a value
that names nothing is the same error everywhere: shown beside its field on a page, a 400 that
names the parameter from the API, an export, a feed or the timeline's files.

    ArticleFilter, PhotoFilter   the lists' filters (django-filter): /articles/, /media/, the API
    SearchForm                   a search's query, filters, date range and order
    search_criteria(params)      a search's Criteria, or CriteriaError to answer with a 400
    in_use(form)                 the filters in use, (parameter, value, label), for every page
    facet_values(facets)         a search's facet counts named, for the results page and the API
"""

from typing import NamedTuple

import django_filters
from django import forms
from django.forms.renderers import Jinja2 as Jinja2FormRenderer
from django.utils.dates import MONTHS
from django.utils.text import slugify
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field

from . import reads, search, widgets
from .models import Article, Author, MediaItem, Section, Tag

ORDER_CHOICES = [("newest", "Newest first"), ("oldest", "Oldest first"), ("title", "Title A–Z")]
ORDER_FIELDS = {
    "newest": ["-sort_date", "-id"],
    "oldest": ["oldest_key", "id"],  # undated last, as newest first has them
    "title": ["title", "id"],
}


def order_fields(order, params):
    """The keys a list of articles is paged on in ``order``: oldest first takes the key that puts
    the undated last, but a list confined to a year or a month (``params``) holds dated articles
    only, which the date index pages in either order, within the period's range."""
    if order == "oldest" and (params.get("year") or params.get("month")):
        return ["sort_date", "id"]
    return ORDER_FIELDS.get(order, ORDER_FIELDS["newest"])


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


def named_or_error(queryset, text, noun):
    """The row ``text`` names (see ``named``); a ValidationError naming it when there is none."""
    if "\x00" in text:
        # No name holds one, and PostgreSQL refuses to compare text holding it.
        raise forms.ValidationError("Null characters are not allowed.", code="null_characters_not_allowed")
    found = named(queryset, text)
    if found is None:
        # The reader's text goes in as a parameter: django-filter formats the API's message
        # with them, and a "%" in the text itself must not be read as a placeholder.
        raise forms.ValidationError(
            "No %(noun)s called “%(text)s”: choose one of the names offered.",
            code="unknown_name",
            params={"noun": noun, "text": text},
        )
    return found


class NameField(forms.CharField):
    """A box taking a name as readers write it ("syria", "H Qudsi"), cleaned to the row it names."""

    def __init__(self, *, queryset, noun, **kwargs):
        self.queryset, self.noun = queryset, noun
        super().__init__(**kwargs)

    def clean(self, value):
        text = super().clean(value)
        return named_or_error(self.queryset, text, self.noun) if text else None


class NamedChoiceField(forms.ModelChoiceField):
    """A list of names to choose from (the sections) that takes, typed in an address, whatever
    a NameField takes: a slug, a name, a part that fits one."""

    def __init__(self, *args, noun, **kwargs):
        self.noun = noun
        super().__init__(*args, **kwargs)

    def to_python(self, value):
        if value in self.empty_values:
            return None
        text = value if isinstance(value, str) else str(value)
        return named_or_error(self.queryset, " ".join(text.split()), self.noun) if text.strip() else None


# The API's description: a name typed as text, whatever row it names.
@extend_schema_field(OpenApiTypes.STR)
class NameFilter(django_filters.Filter):
    field_class = NameField


# The API's description: a name typed as text, whatever row it names.
@extend_schema_field(OpenApiTypes.STR)
class NamedChoiceFilter(django_filters.ModelChoiceFilter):
    field_class = NamedChoiceField


# What a ticked box sends (a browser "on"; a script "true" or "1"), and what an unticked one may.
TICKED, UNTICKED = frozenset({"on", "true", "1"}), frozenset({"", "false", "0", "off"})


class TickBox(forms.CheckboxInput):
    """A checkbox that hands any other value on to its field, which refuses it: Django's reads
    every value but "false" as ticked."""

    def __init__(self, attrs=None):
        super().__init__(attrs, check_test=lambda value: value is True or str(value).strip().lower() in TICKED)

    def value_from_datadict(self, data, files, name):
        return data.get(name, "")


class TickField(forms.Field):
    widget = TickBox

    def to_python(self, value):
        if isinstance(value, bool):
            return value
        text = str(value).strip().lower()
        if text in TICKED | UNTICKED:
            return text in TICKED
        raise forms.ValidationError("Give true or false.", code="invalid")


@extend_schema_field(OpenApiTypes.BOOL)
class TickFilter(django_filters.Filter):
    field_class = TickField


@extend_schema_field({"type": "integer", "minimum": 1900, "maximum": 2100})
class YearFilter(django_filters.NumberFilter):
    """A year, a whole number: 2016.5 is refused, not read as 2016."""

    field_class = forms.IntegerField


def in_use(form):
    """The filters a valid form holds, as (parameter, value in the address, label): the lists'
    "filters in use" and the search's chosen filters, which its page offers to remove."""
    if not form.is_valid():
        return []
    found = []
    for name, value in form.cleaned_data.items():
        if value in (None, "", False) or name in ("q", "order"):
            continue
        if hasattr(value, "slug"):
            found.append((name, value.slug, value.name))
        elif hasattr(value, "isoformat"):
            found.append((name, value.isoformat(), f"{value.day} {value:%B %Y}"))
        elif name == "month":
            found.append((name, str(value), MONTHS[int(value)]))
        else:
            found.append((name, str(value), str(value)))
    return found


class FilterForm(forms.Form):
    """A list's filter form: its widgets render with Jinja2, as the readers' pages do (Django's
    templates took longer over the section, month and order choices than the whole page)."""

    # One renderer for every form: a class here would make each form a renderer of its own,
    # which compiles the widgets' templates again.
    default_renderer = Jinja2FormRenderer()


class ActiveFiltersMixin:
    @property
    def active(self):
        """The filters in use (see ``in_use``), for a "filters in use" line."""
        return in_use(self.form)


class ArticleFilter(ActiveFiltersMixin, django_filters.FilterSet):
    section = NamedChoiceFilter(
        method="filter_section",
        to_field_name="slug",
        queryset=Section.objects.all(),
        noun="section",
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
    year = YearFilter(
        method="filter_year",
        label="Year",
        min_value=1900,
        max_value=2100,
        widget=widgets.NumberInput(attrs={"inputmode": "numeric", "placeholder": "2005–2017"}),
    )
    month = django_filters.ChoiceFilter(
        method="filter_month", label="Month", choices=MONTH_CHOICES, empty_label="Any month"
    )
    has_photo = TickFilter(method="filter_has_photo", label="With photos")
    order = django_filters.ChoiceFilter(
        method="keep",
        choices=ORDER_CHOICES,
        empty_label=None,
        label="Order",
    )

    class Meta:
        model = Article
        fields = []
        form = FilterForm

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
        """With a year, read with it (see filter_year); alone, that month of every year."""
        if self.form.cleaned_data.get("year"):
            return queryset
        return queryset.in_month_of_every_year(int(value))

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
    def order_fields(self):
        """The keys its list is paged on (``order_fields``)."""
        return order_fields(self.ordering, self.form.cleaned_data if self.form.is_valid() else {})

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
    numbered = TickFilter(method="filter_numbered", label="With a Media ID")

    class Meta:
        model = MediaItem
        fields = []
        form = FilterForm

    def filter_numbered(self, queryset, name, value):
        """Ticked: only photos with a Media ID. An unticked box is absent from the form's data,
        which reads as False: it narrows nothing (it used to hide every numbered photo)."""
        return queryset.filter(media_id__isnull=False) if value else queryset


# --- Search ----------------------------------------------------------------------------------------

SEARCH_ORDERS = [("relevance", "Relevance"), ("newest", "Newest"), ("oldest", "Oldest")]
# Facets offered, and how many values each of section, author and tag offers.
FACETS = [("section", "Section"), ("year", "Year"), ("author", "Author"), ("tag", "Tag"), ("agency", "Photo agency")]
FACET_SIZE = 12
# What a facet's values read of each section, author and tag.
FACET_FIELDS = {
    "section": ("name", "slug", "name_is_guess"),
    "author": ("name", "slug", "name_is_guess"),
    "tag": ("name", "slug"),
}
FACET_MODELS = {"section": Section, "author": Author, "tag": Tag}
AGENCY_CHOICES = [choice for choice in MediaItem.Agency.choices if choice[0]]


class SearchForm(forms.Form):
    q = forms.CharField(label="Search the archive", required=False, strip=True)
    order = forms.ChoiceField(choices=SEARCH_ORDERS, required=False)
    section = NameField(queryset=Section.objects.all(), noun="section", required=False)
    author = NameField(queryset=Author.objects.all(), noun="author", required=False)
    tag = NameField(queryset=Tag.objects.all(), noun="tag", required=False)
    year = forms.IntegerField(required=False, min_value=1900, max_value=2100)
    agency = forms.ChoiceField(choices=AGENCY_CHOICES, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # "from" is a Python keyword: the fields are added by name.
        for name, label in (("from", "From"), ("to", "To")):
            self.fields[name] = forms.DateField(
                label=label,
                required=False,
                input_formats=["%Y-%m-%d"],
                widget=widgets.DateInput(format="%Y-%m-%d"),
                error_messages={"invalid": "Enter a day as YYYY-MM-DD (2013-05-23)."},
            )

    def clean(self):
        data = super().clean()
        if data.get("from") and data.get("to") and data["from"] > data["to"]:
            self.add_error("to", "The last day comes before the first.")
        return data

    def criteria(self):
        """What a bound form asks for (see ``Criteria``). A form in error asks for nothing: its
        query is empty and its filters match nothing, and its page says why."""
        if not self.is_valid():
            return Criteria(search.parse(""), search.Filters(matches_nothing=True), [], "relevance")
        data = self.cleaned_data
        query = search.parse(data.get("q", ""))
        return Criteria(
            query, search_filters(data) if query else search.Filters(), in_use(self), data["order"] or "relevance"
        )


class Criteria(NamedTuple):
    """A search as asked: its parsed query, its filters as ids, the filters chosen as
    (parameter, value, label), and its order."""

    query: search.Query
    filters: search.Filters
    selected: list
    order: str


class CriteriaError(ValueError):
    """Parameters that ask for nothing the archive can answer. ``errors``: parameter -> its
    messages, as a form gives them; the text names each parameter (``errors_text``)."""

    def __init__(self, errors):
        self.errors = {name: list(messages) for name, messages in errors.items()}
        super().__init__(errors_text(self.errors))


def search_filters(data):
    """A valid form's filters as the engine takes them: rows as ids, the year, the agency, the days."""
    found = {name: data[name].pk for name in FACET_MODELS if data.get(name)}
    found.update({name: data[name] for name in ("year", "agency") if data.get(name)})
    found.update({field: data[name] for name, field in (("from", "date_from"), ("to", "date_to")) if data.get(name)})
    return search.Filters(**found)


def search_criteria(params, *, query_needed=True):
    """The Criteria of a search's parameters (a QueryDict), for an answer that is a file or
    JSON; CriteriaError, its message naming each parameter in error, when they ask for nothing
    it can answer (filters in error, or no words to search when ``query_needed``)."""
    form = SearchForm(params)
    if not form.is_valid():
        raise CriteriaError(form.errors)
    criteria = form.criteria()
    if query_needed and not criteria.query:
        raise CriteriaError({"q": ["Type one or more words that are not very common ones."]})
    return criteria


def errors_text(errors):
    """A form's errors in plain text, a line each: "section: No section called “x”: …"."""
    return "\n".join(f"{name}: {' '.join(messages)}" for name, messages in errors.items())


def facet_name(obj):
    """A facet's label: a name guessed from an address says so, as by-lines do."""
    return f"{obj.name} (name from the address)" if getattr(obj, "name_is_guess", False) else obj.name


def facet_values(counts, skip=()):
    """{facet: [(value as its filter takes it, label, count)]} of a search's facet counts, the
    facets in ``skip`` (those chosen already) and those with nothing to offer left out: years
    and agencies all, sections, authors and tags the FACET_SIZE most frequent."""
    found = {}
    for param, _ in FACETS:
        counter = counts[param]
        if param in skip or not counter:
            continue
        if param == "year":
            values = [(str(y), str(y), n) for y, n in sorted(counter.items(), reverse=True)]
        elif param == "agency":
            values = [(a, a, n) for a, n in counter.most_common()]
        else:
            top = [i for i, _ in counter.most_common(FACET_SIZE)]
            named_rows = reads.by_id(FACET_MODELS[param], top, FACET_FIELDS[param])
            values = [(named_rows[i].slug, facet_name(named_rows[i]), counter[i]) for i in top if i in named_rows]
        if values:
            found[param] = values
    return found
