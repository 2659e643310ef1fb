"""The original site's listing pages: their items are kept and linked to the articles they
announce, in either order of ingest, and give those articles what they know."""

import datetime as dt
import shutil
from unittest import mock

from django.test import TestCase

from articles.models import Article, ArticleTag, Author, ListingItem, ListingPage, Section, Tag
from tests.helpers import DATA, PageFolderMixin, ingest

HEADER = "Middle-east Arab News Opinion | Asharq Al-awsat\n\n"
BODY = (
    "Algerian President Abdelaziz Bouteflika won a fourth term in office with 81.5 percent of the vote, "
    "the interior minister said on Friday, despite concerns about his health."
)
TITLE = "Analysis: Four Scenarios Facing Algeria"
# The title the archive supplies for the second item of byline_listing, which prints none.
OPENING = "Abdelaziz Bouteflika has barely been seen in public since his stroke last year,…"
SUPPLIED = f"[Untitled; begins: {OPENING}]"


def article_text(title=TITLE, body=BODY, caption="Algerians queue to vote in Algiers, April 17, 2014. (Reuters)"):
    return (
        f"{HEADER}{title} | ASHARQ AL-AWSAT English Archive 2005 -2017\nSelect Page\n"
        f"Media ID: 55330990\nCaption:\n\n{caption}\n\n\n{caption}\n\n"
        f"Algiers, Reuters—{body}\n\nA second paragraph of the report.\n"
    )


def byline_listing(author="Bouallem Ghamrasa", date="Apr 18, 2014", sections="Middle East", title="Soufiane"):
    """A tag page of shape D with a heading: a by-line item whose excerpt begins the article."""
    head = f"{HEADER}{title} Archives - ASHARQ AL-AWSAT English Archive\nSelect Page\n" if title else ""
    return (
        f"{head}by {author} | {date} | {sections}\n"
        f"Algiers, Reuters—{BODY[:110]}...\n"
        "by Nabila Ramdani | Mar 30, 2014 | Opinion\n"
        "Abdelaziz Bouteflika has barely been seen in public since his stroke last year, yet he is the man...\n"
    )


def titled_listing(title=TITLE, heading="Saleh Al-Mutlaq"):
    """A page of shape A: a heading, then title / excerpt items."""
    return (
        f"{HEADER}{heading} | ASHARQ AL-AWSAT English Archive 2005 -2017\nSelect Page\n"
        f"{title}\n\nSomething else entirely opens this excerpt, which does not begin the article’s text at all...\n"
    )


class ListingTestCase(PageFolderMixin, TestCase):
    def ingest(self, *paths, **options):
        return ingest(*paths, **options)

    def article(self):
        return Article.objects.select_related("author", "section").get(listing_only=False)


class ItemsKeptTests(ListingTestCase):
    def test_every_item_of_every_sample_listing_is_kept_in_order(self):
        output = self.ingest(DATA)
        listings = ListingPage.objects.all()
        self.assertEqual(listings.count(), 27)
        # The run's summary counts the pages of each kind, and the listings' items.
        self.assertIn("Pages by kind: 29 articles, 6 photo pages, 27 listings with 75 items.", output)
        self.assertEqual(ListingItem.objects.count(), 75)
        for listing in listings:
            with self.subTest(listing=listing.source_path):
                self.assertEqual(listing.items.count(), listing.item_count)
                self.assertGreater(listing.item_count, 0)
        byline = ListingItem.objects.get(listing__slug="sunnis", position=4)
        self.assertEqual(
            (byline.title, byline.author_name, byline.byline_date, byline.sections),
            ("", "Hannah Lucinda Smith", dt.date(2013, 5, 26), "Features"),
        )
        self.assertTrue(byline.excerpt.startswith("Idlib, Asharq Al-Awsat—When Mahmoud fights"))
        photo = ListingItem.objects.get(listing__source_path__endswith="bab-al-tabbaneh.txt", position=1)
        self.assertEqual(photo.media_id, 55335412)
        self.assertTrue(photo.caption.startswith("Lebanese army soldiers patrol a street"))
        titled = ListingItem.objects.get(listing__kind="category", listing__slug="opinion", position=2)
        self.assertEqual(titled.title, "Iran: Weaker than a Worm")

    def test_the_summary_counts_pages_by_kind_and_shows_a_listing_without_items(self):
        self.page("tag-soufiane.txt", byline_listing())
        self.page(LinkTests.ARTICLE, article_text())
        self.page("tag-empty.txt", f"{HEADER}Empty Archives - ASHARQ AL-AWSAT English Archive\nSelect Page\n")
        output = self.ingest(self.folder)
        summary = "Pages by kind: 1 article, 0 photo pages, 2 listings with 2 items (1 listing without any)."
        self.assertIn(summary, output)
        self.assertIn("problem", output)
        self.assertNotIn("Pages by kind", self.ingest(self.folder), "a run that stores nothing counts no kinds")

    def test_a_changed_listing_replaces_its_items_and_an_unchanged_one_writes_nothing(self):
        path = self.page("tag-soufiane.txt", byline_listing())
        self.ingest(path)
        self.assertIn("1 unchanged", self.ingest(path))
        path.write_text(byline_listing(date="Apr 19, 2014"), encoding="utf-8")
        self.ingest(path)
        self.assertEqual(ListingItem.objects.count(), 2)
        self.assertEqual(ListingItem.objects.get(position=0).byline_date, dt.date(2014, 4, 19))


class LinkTests(ListingTestCase):
    ARTICLE = "article-theaawsat-news-middle-east-four-scenarios-facing-algeria.txt"

    def assertLinkedWithItsByline(self):
        article = self.article()
        item = ListingItem.objects.get(position=0)
        self.assertEqual(item.article, article)
        # The other item announces an article no page holds: it is known from the listing only.
        self.assertTrue(ListingItem.objects.get(position=1).article.listing_only)
        self.assertEqual(article.published_on, dt.date(2014, 4, 18))
        self.assertEqual(article.date_source, Article.DateSource.BYLINE)
        self.assertEqual(article.sort_date, dt.date(2014, 4, 18))
        self.assertTrue(article.date_is_certain)

    def test_the_listing_before_the_article_or_after_it_gives_the_same_link(self):
        for order in ("listing first", "article first", "one run"):
            with self.subTest(order=order):
                Article.objects.all().delete()
                ListingPage.objects.all().delete()
                listing = self.page("tag-soufiane.txt", byline_listing())
                article = self.page(self.ARTICLE, article_text())
                if order == "one run":
                    self.ingest(self.folder)
                else:
                    first, second = (listing, article) if order == "listing first" else (article, listing)
                    self.ingest(first)
                    self.ingest(second)
                self.assertLinkedWithItsByline()
                shutil.rmtree(self.folder)
                self.folder.mkdir()

    def test_an_item_links_by_its_title_whatever_the_quotes_and_case(self):
        self.ingest(
            self.page("author-saleh-al-mutlaq.txt", titled_listing(title="ANALYSIS: Four Scenarios Facing Algeria"))
        )
        self.ingest(self.page(self.ARTICLE, article_text(title="Analysis: Four Scenarios Facing Algeria")))
        self.assertEqual(ListingItem.objects.get().article, self.article())

    def test_two_articles_with_the_listed_title_are_told_apart_by_the_excerpt(self):
        self.ingest(self.page("a/article-theaawsat-news-middle-east-one.txt", article_text(body="Another text. " * 10)))
        self.ingest(self.page(self.ARTICLE, article_text()))
        self.ingest(
            self.page(
                "tag-soufiane.txt",
                f"{HEADER}Soufiane | ASHARQ AL-AWSAT English Archive\nSelect Page\n"
                f"{TITLE}\n\nAlgiers, Reuters—{BODY[:120]}...\n",
            )
        )
        item = ListingItem.objects.get()
        self.assertEqual(
            item.article.original_url,
            "https://eng-archive.aawsat.com/theaawsat/news-middle-east/four-scenarios-facing-algeria",
        )

    def test_reingesting_either_page_never_duplicates_a_link_or_a_site_tag(self):
        listing = self.page("tag-soufiane.txt", byline_listing())
        article = self.page(self.ARTICLE, article_text())
        self.ingest(listing, article)
        article.write_text(article_text() + "\nA paragraph a later crawl found.\n", encoding="utf-8")
        listing.write_text(byline_listing() + "by Someone Else | Jan 1, 2014 | Opinion\nAn unrelated item...\n")
        self.ingest(self.folder)
        self.assertEqual(ListingItem.objects.filter(article__listing_only=False).count(), 1)
        self.assertEqual(Article.objects.filter(listing_only=True).count(), 1)
        self.assertEqual(ArticleTag.objects.filter(on_original_site=True).count(), 2)
        self.assertLinkedWithItsByline()

    def test_the_byline_date_does_not_replace_an_editors_date(self):
        self.ingest(self.page(self.ARTICLE, article_text()))
        day = dt.date(2014, 4, 20)
        Article.objects.update(published_on=day, sort_date=day, oldest_key=day, date_source="editor", staff_edited=True)
        self.ingest(self.page("tag-soufiane.txt", byline_listing()))
        article = self.article()
        self.assertEqual(ListingItem.objects.get(position=0).article, article)
        self.assertEqual((article.published_on, article.date_source), (dt.date(2014, 4, 20), "editor"))

    def test_a_file_photo_does_not_date_the_article_and_the_byline_does(self):
        caption = "File photo of fighters in Aleppo from August 6, 2012. (Reuters)"
        self.ingest(self.page(self.ARTICLE, article_text(caption=caption)))
        self.assertNotEqual(self.article().published_on, dt.date(2012, 8, 6))
        self.assertEqual(self.article().date_source, Article.DateSource.MEDIA_ID)
        self.ingest(self.page("tag-soufiane.txt", byline_listing()))
        self.assertEqual(self.article().published_on, dt.date(2014, 4, 18))


class WhatItemsGiveTests(ListingTestCase):
    def test_a_tag_page_gives_the_site_tag_kept_apart_from_the_taggers(self):
        self.ingest(self.page(LinkTests.ARTICLE, article_text()))
        tagger = set(ArticleTag.objects.values_list("tag__name", flat=True))
        self.assertIn("Algeria", tagger)
        self.ingest(self.page("tag-soufiane.txt", byline_listing()))
        soufiane = Tag.objects.get(slug="soufiane")
        self.assertEqual(soufiane.name, "Soufiane")
        self.assertEqual(soufiane.article_count, 2, "the article, and the one known only from the listing")
        site = ArticleTag.objects.filter(on_original_site=True, article__listing_only=False)
        self.assertEqual(list(site.values_list("tag__slug", flat=True)), ["soufiane"])
        self.assertEqual(
            set(ArticleTag.objects.filter(on_original_site=False).values_list("tag__name", flat=True)), tagger
        )
        self.assertEqual(site.get().sort_date, dt.date(2014, 4, 18))

    def test_an_article_without_an_address_takes_author_and_section_from_the_byline(self):
        self.ingest(self.page("no-address.txt", article_text()))
        self.ingest(self.page("tag-soufiane.txt", byline_listing(sections="Latest News, Middle East")))
        article = self.article()
        self.assertEqual(article.author.name, "Bouallem Ghamrasa")
        self.assertEqual(article.section.name, "Middle East")

    def test_a_byline_gives_its_real_name_to_an_author_guessed_from_an_address(self):
        self.ingest(self.page("article-a-ibrahim2-news-middle-east-four-scenarios.txt", article_text()))
        self.assertEqual((self.article().author.name, self.article().author.name_is_guess), ("A Ibrahim2", True))
        self.ingest(self.page("tag-soufiane.txt", byline_listing(author="Ahmed Ibrahim")))
        author = self.article().author
        self.assertEqual((author.slug, author.name, author.name_is_guess), ("a-ibrahim2", "Ahmed Ibrahim", False))

    def test_a_byline_naming_someone_else_leaves_the_addresss_author(self):
        self.ingest(self.page("article-a-ibrahim2-news-middle-east-four-scenarios.txt", article_text()))
        self.ingest(self.page("tag-soufiane.txt", byline_listing(author="Hamza Mustafa")))
        self.assertEqual(self.article().author.name, "A Ibrahim2")

    def test_an_author_pages_heading_replaces_the_name_guessed_from_an_address(self):
        self.ingest(self.page("article-saleh-al-mutlaq-opinion-four-scenarios.txt", article_text()))
        self.assertEqual((self.article().author.name, self.article().author.name_is_guess), ("Saleh Al Mutlaq", True))
        self.ingest(self.page("author-saleh-al-mutlaq.txt", titled_listing()))
        self.assertEqual(Author.objects.get().name, "Saleh Al-Mutlaq")
        self.assertFalse(Author.objects.get().name_is_guess)

    def test_author_and_category_pages_name_their_author_and_section(self):
        self.ingest(self.page("author-saleh-al-mutlaq.txt", titled_listing()))
        self.ingest(self.page("category-majalla-blogs.txt", titled_listing(heading="Majalla Blogs Archives")))
        self.assertEqual(Author.objects.get(slug="saleh-al-mutlaq").name, "Saleh Al-Mutlaq")
        self.assertFalse(Author.objects.get(slug="saleh-al-mutlaq").name_is_guess)
        self.assertEqual(Section.objects.get(slug="majalla-blogs").name, "Majalla Blogs")

    def test_a_tag_known_only_from_the_site_is_not_looked_for_in_texts(self):
        self.ingest(self.page("tag-cedar-spring.txt", byline_listing(title="Cedar Spring")))
        tag = Tag.objects.get(slug="cedar-spring")
        self.assertEqual(tag.name, "Cedar Spring")
        self.assertFalse(tag.tagger_uses)
        self.ingest(self.page("no-address.txt", article_text(body=f"The Cedar Spring was debated. {BODY}")))
        self.assertFalse(ArticleTag.objects.filter(tag=tag, article__listing_only=False).exists())

    def test_an_editors_choice_of_tags_leaves_the_sites_tags(self):
        from articles import editing

        self.ingest(self.page(LinkTests.ARTICLE, article_text()), self.page("tag-soufiane.txt", byline_listing()))
        article = self.article()
        editing.article_save(article)
        editing.article_edited(article, tags=[])
        self.assertEqual(
            list(ArticleTag.objects.filter(article=article).values_list("tag__slug", "on_original_site")),
            [("soufiane", True)],
        )


class ReadersAndEditorsTests(ListingTestCase):
    def setUp(self):
        super().setUp()
        self.ingest(
            self.page(LinkTests.ARTICLE, article_text()),
            self.page("tag-soufiane.txt", byline_listing()),
            self.page("author-saleh-al-mutlaq.txt", titled_listing(title="Iraq’s Sunnis Will Not Accept It")),
            self.page("category-majalla-blogs.txt", titled_listing(heading="Majalla Blogs Archives")),
        )

    def test_old_author_category_and_tag_addresses_lead_to_their_pages(self):
        for old, new in [
            ("/author/saleh-al-mutlaq", "/authors/saleh-al-mutlaq/"),
            ("/author/saleh-al-mutlaq/page/2/", "/authors/saleh-al-mutlaq/"),
            ("/category/majalla-blogs", "/sections/majalla-blogs/"),
            ("/tag/soufiane", "/tags/soufiane/"),
        ]:
            with self.subTest(old):
                self.assertRedirects(self.client.get(old), new, status_code=301, fetch_redirect_response=False)
        response = self.client.get("/tags/soufiane/")
        self.assertContains(response, TITLE)
        self.assertContains(response, "2 articles")
        self.assertContains(response, "Known from the original site’s listings")
        self.assertContains(self.client.get("/authors/saleh-al-mutlaq/"), "Saleh Al-Mutlaq")

    def test_the_article_page_shows_the_sites_tags_apart_and_its_date_as_certain(self):
        response = self.client.get(self.article().get_absolute_url())
        self.assertContains(response, "Tags on the original site")
        site = response.context["site_tags"]
        self.assertEqual([t.slug for t in site], ["soufiane"])
        self.assertNotIn("soufiane", [t.slug for t in response.context["tags"]])
        self.assertIn("algeria", [t.slug for t in response.context["tags"]])
        self.assertContains(response, "18 April 2014")
        self.assertNotContains(response, "date from photo caption")

    def test_the_admin_shows_the_sites_tags_and_listings_apart_from_the_tag_choice(self):
        from django.contrib.auth.models import User
        from django.urls import reverse

        self.client.force_login(User.objects.create_superuser("lead", "lead@example.com", "pw"))
        response = self.client.get(reverse("admin:articles_article_change", args=[self.article().pk]))
        self.assertContains(response, "Tags on the original site")
        self.assertContains(response, "by Bouallem Ghamrasa | 2014-04-18 | Middle East")
        chosen = response.context["adminform"].form.fields["tag_choices"].initial
        self.assertNotIn("soufiane", [t.slug for t in chosen])


class EditorTests(ListingTestCase):
    def test_merging_a_site_tag_into_a_tag_the_article_has_keeps_it_the_sites(self):
        from articles import editing

        self.ingest(self.page(LinkTests.ARTICLE, article_text()), self.page("tag-soufiane.txt", byline_listing()))
        algeria, soufiane = Tag.objects.get(slug="algeria"), Tag.objects.get(slug="soufiane")
        editing.tags_merge(algeria, [soufiane])
        link = ArticleTag.objects.get(tag=algeria, article__listing_only=False)
        self.assertTrue(link.on_original_site)
        self.assertFalse(Tag.objects.filter(slug="soufiane").exists())

    def test_editors_see_a_listings_items_and_their_articles(self):
        from django.contrib.auth.models import User
        from django.urls import reverse

        self.ingest(self.page(LinkTests.ARTICLE, article_text()), self.page("tag-soufiane.txt", byline_listing()))
        self.client.force_login(User.objects.create_superuser("lead", "lead@example.com", "pw"))
        listing = ListingPage.objects.get()
        self.assertContains(self.client.get(reverse("admin:articles_listingpage_changelist")), "Soufiane")
        response = self.client.get(reverse("admin:articles_listingpage_change", args=[listing.pk]))
        self.assertContains(response, "Bouallem Ghamrasa")
        self.assertContains(response, TITLE)


class SettleTests(ListingTestCase):
    def test_an_item_and_an_article_written_side_by_side_are_linked_after_the_run(self):
        from articles.ingest import listings
        from tests.helpers import article_make

        mark = listings.listing_items_mark()
        # As a run still under way: the articles known only from listings come at its end.
        with mock.patch("articles.ingest.listings.listing_only_articles_make", return_value=0):
            self.ingest(self.page("tag-soufiane.txt", byline_listing()))
        # As a batch in another process writes it: without seeing the listing's items.
        article = article_make(title="Another title", body=BODY, published_on=dt.date(2012, 8, 6))
        self.assertFalse(ListingItem.objects.exclude(article=None).exists())
        self.assertEqual(listings.listing_items_settle(*mark), 1)
        self.assertEqual(ListingItem.objects.get(position=0).article, article)
        article.refresh_from_db()
        self.assertEqual((article.published_on, article.date_source), (dt.date(2014, 4, 18), "byline"))
        self.assertEqual(listings.listing_items_settle(*mark), 0, "settling again links nothing twice")


class ListingOnlyTests(ListingTestCase):
    """Articles whose page did not survive, known from what the original site's listings print."""

    def listed(self):
        return Article.objects.select_related("author", "section").get(listing_only=True, body__startswith="Abdel")

    def test_an_item_no_page_answers_becomes_an_article_known_only_from_listings(self):
        self.ingest(self.page("tag-soufiane.txt", byline_listing()))
        article = self.listed()
        self.assertEqual(article.title, SUPPLIED)
        self.assertTrue(article.body.startswith("Abdelaziz Bouteflika has barely been seen"))
        self.assertEqual((article.published_on, article.date_source), (dt.date(2014, 3, 30), "byline"))
        self.assertEqual((article.author.name, article.author.name_is_guess), ("Nabila Ramdani", False))
        self.assertEqual(article.section.name, "Opinion")
        self.assertEqual(list(article.tags.values_list("slug", flat=True)), ["soufiane"])
        label = "Known from the original site’s listings"
        self.assertContains(self.client.get("/tags/soufiane/"), label, count=2)
        self.assertContains(self.client.get(article.get_absolute_url()), label)
        found = self.client.get("/search/", {"q": "Bouteflika stroke"})
        self.assertContains(found, article.get_absolute_url())
        self.assertContains(found, label)

    def test_its_page_arriving_later_completes_the_same_article_in_place(self):
        self.ingest(self.page("tag-soufiane.txt", byline_listing()))
        listed = ListingItem.objects.get(position=0).article
        self.assertTrue(listed.listing_only)
        self.assertTrue(listed.title_is_derived)
        self.assertTrue(listed.title.startswith("[Untitled; begins: Algerian President Abdelaziz Bouteflika won"))
        self.ingest(self.page(LinkTests.ARTICLE, article_text()))
        article = self.article()
        self.assertEqual(article.pk, listed.pk)
        self.assertEqual((article.title, article.title_is_derived), (TITLE, False))
        self.assertEqual(article.title_key, "analysis four scenarios facing algeria")
        self.assertIn("A second paragraph of the report.", article.body)
        self.assertEqual(ListingItem.objects.get(position=0).article_id, article.pk)
        self.assertEqual((article.published_on, article.date_source), (dt.date(2014, 4, 18), "byline"))
        self.assertEqual(Article.objects.count(), 2, "the completed article and the one still known from listings")
        self.ingest(self.folder)
        self.assertEqual(Article.objects.count(), 2)

    def test_the_title_the_archive_supplied_is_marked_as_such_wherever_it_is_shown(self):
        self.ingest(self.page("tag-soufiane.txt", byline_listing()))
        article = self.listed()
        self.assertTrue(article.title_is_derived)
        self.assertIsNone(article.title_key, "a supplied title is matched on by no listing item")
        page = self.client.get(article.get_absolute_url())
        self.assertContains(page, f'<h1 dir="auto">{SUPPLIED}</h1>', html=False)
        self.assertContains(page, "No title survives.")
        for address in ("/tags/soufiane/", "/articles/"):
            with self.subTest(list=address):
                self.assertContains(self.client.get(address), SUPPLIED)
        found = self.client.get("/search/", {"q": "seen in public"})
        self.assertContains(found, "[Untitled; begins: Abdelaziz Bouteflika has barely been <mark>seen</mark>")
        self.assertContains(self.client.get("/search/", {"q": "title:untitled"}), article.get_absolute_url())
        self.assertContains(self.client.get("/tags/soufiane/feed/"), f"<title>{SUPPLIED}</title>")

    def test_an_item_titled_with_the_words_of_a_supplied_title_is_not_linked_to_it(self):
        self.ingest(self.page("tag-soufiane.txt", byline_listing()))
        words = OPENING.rstrip(",…")
        self.ingest(self.page("author-other.txt", titled_listing(title=words, heading="Other")))
        item = ListingItem.objects.get(listing__source_path__endswith="author-other.txt")
        self.assertNotEqual(item.article, self.listed())
        self.assertEqual((item.article.title, item.article.title_is_derived), (words, False))

    def test_a_listings_title_for_the_same_article_replaces_the_supplied_one(self):
        self.ingest(self.page("tag-soufiane.txt", byline_listing()))
        listed = self.listed()
        heading = f"{HEADER}Nabila Ramdani | ASHARQ AL-AWSAT English Archive 2005 -2017\nSelect Page\n"
        excerpt = "Abdelaziz Bouteflika has barely been seen in public since his stroke last year, yet he is the man..."
        self.ingest(self.page("author-nabila.txt", f"{heading}Bouteflika’s Silence\n\n{excerpt}\n"))
        article = self.listed()
        self.assertEqual(article.pk, listed.pk)
        self.assertEqual((article.title, article.title_is_derived), ("Bouteflika’s Silence", False))
        self.assertEqual((article.slug, article.title_key), ("bouteflikas-silence", "bouteflika s silence"))
        self.assertEqual(ListingItem.objects.filter(article=article).count(), 2)

    def test_two_listings_announcing_one_article_make_one(self):
        excerpt = f"Algiers, Reuters—{BODY[:110]}..."
        heading = f"{HEADER}Bouallem Ghamrasa | ASHARQ AL-AWSAT English Archive 2005 -2017\nSelect Page\n"
        titled = f"{heading}{TITLE}\n\n{excerpt}\n"
        self.ingest(self.page("tag-soufiane.txt", byline_listing()), self.page("author-bouallem.txt", titled))
        article = Article.objects.get(title=TITLE)
        self.assertTrue(article.listing_only)
        self.assertEqual(ListingItem.objects.filter(article=article).count(), 2)
        self.assertEqual(Article.objects.count(), 2)

    def test_a_page_written_beside_another_ingest_takes_in_what_its_listing_made(self):
        from articles.ingest import listings
        from tests.helpers import article_make

        started = listings.listing_items_mark()[1]
        self.ingest(self.page("tag-soufiane.txt", byline_listing()))
        # Written by this run while the other ingest, not seeing it, made the article from the listing.
        full = article_make(title="Another title", body=f"{BODY}\n\nMore.", published_on=dt.date(2012, 8, 6))
        self.assertEqual(Article.objects.filter(listing_only=True).count(), 2)
        self.assertEqual(listings.listing_only_absorb(started), 1)
        self.assertEqual(Article.objects.filter(listing_only=True).count(), 1)
        self.assertEqual(ListingItem.objects.get(position=0).article_id, full.pk)
        full.refresh_from_db()
        self.assertEqual(full.published_on, dt.date(2014, 4, 18))

    def test_the_coverage_page_counts_what_survives_of_each_month(self):
        self.ingest(self.page("tag-soufiane.txt", byline_listing()), self.page(LinkTests.ARTICLE, article_text()))
        response = self.client.get("/archive/coverage/")
        years, undated = response.context["years"], response.context["undated"]
        [(year, totals, months)] = years
        self.assertEqual(year, 2014)
        march, april = months
        self.assertEqual((march["month"], march["listing_only"], march["full_text"]), (3, 1, 0))
        self.assertEqual((april["month"], april["full_text"], april["dated_for_certain"]), (4, 1, 1))
        self.assertEqual((april["media_id_low"], april["media_id_high"]), (55330990, 55330990))
        self.assertEqual((totals["article_count"], totals["dated_for_certain"]), (2, 2))
        self.assertEqual(undated["article_count"], 0)
        self.assertContains(self.client.get("/archive/"), "/archive/coverage/")
