"""The search form: a query, facet filters, a date range and an order, turned into a page of
results, the photos found, and — when nothing is found — other ways on."""

from dataclasses import dataclass, field
from typing import NamedTuple

from django import forms
from django.utils.datastructures import MultiValueDict

from . import reads, search
from .models import Author, MediaItem, Section, Tag
from .paging import PER_PAGE, page_number, paginate_rows, paginate_sequence
from .search import highlight, suggest

FACET_SIZE = 12
# What a facet's choices read of each section, author and tag (facet_name, the links).
FACET_FIELDS = {
    "section": ("name", "slug", "name_is_guess"),
    "author": ("name", "slug", "name_is_guess"),
    "tag": ("name", "slug"),
}
FACETS = [("section", "Section"), ("year", "Year"), ("author", "Author"), ("tag", "Tag"), ("agency", "Photo agency")]


class SearchForm(forms.Form):
    q = forms.CharField(label="Search the archive", required=False, strip=True)
    order = forms.ChoiceField(
        choices=[("relevance", "Relevance"), ("newest", "Newest"), ("oldest", "Oldest")],
        required=False,
    )
    section = forms.SlugField(required=False)
    author = forms.SlugField(required=False)
    tag = forms.SlugField(required=False)
    year = forms.IntegerField(required=False, min_value=1900, max_value=2100)
    agency = forms.CharField(required=False, max_length=40)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # "from" is a Python keyword: the fields are added by name.
        for name, label in (("from", "From"), ("to", "To")):
            self.fields[name] = forms.DateField(
                label=label,
                required=False,
                input_formats=["%Y-%m-%d"],
                widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            )

    def clean(self):
        data = super().clean()
        if data.get("from") and data.get("to") and data["from"] > data["to"]:
            raise forms.ValidationError("The first day comes after the last.")
        return data

    def criteria(self, params):
        """What a bound form asks for: the parsed query, its filters (a filter in error matches
        nothing), the filters as chosen, and the order. The results page, its exports, its
        timeline and the API's search all search with these."""
        data = self.cleaned_data if self.is_valid() else {}
        raw_query = params.get("q", "")
        query = search.parse(data.get("q", raw_query if isinstance(raw_query, str) else ""))
        filters, selected = resolve_filters(data, self.errors) if query else (search.Filters(), [])
        return Criteria(query, filters, selected, data.get("order") or "relevance")

    def results(self, params):
        """The results page for this query, or None when nothing was asked."""
        if not self.is_bound:
            return None
        query, filters, selected, order = self.criteria(params)
        results = SearchResults(query=query, order=order, filters=filters)
        if not query:
            return results
        results.selected = [(name, value, label, changed(params, name, None)) for name, value, label in selected]
        start = (page_number(params.get("page")) - 1) * PER_PAGE
        matches = search.find(query, filters, results.order, shown=slice(start, start + PER_PAGE))
        results.matches = matches
        if matches.dated is not None:
            page = paginate_rows(params, matches.dated, count=matches.total)
            ids = [pk for pk, _ in page.object_list]
        else:
            page = paginate_sequence(params, matches.ids)
            ids = page.object_list
        articles = reads.listed(ids, "body")
        marks = highlight.highlighted(query, articles.values())
        results.rows = [(articles[pk], *marks.get(pk, ("", ""))) for pk in ids if pk in articles]
        results.page = page
        results.facets = facet_choices(matches.facets, selected, params)
        if page.number == 1:
            photos = search.photos(query, filters)
            results.photos, results.photo_total = highlight.photo_rows(query, photos), photos.total
        if not matches.total and not filters.matches_nothing:
            results.suggestion = suggest.suggest(query)
            results.fewer_words = suggest.fewer_words(query)
        return results


class Criteria(NamedTuple):
    query: search.Query
    filters: search.Filters
    selected: list
    order: str


@dataclass
class SearchResults:
    query: search.Query
    order: str
    filters: search.Filters = field(default_factory=search.Filters)
    matches: search.Matches | None = None
    rows: list = field(default_factory=list)
    page: object = None
    facets: list = field(default_factory=list)
    selected: list = field(default_factory=list)
    suggestion: str | None = None
    fewer_words: list = field(default_factory=list)
    photos: list = field(default_factory=list)
    photo_total: int = 0

    @property
    def only_stop_words(self):
        return not self.query and bool(self.query.dropped_stop_words)


def resolve_filters(data, errors):
    """Facet values from the request as ids; returns (Filters, [(param, value, label)] selected)."""
    resolved, selected, nothing = {}, [], bool(errors)
    lookups = {"section": Section, "author": Author, "tag": Tag}
    for name, model in lookups.items():
        slug = data.get(name)
        if slug:
            obj = model.objects.filter(slug=slug).only("id", "name").first()
            if obj is None:
                nothing = True
                selected.append((name, slug, slug))
            else:
                resolved[name] = obj.pk
                selected.append((name, slug, obj.name))
    if data.get("year"):
        resolved["year"] = data["year"]
        selected.append(("year", str(data["year"]), str(data["year"])))
    if data.get("agency"):
        agency = data["agency"]
        if agency not in MediaItem.Agency.values:
            nothing = True
        resolved["agency"] = agency
        selected.append(("agency", agency, agency))
    for name, field_name in (("from", "date_from"), ("to", "date_to")):
        if data.get(name):
            resolved[field_name] = data[name]
            selected.append((name, data[name].isoformat(), f"{data[name].day} {data[name]:%B %Y}"))
    return search.Filters(**resolved, matches_nothing=nothing), selected


def changed(params, name, value):
    """The request's parameters with one set (removed when None), back on the first page: for
    the ``querystring`` of the facets' links (a dozen a page, so not a copy of the QueryDict)."""
    query = MultiValueDict({key: values for key, values in params.lists() if key not in (name, "page", "cursor")})
    if value is not None:
        query[name] = value
    return query


def facet_name(obj):
    """A facet's label: a name guessed from an address says so, as by-lines do."""
    return f"{obj.name} (name from the address)" if getattr(obj, "name_is_guess", False) else obj.name


def facet_choices(counts, selected, params):
    """[(param, label, [(value, label, count, query)])] for the facets that have anything to offer."""
    chosen = {name for name, _, _ in selected}
    top = {
        "section": [i for i, _ in counts["section"].most_common(FACET_SIZE)],
        "author": [i for i, _ in counts["author"].most_common(FACET_SIZE)],
        "tag": [i for i, _ in counts["tag"].most_common(FACET_SIZE)],
    }
    models = {"section": Section, "author": Author, "tag": Tag}
    facets = []
    for param, label in FACETS:
        counter = counts[param]
        if param in chosen or not counter:
            continue
        if param == "year":
            choices = [(str(y), str(y), n) for y, n in sorted(counter.items(), reverse=True)]
        elif param == "agency":
            choices = [(a, a, n) for a, n in counter.most_common()]
        else:
            named = reads.by_id(models[param], top[param], FACET_FIELDS[param])
            choices = [(named[i].slug, facet_name(named[i]), counter[i]) for i in top[param] if i in named]
        if choices:
            facets.append((param, label, [(*choice, changed(params, param, choice[0])) for choice in choices]))
    return facets
