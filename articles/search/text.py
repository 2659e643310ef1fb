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
from html import escape

ARABIC_LETTERS = str.maketrans({"أ": "ا", "إ": "ا", "آ": "ا", "ٱ": "ا", "ة": "ه", "ى": "ي", "ـ": None})
ARABIC_MARKS = "\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06dc\u06df-\u06e8\u06ea-\u06ed"
ARABIC_MARKS_RE = re.compile(f"[{ARABIC_MARKS}]")
# ال at the start of a word of at least two more letters: الحرب is searched as حرب.
ARABIC_ARTICLE_RE = re.compile(r"(?<![^\W_])ال(?=[^\W\d_]{2})")
# A word as the engine's tokenizer sees it, with the marks inside it that normalise drops.
WORD_SPAN_RE = re.compile(f"[^\\W_](?:[^\\W_]|[\u0300-\u036f{ARABIC_MARKS}\u0640])*")
SNIPPET_WORDS = 32
ELLIPSIS = "…"


def normalise(text: str) -> str:
    """The text with Arabic letters normalised and the article ال taken off (see above)."""
    if text.isascii():
        return text
    text = unicodedata.normalize("NFC", text).translate(ARABIC_LETTERS)
    return ARABIC_ARTICLE_RE.sub("", ARABIC_MARKS_RE.sub("", text))


def marked_html(text: str, wanted, terms_of) -> str:
    """The text escaped, with each word whose terms are among ``wanted`` in <mark>."""
    return _marked(text, _spans(text, wanted, terms_of))


def snippet_html(text: str, wanted, terms_of, words=SNIPPET_WORDS):
    """The passage of about ``words`` words holding the most of the wanted terms, marked and
    escaped; None when the text holds none of them. Returns (html, distinct terms found)."""
    spans = _spans(text, wanted, terms_of)
    hits = [i for i, (_, _, found) in enumerate(spans) if found]
    if not hits:
        return None
    best, best_found = 0, set()
    for i in hits:
        start = max(0, i - words // 4)
        found = {spans[j][2] for j in hits if start <= j < start + words}
        if len(found) > len(best_found):
            best, best_found = start, found
    end = min(len(spans), best + words)
    window = spans[best:end]
    first, last = window[0][0], window[-1][1]
    shifted = [(s - first, e - first, found) for s, e, found in window]
    html = _marked(text[first:last], shifted)
    if best > 0:
        html = f"{ELLIPSIS} {html}"
    if end < len(spans):
        html = f"{html} {ELLIPSIS}"
    return html, len(best_found)


def _spans(text, wanted, terms_of):
    """(start, end, matched term or None) for every word of the text."""
    spans = []
    for match in WORD_SPAN_RE.finditer(text):
        found = next((t for t in terms_of(match.group()) if t in wanted), None)
        spans.append((match.start(), match.end(), found))
    return spans


def _marked(text, spans):
    parts, at = [], 0
    for start, end, found in spans:
        if found is None:
            continue
        parts += [escape(text[at:start]), "<mark>", escape(text[start:end]), "</mark>"]
        at = end
    parts.append(escape(text[at:]))
    return "".join(parts)
