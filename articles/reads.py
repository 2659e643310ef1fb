"""Every read written as SQL, behind functions that check what they are given.

The readers' pages run these on every first visit: an article with its section and author, its
tags, photos and neighbours, a page of a list, a search's captions. Django's ORM took longer to
build such a query than the database took to answer it, and ``raw()`` works out again, for
every query, which column is which field; here each query's text is built once from the
models' ``_meta`` (never a table name typed out), and the plan for its columns is kept
(``read``). The figures are in docs/performance.md.

What the ORM guarded and SQL does not is guarded here: an id that is no integer a database
holds (an address of 2**64, say) reads nothing, rather than overflow the driver.
"""

from __future__ import annotations

import json
from functools import lru_cache
from typing import NamedTuple

from django.core.exceptions import FieldDoesNotExist
from django.db import connection, connections, router

from .models import (
    LISTING_FIELDS,
    OPENING_LENGTH,
    SEARCH_ONLY_FIELDS,
    Article,
    ArticleMedia,
    ArticleTag,
    MediaItem,
    SearchChange,
    Tag,
)

# The ids a table can hold: BigAutoField's range, from 1.
IDS = range(1, 2**63)
BYLINE = ("section", "author")  # what an article's page shows of its own with it


def valid_ids(ids):
    """The ids a table can hold, of those given (anything else names no row)."""
    return [pk for pk in ids if isinstance(pk, int) and not isinstance(pk, bool) and pk in IDS]


# --- Rows as model instances ------------------------------------------------------------------


class RowPlan(NamedTuple):
    positions: tuple  # the column of each field read, in the model's order of fields
    names: tuple  # those fields' attribute names
    extras: tuple  # (column, name) of the columns that are not the model's fields
    converters: tuple  # (column, expression, functions) of the columns the database converts


@lru_cache(maxsize=64)
def plan(model, columns, connection):
    """How the columns named ``columns`` become an instance of ``model`` on ``connection``."""
    by_column = {field.column: field for field in model._meta.concrete_fields}
    if model._meta.pk.column not in columns:
        raise FieldDoesNotExist(f"A query for {model.__name__} rows must read its primary key.")
    read = [field for field in model._meta.concrete_fields if field.column in columns]
    converters = []
    for index, column in enumerate(columns):
        if column in by_column:
            expression = by_column[column].get_col(model._meta.db_table)
            found = connection.ops.get_db_converters(expression) + expression.get_db_converters(connection)
            if found:
                converters.append((index, expression, tuple(found)))
    return RowPlan(
        positions=tuple(columns.index(field.column) for field in read),
        names=tuple(field.attname for field in read),
        extras=tuple((index, column) for index, column in enumerate(columns) if column not in by_column),
        converters=tuple(converters),
    )


def read(model, sql, params):
    """The rows of ``sql`` as instances of ``model``, from the database the router reads it from:
    a column named as one of its fields fills that field, any other becomes an attribute."""
    alias = router.db_for_read(model)
    connection = connections[alias]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        columns = tuple(column[0] for column in cursor.description)
        rows = cursor.fetchall()
    how = plan(model, columns, connection)
    instances = []
    for row in rows:
        if how.converters:
            row = list(row)
            for index, expression, functions in how.converters:
                for convert in functions:
                    row[index] = convert(row[index], expression, connection)
        instance = model.from_db(alias, how.names, [row[index] for index in how.positions])
        for index, name in how.extras:
            setattr(instance, name, row[index])
        instances.append(instance)
    return instances


def by_id(model, ids, fields=None):
    """pk -> instance of ``model`` for ``ids``, each read with ``fields`` alone (all its own
    fields when None, the rest left deferred): ``in_bulk`` in one query."""
    ids = valid_ids(ids)
    if not ids:
        return {}
    return {row.pk: row for row in read(model, _by_id_sql(model, tuple(fields or ()), len(ids)), ids)}


@lru_cache(maxsize=64)
def _by_id_sql(model, fields, count):
    meta = model._meta
    read = [meta.pk, *(meta.get_field(name) for name in fields)] if fields else meta.concrete_fields
    columns = ", ".join(f'"{field.column}"' for field in dict.fromkeys(read))
    return f'SELECT {columns} FROM "{meta.db_table}" WHERE "{meta.pk.column}" IN ({_marks(count)})'


def _marks(count):
    return ", ".join(["%s"] * count)


def _table(model):
    return f'"{model._meta.db_table}"'


def _column(model, name):
    return f'"{model._meta.get_field(name).column}"'


# --- An article's page ------------------------------------------------------------------------


def article(pk):
    """Article ``pk`` as its page shows it, with its section and author, or None."""
    if not valid_ids([pk]):
        return None
    found = read(Article, _shown_sql(), [pk])
    if not found:
        return None
    _attach_byline(found[0], dict.fromkeys(BYLINE))
    return found[0]


def neighbours(article):
    """(newer, older): the articles next to ``article`` in date order among all articles, or
    None, in one query of two seeks on the date index."""
    key = [article.sort_date, article.id]
    newer = older = None
    for row in read(Article, _neighbours_sql(), key + key):
        if (row.sort_date, row.id) > (article.sort_date, article.id):
            newer = row
        else:
            older = row
    return newer, older


@lru_cache(maxsize=1)
def _neighbours_sql():
    columns = ", ".join(_column(Article, name) for name in ("id", "slug", "title", "sort_date"))
    date, pk = _column(Article, "sort_date"), _column(Article, "id")
    seeks = [
        f"SELECT * FROM (SELECT {columns} FROM {_table(Article)} WHERE ({date}, {pk}) {op} (%s, %s)"
        f" ORDER BY {date} {direction}, {pk} {direction} LIMIT 1) AS {name}"
        for name, op, direction in (("newer", ">", "ASC"), ("older", "<", "DESC"))
    ]
    return " UNION ALL ".join(seeks)


def tags_of(article):
    """``article``'s tags by name, each with ``on_original_site`` from its link."""
    return read(Tag, _tags_sql(), [article.pk])


@lru_cache(maxsize=1)
def _tags_sql():
    link = ArticleTag
    return (
        f"SELECT t.*, l.{_column(link, 'on_original_site')} FROM {_table(link)} l"
        f" JOIN {_table(Tag)} t ON t.{_column(Tag, 'id')} = l.{_column(link, 'tag')}"
        f" WHERE l.{_column(link, 'article')} = %s ORDER BY t.{_column(Tag, 'name')}, t.{_column(Tag, 'id')}"
    )


def photos_of(article):
    """``article``'s photos in the order its page had them (their position)."""
    if not article.photo_count:
        return []
    return read(MediaItem, _photos_sql(), [article.pk])


@lru_cache(maxsize=1)
def _photos_sql():
    link = ArticleMedia
    return (
        f"SELECT m.* FROM {_table(link)} l JOIN {_table(MediaItem)} m ON m.{_column(MediaItem, 'id')} ="
        f" l.{_column(link, 'media')} WHERE l.{_column(link, 'article')} = %s"
        f" ORDER BY l.{_column(link, 'position')}, l.{_column(link, 'id')}"
    )


def related_to(article, tags, limit=5, per_tag=20):
    """Articles sharing the most tags with ``article``, in one bounded query.

    Candidates are the articles nearest in date within each of the article's three rarest
    tags (rare tags say more than "Syria"); they are ranked by how many tags they share, on
    the tag links alone (they carry their article's date), so that only the chosen few
    articles are read.
    """
    rare = sorted((t for t in tags if t.article_count > 1), key=lambda t: t.article_count)[:3]
    if not rare:
        return []
    params = []
    for tag in rare:
        params += [tag.pk, article.sort_date, per_tag] * 2
    return read(Article, _related_sql(len(rare)), [*params, article.pk, limit])


@lru_cache(maxsize=4)
def _related_sql(tags):
    link = ArticleTag
    linked, date, tag = _column(link, "article"), _column(link, "sort_date"), _column(link, "tag")
    parts = [
        f"SELECT * FROM (SELECT {linked}, {date} FROM {_table(link)} WHERE {tag} = %s AND {date} {op} %s"
        f" ORDER BY {date} {direction} LIMIT %s) AS near{number * 2 + side}"
        for number in range(tags)
        for side, (op, direction) in enumerate((("<=", "DESC"), (">", "ASC")))
    ]
    columns = ", ".join(f"a.{_column(Article, name)}" for name in ("id", "title", "slug", "published_on"))
    columns += f", a.{_column(Article, 'date_source')}, a.{_column(Article, 'sort_date')}"
    return (
        f"SELECT {columns}, c.shared FROM"
        f" (SELECT {linked}, {date}, count(*) AS shared"
        f" FROM ({' UNION ALL '.join(parts)}) u WHERE {linked} <> %s GROUP BY {linked}, {date}"
        f" ORDER BY shared DESC, {date} DESC, {linked} DESC LIMIT %s) c"
        f" JOIN {_table(Article)} a ON a.{_column(Article, 'id')} = c.{linked}"
        f" ORDER BY c.shared DESC, c.{date} DESC, a.{_column(Article, 'id')} DESC"
    )


# --- Lists --------------------------------------------------------------------------------------


def listed(ids, *fields):
    """id -> article for ``ids`` (a page of them), read as ``ArticleQuerySet.for_listing(*fields)``
    reads them, in one query."""
    ids = valid_ids(ids)
    if not ids:
        return {}
    found = read(Article, _listed_sql(tuple(fields), len(ids)), ids)
    byline = _listing_byline()
    for row in found:
        _attach_byline(row, byline)
    return {row.pk: row for row in found}


def _byline_fields(model, listed):
    """The fields of a section or author read with an article: all, or its key and ``listed``."""
    if listed is None:
        return model._meta.concrete_fields
    return [f for f in model._meta.concrete_fields if f.primary_key or f.name in listed]


def _article_sql(own, byline, extra, where):
    """SELECT of articles with their section and author joined: the article's fields ``own``
    and ``extra`` columns, each by-line's fields as ``byline`` names them (``_byline_fields``),
    named "section__name" and so on for ``_attach_byline``."""
    columns = [f"a.{_column(Article, name)}" for name in own] + list(extra)
    joins = []
    for name in BYLINE:
        field = Article._meta.get_field(name)
        model = field.related_model
        columns += [f'{name}_t."{f.column}" AS "{name}__{f.attname}"' for f in _byline_fields(model, byline[name])]
        on = f'{name}_t."{model._meta.pk.column}" = a."{field.column}"'
        joins.append(f"LEFT JOIN {_table(model)} {name}_t ON {on}")
    return f"SELECT {', '.join(columns)} FROM {_table(Article)} a {' '.join(joins)} WHERE {where}"


@lru_cache(maxsize=1)
def _shown_sql():
    """The article with its section and author (see ``article``), built once."""
    own = [f.name for f in Article._meta.concrete_fields if f.attname not in SEARCH_ONLY_FIELDS]
    return _article_sql(own, dict.fromkeys(BYLINE), [], f"a.{_column(Article, 'id')} = %s")


@lru_cache(maxsize=1)
def _listing_byline():
    """entity -> the fields of it that LISTING_FIELDS names ("section__name" ...), built once."""
    byline = {name: [] for name in BYLINE}
    for name in LISTING_FIELDS:
        if "__" in name:
            entity, field = name.split("__")
            byline[entity].append(field)
    return byline


@lru_cache(maxsize=64)
def _listed_sql(fields, count):
    """``count`` articles by id as a list shows them (see ``listed``)."""
    own = [name for name in LISTING_FIELDS if "__" not in name] + [*BYLINE, *fields]
    opening = f'substr(a.{_column(Article, "body")}, 1, {OPENING_LENGTH}) AS "opening"'
    where = f"a.{_column(Article, 'id')} IN ({_marks(count)})"
    return _article_sql(own, _listing_byline(), [opening], where)


def _attach_byline(article, byline):
    """Set the section and author read with ``article`` (columns "section__id" ...) as its own."""
    for name in BYLINE:
        field = Article._meta.get_field(name)
        model = field.related_model
        read_fields = [(f, article.__dict__.pop(f"{name}__{f.attname}")) for f in _byline_fields(model, byline[name])]
        if getattr(article, field.attname) is None:
            field.set_cached_value(article, None)
        else:
            # to_python: SQLite's 0 and 1 as booleans.
            values = [column.to_python(value) for column, value in read_fields]
            names = [column.attname for column, _ in read_fields]
            field.set_cached_value(article, model.from_db(article._state.db, names, values))


# --- Search ---------------------------------------------------------------------------------------


def photo_captions(article_ids):
    """article id -> its photos' captions and credits, in their order."""
    ids = valid_ids(article_ids)
    captions = {}
    if ids:
        for photo in read(ArticleMedia, _captions_sql(len(ids)), ids):
            captions.setdefault(photo.article_id, []).append(f"{photo.caption} {photo.credit}".strip())
    return captions


@lru_cache(maxsize=32)
def _captions_sql(count):
    link = ArticleMedia
    return (
        f"SELECT l.{_column(link, 'id')}, l.{_column(link, 'article')},"
        f" p.{_column(MediaItem, 'caption')}, p.{_column(MediaItem, 'credit')} FROM {_table(link)} l"
        f" JOIN {_table(MediaItem)} p ON p.{_column(MediaItem, 'id')} = l.{_column(link, 'media')}"
        f" WHERE l.{_column(link, 'article')} IN ({_marks(count)})"
        f" ORDER BY l.{_column(link, 'position')}, l.{_column(link, 'id')}"
    )


def change_log_head():
    """(id, created_at) of the search change log's last row, or None when it is empty: every
    search reads it."""
    found = read(SearchChange, _log_head_sql(), [])
    return (found[0].pk, found[0].created_at) if found else None


@lru_cache(maxsize=1)
def _log_head_sql():
    pk = _column(SearchChange, "id")
    return f"SELECT {pk}, {_column(SearchChange, 'created_at')} FROM {_table(SearchChange)} ORDER BY {pk} DESC LIMIT 1"


def among(queryset, ids):
    """``queryset`` narrowed to rows of ``ids``, however many: one array (PostgreSQL) or JSON
    list (SQLite) parameter, where ``pk__in`` would pass one parameter each and meet SQLite's
    limit on them (a search's matches can number hundreds of thousands)."""
    ids = valid_ids(ids)
    if not ids:
        return queryset.none()
    meta = queryset.model._meta
    column = f'"{meta.db_table}"."{meta.pk.column}"'
    if connection.vendor == "postgresql":
        return queryset.extra(where=[f"{column} = ANY(%s)"], params=[ids])
    return queryset.extra(where=[f"{column} IN (SELECT value FROM json_each(%s))"], params=[json.dumps(ids)])
