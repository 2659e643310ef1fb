"""Insert many plain rows at once: COPY on PostgreSQL, executemany elsewhere.

For the link tables an ingest fills by the ten thousand, building a model instance per row
costs more than the database's own work; rows go in as tuples instead.
"""

from django.db import connection


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
