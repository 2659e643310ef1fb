"""Storing one batch of parsed pages in one transaction: photos, articles with their links,
photo pages and listing pages (through ``listings``).

An article is identified by its original address when its file name gives one, else by the file
it came from; a copy of an article already held replaces it only when its text is fuller.
"""

from __future__ import annotations

import hashlib

from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify

from .. import changes, derive, matching
from ..database import BATCH, batched, insert_rows
from ..models import Article, ArticleMedia, ArticleTag, Author, ListingItem, MediaItem, Section, Tag
from . import parsing
from .known import page_files_record
from .listings import ListingWriter, listing_items_link, listing_only_fitting
from .naming import AUTHOR_NAMES, SECTION_NAMES, title_made
from .outcomes import CREATED, CUT_SHORT, DUPLICATE, KEPT, KEPT_DETAIL, PHOTO_PAGE, REFUSED, UPDATED, FileOutcome


def pages_write(items, *, force=False):
    """Store a batch of parsed pages in one transaction; return a FileOutcome per page.

    The caller decides what to do when it raises (the ingest retries each page on its own).
    """
    writer = PageWriter(force=force)
    with transaction.atomic():
        photos = writer.photos_store([block for item in items for block in item.page.media])
        outcomes = writer.articles_store([i for i in items if i.page.kind == parsing.ARTICLE], photos)
        for item in items:
            if item.page.kind == parsing.PHOTO:
                outcomes.append(writer.photo_page_store(item, photos))
            elif item.page.kind == parsing.LISTING:
                outcomes.append(writer.listings.store(item))
        changes.record(article_ids=writer.articles_written, photo_ids=writer.photos_written)
        page_files_record(item.source for item in items)
    return outcomes


class PageWriter:
    """Writes the rows of one batch: photos, articles with their links, photo and listing pages.

    It keeps the ids of the tags, sections and authors it has seen, so that a batch of five
    hundred pages looks each one up once.
    """

    def __init__(self, *, force=False):
        self.force = force
        self.now = timezone.now()
        self.tag_names = dict(Tag.objects.values_list("id", "name"))
        self.named: dict[tuple, int] = {}
        self.listings = ListingWriter()
        # What the search index must read again once the batch commits.
        self.articles_written: set[int] = set()
        self.photos_written: set[int] = set()

    def photos_store(self, blocks):
        """Create the photos not yet known; return fingerprint -> StoredPhoto."""
        by_fingerprint = {}
        for block in blocks:
            if not (block.media_id or block.caption):
                continue
            key = media_fingerprint(block)
            current = by_fingerprint.get(key)
            if current is None or (not current.caption and block.caption):
                by_fingerprint[key] = block
        stored = {}
        for chunk in batched(by_fingerprint, BATCH):
            for key, pk, caption, credit in MediaItem.objects.filter(fingerprint__in=chunk).values_list(
                "fingerprint", "id", "caption", "credit"
            ):
                stored[key] = derive.StoredPhoto(pk, caption, credit)
        new = [_media_item(key, block) for key, block in by_fingerprint.items() if key not in stored]
        # In batches: PostgreSQL takes at most 65,535 parameters a query when the server binds them.
        MediaItem.objects.bulk_create(new, batch_size=BATCH)
        stored.update((m.fingerprint, derive.StoredPhoto(m.pk, m.caption, m.credit)) for m in new)
        self.photos_written.update(m.pk for m in new)
        for key, photo in list(stored.items()):
            block = by_fingerprint[key]
            if not photo.caption and block.caption:
                # A page that prints the caption completes a photo first seen without one.
                MediaItem.objects.filter(pk=photo.pk).update(
                    caption=block.caption,
                    credit=block.credit,
                    agency=block.agency,
                    taken_on=photo_date(block),
                )
                stored[key] = derive.StoredPhoto(photo.pk, block.caption, block.credit)
                self.photos_written.add(photo.pk)
        return stored

    def articles_store(self, items, photos):
        """Create or update the batch's articles and their links; return their outcomes."""
        if not items:
            return []
        current = self._current_articles(items)
        outcomes, chosen = [], {}
        for item in items:
            identity = article_identity(item)
            existing = chosen[identity][0] if identity in chosen else current.get(identity)
            verdict = self._verdict(existing, item)
            if verdict is not None:
                outcomes.append(verdict)
                continue
            if identity in chosen:
                # Two copies of one article in a batch: the fuller one is kept, as it would be
                # had they come in separate runs.
                outcomes.append(superseded(chosen[identity][1], item))
            article = existing or Article()
            self._fill(article, item, photos)
            chosen[identity] = (article, item)
        self._save(chosen.values(), photos)
        written = [article for article, _ in chosen.values()]
        listing_items_link(ListingItem.objects.filter(article=None).matching(written))
        self.listings.facts_take([a.pk for a in written])
        for article, item in chosen.values():
            status = UPDATED if article.pk in self._existing_ids else CREATED
            outcomes.append(FileOutcome(item.source.path, status, problems=item.page.problems))
        return outcomes

    def _current_articles(self, items):
        """identity -> the article the archive holds under it, for the batch's pages."""
        urls = [i.page.original_url for i in items if i.page.original_url]
        paths = [i.source.path for i in items]
        found = {}
        for chunk in batched(paths, BATCH):
            found.update(
                (("path", a.source_path), a) for a in Article.objects.filter(source_path__in=chunk, original_url="")
            )
        # The condition of the partial unique index, written out: PostgreSQL cannot prove it from
        # an IN list of more than 100 addresses, and would read the whole table instead.
        with_url = Article.objects.exclude(original_url="")
        for chunk in batched(urls, BATCH):
            found.update((("url", a.original_url), a) for a in with_url.filter(original_url__in=chunk))
        found.update(self._listing_only_found([i for i in items if article_identity(i) not in found]))
        self._existing_ids = {a.pk for a in found.values()}
        return found

    def _listing_only_found(self, items):
        """identity -> the article known only from listings that a page of the batch completes
        (see ``listing_only_fitting``)."""
        keys = {article_identity(i): (matching.title_key(i.page.title), i.page.body) for i in items}
        return listing_only_fitting(keys)

    def _verdict(self, existing, item):
        """None when the page is to be written over ``existing``, else the outcome that keeps it."""
        if existing is None:
            return None
        path = item.source.path
        if existing.staff_edited and not self.force:
            return FileOutcome(path, KEPT, KEPT_DETAIL)
        if existing.listing_only:
            return None
        if existing.source_path != path and not is_fuller(item.page, existing):
            return FileOutcome(
                path,
                DUPLICATE,
                f"another copy of the article at {existing.original_url}; "
                f"the archive keeps the fuller text from {existing.source_path}",
            )
        if existing.source_path == path and item.page.is_truncated and not existing.is_truncated:
            return FileOutcome(path, CUT_SHORT, "stops mid-sentence; the archive keeps its complete text")
        return None

    def _fill(self, article, item, photos):
        page, source = item.page, item.source
        hints = page.hints
        article.title = (page.title or title_made(page.body))[:500]
        article.title_is_derived = not page.title
        article.slug = (hints.post_slug or slugify(article.title))[:255] or "article"
        article.body = page.body
        article.dateline = page.dateline[:200]
        article.section_id = self._named_id(Section, hints.section_slug, SECTION_NAMES)
        article.author_id = self._named_id(Author, hints.author_slug, AUTHOR_NAMES)
        if page.published_on:
            article.published_on, article.date_source = page.published_on, Article.DateSource.CAPTION
        elif page.estimated_month:
            article.published_on, article.date_source = page.estimated_month, Article.DateSource.MEDIA_ID
        else:
            article.published_on, article.date_source = None, Article.DateSource.UNKNOWN
        article.is_truncated = page.is_truncated
        article.listing_only = False
        article.original_url = hints.url
        article.source_path = source.path
        article.ingested_at = self.now
        article.content_hash = source.content_hash
        article.staff_edited = False
        tag_names = [self.tag_names[t] for t in sorted(item.tag_ids) if t in self.tag_names]
        derive.article_derive(article, tag_names=tag_names, captions=[p.text for p in article_photos(page, photos)])

    def _save(self, chosen, photos):
        new = [(a, i) for a, i in chosen if a.pk is None]
        updated = [(a, i) for a, i in chosen if a.pk is not None]
        Article.objects.bulk_create([a for a, _ in new], batch_size=BATCH)
        for article, _ in updated:
            article.save()
        changed_ids = [a.pk for a, _ in updated]
        site_tags = set()
        for chunk in batched(changed_ids, BATCH):
            ArticleMedia.objects.filter(article_id__in=chunk).delete()
            # The original site's tags are not the page's to take back: they came from its listings.
            ArticleTag.objects.filter(article_id__in=chunk, on_original_site=False).delete()
            site_tags.update(ArticleTag.objects.filter(article_id__in=chunk).values_list("article_id", "tag_id"))
        links = [
            (article.pk, photo.pk, position)
            for article, item in [*new, *updated]
            for position, photo in enumerate(article_photos(item.page, photos))
        ]
        insert_rows(ArticleMedia, ["article", "media", "position"], links)
        tag_links = [
            (a.pk, tag_id, a.sort_date)
            for a, i in [*new, *updated]
            for tag_id in sorted(i.tag_ids)
            if (a.pk, tag_id) not in site_tags
        ]
        insert_rows(ArticleTag, ["article", "tag", "sort_date"], tag_links)
        self.articles_written.update(a.pk for a, _ in [*new, *updated])

    def _named_id(self, model, slug, names):
        if not slug:
            return None
        key = (model, slug)
        if key not in self.named:
            known = names.get(slug)
            name = known or slug.replace("-", " ").title()
            self.named[key] = model.objects.get_or_create(
                slug=slug, defaults={"name": name, "name_is_guess": not known}
            )[0].pk
        return self.named[key]

    def photo_page_store(self, item, photos):
        page, source = item.page, item.source
        photo = photos.get(media_fingerprint(page.media[0]))
        if photo is None:
            return FileOutcome(source.path, REFUSED, "photo page with neither a caption nor a Media ID")
        MediaItem.objects.filter(source_path=source.path).exclude(pk=photo.pk).update(source_path="", content_hash=None)
        MediaItem.objects.filter(pk=photo.pk).update(
            title=(page.title or "")[:300],
            slug=page.hints.attachment_slug[:300],
            source_path=source.path,
            content_hash=source.content_hash,
            updated_at=timezone.now(),
        )
        self.photos_written.add(photo.pk)
        return FileOutcome(source.path, PHOTO_PAGE, problems=page.problems)


def superseded(loser, winner):
    return FileOutcome(
        loser.source.path,
        DUPLICATE,
        f"another copy of the article at {winner.page.original_url}; "
        f"the archive keeps the fuller text from {winner.source.path}",
    )


def article_identity(item):
    """What identifies a page's article: its original address when known, else its file."""
    url = item.page.original_url
    return ("url", url) if url else ("path", item.source.path)


def is_fuller(page, article):
    """Whether a page's text should replace an article's: complete beats cut short, then longer
    beats shorter. Either order of two copies then gives the same archive."""
    if page.is_truncated != article.is_truncated:
        return article.is_truncated
    return len(page.body) > len(article.body)


def article_photos(page, photos):
    """The stored photos of a page in page order, each once: what the article links and shows."""
    seen, found = set(), []
    for block in page.media:
        photo = photos.get(media_fingerprint(block))
        if photo is not None and photo.pk not in seen:
            seen.add(photo.pk)
            found.append(photo)
    return found


def media_fingerprint(block: parsing.MediaBlock) -> str:
    """Identity of a photo across pages: its Media ID, else a hash of its caption."""
    if block.media_id:
        return f"id:{block.media_id}"
    key = parsing.caption_key(f"{block.caption} {block.credit}")
    return "caption:" + hashlib.sha256(key.encode("utf-8")).hexdigest()[:48]


def photo_date(block):
    return max(parsing.dates_in(block.caption), default=None)


def _media_item(key, block):
    return MediaItem(
        media_id=block.media_id,
        fingerprint=key,
        caption=block.caption,
        credit=block.credit,
        agency=block.agency,
        taken_on=photo_date(block),
    )
