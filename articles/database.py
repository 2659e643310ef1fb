"""What the archive asks of the database itself, below the ORM: many plain rows inserted at
once, writers of one kind taking turns, and the planner's statistics after a large write.

For the link tables an ingest fills by the ten thousand, building a model instance per row
costs more than the database's own work; rows go in as tuples instead (COPY on PostgreSQL,
executemany elsewhere). Table names come from the models' ``_meta``.
"""

import hashlib

from django.db import connection

from .models import Article, ArticleMedia, ArticleTag, MediaItem, PageFile

# Rows per IN (...) list or bulk statement: well under SQLite's limit on parameters, and one
# round trip each.
BATCH = 1000
# The tables whose statistics list pages, counts and related articles are planned by.
ANALYZED_MODELS = (Article, ArticleTag, ArticleMedia, MediaItem, PageFile)


def batched(items, size=BATCH):
    """Tuples of at most ``size`` items (itertools.batched arrives with Python 3.12)."""
    items = list(items)
    for start in range(0, len(items), size):
        yield tuple(items[start : start + size])


def insert_rows(model, fields, rows):
    """Insert tuples of values for ``fields`` (field names) into ``model``'s table."""
    if not rows:
        return
    quote = connection.ops.quote_name
    table = quote(model._meta.db_table)
    columns = ", ".join(quote(model._meta.get_field(name).column) for name in fields)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
        else:
            marks = ", ".join(["%s"] * len(fields))
            cursor.executemany(f"INSERT INTO {table} ({columns}) VALUES ({marks})", rows)


def take_turns(name):
    """Serialise a transaction with any other running the same ``name`` (PostgreSQL; SQLite
    serialises every writing transaction already)."""
    if connection.vendor == "postgresql":
        key = int.from_bytes(hashlib.sha256(name.encode()).digest()[:8], "big", signed=True)
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [key])


def analyze(*models, vacuum=True):
    """Refresh the planner's statistics of ``models``' tables (all of ANALYZED_MODELS when none
    is named) and, on PostgreSQL outside a transaction, vacuum them unless told not to: the
    vacuum marks the new rows' pages as visible to all, so that list pages and related articles
    read their indexes alone ("index-only" scans). Inside a caller's transaction, where
    PostgreSQL cannot vacuum, it only analyzes; SQLite analyzes the tables named, or the file."""
    named = [connection.ops.quote_name(model._meta.db_table) for model in models]
    tables = named or [connection.ops.quote_name(model._meta.db_table) for model in ANALYZED_MODELS]
    with connection.cursor() as cursor:
        if connection.vendor != "postgresql":
            for statement in [f"ANALYZE {table}" for table in named] or ["ANALYZE"]:
                cursor.execute(statement)
        elif connection.in_atomic_block or not vacuum:
            cursor.execute(f"ANALYZE {', '.join(tables)}")
        else:
            cursor.execute(f"VACUUM (ANALYZE) {', '.join(tables)}")
