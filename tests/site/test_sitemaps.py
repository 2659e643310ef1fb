"""The sitemap index, its sitemaps paged by id range (never OFFSET), and robots.txt."""

import datetime as dt
import re
import xml.etree.ElementTree as ET
from unittest import mock

from django.db import connection
from django.test import TestCase
from django.test.utils import CaptureQueriesContext

from articles.models import Article, Author, MediaItem
from articles.site.sitemaps import ArticleSitemap, IdRangePaginator

from ..helpers import make_articles, section, tag

SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"


def locations(response):
    return [loc.text for loc in ET.fromstring(response.content).iter(f"{SITEMAP}loc")]


class SitemapTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.articles = make_articles(23, section=section("opinion", "Opinion"), tag=tag("truce", "Truce"))
        Author.objects.create(name="Nobody Yet", slug="nobody-yet")  # no articles: not listed
        MediaItem.objects.create(fingerprint="m1", media_id=55358541, caption="A photo")

    def pages(self, name):
        """The addresses of every page of a section, as the index lists them."""
        index = locations(self.client.get("/sitemap.xml"))
        return [url.removeprefix("http://testserver") for url in index if f"/sitemap-{name}.xml" in url]

    def test_index_lists_each_section(self):
        index = locations(self.client.get("/sitemap.xml"))
        for name in ("articles", "photos", "tags", "sections", "authors", "dates"):
            self.assertIn(f"http://testserver/sitemap-{name}.xml", index)

    def test_every_article_is_on_exactly_one_page(self):
        with mock.patch.object(ArticleSitemap, "limit", 5):
            pages = self.pages("articles")
            self.assertEqual(len(pages), 5)
            found = [url for page in pages for url in locations(self.client.get(page))]
        expected = [f"http://testserver{a.get_absolute_url()}" for a in sorted(self.articles, key=lambda a: a.pk)]
        self.assertEqual(found, expected)

    def test_pages_are_id_ranges_never_offset(self):
        with mock.patch.object(ArticleSitemap, "limit", 5):
            for page in self.pages("articles"):
                with self.subTest(page=page), CaptureQueriesContext(connection) as queries:
                    self.assertEqual(self.client.get(page).status_code, 200)
                sql = " ".join(q["sql"] for q in queries.captured_queries).upper()
                self.assertNotIn("OFFSET", sql)
                self.assertRegex(sql, r'"ID" > \d+ AND .*"ID" <= \d+')
                # The two bounds and the page: however deep the page.
                self.assertEqual(len(queries.captured_queries), 3)

    def test_a_page_past_the_end_is_404(self):
        self.assertEqual(self.client.get("/sitemap-articles.xml?p=2").status_code, 404)
        self.assertEqual(self.client.get("/sitemap-articles.xml?p=x").status_code, 404)
        self.assertEqual(self.client.get("/sitemap-nothing.xml").status_code, 404)

    def test_deleted_rows_leave_a_shorter_page_not_a_shifted_one(self):
        paginator = IdRangePaginator(Article.objects.all(), 5)
        before = [a.pk for a in paginator.page(2).object_list]
        Article.objects.filter(pk=self.articles[0].pk + 1).delete()
        after = [a.pk for a in IdRangePaginator(Article.objects.all(), 5).page(2).object_list]
        self.assertEqual(after, before)

    def test_articles_carry_their_last_change(self):
        content = self.client.get("/sitemap-articles.xml").content.decode()
        self.assertEqual(content.count("<lastmod>"), 23)

    def test_tags_sections_authors_photos_and_dates(self):
        self.assertEqual(locations(self.client.get("/sitemap-tags.xml")), ["http://testserver/tags/truce/"])
        self.assertEqual(locations(self.client.get("/sitemap-sections.xml")), ["http://testserver/sections/opinion/"])
        self.assertEqual(locations(self.client.get("/sitemap-authors.xml")), [])
        self.assertEqual(locations(self.client.get("/sitemap-photos.xml")), ["http://testserver/media/55358541/"])
        dates = locations(self.client.get("/sitemap-dates.xml"))
        self.assertIn("http://testserver/archive/2010/", dates)
        self.assertIn("http://testserver/archive/2010/1/", dates)
        self.assertIn("http://testserver/", dates)


class RobotsTests(TestCase):
    def test_robots_names_the_sitemap_and_keeps_crawlers_out_of_search_and_admin(self):
        response = self.client.get("/robots.txt")
        self.assertEqual(response["Content-Type"], "text/plain; charset=utf-8")
        self.assertIn("public", response["Cache-Control"])
        lines = response.content.decode().splitlines()
        self.assertEqual(lines[0], "User-agent: *")
        for path in ("/search/", "/admin/", "/api/", "/articles/export.", "/media/export."):
            self.assertIn(f"Disallow: {path}", lines)
        self.assertIn("Sitemap: http://testserver/sitemap.xml", lines)

    def test_robots_costs_no_query(self):
        with self.assertNumQueries(0):
            self.client.get("/robots.txt")


class SitemapPlanTests(TestCase):
    """On PostgreSQL, a page of the article sitemap is an index range scan of the primary key."""

    def test_article_page_plan_uses_the_primary_key(self):
        if connection.vendor != "postgresql":
            self.skipTest("EXPLAIN's plan shapes are PostgreSQL's")
        make_articles(3, start=dt.date(2012, 1, 1))
        rows = IdRangePaginator(Article.objects.only("id", "slug", "updated_at"), 10_000).page(1).object_list
        sql, params = rows.query.sql_with_params()
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL enable_seqscan = off")
            cursor.execute(f"EXPLAIN {sql}", params)
            plan = "\n".join(row[0] for row in cursor.fetchall())
        # On three rows the planner may take a bitmap of the range and sort it; either way the
        # range is the primary key's index condition, not a filter over every row.
        self.assertRegex(plan, r"Index Scan (using|on) articles_article_pkey")
        # A bound parameter shows as a typed constant ('3928'::smallint) when the server binds it.
        number = r"'?\d+'?(::\w+)?"
        self.assertRegex(plan, rf"Index Cond: \(\(id > {number}\) AND \(id <= {number}\)\)")
        self.assertIsNone(re.search(r"OFFSET", sql, re.IGNORECASE))


class SitemapPageNumberTests(TestCase):
    def test_a_page_number_in_other_digits_is_404_not_that_page(self):
        make_articles(3)
        self.assertEqual(self.client.get("/sitemap-articles.xml", {"p": "1"}).status_code, 200)
        for value in ["٣", "١", "²", "1.0", " 1", "x"]:
            with self.subTest(p=value):
                self.assertEqual(self.client.get("/sitemap-articles.xml", {"p": value}).status_code, 404)
