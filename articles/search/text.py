"""Text as search sees it, and snippets marked where the words were found. Pure Python.

``normalise`` is applied to every text before the engine analyses it, when indexing and when
querying alike, so both sides always agree: Arabic letter variants are made one (أ إ آ ٱ → ا,
ة → ه, ى → ي), tatweel and diacritics are dropped, and the article ال is taken off the front of
a word, so that a word is found with and without it. Latin accents are folded by the engine's
analyser (Erdoğan is erdogan).
"""

from __future__ import annotations

import re
import unicodedata
from bisect import bisect_left
from collections import Counter
from functools import lru_cache
from html import escape

ARABIC_LETTERS = str.maketrans({"أ": "ا", "إ": "ا", "آ": "ا", "ٱ": "ا", "ة": "ه", "ى": "ي", "ـ": None})
ARABIC_MARKS = "\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06dc\u06df-\u06e8\u06ea-\u06ed"
ARABIC_MARKS_RE = re.compile(f"[{ARABIC_MARKS}]")
# ال at the start of a word of at least two more letters: الحرب is searched as حرب.
ARABIC_ARTICLE_RE = re.compile(r"(?<![^\W_])ال(?=[^\W\d_]{2})")
# A letter of a word as the engine's tokenizer sees it, with the marks that normalise drops.
LETTER = f"(?:[^\\W_]|[\u0300-\u036f{ARABIC_MARKS}\u0640])"
SNIPPET_CHARS = 240
LEAD_CHARS = 60  # of the passage, before its first word found
MAX_HITS = 500  # words found that a snippet weighs, at most
ELLIPSIS = "…"


def normalise(text: str) -> str:
    """The text with Arabic letters normalised and the article ال taken off (see above)."""
    if text.isascii():
        return text
    text = unicodedata.normalize("NFC", text).translate(ARABIC_LETTERS)
    return ARABIC_ARTICLE_RE.sub("", ARABIC_MARKS_RE.sub("", text))


def marked_html(text: str, wanted, terms_of) -> str:
    """The text escaped, with each word whose terms are among ``wanted`` in <mark>."""
    return _marked(text, _hits(text, wanted, terms_of))


def snippet_html(text: str, wanted, terms_of):
    """The passage of about SNIPPET_CHARS holding the most of the wanted terms, marked and
    escaped; None when the text holds none of them. Returns (html, distinct terms found)."""
    hits = _hits(text, wanted, terms_of)[:MAX_HITS]
    if not hits:
        return None
    starts = [start for start, _, _ in hits]
    best, found = _best_window(hits)
    low, high = best, min(len(text), best + SNIPPET_CHARS)
    if low > 0:
        space = text.find(" ", low, starts[bisect_left(starts, low)])
        low = space + 1 if space >= 0 else low
    if high < len(text):
        space = text.rfind(" ", low, high)
        high = space if space > low else high
    shown = [(start - low, end - low, term) for start, end, term in hits if low <= start and end <= high]
    html = _marked(text[low:high], shown)
    if low > 0:
        html = f"{ELLIPSIS} {html}"
    if high < len(text):
        html = f"{html} {ELLIPSIS}"
    return html, found


def _best_window(hits):
    """(start, distinct terms) of the first window of SNIPPET_CHARS holding the most distinct
    terms, among the windows starting LEAD_CHARS before a hit. One pass: the windows' two ends
    only move forward, as do the hits' (words do not overlap)."""
    best, best_found = 0, 0
    inside, first, last = Counter(), 0, 0
    for start, _, _ in hits:
        low = max(0, start - LEAD_CHARS)
        while last < len(hits) and hits[last][1] <= low + SNIPPET_CHARS:
            inside[hits[last][2]] += 1
            last += 1
        while first < last and hits[first][0] < low:
            term = hits[first][2]
            inside[term] -= 1
            if not inside[term]:
                del inside[term]
            first += 1
        if len(inside) > best_found:
            best, best_found = low, len(inside)
    return best, best_found


def _hits(text, wanted, terms_of):
    """(start, end, term) of each word of the text whose terms are wanted.

    Only the words that could be one are analysed: those starting as a wanted term does (a
    stem keeps the start of its word) and those with letters beyond ASCII (accents, Arabic).
    """
    if not wanted:
        return []
    hits = []
    for match in _candidates(frozenset(term[:3] for term in wanted), text.isascii()).finditer(text):
        found = next((term for term in terms_of(match.group()) if term in wanted), None)
        if found is not None:
            hits.append((match.start(), match.end(), found))
    return hits


@lru_cache(maxsize=1024)
def _candidates(prefixes, ascii_only):
    starts = "|".join(re.escape(p) for p in sorted(prefixes, key=len, reverse=True))
    if ascii_only:
        return re.compile(rf"\b(?:{starts})[^\W_]*", re.IGNORECASE | re.ASCII)
    return re.compile(rf"(?<![^\W_])(?:(?:{starts})|{LETTER}*[^\x00-\x7f]){LETTER}*", re.IGNORECASE)


def _marked(text, hits):
    parts, at = [], 0
    for start, end, _ in hits:
        parts += [escape(text[at:start]), "<mark>", escape(text[start:end]), "</mark>"]
        at = end
    parts.append(escape(text[at:]))
    return "".join(parts)
