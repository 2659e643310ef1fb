"""When ingest last wrote an article from its file, shown with the file on the article page.

A nullable column without a default: adding it rewrites no row, on a million articles too.
Articles ingested before are left empty rather than given a guess (their creation time is
when they were first ingested, not when their current file was); the page says so.
"""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0009_listing_only_and_coverage"),
    ]

    operations = [
        migrations.AddField(
            model_name="article",
            name="ingested_at",
            field=models.DateTimeField(
                blank=True,
                editable=False,
                help_text="When ingest last wrote the article from that file; empty for articles ingested before this was recorded (their first ingest is the creation time).",
                null=True,
            ),
        ),
    ]
