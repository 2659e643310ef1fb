"""The reader's pages, through the test client, on the archive built from the real pages."""

import datetime
import json
import math
import re
from unittest.mock import ANY

from django.core.cache import cache
from django.db import connection
from django.test import TestCase, override_settings
from django.urls import reverse

from articles import caching, counts
from articles.models import Article, Author, MediaItem, Section, Tag
from articles.paging import PER_PAGE

from ..helpers import article_make, ingest_real_pages, make_articles, section, tag

SEED_TITLE = "U.S.-led Jets Kill Dozens of Syrian Soldiers"


class ReaderPagesTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        ingest_real_pages()
        cls.seed = Article.objects.get(title=SEED_TITLE)

    def test_home_shows_latest_sections_tags_photos_and_years(self):
        response = self.client.get("/")
        self.assertContains(response, "ASHARQ AL-AWSAT")
        self.assertContains(response, "English Archive 2005 -2017")
        self.assertContains(response, SEED_TITLE)
        self.assertContains(response, reverse("articles:archive-year", args=[2016]))
        self.assertContains(response, Tag.objects.get(slug="syria").get_absolute_url())
        self.assertContains(response, "Recent photos")
        self.assertContains(response, "Media ID: 55384280")
        self.assertContains(response, 'href="/sections/news-middle-east/"')

    def test_article_page_has_everything_a_reader_needs(self):
        # The article with its section and author, its photos, its tags, its newer and older
        # neighbours (one query), the related articles.
        with self.assertNumQueries(5):
            response = self.client.get(self.seed.get_absolute_url())
        self.assertContains(response, f'<h1 dir="auto">{SEED_TITLE}</h1>', html=False)
        self.assertContains(response, "Media ID: 55358541")
        self.assertContains(response, "Sputnik/Kremlin/Alexei Druzhinin/via REUTERS")
        self.assertContains(response, "Beirut, Washington")
        self.assertContains(response, "date from photo caption")
        self.assertContains(response, reverse("articles:archive-month", args=[2016, 9]))
        self.assertContains(response, 'rel="tag"')
        self.assertContains(response, "Related articles")
        self.assertContains(response, "000_cf8551d73f26d5b1.txt")
        self.assertNotContains(response, "<img")
        self.assertRegex(response.content.decode(), r'<figure[^>]+aria-labelledby="photo-caption-\d+"')

    def test_truncated_article_says_so(self):
        article = Article.objects.get(title="Syria: Violence flares along border with Lebanon")
        response = self.client.get(article.get_absolute_url())
        self.assertContains(response, "Incomplete text")
        self.assertContains(response, f'href="{article.author.get_absolute_url()}"')
        self.assertContains(response, f'href="{article.section.get_absolute_url()}"')

    def test_wrong_slug_redirects_to_the_article(self):
        response = self.client.get(reverse("articles:article", args=[self.seed.pk, "old-slug"]))
        self.assertRedirects(response, self.seed.get_absolute_url(), status_code=301)

    def test_photo_page_lists_every_article_that_used_it(self):
        photo = MediaItem.objects.get(media_id=55358541)
        response = self.client.get(photo.get_absolute_url())
        self.assertContains(response, "Media ID: 55358541")
        self.assertContains(response, "Reuters")
        self.assertContains(response, SEED_TITLE)

    def test_photo_index_filters_by_agency(self):
        response = self.client.get(reverse("articles:photo-list"), {"agency": "AP"})
        self.assertEqual(response.status_code, 200)
        agencies = {photo.agency for photo in response.context["page"].object_list}
        self.assertEqual(agencies, {"AP"})

    def test_tag_section_and_author_pages_count_their_articles(self):
        for obj in (
            Tag.objects.get(slug="syria"),
            Section.objects.get(slug="news-middle-east"),
            Author.objects.get(slug="theaawsat"),
        ):
            with self.subTest(page=obj.get_absolute_url()):
                response = self.client.get(obj.get_absolute_url())
                self.assertContains(response, f"{obj.article_count} article")
                self.assertContains(response, 'class="year-heading"')

    def test_date_archives(self):
        response = self.client.get(reverse("articles:archive-month", args=[2016, 9]))
        self.assertContains(response, SEED_TITLE)
        self.assertContains(response, "September 2016")
        self.assertEqual(self.client.get(reverse("articles:archive-year", args=[1999])).status_code, 404)
        self.assertEqual(self.client.get(reverse("articles:archive-month", args=[2016, 13])).status_code, 404)
        self.assertContains(self.client.get(reverse("articles:archive")), "2016")

    def test_user_text_is_escaped(self):
        Article.objects.filter(pk=self.seed.pk).update(title="<script>alert('x')</script> Jets")
        response = self.client.get(self.seed.get_absolute_url())
        self.assertNotContains(response, "<script>alert")
        self.assertContains(response, "&lt;script&gt;alert")

    def test_pages_are_accessible_landmarks_one_h1_and_skip_link(self):
        for url in ["/", self.seed.get_absolute_url(), "/articles/", "/media/", "/archive/", "/search/?q=syria"]:
            with self.subTest(url=url):
                html = self.client.get(url).content.decode()
                self.assertIn('<html lang="en">', html)
                self.assertEqual(len(re.findall(r"<h1[ >]", html)), 1)
                self.assertIn('class="skip-link" href="#content"', html)
                for landmark in ("<header", "<nav", "<main", "<footer"):
                    self.assertIn(landmark, html)


class LegacyUrlTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        ingest_real_pages()

    def assertMovedTo(self, url, target):
        response = self.client.get(url)
        self.assertEqual(response.status_code, 301, url)
        self.assertEqual(response["Location"], target)

    def test_listing_urls(self):
        self.assertMovedTo("/tag/syria/", "/tags/syria/")
        self.assertMovedTo("/tag/syria/page/1/", "/tags/syria/")
        self.assertMovedTo("/category/opinion/", "/sections/opinion/")
        self.assertMovedTo("/author/theaawsat/page/3/", "/authors/theaawsat/")

    def test_deep_legacy_page_lands_on_the_matching_or_last_page(self):
        make_articles(95, section=section("opinion", "Opinion"))
        self.assertMovedTo("/category/opinion/page/4/", "/sections/opinion/?page=2")
        held = Article.objects.filter(section__slug="opinion").count()
        self.assertMovedTo("/category/opinion/page/830/", f"/sections/opinion/?page={math.ceil(held / PER_PAGE)}")

    def test_article_url_by_original_url_and_by_slug(self):
        article = Article.objects.get(title="Syria: Violence flares along border with Lebanon")
        self.assertMovedTo(
            "/theaawsat/news-middle-east/syria-violence-flares-along-border-with-lebanon/", article.get_absolute_url()
        )
        self.assertMovedTo(
            "/someone/opinion/syria-violence-flares-along-border-with-lebanon", article.get_absolute_url()
        )

    def test_attachment_and_post_id_urls(self):
        photo = MediaItem.objects.get(slug="kirkuk-fighting")
        self.assertMovedTo(
            "/theaawsat/news-middle-east/kurdish-forces-attack-isis-west-of-kirkuk/attachment/kirkuk-fighting/",
            photo.get_absolute_url(),
        )
        self.assertMovedTo("/?p=55358541", "/media/55358541/")

    def test_the_original_sites_search_address_leads_to_the_archives_search(self):
        self.assertMovedTo("/?s=syria+ceasefire", "/search/?q=syria+ceasefire")
        self.assertMovedTo("/?s=%D8%B3%D9%88%D8%B1%D9%8A%D8%A7", "/search/?q=%D8%B3%D9%88%D8%B1%D9%8A%D8%A7")
        self.assertMovedTo("/?s=", "/search/")

    def test_a_merged_tags_addresses_lead_to_the_tag_it_was_merged_into(self):
        kept = Tag.objects.get(slug="isis")
        kept.aliases += "\nIslamic State in Iraq"
        kept.save()
        self.assertMovedTo("/tags/islamic-state-in-iraq/", "/tags/isis/")
        self.assertMovedTo("/tag/islamic-state-in-iraq/page/2/", "/tags/isis/")

    def test_unknown_legacy_urls_get_a_helpful_404(self):
        for url in [
            "/tag/no-such-tag/",
            "/nobody/opinion/no-such-post/",
            "/?p=12345678",
            "/?p=abc",
            "/x/y/z/attachment/nothing/",
            "/no/such/page/at/all/",
        ]:
            with self.subTest(url=url):
                response = self.client.get(url)
                self.assertEqual(response.status_code, 404)
                self.assertContains(response, "not in the archive", status_code=404)
                self.assertContains(response, 'role="search"', status_code=404)


class ListPagingTests(TestCase):
    """Keyset pagination: every page by a link costs the same queries; bad pages are 404s."""

    @classmethod
    def setUpTestData(cls):
        cls.section = section()
        cls.tag = tag()
        make_articles(95, section=cls.section, tag=cls.tag)

    def walk(self, url, params=None):
        """Follow "Next" links from the first page; return every title seen, page by page."""
        pages, response = [], self.client.get(url, params or {})
        while True:
            page = response.context["page"]
            pages.append([a.title for a in page.object_list])
            if "next" not in page.links:
                return pages, page
            href = self.next_href(response)
            response = self.client.get(url + href)

    @staticmethod
    def next_href(response):
        return re.search(r'href="(\?[^"]+)" rel="next"', response.content.decode())[1].replace("&amp;", "&")

    def test_next_links_visit_every_article_once_in_order(self):
        pages, last = self.walk(reverse("articles:article-list"))
        titles = [t for page in pages for t in page]
        self.assertEqual(len(titles), 95)
        self.assertEqual(titles, sorted(titles, reverse=True))
        self.assertEqual([len(p) for p in pages], [20, 20, 20, 20, 15])
        self.assertEqual(last.number, 5)

    def test_filters_by_tag_section_and_photos_narrow_the_list(self):
        url = reverse("articles:article-list")
        self.assertEqual(self.client.get(url, {"tag": self.tag.slug}).context["page"].count, 95)
        self.assertIsNone(self.client.get(url, {"tag": "no-such-tag"}).context["page"])
        self.assertEqual(self.client.get(url, {"section": self.section.slug}).context["page"].count, 95)

    def test_last_and_previous_links(self):
        response = self.client.get(reverse("articles:article-list"))
        last_href = re.search(r'href="(\?[^"]+)" rel="last"', response.content.decode())[1].replace("&amp;", "&")
        response = self.client.get(reverse("articles:article-list") + last_href)
        page = response.context["page"]
        self.assertEqual((page.number, len(page.object_list)), (5, 15))
        self.assertEqual(page.object_list[-1].title, "Generated article 00000")
        previous = re.search(r'href="(\?[^"]+)" rel="prev"', response.content.decode())[1].replace("&amp;", "&")
        page = self.client.get(reverse("articles:article-list") + previous).context["page"]
        self.assertEqual(page.number, 4)
        self.assertEqual(page.object_list[0].title, "Generated article 00034")

    def test_nearby_page_numbers_land_on_the_right_page(self):
        response = self.client.get(reverse("articles:article-list"))
        html = response.content.decode()
        third = re.search(r'<a href="(\?[^"]+)">3</a>', html)[1].replace("&amp;", "&")
        page = self.client.get(reverse("articles:article-list") + third).context["page"]
        self.assertEqual(page.number, 3)
        self.assertEqual(page.object_list[0].title, "Generated article 00054")

    def test_query_count_does_not_grow_with_page_depth_or_archive_size(self):
        url = reverse("articles:article-list")
        first = self.client.get(url)
        cursor_href = self.next_href(first)
        counts = {}
        for name, target in [("first", url), ("next", url + cursor_href)]:
            # One query for the page's sort keys and one for its articles, one for the section
            # choices of the filter form, two for the author and tag names it offers.
            with self.assertNumQueries(5) as context:
                self.client.get(target)
            counts[name] = len(context.captured_queries)
        make_articles(200, section=self.section, start=datetime.date(2000, 1, 1), title="More")
        # The first view after a change counts the archive once (then the count is cached).
        with self.assertNumQueries(counts["first"] + 1):
            self.client.get(url)
        with self.assertNumQueries(counts["first"]):
            self.client.get(url)
        with self.assertNumQueries(counts["next"]):
            self.client.get(url + cursor_href)

    def test_tag_and_section_pages_have_constant_queries(self):
        # Each reads its tag or section, a page of sort keys (the tag's index rows, the
        # section's articles), then those articles; its year form's years are kept.
        counts.years()
        for url in [self.tag.get_absolute_url(), self.section.get_absolute_url()]:
            with self.subTest(url=url):
                with self.assertNumQueries(3):
                    response = self.client.get(url)
                href = self.next_href(response)
                with self.assertNumQueries(3):
                    self.client.get(url + href)
                last = re.search(r'href="(\?[^"]+)" rel="last"', response.content.decode())[1].replace("&amp;", "&")
                with self.assertNumQueries(3):
                    self.client.get(url + last)

    def test_year_archive_and_photo_index_have_constant_queries(self):
        # The year page reads its month counts, a page of sort keys and those articles.
        url = reverse("articles:archive-year", args=[2010])
        with self.assertNumQueries(3):
            response = self.client.get(url)
        with self.assertNumQueries(3):
            self.client.get(url + self.next_href(response))
        photos = reverse("articles:photo-list")
        self.client.get(photos)  # counts the photos once; the count is then cached
        with self.assertNumQueries(1):
            self.client.get(photos)

    def test_filters_stay_in_pagination_links(self):
        response = self.client.get(reverse("articles:article-list"), {"section": self.section.slug, "has_photo": ""})
        self.assertIn(f"section={self.section.slug}", self.next_href(response))
        pages, _ = self.walk(reverse("articles:article-list"), {"year": "2010", "order": "oldest"})
        titles = [t for page in pages for t in page]
        self.assertEqual(titles, sorted(titles))
        self.assertEqual(len(titles), 95)

    def test_bad_page_parameters_are_404(self):
        url = reverse("articles:article-list")
        for params in [
            {"page": "0"},
            {"page": "abc"},
            {"page": "99"},
            {"page": "-1"},
            {"page": "1e9"},
            {"page": "2", "cursor": "not-a-cursor"},
            {"page": "2", "cursor": "eyJrIjpbMV19"},
        ]:
            with self.subTest(params=params):
                self.assertEqual(self.client.get(url, params).status_code, 404)
        self.assertEqual(self.client.get(self.tag.get_absolute_url(), {"page": "999"}).status_code, 404)

    def test_invalid_filter_values_show_errors_not_500(self):
        response = self.client.get(reverse("articles:article-list"), {"year": "abc", "section": "nope"})
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "correct the filters")

    def test_order_by_title(self):
        response = self.client.get(reverse("articles:article-list"), {"order": "title"})
        titles = [a.title for a in response.context["page"].object_list]
        self.assertEqual(titles, sorted(titles))


class ArchiveTotalTests(TestCase):
    """The number of articles on /articles/ comes from stored counts, refreshed with the months'."""

    def total_shown(self):
        caching.invalidate()  # as every writer does once it has committed
        return self.client.get(reverse("articles:article-list")).context["page"].count

    def test_undated_articles_are_counted_until_their_count_is_stored(self):
        article_make(title="Undated")
        article_make(title="Undated too")
        self.assertEqual(self.total_shown(), 2)

    def test_the_stored_count_moves_when_counts_are_refreshed(self):
        article_make(title="Dated", published_on=datetime.date(2010, 1, 1))
        article_make(title="Undated")
        counts.refresh()
        article_make(title="Undated too")
        self.assertEqual(self.total_shown(), 2, "the stored count, as fresh as the months'")
        counts.refresh()
        self.assertEqual(self.total_shown(), 3)
        Article.objects.filter(title="Undated").delete()
        counts.refresh()
        self.assertEqual(self.total_shown(), 2)


class ErrorPageTests(TestCase):
    def test_500_page_renders_in_the_site_style(self):
        from django.test import RequestFactory

        from articles.site.system import server_error

        response = server_error(RequestFactory().get("/"))
        self.assertEqual(response.status_code, 500)
        self.assertIn(b"Something went wrong", response.content)
        self.assertIn(b"archive.", response.content)


class ArticleFilterFormTests(TestCase):
    """Issue 13, item 1: the list's filters take names as readers write them."""

    @classmethod
    def setUpTestData(cls):
        author = Author.objects.create(name="H Qudsi", slug="h-qudsi", name_is_guess=True)
        cls.syria = tag("syria", "Syria")
        cls.syria.aliases = "Syrian Arab Republic"
        cls.syria.save()
        cls.article = make_articles(1, title="Qudsi on Syria")[0]
        Article.objects.filter(pk=cls.article.pk).update(author=author)
        make_articles(3, tag=cls.syria, title="Tagged")
        make_articles(2, title="Other")
        counts.refresh()

    def titles(self, **params):
        response = self.client.get(reverse("articles:article-list"), params)
        self.assertEqual(response.status_code, 200)
        page = response.context["page"]
        return None if page is None else sorted(a.title.rsplit(" ", 1)[0] for a in page.object_list)

    def test_author_and_tag_are_found_by_name_in_any_case(self):
        for value in ("H Qudsi", "h qudsi", " H  QUDSI ", "h-qudsi", "qudsi"):
            with self.subTest(author=value):
                self.assertEqual(self.titles(author=value), ["Qudsi on Syria"])
        for value in ("Syria", "syria", "SYRIA", "syrian arab republic"):
            with self.subTest(tag=value):
                self.assertEqual(self.titles(tag=value), ["Tagged"] * 3)

    def test_an_unknown_name_is_a_clear_error(self):
        response = self.client.get(reverse("articles:article-list"), {"tag": "Atlantis"})
        self.assertContains(response, "No tag called “Atlantis”")
        self.assertContains(response, 'aria-invalid="true"')

    def test_names_are_offered_and_every_field_is_labelled(self):
        response = self.client.get(reverse("articles:article-list"))
        html = response.content.decode()
        self.assertNotIn("invalid name", html)
        self.assertNotIn("(slug)", html)
        for name in ("section", "author", "tag", "year", "month", "has_photo", "order"):
            with self.subTest(field=name):
                self.assertRegex(html, rf'<label for="id_{name}">\w')
        self.assertRegex(
            html, r'<input[^>]+name="author"[^>]+list="author-names"|list="author-names"[^>]+name="author"'
        )
        self.assertInHTML('<option value="H Qudsi">', html)
        self.assertInHTML('<option value="Syria">', html)

    def test_a_month_without_a_year_is_that_month_of_every_year(self):
        for day in (datetime.date(2011, 3, 5), datetime.date(2015, 3, 30), datetime.date(2015, 4, 1)):
            article_make(title=f"Of {day}", published_on=day)
        response = self.client.get(reverse("articles:article-list"), {"month": "3"})
        found = sorted(str(article.published_on) for article in response.context["page"].object_list)
        self.assertEqual(found, ["2011-03-05", "2015-03-30"])
        self.assertContains(response, "March")

    def test_the_form_folds_away_until_filters_are_used(self):
        closed = self.client.get(reverse("articles:article-list")).content.decode()
        self.assertRegex(closed, r'<details class="filters">\s*<summary>')
        used = self.client.get(reverse("articles:article-list"), {"tag": "syria"}).content.decode()
        self.assertIn('<details class="filters" open>', used)
        photos = self.client.get(reverse("articles:photo-list")).content.decode()
        self.assertRegex(photos, r'<details class="filters">\s*<summary>Filter photos</summary>')

    @override_settings(ARCHIVE_PAGE_CACHE_SECONDS=60)
    def test_the_form_without_filters_is_kept_until_the_archive_changes(self):
        cache.clear()
        self.addCleanup(cache.clear)
        url = reverse("articles:article-list")
        self.client.get(url)
        # Every page asking for no filter shows the kept form: two queries for its rows.
        with self.assertNumQueries(2):
            kept = self.client.get(url, {"page": "1"}).content.decode()
        self.assertInHTML('<option value="H Qudsi">', kept)
        # A page asking for filters shows them, chosen.
        chosen = self.client.get(url, {"order": "title", "tag": "Syria"}).content.decode()
        self.assertInHTML('<option value="title" selected>Title A–Z</option>', chosen)
        self.assertInHTML(
            '<input type="text" name="tag" value="Syria" list="tag-names" autocomplete="off" id="id_tag">', chosen
        )
        self.assertIn('<details class="filters" open>', chosen)
        # A change to the archive shows in the form at once.
        section = Section.objects.create(name="Opinion", slug="opinion", article_count=1)
        caching.invalidate()
        changed = self.client.get(url).content.decode()
        self.assertInHTML(f'<option value="{section.slug}">Opinion</option>', changed)
        self.assertRegex(changed, r'<details class="filters">\s*<summary>')


class ArticleLayoutTests(TestCase):
    """Issue 13, item 2: one small photo before the text; the others, tags and related beside it."""

    def test_only_the_first_photo_comes_before_the_text_and_the_rest_are_beside_it(self):
        photos = [
            MediaItem.objects.create(media_id=55300000 + i, fingerprint=str(i), caption=f"Caption {i}.")
            for i in range(3)
        ]
        article = article_make(title="Three photos", body="First paragraph.\n\nSecond.", photos=photos)
        html = self.client.get(article.get_absolute_url()).content.decode()
        body = html.index('class="article__body"')
        aside = html.index('class="article-aside"')
        self.assertEqual([html.index(f"Caption {i}.") < body for i in range(3)], [True, False, False])
        self.assertTrue(all(html.index(f"Caption {i}.") > aside for i in (1, 2)))
        self.assertNotIn("Photograph not preserved", html)
        self.assertTrue(all(html.index(f'id="{block}-heading"') > aside for block in ("provenance", "citation")))

    def test_photos_come_in_the_pages_order_and_tags_by_name(self):
        photos = [
            MediaItem.objects.create(media_id=55300000 + i, fingerprint=str(i), caption=f"Caption {i}.")
            for i in (2, 0, 1)
        ]
        tags = [tag(name.lower(), name) for name in ("Yemen", "Aden", "Oil")]
        article = article_make(title="Ordered", photos=photos, tags=tags)
        html = self.client.get(article.get_absolute_url()).content.decode()
        self.assertEqual(sorted((html.index(f"Caption {i}."), i) for i in range(3)), [(ANY, 2), (ANY, 0), (ANY, 1)])
        self.assertLess(html.index(">Aden<"), html.index(">Oil<"))
        self.assertLess(html.index(">Oil<"), html.index(">Yemen<"))


class ListExcerptTests(TestCase):
    """Issue 13, item 3: lists show each article's first sentence, and not what the page is about."""

    @classmethod
    def setUpTestData(cls):
        cls.section = section("opinion", "Opinion")
        cls.author = Author.objects.create(name="Amir Taheri", slug="amir-taheri")
        cls.tag = tag("iran", "Iran")
        cls.article = article_make(
            title="Tehran's choice",
            body="U.S. officials said on Monday that Tehran had chosen its path. The rest follows.\n\nMore.",
            section=cls.section,
            author=cls.author,
            published_on=datetime.date(2016, 3, 4),
            tags=[cls.tag],
        )
        counts.refresh()

    def test_home_tag_section_author_and_year_lists_show_the_first_sentence(self):
        for url in (
            "/",
            self.tag.get_absolute_url(),
            self.section.get_absolute_url(),
            self.author.get_absolute_url(),
            reverse("articles:archive-year", args=[2016]),
        ):
            with self.subTest(url=url):
                response = self.client.get(url)
                self.assertContains(response, "U.S. officials said on Monday that Tehran had chosen its path.</p>")
                self.assertNotContains(response, "The rest follows")

    def test_a_section_or_author_page_does_not_repeat_itself_on_every_row(self):
        section_page = self.client.get(self.section.get_absolute_url()).content.decode()
        self.assertNotIn(f'<a href="{self.section.get_absolute_url()}">', section_page.split("</header>", 2)[2])
        self.assertIn(self.author.get_absolute_url(), section_page)
        author_page = self.client.get(self.author.get_absolute_url()).content.decode()
        self.assertNotIn(f'<a href="{self.author.get_absolute_url()}">', author_page.split("</header>", 2)[2])
        self.assertIn(self.section.get_absolute_url(), author_page)


class GuessedNameTests(TestCase):
    """Issue 13, item 4: a by-line guessed from an address says so wherever it shows."""

    def test_a_guessed_author_name_is_marked_as_read_from_the_address(self):
        author = Author.objects.create(name="A Ibrahim2", slug="a-ibrahim2", name_is_guess=True)
        article = article_make(title="By a guess", author=author, published_on=datetime.date(2015, 1, 2))
        counts.refresh()
        for url in ("/", article.get_absolute_url(), author.get_absolute_url(), reverse("articles:article-list")):
            with self.subTest(url=url):
                self.assertContains(response := self.client.get(url), "A Ibrahim2")
                self.assertContains(response, "(name read from the page’s address)")

    def test_a_guessed_name_is_marked_in_search_facets(self):
        author = Author.objects.create(name="M Alkhuawlidi", slug="m-alkhuawlidi", name_is_guess=True)
        article_make(title="Yemen talks", body="Talks on Yemen.", author=author)
        response = self.client.get(reverse("articles:search"), {"q": "yemen"})
        self.assertContains(response, "M Alkhuawlidi (name from the address)")

    def test_a_real_name_has_no_mark(self):
        author = Author.objects.create(name="Amir Taheri", slug="amir-taheri")
        article = article_make(title="By a name", author=author)
        self.assertNotContains(self.client.get(article.get_absolute_url()), "read from the page’s address")


class PhotoPageTests(TestCase):
    """Issue 13, item 5: a photo page says each thing once, plainly, with its article's date."""

    @classmethod
    def setUpTestData(cls):
        ingest_real_pages()

    def test_media_id_and_agency_are_said_once(self):
        response = self.client.get(MediaItem.objects.get(media_id=55358541).get_absolute_url())
        html = response.content.decode()
        self.assertEqual(html.count("55358541"), 2)  # the title and the heading
        self.assertNotIn("<dt>Agency</dt>", html)
        self.assertContains(response, "Sputnik/Kremlin/Alexei Druzhinin/via REUTERS")

    def test_reuters_filing_codes_are_left_to_editors(self):
        photo = MediaItem.objects.get(slug="kirkuk-fighting")
        self.assertIn("Tags: POLITICS", photo.credit)
        response = self.client.get(photo.get_absolute_url())
        self.assertContains(response, "REUTERS/Ako Rasheed")
        self.assertNotContains(response, "Tags: POLITICS")
        self.assertNotContains(response, "Photo without a Media ID")

    def test_the_page_gives_the_articles_date_and_the_article_its_address_names(self):
        photo = MediaItem.objects.get(media_id=55358541)
        self.assertContains(self.client.get(photo.get_absolute_url()), "<dt>Published</dt>")
        photo = MediaItem.objects.get(slug="kirkuk-fighting")
        response = self.client.get(photo.get_absolute_url())
        self.assertContains(response, "<dt>Its old address names</dt>")
        self.assertContains(response, "kurdish forces attack isis west of kirkuk")
        named = article_make(
            title="Kurdish forces attack ISIS west of Kirkuk", slug="kurdish-forces-attack-isis-west-of-kirkuk"
        )
        response = self.client.get(photo.get_absolute_url())
        self.assertContains(response, f'<a href="{named.get_absolute_url()}" dir="auto">{named.title}</a>')


class DateArchiveTests(TestCase):
    """Issue 13, item 6: a year reads January to December, either way round, month by month."""

    @classmethod
    def setUpTestData(cls):
        make_articles(3, start=datetime.date(2014, 12, 30), title="Turn")  # 30, 31 Dec 2014, 1 Jan 2015
        make_articles(2, start=datetime.date(2015, 3, 10), title="March")
        make_articles(1, start=datetime.date(2017, 6, 1), title="June")

    def test_months_are_listed_january_first_with_a_heading_each(self):
        html = self.client.get(reverse("articles:archive-year", args=[2015])).content.decode()
        nav = html[html.index('aria-label="Months of 2015"') :]
        self.assertLess(nav.index("January"), nav.index("March"))
        self.assertRegex(
            html, r'<h2 class="year-heading">March 2015</h2>[\s\S]*<h2 class="year-heading">January 2015</h2>'
        )

    def test_a_year_reads_oldest_first_too(self):
        response = self.client.get(reverse("articles:archive-year", args=[2015]), {"order": "oldest"})
        titles = [a.title for a in response.context["page"].object_list]
        self.assertEqual(titles, ["Turn 00002", "March 00000", "March 00001"])

    def test_years_and_months_link_to_their_neighbours_with_articles(self):
        html = self.client.get(reverse("articles:archive-year", args=[2015])).content.decode()
        self.assertIn(f'href="{reverse("articles:archive-year", args=[2014])}" rel="prev"', html)
        self.assertIn(f'href="{reverse("articles:archive-year", args=[2017])}" rel="next"', html)
        html = self.client.get(reverse("articles:archive-month", args=[2015, 1])).content.decode()
        self.assertIn(f'href="{reverse("articles:archive-month", args=[2014, 12])}" rel="prev"', html)
        self.assertIn(f'href="{reverse("articles:archive-month", args=[2015, 3])}" rel="next"', html)
        html = self.client.get(reverse("articles:archive-month", args=[2017, 6])).content.decode()
        self.assertNotIn('rel="next"', html.split('class="pagination"')[0])


class ZeroResultsTests(TestCase):
    """Issue 13, item 7: a search that finds nothing offers ways on, and nothing to sort."""

    def test_zero_results_offer_tips_and_browsing_and_no_sorting(self):
        article_make(title="Aleppo under siege", body="Aleppo was besieged.")
        response = self.client.get(reverse("articles:search"), {"q": "aleppo qqqzzz", "year": "2016"})
        self.assertContains(response, "No articles for")
        self.assertContains(response, '<h2 id="no-results-heading">Ways to find it</h2>')
        self.assertContains(response, "Check the spelling")
        self.assertContains(response, "Remove a filter above")
        self.assertContains(response, f'href="{reverse("articles:archive")}"')
        self.assertNotContains(response, "Sort by")


class SmallThingsTests(TestCase):
    """Issue 13, item 11."""

    def test_an_article_address_without_its_slug_redirects_to_the_full_one(self):
        article = article_make(title="Cut short")
        response = self.client.get(f"/articles/{article.pk}/")
        self.assertRedirects(response, article.get_absolute_url(), status_code=301)
        self.assertEqual(self.client.get(f"/articles/{article.pk + 1}/").status_code, 404)

    def test_a_quoted_search_is_quoted_once(self):
        article_make(title="Fighting in Deir el-Zour", body="Deir el-Zour is besieged.")
        html = self.client.get(reverse("articles:search"), {"q": '"Deir el-Zour"'}).content.decode()
        self.assertIn('for <span dir="auto">“Deir el-Zour”</span>', html)
        self.assertNotIn("“&quot;", html)


class NarrowedListTests(TestCase):
    """A tag's, a section's and an author's page narrow by words and by year, through the one
    criteria parser of /search/ and /articles/."""

    @classmethod
    def setUpTestData(cls):
        cls.opinion, cls.news = section("opinion", "Opinion"), section()
        cls.author = Author.objects.create(name="Amir Taheri", slug="amir-taheri")
        cls.iran = tag("iran", "Iran")
        for year, title, where in ((2014, "Iran talks stall", cls.opinion), (2016, "Iran deal holds", cls.opinion)):
            article_make(
                title=title,
                published_on=datetime.date(year, 3, 1),
                section=where,
                author=cls.author,
                tags=[cls.iran],
            )
        article_make(title="Iran deal signed", published_on=datetime.date(2016, 4, 1), section=cls.news)
        counts.refresh()

    def test_each_page_offers_search_within_and_a_year(self):
        for page, param, value in (
            (self.iran.get_absolute_url(), "tag", "iran"),
            (self.opinion.get_absolute_url(), "section", "opinion"),
            (self.author.get_absolute_url(), "author", "amir-taheri"),
        ):
            with self.subTest(page=page):
                html = self.client.get(page).content.decode()
                self.assertIn(f'<input type="hidden" name="{param}" value="{value}">', html)
                self.assertIn('action="/search/" role="search"', html)
                self.assertIn('<select id="narrow-year" name="year"><option value="2016">2016</option>', html)
                self.assertIn("Search these articles", html)

    def test_what_the_forms_ask_for_is_narrowed_to_the_page_s_articles(self):
        within = self.client.get("/search/", {"section": "opinion", "q": "deal"}).context["results"]
        self.assertEqual([row[0].title for row in within.rows], ["Iran deal holds"])
        year = self.client.get("/articles/", {"author": "amir-taheri", "year": "2016"})
        self.assertEqual([a.title for a in year.context["page"].object_list], ["Iran deal holds"])
        tagged = self.client.get("/articles/", {"tag": "iran", "year": "2014"})
        self.assertEqual([a.title for a in tagged.context["page"].object_list], ["Iran talks stall"])


class OldestFirstTests(TestCase):
    """Oldest first puts the undated articles last, as newest first does — on the list, with a
    filter, in the API and in downloads — and its pages still visit every article once."""

    @classmethod
    def setUpTestData(cls):
        cls.opinion = section("opinion", "Opinion")
        for i in range(25):
            article_make(title=f"Dated {i:02d}", published_on=datetime.date(2010, 1, 1 + i), section=cls.opinion)
        for i in range(23):
            article_make(title=f"Undated {i:02d}", section=cls.opinion if i % 2 else None)
        counts.refresh()
        caching.invalidate()

    def walk(self, params):
        titles, response = [], self.client.get(reverse("articles:article-list"), params)
        while True:
            page = response.context["page"]
            titles += [a.title for a in page.object_list]
            found = re.search(r'href="(\?[^"]+)" rel="next"', response.content.decode())
            if not found:
                return titles
            response = self.client.get(reverse("articles:article-list") + found[1].replace("&amp;", "&"))

    def test_the_undated_come_last_and_every_article_once(self):
        titles = self.walk({"order": "oldest"})
        self.assertEqual(titles[:25], [f"Dated {i:02d}" for i in range(25)])
        self.assertEqual(titles[25:], [f"Undated {i:02d}" for i in range(23)])
        newest = self.walk({})
        self.assertEqual(newest[:25], [f"Dated {i:02d}" for i in reversed(range(25))])
        self.assertEqual(set(newest[25:]), set(titles[25:]))

    def test_with_a_filter_too(self):
        titles = self.walk({"order": "oldest", "section": "opinion"})
        self.assertEqual(len(titles), 25 + 11)
        self.assertTrue(all(t.startswith("Dated") for t in titles[:25]))
        self.assertTrue(all(t.startswith("Undated") for t in titles[25:]))

    def test_the_api_and_the_downloads_give_the_same_order(self):
        expected = self.walk({"order": "oldest"})
        rows, url = [], "/api/v1/articles/?order=oldest&page_size=7"
        while url:
            page = self.client.get(url).json()
            rows += [r["title"] for r in page["results"]]
            url = page["next"]
        self.assertEqual(rows, expected)
        download = self.client.get("/articles/export.jsonl", {"order": "oldest"})
        lines = b"".join(download.streaming_content).decode().splitlines()
        self.assertEqual([json.loads(line)["title"] for line in lines], expected)

    def test_postgresql_pages_oldest_first_on_its_own_indexes(self):
        if connection.vendor != "postgresql":
            self.skipTest("EXPLAIN's plan shapes are PostgreSQL's")
        from articles.criteria import order_fields

        cases = [
            (Article.objects.all(), "oldest", {}, "article_oldest_idx"),
            (Article.objects.filter(section=self.opinion), "oldest", {}, "article_section_oldest_idx"),
            (Article.objects.in_period(2010), "oldest", {"year": 2010}, "article_date_idx"),
        ]
        for rows, order, params, index in cases:
            with self.subTest(index=index):
                sql, sql_params = rows.order_by(*order_fields(order, params)).values("id")[:21].query.sql_with_params()
                with connection.cursor() as cursor:
                    cursor.execute("SET LOCAL enable_seqscan = off")
                    cursor.execute("SET LOCAL enable_sort = off")
                    cursor.execute(f"EXPLAIN {sql}", sql_params)
                    plan = "\n".join(row[0] for row in cursor.fetchall())
                self.assertIn(index, plan)
                self.assertNotIn("Sort", plan.replace("Sort Key", ""))
