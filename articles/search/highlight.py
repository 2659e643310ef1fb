"""Showing what was found: titles and snippets with the query's words in <mark>, the snippet
taken from where the words were found (a photo caption, when that is where they are), and the
photos found with their captions marked. Everything else is escaped.
"""

from __future__ import annotations

from django.utils.html import escape
from django.utils.safestring import mark_safe

from .. import reads
from . import backend
from .base import PhotoMatches
from .query import Query
from .text import marked_html, snippet_html

OPENING_WORDS = 40  # the snippet of an article found by its title or tags alone


def _terms_of():
    return backend().terms


def wanted_terms(query: Query, terms_of):
    """(terms marked wherever found, phrases marked only whole): a name variant of several
    words is marked as a whole, never its single common words ("of", "arab")."""
    words, phrases = set(), set()
    for atom in query.sought:
        terms = tuple(t for word in atom.words for t in terms_of(word))
        if len(terms) > 1:
            phrases.add(terms)
        else:
            words.update(terms)
    return words, tuple(phrases)


def highlighted(query: Query, articles):
    """id -> (title HTML, snippet HTML) for the articles of one page (read with their title,
    body and photo count).

    The snippet is the passage of the body with the most of the query's words, or a photo
    caption when one holds more of them (or the body none); matches are in <mark>, everything
    else escaped.
    """
    terms_of = _terms_of()
    wanted, phrases = wanted_terms(query, terms_of)
    captions_of = reads.photo_captions([article.pk for article in articles if article.photo_count])
    marks = {}
    for article in articles:
        best = snippet_html(article.body, wanted, terms_of, phrases)
        for caption in captions_of.get(article.pk, []):
            found = snippet_html(caption, wanted, terms_of, phrases)
            if found and (best is None or found[1] > best[1]):
                best = (f'<span class="snippet-caption">Photo: {found[0]}</span>', found[1])
        snippet = best[0] if best else opening_html(article.body)
        title = marked_html(article.title, wanted, terms_of, phrases)
        marks[article.pk] = (mark_safe(title), mark_safe(snippet))
    return marks


def opening_html(text, words=OPENING_WORDS):
    """The first words of a text, escaped: the snippet when the words were found elsewhere."""
    opening = text.split()
    return escape(" ".join(opening[:words]) + (" …" if len(opening) > words else ""))


def photo_rows(query: Query, found: PhotoMatches):
    """(photo, caption HTML) for the photos found, in their order."""
    from ..models import MediaItem

    terms_of = _terms_of()
    wanted, phrases = wanted_terms(query, terms_of)
    by_pk = reads.by_id(MediaItem, [hit.pk for hit in found.hits], ("media_id", "title", "caption", "credit"))
    shown = []
    for hit in found.hits:
        photo = by_pk.get(hit.pk)
        if photo is not None:
            text = f"{photo.caption} {photo.credit}".strip() or photo.title
            shown.append((photo, mark_safe(marked_html(text, wanted, terms_of, phrases))))
    return shown
