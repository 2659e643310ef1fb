"""Names the pages do not print: sections and authors named by their address's slug, a name
guessed from an address given way to a by-line's, and a title supplied, made of a text's first
words."""

from __future__ import annotations

import re

from django.utils.text import slugify

from ..models import supplied_title

# Sections and authors the original site's URLs name by slug, with the names its by-lines use.
SECTION_NAMES = {
    "news-middle-east": "Middle East",
    "world-news": "World News",
    "opinion": "Opinion",
    "uncategorized": "Uncategorized",
    "latest-news": "Latest News",
    "majalla-blogs": "Majalla Blogs",
    "the-majalla-magazine": "The Majalla Magazine",
}
AUTHOR_NAMES = {
    "theaawsat": "Asharq Al-Awsat",
    "abdul-rahman-al-rashed": "Abdulrahman Al-Rashed",
    "tariq-alhomayed": "Tariq Alhomayed",
    "michel-kilo": "Michel Kilo",
    "hussein-shobokshi": "Hussein Shobokshi",
    "thairabbas": "Thaer Abbas",
    "maadfayad": "Maad Fayad",
    "adil-alsalmi": "Adil Al-Salmi",
    "youssef-diab-and-mohammed-al-khatib": "Youssef Diab and Mohammed Al-Khatib",
}


def entity_named(model, slug, name, known_slugs=None):
    """The id of the author or section with this slug or, without one, this name; made when
    missing. A name given replaces one guessed from an address. ``known_slugs`` maps the
    original site's slugs to names, so that a by-line's name finds its address's slug."""
    if not slug:
        found = model.objects.filter(name__iexact=name).order_by("name_is_guess", "id").first()
        if found is not None:
            return found.pk
        slug = {v: k for k, v in (known_slugs or {}).items()}.get(name) or slugify(name)[:200]
        if not slug:
            return None
    obj, created = model.objects.get_or_create(
        slug=slug, defaults={"name": (name or slug.replace("-", " ").title())[:200], "name_is_guess": not name}
    )
    if not created and name and obj.name_is_guess:
        model.objects.filter(pk=obj.pk).update(name=name[:200], name_is_guess=False)
    return obj.pk


def name_fits_slug(name, slug):
    """Whether a by-line's name can be the author an address slug guessed at ("Ahmed Ibrahim"
    for a-ibrahim2: the same first letter and last word)."""
    words = [w for w in re.sub(r"\d+$", "", slug).split("-") if w]
    compact = slugify(name).replace("-", "")
    return bool(words) and compact.startswith(words[0][0]) and compact.endswith(words[-1])


def first_words(text, limit=80):
    """A text's first words, to ``limit`` characters, ended with "…" where it goes on."""
    title = ""
    for word in text.split():
        if len(title) + len(word) + 1 > limit:
            return title + "…"
        title = f"{title} {word}".strip()
    return title


def title_made(text):
    """The title the archive supplies for a text whose source gave it none: its first words, in
    square brackets that say so (``models.supplied_title``)."""
    return supplied_title(first_words(text))
