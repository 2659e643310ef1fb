"""Finer planner statistics for the search vector on PostgreSQL (see search.POSTGRES_STATISTICS)."""
from django.db import migrations

from articles import search


def tune(apps, schema_editor):
    search.tune_statistics(schema_editor)


def untune(apps, schema_editor):
    search.tune_statistics(schema_editor, undo=True)


class Migration(migrations.Migration):
    dependencies = [("articles", "0004_editors_group")]

    operations = [migrations.RunPython(tune, untune)]
