"""Listing items of the original site's tag, author and category pages, linked to articles.

Articles get the keys listing items are matched on (their title's and text's words, as
``parsing.match_key`` makes them, frozen here); a tag link can say the original site gave it;
authors and sections whose name was guessed from an address say so. Listing pages stored
before are forgotten, so that the next ingest stores them again with their items.
"""

import re
import unicodedata

import django.db.models.deletion
from django.db import migrations, models

OPENING_KEY_LENGTH = 60


def match_key(text):
    text = unicodedata.normalize("NFKD", text)
    text = "".join(c for c in text if not unicodedata.combining(c))
    return " ".join(re.findall(r"[^\W_]+", text.casefold()))


def article_keys(apps, schema_editor):
    Article = apps.get_model("articles", "Article")
    articles = Article.objects.filter(title_key=None).only("id", "title", "body").order_by("id")
    while batch := list(articles[:1000]):
        for article in batch:
            body = match_key(article.body)
            article.title_key = match_key(article.title)[:500]
            article.opening_key = body[:OPENING_KEY_LENGTH] if len(body) >= OPENING_KEY_LENGTH else ""
        Article.objects.bulk_update(batch, ["title_key", "opening_key"])


def forget_listings(apps, schema_editor):
    """Listing pages ingested before kept only a count of their items. Forgotten, they are
    stored again, items and all, by the next ingest of their folders, which would otherwise
    find them unchanged and pass them by."""
    apps.get_model("articles", "ListingPage").objects.all().delete()


def guessed_names(apps, schema_editor):
    """Names that are their slug in title case were guessed from an address."""
    for name in ("Author", "Section"):
        model = apps.get_model("articles", name)
        guessed = [obj.pk for obj in model.objects.all() if obj.name == obj.slug.replace("-", " ").title()]
        model.objects.filter(pk__in=guessed).update(name_is_guess=True)


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0007_search_change_log"),
    ]

    operations = [
        migrations.CreateModel(
            name="ListingItem",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("position", models.PositiveSmallIntegerField(help_text="Its place on the listing page, from 0.")),
                (
                    "title",
                    models.CharField(blank=True, help_text="Blank where the listing shows none.", max_length=500),
                ),
                ("excerpt", models.TextField(blank=True)),
                ("author_name", models.CharField(blank=True, max_length=200, verbose_name="by-line author")),
                ("byline_date", models.DateField(blank=True, null=True, verbose_name="by-line date")),
                (
                    "sections",
                    models.CharField(blank=True, help_text="The by-line's sections, comma-joined.", max_length=300),
                ),
                (
                    "media_id",
                    models.PositiveIntegerField(
                        blank=True, help_text="Of its first photo.", null=True, verbose_name="Media ID"
                    ),
                ),
                ("caption", models.TextField(blank=True, help_text="Of its first photo.")),
                ("title_key", models.CharField(blank=True, editable=False, max_length=500)),
                ("opening_key", models.CharField(blank=True, editable=False, max_length=60)),
            ],
            options={
                "ordering": ["listing", "position"],
            },
        ),
        migrations.AddField(
            model_name="article",
            name="opening_key",
            field=models.CharField(editable=False, max_length=60, null=True),
        ),
        migrations.AddField(
            model_name="article",
            name="title_key",
            field=models.CharField(editable=False, max_length=500, null=True),
        ),
        migrations.AddField(
            model_name="articletag",
            name="on_original_site",
            field=models.BooleanField(
                db_default=False,
                default=False,
                help_text="The original site's tag page listed this article under this tag.",
            ),
        ),
        migrations.AddField(
            model_name="author",
            name="name_is_guess",
            field=models.BooleanField(
                default=False,
                help_text="The name was guessed from the original site's address; a listing page's heading or by-line replaces it with the real one.",
            ),
        ),
        migrations.AddField(
            model_name="section",
            name="name_is_guess",
            field=models.BooleanField(
                default=False,
                help_text="The name was guessed from the original site's address; a listing page's heading or by-line replaces it with the real one.",
            ),
        ),
        migrations.AddField(
            model_name="tag",
            name="tagger_uses",
            field=models.BooleanField(
                default=True,
                help_text="Ingest tags an article whose text names this tag or one of its aliases. Tags known only from the original site's tag pages start unticked.",
                verbose_name="found in texts",
            ),
        ),
        migrations.AddIndex(
            model_name="article",
            index=models.Index(fields=["title_key"], name="article_title_key_idx"),
        ),
        migrations.AddIndex(
            model_name="article",
            index=models.Index(fields=["opening_key"], name="article_opening_key_idx"),
        ),
        migrations.AddField(
            model_name="listingitem",
            name="article",
            field=models.ForeignKey(
                blank=True,
                db_index=False,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="listing_items",
                to="articles.article",
            ),
        ),
        migrations.AddField(
            model_name="listingitem",
            name="listing",
            field=models.ForeignKey(
                db_index=False,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="items",
                to="articles.listingpage",
            ),
        ),
        migrations.AddIndex(
            model_name="listingitem",
            index=models.Index(fields=["article"], name="listing_item_article_idx"),
        ),
        migrations.AddIndex(
            model_name="listingitem",
            index=models.Index(
                condition=models.Q(("article", None)), fields=["title_key"], name="listing_item_title_idx"
            ),
        ),
        migrations.AddIndex(
            model_name="listingitem",
            index=models.Index(
                condition=models.Q(("article", None)), fields=["opening_key"], name="listing_item_opening_idx"
            ),
        ),
        migrations.AddConstraint(
            model_name="listingitem",
            constraint=models.UniqueConstraint(fields=("listing", "position"), name="listing_item_position_unique"),
        ),
        migrations.RunPython(article_keys, migrations.RunPython.noop),
        migrations.RunPython(guessed_names, migrations.RunPython.noop),
        migrations.RunPython(forget_listings, migrations.RunPython.noop),
    ]
