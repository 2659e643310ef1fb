"""Every match exported: CSV and JSON Lines of lists and searches, streamed in batches, and
`manage.py export` of the whole archive with its manifest; the links that offer them."""

import codecs
import csv
import datetime as dt
import hashlib
import io
import json
import shutil
import tempfile
import urllib.parse
from pathlib import Path
from unittest import mock

from django.core.cache import cache
from django.core.management import call_command
from django.db import connection
from django.test import TestCase, override_settings
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from articles import caching, exporting, search
from articles.counts import refresh as counts_refresh
from articles.models import Article, ArticleTag, MediaItem, Tag
from articles.records import ArticleSerializer, CsvColumns
from articles.throttles import ExportThrottle

from ..helpers import article_make, make_articles, section


def body_of(response):
    return b"".join(response.streaming_content).decode("utf-8")


class ExportTestCase(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.opinion = section("opinion", "Opinion")
        cls.syria = Tag.objects.get(slug="syria")
        photo = MediaItem.objects.create(media_id=55358541, fingerprint="55358541", caption="Jets, over Aleppo")
        cls.article = article_make(
            title='Jets strike "Aleppo"',
            body="Jets struck Aleppo, again.\n\nسوريا",
            published_on=dt.date(2016, 9, 18),
            tags=[cls.syria, Tag.objects.get(slug="isis")],
            photos=[photo],
        )
        ArticleTag.objects.filter(article=cls.article, tag=cls.syria).update(on_original_site=True)
        cls.columns = make_articles(45, section=cls.opinion, title="Column", start=dt.date(2012, 1, 1))
        # Several columns on one day, and undated ones: batches must cut days and end with the undated.
        for i in range(5):
            article_make(title=f"Column same day {i}", published_on=dt.date(2012, 1, 10), section=cls.opinion)
            article_make(title=f"Column undated {i}", section=cls.opinion)
        counts_refresh()
        caching.invalidate()

    def setUp(self):
        cache.clear()  # the download limit counts in the cache


class ListExportTests(ExportTestCase):
    def test_csv_of_a_filtered_list_has_every_match_and_the_serializer_columns(self):
        response = self.client.get("/articles/export.csv", {"section": "opinion"})
        self.assertEqual(response["Content-Type"], "text/csv; charset=utf-8")
        today = timezone.localdate().isoformat()
        self.assertEqual(
            response["Content-Disposition"], f'attachment; filename="asharq-al-awsat-articles-opinion-{today}.csv"'
        )
        rows = list(csv.DictReader(io.StringIO(body_of(response))))
        self.assertEqual(len(rows), Article.objects.filter(section=self.opinion).count())
        self.assertEqual(list(rows[0]), CsvColumns(ArticleSerializer).names)
        self.assertEqual(len({r["id"] for r in rows}), len(rows))

    def test_a_download_is_named_for_what_it_holds(self):
        today = timezone.localdate().isoformat()
        for path, params, name in [
            (
                "/search/export.jsonl",
                {"q": "Jets Aleppo", "year": "2016", "order": "oldest"},
                "search-jets-aleppo-2016-oldest-first",
            ),
            ("/media/export.csv", {"agency": "Reuters", "numbered": "on"}, "photos-reuters-numbered"),
            ("/search/export.csv", {"q": "سوريا"}, "search-سوريا"),
        ]:
            with self.subTest(params=params):
                response = self.client.get(path, params)
                body_of(response)
                disposition = response["Content-Disposition"]
                extension = path.rsplit(".", 1)[1]
                expected = f"asharq-al-awsat-{name}-{today}.{extension}"
                self.assertIn(urllib.parse.quote(expected) if not expected.isascii() else expected, disposition)

    def test_a_csv_for_excel_begins_with_a_byte_order_mark_and_is_otherwise_the_csv(self):
        plain = self.client.get("/articles/export.csv", {"section": "opinion"})
        excel = self.client.get("/articles/export.excel.csv", {"section": "opinion"})
        self.assertEqual(excel["Content-Type"], "text/csv; charset=utf-8")
        self.assertTrue(excel["Content-Disposition"].endswith('.csv"'))
        excel_bytes = b"".join(excel.streaming_content)
        self.assertTrue(excel_bytes.startswith(codecs.BOM_UTF8))
        self.assertEqual(excel_bytes[len(codecs.BOM_UTF8) :], b"".join(plain.streaming_content))
        page = self.client.get("/articles/", {"section": "opinion"}).content.decode()
        self.assertIn("/articles/export.excel.csv?section=opinion", page)

    def test_csv_cells_join_lists_and_flatten_objects(self):
        rows = list(csv.DictReader(io.StringIO(body_of(self.client.get("/articles/export.csv", {"tag": "syria"})))))
        self.assertEqual(len(rows), 1)
        row = rows[0]
        self.assertEqual(row["title"], 'Jets strike "Aleppo"')
        self.assertEqual((row["site_tags"], row["tags"], row["photos"]), ("Syria", "ISIS", "55358541"))
        self.assertEqual((row["section_slug"], row["author_name"]), ("", ""))
        self.assertEqual(row["body"], "Jets struck Aleppo, again.\n\nسوريا")
        self.assertTrue(row["provenance_ingested_at"])

    def test_a_supplied_title_is_exported_in_its_brackets_and_said_to_be_derived(self):
        title = "[Untitled; begins: Gunmen killed five people…]"
        article_make(title=title, title_is_derived=True, published_on=dt.date(2009, 4, 1), listing_only=True)
        [row] = csv.DictReader(io.StringIO(body_of(self.client.get("/articles/export.csv", {"year": 2009}))))
        self.assertEqual((row["title"], row["title_is_derived"]), (title, "true"))
        [record] = map(json.loads, body_of(self.client.get("/articles/export.jsonl", {"year": 2009})).splitlines())
        self.assertEqual((record["title"], record["title_is_derived"]), (title, True))
        [row] = csv.DictReader(io.StringIO(body_of(self.client.get("/articles/export.csv", {"tag": "syria"}))))
        self.assertEqual(row["title_is_derived"], "false")

    def test_json_lines_of_a_year_in_title_order(self):
        response = self.client.get("/articles/export.jsonl", {"year": 2012, "order": "title"})
        records = [json.loads(line) for line in body_of(response).splitlines()]
        self.assertEqual(len(records), 50)
        self.assertEqual([r["title"] for r in records], sorted(r["title"] for r in records))
        self.assertEqual(records[0]["section"]["name"], "Opinion")

    def test_a_list_is_read_in_keyset_batches_as_it_is_sent(self):
        def reads():
            return [q["sql"] for q in queries.captured_queries if 'FROM "articles_article"' in q["sql"]]

        with (
            mock.patch.object(exporting, "BATCH", 10),
            mock.patch.object(exporting, "CHUNK_BYTES", 1),
            CaptureQueriesContext(connection) as queries,
        ):
            response = self.client.get("/articles/export.jsonl", {"section": "opinion"})
            self.assertTrue(response.streaming)
            content = iter(response.streaming_content)
            first = next(content)
            # The first row went out when only the first batch had been read.
            self.assertEqual(len(reads()), 1)
            lines = (first + b"".join(content)).decode().splitlines()
        self.assertEqual(len(lines), 55)
        self.assertEqual(len(reads()), 6)  # 55 rows, 10 a batch
        for sql in reads():
            self.assertIn("LIMIT 10", sql)
            self.assertNotIn("OFFSET", sql)

    @override_settings(ARCHIVE_EXPORT_ANON_RATE="2/hour")
    @mock.patch.object(ExportThrottle, "timer", lambda self: 1_000_000.0)  # a clock that stands still
    def test_anonymous_downloads_are_limited_apart_from_the_api(self):
        for path in ("/articles/export.csv", "/search/export.csv?q=column"):
            self.assertEqual(self.client.get(path).status_code, 200)
        refused = self.client.get("/articles/export.jsonl")
        self.assertEqual(refused.status_code, 429)
        self.assertEqual(refused["Retry-After"], "3600")
        self.assertEqual(self.client.get("/api/v1/sections/").status_code, 200)
        self.assertEqual(self.client.get("/articles/export.csv", REMOTE_ADDR="192.0.2.7").status_code, 200)

    def test_photos_of_the_photo_list(self):
        MediaItem.objects.create(fingerprint="unnumbered", caption="Smoke")
        rows = list(csv.DictReader(io.StringIO(body_of(self.client.get("/media/export.csv", {"numbered": "on"})))))
        self.assertEqual([r["media_id"] for r in rows], ["55358541"])
        self.assertEqual(rows[0]["caption"], "Jets, over Aleppo")
        self.assertEqual(len(body_of(self.client.get("/media/export.jsonl")).splitlines()), 2)

    def test_bad_filters_are_refused(self):
        self.assertEqual(self.client.get("/articles/export.csv", {"year": "soon"}).status_code, 400)
        self.assertEqual(self.client.get("/articles/export.xml").status_code, 404)


class SearchExportTests(ExportTestCase):
    def test_a_search_is_read_a_batch_at_a_time_as_it_is_sent(self):
        walked = []

        def ids_by_date(*args, **kwargs):
            for batch in real(*args, **kwargs):
                walked.append(len(batch))
                yield batch

        real = search.ids_by_date
        with (
            mock.patch.object(exporting, "BATCH", 5),
            mock.patch.object(exporting, "CHUNK_BYTES", 1),
            mock.patch.object(search, "ids_by_date", ids_by_date),
        ):
            content = iter(self.client.get("/search/export.csv", {"q": "column"}).streaming_content)
            next(content), next(content)  # the header and the first row
            self.assertEqual(len(walked), 1)
            rows = sum(1 for _ in content)
        self.assertEqual(rows, search.count(search.parse("column")) - 1)
        self.assertLessEqual(max(walked), 5)

    def test_every_match_of_a_search_newest_first_undated_last(self):
        matches = search.count(search.parse("column"))
        with mock.patch.object(exporting, "BATCH", 4):
            rows = list(csv.DictReader(io.StringIO(body_of(self.client.get("/search/export.csv", {"q": "column"})))))
        self.assertEqual(len(rows), matches)
        self.assertEqual(len({r["id"] for r in rows}), matches)
        expected = Article.objects.filter(title__startswith="Column").order_by("-sort_date", "-id")
        self.assertEqual([int(r["id"]) for r in rows], list(expected.values_list("id", flat=True)))
        self.assertEqual(rows[-1]["published_on"], "")

    def test_oldest_first_and_filters(self):
        with mock.patch.object(exporting, "BATCH", 3):
            response = self.client.get("/search/export.jsonl", {"q": "column", "order": "oldest", "year": 2012})
        records = [json.loads(line) for line in body_of(response).splitlines()]
        self.assertEqual(len(records), 50)
        dates = [r["published_on"] for r in records]
        self.assertEqual(dates, sorted(dates))

    def test_engine_walk_cuts_days_and_holds_one_batch(self):
        query = search.parse("column")
        for order in ("newest", "oldest"):
            batches = list(search.ids_by_date(query, search.Filters(), order, batch=4))
            ids = [pk for batch in batches for pk in batch]
            expected = Article.objects.filter(title__startswith="Column")
            expected = expected.order_by(*(["-sort_date", "-id"] if order == "newest" else ["sort_date", "id"]))
            expected = list(expected.values_list("id", flat=True))
            if order == "oldest":  # undated last in both orders
                undated = set(Article.objects.undated().values_list("id", flat=True))
                expected = [pk for pk in expected if pk not in undated] + [pk for pk in expected if pk in undated]
            self.assertEqual(ids, expected, order)
            self.assertLessEqual(max(len(b) for b in batches), 4)

    def test_a_search_needs_words(self):
        self.assertEqual(self.client.get("/search/export.csv", {"q": ""}).status_code, 400)


class ExportLinkTests(ExportTestCase):
    def test_list_and_search_pages_link_their_exports_and_announce_their_json(self):
        MediaItem.objects.create(media_id=55358542, fingerprint="55358542", caption="A convoy", agency="Reuters")
        pages = {
            "/articles/?section=opinion": ("/articles/export.csv?section=opinion", "/api/v1/articles/?section=opinion"),
            "/tags/syria/": ("/articles/export.jsonl?tag=syria", "/api/v1/articles/?tag=syria"),
            "/sections/opinion/": ("/articles/export.csv?section=opinion", "/api/v1/articles/?section=opinion"),
            "/archive/2012/1/": (
                "/articles/export.csv?year=2012&amp;month=1",
                "/api/v1/articles/?year=2012&amp;month=1",
            ),
            "/search/?q=column": ("/search/export.csv?q=column", "/api/v1/search/?q=column"),
            "/media/?agency=Reuters": ("/media/export.csv?agency=Reuters", "/api/v1/photos/?agency=Reuters"),
        }
        for path, (export, api) in pages.items():
            with self.subTest(path=path):
                response = self.client.get(path)
                self.assertContains(response, f'href="{export}"')
                self.assertContains(response, f'<link rel="alternate" type="application/json" href="{api}">')

    def test_a_search_says_its_export_is_in_date_order(self):
        self.assertContains(
            self.client.get("/search/", {"q": "column"}), "Every match, not just this page (newest first)"
        )
        response = self.client.get("/search/", {"q": "column", "order": "oldest"})
        self.assertContains(response, "(oldest first)")

    def test_a_search_that_finds_nothing_offers_nothing_to_take_away(self):
        response = self.client.get("/search/", {"q": "okapizzz"})
        self.assertContains(response, "No articles for")
        self.assertNotContains(response, "/search/export.")
        self.assertNotContains(response, "Every match, not just this page")

    def test_every_reader_page_announces_its_json(self):
        pages = {
            "/": "/api/v1/articles/",
            self.article.get_absolute_url(): f"/api/v1/articles/{self.article.pk}/",
            "/media/": "/api/v1/photos/",
            "/archive/": "/api/v1/articles/",
            "/media/55358541/": f"/api/v1/photos/{MediaItem.objects.get().pk}/",
        }
        for path, api in pages.items():
            with self.subTest(path=path):
                self.assertContains(
                    self.client.get(path), f'<link rel="alternate" type="application/json" href="{api}">'
                )


class ArchiveExportCommandTests(ExportTestCase):
    def setUp(self):
        super().setUp()
        self.folder = Path(tempfile.mkdtemp())
        self.addCleanup(shutil.rmtree, self.folder)

    def test_whole_archive_with_counts_and_checksums_that_verify(self):
        for fmt in ("jsonl", "csv"):
            with self.subTest(fmt=fmt):
                out = io.StringIO()
                call_command("export", str(self.folder / fmt), format=fmt, no_progress=True, stdout=out)
                manifest = json.loads((self.folder / fmt / "manifest.json").read_text())
                counts = {f["name"]: f["records"] for f in manifest["files"]}
                self.assertEqual(counts[f"articles.{fmt}"], Article.objects.count())
                self.assertEqual(counts[f"tags.{fmt}"], Tag.objects.count())
                self.assertEqual(counts[f"photos.{fmt}"], 1)
                sums = (self.folder / fmt / "SHA256SUMS").read_text().splitlines()
                self.assertEqual(len(sums), 5)
                for entry, line in zip(manifest["files"], sums):
                    data = (self.folder / fmt / entry["name"]).read_bytes()
                    self.assertEqual(hashlib.sha256(data).hexdigest(), entry["sha256"])
                    self.assertEqual(len(data), entry["bytes"])
                    self.assertEqual(line, f"{entry['sha256']}  {entry['name']}")
                self.assertIn("Exported the archive", out.getvalue())
        lines = (self.folder / "jsonl" / "articles.jsonl").read_text(encoding="utf-8").splitlines()
        self.assertEqual(len(lines), Article.objects.count())
        self.assertEqual(json.loads(lines[0])["url"], Article.objects.newest_first().first().get_absolute_url())
        rows = list(csv.reader(io.StringIO((self.folder / "csv" / "articles.csv").read_text(encoding="utf-8"))))
        self.assertEqual(len(rows), Article.objects.count() + 1)


class FormulaInjectionTests(TestCase):
    """OWASP's CSV injection: a cell a spreadsheet would read as a formula is written as text."""

    def test_a_cell_starting_like_a_formula_is_written_after_an_apostrophe(self):
        for start in ("=", "+", "-", "@", "\t", "\r"):
            article_make(title=f'{start}HYPERLINK("http://evil.example")', source_path=f"{ord(start)}.txt")
        rows = list(csv.DictReader(io.StringIO(body_of(self.client.get("/articles/export.csv")))))
        titles = sorted(row["title"] for row in rows)
        self.assertEqual(len(titles), 6)
        for title in titles:
            self.assertTrue(title.startswith("'"), title)
        self.assertEqual(self.client.get("/api/v1/articles/").json()["results"][0]["title"][0] in "=+-@\t\r", True)
