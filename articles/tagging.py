"""Find the tags an article mentions, by names and aliases, in one pass over its words.

Pure Python, no Django. Names are matched on word boundaries, ignoring case, accents and the
punctuation inside names ("Al-Qaeda" matches "al Qaeda", "U.S." matches "U.S"). Acronyms
written in capitals ("ISIS", "UN") match only in capitals, so "US" never matches "us".
Instead of one regular expression per tag, the text is split into words once and each word is
looked up in a dictionary of the names' first words; only a hit looks further. The cost grows
with the text, not with the size of the vocabulary. The longest name starting at a word wins,
and the words it covers are not read again: "Free Syrian Army" does not also tag Syria, and
"Hafez al-Assad" does not also tag Bashar al-Assad through the alias "Assad".
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

WORD_RE = re.compile(r"[^\W_]+")
# The same words in ASCII text, found faster.
ASCII_WORD_RE = re.compile(r"[A-Za-z0-9]+")
ACRONYM_RE = re.compile(r"^[A-Z][A-Z0-9.&-]{1,9}$")


COMBINING_RE = re.compile(r"[\u0300-\u036f]")


@lru_cache(maxsize=65536)
def fold(word: str) -> str:
    """Lower case without accents: "Erdoğan" and "Erdogan" are one word."""
    return fold_text(word)


def fold_text(text: str) -> str:
    text = text.lower()
    if text.isascii():
        return text
    return COMBINING_RE.sub("", unicodedata.normalize("NFKD", text))


def words_of(text: str) -> list[str]:
    return WORD_RE.findall(text)


class TagMatcher:
    """Built once from (name, key) pairs; ``find(text)`` returns the keys it mentions."""

    def __init__(self, names):
        # first word -> {following words: keys}; folded for names, exact for acronyms
        folded: dict[str, dict[tuple[str, ...], set]] = {}
        exact: dict[str, dict[tuple[str, ...], set]] = {}
        for name, key in names:
            words = words_of(name)
            if not words:
                continue
            if ACRONYM_RE.match(name.strip()) and not name.strip().isdigit():
                table, words = exact, words
            else:
                table, words = folded, [fold(w) for w in words]
            table.setdefault(words[0], {}).setdefault(tuple(words[1:]), set()).add(key)
        # first word -> [(name length in words, {following words: keys})], longest first: a
        # start is tried once per length, not once per name.
        self.folded = {word: by_length(tails) for word, tails in folded.items()}
        self.exact = {word: by_length(tails) for word, tails in exact.items()}

    def __bool__(self):
        return bool(self.folded or self.exact)

    def find(self, *texts: str) -> set:
        """Keys of every name that occurs in any of the texts."""
        text = "\n".join(t for t in texts if t)
        if text.isascii():
            # Lowering ASCII text keeps its words where they were: one pass, not one a word.
            words, folded = ASCII_WORD_RE.findall(text), ASCII_WORD_RE.findall(text.lower())
        else:
            words = words_of(text)
            folded = [fold(w) for w in words]
        # Candidate starts first (a set lookup per word), then longest match, leftmost first.
        starts = [(i, self.folded[w], folded) for i, w in enumerate(folded) if w in self.folded]
        if self.exact.keys() & set(words):
            starts += [(i, self.exact[w], words) for i, w in enumerate(words) if w in self.exact]
            starts.sort(key=lambda c: c[0])
        found, free_from = set(), 0
        best_at, best_length, best_keys = -1, 0, None
        for start, lengths, sequence in starts:
            if start != best_at and best_keys is not None:
                found |= best_keys
                free_from = best_at + best_length
                best_keys, best_length = None, 0
            if start < free_from:
                continue
            for length, tails in lengths:
                if length <= best_length:
                    break
                keys = tails.get(tuple(sequence[start + 1 : start + length]))
                if keys is not None:
                    best_at, best_length, best_keys = start, length, keys
                    break
        if best_keys is not None:
            found |= best_keys
        return found


def by_length(tails):
    """{following words: keys} grouped by the name's length in words, longest first."""
    lengths: dict[int, dict] = {}
    for tail, keys in tails.items():
        lengths.setdefault(len(tail) + 1, {})[tail] = keys
    return sorted(lengths.items(), reverse=True)
