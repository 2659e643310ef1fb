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
ACRONYM_RE = re.compile(r"^[A-Z][A-Z0-9.&-]{1,9}$")


@lru_cache(maxsize=65536)
def fold(word: str) -> str:
    """Lower case without accents: "Erdoğan" and "Erdogan" are one word."""
    if word.isascii():
        return word.lower()
    decomposed = unicodedata.normalize("NFKD", word.lower())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def words_of(text: str) -> list[str]:
    return WORD_RE.findall(text)


class TagMatcher:
    """Built once from (name, key) pairs; ``find(text)`` returns the keys it mentions."""

    def __init__(self, names):
        # first word -> list of (following words, keys); folded for names, exact for acronyms
        self.folded: dict[str, dict[tuple[str, ...], set]] = {}
        self.exact: dict[str, dict[tuple[str, ...], set]] = {}
        for name, key in names:
            words = words_of(name)
            if not words:
                continue
            if ACRONYM_RE.match(name.strip()) and not name.strip().isdigit():
                table, words = self.exact, words
            else:
                table, words = self.folded, [fold(w) for w in words]
            table.setdefault(words[0], {}).setdefault(tuple(words[1:]), set()).add(key)

    def __bool__(self):
        return bool(self.folded or self.exact)

    def find(self, *texts: str) -> set:
        """Keys of every name that occurs in any of the texts."""
        found = set()
        for text in texts:
            if text:
                words = words_of(text)
                self._scan(words, [fold(w) for w in words], found)
        return found

    def _scan(self, words, folded, found):
        start, count = 0, len(words)
        while start < count:
            best_length, best_keys = 0, None
            for table, sequence in ((self.folded, folded), (self.exact, words)):
                tails = table.get(sequence[start])
                if tails is None:
                    continue
                for tail, keys in tails.items():
                    length = len(tail) + 1
                    if length > best_length and tuple(sequence[start + 1:start + length]) == tail:
                        best_length, best_keys = length, keys
            if best_keys:
                found |= best_keys
                start += best_length
            else:
                start += 1
