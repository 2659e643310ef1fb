"""The search form: a query, facet filters and an order, turned into a page of results."""
from dataclasses import dataclass, field

from django import forms
from django.core.paginator import InvalidPage, Paginator
from django.http import Http404

from . import search
from .models import Article, Author, MediaItem, Section, Tag
from .paging import PageLink, page_number

PER_PAGE = 20
FACET_SIZE = 12
FACETS = [("section", "Section"), ("year", "Year"), ("author", "Author"), ("tag", "Tag"), ("agency", "Photo agency")]


class SearchForm(forms.Form):
    q = forms.CharField(label="Search the archive", required=False, strip=True)
    order = forms.ChoiceField(
        choices=[("relevance", "Relevance"), ("newest", "Newest"), ("oldest", "Oldest")], required=False,
    )
    section = forms.SlugField(required=False)
    author = forms.SlugField(required=False)
    tag = forms.SlugField(required=False)
    year = forms.IntegerField(required=False, min_value=1900, max_value=2100)
    agency = forms.CharField(required=False, max_length=40)

    def results(self, params):
        """The results page for this query, or None when nothing was asked."""
        if not self.is_bound:
            return None
        data = self.cleaned_data if self.is_valid() else {}
        raw_query = params.get("q", "")
        query = search.parse(data.get("q", raw_query if isinstance(raw_query, str) else ""))
        results = SearchResults(query=query, order=data.get("order") or "relevance")
        if not query:
            return results
        filters, results.selected = resolve_filters(data, self.errors)
        matches = search.find(query, filters, results.order)
        results.matches = matches
        number = page_number(params.get("page"))
        paginator = Paginator(matches.ids, PER_PAGE, allow_empty_first_page=True)
        try:
            page = paginator.page(number)
        except InvalidPage:
            raise Http404("There is no such page of results.") from None
        articles = Article.objects.for_listing().in_bulk(page.object_list)
        marks = search.highlighted(query, page.object_list)
        results.rows = [
            (articles[pk], *marks.get(pk, ("", ""))) for pk in page.object_list if pk in articles
        ]
        results.page = page
        results.links, results.nearby = page_links(page)
        results.facets = facet_choices(matches.facets, results.selected)
        if not matches.total and not filters.matches_nothing:
            results.suggestion = search.suggest(query)
        return results


@dataclass
class SearchResults:
    query: search.Query
    order: str
    matches: search.Matches | None = None
    rows: list = field(default_factory=list)
    page: object = None
    links: dict = field(default_factory=dict)
    nearby: list = field(default_factory=list)
    facets: list = field(default_factory=list)
    selected: list = field(default_factory=list)
    suggestion: str | None = None

    @property
    def number(self):
        return self.page.number if self.page else 1

    @property
    def num_pages(self):
        return self.page.paginator.num_pages if self.page else 1

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
    return search.Filters(**resolved, matches_nothing=nothing), selected


def facet_choices(counts, selected):
    """[(param, label, [(value, label, count)])] for the facets that have anything to offer."""
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
            named = models[param].objects.filter(id__in=top[param]).only("id", "name", "slug").in_bulk()
            choices = [(named[i].slug, named[i].name, counter[i]) for i in top[param] if i in named]
        if choices:
            facets.append((param, label, choices))
    return facets


def page_links(page):
    """First / previous / next / last and nearby page numbers, as the list pages have them."""
    number, last = page.number, page.paginator.num_pages
    links = {}
    if number > 1:
        links["first"] = PageLink(1, {"page": None}, "First")
        links["previous"] = PageLink(number - 1, {"page": number - 1 if number > 2 else None}, "Previous")
    if number < last:
        links["next"] = PageLink(number + 1, {"page": number + 1}, "Next")
        links["last"] = PageLink(last, {"page": last}, "Last")
    nearby = [
        PageLink(n, {"page": n if n > 1 else None}, current=n == number)
        for n in range(max(1, number - 2), min(last, number + 2) + 1)
    ]
    return links, nearby
