"""The parser: one scraped page's text -> a ParsedPage and its problems. Pure Python, no Django.

page.py        parse_page: the stages in order, and the text's normalising
filenames.py   what a file's name says of its page and original address
header.py      the header, the title line and the kind of page
article.py     an article's photos, repeated captions, dateline and paragraphs
listing.py     a listing's items, shapes A-G
photo.py       a photo page's caption
blocks.py      blocks of lines, and the lines only the site printed
captions.py    captions and their repeats; credits.py credits and agencies
datelines.py   datelines; dates.py dates in captions and by-lines, Media ID estimates
keys.py        a listing excerpt's key, matched against articles' texts
shapes.py      what it gives: ParsedPage, MediaBlock, ListingItem, NameHints
"""

from .captions import caption_key
from .credits import agency_of, split_credit
from .datelines import find_dateline
from .dates import dates_in, estimate_from_media_id
from .filenames import hints_from_name
from .keys import excerpt_begins, excerpt_key
from .page import normalise_text, parse_page
from .shapes import ARTICLE, KINDS, LISTING, PHOTO, SITE_URL, UNKNOWN, ListingItem, MediaBlock, NameHints, ParsedPage

__all__ = [
    "ARTICLE",
    "KINDS",
    "LISTING",
    "PHOTO",
    "SITE_URL",
    "UNKNOWN",
    "ListingItem",
    "MediaBlock",
    "NameHints",
    "ParsedPage",
    "agency_of",
    "caption_key",
    "dates_in",
    "estimate_from_media_id",
    "excerpt_begins",
    "excerpt_key",
    "find_dateline",
    "hints_from_name",
    "normalise_text",
    "parse_page",
    "split_credit",
]
