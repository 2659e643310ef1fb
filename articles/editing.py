"""Writes by editors: what an edit in the admin changes beyond the rows the editor touched.

An article's search text (``index_terms``: its tag names and photo captions) and its photo count
are derived from its tags and photos; ingest computes them as it writes, and an edit of tags,
photos or captions must recompute them the same way. The database triggers then re-index the
article. Counts readers see are refreshed once the edit has committed.
"""
import json
from collections import defaultdict
from itertools import islice

from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.db.models import Q
from reversion.models import Version

from . import search, services
from .models import Article, ArticleMedia, ArticleTag, Tag

# Articles recomputed per round trip; also keeps every IN (...) list well under SQLite's limit.
BATCH = 1000


def article_edited(article, *, counts_changed=True):
    """Bring what an edited article derives from its tags and photos up to date."""
    ArticleTag.objects.filter(article=article).exclude(sort_date=article.sort_date).update(sort_date=article.sort_date)
    articles_refresh([article.pk])
    article.refresh_from_db(fields=["index_terms", "photo_count"])
    _changed(counts_changed)


def articles_refresh(article_ids):
    """Recompute the search text and photo count of articles; return how many changed."""
    changed = 0
    for chunk in batched(sorted(set(article_ids)), BATCH):
        tag_names, captions = defaultdict(list), defaultdict(list)
        # Tags in id order and captions in page order, as ingest writes them.
        links = ArticleTag.objects.filter(article_id__in=chunk).order_by("tag_id")
        for article_id, name in links.values_list("article_id", "tag__name"):
            tag_names[article_id].append(name)
        photos = ArticleMedia.objects.filter(article_id__in=chunk).order_by("position", "id")
        for article_id, caption, credit in photos.values_list("article_id", "media__caption", "media__credit"):
            captions[article_id].append(f"{caption} {credit}".strip())
        stale = []
        for article in Article.objects.filter(pk__in=chunk).only("id", "index_terms", "photo_count"):
            terms = services.index_terms_for(tag_names[article.pk], captions[article.pk])
            count = len(captions[article.pk])
            if (terms, count) != (article.index_terms, article.photo_count):
                article.index_terms, article.photo_count = terms, count
                stale.append(article)
        Article.objects.bulk_update(stale, ["index_terms", "photo_count"])
        changed += len(stale)
    return changed


def tag_add(tag, article_ids):
    """Tag articles with ``tag``; return how many were not tagged with it before.

    The articles count as edited by staff, so that a re-ingest of a changed file keeps the tag.
    """
    added = []
    with transaction.atomic():
        for chunk in batched(sorted(set(article_ids)), BATCH):
            tagged = set(ArticleTag.objects.filter(tag=tag, article_id__in=chunk).values_list("article_id", flat=True))
            dates = Article.objects.filter(pk__in=chunk).exclude(pk__in=tagged).values_list("id", "sort_date")
            links = [ArticleTag(article_id=pk, tag=tag, sort_date=sort_date) for pk, sort_date in dates]
            ArticleTag.objects.bulk_create(links)
            added += [link.article_id for link in links]
        for chunk in batched(added, BATCH):
            Article.objects.filter(pk__in=chunk).update(staff_edited=True)
        articles_refresh(added)
        _changed(counts_changed=bool(added))
    return len(added)


def tags_merge(kept, others):
    """Merge tags into ``kept``: their articles move to it, their names become its aliases.

    Earlier versions of articles in the history are moved to ``kept`` as well, so that
    restoring one never names a tag that no longer exists. Return the number of articles moved.
    """
    others = [tag for tag in others if tag.pk != kept.pk]
    if not others:
        return 0
    other_ids = [tag.pk for tag in others]
    with transaction.atomic():
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
            ArticleTag.objects.filter(pk__in=chunk).delete()
        for chunk in batched(move, BATCH):
            ArticleTag.objects.filter(pk__in=chunk).update(tag=kept)
        kept.aliases = "\n".join(_merged_names(kept, others))
        kept.save()
        _history_retarget(set(other_ids), kept.pk)
        Tag.objects.filter(pk__in=other_ids).delete()
        articles_refresh(linked)
        _changed(counts_changed=True)
    return len(linked)


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


def tags_changed(article_ids=()):
    """After tags were renamed or deleted: re-index their articles, forget cached searches."""
    articles_refresh(article_ids)
    _changed(counts_changed=True)


def captions_changed(article_ids):
    """After a photo's caption or credit changed: re-index the articles that show it."""
    articles_refresh(article_ids)
    _changed(counts_changed=False)


def batched(items, size):
    """Tuples of at most ``size`` items (itertools.batched arrives with Python 3.12)."""
    iterator = iter(items)
    while chunk := tuple(islice(iterator, size)):
        yield chunk


def _changed(counts_changed):
    search.invalidate()
    if counts_changed:
        transaction.on_commit(services.counts_refresh)
