import sys

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from articles import search


class Command(BaseCommand):
    help = (
        "Build the search index afresh from the database (--rebuild), or apply the changes the "
        "change log holds beyond it (--catch-up). The index is derived: the database is the truth."
    )

    def add_arguments(self, parser):
        action = parser.add_mutually_exclusive_group()
        action.add_argument("--rebuild", action="store_true", help="Index every article and photo afresh.")
        action.add_argument("--catch-up", action="store_true", help="Apply the change log (the default).")
        parser.add_argument("--no-progress", action="store_true", help="Never show the progress bar.")

    def handle(self, *args, **options):
        if options["rebuild"]:
            total = search.documents_total()
            show_bar = not options["no_progress"] and options["verbosity"] >= 1 and sys.stderr.isatty()
            with tqdm(total=total, unit="doc", disable=not show_bar, file=sys.stderr, dynamic_ncols=True) as bar:
                try:
                    added = search.rebuild(progress=bar.update)
                except OSError as error:
                    raise CommandError(f"The search index could not be written: {error}") from error
            self.stdout.write(self.style.SUCCESS(f"Indexed {added:,} articles and photos."))
            return
        try:
            applied = search.catch_up()
        except OSError as error:
            raise CommandError(f"The search index could not be written: {error}") from error
        self.stdout.write(f"Applied {applied:,} changes from the change log.")
