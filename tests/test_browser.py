"""End-to-end tests in a real headless Chromium (Debian's package), driven by Playwright.

Where no Chromium is installed (a laptop), these tests are skipped with a clear reason; CI
sets ARCHIVE_REQUIRE_BROWSER=1, which turns a missing browser into a failure.
"""

import datetime as dt
import math
import os
import re
import shutil
import unittest
import xml.etree.ElementTree as ET
from pathlib import Path

from django.contrib.auth.models import User
from django.contrib.staticfiles.testing import StaticLiveServerTestCase
from django.core.cache import cache
from django.urls import reverse

from articles.models import Article, Author, MediaItem, Suggestion, Tag
from articles.paging import PER_PAGE

from .helpers import article_make, ingest_real_pages, load_tag_vocabulary, make_articles, reader_pages, section

CHROMIUM = os.environ.get("ARCHIVE_CHROMIUM", "/usr/bin/chromium")
REQUIRED = os.environ.get("ARCHIVE_REQUIRE_BROWSER") == "1"
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


# axe-core, installed from package-lock.json by `make test` (npm ci).
AXE = Path(__file__).resolve().parent.parent / "node_modules" / "axe-core" / "axe.min.js"
# WCAG 2.2 AA adds target size (24 px), which phones need; best practice adds heading order
# and distinct landmark names, which screen-reader users navigate by.
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
READER_TAGS = [*WCAG_TAGS, "best-practice"]
WIDTHS = [(1280, 900), (375, 800)]


def chromium_missing():
    return not (os.path.exists(CHROMIUM) or shutil.which(CHROMIUM))


class BrowserTestCase(StaticLiveServerTestCase):
    @classmethod
    def setUpClass(cls):
        if chromium_missing():
            message = f"Browser tests skipped: no Chromium at {CHROMIUM} (install Debian's chromium)."
            if REQUIRED:
                raise AssertionError(message + " ARCHIVE_REQUIRE_BROWSER=1 requires them.")
            raise unittest.SkipTest(message)
        # Playwright's sync API runs an event loop in this thread; the test's own database
        # calls are synchronous and safe here.
        os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
        super().setUpClass()
        from playwright.sync_api import sync_playwright

        cls.playwright = sync_playwright().start()
        cls.browser = cls.playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS)

    @classmethod
    def tearDownClass(cls):
        cls.browser.close()
        cls.playwright.stop()
        super().tearDownClass()

    def setUp(self):
        cache.clear()
        load_tag_vocabulary()  # the flush between these tests empties what migrations loaded
        ingest_real_pages()
        make_articles(45, section=section("opinion", "Opinion"), title="Column")
        self.page = self.browser.new_page(viewport={"width": 1280, "height": 900})
        self.addCleanup(self.page.close)

    def open(self, path):
        self.page.goto(self.live_server_url + path)
        return self.page


class ReaderJourneyTests(BrowserTestCase):
    def test_from_home_to_article_photo_and_tag(self):
        page = self.open("/")
        self.assertIn("ASHARQ AL-AWSAT", page.locator(".site-name").inner_text())
        page.get_by_role("link", name="U.S.-led Jets Kill Dozens of Syrian Soldiers").first.click()
        page.wait_for_url("**/articles/**")
        self.assertEqual(page.locator("h1").inner_text(), "U.S.-led Jets Kill Dozens of Syrian Soldiers")
        figure = page.locator("figure.photo").first
        # The label is upper-cased by the stylesheet: compare the text, not its rendering.
        self.assertIn("Media ID: 55358541", figure.text_content())
        self.assertIn("Sputnik/Kremlin/Alexei Druzhinin/via REUTERS", figure.locator("figcaption").inner_text())
        page.locator(".article__tags").get_by_role("link", name="Russia", exact=True).click()
        page.wait_for_url("**/tags/russia/")
        self.assertEqual(page.locator("h1").inner_text(), "Russia")
        self.assertIn("U.S.-led Jets Kill Dozens of Syrian Soldiers", page.locator("main").inner_text())

    def test_paging_through_a_list(self):
        page = self.open("/sections/opinion/")
        first_titles = page.locator(".summary__title").all_inner_texts()
        page.get_by_role("link", name="Next ›").click()
        page.wait_for_load_state()
        self.assertIn("Page 2", page.locator(".pagination__status").inner_text())
        second_titles = page.locator(".summary__title").all_inner_texts()
        self.assertFalse(set(first_titles) & set(second_titles))
        page.get_by_role("link", name="Last »").click()
        page.wait_for_load_state()
        held = Article.objects.filter(section__slug="opinion").count()
        pages = math.ceil(held / PER_PAGE)
        self.assertIn(f"Page {pages} of {pages}", page.locator(".pagination__status").inner_text())
        self.assertEqual(page.locator(".summary").count(), held - (pages - 1) * PER_PAGE)

    def test_search_shows_highlights_and_facets(self):
        page = self.open("/")
        page.locator("#site-search-q").fill("daesh")
        page.locator("#site-search-q").press("Enter")
        page.wait_for_url("**/search/?q=daesh")
        self.assertGreater(page.locator(".summary").count(), 0)
        self.assertGreater(page.locator(".summary mark").count(), 0)
        self.assertGreater(page.locator(".facet").count(), 0)

    def test_legacy_url_lands_on_the_article(self):
        page = self.open("/theaawsat/news-middle-east/syria-violence-flares-along-border-with-lebanon/")
        self.assertEqual(page.locator("h1").inner_text(), "Syria: Violence flares along border with Lebanon")
        self.assertIn("Incomplete text", page.locator("main").inner_text())
        page = self.open("/tag/no-such-tag/")
        self.assertIn("not in the archive", page.locator("h1").inner_text())

    def test_keyboard_skip_link_and_visible_focus(self):
        page = self.open("/")
        page.keyboard.press("Tab")
        focused = page.evaluate("document.activeElement.className")
        self.assertEqual(focused, "skip-link")
        outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
        self.assertNotEqual(outline, "none")
        page.keyboard.press("Enter")
        self.assertEqual(page.evaluate("document.activeElement.id"), "content")


class PhoneWidthTests(BrowserTestCase):
    def test_no_sideways_scrolling_at_375_pixels(self):
        article = Article.objects.get(title="U.S.-led Jets Kill Dozens of Syrian Soldiers")
        self.page.set_viewport_size({"width": 375, "height": 800})
        for path in [
            "/",
            article.get_absolute_url(),
            "/articles/",
            "/search/?q=syria",
            "/media/",
            Tag.objects.get(slug="syria").get_absolute_url(),
            "/archive/",
            "/no/such/page/",
            article_make(
                title="A long address",
                original_url="https://aawsat.com/english/theaawsat/news-middle-east/" + "a-very-long-slug-" * 12,
            ).get_absolute_url(),
        ]:
            with self.subTest(path=path):
                page = self.open(path)
                width = page.evaluate("document.documentElement.scrollWidth")
                self.assertLessEqual(width, 375, f"{path} scrolls sideways ({width}px)")


class AccessibilityTests(BrowserTestCase):
    """axe-core's WCAG 2 A/AA rules on every page type, at desktop and phone widths."""

    @classmethod
    def setUpClass(cls):
        if not AXE.exists():
            message = f"Accessibility tests skipped: no {AXE} (run `npm ci`, as `make test` does)."
            if REQUIRED:
                raise AssertionError(message + " ARCHIVE_REQUIRE_BROWSER=1 requires them.")
            raise unittest.SkipTest(message)
        super().setUpClass()
        cls.axe_source = AXE.read_text(encoding="utf-8")

    def admin_pages(self):
        article = Article.objects.filter(photo_count__gt=1).order_by("-photo_count", "id").first()
        return {
            "admin article list": reverse("admin:articles_article_changelist"),
            "admin article change": reverse("admin:articles_article_change", args=[article.pk]),
            "admin article history": reverse("admin:articles_article_history", args=[article.pk]),
            "admin photo change": reverse("admin:articles_mediaitem_change", args=[article.media.first().pk]),
            "admin suggestion queue": reverse("admin:articles_suggestion_changelist"),
            "admin suggestion": reverse("admin:articles_suggestion_change", args=[self.suggestion(article).pk]),
        }

    def suggestion(self, article):
        return Suggestion.objects.create(
            article=article,
            proposed={"title": "A reader's title", "passage": {"now": "x", "should_read": "y z"}},
            current={"title": article.title},
            evidence="Printed edition",
        )

    maxDiff = None

    def violations(self, page, tags):
        """axe's violations of rules with these tags on the page, one readable line each."""
        page.evaluate(self.axe_source)
        found = page.evaluate(
            "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})"
            ".then(r => r.violations.map(v => v.id + ': ' + v.help + ' at '"
            " + v.nodes.slice(0, 3).map(n => n.target.join(' ')).join(', ')))",
            tags,
        )
        return found

    def check(self, pages, context, tags):
        for width, height in WIDTHS:
            self.page.set_viewport_size({"width": width, "height": height})
            for name, path in pages.items():
                with self.subTest(page=name, width=width, context=context):
                    self.page.goto(self.live_server_url + path)
                    self.assertEqual(self.violations(self.page, tags), [], path)
                    scroll = self.page.evaluate("document.documentElement.scrollWidth")
                    self.assertLessEqual(scroll, width, f"{path} scrolls sideways at {width}px")

    def test_reader_pages_meet_wcag_2_aa_at_desktop_and_phone_widths(self):
        self.check(reader_pages(), "reader", READER_TAGS)

    def log_in(self):
        user = User.objects.create_superuser("editor", "editor@example.com", "pw")
        self.client.force_login(user)
        self.page.context.add_cookies(
            [{"name": "sessionid", "value": self.client.cookies["sessionid"].value, "url": self.live_server_url}]
        )

    def test_the_suggestion_form_and_its_errors_meet_wcag_2_aa_at_desktop_and_phone_widths(self):
        article = Article.objects.get(title="Syria: Violence flares along border with Lebanon")
        form = reverse("articles:suggest-article", args=[article.pk])
        for width, height in WIDTHS:
            self.page.set_viewport_size({"width": width, "height": height})
            self.page.goto(self.live_server_url + form)
            with self.subTest(state="form", width=width):
                self.assertEqual(self.violations(self.page, READER_TAGS), [])
                self.assertLessEqual(self.page.evaluate("document.documentElement.scrollWidth"), width)
            self.page.fill("#id_passage_now", "A passage that is not in the text")
            self.page.fill("#id_note", "Kept after the error")
            self.page.click(".suggest-form button")
            with self.subTest(state="errors", width=width):
                self.assertIn("This passage is not in the text", self.page.content())
                self.assertEqual(self.page.input_value("#id_note"), "Kept after the error")
                self.assertEqual(self.violations(self.page, READER_TAGS), [])
                self.assertLessEqual(self.page.evaluate("document.documentElement.scrollWidth"), width)

    def test_admin_pages_meet_wcag_2_aa_at_desktop_and_phone_widths(self):
        self.log_in()
        self.check(self.admin_pages(), "admin", WCAG_TAGS)

    def test_admin_titles_and_media_ids_have_room(self):
        """Issue 13, item 10: titles read on a line or two at 1280 px; a Media ID shows whole."""
        self.log_in()
        page = self.open(reverse("admin:articles_article_changelist"))
        self.assertGreaterEqual(page.locator("#result_list th.column-title").bounding_box()["width"], 300)
        photo = MediaItem.objects.filter(media_id__isnull=False).first()
        page = self.open(reverse("admin:articles_mediaitem_change", args=[photo.pk]))
        box = page.locator("#id_media_id")
        self.assertGreaterEqual(box.evaluate("e => e.clientWidth - e.scrollWidth"), 0)
        self.assertGreaterEqual(box.bounding_box()["width"], 100)

    def test_an_articles_text_starts_on_the_first_screen(self):
        article = Article.objects.filter(photo_count__gt=1).order_by("-photo_count", "id").first()
        for width, height in WIDTHS:
            with self.subTest(width=width):
                self.page.set_viewport_size({"width": width, "height": height})
                page = self.open(article.get_absolute_url())
                top = page.locator(".article__body p").first.bounding_box()["y"]
                self.assertLess(top + 40, height, f"the first paragraph starts at {top}px of {height}")


def contrast(page, foreground, background):
    """The WCAG contrast ratio of two CSS colours, computed in the page."""
    return page.evaluate(
        """([fg, bg]) => {
            const rgb = c => { const e = document.createElement('i'); e.style.color = c; document.body.append(e);
              const v = getComputedStyle(e).color.match(/[\\d.]+/g).slice(0, 3).map(Number); e.remove(); return v; };
            const lum = c => {
              const linear = v => v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4;
              const [r, g, b] = rgb(c).map(v => linear(v / 255));
              return 0.2126 * r + 0.7152 * g + 0.0722 * b;
            };
            const [a, b] = [lum(fg), lum(bg)].sort((x, y) => y - x);
            return (a + 0.05) / (b + 0.05);
        }""",
        [foreground, background],
    )


class PhoneAndFocusTests(BrowserTestCase):
    """Issue 13, items 8 and 9: a phone's first screen, its tap targets, and a visible focus."""

    def test_the_header_is_short_on_a_phone_and_its_links_stay_on_one_line(self):
        self.page.set_viewport_size({"width": 375, "height": 800})
        page = self.open("/")
        header = page.locator(".site-header").bounding_box()["height"]
        self.assertLessEqual(header, 140, f"the header takes {header}px of 800")
        tops = {round(box["y"]) for box in (a.bounding_box() for a in page.locator(".site-nav a").all())}
        self.assertEqual(len(tops), 1, "the header's links wrap")
        self.assertEqual(
            page.locator("button", has_text="Search").first.bounding_box()["y"] // 10,
            page.locator("#site-search-q").bounding_box()["y"] // 10,
        )

    def test_the_search_page_has_one_search_box(self):
        page = self.open("/search/?q=syria")
        self.assertEqual(page.locator("input[type=search]").count(), 1)

    def test_small_links_and_the_checkbox_are_24_pixels_high(self):
        self.page.set_viewport_size({"width": 375, "height": 800})
        for path, selector in [
            ("/articles/?has_photo=on", "input[type=checkbox]"),
            ("/search/?q=syria", ".facet a"),
            ("/search/?q=syria", ".order a"),
            ("/articles/?section=opinion", ".summary__meta a"),
        ]:
            with self.subTest(path=path, selector=selector):
                box = self.open(path).locator(selector).first.bounding_box()
                self.assertGreaterEqual(min(box["height"], box["width"]), 24, box)

    def test_focus_shows_at_3_to_1_on_the_green_header_and_the_section_label_reads_at_4_5_to_1(self):
        article = Article.objects.get(title="Syria: Violence flares along border with Lebanon")
        page = self.open(article.get_absolute_url())
        page.locator(".site-name a").focus()
        ring = page.evaluate("getComputedStyle(document.activeElement).outlineColor")
        header = page.evaluate("getComputedStyle(document.querySelector('.site-header')).backgroundColor")
        self.assertGreaterEqual(contrast(page, ring, header), 3)
        label = page.evaluate("getComputedStyle(document.querySelector('.article__kicker a')).color")
        paper = page.evaluate("getComputedStyle(document.body).backgroundColor")
        self.assertGreaterEqual(contrast(page, label, paper), 4.5)


class ResearcherTests(BrowserTestCase):
    """What a researcher takes away: a feed to follow, a citation, a reference file."""

    def setUp(self):
        super().setUp()
        self.article = article_make(
            title="Truce holds in Aleppo",
            body="Fighting stopped overnight in the northern city.",
            published_on=dt.date(2016, 9, 18),
            date_source=Article.DateSource.BYLINE,
            author=Author.objects.get_or_create(
                slug="abdul-rahman-al-rashed", defaults={"name": "Abdulrahman Al-Rashed"}
            )[0],
            original_url="https://aawsat.com/english/abdul-rahman-al-rashed/opinion/truce-holds",
        )

    def test_the_announced_feed_is_served_as_atom(self):
        page = self.open("/")
        href = page.locator('head link[rel="alternate"][type="application/atom+xml"]').get_attribute("href")
        response = page.request.get(self.live_server_url + href)
        self.assertEqual(response.status, 200)
        self.assertTrue(response.headers["content-type"].startswith("application/atom+xml"))
        atom = "{http://www.w3.org/2005/Atom}"
        feed = ET.fromstring(response.body())
        self.assertEqual(feed.tag, f"{atom}feed")
        titles = [entry.findtext(f"{atom}title") for entry in feed.iter(f"{atom}entry")]
        self.assertIn("Truce holds in Aleppo", titles)

    def test_citation_block_renders_and_its_ris_file_parses(self):
        page = self.open(self.article.get_absolute_url())
        block = page.get_by_role("region", name="Cite this article")
        self.assertTrue(block.is_visible())
        self.assertIn("Al-Rashed, A. (2016, September 18). Truce holds in Aleppo.", block.inner_text())
        self.assertEqual(block.locator("i").first.inner_text(), "Asharq Al-Awsat")
        with page.expect_download() as download:
            block.get_by_role("link", name="RIS").click()
        text = Path(download.value.path()).read_text(encoding="utf-8")
        fields = re.findall(r"^([A-Z][A-Z0-9])  - (.*?)\r?$", text, re.MULTILINE)
        found = dict(fields)
        self.assertEqual(fields[0], ("TY", "NEWS"))
        self.assertEqual(fields[-1], ("ER", ""))
        self.assertEqual(found["TI"], "Truce holds in Aleppo")
        self.assertEqual(found["AU"], "Al-Rashed, Abdulrahman")
        self.assertEqual((found["PY"], found["DA"]), ("2016", "2016/09/18"))
        self.assertEqual(found["UR"], self.live_server_url + self.article.get_absolute_url())

    def test_provenance_links_the_original_and_the_wayback_machine(self):
        page = self.open(self.article.get_absolute_url())
        provenance = page.get_by_role("region", name="Where this copy comes from")
        wayback = provenance.get_by_role("link", name="copies in the Wayback Machine")
        self.assertEqual(wayback.get_attribute("href"), f"https://web.archive.org/web/*/{self.article.original_url}")


class ResearchToolsTests(BrowserTestCase):
    def watch_console(self):
        """Messages the browser logs (a CSP refusal is one), collected for the test to check."""
        messages = []
        self.page.on("console", lambda message: messages.append(message.text))
        return messages

    def test_timeline_chart_renders_without_breaking_the_csp(self):
        messages = self.watch_console()
        page = self.open("/search/?q=column")
        image = page.locator("img.timeline__chart")
        image.scroll_into_view_if_needed()
        # decode() waits for the lazily loaded SVG and fails if it does not draw.
        self.assertGreater(image.evaluate("img => img.decode().then(() => img.naturalWidth)"), 700)
        box = image.bounding_box()
        self.assertGreater(box["width"], 300)
        self.assertGreater(box["height"], 80)
        page.get_by_role("link", name="Per 1,000 of the month’s articles").click()
        page.wait_for_url("**per=thousand**")
        self.assertIn("per=thousand", page.locator("img.timeline__chart").get_attribute("src"))
        page.get_by_role("link", name="The numbers, and other searches beside it").click()
        page.wait_for_url("**/search/timeline/**")
        chart = page.locator("svg.timeline__chart--wide")
        self.assertGreater(chart.bounding_box()["height"], 80)
        self.assertGreater(page.locator("svg.timeline__chart--wide polyline").bounding_box()["height"], 20)
        self.assertFalse(page.locator("svg.timeline__chart--narrow").is_visible())
        stroke = page.evaluate("getComputedStyle(document.querySelector('.timeline__line')).stroke")
        self.assertNotIn(stroke, ("none", ""))  # coloured by its own attributes, not inline style
        self.assertIn("per 1,000", page.locator("#timeline-title").text_content())
        page.locator("#timeline-q1").fill("daesh")
        page.get_by_role("button", name="Draw").click()
        page.wait_for_load_state()
        self.assertEqual(page.locator("svg.timeline__chart--wide polyline").count(), 2)
        self.assertFalse([m for m in messages if "Content Security Policy" in m], messages)

    def test_a_month_of_the_chart_opens_its_search_and_a_phone_sees_the_narrow_chart(self):
        page = self.open("/search/timeline/?q=column")
        page.locator(".timeline__plot--wide .timeline__links a").first.click()
        page.wait_for_url("**/search/?q=column&from=*")
        self.assertIn("for “column”", page.locator(".list-status").text_content())
        page.set_viewport_size({"width": 375, "height": 800})
        page.goto(self.live_server_url + "/search/timeline/?q=column")
        narrow = page.locator("svg.timeline__chart--narrow")
        self.assertTrue(narrow.is_visible())
        self.assertFalse(page.locator("svg.timeline__chart--wide").is_visible())
        # Its years are written at the size the page's small print is, not shrunk below it.
        size = page.evaluate(
            "() => document.querySelector('.timeline__chart--narrow .timeline__year').getBoundingClientRect().height"
        )
        self.assertGreater(size, 9)

    def test_api_docs_render_under_the_csp(self):
        messages = self.watch_console()
        page = self.open("/api/v1/docs/")
        page.locator(".opblock").first.wait_for(timeout=15000)
        self.assertGreater(page.locator(".opblock").count(), 10)
        self.assertIn("/api/v1/search/", page.locator("#swagger-ui").inner_text())
        self.assertFalse([m for m in messages if "script" in m and "Content Security Policy" in m], messages)

    def test_timeline_and_its_numbers_fit_a_phone(self):
        self.page.set_viewport_size({"width": 375, "height": 800})
        page = self.open("/search/timeline/?q=column&q=daesh&q=syria")
        page.locator(".timeline__table summary").click()
        self.assertTrue(page.locator(".timeline__table table").is_visible())
        width = page.evaluate("document.documentElement.scrollWidth")
        self.assertLessEqual(width, 375, f"the timeline scrolls sideways ({width}px)")
