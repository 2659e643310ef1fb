"""Citations of an article: APA, MLA and Chicago renderings, BibTeX and RIS records, and the
Highwire ``citation_*`` meta tags that Zotero and Google Scholar read.

Pure: a ``Citation`` in, strings out. A date is given as a fact only when the archive holds it
as certain (a listing's by-line, an editor); an estimated one is cited as "ca. <year>", an
unknown one as "n.d." (MLA, whose ninth edition drops "n.d.", leaves the date out), and both
add the day the reader consulted the archive, as the styles ask of undated pages.
"""

from __future__ import annotations

import datetime as dt
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
    """What a citation of an article says. ``accessed`` is the day the reader consulted it."""

    title: str
    url: str
    authors: tuple[Name, ...] = ()
    date: dt.date | None = None
    date_certain: bool = False
    accessed: dt.date | None = None
    key: str = "article"

    @property
    def dated(self):
        """The exact date, when it is certain; None otherwise."""
        return self.date if self.date and self.date_certain else None

    @property
    def estimated(self):
        """Whether there is a date, but not a certain one."""
        return bool(self.date) and not self.date_certain

    @property
    def date_note(self):
        if self.estimated:
            return f"Date of publication not certain: about {self.date.year}."
        if not self.date:
            return "Date of publication unknown."
        return ""


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


def of_article(article, url, accessed=None):
    """The citation of an Article (its author loaded) at its absolute ``url``."""
    return Citation(
        title=article.title,
        url=url,
        authors=names(article.author.name) if article.author_id else (),
        date=article.published_on,
        date_certain=article.date_is_certain,
        accessed=accessed,
        key=f"asharq-al-awsat-{article.pk}",
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


def _quoted(title):
    """A title in quotation marks, its closing punctuation inside them: “Title.”"""
    return f"“{_sentence(title)}”"


def apa(c: Citation):
    """APA 7: Surname, I. (2016, September 18). Title. *Asharq Al-Awsat*. URL"""
    if c.dated:
        when = f"({c.dated.year}, {c.dated:%B} {c.dated.day})"
    else:
        when = f"(ca. {c.date.year})" if c.estimated else "(n.d.)"
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
    segments = [(f"{_sentence(head)} " if head else "", False), (f"{_quoted(c.title)} ", False), (JOURNAL, True)]
    address = re.sub(r"^https?://", "", c.url)
    if c.dated:
        tail = f", {_mla_date(c.dated)}, {address}."
    elif c.estimated:
        tail = f", ca. {c.date.year}, {address}."
    else:
        tail = f", {address}."
    if not c.dated and c.accessed:
        tail += f" Accessed {_mla_date(c.accessed)}."
    return [*segments, (tail, False)]


def chicago(c: Citation):
    """Chicago 17, bibliography: Surname, Given. “Title.” *Asharq Al-Awsat*, September 18, 2016. URL."""
    people = [c.authors[0].inverted, *(a.natural for a in c.authors[1:])] if c.authors else []
    head = ", ".join(people[:-1]) + f", and {people[-1]}" if len(people) > 1 else "".join(people)
    when = f"{c.dated:%B} {c.dated.day}, {c.dated.year}" if c.dated else f"ca. {c.date.year}" if c.estimated else "n.d."
    accessed = f" Accessed {c.accessed:%B} {c.accessed.day}, {c.accessed.year}." if c.accessed and not c.dated else ""
    return [
        (f"{_sentence(head)} " if head else "", False),
        (f"{_quoted(c.title)} ", False),
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
        # biblatex reads "2016~" as an approximate year (EDTF); BibTeX prints "ca. 2016".
        fields += [("year", f"ca. {c.date.year}"), ("date", f"{c.date.year}~")]
    else:
        fields += [("year", "n.d.")]
    fields += [("url", c.url), ("language", "english")]
    if c.accessed:
        fields.append(("urldate", c.accessed.isoformat()))
    if c.date_note:
        fields.append(("note", c.date_note))
    body = ",\n".join(f"  {name} = {{{value}}}" for name, value in fields)
    return f"@article{{{c.key},\n{body}\n}}\n"


def ris(c: Citation):
    """An RIS record (TY … ER), lines ended with CR LF as the format asks.

    A certain date is PY (year) and DA (YYYY/MM/DD); an estimated one is DA "ca. 2016", which
    Zotero keeps as written, and no PY, which it would take for a fact.
    """
    lines = [("TY", "NEWS"), ("TI", c.title)]
    lines += [("AU", a.inverted) for a in c.authors]
    lines += [("T2", JOURNAL)]
    if c.dated:
        lines += [("PY", str(c.dated.year)), ("DA", f"{c.dated:%Y/%m/%d}")]
    elif c.estimated:
        lines += [("DA", f"ca. {c.date.year}")]
    lines += [("UR", c.url), ("LA", LANGUAGE), ("DB", ARCHIVE)]
    if c.accessed:
        lines.append(("Y2", f"{c.accessed:%Y/%m/%d}"))
    if c.date_note:
        lines.append(("N1", c.date_note))
    lines.append(("ER", ""))
    return "".join(f"{tag}  - {' '.join(value.split())}\r\n" for tag, value in lines)


def highwire(c: Citation):
    """(name, content) of the ``citation_*`` meta tags; the date only when it is certain."""
    tags = [("citation_title", c.title)]
    tags += [("citation_author", a.inverted) for a in c.authors]
    if c.dated:
        tags.append(("citation_publication_date", f"{c.dated:%Y/%m/%d}"))
    tags += [
        ("citation_journal_title", JOURNAL),
        ("citation_public_url", c.url),
        ("citation_abstract_html_url", c.url),
        ("citation_fulltext_html_url", c.url),
        ("citation_language", LANGUAGE),
    ]
    return tags
