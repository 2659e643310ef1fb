"""paging: keyset pages keep Django's contract (``paginate_queryset``: ``page_obj``, ``paginator``,
``is_paginated``), and what Django's Paginator guarded, paging.py guards: a page that is no
number, beyond the last, or reached by a damaged cursor is a 404."""

import datetime as dt

from django.http import Http404, QueryDict
from django.test import TestCase
from django.urls import reverse

from articles.models import Article
from articles.paging import PER_PAGE, KeysetPaginator, Page, encode_cursor, list_digest, paginate, paginate_sequence

from .helpers import make_articles, section


class ContractTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.section = section()
        make_articles(PER_PAGE * 2 + 5, section=cls.section, start=dt.date(2011, 1, 1))

    def test_every_list_gives_djangos_page_context(self):
        for url in [
            reverse("articles:article-list"),
            reverse("articles:photo-list"),
            self.section.get_absolute_url(),
            reverse("articles:archive-year", args=[2011]),
        ]:
            with self.subTest(url=url):
                context = self.client.get(url).context
                page = context["page_obj"]
                self.assertIs(context["page"], page)
                self.assertIsInstance(context["paginator"], KeysetPaginator)
                self.assertEqual(context["is_paginated"], page.has_other_pages())
                self.assertEqual(list(context["object_list"]), list(page.object_list))

    def test_the_article_lists_pages_count_and_follow_each_other(self):
        first = self.client.get(reverse("articles:article-list")).context
        self.assertEqual(first["paginator"].count, PER_PAGE * 2 + 5)
        self.assertEqual(first["paginator"].num_pages, 3)
        self.assertTrue(first["page_obj"].has_next())
        self.assertFalse(first["page_obj"].has_previous())
        self.assertEqual(len(first["page_obj"]), PER_PAGE)
        link = first["page_obj"].links["next"]
        second = self.client.get(reverse("articles:article-list"), {"page": link.page, "cursor": link.cursor}).context
        self.assertEqual(second["page_obj"].number, 2)
        self.assertTrue(second["page_obj"].has_previous())
        seen = {a.pk for a in first["object_list"]} & {a.pk for a in second["object_list"]}
        self.assertEqual(seen, set())

    def test_a_filter_in_error_pages_nothing(self):
        context = self.client.get(reverse("articles:article-list"), {"section": "no-such"}).context
        self.assertIsNone(context["page_obj"])
        self.assertFalse(context["is_paginated"])
        self.assertEqual(list(context["object_list"]), [])


class GuardTests(TestCase):
    """What Django's Paginator refuses (PageNotAnInteger, EmptyPage), paging refuses with a 404."""

    @classmethod
    def setUpTestData(cls):
        make_articles(PER_PAGE + 3)

    def page(self, **params):
        query = QueryDict(mutable=True)
        query.update(params)
        return paginate(query, Article.objects.all(), ["-sort_date", "-id"], count=PER_PAGE + 3)

    def test_a_page_that_is_no_number_is_404(self):
        for value in ["x", "0", "-1", "1.5", "²", "9" * 30]:
            with self.subTest(page=value), self.assertRaises(Http404):
                self.page(page=value)

    def test_a_page_beyond_the_last_is_404(self):
        with self.assertRaises(Http404):
            self.page(page="3")
        with self.assertRaises(Http404):
            paginate_sequence(QueryDict("page=3"), list(range(PER_PAGE + 3)))

    def test_a_damaged_cursor_is_404(self):
        for cursor in ["%%%", "e30", "bm90IGpzb24"]:
            with self.subTest(cursor=cursor), self.assertRaises(Http404):
                self.page(page="2", cursor=cursor)

    def test_the_last_page_holds_the_rest(self):
        last = self.page(page="2")
        self.assertIsInstance(last, Page)
        self.assertEqual(len(last), 3)
        self.assertFalse(last.has_next())


class CursorListTests(TestCase):
    """A cursor names its list: carried to another list it would land at an arbitrary place
    under a wrong page number, so it is a 404 there; on its own list it is good whatever the
    order of the parameters or the page's length."""

    @classmethod
    def setUpTestData(cls):
        cls.first, cls.second = section("first", "First"), section("second", "Second")
        make_articles(PER_PAGE + 5, section=cls.first, start=dt.date(2011, 1, 1), title="First")
        make_articles(PER_PAGE + 5, section=cls.second, start=dt.date(2012, 1, 1), title="Second")

    def next_link(self, url, params=None):
        page = self.client.get(url, params or {}).context["page_obj"]
        return page.links["next"]

    def test_a_cursor_of_one_section_is_404_on_another(self):
        link = self.next_link(self.first.get_absolute_url())
        own = self.client.get(self.first.get_absolute_url(), {"page": link.page, "cursor": link.cursor})
        self.assertEqual(own.status_code, 200)
        moved = self.client.get(self.second.get_absolute_url(), {"page": link.page, "cursor": link.cursor})
        self.assertEqual(moved.status_code, 404)

    def test_a_cursor_moved_to_another_filter_of_the_same_list_is_404(self):
        url = reverse("articles:article-list")
        link = self.next_link(url, {"section": self.first.slug})
        moved = self.client.get(url, {"section": self.second.slug, "page": link.page, "cursor": link.cursor})
        self.assertEqual(moved.status_code, 404)

    def test_parameters_in_another_order_keep_the_cursor(self):
        query = QueryDict("a=1&b=2&b=3&page=4")
        self.assertEqual(list_digest("/x/", query), list_digest("/x/", QueryDict("b=2&page=1&b=3&a=1")))
        self.assertNotEqual(list_digest("/x/", query), list_digest("/y/", query))
        self.assertNotEqual(list_digest("/x/", query), list_digest("/x/", QueryDict("a=2&b=2&b=3")))

    def test_an_api_cursor_is_404_on_another_list_and_good_with_another_page_size(self):
        url = "/api/v1/articles/"
        following = self.client.get(url, {"section": self.first.slug, "page_size": 5}).json()["next"]
        cursor = QueryDict(following.split("?", 1)[1])["cursor"]
        self.assertEqual(self.client.get(url, {"section": self.first.slug, "cursor": cursor}).status_code, 200)
        moved = self.client.get(url, {"section": self.second.slug, "cursor": cursor})
        self.assertEqual(moved.status_code, 404)

    def test_a_cursor_made_before_cursors_named_their_lists_is_still_followed(self):
        article = Article.objects.order_by("-sort_date", "-id")[PER_PAGE - 1]
        old = encode_cursor([article.sort_date, article.pk], False)
        response = self.client.get(reverse("articles:article-list"), {"page": 2, "cursor": old})
        self.assertEqual(response.status_code, 200)
