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
WORD_BETWEEN = re.compile(r"[^\W_]")  # a letter or digit: two words are not side by side


def normalise(text: str) -> str:
    """The text with Arabic letters normalised and the article ال taken off (see above)."""
    if text.isascii():
        return text
    text = unicodedata.normalize("NFC", text).translate(ARABIC_LETTERS)
    return ARABIC_ARTICLE_RE.sub("", ARABIC_MARKS_RE.sub("", text))


def marked_html(text: str, wanted, terms_of, phrases=()) -> str:
    """The text escaped, with each word whose terms are among ``wanted`` in <mark>, and each
    run of words whose terms are one of ``phrases`` (tuples of terms) in one <mark>: a phrase's
    words are marked only together."""
    return _marked(text, _hits(text, wanted, terms_of, phrases))


def snippet_html(text: str, wanted, terms_of, phrases=()):
    """The passage of about SNIPPET_CHARS holding the most of the wanted terms and phrases,
    marked and escaped; None when the text holds none of them. Returns (html, distinct terms
    and phrases found)."""
    hits = _hits(text, wanted, terms_of, phrases)[:MAX_HITS]
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


def _hits(text, wanted, terms_of, phrases=()):
    """(start, end, term) of each word of the text whose terms are wanted, and of each run of
    words side by side (nothing but spaces and punctuation between them) that is a phrase.

    Only the words that could be one are analysed: those starting as a wanted term does (a
    stem keeps the start of its word) and those with letters beyond ASCII (accents, Arabic).
    """
    sought = set(wanted).union(*phrases)
    if not sought:
        return []
    words = []
    for match in _candidates(frozenset(term[:3] for term in sought), text.isascii()).finditer(text):
        found = next((term for term in terms_of(match.group()) if term in sought), None)
        if found is not None:
            words.append((match.start(), match.end(), found))
    return _joined(text, words, wanted, phrases) if phrases else words


def _joined(text, words, wanted, phrases):
    """The words found, each phrase's run of words made one hit (the longest phrase first)
    and the words of no phrase kept only when wanted alone."""
    starting = {}
    for phrase in sorted(set(phrases), key=len, reverse=True):
        starting.setdefault(phrase[0], []).append(phrase)
    hits, i = [], 0
    while i < len(words):
        start, end, term = words[i]
        size = next((len(p) for p in starting.get(term, ()) if _runs(text, words, i, p)), 0)
        if size:
            hits.append((start, words[i + size - 1][1], " ".join(words[k][2] for k in range(i, i + size))))
            i += size
            continue
        if term in wanted:
            hits.append((start, end, term))
        i += 1
    return hits


def _runs(text, words, i, phrase):
    """Whether the words from ``i`` on are the phrase's terms, side by side."""
    if i + len(phrase) > len(words):
        return False
    for k, term in enumerate(phrase):
        if words[i + k][2] != term or (k and WORD_BETWEEN.search(text, words[i + k - 1][1], words[i + k][0])):
            return False
    return True


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
