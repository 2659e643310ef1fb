"""A title the archive made where its source gave none is marked as supplied: in square brackets
("[Untitled; begins: …]"), flagged ``title_is_derived``, matched on by no listing item.

The articles held are recognised as ingest made them: a title that is the first words of the
article's own text, which no listing item linked to it prints as its title."""

from django.db import migrations, models
from django.db.models.functions import Length

# Frozen here: ingest.naming.first_words as it made the titles held (the app's may change).
FIRST_WORDS_LIMIT = 80
MADE_WHEN_EMPTY = "Untitled"
SUPPLIED_OPENS, SUPPLIED_CLOSES, UNTITLED = "[Untitled; begins: ", "]", "[Untitled]"
CHUNK = 2000


def first_words(text, limit=FIRST_WORDS_LIMIT):
    title = ""
    for word in text.split():
        if len(title) + len(word) + 1 > limit:
            return title + "…"
        title = f"{title} {word}".strip()
    return title or MADE_WHEN_EMPTY


def supplied(title):
    return UNTITLED if title == MADE_WHEN_EMPTY else f"{SUPPLIED_OPENS}{title}{SUPPLIED_CLOSES}"


def made_titles_mark(apps, schema_editor):
    """Bracket and flag the titles ingest made, and log their articles for the search index."""
    Article = apps.get_model("articles", "Article")
    ListingItem = apps.get_model("articles", "ListingItem")
    SearchChange = apps.get_model("articles", "SearchChange")
    db = schema_editor.connection.alias
    # A made title is at most the limit and its ellipsis long: longer ones need no reading.
    candidates = (
        Article.objects.using(db)
        .annotate(title_length=Length("title"))
        .filter(title_length__lte=FIRST_WORDS_LIMIT + 1)
        .order_by("id")
        .values_list("id", "title", "body")
    )
    made = [(pk, title) for pk, title, body in candidates.iterator(chunk_size=CHUNK) if title == first_words(body)]
    for start in range(0, len(made), CHUNK):
        chunk = dict(made[start : start + CHUNK])
        printed = set(
            ListingItem.objects.using(db)
            .filter(article_id__in=chunk)
            .exclude(title="")
            .values_list("article_id", "title")
        )
        marked = [pk for pk, title in chunk.items() if (pk, title) not in printed]
        for pk in marked:
            Article.objects.using(db).filter(pk=pk).update(
                title=supplied(chunk[pk]), title_is_derived=True, title_key=None
            )
        SearchChange.objects.using(db).bulk_create([SearchChange(article_id=pk) for pk in marked])


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0017_readers_suggest_corrections"),
    ]

    operations = [
        migrations.AddField(
            model_name="article",
            name="title_is_derived",
            field=models.BooleanField(
                default=False,
                editable=False,
                help_text="The source gave no title: the archive made one of the text's first words, in square "
                "brackets. An editor's title, the article's page or a listing's title replaces it.",
                verbose_name="title supplied by the archive",
            ),
        ),
        migrations.AlterField(
            model_name="article",
            name="title",
            field=models.CharField(
                help_text="Exactly as the source has it; in square brackets where the archive supplied one "
                "(the source gave none).",
                max_length=500,
            ),
        ),
        migrations.RunPython(made_titles_mark, migrations.RunPython.noop, elidable=True),
    ]
