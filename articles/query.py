"""Read a searcher's query, in web-search syntax, into a small tree. Pure Python, no Django.

    syria truce              both words
    "deir el-zour"           a phrase
    hezbollah OR amal        either
    assad -russia            exclude
    daesh                    any name of the same tag (ISIS, ISIL, Islamic State ...)

Anything else a user types (FTS operators, SQL, HTML, unbalanced quotes) is only text: the tree
holds plain words, and each backend quotes them itself. The query is cut to MAX_QUERY_LENGTH.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from .tagging import fold, words_of

MAX_QUERY_LENGTH = 200
MAX_CLAUSES = 12
WORD_RE = re.compile(r"[^\W_]+(?:['’][^\W_]+)*")
TOKEN_RE = re.compile(r'(?P<neg>-)?"(?P<phrase>[^"]*)(?:"|$)|(?P<word>\S+)')

# PostgreSQL's English stop words: alone they match nothing there, so they are dropped on
# both databases and a query of nothing else says so.
STOP_WORDS = frozenset(
    """
    i me my myself we our ours ourselves you your yours yourself yourselves he him his himself she
    her hers herself it its itself they them their theirs themselves what which who whom this that
    these those am is are was were be been being have has had having do does did doing a an the
    and but if or because as until while of at by for with about against between into through
    during before after above below to from up down in out on off over under again further then
    once here there when where why how all any both each few more most other some such no nor not
    only own same so than too very s t can will just don should now
    """.split()
)


@dataclass(frozen=True)
class Atom:
    """A word or a phrase: the words in order, and the phrase as written.

    The written form matters to PostgreSQL, which indexes "el-Zour" as the compound and its
    parts; a phrase must be parsed the way the text was to match it.
    """

    words: tuple[str, ...]
    raw: str = field(default="", compare=False)

    @property
    def is_phrase(self):
        return len(self.words) > 1

    @property
    def text(self):
        return self.raw or " ".join(self.words)


@dataclass
class Clause:
    """Atoms of which any may match: a word and its name variants, or words joined by OR."""

    atoms: list[Atom]


@dataclass
class Query:
    clauses: list[Clause] = field(default_factory=list)
    excluded: list[Atom] = field(default_factory=list)
    text: str = ""
    shortened: bool = False
    dropped_stop_words: list[str] = field(default_factory=list)

    def __bool__(self):
        return bool(self.clauses)

    @property
    def words(self):
        """Every word the query looks for, for highlighting and suggestions."""
        return [w for clause in self.clauses for atom in clause.atoms for w in atom.words]


def parse_query(text: str, variants=None) -> Query:
    """Parse a query. ``variants(atom) -> list[Atom]`` gives an atom's name variants, if any."""
    text = (text or "").strip()
    shortened = len(text) > MAX_QUERY_LENGTH
    text = text[:MAX_QUERY_LENGTH]
    query = Query(text=text, shortened=shortened)
    pending_or = False
    for match in TOKEN_RE.finditer(text):
        if match["word"] == "OR":
            pending_or = bool(query.clauses)
            continue
        negative = bool(match["neg"])
        raw = match["phrase"] if match["phrase"] is not None else match["word"]
        if match["word"] is not None and raw.startswith("-") and len(raw) > 1:
            negative, raw = True, raw[1:]
        words = tuple(w.lower() for w in WORD_RE.findall(raw))
        if not words:
            continue
        is_phrase = match["phrase"] is not None
        atoms = [Atom(words, plain_text(raw))] if is_phrase else [Atom((w,)) for w in words]
        for atom in atoms:
            if not atom.is_phrase and atom.words[0] in STOP_WORDS:
                query.dropped_stop_words.append(atom.words[0])
                continue
            if negative:
                query.excluded.append(atom)
            elif pending_or and query.clauses:
                query.clauses[-1].atoms.append(atom)
            elif len(query.clauses) < MAX_CLAUSES:
                query.clauses.append(Clause([atom]))
            pending_or = False
        pending_or = False
    if variants is not None:
        join_names(query, variants)
        for clause in query.clauses:
            for atom in list(clause.atoms):
                for variant in variants(atom):
                    if variant not in clause.atoms:
                        clause.atoms.append(variant)
    return query


def join_names(query: Query, variants) -> None:
    """Consecutive single words that together name a tag ("islamic state") become one phrase."""
    clauses, i = query.clauses, 0
    while i < len(clauses):
        for size in (4, 3, 2):
            group = clauses[i : i + size]
            if len(group) == size and all(len(c.atoms) == 1 and not c.atoms[0].is_phrase for c in group):
                phrase = Atom(tuple(c.atoms[0].words[0] for c in group))
                if variants(phrase):
                    clauses[i : i + size] = [Clause([phrase])]
                    break
        i += 1


def name_key(words) -> tuple[str, ...]:
    """How tag names and query atoms are compared: folded words, split as the tagger splits."""
    return tuple(fold(w) for w in words_of(" ".join(words)))


def name_atom(name: str) -> Atom:
    """A tag name or alias as an atom of a query."""
    return Atom(tuple(w.lower() for w in WORD_RE.findall(name)), plain_text(name))


def plain_text(text: str) -> str:
    """A phrase with everything but words, hyphens and apostrophes between them made spaces."""
    return " ".join(re.findall(r"[^\W_]+(?:[-'’.][^\W_]+)*", text))
