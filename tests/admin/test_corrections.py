"""The editors' queue of readers' suggestions: accept (all or some), reject, duplicate, and a
newer change never overwritten unseen. Accepting is an editor's save: the page, search, the
API, counts, coverage and citations show it at once, and the history reverts it."""

import datetime as dt

from django.contrib.auth.models import Group, User
from django.urls import reverse
from reversion.models import Version

from articles import citing, search
from articles.models import Article, Suggestion

from ..search.test_search import results_of
from ..test_editing import EditedArchiveTestCase
from .test_admin import change_form_data, change_url, make_tag


def suggest(target, proposed, **about):
    """A suggestion as the readers' form stores it: what the fields held when it was made."""
    from articles import editing

    return Suggestion.objects.create(
        **{"article" if isinstance(target, Article) else "photo": target},
        proposed=proposed,
        current=editing.suggestion_current(target, proposed),
        **about,
    )


class QueueTests(EditedArchiveTestCase):
    """Built on the editing tests' archive: an article with a tag, a photo, a section, an author."""

    def decide(self, suggestion, **fields):
        url = change_url(suggestion)
        data = change_form_data(self.client.get(url))
        data.update(fields)
        with self.captureOnCommitCallbacks(execute=True):
            return self.client.post(url, data)

    def test_the_queue_lists_pending_suggestions_newest_first_by_field(self):
        older = suggest(self.article, {"title": "Older"})
        newer = suggest(self.photo, {"caption": "A better caption"})
        listed = self.client.get(reverse("admin:articles_suggestion_changelist"))
        self.assertEqual(list(listed.context["cl"].result_list), [newer, older])
        by_field = self.client.get(reverse("admin:articles_suggestion_changelist"), {"field": "caption"})
        self.assertEqual(list(by_field.context["cl"].result_list), [newer])

    def test_accepting_every_field_changes_the_article_everywhere_at_once(self):
        other = make_tag("Qubayr district")
        suggestion = suggest(
            self.article,
            {
                "title": "Massacre reported in Qubayr",
                "published_on": "2013-06-07",
                "author": "Rania Abouzeid",
                "tags_add": [other.slug],
                "tags_remove": [self.tag.slug],
                "passage": {"now": "Paragraph of article 1.", "should_read": "Villagers told of the killings."},
            },
            evidence="Printed edition of 8 June 2013, page 3",
            name="Rania",
        )
        response = self.decide(suggestion, decision="accept", accept_fields=list(suggestion.proposed))
        self.assertEqual(response.status_code, 302, response.content[:2000])
        self.article.refresh_from_db()
        self.assertEqual(self.article.title, "Massacre reported in Qubayr")
        self.assertEqual((self.article.published_on, self.article.date_source), (dt.date(2013, 6, 7), "reader"))
        self.assertTrue(self.article.date_is_certain)
        self.assertEqual(self.article.author.name, "Rania Abouzeid")
        self.assertEqual(list(self.article.tags.all()), [other])
        self.assertEqual(self.article.body, "Villagers told of the killings.")
        self.assertTrue(self.article.staff_edited)
        self.assertCountsExact()
        self.assertIndexCurrent()
        self.assertTrue(search.filter_queryset(Article.objects.all(), "villagers killings").exists())
        # What the correction replaced stays findable, as the text first archived.
        self.assertTrue(search.filter_queryset(Article.objects.all(), '"paragraph of article 1"').exists())
        self.assertTrue(search.filter_queryset(Article.objects.all(), '"article number 1"').exists())
        api = self.client.get(f"/api/v1/articles/{self.article.pk}/").json()
        self.assertEqual(
            (api["title"], api["published_on"], api["date_is_certain"]), (self.article.title, "2013-06-07", True)
        )
        cited = citing.of_article(Article.objects.select_related("author").get(pk=self.article.pk), "https://x/")
        self.assertEqual(cited.dated, dt.date(2013, 6, 7))
        comment = Version.objects.get_for_object(self.article).first().revision.comment
        self.assertEqual(comment, f"Reader suggestion #{suggestion.pk}, accepted by lead.")
        suggestion.refresh_from_db()
        self.assertEqual((suggestion.status, suggestion.decided_by), (Suggestion.Status.ACCEPTED, self.admin_user))

    def test_an_accepted_suggestion_is_reverted_from_the_history_with_counts_exact(self):
        suggestion = suggest(self.article, {"author": "Rania Abouzeid", "published_on": "2016-01-02"})
        self.decide(suggestion, decision="accept", accept_fields=list(suggestion.proposed))
        self.assertCountsExact()
        versions = self.history(self.article).context["action_list"]
        before = versions[1]  # the version before the acceptance
        with self.captureOnCommitCallbacks(execute=True):
            response = self.client.post(before["url"], change_form_data(self.client.get(before["url"])))
        self.assertEqual(response.status_code, 302)
        self.article.refresh_from_db()
        self.assertEqual((self.article.author, self.article.published_on), (self.kilo, dt.date(2013, 5, 4)))
        self.assertCountsExact()
        self.assertIndexCurrent()

    def test_accepting_some_fields_leaves_the_others(self):
        suggestion = suggest(self.article, {"title": "Only this", "author": "Someone Else"})
        self.decide(suggestion, decision="accept", accept_fields=["title"])
        self.article.refresh_from_db()
        self.assertEqual((self.article.title, self.article.author), ("Only this", self.kilo))
        suggestion.refresh_from_db()
        self.assertEqual(suggestion.accepted_fields, ["title"])

    def test_a_rejection_or_a_duplicate_changes_nothing_of_the_archive(self):
        first, second = suggest(self.article, {"title": "No"}), suggest(self.article, {"title": "No"})
        before = Article.objects.values().get(pk=self.article.pk)
        self.decide(first, decision="reject", reason="The printed edition says otherwise.")
        self.decide(second, decision="duplicate")
        self.assertEqual(Article.objects.values().get(pk=self.article.pk), before)
        first.refresh_from_db()
        second.refresh_from_db()
        self.assertEqual((first.status, first.reason), ("rejected", "The printed edition says otherwise."))
        self.assertEqual(second.status, "duplicate")

    def test_a_field_changed_since_the_reader_saw_it_is_not_overwritten_unseen(self):
        suggestion = suggest(self.article, {"title": "The reader's title"})
        self.edit(self.article, title="An editor's newer title")
        refused = self.decide(suggestion, decision="accept", accept_fields=["title"])
        self.assertEqual(refused.status_code, 200)
        self.assertContains(refused, "Changed in the archive since the reader saw it: Title.")
        self.assertContains(refused, "An editor&#x27;s newer title")
        self.article.refresh_from_db()
        self.assertEqual(self.article.title, "An editor's newer title")
        self.decide(suggestion, decision="accept", accept_fields=["title"], confirm_newer="on")
        self.article.refresh_from_db()
        self.assertEqual(self.article.title, "The reader's title")

    def test_a_continuation_clears_cut_short_only_when_the_editor_says_the_text_is_complete(self):
        Article.objects.filter(pk=self.article.pk).update(is_truncated=True)
        self.article.refresh_from_db()
        first = suggest(self.article, {"continuation": "The second half."})
        self.decide(first, decision="accept", accept_fields=["continuation"])
        self.article.refresh_from_db()
        self.assertTrue(self.article.body.endswith("\n\nThe second half."))
        self.assertTrue(self.article.is_truncated)
        second = suggest(self.article, {"continuation": "The end."})
        self.decide(second, decision="accept", accept_fields=["continuation"], text_complete="on")
        self.article.refresh_from_db()
        self.assertFalse(self.article.is_truncated)

    def test_a_photo_caption_and_credit(self):
        suggestion = suggest(self.photo, {"caption": "Smoke over Qubayr, 6 June 2013", "credit": "Reuters"})
        self.decide(suggestion, decision="accept", accept_fields=["caption", "credit"])
        self.photo.refresh_from_db()
        self.assertEqual((self.photo.caption, self.photo.credit), ("Smoke over Qubayr, 6 June 2013", "Reuters"))
        self.assertTrue(search.filter_queryset(Article.objects.all(), '"smoke over qubayr"').exists())
        # The caption it replaced still finds the photo, as first archived.
        for query in ('"smoke over qubayr"', '"a photo caption 1"'):
            with self.subTest(query=query):
                self.assertEqual([photo.pk for photo, _ in results_of(query).photos], [self.photo.pk])

    def test_the_reader_s_words_are_shown_escaped_and_their_link_is_not_followed(self):
        suggestion = suggest(
            self.article,
            {"passage": {"now": "Paragraph of article 1.", "should_read": "<script>alert(1)</script> words"}},
            evidence="<b>bold</b>",
            evidence_url="javascript:alert(1)",
            note="<img src=x onerror=alert(1)>",
        )
        page = self.client.get(change_url(suggestion)).content.decode()
        self.assertNotIn("<script>alert(1)", page)
        self.assertNotIn("<img src=x", page)
        self.assertNotIn('href="javascript:', page)
        self.assertIn("&lt;script&gt;alert(1)&lt;/script&gt;", page)
        self.assertIn("<del>Paragraph of article 1.</del>", page)


class EditorsPermissionTests(EditedArchiveTestCase):
    def test_editors_see_and_decide_suggestions_but_neither_add_nor_delete_them(self):
        editor = User.objects.create_user("editor", password="pw", is_staff=True)
        editor.groups.add(Group.objects.get(name="Editors"))
        self.client.force_login(editor)
        suggestion = suggest(self.article, {"title": "Better"})
        self.assertEqual(self.client.get(reverse("admin:articles_suggestion_changelist")).status_code, 200)
        self.assertEqual(self.client.get(change_url(suggestion)).status_code, 200)
        self.assertEqual(self.client.get(reverse("admin:articles_suggestion_add")).status_code, 403)
        delete = reverse("admin:articles_suggestion_delete", args=[suggestion.pk])
        self.assertEqual(self.client.get(delete).status_code, 403)
        decided = self.client.post(change_url(suggestion), {"decision": "reject", "reason": "Not so."})
        self.assertEqual(decided.status_code, 302)
        suggestion.refresh_from_db()
        self.assertEqual((suggestion.status, suggestion.decided_by), ("rejected", editor))
