"""The one builder of the archive's addresses: a route by name with its arguments and its query
string, a query string changed, and the addresses every page links to.

A list page names sixty addresses and an article page thirty, and Django's ``reverse()`` spends
most of its time on per-thread look-ups of the language and the URL configuration, a share of
an uncached page's time worth saving (docs/performance.md). Here each route is reversed once per process and script
prefix, with marks where its arguments go; then an address is the route's text with the
arguments quoted as ``reverse()`` quotes them. An argument the route's converters might refuse
(empty, or holding a slash or NUL), or a route whose converters refuse the marks, goes to
``reverse()`` itself, which says so.
"""

import functools
from urllib.parse import quote, urlencode

from django.urls import NoReverseMatch, get_script_prefix, reverse
from django.utils.datastructures import MultiValueDict
from django.utils.http import RFC3986_SUBDELIMS

# What reverse() leaves unquoted in a path (RFC 3986's pchar); a slash never reaches here.
SAFE = RFC3986_SUBDELIMS + "~:@"
# Marks that the id, slug and number converters accept and quoting leaves as they are.
MARK = 7_000_000_000_000_000_000
# A request's parameters that say where in a list it is, not what it lists.
PLACE_PARAMS = ("page", "cursor")
# Where the JSON API lives: what is answered there is JSON, errors included.
API_PREFIX = "/api/"


def is_api(request):
    return request.path.startswith(API_PREFIX)


@functools.cache
def _route(name, arity, prefix):
    """The route's address as a format string, one field per argument; None when its
    converters refuse the marks (a format's name, say)."""
    marks = [str(MARK + position) for position in range(arity)]
    try:
        route = reverse(name, args=marks).replace("{", "{{").replace("}", "}}")
    except NoReverseMatch:
        return None
    for mark in marks:
        route = route.replace(mark, "{}", 1)
    return route


def address(name, *args, params=None):
    """``reverse(name, args=args)``, with ``?params`` (pairs or a dict, lists for repeats) when
    there are any, without reverse's cost on the archive's most listed pages."""
    texts = [str(arg) for arg in args]
    route = None
    if not any(not text or "/" in text or "\x00" in text for text in texts):
        route = _route(name, len(args), get_script_prefix())
    url = reverse(name, args=args) if route is None else route.format(*(quote(text, safe=SAFE) for text in texts))
    return f"{url}?{urlencode(params, doseq=True)}" if params else url


def list_params(query):
    """A request's parameters (its QueryDict) without its place in the list: what an export, a
    feed or the API of the same list takes."""
    return [(key, value) for key, values in query.lists() if key not in PLACE_PARAMS for value in values]


def querystring(request, query_dict=None, **changes):
    """The request's query string with ``changes`` (a value of None removes the parameter), as
    Django's ``{% querystring %}`` makes it, without copying the QueryDict: a list page asks
    for a dozen of them."""
    query = query_dict if query_dict is not None else request.GET
    params = dict(query.lists())
    for key, value in changes.items():
        if value is None:
            params.pop(key, None)
        elif isinstance(value, (list, tuple)):
            params[key] = list(value)
        else:
            params[key] = [value]
    if not params and not query:
        return ""
    return "?" + urlencode([(key, value) for key, values in params.items() for value in values])


def changed(params, name, value):
    """The parameters with one set (removed when None), back on the first page: for the
    ``querystring`` of a facet's or a filter's link (a dozen a page, so not a copy of the
    QueryDict)."""
    query = MultiValueDict({key: values for key, values in params.lists() if key not in (name, *PLACE_PARAMS)})
    if value is not None:
        query[name] = value
    return query


# The pages every page's header, menu and footer link to.
SITE_PAGES = {
    "home": "articles:home",
    "articles": "articles:article-list",
    "archive": "articles:archive",
    "photos": "articles:photo-list",
    "search": "articles:search",
    "feed": "articles:feed",
    "timeline": "articles:timeline",
    "api": "api:docs",
}


@functools.cache
def _site_pages(prefix):
    return {key: reverse(name) for key, name in SITE_PAGES.items()}


def site_pages(request):
    """Context processor: ``site_pages``, the addresses every page links to, reversed once."""
    return {"site_pages": _site_pages(get_script_prefix())}
