"""The staff admin, through the test client: access, editing, tags, history, search, query counts."""

import datetime as dt
import shutil
import tempfile
from io import StringIO
from pathlib import Path

from django.conf import settings
from django.contrib.auth.models import Group, Permission, User
from django.core.management import call_command
from django.test import TestCase, override_settings
from django.urls import reverse

from articles import counts, search
from articles.models import ArchiveMonth, Article, ArticleTag, Author, MediaItem, Section, Tag
from tests.helpers import ROOT, article_make

SEED = ROOT / "seeds" / "000_cf8551d73f26d5b1.txt"


def make_article(n, *, body="", tags=(), photos=(), section=None, author=None, published_on=dt.date(2014, 3, 2)):
    """An article as ingest leaves it: links, search text and photo count filled in."""
    return article_make(
        title=f"Article number {n}",
        body=body or f"Paragraph of article {n}.",
        published_on=published_on,
        section=section,
        author=author,
        source_path=f"pages/{n}.txt",
        content_hash=f"hash-{n}",
        tags=tags,
        photos=photos,
    )


def make_photo(n, caption="A photo caption"):
    return MediaItem.objects.create(
        media_id=55000000 + n, fingerprint=f"id:{n}", caption=f"{caption} {n}", credit="AFP"
    )


def make_tag(name, aliases=""):
    return Tag.objects.create(name=name, aliases=aliases)


def change_form_data(response):
    """The POST data of a rendered change form, as a browser would send it unchanged."""
    forms = [response.context["adminform"].form]
    for inline in response.context["inline_admin_formsets"]:
        forms += [inline.formset.management_form, *inline.formset.forms]
    data = {}
    for form in forms:
        for name in form.fields:
            value = form[name].value()
            key = form.add_prefix(name)
            if value is None or value is False:
                continue
            if value is True:
                data[key] = "on"
            elif isinstance(value, (list, tuple)):
                data[key] = [str(v) for v in value]
            else:
                data[key] = str(value)
    return data


def change_url(obj):
    return reverse(f"admin:articles_{obj._meta.model_name}_change", args=[obj.pk])


class AdminTestCase(TestCase):
    def setUp(self):
        self.admin_user = User.objects.create_superuser("lead", "lead@example.com", "pw")
        self.client.force_login(self.admin_user)

    def edit(self, obj, **changes):
        """Open obj's change form, change some fields, save it; return the response."""
        data = change_form_data(self.client.get(change_url(obj)))
        data.update(changes)
        with self.captureOnCommitCallbacks(execute=True):
            return self.client.post(change_url(obj), data)


@override_settings(AXES_ENABLED=True)
class LoginThrottleTests(TestCase):
    def setUp(self):
        User.objects.create_superuser("lead", "lead@example.com", "right password")
        User.objects.create_superuser("second", "second@example.com", "second password")

    def log_in(self, username, password):
        return self.client.post(
            "/admin/login/?next=/admin/", {"username": username, "password": password, "next": "/admin/"}
        )

    def fail(self, username, times):
        return [self.log_in(username, "wrong password").status_code for _ in range(times)]

    def fail_until_locked_out(self, username):
        self.assertEqual(self.fail(username, settings.AXES_FAILURE_LIMIT)[-1], 429)

    def test_repeated_wrong_passwords_lock_out_the_right_one_too(self):
        self.fail_until_locked_out("lead")
        response = self.log_in("lead", "right password")
        self.assertContains(response, "Too many failed logins", status_code=429)
        self.assertContains(response, "Try again in 15 minutes", status_code=429)
        self.assertRedirects(self.client.get("/admin/"), "/admin/login/?next=/admin/")

    def test_a_locked_out_account_leaves_other_accounts_unaffected(self):
        self.fail_until_locked_out("lead")
        self.assertRedirects(self.log_in("second", "second password"), "/admin/")

    @override_settings(NUM_PROXIES=1)
    def test_behind_the_proxy_a_lockout_holds_for_the_address_that_failed_only(self):
        self.client.defaults.update(REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="198.51.100.1")
        self.fail_until_locked_out("lead")
        self.assertEqual(self.log_in("lead", "right password").status_code, 429)
        self.client.defaults["HTTP_X_FORWARDED_FOR"] = "198.51.100.2"
        self.assertRedirects(self.log_in("lead", "right password"), "/admin/")

    def test_fewer_failures_than_the_limit_do_not_lock_out(self):
        self.assertEqual(set(self.fail("lead", settings.AXES_FAILURE_LIMIT - 1)), {200})
        self.assertRedirects(self.log_in("lead", "right password"), "/admin/")


class AccessTests(TestCase):
    def setUp(self):
        self.editor = User.objects.create_user("editor", password="pw", is_staff=True)
        self.editor.groups.add(Group.objects.get(name="Editors"))

    def test_anonymous_visitor_gets_the_login_page(self):
        response = self.client.get("/admin/", follow=True)
        self.assertEqual(response.redirect_chain[-1][0], "/admin/login/?next=/admin/")
        self.assertContains(response, 'name="password"')

    def test_logged_in_non_staff_user_gets_the_login_page(self):
        self.client.force_login(User.objects.create_user("reader", password="pw"))
        response = self.client.get("/admin/articles/article/")
        self.assertRedirects(response, "/admin/login/?next=/admin/articles/article/")

    def test_editor_edits_archive_content_but_not_users_groups_or_permissions(self):
        self.client.force_login(self.editor)
        article = make_article(1)
        for url in [
            "/admin/",
            "/admin/articles/article/",
            change_url(article),
            "/admin/articles/tag/",
            "/admin/articles/mediaitem/",
            "/admin/articles/section/",
            "/admin/articles/author/",
        ]:
            self.assertEqual(self.client.get(url).status_code, 200, url)
        self.assertEqual(self.edit_title(article).status_code, 302)
        for url in [
            "/admin/auth/user/",
            "/admin/auth/group/",
            "/admin/auth/user/add/",
            f"/admin/auth/user/{self.editor.pk}/change/",
        ]:
            self.assertEqual(self.client.get(url).status_code, 403, url)
        self.assertNotContains(self.client.get("/admin/"), "/admin/auth/")

    def test_editors_keep_what_the_archive_published_and_a_superuser_may_take_it_down(self):
        article, photo = make_article(1), make_photo(1)
        self.client.force_login(self.editor)
        for obj in (article, photo):
            delete = reverse(f"admin:articles_{obj._meta.model_name}_delete", args=[obj.pk])
            with self.subTest(model=obj._meta.model_name):
                self.assertEqual(self.client.get(delete).status_code, 403)
                self.assertEqual(self.client.post(delete, {"post": "yes"}).status_code, 403)
                changelist = self.client.get(reverse(f"admin:articles_{obj._meta.model_name}_changelist"))
                self.assertNotContains(changelist, 'value="delete_selected"')
        self.assertTrue(
            Article.objects.filter(pk=article.pk).exists() and MediaItem.objects.filter(pk=photo.pk).exists()
        )
        tag = make_tag("Removable")
        delete_tag = reverse("admin:articles_tag_delete", args=[tag.pk])
        self.assertEqual(self.client.post(delete_tag, {"post": "yes"}).status_code, 302, "tags an editor may delete")
        self.client.force_login(User.objects.create_superuser("lead", "lead@example.com", "pw"))
        delete = reverse("admin:articles_article_delete", args=[article.pk])
        with self.captureOnCommitCallbacks(execute=True):
            self.assertEqual(self.client.post(delete, {"post": "yes"}).status_code, 302)
        self.assertFalse(Article.objects.filter(pk=article.pk).exists())

    def test_editors_group_holds_only_archive_permissions(self):
        permissions = Permission.objects.filter(group__name="Editors")
        self.assertEqual(set(permissions.values_list("content_type__app_label", flat=True)), {"articles"})
        self.assertIn("change_article", set(permissions.values_list("codename", flat=True)))

    def edit_title(self, article):
        data = change_form_data(self.client.get(change_url(article)))
        data["title"] = "Corrected by an editor"
        return self.client.post(change_url(article), data)


class ArticleEditTests(AdminTestCase):
    def setUp(self):
        super().setUp()
        self.folder = Path(tempfile.mkdtemp())
        self.addCleanup(shutil.rmtree, self.folder)

    def ingest(self, *paths):
        out = StringIO()
        call_command("ingest", *map(str, paths), stdout=out, stderr=StringIO(), no_progress=True)
        return out.getvalue()

    def test_saved_article_is_marked_edited_by_staff_and_reingest_keeps_it(self):
        page = self.folder / "page.txt"
        page.write_text(SEED.read_text(encoding="utf-8"), encoding="utf-8")
        self.ingest(page)
        article = Article.objects.get()
        self.assertFalse(article.staff_edited)

        response = self.edit(article, title="U.S.-led jets kill dozens of Syrian soldiers in Deir el-Zour")
        self.assertRedirects(response, reverse("admin:articles_article_changelist"))
        article.refresh_from_db()
        self.assertTrue(article.staff_edited)

        page.write_text(SEED.read_text(encoding="utf-8") + "\nA paragraph the scraper added later.\n", encoding="utf-8")
        self.assertIn("1 kept", self.ingest(page))
        article.refresh_from_db()
        self.assertEqual(article.title, "U.S.-led jets kill dozens of Syrian soldiers in Deir el-Zour")
        self.assertNotIn("scraper added later", article.body)

    def test_tags_and_photos_saved_in_admin_are_searchable_at_once(self):
        article = make_article(1, body="Talks resumed in the capital.")
        tag = make_tag("Zanzibar Accord")
        photo = make_photo(1, caption="An okapi at the border crossing")
        self.assertFalse(search.filter_queryset(Article.objects.all(), "zanzibar").exists())

        self.edit(
            article,
            **{
                "tag_choices": [str(tag.pk)],
                "articlemedia_set-TOTAL_FORMS": "1",
                "articlemedia_set-0-position": "0",
                "articlemedia_set-0-media": str(photo.pk),
                "articlemedia_set-0-article": str(article.pk),
            },
        )

        article.refresh_from_db()
        self.assertEqual(article.photo_count, 1)
        self.assertIn("Zanzibar Accord", article.index_terms)
        self.assertIn("okapi", article.index_terms)
        for word in ["zanzibar", "okapi"]:
            self.assertEqual(list(search.filter_queryset(Article.objects.all(), word)), [article], word)
        self.assertEqual(Tag.objects.get(pk=tag.pk).article_count, 1)
        tag_list = self.client.get(reverse("admin:articles_tag_changelist"), {"q": "zanzibar"})
        self.assertContains(tag_list, f'<a href="/admin/articles/article/?tag={tag.pk}">1</a>', html=True)

    def test_body_typed_in_a_browser_keeps_its_paragraphs(self):
        article = make_article(1)
        self.edit(article, body="First paragraph.\r\n\r\nSecond paragraph.\r\n")
        article.refresh_from_db()
        self.assertEqual(article.body, "First paragraph.\n\nSecond paragraph.")
        self.assertEqual(article.paragraphs, ["First paragraph.", "Second paragraph."])

    def test_new_date_is_marked_as_set_by_an_editor_and_moves_the_counts(self):
        tag = make_tag("Ard Nimr")
        article = make_article(1, tags=[tag], published_on=None)
        self.edit(article, published_on="2015-06-01")
        article.refresh_from_db()
        self.assertEqual(article.date_source, Article.DateSource.EDITOR)
        self.assertEqual(ArticleTag.objects.get(article=article).sort_date, dt.date(2015, 6, 1))
        self.assertEqual(ArchiveMonth.objects.get(year=2015, month=6).article_count, 1)

    def test_what_the_coverage_page_counts_is_recounted_when_an_editor_changes_it(self):
        photo = make_photo(1)
        article = make_article(1, photos=[photo], published_on=dt.date(2015, 6, 1))
        counts.refresh()
        self.edit(article, is_truncated="on")
        self.assertEqual(ArchiveMonth.objects.get(year=2015, month=6).cut_short, 1)
        self.edit(photo, media_id="55999999")
        self.assertEqual(ArchiveMonth.objects.get(year=2015, month=6).media_id_high, 55999999)
        self.assertFalse(counts.due())

    def test_caption_corrected_on_a_photo_reindexes_its_articles(self):
        photo = make_photo(1, caption="Fighters near Kobani")
        article = make_article(1, photos=[photo])
        self.edit(photo, caption="Fighters near Kobane, a correction")
        self.assertEqual(list(search.filter_queryset(Article.objects.all(), "correction")), [article])


class AdminSearchTests(AdminTestCase):
    def test_search_uses_the_full_text_index(self):
        truce = make_article(1, body="The ceasefire held through the night in Homs.")
        make_article(2, body="Markets opened higher in Dubai.")
        # Stemming: "ceasefires" finds "ceasefire", which a LIKE over the body would not.
        response = self.client.get(reverse("admin:articles_article_changelist"), {"q": "ceasefires"})
        self.assertEqual(list(response.context["cl"].result_list), [truce])
        self.assertContains(response, "1 article")

    def test_search_for_a_tag_name_finds_articles_tagged_by_another_name(self):
        zorvania = make_tag("Zorvania", aliases="Zorvanistan\nZVA")
        tagged = make_article(1, tags=[zorvania])
        make_article(2)
        response = self.client.get(reverse("admin:articles_article_changelist"), {"q": "zorvanistan"})
        self.assertEqual(list(response.context["cl"].result_list), [tagged])

    def test_search_with_nothing_to_look_for_finds_nothing(self):
        make_article(1)
        response = self.client.get(reverse("admin:articles_article_changelist"), {"q": "the"})
        self.assertEqual(list(response.context["cl"].result_list), [])

    def test_photo_search_by_media_id_and_caption(self):
        first, second = make_photo(1, caption="Refugees at the Turkish border"), make_photo(2)
        url = reverse("admin:articles_mediaitem_changelist")
        self.assertEqual(list(self.client.get(url, {"q": "55000002"}).context["cl"].result_list), [second])
        self.assertEqual(list(self.client.get(url, {"q": "turkish"}).context["cl"].result_list), [first])


class TagActionTests(AdminTestCase):
    def test_merging_tags_moves_articles_and_keeps_every_name(self):
        kept = make_tag("Zorvania", aliases="ZVA")
        merged = make_tag("Zorvan Republic", aliases="Zorvanistan")
        only_kept, both, only_merged = (
            make_article(1, tags=[kept]),
            make_article(2, tags=[kept, merged]),
            make_article(3, tags=[merged]),
        )
        url = reverse("admin:articles_tag_changelist")
        post = {"action": "merge_tags", "_selected_action": [kept.pk, merged.pk]}

        confirm = self.client.post(url, post)
        self.assertContains(confirm, "Choose the tag to keep")
        with self.captureOnCommitCallbacks(execute=True):
            response = self.client.post(url, {**post, "kept": kept.pk, "apply": "1"})

        self.assertRedirects(response, url)
        self.assertFalse(Tag.objects.filter(pk=merged.pk).exists())
        kept.refresh_from_db()
        self.assertEqual(kept.alias_list, ["ZVA", "Zorvan Republic", "Zorvanistan"])
        self.assertEqual(set(kept.articles.all()), {only_kept, both, only_merged})
        self.assertEqual(kept.article_count, 3)
        only_merged.refresh_from_db()
        self.assertIn("Zorvania", only_merged.index_terms)
        self.assertNotIn("Republic", only_merged.index_terms)

    def test_add_tag_action_tags_the_selected_articles(self):
        tag = make_tag("Lakeside talks")
        chosen, already, other = make_article(1), make_article(2, tags=[tag]), make_article(3)
        url = reverse("admin:articles_article_changelist")
        post = {"action": "add_tag", "_selected_action": [chosen.pk, already.pk]}

        self.assertContains(self.client.post(url, post), "The tag goes to 2 articles")
        with self.captureOnCommitCallbacks(execute=True):
            response = self.client.post(url, {**post, "tag": tag.pk, "apply": "1"})

        self.assertRedirects(response, url)
        self.assertEqual(set(tag.articles.all()), {chosen, already})
        chosen.refresh_from_db()
        self.assertTrue(chosen.staff_edited)
        self.assertIn("Lakeside talks", chosen.index_terms)
        self.assertFalse(other.tags.exists())
        self.assertEqual(Tag.objects.get(pk=tag.pk).article_count, 2)


class HistoryTests(AdminTestCase):
    def setUp(self):
        super().setUp()
        self.tag, self.photo = make_tag("Qubayr"), make_photo(1)
        self.article = make_article(1, tags=[self.tag], photos=[self.photo])

    def history(self, obj):
        return self.client.get(reverse(f"admin:articles_{obj._meta.model_name}_history", args=[obj.pk]))

    def test_history_shows_who_changed_what_and_when_and_the_earlier_values(self):
        self.edit(self.article, title="Qubayr: a corrected title", dateline="Qubayr")
        response = self.history(self.article)
        versions = response.context["action_list"]
        self.assertEqual(len(versions), 2)
        latest, ingested = versions
        self.assertEqual(latest["revision"].user, self.admin_user)
        self.assertIn("Title", latest["revision"].get_comment())
        self.assertIn("before this edit", ingested["revision"].get_comment())
        self.assertContains(response, "lead")

        earlier = self.client.get(ingested["url"])
        self.assertContains(earlier, 'value="Article number 1"')
        self.article.refresh_from_db()
        self.assertEqual(self.article.title, "Qubayr: a corrected title")

    def test_restoring_an_earlier_version_brings_back_its_tags_and_photos(self):
        other_tag = make_tag("Tell Zafir")
        self.edit(
            self.article,
            **{
                "title": "Tell Zafir instead",
                "tag_choices": [str(other_tag.pk)],
                "articlemedia_set-0-DELETE": "on",
            },
        )
        self.assertEqual(self.article.media.count(), 0)
        ingested = self.history(self.article).context["action_list"][-1]

        form = self.client.get(ingested["url"])
        with self.captureOnCommitCallbacks(execute=True):
            response = self.client.post(ingested["url"], change_form_data(form))

        self.assertEqual(response.status_code, 302)
        self.article.refresh_from_db()
        self.assertEqual(self.article.title, "Article number 1")
        self.assertEqual(list(self.article.tags.all()), [self.tag])
        self.assertEqual(list(self.article.media.all()), [self.photo])
        self.assertEqual(self.article.photo_count, 1)
        self.assertIn("Qubayr", self.article.index_terms)
        self.assertNotIn("Tell Zafir", self.article.index_terms)
        self.assertEqual(list(search.filter_queryset(Article.objects.all(), "qubayr")), [self.article])
        self.assertEqual(len(self.history(self.article).context["action_list"]), 3)

    def test_restoring_a_version_whose_tag_was_merged_away_links_the_kept_tag(self):
        kept = make_tag("Qubayr district")
        self.edit(self.article, title="Edited once")
        ingested = self.history(self.article).context["action_list"][-1]
        with self.captureOnCommitCallbacks(execute=True):
            self.client.post(
                reverse("admin:articles_tag_changelist"),
                {
                    "action": "merge_tags",
                    "_selected_action": [kept.pk, self.tag.pk],
                    "kept": kept.pk,
                    "apply": "1",
                },
            )

        form = self.client.get(ingested["url"])
        response = self.client.post(ingested["url"], change_form_data(form))

        self.assertEqual(response.status_code, 302)
        self.article.refresh_from_db()
        self.assertEqual(self.article.title, "Article number 1")
        self.assertEqual(list(self.article.tags.all()), [kept])


class QueryCountTests(AdminTestCase):
    """Each page runs the same number of queries for a small archive and a larger one."""

    def grow(self, start):
        section = Section.objects.create(name=f"Section {start}", slug=f"section-{start}")
        author = Author.objects.create(name=f"Author {start}", slug=f"author-{start}")
        tags = [make_tag(f"Tag {start}-{i}") for i in range(3)]
        for n in range(start, start + 12):
            photos = [make_photo(n * 10 + i) for i in range(n % 3)]
            make_article(
                n, body="ceasefire " * (n % 2), tags=tags[: n % 4], photos=photos, section=section, author=author
            )
        counts.refresh()

    def pages(self):
        article = Article.objects.order_by("-photo_count", "-id").first()
        photo = MediaItem.objects.order_by("id").first()
        tag = Tag.objects.order_by("-article_count").first()
        return {
            "article list": ("/admin/articles/article/", 8),
            "article list, year": ("/admin/articles/article/?sort_date__year=2014", 8),
            "article list, month": ("/admin/articles/article/?sort_date__year=2014&sort_date__month=3", 8),
            "article list, filtered": (
                f"/admin/articles/article/?tag={tag.pk}&photos=yes&section__id__exact={article.section_id}",
                8,
            ),
            # One more than a list: the search index checks the change log's last row first.
            "article list, search": ("/admin/articles/article/?q=ceasefire", 10),
            # Two of them read what the original site's listings say of the article.
            "article change": (change_url(article), 11),
            # django-reversion-compare reads the versions once more, to offer the comparison.
            "article history": (reverse("admin:articles_article_history", args=[article.pk]), 6),
            "photo list": ("/admin/articles/mediaitem/", 4),
            "photo change": (change_url(photo), 6),
            "tag list": ("/admin/articles/tag/", 5),
            "tag change": (change_url(tag), 5),
            "section list": ("/admin/articles/section/", 5),
            "section change": (change_url(Section.objects.first()), 5),
            "author list": ("/admin/articles/author/", 5),
            "author change": (change_url(Author.objects.first()), 5),
        }

    def test_every_admin_list_and_change_page_runs_a_fixed_number_of_queries(self):
        self.grow(0)
        small = self.pages()
        self.grow(100)
        self.grow(200)
        for name, (url, expected) in [*self.pages().items(), *((f"{n}, small archive", p) for n, p in small.items())]:
            self.client.get(url)  # warm the content type cache, as any running server has it
            with self.subTest(name), self.assertNumQueries(expected):
                self.assertEqual(self.client.get(url).status_code, 200)

    def test_article_change_form_with_many_photos_and_tags_needs_no_more_queries(self):
        few = make_article(1, photos=[make_photo(1)], tags=[make_tag("One")])
        many = make_article(2, photos=[make_photo(n) for n in range(2, 9)], tags=[make_tag(f"T{n}") for n in range(6)])
        self.client.get(change_url(few))
        with self.assertNumQueries(9):
            self.client.get(change_url(few))
        with self.assertNumQueries(9):
            self.client.get(change_url(many))


class DeletionTests(AdminTestCase):
    def test_deleting_a_tag_or_photo_reindexes_its_articles(self):
        tag = make_tag("Kusayyir Front")
        photo = make_photo(7, caption="Smoke over the harbour")
        article = make_article(70, tags=[tag], photos=[photo])
        self.assertIn("Kusayyir Front", article.index_terms)
        self.assertIn("Smoke over the harbour", article.index_terms)
        with self.captureOnCommitCallbacks(execute=True):
            self.client.post(reverse("admin:articles_tag_delete", args=[tag.pk]), {"post": "yes"})
            self.client.post(
                reverse("admin:articles_mediaitem_changelist"),
                {"action": "delete_selected", "_selected_action": [photo.pk], "post": "yes"},
            )
        article.refresh_from_db()
        self.assertNotIn("Kusayyir Front", article.index_terms)
        self.assertNotIn("Smoke over the harbour", article.index_terms)
        self.assertEqual(article.photo_count, 0)
        self.assertFalse(search.filter_queryset(Article.objects.all(), '"kusayyir front"').exists())

    def test_deleting_articles_recounts_what_lists_show(self):
        section = Section.objects.create(name="Opinion", slug="opinion")
        kept, gone, undated = (make_article(n, section=section) for n in (71, 72, 73))
        Article.objects.filter(pk=undated.pk).update(
            published_on=None, sort_date=dt.date(1900, 1, 1), oldest_key=dt.date(9999, 12, 31)
        )
        counts.refresh()
        self.assertEqual(self.client.get("/articles/").context["page"].count, 3)
        with self.captureOnCommitCallbacks(execute=True):
            self.client.post(reverse("admin:articles_article_delete", args=[gone.pk]), {"post": "yes"})
        section.refresh_from_db()
        self.assertEqual(section.article_count, 2)
        self.assertEqual(ArchiveMonth.objects.get(year=2014, month=3).article_count, 1)
        self.assertEqual(self.client.get("/articles/").context["page"].count, 2)  # the undated one too
        with self.captureOnCommitCallbacks(execute=True):
            self.client.post(
                reverse("admin:articles_article_changelist"),
                {"action": "delete_selected", "_selected_action": [kept.pk, undated.pk], "post": "yes"},
            )
        self.assertFalse(ArchiveMonth.objects.exists())
        self.assertEqual(self.client.get("/articles/").context["page"].count, 0)


class RenamingTests(AdminTestCase):
    @override_settings(ARCHIVE_PAGE_CACHE_SECONDS=300)
    def test_renaming_an_author_shows_the_new_name_on_cached_pages(self):
        author = Author.objects.create(name="H Qudsi", slug="h-qudsi", name_is_guess=True)
        article = make_article(80, author=author)
        self.client.logout()  # a reader's page, kept by the page cache
        self.assertContains(self.client.get(article.get_absolute_url()), "H Qudsi")
        self.client.force_login(self.admin_user)
        response = self.edit(author, name="Huda al-Qudsi")
        self.assertEqual(response.status_code, 302)
        self.client.logout()
        page = self.client.get(article.get_absolute_url())
        self.assertContains(page, "Huda al-Qudsi")
        self.assertNotContains(page, "name read from the page")


class EditorsListAndHistoryTests(AdminTestCase):
    """Issue 13, item 10: the list names each article's Media ID; history shows what changed."""

    def test_the_article_list_shows_the_first_photos_media_id(self):
        make_article(1, photos=[make_photo(7)])
        response = self.client.get(reverse("admin:articles_article_changelist"))
        self.assertContains(response, '<th scope="col" class="column-first_media_id">')
        self.assertContains(response, f'<td class="field-first_media_id">{MediaItem.objects.get().media_id}</td>')

    def test_history_compares_two_versions_field_by_field(self):
        article = make_article(1)
        self.edit(article, title="Qubayr: a corrected title")
        history = self.client.get(reverse("admin:articles_article_history", args=[article.pk]))
        newest, ingested = history.context["action_list"]
        self.assertContains(history, 'aria-label="Compare from the version of')
        response = self.client.get(
            reverse("admin:articles_article_compare", args=[article.pk]),
            {"version_id1": ingested["version"].pk, "version_id2": newest["version"].pk},
        )
        self.assertContains(response, "<del>Article number 1</del> → <ins>Qubayr: a corrected title</ins>")


class SuppliedTitleAdminTests(AdminTestCase):
    """Issue 33: editors see which titles the archive supplied, and can list them to give them theirs."""

    def test_a_supplied_title_is_said_to_be_so_and_listed_by_its_filter(self):
        supplied = article_make(title="[Untitled; begins: Gunmen killed five…]", title_is_derived=True)
        make_article(2)
        form = self.client.get(change_url(supplied))
        self.assertContains(form, "Title supplied by the archive")
        listed = self.client.get(reverse("admin:articles_article_changelist"), {"title_is_derived__exact": "1"})
        self.assertContains(listed, "By title supplied")
        self.assertEqual([a.pk for a in listed.context["cl"].result_list], [supplied.pk])
