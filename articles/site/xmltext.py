"""Text as XML 1.0 can hold it: what a feed or a chart carries of stored text or a searcher's
words. XML 1.0 forbids most control characters, lone surrogates and U+FFFE/U+FFFF; an editor's
title or a query may hold them, and one of them in a feed stops every reader's feed reader
(Django's feed writer refuses some outright, and lets the others through malformed)."""

import re

# What XML 1.0's Char production leaves out.
NOT_XML_RE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def xml_text(value):
    """``value`` without the characters XML 1.0 forbids; anything but text as it is."""
    return NOT_XML_RE.sub("", value) if isinstance(value, str) else value


def xml_values(values):
    """A feed's or an entry's fields (a dict), their text and lists of text made XML's."""
    return {
        key: [xml_text(v) for v in value] if isinstance(value, (list, tuple)) else xml_text(value)
        for key, value in values.items()
    }
