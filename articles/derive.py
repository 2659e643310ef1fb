"""The one place that computes what an article derives from its own columns and its links.

Whatever writes an article — an ingest, an editor's save, a tag merge, a data migration or a
test's factory — derives through here, so that ``sort_date``, ``slug``, the listing keys
(``title_key``, ``opening_key``), whether a title the archive supplied is still that one
(``title_is_derived``), ``index_terms``, ``photo_count`` and the date copied onto its
tag links are computed the same way for everyone:

- ``article_derive(article, tag_names=…, captions=…)`` fills the derived columns of one article;
- ``articles_rederive(ids)`` recomputes them from the links in the database (after an edit) and
  logs the articles for the search index (``changes.record``);
- ``tags_assign(…)`` links articles to tags with the article's date copied onto the link.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import F, OuterRef, Subquery
from django.utils.text import slugify

from . import changes
from .database import BATCH, batched, insert_rows
from .matching import text_opening_key, title_key
from .models import UNDATED_OLDEST_KEY, UNDATED_SORT_DATE, Article, ArticleMedia, ArticleTag, looks_supplied


@dataclass(frozen=True)
class StoredPhoto:
    """A photo as the archive holds it: what an article's search text takes from it."""

    pk: int
    caption: str
    credit: str

    @property
    def text(self):
        return f"{self.caption} {self.credit}".strip()


def article_derive(article, *, tag_names=None, captions=None):
    """Fill the columns an article derives: its sort date and slug, and — given its tag names
    (in tag id order) and its photos' caption texts (in page order) — its search text and photo
    count. The database checks that ``sort_date`` and ``oldest_key`` agree with ``published_on``."""
    article.sort_date = article.published_on or UNDATED_SORT_DATE
    article.oldest_key = article.published_on or UNDATED_OLDEST_KEY
    if not article.slug:
        article.slug = slugify(article.title)[:255] or "article"
    deferred = article.get_deferred_fields()
    # What listing items are matched on (see ingest.listings).
    if not {"title", "title_is_derived"} & deferred:
        # A supplied title keeps its mark while it stays as supplied; no listing's title is it.
        article.title_is_derived = article.title_is_derived and looks_supplied(article.title)
        article.title_key = None if article.title_is_derived else title_key(article.title)
    if "body" not in deferred:
        article.opening_key = text_opening_key(article.body)
    if tag_names is not None and captions is not None:
        article.index_terms = "\n".join([" ".join(tag_names), *captions]).strip()
        article.photo_count = len(captions)
    return article


def articles_rederive(article_ids):
    """Recompute the derived columns of articles from their links; return how many changed.

    The tag links' copies of the article's date are brought up to date too, and the articles
    are logged for the search index: whatever an editor changed (its text, date, section,
    tags or photos), this runs after it.
    """
    changed = 0
    article_ids = sorted(set(article_ids))
    for chunk in batched(article_ids, BATCH):
        tag_names, captions = _linked_names(chunk)
        stale = []
        for article in Article.objects.filter(pk__in=chunk).only(
            "id", "title", "slug", "published_on", "sort_date", "oldest_key", "index_terms", "photo_count"
        ):
            before = (article.sort_date, article.oldest_key, article.index_terms, article.photo_count)
            article_derive(article, tag_names=tag_names.get(article.pk, []), captions=captions.get(article.pk, []))
            if (article.sort_date, article.oldest_key, article.index_terms, article.photo_count) != before:
                stale.append(article)
        Article.objects.bulk_update(stale, ["sort_date", "oldest_key", "index_terms", "photo_count"])
        _copy_dates_to_tag_links(chunk)
        changed += len(stale)
    # Last, as an ingest's batch does: the log's lock is taken after the rows', in every transaction.
    changes.record(article_ids=article_ids)
    return changed


def _linked_names(article_ids):
    """Tag names in tag id order and photo texts in position order, per article id."""
    tag_names, captions = {}, {}
    links = ArticleTag.objects.filter(article_id__in=article_ids).order_by("tag_id")
    for article_id, name in links.values_list("article_id", "tag__name"):
        tag_names.setdefault(article_id, []).append(name)
    photos = ArticleMedia.objects.filter(article_id__in=article_ids).order_by("position", "id")
    for article_id, pk, caption, credit in photos.values_list(
        "article_id", "media_id", "media__caption", "media__credit"
    ):
        captions.setdefault(article_id, []).append(StoredPhoto(pk, caption, credit).text)
    return tag_names, captions


def _copy_dates_to_tag_links(article_ids):
    """One UPDATE for the links whose copy of their article's date is out of date."""
    article_date = Article.objects.filter(pk=OuterRef("article_id")).values("sort_date")[:1]
    stale = ArticleTag.objects.filter(article_id__in=article_ids).exclude(sort_date=F("article__sort_date"))
    stale.update(sort_date=Subquery(article_date))


def tags_assign(articles, tag_ids, *, replace=False):
    """Link each article to the tags ``tag_ids[i]`` (an iterable of ids), with its date copied.

    With ``replace`` the articles' other tag links go, except those the original site gave
    them; links an article already has are kept.
    Return the (article id, tag id) links added.
    """
    wanted = {article.pk: set(ids) for article, ids in zip(articles, tag_ids)}
    dates = {article.pk: article.sort_date for article in articles}
    existing = set()
    for chunk in batched(sorted(wanted), BATCH):
        links = ArticleTag.objects.filter(article_id__in=chunk)
        if replace:
            # The original site's tags stay: they record what it printed, not a choice.
            mine = links.filter(on_original_site=False)
            gone = [pk for pk, a, t in mine.values_list("id", "article_id", "tag_id") if t not in wanted[a]]
            ArticleTag.objects.filter(pk__in=gone).delete()
        existing.update(links.values_list("article_id", "tag_id"))
    rows = [
        (pk, tag_id, dates[pk]) for pk, ids in wanted.items() for tag_id in sorted(ids) if (pk, tag_id) not in existing
    ]
    insert_rows(ArticleTag, ["article", "tag", "sort_date"], rows)
    return [(pk, tag_id) for pk, tag_id, _ in rows]
