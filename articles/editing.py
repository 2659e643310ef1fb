"""Writes by editors: what an edit in the admin changes beyond the rows the editor touched.

An article's derived columns (its search text, photo count and the date copied onto its tag
links) are recomputed by ``services``, exactly as ingest computes them, which logs the article
for the search index in the same transaction; the index applies the log once the edit has
committed, as are the counts readers see refreshed.
"""

import json
from collections import defaultdict

from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.db.models import Q
from reversion.models import Version

from . import search, services
from .models import Article, ArticleTag, Tag
from .services import BATCH, batched


def article_save(article):
    """Save an article an editor changed: marked as edited by staff, so ingest keeps it."""
    article.staff_edited = True
    services.article_derive(article)
    article.save()


def article_edited(article, *, tags=None, counts_changed=True):
    """After an editor's save: set its tags (when given) and bring what it derives from its
    tags and photos up to date."""
    if tags is not None:
        services.tags_assign([article], [[t.pk for t in tags]], replace=True)
    services.articles_rederive([article.pk])
    article.refresh_from_db(fields=["sort_date", "index_terms", "photo_count"])
    _changed(counts_changed)


def articles_deleted():
    """After an editor deleted articles (the index heard of each by signal): recount what lists
    show, forget cached pages."""
    _changed(counts_changed=True)


def filing_renamed():
    """After a section or an author was renamed: the pages that show its name, cached under the
    old version, are not served again (the index holds its id only)."""
    search.invalidate()
    transaction.on_commit(search.invalidate)


def tag_add(tag, article_ids):
    """Tag articles with ``tag``; return how many were not tagged with it before.

    The articles count as edited by staff, so that a re-ingest of a changed file keeps the tag.
    """
    with transaction.atomic():
        added = []
        for chunk in batched(sorted(set(article_ids)), BATCH):
            articles = list(Article.objects.filter(pk__in=chunk).only("id", "sort_date"))
            added += [pk for pk, _ in services.tags_assign(articles, [[tag.pk]] * len(articles))]
        for chunk in batched(added, BATCH):
            Article.objects.filter(pk__in=chunk).update(staff_edited=True)
        services.articles_rederive(added)
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
            # A dropped link the original site gave passes that on to the link kept.
            on_site = ArticleTag.objects.filter(pk__in=chunk, on_original_site=True).values("article_id")
            ArticleTag.objects.filter(tag=kept, article_id__in=on_site).update(on_original_site=True)
            ArticleTag.objects.filter(tag_id__in=other_ids, article_id__in=on_site).update(on_original_site=True)
            ArticleTag.objects.filter(pk__in=chunk).delete()
        for chunk in batched(move, BATCH):
            ArticleTag.objects.filter(pk__in=chunk).update(tag=kept)
        kept.aliases = "\n".join(_merged_names(kept, others))
        kept.save()
        _history_retarget(set(other_ids), kept.pk)
        Tag.objects.filter(pk__in=other_ids).delete()
        services.articles_rederive(linked)
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
    services.articles_rederive(article_ids)
    _changed(counts_changed=True)


def captions_changed(article_ids, photo_ids=(), counts_changed=False):
    """After a photo's caption or credit changed: re-index it and the articles that show it;
    after its Media ID changed, recount too."""
    services.photos_changed(photo_ids)
    services.articles_rederive(article_ids)
    _changed(counts_changed)


def _changed(counts_changed):
    search.invalidate()
    # Should the index fail, the change log keeps the edit for the next search: the save stands.
    transaction.on_commit(search.catch_up, robust=True)
    # Again once committed and indexed: a reader who rendered the old content meanwhile, from the
    # primary or a replica, cached it under the first version.
    transaction.on_commit(search.invalidate)
    if counts_changed:
        transaction.on_commit(services.counts_refresh)
