"""The full-text index: a weighted tsvector with GIN on PostgreSQL, FTS5 on SQLite."""
from django.db import migrations

from articles import search


def install(apps, schema_editor):
    search.install_index(schema_editor)


def uninstall(apps, schema_editor):
    search.uninstall_index(schema_editor)


class Migration(migrations.Migration):
    dependencies = [("articles", "0001_initial")]

    operations = [migrations.RunPython(install, uninstall)]
