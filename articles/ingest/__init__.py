"""Files -> pages -> rows: what ``manage.py ingest`` runs.

    files.py      find page files on disk and read them as text (pure Python)
    parsing/      the parser, pure: one page's text -> a ParsedPage and its problems
    pipeline.py   the driver: batches, worker processes, refusals, the run's end
    known.py      what the archive holds already (pages by hash, files by stamp)
    writer.py     one batch of parsed pages stored in one transaction
    listings.py   listing pages' items, linked to their articles; articles known only from them
    naming.py     names the pages do not print (sections and authors by slug, titles)
    outcomes.py   what happened to each file, for the operator's report

It writes through ``derive`` and ``changes`` like every writer; nothing here serves a reader.
"""
