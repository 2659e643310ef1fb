"""The starting tag vocabulary: places, organisations, people and topics of 2005-2017.

Read from fixtures/tags.json; staff extend it in the admin afterwards.
"""

import json
from pathlib import Path

from django.db import migrations

VOCABULARY = Path(__file__).resolve().parent.parent.parent / "fixtures" / "tags.json"


def load(apps, schema_editor):
    Tag = apps.get_model("articles", "Tag")
    entries = json.loads(VOCABULARY.read_text(encoding="utf-8"))
    existing = set(Tag.objects.values_list("slug", flat=True))
    Tag.objects.bulk_create(
        Tag(name=e["name"], slug=e["slug"], kind=e["kind"], aliases="\n".join(e["aliases"]))
        for e in entries
        if e["slug"] not in existing
    )


def unload(apps, schema_editor):
    Tag = apps.get_model("articles", "Tag")
    slugs = [e["slug"] for e in json.loads(VOCABULARY.read_text(encoding="utf-8"))]
    Tag.objects.filter(slug__in=slugs, articles__isnull=True).delete()


class Migration(migrations.Migration):
    dependencies = [("articles", "0002_search_index")]

    operations = [migrations.RunPython(load, unload)]
