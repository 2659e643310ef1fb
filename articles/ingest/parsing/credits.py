"""Photo credits at the end of a caption, in every form the site printed them, and the agency
each names. Agency words are what make a caption's tail a credit rather than text."""

from __future__ import annotations

import re

# Credits at the end of a caption. Agency words are what make a tail a credit rather than text.
AGENCY_WORD = (
    r"(?:REUTERS|Reuters|AFP|A\.?F\.?P|EPA|epa|AP|Associated Press|Getty(?:\s+Images)?|"
    r"Asharq\s+Al-?Awsat|SANA|Sputnik|Anadolu|Xinhua|KUNA|SPA|WAM|IRNA|Photo|PHOTO|photo)"
)
AGENCY_WORD_RE = re.compile(rf"\b{AGENCY_WORD}\b")
REUTERS_TAGS_TAIL_RE = re.compile(r"\s*\((?P<tail>[A-Z][A-Z .,/&-]*\s*[–—-]\s*Tags?\s*:[^)]*)\)\s*$")
EPA_CODE_RE = re.compile(r"^(?P<code>epa\d{6,10})\s+", re.I)
PAREN_CREDIT_RE = re.compile(r"\s*(?P<credit>\((?P<inner>[^()]{2,120})\))\s*\.?\s*$")
AGENCY_PAREN_CREDIT_RE = re.compile(rf"\s*(?P<credit>{AGENCY_WORD}\s*\((?:PHOTO|Photo)[^()]*\))\s*\.?\s*$")
UNCLOSED_PAREN_CREDIT_RE = re.compile(rf"\s*(?P<credit>\((?:{AGENCY_WORD})[^()]{{0,80}})$")
SENTENCE_BOUNDARY_RE = re.compile(r"(?<=[.!?”\"’)])\s+(?=\S)")
INLINE_CREDIT_RE = re.compile(
    r"(?:^|\s)(?P<credit>(?:[\w’'.-]+\s*/\s*)*(?:REUTERS|AFP PHOTO|AFP|EPA|AP Photo)\s*/\s*[^/]{2,60})$"
)
CREDIT_NAME_RE = re.compile(r"^[A-Z][\w’'.-]*(?:\s+(?:and|&|[A-Z][\w’'.-]*))*$")
AGENCY_PATTERNS = [
    ("via", re.compile(r"\bvia\s+(?P<agency>REUTERS|Reuters|AFP|AP|EPA|Getty)", re.I)),
    ("AFP", re.compile(r"\bAFP\b|\bA\.F\.P\b")),
    ("EPA", re.compile(r"\bEPA\b|\bepa\d*", re.I)),
    ("AP", re.compile(r"\bAP\b(?!\w)|\bAssociated Press\b")),
    ("Reuters", re.compile(r"\breuters\b", re.I)),
    ("Getty Images", re.compile(r"\bGetty\b", re.I)),
    ("Asharq Al-Awsat", re.compile(r"\bAsharq\s+Al-?Awsat\b", re.I)),
]
AGENCY_BY_WORD = {"reuters": "Reuters", "afp": "AFP", "ap": "AP", "epa": "EPA", "getty": "Getty Images"}
# No credit the site printed comes near this length: the credit forms are sought in a caption's
# last characters alone, which keeps reading a caption linear in its length, however long.
CREDIT_TAIL = 400


def split_credit(text: str) -> tuple[str, str]:
    """Split a photo credit off the end of a caption: (caption, credit). Credit is "" if none."""
    text = re.sub(r"\s+", " ", text).strip()
    code = ""
    code_match = EPA_CODE_RE.match(text)
    if code_match:
        code, text = code_match["code"], text[code_match.end() :]
    head, text = head_and_tail(text)
    tail = ""
    tags = REUTERS_TAGS_TAIL_RE.search(text)
    if tags:
        tail, text = tags.group(0).strip(), text[: tags.start()].rstrip()
    caption, credit = credit_at_end(text)
    if tail:
        if credit:
            credit = f"{credit} {tail}"
        else:
            caption = f"{caption} {tail}"
    if code:
        credit = f"{credit} {code}".strip()
    if head:
        caption = f"{head} {caption}"
    return caption.strip(), credit.strip()


def head_and_tail(text: str) -> tuple[str, str]:
    """A long caption split at a space before its last CREDIT_TAIL characters: ("", text) for
    a short one. Its credit, if any, is in the tail."""
    if len(text) <= CREDIT_TAIL:
        return "", text
    start = len(text) - CREDIT_TAIL
    cut = text.find(" ", start)
    cut = cut if cut >= 0 else start - 1
    return text[:cut], text[cut + 1 :]


def credit_at_end(text: str) -> tuple[str, str]:
    """The credit forms of FORMAT: parenthesised, agency tails, slash names, bare agencies."""
    for pattern in (AGENCY_PAREN_CREDIT_RE, PAREN_CREDIT_RE, UNCLOSED_PAREN_CREDIT_RE):
        match = pattern.search(text)
        if not match:
            continue
        inner = match.groupdict().get("inner") or match["credit"]
        before = text[: match.start()].rstrip()
        if pattern is PAREN_CREDIT_RE and not (
            AGENCY_WORD_RE.search(inner)
            or (CREDIT_NAME_RE.match(inner.strip()) and len(inner.split()) >= 2 and ends_sentence(before))
        ):
            continue
        if pattern is PAREN_CREDIT_RE and re.search(r"[–—-]\s*Tags?:", inner):
            continue
        return before, match["credit"].strip()
    # A credit after the last sentence: "… 2016. Sputnik/Kremlin/Alexei Druzhinin/via REUTERS".
    pieces = SENTENCE_BOUNDARY_RE.split(text)
    if len(pieces) > 1:
        last = pieces[-1].strip()
        if is_credit_tail(last):
            return text[: len(text) - len(pieces[-1])].rstrip(), last
    inline = INLINE_CREDIT_RE.search(text)
    if inline and inline.start("credit") > 0:
        return text[: inline.start("credit")].rstrip(), inline["credit"].strip()
    return text, ""


def is_credit_tail(text: str) -> bool:
    """A short trailing piece naming an agency or photographer rather than a sentence."""
    if not text or len(text) > 90 or not AGENCY_WORD_RE.search(text):
        return False
    if text.endswith((".", "?", "!")) and not re.search(r"/\s*\S+\.$", text):
        return False
    lower_words = [w for w in re.findall(r"[A-Za-z]+", text) if w.islower()]
    return all(
        w in {"via", "file", "photo", "and", "handout", "pool", "images", "de", "al", "el", "bin"} for w in lower_words
    )


def ends_sentence(text: str) -> bool:
    return bool(text) and bool(re.search(r"[.!?”\"’)\d]$", text))


def agency_of(credit: str) -> str:
    """The agency a credit names: Reuters, AFP, AP, EPA, Getty Images, Asharq Al-Awsat or Other."""
    if not credit:
        return ""
    via = AGENCY_PATTERNS[0][1].search(credit)
    if via:
        return AGENCY_BY_WORD[via["agency"].lower()]
    found = [(m.start(), name) for name, pattern in AGENCY_PATTERNS[1:] if (m := pattern.search(credit))]
    return min(found)[1] if found else "Other"


def is_credit_line(line: str) -> bool:
    """A line that is a credit alone, printed below its caption: "(AP Photo/Karim Kadim)",
    "REUTERS/Stringer", "(AFP)", "Reuters". Only short credit forms count (a slash, parentheses,
    a single word, or up to three words led by an agency in capitals), so a title naming an
    agency ("Photo Gallery", "Reuters Reporter Freed in Syria") is not taken for one."""
    words = line.split()
    if not words or len(line) > 90:
        return False
    short_form = "/" in line or line.startswith("(") or len(words) == 1 or (len(words) <= 3 and words[0].isupper())
    if not short_form:
        return False
    caption, credit = split_credit(f"A. {line}")
    return bool(credit) and caption == "A."
