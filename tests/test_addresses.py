"""Addresses built from a route reversed once are the addresses Django's reverse() gives; query
strings are changed and kept as Django's own tools would."""

from urllib.parse import parse_qsl

from django.http import QueryDict
from django.test import RequestFactory, TestCase
from django.urls import NoReverseMatch, clear_script_prefix, reverse, set_script_prefix
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra.django import SimpleTestCase

from articles.addresses import SITE_PAGES, address, changed, list_params, querystring

# Any text a slug of the original site may hold, in any script, odd characters included.
SLUGS = st.text(min_size=1, max_size=40).filter(lambda text: "/" not in text and "\x00" not in text)
NUMBERS = st.integers(min_value=0, max_value=10**12)


class AddressTests(SimpleTestCase):
    @given(pk=NUMBERS, slug=SLUGS)
    def test_an_article_as_reverse_gives_it(self, pk, slug):
        self.assertEqual(address("articles:article", pk, slug), reverse("articles:article", args=[pk, slug]))

    @given(slug=SLUGS)
    def test_tags_sections_and_authors_as_reverse_gives_them(self, slug):
        for name in ("articles:tag", "articles:section", "articles:author"):
            self.assertEqual(address(name, slug), reverse(name, args=[slug]))

    def test_examples(self):
        self.assertEqual(address("articles:article", 17, "gaza-truce"), "/articles/17/gaza-truce/")
        self.assertEqual(address("articles:tag", "الرياض"), "/tags/%D8%A7%D9%84%D8%B1%D9%8A%D8%A7%D8%B6/")
        self.assertEqual(address("articles:tag", "{0}%20?#"), "/tags/%7B0%7D%2520%3F%23/")
        self.assertEqual(address("articles:archive-month", 2009, 3), "/archive/2009/3/")

    def test_under_a_script_prefix(self):
        """An archive served below another site's path keeps that path in its addresses."""
        set_script_prefix("/english/")
        try:
            self.assertEqual(address("articles:article", 17, "gaza-truce"), "/english/articles/17/gaza-truce/")
        finally:
            clear_script_prefix()
        self.assertEqual(address("articles:article", 17, "gaza-truce"), "/articles/17/gaza-truce/")

    def test_what_the_route_refuses_is_refused(self):
        for slug in ("", "a/b", "a\x00b"):
            with self.subTest(slug=slug), self.assertRaises(NoReverseMatch):
                address("articles:article", 17, slug)

    def test_a_route_whose_converter_refuses_the_marks_is_reversed_as_django_does(self):
        self.assertEqual(address("articles:article-export", "csv"), "/articles/export.csv")
        with self.assertRaises(NoReverseMatch):
            address("articles:article-export", "xml")

    @given(params=st.lists(st.tuples(SLUGS, SLUGS), max_size=4))
    def test_parameters_go_in_the_query_string_in_their_order(self, params):
        path, _, query = address("articles:article-list", params=params).partition("?")
        self.assertEqual(path, reverse("articles:article-list"))
        self.assertEqual(parse_qsl(query, keep_blank_values=True), params)


class QueryStringTests(SimpleTestCase):
    def test_a_list_leaves_its_place_out_of_what_its_exports_take(self):
        query = QueryDict("tag=syria&page=4&cursor=abc&year=2013&tag=iraq")
        self.assertEqual(list_params(query), [("tag", "syria"), ("tag", "iraq"), ("year", "2013")])

    def test_one_parameter_changed_back_on_the_first_page(self):
        query = QueryDict("q=aleppo&section=opinion&page=3&cursor=x")
        self.assertEqual(dict(changed(query, "section", None).lists()), {"q": ["aleppo"]})
        self.assertEqual(
            dict(changed(query, "year", "2014").lists()), {"q": ["aleppo"], "section": ["opinion"], "year": ["2014"]}
        )

    def test_querystring_as_djangos_tag_makes_it(self):
        request = RequestFactory().get("/search/", {"q": "gaza truce", "page": "2"})
        self.assertEqual(querystring(request, page=None), "?q=gaza+truce")
        self.assertEqual(querystring(request, order="newest"), "?q=gaza+truce&page=2&order=newest")
        self.assertEqual(querystring(RequestFactory().get("/")), "")


class SitePagesTests(TestCase):
    def test_every_page_links_to_the_site_pages_under_its_script_prefix(self):
        paths = [reverse(name)[1:] for name in SITE_PAGES.values()]
        for prefix in ("/", "/english/"):
            with self.subTest(prefix=prefix):
                set_script_prefix(prefix)  # as the WSGI handler does from SCRIPT_NAME
                try:
                    html = self.client.get("/archive/").content.decode()
                finally:
                    clear_script_prefix()
                for path in paths:
                    self.assertIn(f'href="{prefix}{path}"', html)
