"""Citations of an article: APA, MLA and Chicago renderings, BibTeX, RIS and CSL-JSON records
(the format Zotero, Pandoc and citeproc read), and the Highwire ``citation_*`` meta tags that
Zotero and Google Scholar read.

Pure: a ``Citation`` in, strings out. Every format carries the best date the archive knows, at
the precision it trusts: a certain date (a listing's by-line, an editor) to the day; a date read
from a photo caption or estimated from a Media ID to the month, said to be approximate the way
each format says it ("ca." in the styles, CSL's ``circa``, EDTF's "~" in biblatex's ``date``,
a note in BibTeX and RIS); an unknown one as "n.d." (MLA, whose ninth edition drops "n.d.",
leaves the date out). Records carry a numeric year wherever one is known. An uncertain or
unknown date adds the day the reader consulted the archive, as the styles ask of undated pages.
A name guessed from an address is no author: it is left out, and the record's note says so. A
title the archive supplied ("[Untitled; begins: …]") is cited as a description, in its square
brackets and never in quotation marks, and the note says so.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from dataclasses import dataclass

from django.utils.html import escape, format_html
from django.utils.safestring import mark_safe

JOURNAL = "Asharq Al-Awsat"
ARCHIVE = "ASHARQ AL-AWSAT English Archive 2005-2017"
LANGUAGE = "en"

# Writers that are no person: cited by their name as written, never as "Surname, I.".
ORGANISATIONS = {"reuters", "afp", "ap", "associated press", "agence france-presse", "dpa", "kuna", "spa", "wam"}
# Particles that belong to the surname that follows them: "Ahmed Al Omran" is Al Omran, Ahmed.
PARTICLES = {"al", "el", "bin", "ibn", "bint", "abu", "abou", "van", "von", "de", "del", "da", "di", "du", "le", "la"}
NAME_SEPARATOR = re.compile(r"\s*(?:,\s*and\s+|,|\s+and\s+|\s*&\s*)\s*", re.IGNORECASE)
MLA_MONTHS = ["Jan.", "Feb.", "Mar.", "Apr.", "May", "June", "July", "Aug.", "Sept.", "Oct.", "Nov.", "Dec."]
BIBTEX_SPECIAL = re.compile(r"[&%$#_{}\\~^]")
BIBTEX_ESCAPES = {"\\": r"\textbackslash{}", "~": r"\textasciitilde{}", "^": r"\textasciicircum{}"}
# What a record's note says of a title the archive supplied.
SUPPLIED_NOTE = "No title survives: the archive supplied the one in square brackets, from the text's first words."


@dataclass(frozen=True)
class Name:
    """A writer: a person's surname and given names, or an organisation's name (no given names)."""

    family: str
    given: str = ""

    @property
    def is_organisation(self):
        return not self.given

    @property
    def initials(self):
        """ "Abdul Rahman" -> "A. R."; "Jean-Pierre" -> "J.-P."."""
        parts = []
        for word in self.given.split():
            parts.append("-".join(f"{piece[0]}." for piece in word.split("-") if piece))
        return " ".join(parts)

    @property
    def inverted(self):
        return f"{self.family}, {self.given}" if self.given else self.family

    @property
    def natural(self):
        return f"{self.given} {self.family}" if self.given else self.family


@dataclass(frozen=True)
class Citation:
    """What a citation of an article says. ``accessed`` is the day the reader consulted it;
    ``date_basis`` how the archive knows a date it does not hold as certain ("a photo caption");
    ``guessed_author`` a by-line's name guessed from an address, which is cited as no author;
    ``title_supplied`` that the source gave no title and ``title`` is the archive's, in square
    brackets ("[Untitled; begins: …]"), as cataloguers supply one."""

    title: str
    url: str
    authors: tuple[Name, ...] = ()
    date: dt.date | None = None
    date_certain: bool = False
    accessed: dt.date | None = None
    key: str = "article"
    date_basis: str = ""
    original_url: str = ""
    guessed_author: str = ""
    title_supplied: bool = False

    @property
    def dated(self):
        """The exact date, when it is certain; None otherwise."""
        return self.date if self.date and self.date_certain else None

    @property
    def estimated(self):
        """Whether there is a date, but not a certain one: cited to its month, as approximate."""
        return bool(self.date) and not self.date_certain

    @property
    def month(self):
        """ "May 2013": an estimated date as the citation gives it."""
        return f"{self.date:%B} {self.date.year}" if self.date else ""

    @property
    def date_note(self):
        if self.estimated:
            basis = f", from {self.date_basis}" if self.date_basis else ""
            return f"Date of publication not certain: about {self.month}{basis}."
        if not self.date:
            return "Date of publication unknown."
        return ""

    @property
    def note(self):
        """What a record's note says: a title supplied, the date's uncertainty, a name left out,
        the original."""
        notes = [SUPPLIED_NOTE if self.title_supplied else "", self.date_note]
        if self.guessed_author:
            notes.append(f"By-line not known; “{self.guessed_author}” is a name guessed from the original address.")
        if self.original_url:
            notes.append(f"Originally published at {self.original_url}")
        return " ".join(note for note in notes if note)


def names(text):
    """The writers a by-line names: "Youssef Diab and Mohammed Al-Khatib" -> two Names.

    The paper itself (its staff and wire reports) is no author: the article is cited by its
    title, as the styles cite unsigned articles.
    """
    found = []
    for part in NAME_SEPARATOR.split(text or ""):
        words = part.split()
        if not words or part.casefold() == JOURNAL.casefold():
            continue
        if len(words) == 1 or part.casefold() in ORGANISATIONS:
            found.append(Name(family=" ".join(words)))
            continue
        start = len(words) - 1
        while start > 1 and words[start - 1].casefold() in PARTICLES:
            start -= 1
        found.append(Name(family=" ".join(words[start:]), given=" ".join(words[:start])))
    return tuple(found)


# How the archive knows a date it does not hold as certain, by the article's date source.
DATE_BASES = {"caption": "a photo caption", "media_id": "the Media ID of its photo"}


def of_article(article, url, accessed=None):
    """The citation of an Article (its author loaded) at its absolute ``url``."""
    guessed = article.author_id and article.author.name_is_guess
    return Citation(
        title=article.title,
        url=url,
        authors=names(article.author.name) if article.author_id and not guessed else (),
        date=article.published_on,
        date_certain=article.date_is_certain,
        accessed=accessed,
        key=f"asharq-al-awsat-{article.pk}",
        date_basis=DATE_BASES.get(article.date_source, ""),
        original_url=article.original_url or "",
        guessed_author=article.author.name if guessed else "",
        title_supplied=article.title_is_derived,
    )


# --- Styles ------------------------------------------------------------------------------------
# Each style returns segments, (text, italic), so that one rendering serves text and HTML.


def as_text(segments):
    return "".join(text for text, _ in segments)


def as_html(segments):
    return mark_safe("".join(format_html("<i>{}</i>", text) if italic else escape(text) for text, italic in segments))


def _sentence(text):
    """Text ending a sentence: a full stop unless it already ends with one, or ? or !."""
    text = text.strip()
    return text if text.endswith((".", "?", "!")) else f"{text}."


def _quoted(c: Citation):
    """A title in quotation marks, its closing punctuation inside them: “Title.” A supplied one
    is a description: in its square brackets, without quotation marks, as MLA and Chicago cite one."""
    return _sentence(c.title) if c.title_supplied else f"“{_sentence(c.title)}”"


def apa(c: Citation):
    """APA 7: Surname, I. (2016, September 18). Title. *Asharq Al-Awsat*. URL"""
    if c.dated:
        when = f"({c.dated.year}, {c.dated:%B} {c.dated.day})"
    else:
        when = f"(ca. {c.date.year}, {c.date:%B})" if c.estimated else "(n.d.)"
    people = [a.family if a.is_organisation else f"{a.family}, {a.initials}" for a in c.authors]
    if len(people) > 1:
        people[-1] = f"& {people[-1]}"
    head = ", ".join(people)
    lead = f"{_sentence(head)} {when}. {_sentence(c.title)} " if head else f"{_sentence(c.title)} {when}. "
    return [(lead, False), (JOURNAL, True), (f". {c.url}", False)]


def _mla_date(day):
    return f"{day.day} {MLA_MONTHS[day.month - 1]} {day.year}"


def mla(c: Citation):
    """MLA 9: Surname, Given. “Title.” *Asharq Al-Awsat*, 18 Sept. 2016, URL."""
    authors = c.authors
    if len(authors) == 1:
        head = authors[0].inverted
    elif len(authors) == 2:
        head = f"{authors[0].inverted}, and {authors[1].natural}"
    elif authors:
        head = f"{authors[0].inverted}, et al"
    else:
        head = ""
    segments = [(f"{_sentence(head)} " if head else "", False), (f"{_quoted(c)} ", False), (JOURNAL, True)]
    address = re.sub(r"^https?://", "", c.url)
    if c.dated:
        tail = f", {_mla_date(c.dated)}, {address}."
    elif c.estimated:
        tail = f", ca. {MLA_MONTHS[c.date.month - 1]} {c.date.year}, {address}."
    else:
        tail = f", {address}."
    if not c.dated and c.accessed:
        tail += f" Accessed {_mla_date(c.accessed)}."
    return [*segments, (tail, False)]


def chicago(c: Citation):
    """Chicago 17, bibliography: Surname, Given. “Title.” *Asharq Al-Awsat*, September 18, 2016. URL."""
    people = [c.authors[0].inverted, *(a.natural for a in c.authors[1:])] if c.authors else []
    head = ", ".join(people[:-1]) + f", and {people[-1]}" if len(people) > 1 else "".join(people)
    when = f"{c.dated:%B} {c.dated.day}, {c.dated.year}" if c.dated else f"ca. {c.month}" if c.estimated else "n.d."
    accessed = f" Accessed {c.accessed:%B} {c.accessed.day}, {c.accessed.year}." if c.accessed and not c.dated else ""
    return [
        (f"{_sentence(head)} " if head else "", False),
        (f"{_quoted(c)} ", False),
        (JOURNAL, True),
        (f", {_sentence(when)}{accessed} {c.url}.", False),
    ]


STYLES = {"apa": ("APA", apa), "mla": ("MLA", mla), "chicago": ("Chicago", chicago)}


# --- Records -----------------------------------------------------------------------------------


def _bibtex_text(text):
    return BIBTEX_SPECIAL.sub(lambda m: BIBTEX_ESCAPES.get(m[0], "\\" + m[0]), text)


def bibtex(c: Citation):
    """A BibTeX entry; organisations in braces so that no style splits them into names."""
    authors = " and ".join(
        f"{{{_bibtex_text(a.family)}}}" if a.is_organisation else _bibtex_text(a.inverted) for a in c.authors
    )
    fields = [("title", f"{{{_bibtex_text(c.title)}}}"), ("journal", JOURNAL)]
    if authors:
        fields.insert(0, ("author", authors))
    if c.dated:
        fields += [("year", str(c.dated.year)), ("month", str(c.dated.month)), ("date", c.dated.isoformat())]
    elif c.estimated:
        # A numeric year and month for BibTeX; biblatex reads "2016-03~" as approximate (EDTF).
        fields += [("year", str(c.date.year)), ("month", str(c.date.month)), ("date", f"{c.date:%Y-%m}~")]
    fields += [("url", c.url), ("language", "english")]
    if c.accessed:
        fields.append(("urldate", c.accessed.isoformat()))
    if c.note:
        fields.append(("note", _bibtex_text(c.note)))
    body = ",\n".join(f"  {name} = {{{value}}}" for name, value in fields)
    return f"@article{{{c.key},\n{body}\n}}\n"


def ris(c: Citation):
    """An RIS record (TY … ER), lines ended with CR LF as the format asks.

    A certain date is PY (year) and DA (YYYY/MM/DD); an estimated one PY and DA to the month
    (YYYY/MM//), its uncertainty said in N1.
    """
    lines = [("TY", "NEWS"), ("TI", c.title)]
    lines += [("AU", a.inverted) for a in c.authors]
    lines += [("T2", JOURNAL)]
    if c.dated:
        lines += [("PY", str(c.dated.year)), ("DA", f"{c.dated:%Y/%m/%d}")]
    elif c.estimated:
        lines += [("PY", str(c.date.year)), ("DA", f"{c.date:%Y/%m}//")]
    lines += [("UR", c.url), ("LA", LANGUAGE), ("DB", ARCHIVE)]
    if c.accessed:
        lines.append(("Y2", f"{c.accessed:%Y/%m/%d}"))
    if c.note:
        lines.append(("N1", c.note))
    lines.append(("ER", ""))
    return "".join(f"{tag}  - {' '.join(value.split())}\r\n" for tag, value in lines)


def highwire(c: Citation):
    """(name, content) of the ``citation_*`` meta tags, which Google Scholar needs a date in to
    index a page: a certain date to the day, an estimated one to the month."""
    tags = [("citation_title", c.title)]
    tags += [("citation_author", a.inverted) for a in c.authors]
    if c.dated:
        tags.append(("citation_publication_date", f"{c.dated:%Y/%m/%d}"))
    elif c.estimated:
        tags.append(("citation_publication_date", f"{c.date:%Y/%m}"))
    tags += [
        ("citation_journal_title", JOURNAL),
        ("citation_public_url", c.url),
        ("citation_abstract_html_url", c.url),
        ("citation_fulltext_html_url", c.url),
        ("citation_language", LANGUAGE),
    ]
    return tags


def _csl_date(day):
    return {"date-parts": [[day.year, day.month, day.day]]}


def csl(c: Citation):
    """A CSL-JSON item: what citeproc (Zotero's, Pandoc's) renders in any of its styles."""
    item = {"id": c.key, "type": "article-newspaper", "title": c.title, "container-title": JOURNAL}
    authors = [
        {"literal": a.family} if a.is_organisation else {"family": a.family, "given": a.given} for a in c.authors
    ]
    if authors:
        item["author"] = authors
    if c.dated:
        item["issued"] = _csl_date(c.dated)
    elif c.estimated:
        item["issued"] = {"date-parts": [[c.date.year, c.date.month]], "circa": True}
    item.update(URL=c.url, language=LANGUAGE, archive=ARCHIVE)
    if c.accessed:
        item["accessed"] = _csl_date(c.accessed)
    if c.note:
        item["note"] = c.note
    return item


def csl_json(*citations: Citation):
    """A CSL-JSON file: an array of items."""
    return json.dumps([csl(c) for c in citations], ensure_ascii=False, indent=1) + "\n"
