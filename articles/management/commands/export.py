import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from articles import exporting
from articles.records import MODELS


class Command(BaseCommand):
    help = (
        "Write the whole archive to a folder: articles (with their photos, tags and provenance), photos, tags, "
        "sections and authors, one file each in JSON Lines or CSV, with manifest.json (records, bytes and "
        "SHA-256 of each file) and SHA256SUMS (check with `sha256sum -c SHA256SUMS` in the folder)."
    )

    def add_arguments(self, parser):
        parser.add_argument("folder", help="Where to write the files; created if missing.")
        parser.add_argument("--format", choices=sorted(exporting.FORMATS), default="jsonl", help="Default: jsonl.")
        parser.add_argument("--no-progress", action="store_true", help="Never show the progress bar.")

    def handle(self, *args, folder, **options):
        total = sum(model.objects.count() for model in MODELS.values())
        show_bar = not options["no_progress"] and options["verbosity"] >= 1 and sys.stderr.isatty()
        with tqdm(total=total, unit="record", disable=not show_bar, file=sys.stderr, dynamic_ncols=True) as bar:
            try:
                manifest = exporting.archive_write(Path(folder), options["format"], bar.update)
            except OSError as error:
                raise CommandError(f"The export could not be written: {error}") from error
        if options["verbosity"] >= 1:
            for entry in manifest["files"]:
                self.stdout.write(f"{entry['name']}: {entry['records']:,} records, {entry['bytes']:,} bytes")
        self.stdout.write(self.style.SUCCESS(f"Exported the archive to {folder} (manifest.json, SHA256SUMS)."))
