"""What the original site's listing pages tell: their items, linked to the articles they
announce, and what those articles take from them (a by-line's date, author and section, the
site's tags); and the articles known only from listings, made of the items no page answers.

Listings print no addresses: an item is matched to its article by its title, else by its
excerpt beginning the article's text (``matching``); an item that fits several stays unlinked.
"""

from __future__ import annotations

import hashlib

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.text import slugify

from .. import derive, matching
from ..database import BATCH, batched, insert_rows
from ..models import Article, ArticleTag, Author, ListingItem, ListingPage, Section, Tag
from . import parsing
from .naming import AUTHOR_NAMES, SECTION_NAMES, entity_named, name_fits_slug, title_made
from .outcomes import LISTING, FileOutcome

# How much of an article's text is compared with a listing's excerpt, which is far shorter.
BODY_COMPARED = 4000


class ListingWriter:
    """Writes listing pages and gives linked articles what their items know. It keeps the ids
    of the tags, sections and authors it named, so that a batch looks each one up once."""

    def __init__(self):
        self.named: dict[tuple, int] = {}

    def store(self, item):
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
        self.facts_take(before | {i.article_id for i in items if i.article_id})
        return FileOutcome(source.path, LISTING, problems=page.problems, items=len(page.items))

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

    def facts_take(self, article_ids):
        """Give articles what their linked listing items know and they do not.

        Every linked article gets the original site's tags of the tag pages listing it. An
        article no editor changed also gets a listing's title where the archive supplied its own,
        the by-line's date where its own date came from a caption or the Media ID or is unknown,
        and an author and a section where it has none; a name guessed from an address gives way
        to the by-line's. Return the ids changed.
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
                if not article.staff_edited and self._title_give(article, by_article[article.pk]):
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

    def _title_give(self, article, items):
        """A listing's title in place of one the archive supplied (the first item's to print one)."""
        titles = [i.title for i in items if i.title]
        if not (article.title_is_derived and titles):
            return False
        article.title, article.title_is_derived = titles[0], False
        article.slug = slugify(article.title)[:255] or "article"
        derive.article_derive(article)
        article.save(update_fields=["title", "title_is_derived", "slug", "title_key", "updated_at"])
        return True

    def _facts_give(self, article, items):
        fields = []
        dates = [i.byline_date for i in items if i.byline_date]
        uncertain = (Article.DateSource.CAPTION, Article.DateSource.MEDIA_ID, Article.DateSource.UNKNOWN)
        if dates and (article.date_source in uncertain or article.date_source == Article.DateSource.BYLINE):
            date = min(dates)
            if (article.published_on, article.date_source) != (date, Article.DateSource.BYLINE):
                article.published_on, article.date_source = date, Article.DateSource.BYLINE
                derive.article_derive(article)
                fields += ["published_on", "date_source", "sort_date", "oldest_key"]
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

    An item's title matches an article's (compared by ``matching.match_key``: case, quotes,
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
    linked, writer = 0, ListingWriter()
    for chunk in batched(sorted(items), BATCH):
        with transaction.atomic():
            found = [items[pk] for pk in chunk]
            linked += listing_items_link(found)
            writer.facts_take({i.article_id for i in found if i.article_id})
    return linked


def listing_only_articles_make():
    """Make an article of each listing item that no article answers, so that what survives of
    it (title, excerpt, by-line, the original site's tags) is read, listed and found; return
    how many were made.

    Items announcing the same article make one: the titled first, then those with only an
    excerpt, which link to them where the excerpt fits. Should the article's own page be
    ingested later, it completes this article in place (``PageWriter._listing_only_found``).
    """
    made, last, writer = 0, 0, ListingWriter()
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
                writer.facts_take([a.pk for a in articles])
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
    folded, writer = 0, ListingWriter()
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
                writer.facts_take([full_pk])
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
        title=(first.title or title_made(text))[:500],
        title_is_derived=not first.title,
        body=text,
        dateline=dateline[:200],
        listing_only=True,
        source_path=first.listing.source_path,
        content_hash=hashlib.sha256(f"listing-only\n{key}".encode()).hexdigest(),
        date_source=Article.DateSource.UNKNOWN,
        ingested_at=timezone.now(),
    )
    return derive.article_derive(article, tag_names=[], captions=[])
