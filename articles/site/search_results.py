"""A search's results page: a page of its matches with their snippets, the photos found, the
facets to narrow it by and — when nothing is found — other ways on."""

from dataclasses import dataclass, field

from .. import reads, search
from ..addresses import changed
from ..criteria import FACETS, facet_values
from ..paging import PER_PAGE, page_number, paginate_rows, paginate_sequence
from ..search import highlight, suggest

NAME_VARIANTS_SHOWN = 6


@dataclass
class SearchResults:
    query: search.Query
    order: str
    filters: search.Filters = field(default_factory=search.Filters)
    errors: dict = field(default_factory=dict)
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
    def read_as_names(self):
        """(name, its variants shown, more left out) for each run of words typed that was also
        searched as a tag's name: the page says how it read the query."""
        return [
            (
                clause.atoms[0].text,
                [atom.text for atom in clause.variants[:NAME_VARIANTS_SHOWN]],
                len(clause.variants) > NAME_VARIANTS_SHOWN,
            )
            for clause in self.query.names
        ]

    @property
    def words_alone(self):
        """The query with those words searched as typed, neither as a name nor with variants."""
        return suggest.words_alone(self.query)

    @property
    def filter_errors(self):
        """(parameter, message) of the filters in error; the days' stand beside their boxes."""
        return [(name, text) for name, texts in self.errors.items() if name not in ("from", "to") for text in texts]

    @property
    def only_stop_words(self):
        return not self.query and bool(self.query.dropped_stop_words)


def results(form, params):
    """The results page for a bound SearchForm, or None when nothing was asked."""
    if not form.is_bound:
        return None
    query, filters, selected, order = form.criteria()
    found = SearchResults(query=query, order=order, filters=filters, errors=form.errors)
    if not query:
        return found
    found.selected = [(name, value, label, changed(params, name, None)) for name, value, label in selected]
    start = (page_number(params.get("page")) - 1) * PER_PAGE
    matches = search.find(query, filters, order, shown=slice(start, start + PER_PAGE))
    found.matches = matches
    found.page, ids = _page(params, matches)
    articles = reads.listed(ids, "body")
    marks = highlight.highlighted(query, articles.values())
    found.rows = [(articles[pk], *marks.get(pk, ("", ""))) for pk in ids if pk in articles]
    found.facets = facet_choices(matches.facets, selected, params)
    if found.page.number == 1:
        photos = search.photos(query, filters)
        found.photos, found.photo_total = highlight.photo_rows(query, photos), photos.total
    if not matches.total:
        found.suggestion = suggest.suggest(query)
        found.fewer_words = suggest.fewer_words(query)
    return found


def _page(params, matches):
    """The page of the matches asked for, and the ids of its articles."""
    if matches.dated is not None:
        page = paginate_rows(params, matches.dated, count=matches.total)
        return page, [pk for pk, _ in page.object_list]
    page = paginate_sequence(params, matches.ids)
    return page, page.object_list


def facet_choices(counts, selected, params):
    """[(param, label, [(value, label, count, query)])] for the facets that have anything to offer."""
    values = facet_values(counts, skip={name for name, _, _ in selected})
    return [
        (param, label, [(*choice, changed(params, param, choice[0])) for choice in values[param]])
        for param, label in FACETS
        if param in values
    ]
