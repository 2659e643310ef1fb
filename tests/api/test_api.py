"""The JSON API (/api/v1/): records, filters, cursor pages through every row, search as the
results page finds, counts per month, the OpenAPI description and its docs, and the anonymous
rate limit; on both databases."""

import datetime as dt
from io import StringIO
from unittest import mock

from django.core.cache import cache
from django.core.management import call_command
from django.test import TestCase, override_settings

from articles.counts import refresh as counts_refresh
from articles.models import ArticleTag, MediaItem, Tag
from articles.throttles import AnonymousThrottle

from ..helpers import article_make, make_articles, section


class ApiTestCase(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.opinion = section("opinion", "Opinion")
        cls.syria = Tag.objects.get(slug="syria")
        cls.isis = Tag.objects.get(slug="isis")
        photo = MediaItem.objects.create(
            media_id=55358541, fingerprint="55358541", caption="Jets over Aleppo", credit="REUTERS", agency="Reuters"
        )
        cls.article = article_make(
            title="Jets strike Aleppo",
            slug="jets-strike-aleppo",
            body="Jets struck Aleppo overnight.\n\nDaesh fighters withdrew.",
            dateline="Beirut",
            published_on=dt.date(2016, 9, 18),
            section=cls.opinion,
            original_url="https://aawsat.com/english/home/article/1",
            source_path="/crawl/2017/article-1.txt",
            tags=[cls.syria, cls.isis],
            photos=[photo],
            is_truncated=True,
        )
        ArticleTag.objects.filter(article=cls.article, tag=cls.syria).update(on_original_site=True)
        cls.columns = make_articles(45, section=cls.opinion, title="Column", start=dt.date(2012, 1, 1))
        counts_refresh()

    def setUp(self):
        cache.clear()  # the rate limit counts in the cache

    def get(self, path, params=None, status=200):
        response = self.client.get(path, params or {})
        self.assertEqual(response.status_code, status, response.content[:500])
        return response.json()

    def walk(self, path, params=None):
        """Every row of a list, page after page by its next address; and how many pages."""
        rows, pages, url = [], 0, path
        while url:
            page = self.client.get(url, params if pages == 0 else None).json()
            rows += page["results"]
            url, pages = page["next"], pages + 1
        return rows, pages


class ArticleApiTests(ApiTestCase):
    def test_article_gives_date_photos_tags_apart_and_provenance(self):
        data = self.get(f"/api/v1/articles/{self.article.pk}/")
        self.assertEqual(data["title"], "Jets strike Aleppo")
        self.assertEqual(data["url"], f"http://testserver{self.article.get_absolute_url()}")
        self.assertEqual(
            (data["published_on"], data["date_source"], data["date_is_certain"]), ("2016-09-18", "caption", False)
        )
        self.assertTrue(data["is_truncated"])
        self.assertEqual(data["section"]["slug"], "opinion")
        self.assertIsNone(data["author"])
        self.assertEqual([t["slug"] for t in data["site_tags"]], ["syria"])
        self.assertEqual([t["slug"] for t in data["tags"]], ["isis"])
        self.assertEqual(data["photos"][0]["media_id"], 55358541)
        self.assertEqual(data["photos"][0]["agency"], "Reuters")
        self.assertEqual(data["provenance"]["original_url"], "https://aawsat.com/english/home/article/1")
        self.assertEqual(data["provenance"]["source_file"], "article-1.txt")
        self.assertTrue(data["provenance"]["ingested_at"])
        self.assertIn("Daesh fighters withdrew.", data["body"])

    def test_a_title_the_archive_supplied_is_given_in_brackets_and_said_to_be_derived(self):
        title = "[Untitled; begins: Gunmen killed five people at a checkpoint near Baghdad on Sunday,…]"
        made = article_make(
            title=title, title_is_derived=True, body="Gunmen killed five people.", listing_only=True, content_hash="m"
        )
        data = self.get(f"/api/v1/articles/{made.pk}/")
        self.assertEqual((data["title"], data["title_is_derived"]), (title, True))
        self.assertFalse(self.get(f"/api/v1/articles/{self.article.pk}/")["title_is_derived"])
        [hit] = self.get("/api/v1/search/", {"q": "checkpoint"})["results"]
        self.assertEqual((hit["title"], hit["title_is_derived"]), (title, True))
        schema = self.client.get("/api/v1/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").json()
        article = schema["components"]["schemas"]["Article"]
        self.assertEqual(article["properties"]["title_is_derived"]["type"], "boolean")
        self.assertIn("supplied", article["properties"]["title_is_derived"]["description"])
        self.assertIn("square brackets", article["properties"]["title"]["description"])
        self.assertIn("title_is_derived", article["required"])

    def test_every_article_once_through_all_pages_in_a_bounded_number_of_queries(self):
        with self.assertNumQueries(3):  # articles with section and author, their tags, their photos
            first = self.client.get("/api/v1/articles/", {"page_size": 10}).json()
        self.assertEqual(len(first["results"]), 10)
        rows, pages = self.walk("/api/v1/articles/", {"page_size": 10})
        self.assertEqual(pages, 5)
        self.assertEqual(len(rows), 46)
        self.assertEqual(len({r["id"] for r in rows}), 46)
        self.assertEqual(rows[0]["title"], "Jets strike Aleppo")  # newest first
        self.assertEqual([r["published_on"] for r in rows], sorted((r["published_on"] for r in rows), reverse=True))

    def test_filters_and_orders_of_the_article_list(self):
        rows, _ = self.walk("/api/v1/articles/", {"tag": "syria"})
        self.assertEqual([r["id"] for r in rows], [self.article.pk])
        rows, _ = self.walk("/api/v1/articles/", {"year": 2012, "month": 1, "order": "oldest", "page_size": 7})
        self.assertEqual(len(rows), 31)
        self.assertEqual(rows[0]["published_on"], "2012-01-01")
        error = self.get("/api/v1/articles/", {"order": "sideways"}, status=400)
        self.assertEqual(error["detail"], "Not a valid value: order.")
        self.assertEqual(error["errors"]["order"][0][:6], "Select")

    def test_an_unknown_name_is_a_400_that_quotes_it(self):
        # A "%" in the name once reached the message's formatting and answered 500.
        for name in ("Atlantis", "%", "100% %(text)s"):
            with self.subTest(name=name):
                errors = self.get("/api/v1/articles/", {"tag": name}, status=400)["errors"]
                self.assertEqual(errors["tag"], [f"No tag called “{name}”: choose one of the names offered."])

    def test_damaged_cursor_and_missing_article_are_404(self):
        self.get("/api/v1/articles/", {"cursor": "not-a-cursor"}, status=404)
        self.get("/api/v1/articles/999999/", status=404)


class RecordApiTests(ApiTestCase):
    def test_tags_with_aliases(self):
        data = self.get("/api/v1/tags/isis/")
        self.assertIn("Daesh", data["aliases"])
        self.assertEqual(data["article_count"], 1)
        rows, pages = self.walk("/api/v1/tags/", {"page_size": 100})
        self.assertEqual(len(rows), Tag.objects.count())
        self.assertGreater(pages, 1)
        self.assertEqual([r["name"] for r in rows], sorted(r["name"] for r in rows))

    def test_sections_authors_and_photos(self):
        self.assertEqual(self.get("/api/v1/sections/opinion/")["article_count"], 46)
        self.assertEqual(self.get("/api/v1/authors/")["results"], [])
        photos = self.get("/api/v1/photos/", {"agency": "Reuters"})["results"]
        self.assertEqual([p["media_id"] for p in photos], [55358541])


class SearchApiTests(ApiTestCase):
    def test_search_finds_what_the_results_page_finds_in_its_order(self):
        page = self.client.get("/search/", {"q": "column", "order": "oldest"}).context["results"]
        html_ids = [row[0].pk for row in page.rows]
        data = self.get("/api/v1/search/", {"q": "column", "order": "oldest"})
        self.assertEqual(data["count"], 45)
        self.assertEqual([r["id"] for r in data["results"]], html_ids)
        self.assertEqual([r["rank"] for r in data["results"]][:3], [1, 2, 3])

    def test_search_facets_count_every_match(self):
        data = self.get("/api/v1/search/", {"q": "column OR aleppo", "page_size": 1})
        self.assertEqual(data["facets_sample"], 0, "exact counts")
        facets = data["facets"]
        self.assertEqual(facets["section"], [{"value": "opinion", "name": "Opinion", "count": 46}])
        self.assertEqual(
            facets["year"],
            [{"value": "2016", "name": "2016", "count": 1}, {"value": "2012", "name": "2012", "count": 45}],
        )
        self.assertEqual({f["value"]: f["count"] for f in facets["tag"]}, {"syria": 1, "isis": 1})

    def test_ranked_search_agrees_with_the_results_page_page_after_page(self):
        article_make(title="Aleppo truce", body="A truce in Aleppo.", published_on=dt.date(2016, 2, 1))
        article_make(title="Markets", body="Aleppo traders.", published_on=dt.date(2016, 2, 2))
        api, pages = self.walk("/api/v1/search/", {"q": "aleppo OR column"})
        self.assertEqual(pages, 3)
        for page in (1, 2, 3):
            html = self.client.get("/search/", {"q": "aleppo OR column", "page": page}).context["results"]
            with self.subTest(page=page):
                self.assertEqual([r["id"] for r in api[(page - 1) * 20 : page * 20]], [row[0].pk for row in html.rows])
        self.assertEqual([r["rank"] for r in api], list(range(1, 49)))

    def test_search_pages_reach_every_match(self):
        rows, pages = self.walk("/api/v1/search/", {"q": "column", "page_size": 20})
        self.assertEqual(pages, 3)
        self.assertEqual(len({r["id"] for r in rows}), 45)

    def test_search_syntax_variants_and_filters(self):
        self.assertEqual(self.get("/api/v1/search/", {"q": "isil"})["count"], 1)  # Daesh, ISIS, ISIL: one tag
        self.assertEqual(self.get("/api/v1/search/", {"q": "column -tag:syria", "year": 2012})["count"], 45)
        section("news-middle-east", "Middle East")
        self.assertEqual(self.get("/api/v1/search/", {"q": "aleppo", "section": "middle east"})["count"], 0)
        self.assertEqual(self.get("/api/v1/search/", {"q": "aleppo", "section": "Opinion"})["count"], 1)

    def test_bad_search_is_400_naming_the_parameter(self):
        self.assertIn("q", self.get("/api/v1/search/", {"q": "the"}, status=400)["errors"])
        reversed_days = {"q": "x", "from": "2016-02-01", "to": "2016-01-01"}
        self.assertIn("to", self.get("/api/v1/search/", reversed_days, status=400)["errors"])
        self.assertIn("section", self.get("/api/v1/search/", {"q": "aleppo", "section": "news"}, status=400)["errors"])

    def test_counts_per_month_over_every_match(self):
        data = self.get("/api/v1/search/months/", {"q": "column"})
        months = {m["month"]: m for m in data["months"]}
        self.assertEqual(len(months), 13 * 12)
        self.assertEqual(months["2012-01"]["matches"], 31)
        self.assertEqual(months["2012-02"]["matches"], 14)
        self.assertEqual(months["2012-01"]["articles"], 31)
        self.assertEqual(months["2012-01"]["per_thousand"], 1000.0)
        self.assertIsNone(months["2005-01"]["per_thousand"])
        self.assertEqual(data["total"], 45)


class ApiDescriptionTests(ApiTestCase):
    def test_openapi_description_names_every_endpoint(self):
        response = self.client.get("/api/v1/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
        self.assertEqual(response.status_code, 200)
        paths = response.json()["paths"]
        for path in ["/api/v1/articles/", "/api/v1/search/", "/api/v1/search/months/", "/api/v1/tags/{slug}/"]:
            self.assertIn(path, paths)

    def test_openapi_description_is_valid_and_complete(self):
        # --fail-on-warn: a view or field the generator cannot describe fails the test.
        call_command("spectacular", "--validate", "--fail-on-warn", stdout=StringIO(), stderr=StringIO())

    def test_docs_page_has_no_inline_script_or_style(self):
        response = self.client.get("/api/v1/docs/")
        html = response.content.decode()
        self.assertEqual(response.status_code, 200)
        self.assertNotIn("<style", html)
        self.assertNotRegex(html, r"<script>")
        self.assertIn("script-src 'self'", response["Content-Security-Policy"])
        script = self.client.get("/api/v1/docs/", {"script": ""})
        self.assertEqual(script["Content-Type"], "application/javascript")
        self.assertContains(script, "/api/v1/schema/")


class CrossOriginTests(ApiTestCase):
    def test_any_site_may_read_the_api_but_not_the_pages(self):
        self.assertEqual(self.client.get("/api/v1/sections/")["Access-Control-Allow-Origin"], "*")
        self.assertFalse(self.client.get("/sections/opinion/").has_header("Access-Control-Allow-Origin"))


class ThrottleTests(ApiTestCase):
    @override_settings(ARCHIVE_API_ANON_RATE="3/minute")
    @mock.patch.object(AnonymousThrottle, "timer", lambda self: 1_000_000.0)  # a clock that stands still
    def test_anonymous_clients_are_limited_and_told_when_to_come_back(self):
        for _ in range(3):
            self.get("/api/v1/sections/")
        response = self.client.get("/api/v1/sections/")
        self.assertEqual(response.status_code, 429)
        self.assertEqual(response["Retry-After"], "60")
        # Another address has its own allowance.
        self.assertEqual(self.client.get("/api/v1/sections/", REMOTE_ADDR="192.0.2.7").status_code, 200)


class PhotoFilterTests(ApiTestCase):
    def test_an_agency_alone_keeps_the_numbered_photos(self):
        MediaItem.objects.create(fingerprint="unnumbered", caption="Smoke", agency="Reuters")
        page = self.client.get("/media/", {"agency": "Reuters"}).context["page"]
        self.assertEqual(len(page.object_list), 2)
        page = self.client.get("/media/", {"agency": "Reuters", "numbered": "on"}).context["page"]
        self.assertEqual([p.media_id for p in page.object_list], [55358541])


class ContractTests(ApiTestCase):
    """What a generated client relies on: values refused rather than read as something else,
    every status documented in one error shape, the description readable whatever the limit."""

    def test_values_that_are_not_what_a_parameter_takes_are_400_naming_it(self):
        for path, params, name in [
            ("/api/v1/articles/", {"has_photo": "maybe"}, "has_photo"),
            ("/api/v1/photos/", {"numbered": "perhaps"}, "numbered"),
            ("/api/v1/articles/", {"year": "2016.5"}, "year"),
            ("/api/v1/articles/", {"page_size": "abc"}, "page_size"),
            ("/api/v1/articles/", {"page_size": "0"}, "page_size"),
            ("/api/v1/tags/", {"page_size": "-5"}, "page_size"),
            ("/api/v1/search/", {"q": "aleppo", "page_size": "101"}, "page_size"),
        ]:
            with self.subTest(params=params):
                error = self.get(path, params, status=400)
                self.assertEqual(list(error["errors"]), [name])
                self.assertIn(name, error["detail"])

    def test_what_a_parameter_takes_is_read(self):
        self.assertEqual(len(self.get("/api/v1/articles/", {"has_photo": "true"})["results"]), 1)
        self.assertEqual(len(self.get("/api/v1/articles/", {"has_photo": "false", "page_size": 100})["results"]), 46)
        self.assertEqual(len(self.get("/api/v1/articles/", {"year": "2016", "page_size": "1"})["results"]), 1)

    def test_every_operation_documents_its_errors_in_one_shape(self):
        schema = self.client.get("/api/v1/schema/", {"format": "json"}).json()
        self.assertNotIn("securitySchemes", schema.get("components", {}))
        self.assertIn("detail", schema["components"]["schemas"]["Error"]["properties"])
        for path, operations in schema["paths"].items():
            responses = operations["get"]["responses"]
            expected = {"200", "429", "503"} | ({"404"} if "{" in path else {"400"})
            with self.subTest(path=path):
                self.assertLessEqual(expected, set(responses))
                for code in set(responses) - {"200"}:
                    error = responses[code]["content"]["application/json"]["schema"]
                    self.assertEqual(error, {"$ref": "#/components/schemas/Error"})
                self.assertIn("Retry-After", responses["429"]["headers"])

    @override_settings(ARCHIVE_API_ANON_RATE="2/minute")
    def test_the_description_and_its_docs_are_read_past_the_rate_limit(self):
        for _ in range(3):
            self.client.get("/api/v1/sections/")
        self.assertEqual(self.client.get("/api/v1/sections/").status_code, 429)
        self.assertEqual(self.client.get("/api/v1/schema/").status_code, 200)
        self.assertEqual(self.client.get("/api/v1/docs/").status_code, 200)

    def test_an_address_the_api_does_not_have_is_a_json_404(self):
        response = self.client.get("/api/v1/photos/6.1e-05/")
        self.assertEqual(response.status_code, 404)
        self.assertEqual(response["Content-Type"], "application/json")
        self.assertIn("detail", response.json())
