"""The parser against golden files, and its edge cases.

Each ``tests/data/<case>.txt`` has a ``<case>.json`` beside it recording what a careful reader
extracts from the page; only the keys present in the JSON are checked, and a key the harness
does not know (a typo such as "titel") fails the case instead of checking nothing.
"""

import json
import textwrap

from django.test import SimpleTestCase

from articles import matching
from articles.ingest import parsing
from articles.ingest.parsing import parse_page, split_credit
from tests.helpers import DATA

MEDIA_KEYS = ("media_id", "caption", "credit", "agency")
ITEM_KEYS = ("title", "author", "date", "sections", "media_ids", "captions", "excerpt_starts")


def golden_cases():
    for text_path in sorted(DATA.glob("*.txt")):
        json_path = text_path.with_suffix(".json")
        if json_path.exists():
            yield text_path, json.loads(json_path.read_text(encoding="utf-8"))


def read_case(path):
    """Decode a case as ingest does, so BOM and CRLF cases are read the same way."""
    from articles.ingest.files import source_from_bytes

    raw = path.read_bytes()
    source = source_from_bytes(str(path), raw, 5 * 1024 * 1024)
    return parse_page(source.text, source_name=path.name, size=len(raw))


def observed(page):
    """The parsed page in the golden files' vocabulary."""
    items = [
        {
            "title": item.title,
            "author": item.author,
            "date": item.date.isoformat() if item.date else None,
            "sections": item.sections,
            "media_ids": [m.media_id for m in item.media if m.media_id],
            "captions": [m.caption for m in item.media],
            "excerpt_starts": item.excerpt,
        }
        for item in page.items
    ]
    values = {
        "kind": page.kind,
        "listing_kind": page.listing_kind,
        "title": page.title,
        "is_truncated": page.is_truncated,
        "dateline": page.dateline,
        "dateline_raw": page.dateline_raw,
        "body_starts": page.paragraphs[0] if page.paragraphs else "",
        "body_ends": page.paragraphs[-1] if page.paragraphs else "",
        "paragraph_count": len(page.paragraphs),
        "media": [{key: getattr(m, key) for key in MEDIA_KEYS} for m in page.media],
        "captions": page.captions,
        "published_on": page.published_on.isoformat() if page.published_on else None,
        "date_source": page.date_source,
        "listing_items": len(page.items),
        "items": items,
    }
    return values


def unknown_keys(expected, got):
    """The keys of a golden file that the observed page does not have."""
    unknown = [key for key in expected if key not in got]
    for key, known in (("media", MEDIA_KEYS), ("items", ITEM_KEYS)):
        unknown += [f"{key}.{k}" for entry in expected.get(key, []) for k in entry if k not in known]
    return unknown


def matches(key, got, want):
    if key == "body_starts":
        return got.startswith(want)
    if key == "body_ends":
        return got.endswith(want)
    if key == "media":
        return len(got) == len(want) and all(all(g.get(k) == v for k, v in w.items()) for g, w in zip(got, want))
    if key == "items":
        return len(got) == len(want) and all(
            all(g[k].startswith(v) if k == "excerpt_starts" else g.get(k) == v for k, v in w.items())
            for g, w in zip(got, want)
        )
    return got == want


class GoldenFileTests(SimpleTestCase):
    maxDiff = None

    def test_golden_files(self):
        cases = list(golden_cases())
        self.assertGreaterEqual(len(cases), 7, "the seed and the six samples at least")
        for text_path, expected in cases:
            with self.subTest(case=text_path.name):
                got = observed(read_case(text_path))
                self.assertEqual(unknown_keys(expected, got), [], f"{text_path.name}: keys the harness does not know")
                for key, want in expected.items():
                    self.assertTrue(
                        matches(key, got[key], want),
                        f"{text_path.name}: {key}\n  expected: {want!r}\n  parsed:   {got[key]!r}",
                    )

    def test_a_key_the_harness_does_not_know_is_reported(self):
        got = observed(read_case(next(DATA.glob("seed-*.txt"))))
        expected = {"titel": "x", "title": "y", "media": [{"captoin": "z"}], "items": [{"auther": "w"}]}
        self.assertEqual(unknown_keys(expected, got), ["titel", "media.captoin", "items.auther"])

    def test_seed_is_read_in_full(self):
        page = read_case(next(DATA.glob("seed-*.txt")))
        self.assertEqual(page.kind, parsing.ARTICLE)
        self.assertEqual(page.title, "U.S.-led Jets Kill Dozens of Syrian Soldiers")
        self.assertEqual(page.dateline, "Beirut, Washington")
        self.assertEqual([m.media_id for m in page.media], [55358541])
        self.assertEqual(page.media[0].credit, "Sputnik/Kremlin/Alexei Druzhinin/via REUTERS")
        self.assertTrue(page.media[0].caption.endswith("Hangzhou, China, September 5, 2016."))
        self.assertTrue(page.paragraphs[0].startswith("Dozens of regime forces soldiers"))
        self.assertNotIn("Media ID", page.body)
        self.assertNotIn("Select Page", page.body)


class EdgeCaseTests(SimpleTestCase):
    def test_never_raises_on_garbage(self):
        for text in [
            "",
            "\n\n\n",
            "Select Page",
            "Media ID:",
            "Caption:",
            "by | |",
            "—",
            "...Caption:Caption:",
            "Media ID: 1234567\nCaption:\n\n",
            "\x00\x01",
            "x" * 100000,
            "(" * 5000 + "AFP",
        ]:
            with self.subTest(text=text[:20]):
                page = parse_page(text)
                self.assertIn(page.kind, parsing.KINDS)

    def test_listing_never_becomes_article_even_unnamed(self):
        text = textwrap.dedent("""\
            by Hamza Mustafa | Aug 28, 2014 | Middle East
            Beirut, Asharq Al-Awsat—The fighting went on...
            by Amir Taheri | Jun 27, 2014 | Opinion
            The current crisis in Iraq is routinely described...
            """)
        page = parse_page(text, source_name="unnamed.txt")
        self.assertEqual(page.kind, parsing.LISTING)
        self.assertEqual([i.author for i in page.items], ["Hamza Mustafa", "Amir Taheri"])

    def test_a_page_is_a_photo_page_on_positive_evidence_only(self):
        header = "Talks resume in Geneva | ASHARQ AL-AWSAT English Archive 2005 -2017\nSelect Page\n\n"
        cases = {
            "The talks resumed on Monday after a week's pause.": parsing.ARTICLE,
            "Delegates arrive for the talks. (AFP)": parsing.PHOTO,
            "Delegates arrive for the talks. REUTERS/Denis Balibouse": parsing.PHOTO,
            "Caption: Delegates arrive for the talks.": parsing.PHOTO,
        }
        for text, kind in cases.items():
            with self.subTest(text=text):
                self.assertEqual(parse_page(header + text + "\n", source_name="unnamed.txt").kind, kind)

    def test_html_in_title_is_kept_as_text(self):
        page = parse_page(
            "Middle-east Arab News Opinion | Asharq Al-awsat\n\n"
            "<script>alert(1)</script> truce | ASHARQ AL-AWSAT English Archive 2005 -2017\nSelect Page\n\n"
            "Gaza, Reuters—The truce held overnight.\n"
        )
        self.assertEqual(page.title, "<script>alert(1)</script> truce")
        self.assertEqual(page.dateline, "Gaza, Reuters")

    def test_hyphenated_first_word_is_not_a_dateline(self):
        for text in ("U.S.-led jets struck the base.", "Al-Assad’s forces advanced.", "Pro-Government forces held."):
            with self.subTest(text=text):
                self.assertEqual(parsing.find_dateline(text)[0], "")

    def test_dateline_forms(self):
        cases = {
            "Beirut, Asharq Al-Awsat—Several villages": ("Beirut, Asharq Al-Awsat", "Several villages"),
            "Nouakchott/ Algiers, Asharq Al-Awsat –The talks": ("Nouakchott/ Algiers, Asharq Al-Awsat", "The talks"),
            "Tripoli, Libya, AP—Gunmen": ("Tripoli, Libya, AP", "Gunmen"),
            "Beirut – The army": ("Beirut", "The army"),
            "Beirut– The army": ("Beirut", "The army"),
            "Riyadh, Mecca- Pilgrims": ("Riyadh, Mecca", "Pilgrims"),
            "New York-Amid the talks": ("New York", "Amid the talks"),
            "London and Beirut, Asharq Al-Awsat—The": ("London and Beirut, Asharq Al-Awsat", "The"),
        }
        for text, (dateline, rest) in cases.items():
            with self.subTest(text=text):
                got = parsing.find_dateline(text)
                self.assertEqual((got[0], got[2]), (dateline, rest))

    def test_credit_forms(self):
        cases = {
            "Soldiers stand guard. (AP Photo/Bilal Hussein)": (
                "Soldiers stand guard.",
                "(AP Photo/Bilal Hussein)",
                "AP",
            ),
            "A rally in Cairo. AFP PHOTO / STR": ("A rally in Cairo.", "AFP PHOTO / STR", "AFP"),
            "Protesters march (EPA/Yahya Arhab)": ("Protesters march", "(EPA/Yahya Arhab)", "EPA"),
            "Smoke rises.(EPA)": ("Smoke rises.", "(EPA)", "EPA"),
            "A fighter in Aleppo. REUTERS/Bassam Khabieh": (
                "A fighter in Aleppo.",
                "REUTERS/Bassam Khabieh",
                "Reuters",
            ),
            "Tunis on Friday (AFP PHOTO/FETHI BELAID_": ("Tunis on Friday", "(AFP PHOTO/FETHI BELAID_", "AFP"),
            "President Aoun meets the envoy. (Dalati and Nohra)": (
                "President Aoun meets the envoy.",
                "(Dalati and Nohra)",
                "Other",
            ),
            "Putin (L) meets Obama, September 5, 2016. Sputnik/Kremlin/Alexei Druzhinin/via REUTERS": (
                "Putin (L) meets Obama, September 5, 2016.",
                "Sputnik/Kremlin/Alexei Druzhinin/via REUTERS",
                "Reuters",
            ),
            "A view of the city.": ("A view of the city.", "", ""),
        }
        for text, (caption, credit, agency) in cases.items():
            with self.subTest(text=text):
                got_caption, got_credit = split_credit(text)
                self.assertEqual((got_caption, got_credit, parsing.agency_of(got_credit)), (caption, credit, agency))

    def test_media_id_estimates_month_between_anchors(self):
        self.assertEqual(parsing.estimate_from_media_id(55358541).isoformat(), "2016-09-01")
        self.assertIsNone(parsing.estimate_from_media_id(55000001))

    def test_arabic_text_survives(self):
        page = parse_page(
            "Middle-east Arab News Opinion | Asharq Al-awsat\n\nArabic press | ASHARQ AL-AWSAT English Archive\n"
            "Select Page\n\nLondon – The paper’s Arabic edition led with «سوريا» on Monday.\n"
        )
        self.assertIn("سوريا", page.body)


class DamagedPageTests(SimpleTestCase):
    """Real pages damaged at random (cut, lines lost or doubled, junk inserted) never crash it."""

    def test_mutated_golden_pages_parse_without_error(self):
        import random

        rng = random.Random(2024)
        junk = [
            "\x00",
            "\ufffd",
            "Media ID:",
            "Caption:",
            "Select Page",
            "...",
            "—",
            "|",
            "by  |",
            "(AP Photo/",
            "Middle-east Arab News Opinion | Asharq Al-awsat",
            "\r",
            "\t",
            "سوريا",
            "<b>",
        ]
        for text_path, _ in golden_cases():
            text = text_path.read_text(encoding="utf-8", errors="replace")
            for _ in range(25):
                lines = text.split("\n")
                operation = rng.randrange(5)
                if operation == 0:
                    mutated = text[: rng.randrange(len(text) + 1)]
                elif operation == 1 and lines:
                    del lines[rng.randrange(len(lines))]
                    mutated = "\n".join(lines)
                elif operation == 2 and lines:
                    i = rng.randrange(len(lines))
                    lines.insert(i, lines[i])
                    mutated = "\n".join(lines)
                elif operation == 3:
                    i = rng.randrange(len(text) + 1)
                    mutated = text[:i] + rng.choice(junk) + text[i:]
                else:
                    mutated = "\n".join(rng.sample(lines, len(lines)))
                with self.subTest(case=text_path.name, operation=operation):
                    page = parse_page(mutated, source_name=text_path.name)
                    self.assertIn(page.kind, parsing.KINDS)


class FilePhotoDateTests(SimpleTestCase):
    def article(self, *captions):
        blocks = "\n\n".join(captions)
        return parse_page(
            f"Middle-east Arab News Opinion | Asharq Al-awsat\n\nA title | ASHARQ AL-AWSAT English Archive\n"
            f"Select Page\n{blocks}\n\nBeirut, Asharq Al-Awsat—Fighting went on for a third day.\n",
            source_name="article.txt",
        )

    def test_a_file_photo_caption_does_not_date_the_article(self):
        for caption in [
            "File photo of fighters in Aleppo from August 6, 2012. (Reuters)",
            "Fighters in Aleppo, August 6, 2012. (File)",
            "Fighters in Aleppo, August 6, 2012. REUTERS/Hosam Katan/Files",
            "Fighters in Aleppo, in this August 6, 2012 photo. (AP Photo/Hussein Malla, File)",
        ]:
            with self.subTest(caption=caption):
                page = self.article(caption, caption)
                self.assertIsNone(page.published_on)
                self.assertEqual(page.date_source, "")

    def test_another_printing_of_a_file_photos_caption_does_not_date_it_either(self):
        page = self.article(
            "Soldiers at the scene, Dec. 17, 2013. (AP Photo/Bilal Hussein)",
            "Soldiers near the village, in this December 17, 2013, file photo. (AP Photo/Bilal Hussein)",
        )
        self.assertIsNone(page.published_on)

    def test_a_current_photo_beside_a_file_photo_still_dates_the_article(self):
        page = self.article(
            "Fighters in Aleppo, January 20, 2014. (AFP PHOTO/AMMAR AL-ARBINI)",
            "File photo of fighters in Aleppo from August 6, 2012. (Reuters)",
        )
        self.assertEqual(str(page.published_on), "2014-01-20")
        self.assertEqual(page.date_source, "caption")


class MatchKeyTests(SimpleTestCase):
    BODY = (
        "Algerian President Abdelaziz Bouteflika won a fourth term in office with 81.5 percent of the vote, "
        "the interior minister said on Friday, despite concerns about his health."
    )

    def test_titles_match_whatever_their_case_quotes_dashes_and_accents(self):
        self.assertEqual(
            matching.title_key("Iraq’s Sunnis — “Déjà-Vu”"), matching.title_key('IRAQ\'S SUNNIS - "Deja Vu"')
        )
        self.assertNotEqual(matching.title_key("Iraq’s Sunnis"), matching.title_key("Iraq’s Shi’ites"))

    def test_an_excerpt_with_a_dateline_and_ellipsis_begins_the_text_without_them(self):
        body = matching.match_key(self.BODY)
        for excerpt in [
            "Algiers, Reuters—Algerian President Abdelaziz Bouteflika won a fourth term in office with 81.5 per...",
            "Algiers – Algerian President Abdelaziz Bouteflika won a fourth term in office with 81.5 percent…",
            "Algerian President Abdelaziz Bouteflika won a fourth term in office with 81.5 percent of the vote...",
        ]:
            with self.subTest(excerpt=excerpt):
                self.assertTrue(parsing.excerpt_begins(excerpt, body))
                self.assertEqual(matching.opening_key(parsing.excerpt_key(excerpt)), matching.opening_key(body))

    def test_another_text_or_a_short_excerpt_does_not_match(self):
        body = matching.match_key(self.BODY)
        self.assertFalse(parsing.excerpt_begins("Algerian President Abdelaziz Bouteflika lost...", body))
        self.assertFalse(
            parsing.excerpt_begins(
                "Algerian President Abdelaziz Bouteflika won a third term in office with 90 percent of the vote...",
                body,
            )
        )


HEADER_ONLY = "Middle-east Arab News Opinion | Asharq Al-awsat\n\n"
TITLED_ONLY = HEADER_ONLY + "Title | ASHARQ AL-AWSAT English Archive 2005 -2017\nSelect Page\n\n"


class LinearTimeTests(SimpleTestCase):
    """Every stage reads a page in time linear in its size. Each shape below, at a size where
    any quadratic stage takes minutes (a title line of 60,000 spaces took 34 s), must parse
    within a bound hundreds of times what a linear reading takes; a regression fails at the
    bound rather than hanging the suite."""

    BOUND_SECONDS = 10
    SIZE = 1_000_000
    SHAPES = {
        "a title line of spaces": lambda n: HEADER_ONLY + "T" + " " * n + "x\nSelect Page\n\nBody text.\n",
        "a caption of 'a / ' repeated": lambda n: (
            TITLED_ONLY + "Media ID: 55000001\nCaption:\n\n" + "a / " * (n // 4) + "\n\nBeirut – Body.\n"
        ),
        "a by-line of spaces": lambda n: "by " + " " * n + "| x\nExcerpt...\n",
        "a by-line of bars": lambda n: "by " + "x | " * (n // 4) + "\nExcerpt...\n",
        "short paragraphs": lambda n: TITLED_ONLY + "\n\n".join("Word." for _ in range(n // 7)) + "\n",
        "a line of dots": lambda n: TITLED_ONLY + "." * n + "x\n",
        "a listing title of spaces": lambda n: (
            HEADER_ONLY + "Tag" + " " * n + "Archives | ASHARQ AL-AWSAT English Archive\n"
        ),
    }

    def test_each_pathological_shape_parses_within_its_bound(self):
        from articles.ingest.timelimit import TooLong, time_limit

        for name, shape in self.SHAPES.items():
            text = shape(self.SIZE)
            with self.subTest(shape=name):
                try:
                    with time_limit(self.BOUND_SECONDS):
                        parse_page(text, source_name="x.txt")
                except TooLong:
                    self.fail(f"{name}: more than {self.BOUND_SECONDS} s for {len(text):,} characters")
