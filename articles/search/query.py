"""Read a searcher's query, in web-search syntax, into a small tree. Pure Python, no Django.

    syria truce              both words
    "deir el-zour"           a phrase
    hezbollah OR amal        either
    assad -russia            exclude
    daesh                    any name of the same tag (ISIS, ISIL, Islamic State ...), which
                             ranks below the word typed
    "syria"                  the word as typed: no name variants
    humanitarian aid         both words; words that form a tag's name also find the name's
                             variants (relief aid ...), and the name ranks first
    title:truce              a word (or title:"a phrase") in one field: title, caption,
    tag:daesh author:rashed  tag, author or section; fields combine with all of the above
    section:opinion          (-tag:syria, title:truce OR caption:truce)

Anything else a user types (FTS operators, SQL, HTML, unbalanced quotes) is only text: the tree
holds plain words, and each backend quotes them itself. The query is cut to MAX_QUERY_LENGTH.
"""

from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass, field, replace

from ..tagging import fold, words_of

MAX_QUERY_LENGTH = 200
MAX_CLAUSES = 12
# Combining accents and Arabic diacritics belong to the word they mark: "سُوريا" is one word.
MARKS = "\u0300-\u036f\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06dc\u06df-\u06e8\u06ea-\u06ed"
LETTERS = rf"[^\W_](?:[^\W_]|[{MARKS}])*"
WORD_RE = re.compile(rf"{LETTERS}(?:['’]{LETTERS})*")
FIELDS = ("title", "caption", "tag", "author", "section")
TOKEN_RE = re.compile(
    r"(?P<neg>-)?(?:(?P<field>(?i:" + "|".join(FIELDS) + r")):(?=\S))?"
    r'(?:"(?P<phrase>[^"]*)(?:"|$)|(?P<word>\S+))'
)

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
    """A word or a phrase: the words in order, the phrase as written, and the field it must be
    found in (None: anywhere). ``variant``: another name of a tag the words typed name, not typed
    itself; ``exact``: typed in quotes, so searched without variants."""

    words: tuple[str, ...]
    raw: str = field(default="", compare=False)
    field: str | None = None
    # (``field`` is the attribute above from here on: the dataclasses function by its module.)
    variant: bool = dataclasses.field(default=False, compare=False)
    exact: bool = dataclasses.field(default=False, compare=False)

    @property
    def is_phrase(self):
        return len(self.words) > 1

    @property
    def text(self):
        return self.raw or " ".join(self.words)


@dataclass
class Clause:
    """Atoms of which any may match: a word and its name variants, or words joined by OR.
    ``words``: for words typed without quotes that together name a tag, the words themselves (a
    clause each): all of them found match too, so the name widens what they find, never narrows."""

    atoms: list[Atom]
    words: list[Clause] = field(default_factory=list)

    @property
    def typed(self):
        """The atoms typed, without the variants added."""
        return [atom for atom in self.atoms if not atom.variant]

    @property
    def variants(self):
        return [atom for atom in self.atoms if atom.variant]


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
        """Every word typed that the query looks for in the text, for suggestions."""
        return [w for atom in self.atoms if not atom.variant and atom.field not in NAMING_FIELDS for w in atom.words]

    @property
    def atoms(self):
        return [atom for clause in self.clauses for atom in clause.atoms]

    @property
    def sought(self):
        """Every atom looked for in the text, variants and the words of names included: what
        highlighting marks (a phrase only whole)."""
        clauses = [*self.clauses, *(words for clause in self.clauses for words in clause.words)]
        return [atom for clause in clauses for atom in clause.atoms if atom.field not in NAMING_FIELDS]

    @property
    def names(self):
        """The clauses in which words typed were also read as a tag's name, for the page to say so."""
        return [clause for clause in self.clauses if clause.words]


# Fields that name a row (an author, a section) rather than words of the text.
NAMING_FIELDS = ("author", "section")


def parse_query(text: str, variants=None) -> Query:
    """Parse a query. ``variants(atom) -> list[Atom]`` gives an atom's name variants, if any."""
    text = (text or "").strip()
    query = Query(text=text[:MAX_QUERY_LENGTH], shortened=len(text) > MAX_QUERY_LENGTH)
    pending_or = False
    for match in TOKEN_RE.finditer(query.text):
        if match["word"] == "OR" and not match["field"]:
            pending_or = bool(query.clauses)
            continue
        negative, atoms = token_atoms(match)
        for atom in atoms:
            added = add_atom(query, atom, negative, pending_or)
            # An OR joins the word after it: a stop word dropped before that leaves it pending.
            pending_or = pending_or and not added
        pending_or = False
    if variants is not None:
        add_variants(query, variants)
    return query


def token_atoms(match) -> tuple[bool, list[Atom]]:
    """(excluded, atoms) of one token: a field's name or a phrase is one atom, loose words one each."""
    negative = bool(match["neg"])
    raw = match["phrase"] if match["phrase"] is not None else match["word"]
    if match["word"] is not None and raw.startswith("-") and len(raw) > 1 and not match["field"]:
        negative, raw = True, raw[1:]
    words = tuple(w.lower() for w in WORD_RE.findall(raw))
    if not words:
        return negative, []
    name = match["field"].lower() if match["field"] else None
    # A name is one atom, however many words it has: author:al-rashed is one author.
    if name in NAMING_FIELDS or name == "tag" or match["phrase"] is not None:
        return negative, [Atom(words, plain_text(raw), name, exact=match["phrase"] is not None)]
    return negative, [Atom((w,), field=name) for w in words]


def add_atom(query: Query, atom: Atom, negative: bool, pending_or: bool) -> bool:
    """An atom into the query: excluded, another choice of the last clause (after OR), or a
    clause of its own; False for a stop word on its own, which is dropped, and said so."""
    if not atom.is_phrase and atom.field is None and atom.words[0] in STOP_WORDS:
        query.dropped_stop_words.append(atom.words[0])
        return False
    if negative:
        query.excluded.append(atom)
    elif pending_or and query.clauses:
        query.clauses[-1].atoms.append(atom)
    elif len(query.clauses) < MAX_CLAUSES:
        query.clauses.append(Clause([atom]))
    return True


def add_variants(query: Query, variants) -> None:
    """Words that name a tag are also read as its name, and each atom naming one takes its
    other names; an excluded name takes them too, so that an exclusion removes all its word
    would match (`syria -syria` finds nothing, "Syrian" included). A word in quotes takes none."""
    join_names(query, variants)
    clauses = [*query.clauses, *(words for clause in query.clauses for words in clause.words)]
    for atoms in [*(clause.atoms for clause in clauses), query.excluded]:
        for atom in list(atoms):
            if atom.field is not None or atom.exact:
                continue
            for variant in variants(atom):
                if variant not in atoms:
                    atoms.append(replace(variant, variant=True))


def join_names(query: Query, variants) -> None:
    """Consecutive single words typed without quotes that together name a tag ("islamic
    state") are also read as that name: one clause, matched by the name or by all its words."""
    clauses, i = query.clauses, 0
    while i < len(clauses):
        for size in (4, 3, 2):
            group = clauses[i : i + size]
            if len(group) == size and all(_loose_word(c) for c in group):
                phrase = Atom(tuple(c.atoms[0].words[0] for c in group))
                if variants(phrase):
                    clauses[i : i + size] = [Clause([phrase], words=group)]
                    break
        i += 1


def _loose_word(clause: Clause) -> bool:
    """A clause of one word typed without quotes or field."""
    (atom, *others) = clause.atoms
    return not others and not atom.is_phrase and atom.field is None and not atom.exact


def name_key(words) -> tuple[str, ...]:
    """How tag names and query atoms are compared: folded words, split as the tagger splits."""
    return tuple(fold(w) for w in words_of(" ".join(words)))


def name_atom(name: str) -> Atom:
    """A tag name or alias as an atom of a query."""
    return Atom(tuple(w.lower() for w in WORD_RE.findall(name)), plain_text(name))


def plain_text(text: str) -> str:
    """A phrase with everything but words, hyphens and apostrophes between them made spaces."""
    return " ".join(re.findall(r"[^\W_]+(?:[-'’.][^\W_]+)*", text))
