"""bench/corpus.py, the project's own generator of pages: what it writes is read by the ingester
as the site's pages (none refused), of every kind it says, and its listings link their articles."""

import importlib.util
import tempfile
from io import StringIO
from pathlib import Path

from django.core.management import call_command
from django.test import TestCase

from articles.models import Article, ListingItem, ListingPage, MediaItem
from tests.helpers import ROOT


def corpus_module():
    spec = importlib.util.spec_from_file_location("corpus", ROOT / "bench" / "corpus.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


class GeneratedPagesTests(TestCase):
    def test_every_generated_page_is_ingested_as_the_kind_it_was_written_as(self):
        folder = Path(self.enterContext(tempfile.TemporaryDirectory()))
        corpus_module().write(folder, 400, seed=3)
        names = [path.name for path in folder.rglob("*.txt")]
        out = StringIO()
        call_command("ingest", str(folder), stdout=out, stderr=StringIO(), no_progress=True, jobs=1)
        self.assertIn("0 refused", out.getvalue())
        self.assertEqual(ListingPage.objects.count(), sum(name.startswith("tag-") for name in names))
        self.assertEqual(
            MediaItem.objects.exclude(source_path="").count(), sum(name.startswith("other-") for name in names)
        )
        self.assertGreater(Article.objects.filter(listing_only=False).count(), 300)
        linked = ListingItem.objects.exclude(article=None).filter(article__listing_only=False).count()
        self.assertGreater(linked / ListingItem.objects.count(), 0.8, "listings announce generated articles")

    def test_the_same_seed_writes_the_same_pages(self):
        module = corpus_module()
        first, second = (Path(self.enterContext(tempfile.TemporaryDirectory())) for _ in range(2))
        module.write(first, 50, seed=5)
        module.write(second, 50, seed=5)
        read = [{p.relative_to(f): p.read_bytes() for p in f.rglob("*.txt")} for f in (first, second)]
        self.assertEqual(read[0], read[1])
