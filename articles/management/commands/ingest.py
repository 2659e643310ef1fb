import os
import sys
from contextlib import contextmanager
from functools import partial

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from articles.ingest.files import walk
from articles.ingest.outcomes import (
    CREATED,
    CUT_SHORT,
    DUPLICATE,
    KEPT,
    LISTING,
    PHOTO_PAGE,
    REFUSED,
    SKIPPED,
    UNCHANGED,
    UPDATED,
)
from articles.ingest.pipeline import Ingester, IngestSummary

SUMMARY_ORDER = [
    (CREATED, "created"),
    (UPDATED, "updated"),
    (UNCHANGED, "unchanged"),
    (DUPLICATE, "duplicate copies"),
    (KEPT, "kept staff edits"),
    (CUT_SHORT, "cut short (complete texts kept)"),
    (LISTING, "listings"),
    (PHOTO_PAGE, "photo pages"),
    (REFUSED, "refused"),
    (SKIPPED, "skipped (not .txt)"),
]

# How much lower than a server's the ingest's CPU priority is: a reader's page waits on the
# server's share of the CPU, a file on the ingest's.
NICENESS = 10


class Command(BaseCommand):
    help = (
        "Ingest scraped page files (and folders of them, recursively) into the archive. "
        "Re-running over unchanged files writes nothing; articles edited by staff are kept."
    )

    def add_arguments(self, parser):
        parser.add_argument("paths", nargs="+", help="Page files (.txt) or folders holding them.")
        parser.add_argument("--dry-run", action="store_true", help="Parse and report, but write nothing.")
        parser.add_argument(
            "--force",
            action="store_true",
            help="Read every file, even one unchanged since it was read, and overwrite articles edited by staff.",
        )
        parser.add_argument("--batch-size", type=int, default=500, help="Files written per transaction (default 500).")
        parser.add_argument(
            "--jobs", type=int, default=None, help="Processes that parse pages (default: up to 2 cores)."
        )
        parser.add_argument("--no-progress", action="store_true", help="Never show the progress bar.")
        parser.add_argument(
            "--nice",
            type=int,
            default=NICENESS,
            help=f"Lower the ingest's CPU priority by this much, 0 to 19 (default {NICENESS}), so that a server "
            "on the same machine answers readers first; 0 runs it at full priority. Alone on a machine, "
            "an ingest runs as fast either way.",
        )

    def handle(self, *args, **options):
        paths = options["paths"]
        if options["batch_size"] < 1:
            raise CommandError("--batch-size must be at least 1.")
        if not 0 <= options["nice"] <= 19:
            raise CommandError("--nice must be from 0 to 19.")
        if options["nice"] and self._called_from_command_line and hasattr(os, "nice"):
            # Run as a program, it and its worker processes give way; called from code
            # (call_command), the caller's process keeps its priority.
            os.nice(options["nice"])
        verbosity = options["verbosity"]
        show_bar = not options["no_progress"] and verbosity >= 1 and sys.stderr.isatty()
        ingester = Ingester(
            dry_run=options["dry_run"],
            force=options["force"],
            batch_size=options["batch_size"],
            jobs=options["jobs"],
            index_progress=partial(self._index_bar, show_bar=show_bar),
        )
        total = sum(1 for kind, _ in walk(paths) if kind != "skipped") if show_bar else None
        summary = IngestSummary()
        with tqdm(total=total, unit="file", disable=not show_bar, file=sys.stderr, dynamic_ncols=True) as bar:
            for outcome in ingester.run(paths):
                summary.add(outcome)
                if outcome.status != SKIPPED:
                    bar.update()
                for line, style in self._lines(outcome, verbosity):
                    bar.write(style(line), file=self.stdout._out)
        self._summary(summary, options["dry_run"])
        if ingester.listing_only_made:
            self.stdout.write(
                f"{ingester.listing_only_made:,} articles known only from listings were added: "
                "their full pages are not in the archive."
            )
        if ingester.index_error is not None:
            raise CommandError(
                f"The search index could not be written ({ingester.index_error}): the pages are stored, and "
                "`manage.py search_index --catch-up` brings the index up to date once it can be written."
            )
        if summary.counts[REFUSED]:
            raise CommandError(f"{summary.counts[REFUSED]} file(s) were refused; see the lines above.")

    @contextmanager
    def _index_bar(self, total, show_bar):
        self.stdout.write(f"Building the search index of {total:,} articles and photos.")
        with tqdm(total=total, unit="doc", disable=not show_bar, file=sys.stderr, dynamic_ncols=True) as bar:
            yield bar.update

    def _lines(self, outcome, verbosity):
        if outcome.status == REFUSED:
            yield f"refused {outcome.path}: {outcome.detail}", self.style.ERROR
        elif outcome.status in (SKIPPED, CUT_SHORT) and verbosity >= 1:
            yield f"{outcome.status} {outcome.path}: {outcome.detail}", self.style.NOTICE
        elif verbosity >= 2:
            detail = f": {outcome.detail}" if outcome.detail else ""
            yield f"{outcome.status} {outcome.path}{detail}", str
        if verbosity >= 1:
            for problem in outcome.problems:
                yield f"problem {outcome.path}: {problem}", self.style.WARNING

    def _summary(self, summary, dry_run):
        counts = summary.counts
        seen = summary.seen - counts[SKIPPED]
        rate = seen / summary.elapsed if summary.elapsed else 0
        parts = [
            f"{counts[key]:,} {label}"
            for key, label in SUMMARY_ORDER
            if counts[key] or key in (CREATED, UPDATED, UNCHANGED, REFUSED)
        ]
        prefix = "Dry run, nothing written. " if dry_run else ""
        self.stdout.write(
            f"{prefix}Files seen: {seen:,}: "
            + ", ".join(parts)
            + f". Took {summary.elapsed:.1f} s ({rate:,.0f} files/s)."
        )
        if summary.by_kind():
            self.stdout.write(summary.by_kind())
        if seen and counts[UNCHANGED] + counts[DUPLICATE] + counts[KEPT] + counts[CUT_SHORT] == seen and not dry_run:
            self.stdout.write("Nothing to write: every file is already in the archive.")
