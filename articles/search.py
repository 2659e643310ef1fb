"""Full-text search: the one module that knows PostgreSQL from SQLite.

Both databases keep their index current by themselves, through triggers on the article table,
so an ingest, an admin edit or a bulk update cannot forget it:

- PostgreSQL: a stored, weighted ``tsvector`` column (title A, tag names and captions B,
  body D) with a GIN index.
- SQLite: an FTS5 table over the same three columns, ranked by BM25 with the same order of
  weights.

The rest of the archive calls the functions at the bottom of this module and never asks
which database it runs on.
"""
from django.db import connection

FTS_TABLE = "articles_article_fts"
SEARCH_CONFIG = "english"

POSTGRES_INSTALL = [
    "ALTER TABLE articles_article ADD COLUMN search_vector tsvector",
    f"""
    CREATE FUNCTION articles_article_search_vector() RETURNS trigger AS $$
    BEGIN
        NEW.search_vector :=
            setweight(to_tsvector('{SEARCH_CONFIG}', coalesce(NEW.title, '')), 'A') ||
            setweight(to_tsvector('{SEARCH_CONFIG}', coalesce(NEW.index_terms, '')), 'B') ||
            setweight(to_tsvector('{SEARCH_CONFIG}', coalesce(NEW.body, '')), 'D');
        RETURN NEW;
    END
    $$ LANGUAGE plpgsql
    """,
    """
    CREATE TRIGGER articles_article_search_vector
    BEFORE INSERT OR UPDATE OF title, index_terms, body ON articles_article
    FOR EACH ROW EXECUTE FUNCTION articles_article_search_vector()
    """,
    # A large pending list makes inserts cheap during a big ingest; it is merged in bulk.
    "CREATE INDEX articles_article_search_idx ON articles_article USING gin (search_vector)"
    " WITH (fastupdate = on, gin_pending_list_limit = 16384)",
]
POSTGRES_UNINSTALL = [
    "DROP INDEX IF EXISTS articles_article_search_idx",
    "DROP TRIGGER IF EXISTS articles_article_search_vector ON articles_article",
    "DROP FUNCTION IF EXISTS articles_article_search_vector()",
    "ALTER TABLE articles_article DROP COLUMN IF EXISTS search_vector",
]

SQLITE_INSTALL = [
    f"""
    CREATE VIRTUAL TABLE {FTS_TABLE} USING fts5(
        title, index_terms, body,
        content='articles_article', content_rowid='id',
        tokenize='porter unicode61 remove_diacritics 2'
    )
    """,
    f"""
    CREATE TRIGGER {FTS_TABLE}_insert AFTER INSERT ON articles_article BEGIN
        INSERT INTO {FTS_TABLE}(rowid, title, index_terms, body)
        VALUES (new.id, new.title, new.index_terms, new.body);
    END
    """,
    f"""
    CREATE TRIGGER {FTS_TABLE}_delete AFTER DELETE ON articles_article BEGIN
        INSERT INTO {FTS_TABLE}({FTS_TABLE}, rowid, title, index_terms, body)
        VALUES ('delete', old.id, old.title, old.index_terms, old.body);
    END
    """,
    f"""
    CREATE TRIGGER {FTS_TABLE}_update AFTER UPDATE OF title, index_terms, body ON articles_article BEGIN
        INSERT INTO {FTS_TABLE}({FTS_TABLE}, rowid, title, index_terms, body)
        VALUES ('delete', old.id, old.title, old.index_terms, old.body);
        INSERT INTO {FTS_TABLE}(rowid, title, index_terms, body)
        VALUES (new.id, new.title, new.index_terms, new.body);
    END
    """,
    f"INSERT INTO {FTS_TABLE}({FTS_TABLE}) VALUES ('rebuild')",
]
SQLITE_UNINSTALL = [
    f"DROP TRIGGER IF EXISTS {FTS_TABLE}_insert",
    f"DROP TRIGGER IF EXISTS {FTS_TABLE}_delete",
    f"DROP TRIGGER IF EXISTS {FTS_TABLE}_update",
    f"DROP TABLE IF EXISTS {FTS_TABLE}",
]


def is_postgres(conn=None):
    return (conn or connection).vendor == "postgresql"


def install_index(schema_editor):
    """Create the search index of the database the migration runs on."""
    statements = POSTGRES_INSTALL if is_postgres(schema_editor.connection) else SQLITE_INSTALL
    for sql in statements:
        schema_editor.execute(sql)


def uninstall_index(schema_editor):
    statements = POSTGRES_UNINSTALL if is_postgres(schema_editor.connection) else SQLITE_UNINSTALL
    for sql in statements:
        schema_editor.execute(sql)
