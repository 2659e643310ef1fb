"""The reader's pages, through the test client, on the archive built from the real pages."""

import datetime
import re

from django.test import TestCase
from django.urls import reverse

from articles.models import Article, Author, MediaItem, Section, Tag

from .helpers import ingest_real_pages, make_articles, section, tag

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
        self.assertMovedTo("/category/opinion/page/830/", "/sections/opinion/?page=5")

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
        self.assertEqual(len(self.client.get(url, {"tag": "no-such-tag"}).context["page"].object_list), 0)
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
            # One query for the page's rows, one for the section choices of the filter form.
            with self.assertNumQueries(2) as context:
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
        # The tag page reads its tag, a page of the tag's index rows, then those articles; the
        # section page reads its section and a page of articles.
        for url, queries in [(self.tag.get_absolute_url(), 3), (self.section.get_absolute_url(), 2)]:
            with self.subTest(url=url):
                with self.assertNumQueries(queries):
                    response = self.client.get(url)
                href = self.next_href(response)
                with self.assertNumQueries(queries):
                    self.client.get(url + href)
                last = re.search(r'href="(\?[^"]+)" rel="last"', response.content.decode())[1].replace("&amp;", "&")
                with self.assertNumQueries(queries):
                    self.client.get(url + last)

    def test_year_archive_and_photo_index_have_constant_queries(self):
        # The year page reads its month counts and a page of articles.
        url = reverse("articles:archive-year", args=[2010])
        with self.assertNumQueries(2):
            response = self.client.get(url)
        with self.assertNumQueries(2):
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


class ErrorPageTests(TestCase):
    def test_500_page_renders_in_the_site_style(self):
        from django.test import RequestFactory

        from articles.views import server_error

        response = server_error(RequestFactory().get("/"))
        self.assertEqual(response.status_code, 500)
        self.assertIn(b"Something went wrong", response.content)
        self.assertIn(b"archive.", response.content)
