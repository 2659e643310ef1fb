"""The full-text index: a weighted tsvector with GIN on PostgreSQL, FTS5 on SQLite.

The SQL is frozen here as it was when this migration was written; later changes to search
come as migrations of their own.
"""

from django.db import migrations

POSTGRES_INSTALL = [
    "ALTER TABLE articles_article ADD COLUMN search_vector tsvector",
    """
    CREATE FUNCTION articles_article_search_vector() RETURNS trigger AS $$
    BEGIN
        NEW.search_vector :=
            setweight(to_tsvector('english', coalesce(NEW.title, '')), 'A') ||
            setweight(to_tsvector('english', coalesce(NEW.index_terms, '')), 'B') ||
            setweight(to_tsvector('english', coalesce(NEW.body, '')), 'D');
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
    """
    CREATE VIRTUAL TABLE articles_article_fts USING fts5(
        title, index_terms, body,
        content='articles_article', content_rowid='id',
        tokenize='porter unicode61 remove_diacritics 2'
    )
    """,
    """
    CREATE TRIGGER articles_article_fts_insert AFTER INSERT ON articles_article BEGIN
        INSERT INTO articles_article_fts(rowid, title, index_terms, body)
        VALUES (new.id, new.title, new.index_terms, new.body);
    END
    """,
    """
    CREATE TRIGGER articles_article_fts_delete AFTER DELETE ON articles_article BEGIN
        INSERT INTO articles_article_fts(articles_article_fts, rowid, title, index_terms, body)
        VALUES ('delete', old.id, old.title, old.index_terms, old.body);
    END
    """,
    """
    CREATE TRIGGER articles_article_fts_update AFTER UPDATE OF title, index_terms, body ON articles_article BEGIN
        INSERT INTO articles_article_fts(articles_article_fts, rowid, title, index_terms, body)
        VALUES ('delete', old.id, old.title, old.index_terms, old.body);
        INSERT INTO articles_article_fts(rowid, title, index_terms, body)
        VALUES (new.id, new.title, new.index_terms, new.body);
    END
    """,
    "INSERT INTO articles_article_fts(articles_article_fts) VALUES ('rebuild')",
]
SQLITE_UNINSTALL = [
    "DROP TRIGGER IF EXISTS articles_article_fts_insert",
    "DROP TRIGGER IF EXISTS articles_article_fts_delete",
    "DROP TRIGGER IF EXISTS articles_article_fts_update",
    "DROP TABLE IF EXISTS articles_article_fts",
]


def run(postgres, sqlite):
    def operation(apps, schema_editor):
        statements = postgres if schema_editor.connection.vendor == "postgresql" else sqlite
        for sql in statements:
            schema_editor.execute(sql)

    return operation


class Migration(migrations.Migration):
    dependencies = [("articles", "0001_initial")]

    operations = [
        migrations.RunPython(run(POSTGRES_INSTALL, SQLITE_INSTALL), run(POSTGRES_UNINSTALL, SQLITE_UNINSTALL)),
    ]
