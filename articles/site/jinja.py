"""The Jinja2 environment of the readers' pages (templates/jinja2/), and the filters and
functions those pages use, each defined once: Django's own, and the archive's below.

Readers' pages are rendered by Jinja2, not Django's template language: it compiles a template
to Python once, and renders a page about twice as fast (docs/performance.md). The lists'
filter forms render with it too (``criteria.FilterForm``); the admin, the sitemaps and the
API's pages keep Django's templates.
"""

import functools
import re

from django.contrib.humanize.templatetags.humanize import intcomma
from django.template import defaultfilters
from django.templatetags.static import static
from django.utils import dateformat
from django.utils.dates import MONTHS
from django.utils.html import format_html
from django.utils.timezone import template_localtime
from jinja2 import ChainableUndefined, Environment

from .. import citing
from ..addresses import address, querystring
from ..models import Article


def date(value, arg=None):
    """Django's ``date`` filter, in the current time zone as Django's templates give it."""
    return defaultfilters.date(template_localtime(value), arg)


# Reuters' filing codes after a credit: "REUTERS/Osman Orsal (TURKEY – Tags: POLITICS CRIME)".
REUTERS_TAGS_RE = re.compile(r"\s*\([^()]*\bTags:[^()]*\)?\s*$")


# A sentence ends at . ! or ? (and a closing quote) followed by a space and a capital or an
# opening quote; one shorter than MIN_SENTENCE is an abbreviation's stop ("U.S. President").
SENTENCE_END_RE = re.compile(r"[.!?][”\"’']?(?=\s+[A-Z“\"‘'])")
MIN_SENTENCE = 40
EXCERPT_LENGTH = 220


def machine_time(moment):
    """A moment as HTML's ``datetime`` attribute takes it, to the second: HTML allows at most
    three decimals of a second, and Python's ISO format gives six."""
    return template_localtime(moment).isoformat(timespec="seconds")


def first_sentence(text):
    """The first sentence of an article's text, cut at a word near EXCERPT_LENGTH if longer."""
    paragraph = (text or "").strip().split("\n\n", 1)[0].strip()
    ends = (m.end() for m in SENTENCE_END_RE.finditer(paragraph) if m.end() >= MIN_SENTENCE)
    sentence = paragraph[: next(ends, len(paragraph))]
    if len(sentence) <= EXCERPT_LENGTH:
        return sentence
    return sentence[:EXCERPT_LENGTH].rsplit(" ", 1)[0].rstrip(",;:–—-") + "…"


def quoted(text):
    """A searcher's words in curly quotes, once: a query that is one "phrase" keeps no others."""
    text = (text or "").strip()
    if len(text) > 1 and text[0] == text[-1] == '"' and '"' not in text[1:-1]:
        text = text[1:-1]
    return f"“{text}”"


def credit_text(credit):
    """A photo credit as readers see it: without the agency's filing codes (editors keep them)."""
    return REUTERS_TAGS_RE.sub("", credit or "").strip()


def month_name(number):
    try:
        return MONTHS.get(int(number), "")
    except (ValueError, TypeError):
        return ""


def entity_name(entity):
    """An author's or a section's name; a name guessed from the original address says so. A filter,
    not an include: lists show two on every row."""
    return _entity_name_html(entity.name, entity.name_is_guess)


@functools.lru_cache(maxsize=4096)
def _entity_name_html(name, guessed):
    if guessed:
        guess = '<span class="name-guess">(name read from the page’s address)</span>'
        return format_html('<span dir="auto">{}</span> ' + guess, name)
    return format_html('<span dir="auto">{}</span>', name)


def article_date(article, link=True):
    """The date of an article, with where it came from when it is not certain."""
    date = article.published_on
    month_url = address("articles:archive-month", date.year, date.month) if link and date else None
    return _date_html(date, article.date_source, month_url)


@functools.lru_cache(maxsize=4096)
def _date_html(date, source, month_url):
    """Built here, not in a template, and once per date: every row of every list shows one, and
    a list's rows share their dates."""
    if not date:
        return format_html('<span class="date-note">Date unknown</span>')
    if source == Article.DateSource.MEDIA_ID:
        month = f"{date.year:04d}-{date.month:02d}"
        html = format_html('<time datetime="{}">about {}</time>', month, dateformat.format(date, "F Y"))
    else:
        html = format_html('<time datetime="{}">{}</time>', date.isoformat(), dateformat.format(date, "j F Y"))
    if month_url:
        html = format_html('<a href="{}">{}</a>', month_url, html)
    if source not in Article.CERTAIN_DATE_SOURCES:
        html = format_html('{} <span class="date-note">({})</span>', html, Article.DateSource(source).label)
    return html


def count_label(count, capped, noun="article"):
    """ "1 article", "1,234 articles", "more than 10,000 articles"."""
    plural = noun if count == 1 else f"{noun}s"
    if capped:
        return format_html("more than {} {}", f"{count:,}", plural)
    return format_html("{} {}", f"{count:,}", plural)


def highwire(citation):
    """The ``citation_*`` meta tags of a citation, as (name, content)."""
    return citing.highwire(citation)


def styles(citation):
    """(key, label, HTML) of the citation in each style."""
    return [(key, label, citing.as_html(style(citation))) for key, (label, style) in citing.STYLES.items()]


FILTERS = {
    "capfirst": defaultfilters.capfirst,
    "date": date,
    "intcomma": intcomma,
    "pluralize": defaultfilters.pluralize,
    "truncatechars": defaultfilters.truncatechars,
    "truncatewords": defaultfilters.truncatewords,
    "urlencode": defaultfilters.urlencode,
    "credit_text": credit_text,
    "entity_name": entity_name,
    "first_sentence": first_sentence,
    "highwire": highwire,
    "machine_time": machine_time,
    "month_name": month_name,
    "quoted": quoted,
    "styles": styles,
}

GLOBALS = {
    "article_date": article_date,
    "count_label": count_label,
    "querystring": querystring,
    "static": static,
    "url": address,
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
