"""An article is identified by its original address, and its sort date is its publication date.

Before the constraints: sort dates are derived again, and articles that earlier ingests made
twice from two copies of one page (same original address) are merged, keeping the one an editor
changed, else the complete text, else the longer.
"""

import datetime
from importlib import import_module

from django.db import migrations, models
from django.db.models import Count, F, Q, Value
from django.db.models.functions import Coalesce

UNDATED = datetime.date(1900, 1, 1)
SEARCH_INDEX = import_module("articles.migrations.0002_search_index")


def derive_sort_dates(apps, schema_editor):
    Article = apps.get_model("articles", "Article")
    ArticleTag = apps.get_model("articles", "ArticleTag")
    Article.objects.filter(published_on__isnull=True).exclude(sort_date=UNDATED).update(sort_date=UNDATED)
    Article.objects.filter(published_on__isnull=False).exclude(sort_date=F("published_on")).update(
        sort_date=F("published_on")
    )
    stale = ArticleTag.objects.exclude(sort_date=F("article__sort_date")).values_list("id", "article__sort_date")
    for link_id, sort_date in stale.iterator():
        ArticleTag.objects.filter(pk=link_id).update(sort_date=sort_date)


def merge_copies(apps, schema_editor):
    Article = apps.get_model("articles", "Article")
    doubled = Article.objects.exclude(original_url="").values("original_url").annotate(n=Count("id")).filter(n__gt=1)
    merged = False
    for row in doubled.iterator():
        merged = True
        copies = list(
            Article.objects.filter(original_url=row["original_url"]).only("id", "staff_edited", "is_truncated", "body")
        )
        copies.sort(key=lambda a: (not a.staff_edited, a.is_truncated, -len(a.body), a.id))
        Article.objects.filter(pk__in=[a.pk for a in copies[1:]]).delete()
    if merged:
        _recount(apps)


def _recount(apps):
    for name, link in (("Tag", "articletag"), ("Section", "articles"), ("Author", "articles")):
        model = apps.get_model("articles", name)
        for obj in model.objects.annotate(n=Count(link)).exclude(article_count=F("n")):
            model.objects.filter(pk=obj.pk).update(article_count=obj.n)


def restore_sqlite_triggers(apps, schema_editor):
    """SQLite adds a CHECK constraint by copying the table, which loses its triggers: the full-text
    index's triggers are made again (as 0002 made them; the index itself is unchanged)."""
    if schema_editor.connection.vendor != "sqlite":
        return
    for sql in SEARCH_INDEX.SQLITE_UNINSTALL[:3] + SEARCH_INDEX.SQLITE_INSTALL[1:4]:
        schema_editor.execute(sql)


class Migration(migrations.Migration):
    dependencies = [("articles", "0005_search_statistics")]

    operations = [
        # Unapplied, the constraints' removal copies the table again: this runs last then.
        migrations.RunPython(migrations.RunPython.noop, restore_sqlite_triggers),
        migrations.RunPython(derive_sort_dates, migrations.RunPython.noop),
        migrations.RunPython(merge_copies, migrations.RunPython.noop),
        migrations.RemoveIndex(model_name="article", name="article_original_url_idx"),
        migrations.AddConstraint(
            model_name="article",
            constraint=models.UniqueConstraint(
                condition=~Q(original_url=""),
                fields=("original_url",),
                name="article_original_url_unique",
            ),
        ),
        migrations.AddConstraint(
            model_name="article",
            constraint=models.CheckConstraint(
                condition=Q(sort_date=Coalesce(F("published_on"), Value(UNDATED))),
                name="article_sort_date_derived",
            ),
        ),
        migrations.RunPython(restore_sqlite_triggers, migrations.RunPython.noop),
    ]
