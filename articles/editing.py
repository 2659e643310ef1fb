"""Every human write: editors' saves, reverts and recoveries from the history, tag merges, and
readers' suggested corrections once an editor accepts them.

Each function here does the whole of its write: the history (django-reversion) holds the state
before it (``record_current``), the derived columns are recomputed as ingest computes them
(``derive``), and ``changes.archive_changed`` has the counts, the search index and the caches
follow once the transaction commits. The admin only calls these: no write rule lives there.
"""

import datetime as dt
import json
from collections import defaultdict

import reversion
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.text import slugify
from reversion.models import Version

from . import changes, derive
from .database import BATCH, batched
from .models import Article, ArticleMedia, ArticleTag, Author, MediaItem, Section, Suggestion, Tag
from .models.corrections import FIELD_LABELS

# What a photo's articles show of it, or search finds it by: a change to one re-indexes them.
PHOTO_SHOWN_FIELDS = {"caption", "credit", "title", "agency", "taken_on", "media_id"}
# What readers see of a section or an author beside the articles: a change moves the caches on.
FILING_SHOWN_FIELDS = {"name", "slug", "name_is_guess"}

# --- History ---------------------------------------------------------------------------------

# What the history holds: an article's versions hold its tag and photo links, so that a restore
# brings them back.
reversion.register(ArticleTag)
reversion.register(ArticleMedia)
reversion.register(Article, follow=("articletag_set", "articlemedia_set"))
for model in (MediaItem, Tag, Section, Author):
    reversion.register(model)


def record_current(obj):
    """Save ``obj`` as it is now as a version, unless its latest version already holds it.

    Objects enter the archive through ingest, which records no history: without this before
    every edit, the first edit of an article could never be undone."""
    latest = Version.objects.get_for_object(obj).first()
    if latest is not None and _holds(latest, obj):
        return
    with reversion.create_revision():
        reversion.add_to_revision(obj)
        reversion.set_comment("As it was before this edit: written by ingest or by an admin action.")
        if getattr(obj, "updated_at", None):
            reversion.set_date_created(obj.updated_at)


def _holds(version, obj):
    """Whether a version has the object's current values (timestamps aside)."""
    fields = [
        f for f in obj._meta.concrete_fields if not (getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False))
    ]
    saved = version.field_dict
    return all(saved.get(f.attname) == getattr(obj, f.attname) for f in fields)


# --- Articles --------------------------------------------------------------------------------


def article_save(article):
    """Save an article an editor changed (a revert or recovery included): marked as edited by
    staff, so that ingest keeps it."""
    article.staff_edited = True
    derive.article_derive(article)
    article.save()


def article_edited(article, *, tags=None):
    """After an editor's save of an article: set its tags (when given), bring what it derives
    from its tags and photos up to date, and have the archive follow."""
    if tags is not None:
        derive.tags_assign([article], [[t.pk for t in tags]], replace=True)
    derive.articles_rederive([article.pk])
    article.refresh_from_db(fields=["sort_date", "index_terms", "photo_count"])
    changes.archive_changed()


def articles_deleted():
    """After an editor deleted articles (the change log heard of each by signal)."""
    changes.archive_changed()


def tag_add(tag, article_ids):
    """Tag articles with ``tag``; return how many were not tagged with it before.

    The articles count as edited by staff, so that a re-ingest of a changed file keeps the tag.
    """
    with transaction.atomic():
        added = []
        for chunk in batched(sorted(set(article_ids)), BATCH):
            articles = list(Article.objects.filter(pk__in=chunk).only("id", "sort_date"))
            added += [pk for pk, _ in derive.tags_assign(articles, [[tag.pk]] * len(articles))]
        for chunk in batched(added, BATCH):
            Article.objects.filter(pk__in=chunk).update(staff_edited=True)
        derive.articles_rederive(added)
        changes.archive_changed()
    return len(added)


# --- Photos ------------------------------------------------------------------------------------


def photo_save(photo, changed=()):
    """Save a photo an editor added or changed (``changed``: the fields changed). Its search
    document, and those of the articles showing it, are read again when what they hold of it
    changed; the coverage page gives each month's Media IDs."""
    created = photo.pk is None
    photo.save()
    if created:
        captions_changed([], [photo.pk])
    elif PHOTO_SHOWN_FIELDS & set(changed):
        captions_changed(photo.articles.values_list("pk", flat=True), [photo.pk])


def captions_changed(article_ids, photo_ids=()):
    """After a photo's caption, credit or Media ID changed: re-index it and its articles."""
    changes.record(photo_ids=photo_ids)
    derive.articles_rederive(article_ids)
    changes.archive_changed()


def photos_delete(photos):
    """Delete photos (a queryset): the articles that showed them are re-indexed and recounted."""
    article_ids = list(ArticleMedia.objects.filter(media__in=photos).values_list("article_id", flat=True))
    photos.delete()
    captions_changed(article_ids)


# --- Tags, sections and authors ----------------------------------------------------------------


def tag_save(tag, changed=()):
    """Save a tag an editor added or changed. Renamed, its articles' search text changes; any
    change (an alias, say) changes what search finds for its names."""
    renamed = tag.pk is not None and "name" in changed
    tag.save()
    tags_changed(tag.articles.values_list("pk", flat=True) if renamed else ())


def tags_changed(article_ids=()):
    """After tags were renamed or deleted: re-index their articles, forget cached searches."""
    derive.articles_rederive(article_ids)
    changes.archive_changed()


def tags_delete(tags):
    """Delete tags (a queryset): their articles are re-indexed and recounted."""
    article_ids = list(ArticleTag.objects.filter(tag__in=tags).values_list("article_id", flat=True))
    tags.delete()
    tags_changed(article_ids)


def filing_save(entity, changed=()):
    """Save a section or an author an editor added or changed. A name an editor gives is no
    guess; the pages showing the old name are not served again (the index holds its id only)."""
    if "name" in changed and "name_is_guess" not in changed:
        entity.name_is_guess = False
    created = entity.pk is None
    entity.save()
    if created or FILING_SHOWN_FIELDS & set(changed):
        changes.archive_changed(index=False)


def tags_merge(kept, others, user=None):
    """Merge tags into ``kept``: their articles move to it, their names become its aliases; the
    history records the merge (by ``user``) after the kept tag as it was.

    Earlier versions of articles in the history are moved to ``kept`` as well, so that
    restoring one never names a tag that no longer exists. Return the number of articles moved.
    """
    others = [tag for tag in others if tag.pk != kept.pk]
    if not others:
        return 0
    record_current(kept)
    names = ", ".join(t.name for t in others)
    with transaction.atomic(), reversion.create_revision():
        linked = _links_move(kept, [tag.pk for tag in others])
        kept.aliases = "\n".join(_merged_names(kept, others))
        kept.save()
        _history_retarget({tag.pk for tag in others}, kept.pk)
        Tag.objects.filter(pk__in=[tag.pk for tag in others]).delete()
        derive.articles_rederive(linked)
        changes.archive_changed()
        if user is not None:
            reversion.set_user(user)
        reversion.set_comment(f"Merged {names} into this tag.")
    return len(linked)


def _links_move(kept, other_ids):
    """Move the merged tags' links to ``kept``; return the ids of the articles they linked."""
    links = list(ArticleTag.objects.filter(tag_id__in=other_ids).order_by("id").values_list("id", "article_id"))
    linked = {article_id for _, article_id in links}
    seen = set()
    for chunk in batched(sorted(linked), BATCH):
        seen.update(ArticleTag.objects.filter(tag=kept, article_id__in=chunk).values_list("article_id", flat=True))
    move, drop = [], []
    for link_id, article_id in links:
        # An article already tagged with the kept tag (or by two of the merged ones) keeps one link.
        (drop if article_id in seen else move).append(link_id)
        seen.add(article_id)
    for chunk in batched(drop, BATCH):
        # A dropped link the original site gave passes that on to the link kept.
        on_site = ArticleTag.objects.filter(pk__in=chunk, on_original_site=True).values("article_id")
        ArticleTag.objects.filter(tag=kept, article_id__in=on_site).update(on_original_site=True)
        ArticleTag.objects.filter(tag_id__in=other_ids, article_id__in=on_site).update(on_original_site=True)
        ArticleTag.objects.filter(pk__in=chunk).delete()
    for chunk in batched(move, BATCH):
        ArticleTag.objects.filter(pk__in=chunk).update(tag=kept)
    return linked


def _merged_names(kept, others):
    """The kept tag's aliases followed by the merged tags' names and aliases, each once."""
    names = dict.fromkeys(kept.alias_list)
    for tag in others:
        names.update(dict.fromkeys(tag.names))
    names.pop(kept.name, None)
    return list(names)


def _history_retarget(other_ids, kept_id):
    """Make saved versions of article tag links that name a merged tag name the kept one."""
    content_type = ContentType.objects.get_for_model(ArticleTag)
    # The serialised JSON holds `"tag": <id>`; the text match only narrows, the JSON decides.
    named = Q()
    for pk in other_ids:
        named |= Q(serialized_data__contains=f'"tag": {pk}')
    versions = [
        (version, json.loads(version.serialized_data))
        for version in Version.objects.filter(named, content_type=content_type)
    ]
    versions = [(v, data) for v, data in versions if data[0]["fields"]["tag"] in other_ids]
    if not versions:
        return
    present = defaultdict(set)
    siblings = Version.objects.filter(content_type=content_type, revision_id__in={v.revision_id for v, _ in versions})
    for version in siblings:
        fields = json.loads(version.serialized_data)[0]["fields"]
        if fields["tag"] not in other_ids:
            present[version.revision_id].add(fields["article"])
    for version, data in versions:
        fields = data[0]["fields"]
        if fields["article"] in present[version.revision_id]:
            version.delete()
            continue
        present[version.revision_id].add(fields["article"])
        fields["tag"] = kept_id
        version.serialized_data = json.dumps(data)
        version.save(update_fields=["serialized_data"])


# --- Readers' suggestions ----------------------------------------------------------------------


class SuggestionConflict(Exception):
    """Fields that changed since the reader saw them: accepting would overwrite a newer change."""

    def __init__(self, fields):
        self.fields = list(fields)
        super().__init__("Changed since the reader saw it: " + ", ".join(FIELD_LABELS[f] for f in self.fields) + ".")


def suggestion_current(target, fields):
    """What ``fields`` of an article or a photo hold now, as a suggestion keeps it (JSON)."""
    found = {}
    for name in fields:
        if name == "title":
            found[name] = target.title
        elif name == "published_on":
            found[name] = target.published_on.isoformat() if target.published_on else ""
        elif name == "author":
            found[name] = target.author.name if target.author_id else ""
        elif name == "section":
            found[name] = target.section.slug if target.section_id else ""
        elif name in ("tags_add", "tags_remove"):
            found[name] = sorted(target.tags.values_list("slug", flat=True))
        elif name == "continuation":
            found[name] = target.body[-200:]
        elif name in ("caption", "credit"):
            found[name] = getattr(target, name)
    return found


def suggestion_conflicts(suggestion, fields):
    """The fields of ``fields`` that changed since the reader saw them."""
    target = type(suggestion.target).objects.get(pk=suggestion.target.pk)
    now = suggestion_current(target, fields)
    changed = [name for name in fields if name in now and now[name] != suggestion.current.get(name)]
    passage = suggestion.proposed.get("passage")
    if "passage" in fields and passage and passage["now"] not in target.body:
        changed.append("passage")
    return changed


def suggestion_accept(suggestion, fields, editor, *, complete=False, confirmed=False):
    """Apply ``fields`` of a reader's suggestion as an editor accepts them, through the same
    path as an editor's own save: history ("reader suggestion #N, accepted by …"), derived
    columns, search index, caches and counts. ``complete``: the editor says an article's text,
    continued, is now whole. A field changed since the reader saw it raises SuggestionConflict
    unless the editor ``confirmed`` they want it all the same."""
    fields = [name for name in suggestion.proposed if name in fields]
    if not fields:
        raise ValueError("Choose what to accept.")
    conflicts = suggestion_conflicts(suggestion, fields)
    if conflicts and not confirmed:
        raise SuggestionConflict(conflicts)
    target = type(suggestion.target).objects.get(pk=suggestion.target.pk)
    record_current(target)
    with transaction.atomic(), reversion.create_revision():
        # Decided first: the article's search text then holds what the suggestion replaces.
        _decided(suggestion, Suggestion.Status.ACCEPTED, editor, accepted_fields=fields)
        if isinstance(target, Article):
            _article_accept(target, {name: suggestion.proposed[name] for name in fields}, complete)
        else:
            _photo_accept(target, {name: suggestion.proposed[name] for name in fields})
        reversion.add_to_revision(target)
        reversion.set_user(editor)
        reversion.set_comment(f"Reader suggestion #{suggestion.pk}, accepted by {editor.get_username()}.")


def suggestion_decline(suggestion, editor, *, reason="", duplicate=False):
    """Reject a suggestion (or mark it a duplicate): nothing of the archive changes."""
    status = Suggestion.Status.DUPLICATE if duplicate else Suggestion.Status.REJECTED
    _decided(suggestion, status, editor, reason=reason)


def _decided(suggestion, status, editor, **fields):
    suggestion.status, suggestion.decided_by, suggestion.decided_at = status, editor, timezone.now()
    for name, value in fields.items():
        setattr(suggestion, name, value)
    suggestion.save()


def _article_accept(article, accepted, complete):
    """Write the accepted fields into the article, then save it as an editor's save does."""
    if "title" in accepted:
        article.title = accepted["title"]
    if "published_on" in accepted:
        article.published_on = dt.date.fromisoformat(accepted["published_on"])
        article.date_source = Article.DateSource.READER
    if "author" in accepted:
        article.author = _author_named(accepted["author"])
    if "section" in accepted:
        article.section = Section.objects.get(slug=accepted["section"])
    if "passage" in accepted:
        passage = accepted["passage"]
        article.body = article.body.replace(passage["now"], passage["should_read"], 1)
    if "continuation" in accepted:
        article.body = f"{article.body.rstrip()}\n\n{accepted['continuation'].strip()}"
        article.is_truncated = article.is_truncated and not complete
    article_save(article)
    tags = None
    if "tags_add" in accepted or "tags_remove" in accepted:
        slugs = set(article.tags.values_list("slug", flat=True))
        slugs = (slugs | set(accepted.get("tags_add", []))) - set(accepted.get("tags_remove", []))
        tags = list(Tag.objects.filter(slug__in=slugs))
    article_edited(article, tags=tags)


def _author_named(name):
    """The author of this name, made when the archive has none: an editor checked it."""
    author = Author.objects.filter(name__iexact=name).first()
    if author is not None:
        return author
    base = slugify(name)[:190] or "author"
    slug, n = base, 1
    while Author.objects.filter(slug=slug).exists():
        n += 1
        slug = f"{base}-{n}"
    return Author.objects.create(name=name, slug=slug, name_is_guess=False)


def _photo_accept(photo, accepted):
    for name, value in accepted.items():
        setattr(photo, name, value)
    photo_save(photo, changed=list(accepted))
