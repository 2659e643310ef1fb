"""End-to-end tests in a real headless Chromium (Debian's package), driven by Playwright.

Where no Chromium is installed (a laptop), these tests are skipped with a clear reason; CI
sets ARCHIVE_REQUIRE_BROWSER=1, which turns a missing browser into a failure.
"""

import os
import shutil
import unittest

from django.contrib.staticfiles.testing import StaticLiveServerTestCase
from django.core.cache import cache

from articles.models import Article, Tag

from .helpers import ingest_real_pages, load_tag_vocabulary, make_articles, section

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
        self.assertIn("Page 3 of 3", page.locator(".pagination__status").inner_text())
        self.assertEqual(page.locator(".summary").count(), 46 - 40)

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
        ]:
            with self.subTest(path=path):
                page = self.open(path)
                width = page.evaluate("document.documentElement.scrollWidth")
                self.assertLessEqual(width, 375, f"{path} scrolls sideways ({width}px)")


class ResearchToolsTests(BrowserTestCase):
    def watch_console(self):
        """Messages the browser logs (a CSP refusal is one), collected for the test to check."""
        messages = []
        self.page.on("console", lambda message: messages.append(message.text))
        return messages

    def test_timeline_chart_renders_without_breaking_the_csp(self):
        messages = self.watch_console()
        page = self.open("/search/?q=column")
        chart = page.locator("svg.timeline__chart")
        box = chart.bounding_box()
        self.assertGreater(box["width"], 300)
        self.assertGreater(box["height"], 80)
        line = page.locator("svg.timeline__chart polyline").bounding_box()
        self.assertGreater(line["height"], 20)  # the columns' months stand out
        stroke = page.evaluate("getComputedStyle(document.querySelector('.timeline__line')).stroke")
        self.assertNotIn(stroke, ("none", ""))  # coloured by the stylesheet, not inline style
        self.assertIn("(articles) of column", page.locator("#timeline-title").text_content())
        page.get_by_role("link", name="Per 1,000 of the month’s articles").click()
        page.wait_for_url("**per=thousand**")
        self.assertIn("per 1,000", page.locator("#timeline-title").text_content())
        page.get_by_role("link", name="Compare with other searches").click()
        page.wait_for_url("**/search/timeline/**")
        page.locator("#timeline-q1").fill("daesh")
        page.get_by_role("button", name="Draw").click()
        page.wait_for_load_state()
        self.assertEqual(page.locator("svg.timeline__chart polyline").count(), 2)
        self.assertFalse([m for m in messages if "Content Security Policy" in m], messages)

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
