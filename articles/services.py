"""Storing parsed pages: articles with their photos and links, photo pages, listing pages.

``pages_write(items, force=…)`` stores one batch of parsed pages in one transaction; the rest of
this module is what it needs: the pages the archive holds already, the files it read last time,
the listings' items and what they tell of the articles they announce.

An article is identified by its original address when its file name gives one, else by the file
it came from; a page's text hash recognises a copy of a page already held.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.text import slugify

from . import changes, derive, matching, parsing
from .database import BATCH, batched, insert_rows
from .models import (
    Article,
    ArticleMedia,
    ArticleTag,
    Author,
    ListingItem,
    ListingPage,
    MediaItem,
    PageFile,
    Section,
    Tag,
)
from .reading import SourceFile, file_keys

CREATED, UPDATED, UNCHANGED, DUPLICATE, KEPT = "created", "updated", "unchanged", "duplicate", "kept"
LISTING, PHOTO_PAGE, REFUSED, SKIPPED = "listing", "photo page", "refused", "skipped"
WRITTEN = (CREATED, UPDATED)
KEPT_DETAIL = "edited by staff; kept (use --force to overwrite)"

# How much of an article's text is compared with a listing's excerpt, which is far shorter.
BODY_COMPARED = 4000

# Sections and authors the original site's URLs name by slug, with the names its by-lines use.
SECTION_NAMES = {
    "news-middle-east": "Middle East",
    "world-news": "World News",
    "opinion": "Opinion",
    "uncategorized": "Uncategorized",
    "latest-news": "Latest News",
    "majalla-blogs": "Majalla Blogs",
    "the-majalla-magazine": "The Majalla Magazine",
}
AUTHOR_NAMES = {
    "theaawsat": "Asharq Al-Awsat",
    "abdul-rahman-al-rashed": "Abdulrahman Al-Rashed",
    "tariq-alhomayed": "Tariq Alhomayed",
    "michel-kilo": "Michel Kilo",
    "hussein-shobokshi": "Hussein Shobokshi",
    "thairabbas": "Thaer Abbas",
    "maadfayad": "Maad Fayad",
    "adil-alsalmi": "Adil Al-Salmi",
    "youssef-diab-and-mohammed-al-khatib": "Youssef Diab and Mohammed Al-Khatib",
}


@dataclass
class FileOutcome:
    """What happened to one file, for the command's report."""

    path: str
    status: str
    detail: str = ""
    problems: list[str] = field(default_factory=list)
    unread: bool = False  # settled by the stamp an earlier ingest recorded, without reading it


@dataclass
class ParsedFile:
    """A read and parsed page with the ids of the tags it mentions: what ``pages_write`` stores."""

    source: SourceFile
    page: parsing.ParsedPage
    tag_ids: set


# --- Storing parsed pages --------------------------------------------------------------------


def known_pages(hashes):
    """content hash -> (source path, edited by staff), for pages the archive already holds."""
    known = {}
    for chunk in batched(hashes, BATCH):
        rows = Article.objects.filter(content_hash__in=chunk).values_list("content_hash", "source_path", "staff_edited")
        known.update((digest, (path, edited)) for digest, path, edited in rows)
        for model in (MediaItem, ListingPage):
            rows = model.objects.filter(content_hash__in=chunk).values_list("content_hash", "source_path")
            known.update((digest, (path, False)) for digest, path in rows)
    return known


def page_files_unchanged(stamps):
    """path -> (text hash, path of the page holding it, edited by staff), for the files whose
    stamp (size, modification time) is the one recorded when an ingest last read them, and whose
    text a page of the archive still holds: what ``known_pages`` would say of them, unread."""

    def holder(model, column="source_path"):
        held = model.objects.filter(content_hash=OuterRef("content_hash")).order_by()
        return Subquery(held.values(column)[:1])

    # COALESCE stops at the first page found: one look-up for most files, not three.
    files = PageFile.objects.annotate(
        holder_path=Coalesce(holder(Article), holder(MediaItem), holder(ListingPage)),
        edited=holder(Article, "staff_edited"),
    )
    given = {key: path for path, key in file_keys(path for path, stamp in stamps.items() if stamp).items()}
    unchanged = {}
    for chunk in batched(given, BATCH):
        rows = files.filter(path__in=chunk).values_list(
            "path", "size", "modified_ns", "content_hash", "holder_path", "edited"
        )
        for key, size, modified_ns, digest, holder_path, edited in rows:
            path = given[key]
            if (size, modified_ns) == stamps[path] and holder_path:
                unchanged[path] = (digest, holder_path, bool(edited))
    return unchanged


def page_files_record(sources):
    """Record the stamp and text hash of files just read, for ``page_files_unchanged``: under
    their absolute paths, which do not depend on how a run named their folder."""
    read = [s for s in sources if s.stamp]
    keys = file_keys(s.path for s in read)
    rows = {
        keys[s.path]: PageFile(path=keys[s.path], size=s.stamp[0], modified_ns=s.stamp[1], content_hash=s.content_hash)
        for s in read
    }
    # In path order, so that two ingests recording the same files take their locks in one order.
    PageFile.objects.bulk_create(
        [rows[path] for path in sorted(rows)],
        batch_size=BATCH,
        update_conflicts=True,
        unique_fields=["path"],
        update_fields=["size", "modified_ns", "content_hash"],
    )


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
                outcomes.append(writer.listing_store(item))
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
        self.listing_facts_take([a.pk for a in written])
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
            return FileOutcome(path, KEPT, "cut short where the archive holds the complete text; kept")
        return None

    def _fill(self, article, item, photos):
        page, source = item.page, item.source
        hints = page.hints
        article.title = (page.title or first_words(page.body))[:500]
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

    def listing_store(self, item):
        """Store a listing page and its items (replacing those of an earlier version of its
        file), name what it lists, link the items to their articles and give those what the
        items know."""
        page, source = item.page, item.source
        listing, _ = ListingPage.objects.update_or_create(
            source_path=source.path,
            defaults={
                "kind": page.listing_kind or "",
                "title": (page.title or "")[:500],
                "slug": page.hints.listing_slug[:200],
                "page_number": page.hints.listing_page,
                "item_count": min(len(page.items), 32767),
                "content_hash": source.content_hash,
            },
        )
        before = set(listing.items.exclude(article=None).values_list("article_id", flat=True))
        listing.items.all().delete()
        items = ListingItem.objects.bulk_create(
            listing_item(listing, position, i) for position, i in enumerate(page.items)
        )
        self._listed_entity(listing, page)
        listing_items_link(items)
        self.listing_facts_take(before | {i.article_id for i in items if i.article_id})
        return FileOutcome(source.path, LISTING, problems=page.problems)

    def _listed_entity(self, listing, page):
        """The tag, author or section a listing page is of, named by its heading when it has one."""
        if not listing.slug:
            return None
        if listing.kind == ListingPage.Kind.TAG:
            return self._site_tag(listing)
        model = {ListingPage.Kind.AUTHOR: Author, ListingPage.Kind.CATEGORY: Section}.get(listing.kind)
        if model is None:
            return None
        name = page.title
        if not name and model is Author:
            # A headerless author page: its by-lines name the author, when they agree and fit.
            names = {i.author for i in page.items if i.author}
            only = names.pop() if len(names) == 1 else ""
            name = only if only and name_fits_slug(only, listing.slug) else None
        return entity_named(model, listing.slug, name)

    def _site_tag(self, listing):
        """The tag of a tag listing page: by its slug, an alias's slug or its heading, else new.

        A tag made here is not looked for in texts: it is the original site's word, and a name
        such as "February 28" would tag every article that mentions the date.
        """
        key = (Tag, "site", listing.slug)
        if key not in self.named:
            name = (listing.title or listing.slug.replace("-", " ").title())[:200]
            tag = (
                Tag.objects.filter(slug=listing.slug).first()
                or Tag.objects.named_by_alias_slug(listing.slug)
                or Tag.objects.filter(name__iexact=name).first()
                or Tag.objects.create(name=name, slug=listing.slug, tagger_uses=False)
            )
            self.named[key] = tag.pk
        return self.named[key]

    def listing_facts_take(self, article_ids):
        """Give articles what their linked listing items know and they do not.

        Every linked article gets the original site's tags of the tag pages listing it. An
        article no editor changed also gets the by-line's date where its own date came from a
        caption or the Media ID or is unknown, and an author and a section where it has none; a
        name guessed from an address gives way to the by-line's. Return the ids changed.
        """
        changed = set()
        for chunk in batched(sorted(article_ids), BATCH):
            items = ListingItem.objects.filter(article_id__in=chunk).select_related("listing").order_by("id")
            by_article = {}
            for listing_item in items:
                by_article.setdefault(listing_item.article_id, []).append(listing_item)
            articles = Article.objects.filter(pk__in=by_article).select_related("author", "section").defer("body")
            for article in articles:
                if self._site_tags_give(article, by_article[article.pk]):
                    changed.add(article.pk)
                if not article.staff_edited and self._facts_give(article, by_article[article.pk]):
                    changed.add(article.pk)
        derive.articles_rederive(changed)
        return changed

    def _site_tags_give(self, article, items):
        wanted = {self._site_tag(i.listing) for i in items if i.listing.kind == ListingPage.Kind.TAG and i.listing.slug}
        if not wanted:
            return False
        links = ArticleTag.objects.filter(article=article, tag_id__in=wanted)
        have = dict(links.values_list("tag_id", "on_original_site"))
        links.filter(on_original_site=False).update(on_original_site=True)
        new = sorted(wanted - set(have))
        insert_rows(
            ArticleTag,
            ["article", "tag", "sort_date", "on_original_site"],
            [(article.pk, tag_id, article.sort_date, True) for tag_id in new],
        )
        return bool(new) or not all(have.values())

    def _facts_give(self, article, items):
        fields = []
        dates = [i.byline_date for i in items if i.byline_date]
        uncertain = (Article.DateSource.CAPTION, Article.DateSource.MEDIA_ID, Article.DateSource.UNKNOWN)
        if dates and (article.date_source in uncertain or article.date_source == Article.DateSource.BYLINE):
            date = min(dates)
            if (article.published_on, article.date_source) != (date, Article.DateSource.BYLINE):
                article.published_on, article.date_source = date, Article.DateSource.BYLINE
                derive.article_derive(article)
                fields += ["published_on", "date_source", "sort_date"]
        names = [i.author_name for i in items if i.author_name]
        if article.author is None:
            listed_by = [i.listing.slug for i in items if i.listing.kind == ListingPage.Kind.AUTHOR and i.listing.slug]
            if names:
                article.author_id = entity_named(Author, "", names[0], AUTHOR_NAMES)
            elif listed_by:
                article.author_id = entity_named(Author, listed_by[0], None)
            fields += ["author"] if article.author_id else []
        elif article.author.name_is_guess:
            fitting = [name for name in names if name_fits_slug(name, article.author.slug)]
            if fitting:
                entity_named(Author, article.author.slug, fitting[0])
        if article.section is None:
            sections = [name for i in items for name in i.section_names]
            # "Latest News" is where every report passed through; its other section says more.
            sections.sort(key=lambda name: name == "Latest News")
            categories = [
                i.listing.slug for i in items if i.listing.kind == ListingPage.Kind.CATEGORY and i.listing.slug
            ]
            if sections:
                article.section_id = entity_named(Section, "", sections[0], SECTION_NAMES)
            elif categories:
                article.section_id = entity_named(Section, categories[0], None)
            fields += ["section"] if article.section_id else []
        if fields:
            article.save(update_fields=[*fields, "updated_at"])
        return bool(fields)


def listing_item(listing, position, item: parsing.ListingItem):
    """The row of one parsed listing item, with the keys it is matched on."""
    photo = item.media[0] if item.media else None
    return ListingItem(
        listing=listing,
        position=position,
        title=(item.title or "")[:500],
        excerpt=item.excerpt,
        author_name=(item.author or "")[:200],
        byline_date=item.date,
        sections=", ".join(item.sections)[:300],
        media_id=photo.media_id if photo else None,
        caption=" ".join(filter(None, [photo.caption, photo.credit])) if photo else "",
        title_key=matching.title_key(item.title),
        opening_key=matching.opening_key(parsing.excerpt_key(item.excerpt)),
    )


def listing_items_link(items):
    """Link listing items to the articles they announce; return how many were linked.

    An item's title matches an article's (compared by ``parsing.match_key``: case, quotes,
    dashes and accents aside); where several articles share the title, or none has it, its
    excerpt must be the start of the article's text. An item matching more than one article
    stays unlinked. Listings print no addresses, so there is none to match on.
    """
    items = list(items)
    titles = {i.title_key for i in items if i.title_key}
    openings = {i.opening_key for i in items if i.opening_key}
    candidates = {}
    for column, keys in (("title_key", titles), ("opening_key", openings)):
        for chunk in batched(sorted(keys), BATCH):
            for article in Article.objects.filter(**{f"{column}__in": chunk}).only(
                "id", "title_key", "opening_key", "body"
            ):
                candidates[article.pk] = article
    by_title, by_opening, body_keys = {}, {}, {}
    for article in candidates.values():
        by_title.setdefault(article.title_key, []).append(article.pk)
        by_opening.setdefault(article.opening_key, []).append(article.pk)
        body_keys[article.pk] = matching.match_key(article.body)
    linked = []
    for item in items:
        named = by_title.get(item.title_key, []) if item.title_key else []
        begun = [
            pk for pk in by_opening.get(item.opening_key, []) if parsing.excerpt_begins(item.excerpt, body_keys[pk])
        ]
        found = the_one(named, begun)
        if found is not None and item.article_id != found:
            item.article_id = found
            linked.append(item)
    ListingItem.objects.bulk_update(linked, ["article"], batch_size=BATCH)
    return len(linked)


def listing_items_mark():
    """Where a run starts: the last listing item's id and the time, for listing_items_settle."""
    last = ListingItem.objects.order_by("-id").values_list("id", flat=True).first()
    return last or 0, timezone.now()


def listing_items_settle(items_after, articles_since):
    """Link the items and articles of a run that its writes could not see of each other.

    Batches written side by side in worker processes do not see each other's rows before they
    commit, so an item and its article written so are both left unlinked. After the run, the
    unlinked items made since ``items_after`` and those matching articles written since
    ``articles_since`` are linked again. Return how many were linked.
    """
    items = {i.pk: i for i in ListingItem.objects.filter(article=None, pk__gt=items_after)}
    written = Article.objects.filter(updated_at__gte=articles_since).only("id", "title_key", "opening_key")
    for chunk in batched(written.order_by("id").iterator(chunk_size=BATCH), BATCH):
        items.update((i.pk, i) for i in ListingItem.objects.filter(article=None).matching(chunk))
    linked, writer = 0, PageWriter()
    for chunk in batched(sorted(items), BATCH):
        with transaction.atomic():
            found = [items[pk] for pk in chunk]
            linked += listing_items_link(found)
            writer.listing_facts_take({i.article_id for i in found if i.article_id})
    return linked


def listing_only_articles_make():
    """Make an article of each listing item that no article answers, so that what survives of
    it (title, excerpt, by-line, the original site's tags) is read, listed and found; return
    how many were made.

    Items announcing the same article make one: the titled first, then those with only an
    excerpt, which link to them where the excerpt fits. Should the article's own page be
    ingested later, it completes this article in place (``PageWriter._listing_only_found``).
    """
    made, last, writer = 0, 0, PageWriter()
    while True:
        with transaction.atomic():
            chunk = list(ListingItem.objects.filter(article=None, pk__gt=last).select_related("listing")[:BATCH])
            if not chunk:
                return made
            last = chunk[-1].pk
            for titled in (True, False):
                listing_items_link([i for i in chunk if i.article_id is None])
                groups = {}
                for i in chunk:
                    if i.article_id is None and bool(i.title_key) == titled and (i.title_key or i.opening_key):
                        groups.setdefault(i.title_key or parsing.excerpt_key(i.excerpt), []).append(i)
                articles = [_listing_only_article(key, items) for key, items in groups.items()]
                Article.objects.bulk_create(articles, batch_size=BATCH)
                for article, items in zip(articles, groups.values(), strict=True):
                    for i in items:
                        i.article_id = article.pk
                ListingItem.objects.bulk_update([i for g in groups.values() for i in g], ["article"])
                made += len(articles)
                writer.listing_facts_take([a.pk for a in articles])
                derive.articles_rederive([a.pk for a in articles])


def listing_only_fitting(texts):
    """key -> the article known only from listings that the (title key, text) under the key
    completes: the one with that title, else the one whose excerpt begins the text. Listings
    print no addresses, so this is how a page finds what they announced."""
    keys = {key: (title, matching.match_key(text[:BODY_COMPARED])) for key, (title, text) in texts.items()}
    titles = {title for title, _ in keys.values() if title}
    openings = {matching.opening_key(body) for _, body in keys.values()} - {""}
    if not (titles or openings):
        return {}
    candidates = list(
        Article.objects.filter(listing_only=True).filter(Q(title_key__in=titles) | Q(opening_key__in=openings))
    )
    found, taken = {}, set()
    for key, (title, body) in keys.items():
        named = [a for a in candidates if title and a.title_key == title]
        begun = [a for a in candidates if parsing.excerpt_begins(a.body, body)]
        article = the_one(named, begun)
        if article is not None and article.pk not in taken:
            found[key] = article
            taken.add(article.pk)
    return found


def listing_only_absorb(since):
    """Fold into its full article each article known only from listings that another ingest
    made, since ``since``, of a listing whose article this run wrote side by side with it;
    return how many were folded. (Within one run, the page finds it as it is written.)"""
    folded, writer = 0, PageWriter()
    listed = Article.objects.filter(listing_only=True, created_at__gte=since).only("id", "title_key", "body")
    for chunk in batched(listed.order_by("id").iterator(chunk_size=BATCH), BATCH):
        written = Article.objects.filter(listing_only=False, updated_at__gte=since).filter(
            Q(title_key__in={a.title_key for a in chunk}) | Q(opening_key__in={a.opening_key for a in chunk})
        )
        texts = {a.pk: (a.title_key, a.body) for a in written.only("id", "title_key", "body")}
        with transaction.atomic():
            for full_pk, listed_article in listing_only_fitting(texts).items():
                ListingItem.objects.filter(article=listed_article).update(article_id=full_pk)
                listed_article.delete()
                writer.listing_facts_take([full_pk])
                folded += 1
    return folded


def the_one(named, begun):
    """The one article meant by a title and an excerpt, or None: the only one with the title;
    else, of those with it (or, with none, of all), the only one the excerpt begins."""
    if len(named) == 1:
        return named[0]
    fits = [x for x in named if x in begun] if named else begun
    return fits[0] if len(fits) == 1 else None


def _listing_only_article(key, items):
    """The unsaved article of listing items that announce one article no page holds."""
    first = min(items, key=lambda i: (not i.title, -len(i.excerpt), i.pk))
    dateline, _, text = parsing.find_dateline(max((i.excerpt.strip() for i in items), key=len))
    article = Article(
        title=(first.title or first_words(text))[:500],
        body=text,
        dateline=dateline[:200],
        listing_only=True,
        source_path=first.listing.source_path,
        content_hash=hashlib.sha256(f"listing-only\n{key}".encode()).hexdigest(),
        date_source=Article.DateSource.UNKNOWN,
        ingested_at=timezone.now(),
    )
    return derive.article_derive(article, tag_names=[], captions=[])


def entity_named(model, slug, name, known_slugs=None):
    """The id of the author or section with this slug or, without one, this name; made when
    missing. A name given replaces one guessed from an address. ``known_slugs`` maps the
    original site's slugs to names, so that a by-line's name finds its address's slug."""
    if not slug:
        found = model.objects.filter(name__iexact=name).order_by("name_is_guess", "id").first()
        if found is not None:
            return found.pk
        slug = {v: k for k, v in (known_slugs or {}).items()}.get(name) or slugify(name)[:200]
        if not slug:
            return None
    obj, created = model.objects.get_or_create(
        slug=slug, defaults={"name": (name or slug.replace("-", " ").title())[:200], "name_is_guess": not name}
    )
    if not created and name and obj.name_is_guess:
        model.objects.filter(pk=obj.pk).update(name=name[:200], name_is_guess=False)
    return obj.pk


def name_fits_slug(name, slug):
    """Whether a by-line's name can be the author an address slug guessed at ("Ahmed Ibrahim"
    for a-ibrahim2: the same first letter and last word)."""
    words = [w for w in re.sub(r"\d+$", "", slug).split("-") if w]
    compact = slugify(name).replace("-", "")
    return bool(words) and compact.startswith(words[0][0]) and compact.endswith(words[-1])


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


def first_words(text, limit=80):
    """A title for an article whose page had none: its first words."""
    title = ""
    for word in text.split():
        if len(title) + len(word) + 1 > limit:
            return title + "…"
        title = f"{title} {word}".strip()
    return title or "Untitled"
