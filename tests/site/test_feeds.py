"""Atom feeds of the latest articles, a tag, a section, an author and a search."""

import datetime as dt
import html
import time
import xml.etree.ElementTree as ET

import feedparser
from django.test import TestCase
from django.urls import reverse

from articles.models import Article, Author

from ..helpers import article_make, section, tag

ATOM = "{http://www.w3.org/2005/Atom}"


def entries(response):
    """(title, published or None, summary as text) of each entry of an Atom response."""
    feed = ET.fromstring(response.content)
    assert feed.tag == f"{ATOM}feed", feed.tag
    return [
        (
            entry.findtext(f"{ATOM}title"),
            entry.findtext(f"{ATOM}published"),
            html.unescape(entry.findtext(f"{ATOM}summary")),
        )
        for entry in feed.iter(f"{ATOM}entry")
    ]


class FeedTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.opinion = section("opinion", "Opinion")
        cls.writer = Author.objects.create(name="Abdulrahman Al-Rashed", slug="abdul-rahman-al-rashed")
        cls.truce = tag("truce", "Truce")
        cls.certain = article_make(
            title="Truce holds in Aleppo",
            body="Fighting stopped overnight in the northern city of Aleppo.",
            published_on=dt.date(2016, 9, 18),
            date_source=Article.DateSource.BYLINE,
            section=cls.opinion,
            author=cls.writer,
            tags=[cls.truce],
        )
        cls.estimated = article_make(
            title="Markets recover after truce",
            body="Traders said the truce helped.",
            published_on=dt.date(2016, 3, 1),
            date_source=Article.DateSource.MEDIA_ID,
            tags=[cls.truce],
        )
        cls.undated = article_make(title="Undated truce report", body="A report on the truce without a date.")

    def test_latest_feed_is_atom_newest_first_with_author_and_summary(self):
        response = self.client.get("/feed/")
        self.assertEqual(response["Content-Type"], "application/atom+xml; charset=utf-8")
        titles = [title for title, _, _ in entries(response)]
        self.assertEqual(titles, ["Truce holds in Aleppo", "Markets recover after truce", "Undated truce report"])
        feed = ET.fromstring(response.content)
        first = next(feed.iter(f"{ATOM}entry"))
        self.assertEqual(first.findtext(f"{ATOM}author/{ATOM}name"), "Abdulrahman Al-Rashed")
        self.assertTrue(first.find(f"{ATOM}link").get("href").endswith(self.certain.get_absolute_url()))
        self.assertIn("Fighting stopped overnight", first.findtext(f"{ATOM}summary"))
        self.assertIsNotNone(first.findtext(f"{ATOM}updated"))
        # Unsigned entries take the feed's author, as Atom requires one for every entry.
        self.assertEqual(feed.findtext(f"{ATOM}author/{ATOM}name"), "Asharq Al-Awsat")

    def test_the_best_known_date_is_published_and_an_uncertain_one_said_so(self):
        found = {title: (published, summary) for title, published, summary in entries(self.client.get("/feed/"))}
        self.assertTrue(found["Truce holds in Aleppo"][0].startswith("2016-09-18"))
        published, summary = found["Markets recover after truce"]
        self.assertTrue(published.startswith("2016-03-01"))
        self.assertIn("estimated from the photo's Media ID: about March 2016", summary)
        published, summary = found["Undated truce report"]
        self.assertIsNone(published)
        self.assertIn("Date unknown.", summary)

    def test_tag_section_and_author_feeds_hold_their_articles(self):
        cases = [
            (reverse("articles:tag-feed", args=["truce"]), {"Truce holds in Aleppo", "Markets recover after truce"}),
            (reverse("articles:section-feed", args=["opinion"]), {"Truce holds in Aleppo"}),
            (reverse("articles:author-feed", args=["abdul-rahman-al-rashed"]), {"Truce holds in Aleppo"}),
        ]
        for url, titles in cases:
            with self.subTest(url=url):
                self.assertEqual({title for title, _, _ in entries(self.client.get(url))}, titles)

    def test_feed_of_an_unknown_tag_is_404(self):
        self.assertEqual(self.client.get(reverse("articles:tag-feed", args=["no-such-tag"])).status_code, 404)

    def test_search_feed_lists_matches_newest_first_undated_last(self):
        response = self.client.get(reverse("articles:search-feed"), {"q": "truce"})
        titles = [title for title, _, _ in entries(response)]
        self.assertEqual(titles, ["Truce holds in Aleppo", "Markets recover after truce", "Undated truce report"])
        narrowed = self.client.get(reverse("articles:search-feed"), {"q": "truce", "section": "opinion"})
        self.assertEqual([title for title, _, _ in entries(narrowed)], ["Truce holds in Aleppo"])

    def test_search_feed_without_a_query_is_404(self):
        self.assertEqual(self.client.get(reverse("articles:search-feed")).status_code, 404)
        self.assertEqual(self.client.get(reverse("articles:search-feed"), {"q": "  "}).status_code, 404)

    def test_feed_query_count_does_not_grow_with_its_entries(self):
        with self.assertNumQueries(1):
            self.client.get("/feed/")
        with self.assertNumQueries(3):
            self.client.get(reverse("articles:tag-feed", args=["truce"]))

    def test_pages_announce_their_feeds(self):
        link = '<link rel="alternate" type="application/atom+xml"'
        cases = [
            ("/", reverse("articles:feed")),
            (self.truce.get_absolute_url(), reverse("articles:tag-feed", args=["truce"])),
            (self.opinion.get_absolute_url(), reverse("articles:section-feed", args=["opinion"])),
            (self.writer.get_absolute_url(), reverse("articles:author-feed", args=["abdul-rahman-al-rashed"])),
            (reverse("articles:search") + "?q=truce&page=1", reverse("articles:search-feed") + "?q=truce"),
        ]
        for page, feed in cases:
            with self.subTest(page=page):
                content = self.client.get(page).content.decode()
                self.assertIn(link, content)
                self.assertIn(f'href="{feed}"', content)


class FeedReaderTests(FeedTests):
    """The feeds as feedparser, which most feed readers are built on, reads them."""

    def read(self, url, params=None):
        response = self.client.get(url, params or {})
        self.assertEqual(response.status_code, 200)
        headers = {"content-type": response["Content-Type"], "content-location": f"http://testserver{url}"}
        feed = feedparser.parse(response.content, response_headers=headers)
        self.assertFalse(feed.bozo, f"{url}: {feed.get('bozo_exception')!r}")
        return feed

    def feeds(self):
        return [
            (reverse("articles:feed"), {}),
            (reverse("articles:tag-feed", args=["truce"]), {}),
            (reverse("articles:section-feed", args=["opinion"]), {}),
            (reverse("articles:author-feed", args=["abdul-rahman-al-rashed"]), {}),
            (reverse("articles:search-feed"), {"q": "truce", "section": "opinion"}),
        ]

    def test_every_kind_of_feed_is_read_with_its_entries_dated_as_the_archive_knows(self):
        for url, params in self.feeds():
            with self.subTest(url=url):
                feed = self.read(url, params)
                self.assertEqual(feed.version, "atom10")
                self.assertTrue(feed.entries)
                for entry in feed.entries:
                    self.assertTrue(entry.title and entry.link and entry.summary and entry.updated_parsed)
                    article = Article.objects.get(title=entry.title)
                    if article.published_on:
                        self.assertEqual(time.strftime("%Y-%m-%d", entry.published_parsed), str(article.published_on))
                    else:
                        self.assertNotIn("published_parsed", entry)

    def test_a_feed_reader_files_an_estimated_article_in_its_year_not_the_ingest_day(self):
        entry = next(e for e in self.read("/feed/").entries if e.title == "Markets recover after truce")
        self.assertEqual(entry.published_parsed.tm_year, 2016)
        self.assertIn("estimated", entry.summary)

    def test_a_search_feed_names_itself_with_its_query(self):
        feed = self.read(reverse("articles:search-feed"), {"q": "truce", "section": "opinion"})
        own = next(link.href for link in feed.feed.links if link.rel == "self")
        self.assertEqual(own, "http://testserver/search/feed/?q=truce&section=opinion")
        self.assertEqual(self.client.get(own).status_code, 200)
        self.assertEqual(
            [e.title for e in self.read(own.removeprefix("http://testserver")).entries], ["Truce holds in Aleppo"]
        )

    def test_an_article_page_announces_its_section_author_and_tags_feeds(self):
        content = self.client.get(self.certain.get_absolute_url()).content.decode()
        for feed in [
            reverse("articles:feed"),
            reverse("articles:section-feed", args=["opinion"]),
            reverse("articles:author-feed", args=["abdul-rahman-al-rashed"]),
            reverse("articles:tag-feed", args=["truce"]),
        ]:
            with self.subTest(feed=feed):
                self.assertIn('<link rel="alternate" type="application/atom+xml" title="', content)
                self.assertIn(f'href="{feed}"', content)


class WellFormedTests(TestCase):
    """Every feed and chart is well-formed XML 1.0 whatever the stored text or the words typed."""

    FORBIDDEN = "\x01\x0b\x1f\ufffe\uffff"

    def test_feeds_and_the_chart_leave_out_what_xml_forbids(self):
        author = Author.objects.create(name=f"Amir{self.FORBIDDEN} Taheri", slug="amir-taheri")
        article_make(
            title=f"Truce{self.FORBIDDEN} holds",
            body=f"Ceasefire\x01 held in Homs{self.FORBIDDEN}.",
            author=author,
            section=section(),
            published_on=dt.date(2014, 5, 2),
        )
        for url, params in [
            ("/feed/", {}),
            (author.get_absolute_url() + "feed/", {}),
            ("/search/feed/", {"q": "truce\x01"}),
            ("/search/feed/", {"q": "truce\ufffe"}),
            ("/search/timeline.svg", {"q": "truce\x01\ufffe"}),
        ]:
            with self.subTest(url=url, params=params):
                response = self.client.get(url, params)
                self.assertEqual(response.status_code, 200)
                root = ET.fromstring(response.content)  # raises on malformed XML
                self.assertNotRegex(response.content.decode(), "[\x01\x0b\x1f\ufffe\uffff]")
                self.assertTrue(root.tag)
