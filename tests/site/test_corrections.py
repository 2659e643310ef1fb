"""Readers suggest corrections: the form on every article and photo, its errors keeping what
was typed, its limits (a flood refused, the queue still usable), its honeypot, hostile text;
and the public record of what editors accepted — on the page, a corrections page, its feed."""

import datetime as dt
from unittest import mock

import feedparser
from django.contrib.auth.models import User
from django.test import Client, TestCase, override_settings
from django.urls import reverse

from articles import editing
from articles.models import Article, MediaItem, Suggestion
from articles.throttles import AnonymousThrottle

from ..helpers import article_make, section, tag

STILL = mock.patch.object(AnonymousThrottle, "timer", lambda self: 1_000_000.0)


class SuggestionTestCase(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.opinion = section("opinion", "Opinion")
        cls.syria, cls.truce = tag("syria", "Syria"), tag("truce", "Truce")
        cls.article = article_make(
            title="Truce holds in Aleppo",
            body="Fighting stopped overnight.\n\nThe truce was agreed on Friday",
            published_on=dt.date(2016, 9, 18),
            date_source=Article.DateSource.CAPTION,
            tags=[cls.syria],
            is_truncated=True,
        )
        cls.photo = MediaItem.objects.create(media_id=55000001, fingerprint="id:1", caption="Smoke", credit="AFP")

    def url(self, target=None):
        target = target or self.article
        name = "articles:suggest-article" if isinstance(target, Article) else "articles:suggest-photo"
        return reverse(name, args=[target.pk])

    def post(self, data, target=None, **extra):
        form = self.client.get(self.url(target)).context["form"]
        sent = {name: form[name].value() or "" for name in form.fields if name != "tags_remove"}
        sent.update(data)
        return self.client.post(self.url(target), {k: v for k, v in sent.items() if v is not None}, **extra)


class FormTests(SuggestionTestCase):
    def test_every_article_and_photo_page_links_its_form(self):
        self.assertContains(self.client.get(self.article.get_absolute_url()), f'href="{self.url()}"')
        self.assertContains(self.client.get(self.photo.get_absolute_url()), f'href="{self.url(self.photo)}"')

    def test_a_suggestion_waits_for_an_editor_and_changes_nothing(self):
        response = self.post({"title": "Truce holds in east Aleppo", "evidence": "Printed edition", "name": "Rania"})
        self.assertRedirects(response, self.url() + "?sent=1")
        self.assertContains(self.client.get(self.url() + "?sent=1"), "Thank you. The archive's editors will check")
        suggestion = Suggestion.objects.get()
        self.assertEqual(suggestion.proposed, {"title": "Truce holds in east Aleppo"})
        self.assertEqual(suggestion.current, {"title": "Truce holds in Aleppo"})
        self.assertEqual(
            (suggestion.status, suggestion.name, suggestion.evidence), ("pending", "Rania", "Printed edition")
        )
        self.article.refresh_from_db()
        self.assertEqual(self.article.title, "Truce holds in Aleppo")

    def test_each_kind_of_field_is_proposed_as_an_editor_will_apply_it(self):
        self.post(
            {
                "published_on": "2016-09-17",
                "author": "Rania Abouzeid",
                "section": "opinion",
                "tags_add": "truce, Syria",
                "tags_remove": ["syria"],
                "passage_now": "Fighting stopped overnight.",
                "passage_should_read": "Fighting stopped before dawn.",
                "continuation": "and held until Sunday.",
            }
        )
        proposed = Suggestion.objects.get().proposed
        self.assertEqual(
            proposed,
            {
                "published_on": "2016-09-17",
                "author": "Rania Abouzeid",
                "section": "opinion",
                "tags_add": ["truce"],
                "tags_remove": ["syria"],
                "passage": {"now": "Fighting stopped overnight.", "should_read": "Fighting stopped before dawn."},
                "continuation": "and held until Sunday.",
            },
        )

    def test_errors_say_what_is_wrong_beside_the_field_and_keep_what_was_typed(self):
        response = self.post(
            {"passage_now": "Not in the text", "passage_should_read": "x", "tags_add": "Atlantis", "note": "Kept"}
        )
        self.assertEqual(response.status_code, 400)
        self.assertContains(response, "This passage is not in the text", status_code=400)
        self.assertContains(response, "No tag called “Atlantis”", status_code=400)
        self.assertContains(response, 'aria-invalid="true"', status_code=400)
        self.assertContains(response, "Kept</textarea>", status_code=400)
        self.assertEqual(Suggestion.objects.count(), 0)

    def test_a_form_left_as_it_is_proposes_nothing(self):
        response = self.post({"evidence": "Only evidence"})
        self.assertContains(response, "Change at least one thing", status_code=400)

    def test_a_photo_s_caption_and_credit(self):
        self.post({"caption": "Smoke over Aleppo", "credit": "Reuters"}, target=self.photo)
        self.assertEqual(Suggestion.objects.get().proposed, {"caption": "Smoke over Aleppo", "credit": "Reuters"})

    def test_the_honeypot_thanks_a_robot_and_keeps_nothing(self):
        self.assertRedirects(self.post({"title": "Spam", "website": "http://spam.example"}), self.url() + "?sent=1")
        self.assertEqual(Suggestion.objects.count(), 0)

    def test_a_post_without_its_csrf_token_is_refused(self):
        client = Client(enforce_csrf_checks=True)
        self.assertEqual(client.post(self.url(), {"title": "No token"}).status_code, 403)

    def test_hostile_text_is_stored_as_typed_and_shown_escaped_nul_refused(self):
        hostile = '<script>alert("x")</script>\u202eevil'
        self.post({"title": hostile, "evidence": hostile, "name": hostile, "note": "x" * 1000})
        suggestion = Suggestion.objects.get()
        self.assertEqual(suggestion.proposed["title"], hostile)
        editor = User.objects.create_superuser("lead", "lead@example.com", "pw")
        editing.suggestion_accept(suggestion, ["title"], editor)
        page = self.client.get(Article.objects.get(pk=self.article.pk).get_absolute_url()).content.decode()
        self.assertNotIn("<script>alert", page)
        self.assertIn("&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;", page)
        response = self.post({"title": "a\x00b"})
        self.assertContains(response, "Null characters are not allowed", status_code=400)
        response = self.post({"title": "x" * 600})
        self.assertEqual(response.status_code, 400)


@STILL
@override_settings(ARCHIVE_SUGGESTIONS_ANON_RATE="10/hour", ARCHIVE_SUGGESTIONS_CEILING="25/day")
class FloodTests(SuggestionTestCase):
    def test_a_flood_from_one_client_is_refused_after_its_limit_and_the_queue_stays_usable(self):
        answers = [self.post({"title": f"Flood {n}"}).status_code for n in range(1000)]
        self.assertEqual(answers[:10], [302] * 10)
        self.assertEqual(set(answers[10:]), {429})
        refused = self.post({"title": "One more", "note": "Typed and kept"})
        self.assertContains(refused, "Too many suggestions came from your address", status_code=429)
        self.assertContains(refused, "Typed and kept</textarea>", status_code=429)
        self.assertEqual(Suggestion.objects.count(), 10)
        self.client.force_login(User.objects.create_superuser("lead", "lead@example.com", "pw"))
        queue = self.client.get(reverse("admin:articles_suggestion_changelist"))
        self.assertEqual(queue.status_code, 200)
        self.assertEqual(queue.context["cl"].result_count, 10)

    def test_many_clients_together_meet_the_site_s_ceiling(self):
        answers = [self.post({"title": f"From {n}"}, REMOTE_ADDR=f"192.0.2.{n}").status_code for n in range(40)]
        self.assertEqual(answers.count(302), 25)
        self.assertEqual(Suggestion.objects.count(), 25)


class PublicRecordTests(SuggestionTestCase):
    def setUp(self):
        self.editor = User.objects.create_superuser("lead", "lead@example.com", "pw")
        suggestion = Suggestion.objects.create(
            article=self.article,
            proposed={"published_on": "2016-09-17", "title": "Truce holds in east Aleppo"},
            current=editing.suggestion_current(self.article, ["published_on", "title"]),
            evidence="Printed edition of 18 September 2016, page 1",
            name="Rania",
        )
        Suggestion.objects.create(article=self.article, proposed={"title": "Rejected"}, current={}, name="Nobody")
        with self.captureOnCommitCallbacks(execute=True):
            editing.suggestion_accept(suggestion, ["published_on", "title"], self.editor)

    def test_the_article_lists_its_accepted_corrections_with_what_they_replaced(self):
        page = self.client.get(Article.objects.get(pk=self.article.pk).get_absolute_url())
        self.assertContains(page, "Corrected by readers")
        self.assertContains(page, 'suggested by <span dir="auto">Rania</span> and checked by an editor')
        self.assertContains(page, 'Title: was <q dir="auto">Truce holds in Aleppo</q>')
        self.assertContains(page, 'Evidence: <span dir="auto">Printed edition of 18 September 2016, page 1</span>')
        self.assertContains(page, "17 September 2016")
        self.assertNotContains(page, "date from photo caption")  # a date a reader gave and an editor checked is certain
        self.assertNotContains(page, "Nobody")

    def test_the_corrections_page_and_its_feed_list_accepted_ones_only(self):
        page = self.client.get(reverse("articles:corrections"))
        self.assertContains(page, "Truce holds in east Aleppo")
        self.assertContains(page, "Date of publication, Title")
        self.assertNotContains(page, "Nobody")
        response = self.client.get(reverse("articles:corrections-feed"))
        feed = feedparser.parse(response.content, response_headers={"content-type": response["Content-Type"]})
        self.assertFalse(feed.bozo)
        (entry,) = feed.entries
        self.assertIn("Title: was “Truce holds in Aleppo”, now “Truce holds in east Aleppo”", entry.summary)
        self.assertIn("Suggested by Rania", entry.summary)

    def test_the_api_gives_accepted_corrections_only(self):
        data = self.client.get("/api/v1/corrections/").json()
        (correction,) = data["results"]
        self.assertEqual(correction["kind"], "article")
        self.assertEqual(correction["credit"], "Rania")
        self.assertIn(
            {"field": "Title", "was": "Truce holds in Aleppo", "now": "Truce holds in east Aleppo"},
            correction["changes"],
        )
        self.assertNotIn("contact", correction)
