"""The Jinja2 environment of the readers' pages (templates/jinja2/).

Readers' pages are rendered by Jinja2, not Django's template language: it compiles a template
to Python once, and renders a page about twice as fast (issue 14's note). The lists' filter
forms render with it too (``filters.FilterForm``); the admin, the sitemaps and the API's pages
keep Django's templates. The filters and functions here are the ones the pages use, each
defined once: Django's own, and the archive's from ``templatetags/archive.py``.
"""

from urllib.parse import urlencode

from django.contrib.humanize.templatetags.humanize import intcomma
from django.template import defaultfilters
from django.templatetags.static import static
from django.urls import reverse
from django.utils.timezone import template_localtime
from jinja2 import ChainableUndefined, Environment

from .templatetags import archive


def url(name, *args):
    """``{% url name arg … %}``."""
    return reverse(name, args=args)


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


def date(value, arg=None):
    """Django's ``date`` filter, in the current time zone as Django's templates give it."""
    return defaultfilters.date(template_localtime(value), arg)


FILTERS = {
    "capfirst": defaultfilters.capfirst,
    "date": date,
    "intcomma": intcomma,
    "pluralize": defaultfilters.pluralize,
    "truncatechars": defaultfilters.truncatechars,
    "truncatewords": defaultfilters.truncatewords,
    "urlencode": defaultfilters.urlencode,
    "credit_text": archive.credit_text,
    "entity_name": archive.entity_name,
    "first_sentence": archive.first_sentence,
    "highwire": archive.highwire,
    "month_name": archive.month_name,
    "quoted": archive.quoted,
    "styles": archive.styles,
}

GLOBALS = {
    "article_date": archive.article_date,
    "count_label": archive.count_label,
    "querystring": querystring,
    "static": static,
    "url": url,
}


def environment(**options):
    # As in Django's templates: a template's last newline is kept, and a missing value shows
    # as nothing, its attributes too, in development as well (Django's Jinja2 backend would
    # print its name there, and Jinja2 would refuse an attribute of it).
    options["undefined"] = ChainableUndefined
    env = Environment(keep_trailing_newline=True, **options)
    env.filters.update(FILTERS)
    env.globals.update(GLOBALS)
    return env
