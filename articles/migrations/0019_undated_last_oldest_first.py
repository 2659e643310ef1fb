"""Oldest first with the undated articles last, as newest first has them: a second ordering key,
``oldest_key`` (the date, or 9999-12-31 for an undated article), derived as ``sort_date`` is and
checked by the database the same way, with the indexes a list of articles pages on in that order
(alone, by section, by author)."""

import datetime

from django.db import migrations, models
from django.db.models import F, Q, Value
from django.db.models.functions import Coalesce

UNDATED_OLDEST_KEY = datetime.date(9999, 12, 31)  # frozen: models.UNDATED_OLDEST_KEY


def fill(apps, schema_editor):
    """Every dated article's key is its date (the undated ones took the default)."""
    Article = apps.get_model("articles", "Article")
    Article.objects.filter(published_on__isnull=False).update(oldest_key=F("published_on"))


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0018_supplied_titles_marked"),
    ]

    operations = [
        migrations.AddField(
            model_name="article",
            name="oldest_key",
            field=models.DateField(
                default=UNDATED_OLDEST_KEY,
                editable=False,
                help_text="Publication date for ordering oldest first; undated articles sort last.",
            ),
        ),
        migrations.RunPython(fill, migrations.RunPython.noop, elidable=True),
        migrations.AddIndex(
            model_name="article",
            index=models.Index(fields=["oldest_key", "id"], name="article_oldest_idx"),
        ),
        migrations.AddIndex(
            model_name="article",
            index=models.Index(fields=["section", "oldest_key", "id"], name="article_section_oldest_idx"),
        ),
        migrations.AddIndex(
            model_name="article",
            index=models.Index(fields=["author", "oldest_key", "id"], name="article_author_oldest_idx"),
        ),
        migrations.AddConstraint(
            model_name="article",
            constraint=models.CheckConstraint(
                condition=Q(oldest_key=Coalesce(F("published_on"), Value(UNDATED_OLDEST_KEY))),
                name="article_oldest_key_derived",
            ),
        ),
    ]
