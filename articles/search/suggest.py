"""When nothing is found: the query with its unknown words spelled as the archive's own words
spell them (Erdogen -> Erdogan), and the queries of one word fewer that find something."""

from __future__ import annotations

import difflib
import re

from . import backend, count
from .names import parse
from .query import Query

SUGGESTION_CUTOFF = 0.75


def suggest(query: Query):
    """The query with its unknown words replaced by the closest words of titles, tags and
    captions, if that finds anything (Erdogen → Erdogan)."""
    engine = backend()
    engine.refresh()
    changed, text = False, query.text
    for word in dict.fromkeys(query.words):
        if len(word) < 4:
            continue
        key, vocabulary = engine.spellings(word)
        if not key or key in vocabulary:
            continue
        close = difflib.get_close_matches(key, list(vocabulary), n=5, cutoff=SUGGESTION_CUTOFF)
        if close:
            best = max(close, key=lambda w: (difflib.SequenceMatcher(None, key, w).ratio(), vocabulary[w]))
            text = _word_pattern(word).sub(best, text)
            changed = True
    if not changed:
        return None
    corrected = parse(text)
    if corrected and count(corrected):
        return text
    return None


def _word_pattern(word):
    """The word where it stands alone in a query's text, in any case."""
    return re.compile(rf"(?<![^\W_]){re.escape(word)}(?![^\W_])", re.IGNORECASE)


def fewer_words(query: Query):
    """Queries of one word fewer that find something: [(query text, count)], most found first."""
    if len(query.clauses) < 2:
        return []
    found = []
    for i in range(len(query.clauses)):
        shorter = Query(clauses=[c for j, c in enumerate(query.clauses) if j != i], excluded=query.excluded)
        total = count(shorter)
        if total:
            found.append((query_text(shorter), total))
    return sorted(found, key=lambda f: -f[1])


def query_text(query: Query):
    """A query written back in its syntax; a clause is written as the first of its atoms (the
    word typed; the others are its name variants)."""
    parts = [_clause_text(clause) for clause in query.clauses]
    parts += ["-" + _atom_text(atom) for atom in query.excluded]
    return " ".join(parts)


def _clause_text(clause):
    """Words read as a name are written as typed, unquoted; else the clause's first atom."""
    if clause.words:
        return " ".join(_atom_text(word.atoms[0]) for word in clause.words)
    return _atom_text(clause.atoms[0])


def words_alone(query: Query):
    """The query with the words read as a name written each in quotes: searched as typed,
    neither as the name nor with variants."""
    parts = []
    for clause in query.clauses:
        words = clause.words or [clause]
        parts += [f'"{word.atoms[0].text}"' if clause.words else _clause_text(word) for word in words]
    parts += ["-" + _atom_text(atom) for atom in query.excluded]
    return " ".join(parts)


def _atom_text(atom):
    text = f'"{atom.text}"' if len(atom.words) > 1 or atom.exact else atom.text
    return f"{atom.field}:{text}" if atom.field else text
