"""What the archive's editors changed in an article, for readers: when, and which fields.

The admin's history (django-reversion) holds each saved version of an article with its tag and
photo links; the version before an editor's first change is recorded too (admin.record_current).
Readers are told the day and what changed, never who changed it.
"""

import json
from dataclasses import dataclass

from django.contrib.contenttypes.models import ContentType
from reversion.models import Version

from .models import ArticleMedia, ArticleTag

# The fields a reader knows, by the name a reader knows them; the others (derived columns,
# timestamps, identity) are not corrections.
PUBLIC_FIELDS = {
    "title": "title",
    "body": "text",
    "dateline": "dateline",
    "section_id": "section",
    "author_id": "author",
    "published_on": "date",
    "date_source": "date",
    "is_truncated": "completeness",
    "original_url": "original address",
}
LINKS = {ArticleTag: ("tag", "tags"), ArticleMedia: ("media", "photos")}


@dataclass(frozen=True)
class Correction:
    date: object
    fields: tuple[str, ...]


def corrections(article):
    """The editors' corrections of an article, oldest first (two queries)."""
    versions = list(
        Version.objects.get_for_object(article).select_related("revision").order_by("revision__date_created", "pk")
    )
    if len(versions) < 2:
        return []
    links = _links_by_revision(article, [v.revision_id for v in versions])
    found, previous = [], None
    for version in versions:
        state = _public_state(version.field_dict)
        state.update({label: links.get((version.revision_id, label), frozenset()) for _, label in LINKS.values()})
        if previous is not None:
            changed = tuple(dict.fromkeys(label for label in state if state[label] != previous[label]))
            if changed:
                found.append(Correction(version.revision.date_created, changed))
        previous = state
    return found


def _public_state(fields):
    state = {}
    for name, label in PUBLIC_FIELDS.items():
        state.setdefault(label, ())
        state[label] = (*state[label], fields.get(name))
    return state


def _links_by_revision(article, revision_ids):
    """(revision id, "tags" or "photos") -> the ids linked in that version, in one query."""
    types = {ContentType.objects.get_for_model(model).pk: model for model in LINKS}
    links = {}
    rows = Version.objects.filter(revision_id__in=revision_ids, content_type_id__in=types).values_list(
        "revision_id", "content_type_id", "serialized_data"
    )
    for revision_id, type_id, data in rows:
        fields = json.loads(data)[0]["fields"]
        if fields.get("article") != article.pk:
            continue
        target, label = LINKS[types[type_id]]
        key = (revision_id, label)
        links[key] = links.get(key, frozenset()) | {fields[target]}
    return links
