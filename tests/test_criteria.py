"""criteria: one parser of what lists and searches ask for, so that a parameter means the same,
and gives the same error, on every page, file and API endpoint that takes it."""

import datetime as dt

from django.core.cache import cache
from django.test import TestCase, override_settings
from django.urls import reverse

from articles import criteria
from articles.models import Author, Tag

from .helpers import article_make, make_articles, section

# Every address that takes the list's or the search's filters, with what it needs besides.
LISTS = [("/articles/", {}), ("/api/v1/articles/", {}), ("/articles/export.csv", {})]
SEARCHES = [
    ("/search/", {"q": "generated"}),
    ("/api/v1/search/", {"q": "generated"}),
    ("/api/v1/search/months/", {"q": "generated"}),
    ("/search/export.jsonl", {"q": "generated"}),
    ("/search/feed/", {"q": "generated"}),
    ("/search/timeline.csv", {"q": "generated"}),
    ("/search/timeline/", {"q": "generated"}),
]
PAGES = {"/articles/", "/search/", "/search/timeline/"}


@override_settings(ARCHIVE_API_ANON_RATE="1000/minute", ARCHIVE_EXPORT_ANON_RATE="1000/minute")
class OneMeaningTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.opinion = section("opinion", "Opinion")
        cls.writer = Author.objects.create(name="Amir Taheri", slug="amir-taheri")
        cls.tag = Tag.objects.create(name="Sykes-Picot", slug="sykes-picot", aliases="Sykes Picot agreement")
        cls.signed = article_make(
            title="Generated column",
            author=cls.writer,
            section=cls.opinion,
            tags=[cls.tag],
            published_on=dt.date(2014, 5, 2),
        )
        make_articles(3)

    def setUp(self):
        cache.clear()

    def found(self, url, params):
        """How many articles the address gives for ``params``, however it says so."""
        response = self.client.get(url, params)
        self.assertEqual(response.status_code, 200, (url, params))
        if url == "/articles/":
            return len(response.context["page"].object_list)
        if url == "/search/":
            return response.context["results"].matches.total
        if url.startswith("/api/v1/search/months/"):
            return response.json()["total"]
        if url.startswith("/api/"):
            data = response.json()
            return data.get("count", len(data.get("results", [])))
        if url == "/search/timeline/":
            return sum(line.total for line in response.context["timeline"]["series"])
        content = b"".join(response.streaming_content) if response.streaming else response.content
        if url.endswith(".csv") and "timeline" in url:
            return sum(int(line.split(",")[2]) for line in content.decode().splitlines()[1:])
        if url.endswith(".csv"):
            return len(content.decode().splitlines()) - 1
        if url.endswith("feed/"):
            return content.count(b"<entry>")
        return len(content.decode().splitlines())

    def test_author_section_and_tag_take_a_slug_or_a_name_everywhere(self):
        spellings = {
            "author": ["amir-taheri", "Amir Taheri", "amir taheri", "Taheri"],
            "section": ["opinion", "Opinion"],
            "tag": ["sykes-picot", "Sykes-Picot", "sykes picot agreement"],
        }
        for url, params in LISTS + SEARCHES:
            for name, values in spellings.items():
                for value in values:
                    with self.subTest(url=url, name=name, value=value):
                        self.assertEqual(self.found(url, {**params, name: value}), 1)

    def test_a_name_that_names_nothing_is_the_same_error_everywhere(self):
        for url, params in LISTS + SEARCHES:
            with self.subTest(url=url):
                response = self.client.get(url, {**params, "author": "Nobody at all"})
                content = b"".join(response.streaming_content) if response.streaming else response.content
                self.assertEqual(response.status_code, 200 if url in PAGES else 400)
                self.assertIn("No author called “Nobody at all”", content.decode())

    def test_a_reversed_range_of_days_is_said_beside_the_box_and_keeps_the_query(self):
        response = self.client.get("/search/", {"q": "generated", "from": "2016-02-01", "to": "2016-01-01"})
        self.assertContains(response, 'id="search-to-error"')
        self.assertContains(response, "The last day comes before the first.")
        self.assertContains(response, 'value="generated"')
        self.assertNotContains(response, "No articles for")

    def test_filters_in_use_are_named_the_same_on_lists_and_search(self):
        lists = self.client.get("/articles/", {"author": "Taheri", "section": "opinion"})
        found = self.client.get("/search/", {"q": "generated", "author": "Taheri", "section": "opinion"})
        self.assertEqual(len(lists.context["filters"] and lists.context["view"].filterset.active), 2)
        self.assertEqual(
            [(name, value, label) for name, value, label, _ in found.context["results"].selected],
            [("section", "opinion", "Opinion"), ("author", "amir-taheri", "Amir Taheri")],
        )
        self.assertEqual(
            criteria.in_use(lists.context["view"].filterset.form),
            [("section", "opinion", "Opinion"), ("author", "amir-taheri", "Amir Taheri")],
        )

    def test_facets_are_named_the_same_on_the_page_and_in_the_api(self):
        guessed = Author.objects.create(name="A Ibrahim2", slug="a-ibrahim2", name_is_guess=True)
        article_make(title="Generated report", author=guessed)
        page = self.client.get("/search/", {"q": "generated"}).context["results"].facets
        api = self.client.get("/api/v1/search/", {"q": "generated"}).json()["facets"]
        on_page = {param: [(value, label, n) for value, label, n, _ in values] for param, _, values in page}
        in_api = {
            param: [(f["value"], f["name"], f["count"]) for f in values] for param, values in api.items() if values
        }
        self.assertEqual(on_page, in_api)
        self.assertIn(("a-ibrahim2", "A Ibrahim2 (name from the address)", 1), in_api["author"])


class SearchCriteriaTests(TestCase):
    def test_words_are_needed_for_a_file_or_json(self):
        with self.assertRaises(criteria.CriteriaError) as raised:
            criteria.search_criteria({"q": "the"})
        self.assertEqual(list(raised.exception.errors), ["q"])
        self.assertEqual(criteria.search_criteria({"q": "the"}, query_needed=False).query.text, "the")

    def test_every_parameter_in_error_is_named(self):
        with self.assertRaises(criteria.CriteriaError) as raised:
            criteria.search_criteria({"q": "x", "year": "2016.5", "agency": "Nobody", "from": "tomorrow"})
        self.assertEqual(sorted(raised.exception.errors), ["agency", "from", "year"])
        for name in ("agency", "from", "year"):
            self.assertIn(f"{name}: ", str(raised.exception))

    def test_the_lists_section_box_still_offers_every_section(self):
        section("opinion", "Opinion")
        form = self.client.get(reverse("articles:article-list")).context["view"].filterset.form
        self.assertIn(("opinion", "Opinion"), [(str(value), label) for value, label in form.fields["section"].choices])


class NulTests(TestCase):
    def test_a_name_holding_nul_is_refused_before_it_reaches_the_database(self):
        for url in ["/articles/", "/api/v1/articles/", "/search/?q=x"]:
            for name in ("section", "author", "tag"):
                with self.subTest(url=url, name=name):
                    response = self.client.get(url, {name: "opin\x00ion"})
                    self.assertIn(response.status_code, (200, 400))
                    self.assertContains(response, "Null characters are not allowed", status_code=response.status_code)
