"""The addresses of articles, tags, sections and authors, built from their route.

A list page names sixty of them and an article page thirty. Django's ``reverse()`` costs about
20 µs each (mostly its per-thread look-ups of the language and the URL configuration), a
tenth of an uncached page's time. Here each route is reversed once per process and script
prefix, with marks where its arguments go; then an address is the route's text with the
arguments quoted as ``reverse()`` quotes them. An argument the route's converters might refuse
(empty, or holding a slash or NUL) goes to ``reverse()`` itself, which says so.
"""

import functools
from urllib.parse import quote

from django.urls import get_script_prefix, reverse
from django.utils.http import RFC3986_SUBDELIMS

# What reverse() leaves unquoted in a path (RFC 3986's pchar); a slash never reaches here.
SAFE = RFC3986_SUBDELIMS + "~:@"
# Marks that every converter of these routes accepts and quoting leaves as they are.
MARK = 7_000_000_000_000_000_000


@functools.cache
def _route(name, arity, prefix):
    """The route's address as a format string, one field per argument."""
    marks = [str(MARK + position) for position in range(arity)]
    route = reverse(name, args=marks).replace("{", "{{").replace("}", "}}")
    for mark in marks:
        route = route.replace(mark, "{}", 1)
    return route


def address(name, *args):
    """``reverse(name, args=args)``, without its cost on the archive's most listed pages."""
    texts = [str(arg) for arg in args]
    if any(not text or "/" in text or "\x00" in text for text in texts):
        return reverse(name, args=args)
    return _route(name, len(args), get_script_prefix()).format(*(quote(text, safe=SAFE) for text in texts))


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
