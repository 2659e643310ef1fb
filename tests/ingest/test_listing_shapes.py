"""Listing pages in every shape A-G keep their items: titles, excerpts and photos, and no item's
text ever read as a photo's caption (shape F runs an excerpt's "..." straight into the next
"Caption:", and real pages print it with or without blank lines, credits and labels)."""

from django.test import SimpleTestCase

from articles.ingest import parsing
from articles.ingest.parsing import parse_page
from tests.helpers import DATA
from tests.ingest.test_parsing import read_case

# Every listing page among the test pages: its shape (FORMAT.md, "Listing pages") and how many
# items a careful reader counts on it. A page added to tests/data must be added here.
LISTING_PAGES = {
    "author-shape-a-title-without-archives-saleh-al-mutlaq.txt": ("A", 3),
    "author-shape-c-youssef-cherif.txt": ("C", 2),
    "author-shape-d-no-header-single-item-hamza-mustafa.txt": ("D", 1),
    "author-shape-g-title-then-duplicated-caption-n-alhaqbani-page-6.txt": ("G", 2),
    "category-opinion-page-830.txt": ("A", 6),
    "category-shape-b-archives-without-years-doubled-titles-majalla-blogs.txt": ("B", 5),
    "tag-jihan-port.txt": ("C", 1),
    "tag-shape-c-archives-dash-with-years-accented-name-yusuf-halacoglu.txt": ("C", 1),
    "tag-shape-c-archives-dash-without-years-media-id-with-no-caption-soufiane.txt": ("C", 2),
    "tag-shape-c-lowercase-name-media-id-without-caption-label-iranian-public.txt": ("C", 2),
    "tag-shape-c-standalone-media-blocks-egyptian-constitution-page-2.txt": ("C", 2),
    "tag-shape-d-accented-author-names-islamic-revolution.txt": ("D", 3),
    "tag-shape-d-comma-joined-sections-asharq-al-awsat-author-al-hashd-al-shaabi.txt": ("D", 4),
    "tag-shape-d-crlf-line-endings-kurdish-democratic-party.txt": ("D", 3),
    "tag-shape-d-truncated-2000-bytes-national-alliance-page-2.txt": ("D", 5),
    "tag-shape-e-media-id-before-by-line-items-bab-al-tabbaneh.txt": ("E", 2),
    "tag-shape-f-caption-glued-to-excerpt-al-taji.txt": ("F", 3),
    "tag-shape-f-caption-on-label-line-no-blank-lines-credit-own-line-abu-ghraib.txt": ("F", 3),
    "tag-shape-f-captions-without-credit-no-blank-lines-yemeni-national-dialogue.txt": ("F", 3),
    "tag-shape-f-crlf-word-caption-in-excerpts-fpm.txt": ("F", 3),
    "tag-shape-f-first-item-without-caption-two-captions-media-id-truncated-gaza-city.txt": ("F", 3),
    "tag-shape-f-mixed-with-shape-c-and-d-items-mohamed-brahmi.txt": ("F+C+D", 4),
    "tag-shape-g-full-texts-king-salman-bin-abdulaziz.txt": ("G", 2),
    "tag-sunnis-page-2.txt": ("D", 5),
    "unnamed-page-by-line-items.txt": ("D", 2),
    "unnamed-page-caption-title-excerpt-items.txt": ("F", 2),
    "unnamed-page-media-blocks-doubled-titles.txt": ("C", 1),
}


def listing_pages():
    for path in sorted(DATA.glob("*.txt")):
        page = read_case(path)
        if page.kind == parsing.LISTING:
            yield path.name, page


def item_texts(page):
    """What a reader of each item sees: its title and the start of its excerpt."""
    texts = []
    for item in page.items:
        texts += [item.title] if item.title else []
        texts += [item.excerpt[:60]] if item.excerpt else []
    return texts


class ListingCountTests(SimpleTestCase):
    maxDiff = None

    def test_every_listing_page_keeps_its_items(self):
        got = {name: (LISTING_PAGES.get(name, ("?", 0))[0], len(page.items)) for name, page in listing_pages()}
        self.assertEqual(got, LISTING_PAGES)

    def test_no_items_text_becomes_a_photos_caption(self):
        for name, page in listing_pages():
            captions = [m.caption for m in page.media if m.caption]
            for text in item_texts(page):
                with self.subTest(page=name, text=text):
                    self.assertFalse([c for c in captions if text in c], "an item's text read as a caption")

    def test_every_item_has_a_title_or_a_by_line_and_an_excerpt(self):
        for name, page in listing_pages():
            for item in page.items:
                with self.subTest(page=name, item=item.title or item.author):
                    self.assertTrue(item.title or item.author)
                    self.assertTrue(item.excerpt)


def tag_page(text, name="tag-al-taji.txt"):
    return parse_page(text, source_name=name)


def summary(page):
    """(title, excerpt's first words, captions) of each item."""
    return [(i.title, " ".join(i.excerpt.split()[:3]), [m.caption for m in i.media]) for i in page.items]


CAP_1 = "Iraqi soldiers stand guard outside Al-Taji prison, July 22, 2013."
CAP_2 = "Smoke rises over Al-Taji, April 16, 2014."
TITLE_1, TITLE_2 = "Hundreds of Inmates Escape", "Car Bomb Kills Soldiers"
EXCERPT_1 = "Baghdad, Asharq Al-Awsat—Hundreds of inmates escaped from the prison, officials told the..."
EXCERPT_2 = "A car bomb exploded near an army checkpoint in the town of Al-Taji on Wednesday, killing..."
WANTED = [
    (TITLE_1, "Baghdad, Asharq Al-Awsat—Hundreds", [CAP_1]),
    (TITLE_2, "A car bomb", [CAP_2]),
]


class ShapeFVariantTests(SimpleTestCase):
    """Shape F as real pages print it: each variant keeps both items, their titles, excerpts and
    photos."""

    def assertItems(self, text, wanted=WANTED, name="tag-al-taji.txt"):
        page = tag_page(text, name)
        self.assertEqual(page.kind, parsing.LISTING)
        self.assertEqual(summary(page), wanted)
        return page

    def test_blank_lines_between_caption_title_and_excerpt(self):
        self.assertItems(
            f"Caption:\n\n{CAP_1} (AP Photo/Karim Kadim)\n\n\n{TITLE_1}\n\n{EXCERPT_1}"
            f"Caption:\n\n{CAP_2} REUTERS/Stringer\n\n\n{TITLE_2}\n\n{EXCERPT_2}\n"
        )

    def test_caption_on_the_labels_line_and_no_blank_lines(self):
        self.assertItems(
            f"Caption: {CAP_1} (AP Photo/Karim Kadim)\n{TITLE_1}\n{EXCERPT_1}"
            f"Caption: {CAP_2} REUTERS/Stringer\n{TITLE_2}\n{EXCERPT_2}\n"
        )

    def test_a_caption_without_credit_ends_at_the_title(self):
        self.assertItems(f"Caption:\n{CAP_1}\n{TITLE_1}\n{EXCERPT_1}Caption: {CAP_2}\n{TITLE_2}\n{EXCERPT_2}\n")

    def test_a_caption_without_credit_or_full_stop_ends_at_the_title(self):
        caption = "Iraqi soldiers stand guard outside Al-Taji prison"
        page = self.assertItems(
            f"Caption:\n{caption}\n{TITLE_1}\n{EXCERPT_1}Caption:\n{CAP_2}\n{TITLE_2}\n{EXCERPT_2}\n",
            wanted=[(TITLE_1, WANTED[0][1], [caption]), WANTED[1]],
        )
        self.assertEqual(page.media[0].credit, "")

    def test_a_credit_on_its_own_line_stays_with_its_caption(self):
        page = self.assertItems(
            f"Caption:\n{CAP_1}\n(AP Photo/Karim Kadim)\n{TITLE_1}\n{EXCERPT_1}"
            f"Caption:\n\n{CAP_2}\nREUTERS/Stringer\n\n\n{TITLE_2}\n\n{EXCERPT_2}\n"
        )
        self.assertEqual([m.credit for m in page.media], ["(AP Photo/Karim Kadim)", "REUTERS/Stringer"])
        self.assertEqual([m.agency for m in page.media], ["AP", "Reuters"])

    def test_two_captions_before_one_item(self):
        self.assertItems(
            f"Caption:\n\n{CAP_1} (AFP)\n\n\nCaption:\n\n{CAP_2} (AFP)\n\n\n{TITLE_1}\n\n{EXCERPT_1}"
            f"Caption:\n{CAP_2}\n{TITLE_2}\n{EXCERPT_2}\n",
            wanted=[(TITLE_1, WANTED[0][1], [CAP_1, CAP_2]), WANTED[1]],
        )

    def test_a_first_item_without_a_caption(self):
        self.assertItems(
            f"{TITLE_1}\n\n{EXCERPT_1}Caption:\n\n{CAP_2} (AFP)\n\n\n{TITLE_2}\n\n{EXCERPT_2}\n",
            wanted=[(TITLE_1, WANTED[0][1], []), WANTED[1]],
        )

    def test_an_empty_caption_label_leaves_the_title_a_title(self):
        self.assertItems(
            f"Caption:\n\n\n{TITLE_1}\n\n{EXCERPT_1}Caption:\n{TITLE_2}\n{EXCERPT_2}\n",
            wanted=[(TITLE_1, WANTED[0][1], []), (TITLE_2, WANTED[1][1], [])],
        )

    def test_a_media_id_before_a_caption_on_its_line_or_glued_to_the_excerpt(self):
        for glue in ("", "\n", " "):
            with self.subTest(glue=repr(glue)):
                page = self.assertItems(
                    f"Media ID: 55312001\nCaption:\n\n{CAP_1} (AFP)\n\n\n{TITLE_1}\n\n{EXCERPT_1}{glue}"
                    f"Media ID: 55312468\nCaption:\n\n{CAP_2} (AFP)\n\n\n{TITLE_2}\n\n{EXCERPT_2}\n"
                )
                self.assertEqual([m.media_id for i in page.items for m in i.media], [55312001, 55312468])

    def test_the_last_excerpt_ending_in_dots_or_cut_mid_word(self):
        for end in ("...", " in the tow", "…", "... "):
            with self.subTest(end=end):
                self.assertItems(
                    f"Caption:\n\n{CAP_1} (AFP)\n\n\n{TITLE_1}\n\n{EXCERPT_1}"
                    f"Caption:\n\n{CAP_2} (AFP)\n\n\n{TITLE_2}\n\n{EXCERPT_2[:40]}{end}"
                )

    def test_trailing_spaces_after_the_dots_before_the_label(self):
        self.assertItems(
            f"Caption:\n\n{CAP_1} (AFP)\n\n\n{TITLE_1}\n\n{EXCERPT_1}   Caption:\n\n{CAP_2} (AFP)\n\n\n{TITLE_2}\n\n"
            f"{EXCERPT_2}\n"
        )

    def test_crlf_line_endings(self):
        text = (
            f"Caption:\n{CAP_1} (AFP)\n{TITLE_1}\n{EXCERPT_1}Caption:\n\n{CAP_2} (AFP)\n\n\n{TITLE_2}\n\n{EXCERPT_2}\n"
        )
        self.assertItems(text.replace("\n", "\r\n"))

    def test_the_word_caption_in_an_excerpt_stays_in_the_excerpt(self):
        running = [
            "under banners reading “Caption: Lebanon First” as the minister spoke...",
            "as the Caption: contest went on. Caption: was the word of the day...",
            "and the photo’s Caption read “Al-Taji” in large letters...",
        ]
        for words in running:
            with self.subTest(words=words):
                excerpt = EXCERPT_1.replace("officials told the...", words)
                page = tag_page(
                    f"Caption:\n\n{CAP_1} (AFP)\n\n\n{TITLE_1}\n\n{excerpt}Caption:\n\n{CAP_2} (AFP)\n\n\n"
                    f"{TITLE_2}\n\n{EXCERPT_2}\n"
                )
                self.assertEqual(summary(page), WANTED)
                self.assertTrue(page.items[0].excerpt.endswith(words))

    def test_shape_f_items_among_shape_c_d_and_e_items(self):
        page = tag_page(
            f"Caption:\n\n{CAP_1} (AFP)\n\n\n{TITLE_1}\n\n{EXCERPT_1}Media ID: 55312468\nCaption:\n\n"
            f"{CAP_2} (AFP)\n\n\n{TITLE_2}\n\n{TITLE_2}\n\n{EXCERPT_2}\n"
            "by Mshari Al-Zaydi | Aug 2, 2013 | Opinion\nThe assassination of Mohamed Brahmi shows...Caption:\n"
            f"{CAP_1} (AFP)\nAnother Title\nAn excerpt of the last item...\n"
            "Media ID: 55312999\nCaption:\n\nTunisian police on guard, May 5, 2014. (AFP)\n\n\n"
            "by Asharq Al-Awsat | May 6, 2014 | Middle East\nTunis, Asharq Al-Awsat—The police said...\n"
        )
        self.assertEqual(
            [(i.title, i.author, len(i.media)) for i in page.items],
            [(TITLE_1, None, 1), (TITLE_2, None, 1), (None, "Mshari Al-Zaydi", 0), ("Another Title", None, 1),
             (None, "Asharq Al-Awsat", 1)],
        )  # fmt: skip
        self.assertEqual(page.items[4].media[0].media_id, 55312999)
        self.assertTrue(page.items[2].excerpt.endswith("shows..."))

    def test_an_unnamed_headerless_page_of_shape_f_is_a_listing(self):
        text = f"Caption:\n{CAP_1}\n{TITLE_1}\n{EXCERPT_1}Caption:\n{CAP_2}\n{TITLE_2}\n{EXCERPT_2}\n"
        self.assertItems(text, name="unnamed.txt")


class ListingLinearTimeTests(SimpleTestCase):
    """Listing shapes that would make a careless reading quadratic parse in bounded time."""

    BOUND_SECONDS = 10
    SIZE = 1_000_000
    SHAPES = {
        "excerpts glued to labels": lambda n: "x...Caption:" * (n // 12),
        "dots, spaces and a label": lambda n: "x..." + " " * n + "Caption: x",
        "a line of labels": lambda n: "Media ID: 55000001 Caption: " * (n // 28),
        "a caption of many lines": lambda n: "Caption:\n" + "a caption line.\n" * (n // 16),
        "credits on their own lines": lambda n: "Caption:\nx\n" + "REUTERS/Stringer\n" * (n // 17),
    }

    def test_each_shape_parses_within_its_bound(self):
        from articles.ingest.timelimit import TooLong, time_limit

        for name, shape in self.SHAPES.items():
            text = shape(self.SIZE)
            with self.subTest(shape=name):
                try:
                    with time_limit(self.BOUND_SECONDS):
                        tag_page(text)
                except TooLong:
                    self.fail(f"{name}: more than {self.BOUND_SECONDS} s for {len(text):,} characters")
