"""Finer planner statistics for the search vector on PostgreSQL.

PostgreSQL estimates a word's matches from the most common words of a sample of rows; the
default keeps about 1,000 of them and guesses every rarer word at a fixed share. Searches
choose their plan from these estimates: keep ten times more. The SQL is frozen here.
"""

from django.db import migrations


def statistics(target):
    def operation(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(f"ALTER TABLE articles_article ALTER COLUMN search_vector SET STATISTICS {target}")

    return operation


class Migration(migrations.Migration):
    dependencies = [("articles", "0004_editors_group")]

    operations = [migrations.RunPython(statistics(1000), statistics(-1))]
