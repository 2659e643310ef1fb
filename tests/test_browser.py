"""End-to-end tests in a real headless Chromium (Debian's package), driven by Playwright.

Where no Chromium is installed (a laptop), these tests are skipped with a clear reason; CI
sets ARCHIVE_REQUIRE_BROWSER=1, which turns a missing browser into a failure.
"""

import datetime as dt
import os
import re
import shutil
import unittest
import xml.etree.ElementTree as ET
from pathlib import Path

from django.contrib.staticfiles.testing import StaticLiveServerTestCase
from django.core.cache import cache

from articles.models import Article, Author, Tag

from .helpers import article_make, ingest_real_pages, load_tag_vocabulary, make_articles, section

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
            article_make(
                title="A long address",
                original_url="https://aawsat.com/english/theaawsat/news-middle-east/" + "a-very-long-slug-" * 12,
            ).get_absolute_url(),
        ]:
            with self.subTest(path=path):
                page = self.open(path)
                width = page.evaluate("document.documentElement.scrollWidth")
                self.assertLessEqual(width, 375, f"{path} scrolls sideways ({width}px)")


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
