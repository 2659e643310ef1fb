"""Search moves to an index of its own (tantivy), kept current through a change log.

The log's rows are written by ``services`` in the transaction of each change. The database's
own search index (the tsvector and its triggers on PostgreSQL, FTS5 on SQLite) goes: no query
reads it any more, and its triggers cost every write. Going back reinstalls it, as frozen in
0002 and tuned in 0005.
"""

from importlib import import_module

import django.utils.timezone
from django.db import migrations, models

SEARCH_INDEX = import_module("articles.migrations.0002_search_index")
STATISTICS = import_module("articles.migrations.0005_search_statistics")


def reinstall(apps, schema_editor):
    SEARCH_INDEX.run(SEARCH_INDEX.POSTGRES_INSTALL, SEARCH_INDEX.SQLITE_INSTALL)(apps, schema_editor)
    STATISTICS.statistics(1000)(apps, schema_editor)


class Migration(migrations.Migration):
    dependencies = [("articles", "0006_article_identity")]

    operations = [
        migrations.CreateModel(
            name="SearchChange",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("article_id", models.BigIntegerField(blank=True, null=True)),
                ("photo_id", models.BigIntegerField(blank=True, null=True)),
                ("created_at", models.DateTimeField(default=django.utils.timezone.now)),
            ],
            options={
                "constraints": [
                    models.CheckConstraint(
                        condition=models.Q(
                            models.Q(("article_id__isnull", False), ("photo_id__isnull", True)),
                            models.Q(("article_id__isnull", True), ("photo_id__isnull", False)),
                            _connector="OR",
                        ),
                        name="search_change_names_one",
                    )
                ],
            },
        ),
        migrations.RunPython(
            SEARCH_INDEX.run(SEARCH_INDEX.POSTGRES_UNINSTALL, SEARCH_INDEX.SQLITE_UNINSTALL),
            reinstall,
        ),
    ]
