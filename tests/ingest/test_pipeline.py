"""`manage.py ingest`: what it writes, what it refuses, and that re-running is safe."""

import codecs
import contextlib
import os
import shutil
import tempfile
import threading
import time
from io import StringIO
from pathlib import Path
from unittest import mock, skipUnless

from django.core.management import CommandError, call_command
from django.db import connection
from django.test import TestCase, TransactionTestCase

from articles import counts, database, search
from articles.ingest import pipeline as ingesting
from articles.models import Article, ArticleTag, ListingPage, MediaItem, PageFile, Tag
from tests.helpers import DATA, ROOT, PageFolderMixin, article_make, ingest

SEED = ROOT / "seeds" / "000_cf8551d73f26d5b1.txt"


def seed_variants(case, count, words="Group {} of"):
    """``count`` pages in ``case.folder``, each the seed with its first words made its own."""
    text = SEED.read_text(encoding="utf-8")
    for i in range(count):
        case.page(f"p{i}.txt", text.replace("Dozens of", words.format(i)))


class SeedIngestTests(PageFolderMixin, TestCase):
    def test_seed_becomes_one_complete_article(self):
        output = ingest(SEED)
        self.assertIn("1 created", output)
        article = Article.objects.get()
        self.assertEqual(article.title, "U.S.-led Jets Kill Dozens of Syrian Soldiers")
        self.assertEqual(article.dateline, "Beirut, Washington")
        self.assertTrue(article.body.startswith("Dozens of regime forces soldiers were killed"))
        self.assertNotIn("Media ID", article.body)
        self.assertNotIn("Sputnik", article.body)
        self.assertEqual(str(article.published_on), "2016-09-05")
        self.assertEqual(article.date_source, Article.DateSource.CAPTION)
        self.assertFalse(article.is_truncated)
        media = article.media.get()
        self.assertEqual(media.media_id, 55358541)
        self.assertTrue(media.caption.startswith("Russian President Vladimir Putin (L) meets"))
        self.assertEqual(media.credit, "Sputnik/Kremlin/Alexei Druzhinin/via REUTERS")
        self.assertEqual(media.agency, MediaItem.Agency.REUTERS)
        tags = set(article.tags.values_list("name", flat=True))
        self.assertLessEqual({"Syria", "Russia", "United States", "ISIS"}, tags)
        self.assertEqual(Tag.objects.get(name="Syria").article_count, 1)

    def test_counts_follow_articles_that_go(self):
        from articles.counts import refresh as counts_refresh
        from articles.models import ArchiveMonth

        ingest(SEED)
        Article.objects.all().delete()
        counts_refresh()
        self.assertEqual(Tag.objects.get(name="Syria").article_count, 0)
        self.assertFalse(ArchiveMonth.objects.exists())

    def test_samples_land_as_articles_listings_and_photo_pages(self):
        samples = [p for p in DATA.glob("*.txt") if p.name.startswith(("article-", "category-", "tag-", "other-"))]
        if not samples:
            self.skipTest("no sample pages in tests/data")
        ingest(*samples)
        self.assertFalse(Article.objects.filter(title__in=["Opinion", "Jihan Port"]).exists())
        self.assertTrue(ListingPage.objects.filter(kind="category", title="Opinion").exists())
        self.assertTrue(MediaItem.objects.filter(title="Kirkuk fighting", agency="Reuters").exists())
        lebanon = Article.objects.get(title="Syria: Violence flares along border with Lebanon")
        self.assertTrue(lebanon.is_truncated)
        self.assertEqual(lebanon.section.slug, "news-middle-east")
        self.assertEqual(lebanon.author.slug, "theaawsat")
        self.assertEqual(list(lebanon.media.values_list("media_id", flat=True)), [55326450])


class PriorityTests(TransactionTestCase):
    """Run as a program, an ingest gives way to a server on the same machine."""

    def run_program(self, *args):
        from articles.management.commands.ingest import Command

        with mock.patch("os.nice") as nice, contextlib.redirect_stdout(StringIO()):
            Command(stdout=StringIO(), stderr=StringIO()).run_from_argv(
                ["manage.py", "ingest", str(SEED), "--no-progress", *args]
            )
        return nice

    def test_the_program_lowers_its_priority_by_ten_or_as_told(self):
        self.run_program().assert_called_once_with(10)
        self.run_program("--nice", "3").assert_called_once_with(3)
        self.run_program("--nice", "0").assert_not_called()
        self.assertEqual(Article.objects.count(), 1)

    def test_called_from_code_it_leaves_the_callers_priority(self):
        with mock.patch("os.nice") as nice:
            ingest(SEED)
        nice.assert_not_called()

    def test_a_niceness_out_of_range_is_refused(self):
        with self.assertRaisesMessage(CommandError, "--nice must be from 0 to 19."):
            call_command("ingest", str(SEED), nice=20, stdout=StringIO())


class IdempotenceTests(PageFolderMixin, TestCase):
    def test_reingest_of_unchanged_file_writes_nothing(self):
        path = self.page("a.txt", SEED.read_text(encoding="utf-8"))
        ingest(path)
        before = Article.objects.get()
        output = ingest(path)
        self.assertIn("1 unchanged", output)
        self.assertIn("Nothing to write", output)
        after = Article.objects.get()
        self.assertEqual(after.updated_at, before.updated_at)
        self.assertEqual(ArticleTag.objects.count(), before.tags.count())

    def test_changed_file_updates_its_article(self):
        path = self.page("a.txt", SEED.read_text(encoding="utf-8"))
        ingest(path)
        path.write_text(SEED.read_text(encoding="utf-8").replace("Dozens of", "Scores of"), encoding="utf-8")
        output = ingest(path)
        self.assertIn("1 updated", output)
        article = Article.objects.get()
        self.assertTrue(article.body.startswith("Scores of regime forces"))
        self.assertEqual(article.media.count(), 1)

    def test_copies_and_bom_variants_do_not_make_a_second_article(self):
        text = SEED.read_text(encoding="utf-8")
        self.page("one/a.txt", text)
        self.page("two/copy.txt", text)
        self.page("three/bom.txt", codecs.BOM_UTF8 + text.replace("\n", "\r\n").encode("utf-8"))
        self.page("four/utf16.txt", text.encode("utf-16"))
        output = ingest(self.folder)
        self.assertEqual(Article.objects.count(), 1)
        self.assertIn("3 duplicate copies", output)

    def test_staff_edit_is_kept_unless_forced(self):
        path = self.page("a.txt", SEED.read_text(encoding="utf-8"))
        ingest(path)
        Article.objects.update(title="Corrected title", staff_edited=True)
        path.write_text(SEED.read_text(encoding="utf-8") + "\nOne more paragraph.\n", encoding="utf-8")
        output = ingest(path)
        self.assertIn("1 kept staff edits", output)
        self.assertEqual(Article.objects.get().title, "Corrected title")
        output = ingest(path, force=True)
        self.assertIn("1 updated", output)
        article = Article.objects.get()
        self.assertEqual(article.title, "U.S.-led Jets Kill Dozens of Syrian Soldiers")
        self.assertFalse(article.staff_edited)

    def test_a_torn_read_of_a_stored_page_keeps_its_complete_text_and_says_so(self):
        text = SEED.read_text(encoding="utf-8")
        path = self.page("a.txt", text)
        ingest(path)
        complete = Article.objects.get().body
        path.write_text(text[: text.rindex(".", 0, len(text) - 200) - 20], encoding="utf-8")
        output = ingest(path)
        self.assertIn("1 cut short (complete texts kept)", output)
        self.assertNotIn("kept staff edits", output)
        self.assertIn(f"cut short {path}: stops mid-sentence; the archive keeps its complete text", output)
        self.assertEqual(Article.objects.get().body, complete)

    def test_dry_run_writes_nothing(self):
        output = ingest(SEED, dry_run=True)
        self.assertIn("Dry run", output)
        self.assertIn("1 created", output)
        self.assertFalse(Article.objects.exists())
        self.assertFalse(MediaItem.objects.exists())


class UnchangedFileTests(PageFolderMixin, TestCase):
    """A file with the size and modification time an ingest recorded is settled unread."""

    LONG_AGO = 1_500_000_000  # 2017: a file the scrape left long before the ingest

    def settled_page(self, name, text, when=LONG_AGO):
        path = self.page(name, text)
        os.utime(path, (when, when))
        return path

    def ingest_counting_reads(self, *paths, **options):
        with mock.patch.object(ingesting, "read_source", wraps=ingesting.read_source) as read:
            output = ingest(*paths, **options)
        return output, [Path(call.args[0]).name for call in read.call_args_list]

    def test_an_unchanged_file_is_settled_without_reading_it(self):
        path = self.settled_page("a.txt", SEED.read_text(encoding="utf-8"))
        ingest(path)
        self.assertEqual(PageFile.objects.get().path, str(path))
        output, read = self.ingest_counting_reads(path)
        self.assertIn("1 unchanged", output)
        self.assertEqual(read, [])

    def test_a_change_that_keeps_the_size_is_read_by_its_new_time(self):
        path = self.settled_page("a.txt", SEED.read_text(encoding="utf-8"))
        ingest(path)
        same_size = SEED.read_text(encoding="utf-8").replace("Dozens of", "Scores of")
        self.settled_page("a.txt", same_size, self.LONG_AGO + 1)
        output, read = self.ingest_counting_reads(path)
        self.assertIn("1 updated", output)
        self.assertEqual(read, ["a.txt"])
        self.assertTrue(Article.objects.get().body.startswith("Scores of"))

    def test_a_file_changed_moments_before_it_was_read_is_read_again(self):
        path = self.page("a.txt", SEED.read_text(encoding="utf-8"))
        ingest(path)
        self.assertIsNone(PageFile.objects.get().modified_ns, "its time may not tell a change made next")
        output, read = self.ingest_counting_reads(path)
        self.assertIn("1 unchanged", output)
        self.assertEqual(read, ["a.txt"])

    def test_a_page_deleted_by_an_editor_comes_back_from_its_unchanged_file(self):
        path = self.settled_page("a.txt", SEED.read_text(encoding="utf-8"))
        ingest(path)
        Article.objects.all().delete()
        output = ingest(path)
        self.assertIn("1 created", output)
        self.assertEqual(Article.objects.count(), 1)

    def test_a_folder_named_by_another_path_holds_the_same_unchanged_files(self):
        path = self.settled_page("seeds/a.txt", SEED.read_text(encoding="utf-8")).resolve()
        with contextlib.chdir(path.parent.parent):
            ingest("seeds")
            self.assertEqual(Article.objects.get().source_path, os.path.join("seeds", "a.txt"))
            for named in (path.parent, "./seeds/", f"seeds/../{path.parent.name}"):
                with self.subTest(named=named):
                    output, read = self.ingest_counting_reads(named)
                    self.assertIn("1 unchanged", output)
                    self.assertNotIn("duplicate", output)
                    self.assertEqual(read, [])
        self.assertEqual(PageFile.objects.get().path, str(path))

    def test_copies_and_staff_edits_are_settled_unread_and_force_reads_them(self):
        text = SEED.read_text(encoding="utf-8")
        self.settled_page("one/a.txt", text)
        self.settled_page("two/copy.txt", text)
        ingest(self.folder)
        Article.objects.update(title="Corrected title", staff_edited=True)
        output, read = self.ingest_counting_reads(self.folder)
        self.assertIn("1 duplicate copies, 1 kept staff edits", output)
        self.assertEqual(read, [])
        output, read = self.ingest_counting_reads(self.folder, force=True)
        self.assertIn("1 updated", output)
        self.assertEqual(sorted(read), ["a.txt", "copy.txt"])
        self.assertEqual(Article.objects.get().title, "U.S.-led Jets Kill Dozens of Syrian Soldiers")

    def test_a_run_that_records_many_files_refreshes_their_statistics(self):
        path = self.settled_page("a.txt", SEED.read_text(encoding="utf-8"))
        ingest(path)
        PageFile.objects.all().delete()  # as in an archive ingested before files were recorded
        analyze = mock.patch.object(database, "analyze", wraps=database.analyze)
        with mock.patch.object(ingesting, "ANALYZE_AFTER", 1), analyze as analyzed:
            ingest(path)
            self.assertEqual(analyzed.call_count, 1, "it read and recorded one file")
            ingest(path)
            self.assertEqual(analyzed.call_count, 1, "it read none")
        self.assertTrue(PageFile.objects.filter(path=str(path)).exists())

    def test_a_dry_run_records_no_file(self):
        ingest(self.settled_page("a.txt", SEED.read_text(encoding="utf-8")), dry_run=True)
        self.assertFalse(PageFile.objects.exists())


class RefusalTests(PageFolderMixin, TestCase):
    def test_bad_files_are_refused_one_line_each_and_exit_non_zero(self):
        self.page("empty.txt", b"")
        self.page("blank.txt", "  \n \n")
        self.page("binary.txt", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00")
        self.page(
            "title-only.txt",
            "Middle-east Arab News Opinion | Asharq Al-awsat\n\n"
            "Just a title | ASHARQ AL-AWSAT English Archive 2005 -2017\nSelect Page\n",
        )
        self.page("huge.txt", b"x" * 64)
        self.page("notes.pdf", b"%PDF")
        self.page("good.txt", SEED.read_bytes())
        out = StringIO()
        with self.settings(ARCHIVE_INGEST_MAX_BYTES=50_000):
            (self.folder / "huge.txt").write_bytes(b"x" * 60_000)
            with self.assertRaisesMessage(CommandError, "5 file(s) were refused"):
                call_command("ingest", str(self.folder), stdout=out, stderr=StringIO(), no_progress=True)
        lines = out.getvalue().splitlines()
        refused = [line for line in lines if line.startswith("refused")]
        self.assertEqual(len(refused), 5)
        for name, reason in [
            ("empty.txt", "empty"),
            ("blank.txt", "whitespace"),
            ("binary.txt", "binary"),
            ("title-only.txt", "title but no text"),
            ("huge.txt", "too large"),
        ]:
            self.assertTrue(any(name in line and reason in line for line in refused), (name, refused))
        self.assertTrue(any(line.startswith("skipped") and "notes.pdf" in line for line in lines))
        self.assertNotIn("Traceback", out.getvalue())
        self.assertEqual(Article.objects.count(), 1, "the good file is not lost")

    def test_html_title_is_stored_as_text(self):
        self.page(
            "x.txt",
            SEED.read_text(encoding="utf-8").replace(
                "U.S.-led Jets Kill Dozens of Syrian Soldiers", "<script>alert('x')</script> Jets"
            ),
        )
        ingest(self.folder)
        self.assertEqual(Article.objects.get().title, "<script>alert('x')</script> Jets")


class FailedBatchTests(PageFolderMixin, TestCase):
    def test_a_file_that_cannot_be_stored_costs_only_itself(self):
        from unittest import mock

        from articles.ingest.writer import PageWriter

        text = SEED.read_text(encoding="utf-8")
        for name in ("a.txt", "bad.txt", "c.txt"):
            self.page(name, text.replace("Dozens of", f"{name} of"))
        original = PageWriter._fill

        def fill(writer, article, item, photos):
            if item.source.path.endswith("bad.txt"):
                raise ValueError("simulated database refusal")
            return original(writer, article, item, photos)

        out = StringIO()
        with (
            mock.patch.object(PageWriter, "_fill", fill),
            self.assertRaisesMessage(CommandError, "1 file(s) were refused"),
        ):
            call_command("ingest", str(self.folder), stdout=out, stderr=StringIO(), no_progress=True)
        self.assertIn("2 created", out.getvalue())
        self.assertRegex(out.getvalue(), r"refused .*bad\.txt: could not be stored: simulated database refusal")
        self.assertEqual(Article.objects.count(), 2)


class BatchRecoveryTests(PageFolderMixin, TransactionTestCase):
    def test_interrupted_run_finishes_on_rerun_without_duplicates(self):
        seed_variants(self, 7)
        ingester_output = ingest(self.folder, batch_size=3)
        self.assertIn("7 created", ingester_output)
        Article.objects.filter(source_path__endswith="p6.txt").delete()
        output = ingest(self.folder, batch_size=3)
        self.assertIn("1 created", output)
        self.assertIn("6 unchanged", output)
        self.assertEqual(Article.objects.count(), 7)
        self.assertEqual(MediaItem.objects.count(), 1, "the one photo is shared, not copied")


@skipUnless(connection.vendor == "postgresql", "worker processes, which an in-memory SQLite database has none of")
class IndexWhileWritingTests(PageFolderMixin, TransactionTestCase):
    def test_a_run_with_workers_indexes_in_a_thread_and_every_article_is_found_at_its_end(self):
        article_make(title="Already in the archive", body="So this run is not its first.")
        seed_variants(self, 9, "Zanzibarian{} and")
        threads = []

        def catch_up(*args, **kwargs):
            threads.append(threading.current_thread() is threading.main_thread())
            return real_catch_up(*args, **kwargs)

        real_catch_up = search.catch_up
        with mock.patch.object(ingesting, "INDEX_EVERY", 0), mock.patch.object(search, "catch_up", catch_up):
            self.assertIn("9 created", ingest(self.folder, batch_size=2))
        self.assertIn(False, threads, "applied in a thread while the workers wrote")
        self.assertTrue(threads[-1], "and once more, by the run itself, at its end")
        for i in range(9):
            found = search.filter_queryset(Article.objects.all(), f"zanzibarian{i}")
            self.assertEqual(found.count(), 1, i)


class FirstIngestIndexTests(PageFolderMixin, TransactionTestCase):
    def test_a_first_ingest_makes_the_index_empty_and_builds_it_once_at_its_end(self):
        seed_variants(self, 9, "Zanzibarian{} and")
        written = []

        def catch_up(*args, **kwargs):
            written.append(Article.objects.count())
            return real_catch_up(*args, **kwargs)

        real_catch_up = search.catch_up
        with mock.patch.object(ingesting, "INDEX_EVERY", 0), mock.patch.object(search, "catch_up", catch_up):
            output = ingest(self.folder, batch_size=2)
        self.assertIn("9 created", output)
        self.assertEqual(written, [0, 9], "made empty first, so that a search meanwhile does not build it")
        self.assertIn("Building the search index of 10 articles and photos.", output, "the seed's photo is one")
        for i in range(9):
            found = search.filter_queryset(Article.objects.all(), f"zanzibarian{i}")
            self.assertEqual(found.count(), 1, i)


@skipUnless(connection.vendor == "postgresql", "PostgreSQL's vacuum")
class VacuumAfterIngestTests(PageFolderMixin, TransactionTestCase):
    def test_a_large_ingest_leaves_its_tables_vacuumed_for_index_only_reads(self):
        seed_variants(self, 3)
        with mock.patch.object(ingesting, "ANALYZE_AFTER", 3):
            self.assertIn("3 created", ingest(self.folder))
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT relname FROM pg_stat_user_tables WHERE vacuum_count > 0 AND relname = ANY(%s)",
                [["articles_article", "articles_articletag", "articles_articlemedia", "articles_mediaitem"]],
            )
            self.assertEqual(len(cursor.fetchall()), 4)


class HostileFileTests(PageFolderMixin, TestCase):
    """Every bad file gets one line in plain words, and the rest of the run is stored."""

    def run_ingest(self):
        out = StringIO()
        with self.assertRaises(CommandError):
            call_command("ingest", str(self.folder), stdout=out, stderr=StringIO(), no_progress=True)
        self.assertNotIn("Traceback", out.getvalue())
        return [line for line in out.getvalue().splitlines() if line.startswith("refused")]

    def test_bom_followed_by_invalid_utf8_is_refused_and_the_good_files_are_stored(self):
        self.page("bad.txt", codecs.BOM_UTF8 + b"Title | ASHARQ AL-AWSAT\n\nText \xff\xfe broken.\n")
        self.page("good.txt", SEED.read_bytes())
        refused = self.run_ingest()
        self.assertEqual(len(refused), 1)
        self.assertIn("byte order mark but is not UTF-8", refused[0])
        self.assertEqual(Article.objects.count(), 1)

    def test_a_named_pipe_is_refused_without_waiting_for_it(self):
        os.mkfifo(self.folder / "pipe.txt")
        self.page("good.txt", SEED.read_bytes())
        refused = self.run_ingest()
        self.assertEqual(len(refused), 1)
        self.assertIn("not a regular file (a named pipe)", refused[0])
        self.assertEqual(Article.objects.count(), 1)

    def test_a_page_of_a_hundred_thousand_different_words_is_stored_and_found(self):
        from articles import search

        words = " ".join(f"w{i:06x}q" for i in range(120_000))
        self.page("words.txt", SEED.read_text(encoding="utf-8") + "\n" + words + ".\n")
        self.page("good.txt", SEED.read_bytes())
        call_command("ingest", str(self.folder), stdout=StringIO(), no_progress=True)
        self.assertEqual(Article.objects.count(), 2)
        self.assertEqual(search.count(search.parse("w00beefq")), 1)

    def test_tens_of_thousands_of_media_ids_are_refused_in_plain_words(self):
        blocks = "".join(f"Media ID: {55000000 + i}\nCaption:\n\nPhoto {i}.\n\n" for i in range(30_000))
        text = SEED.read_text(encoding="utf-8").replace("Select Page\n", "Select Page\n" + blocks, 1)
        self.page("photos.txt", text)
        self.page("good.txt", SEED.read_bytes())
        refused = self.run_ingest()
        self.assertEqual(len(refused), 1)
        self.assertIn("30,001 photo blocks", refused[0])
        self.assertEqual(Article.objects.count(), 1)
        self.assertEqual(MediaItem.objects.count(), 1)

    def test_a_file_that_takes_too_long_to_read_is_refused_and_the_run_goes_on(self):
        real_parse = ingesting.parse_source

        def slow_for_one_file(source, matcher):
            if source.path.endswith("slow.txt"):
                time.sleep(30)
            return real_parse(source, matcher)

        self.page("slow.txt", SEED.read_bytes().replace(b"Select Page", b"Select Page\nSlow", 1))
        self.page("good.txt", SEED.read_bytes())
        with (
            self.settings(ARCHIVE_INGEST_PARSE_SECONDS=0.3),
            mock.patch.object(ingesting, "parse_source", slow_for_one_file),
        ):
            started = time.monotonic()
            out = StringIO()
            with self.assertRaises(CommandError):
                call_command("ingest", str(self.folder), stdout=out, stderr=StringIO(), no_progress=True, jobs=1)
        self.assertLess(time.monotonic() - started, 10)
        refused = [line for line in out.getvalue().splitlines() if line.startswith("refused")]
        self.assertEqual(len(refused), 1)
        self.assertIn("slow.txt", refused[0])
        self.assertIn("took more than 0.3 s to read", refused[0])
        self.assertEqual(Article.objects.count(), 1)


class NotAnArchivePageTests(PageFolderMixin, TestCase):
    """Only the original site's pages, from inside the folders given, become public."""

    def run_ingest(self, *paths):
        out = StringIO()
        with self.assertRaises(CommandError):
            call_command("ingest", *map(str, paths or [self.folder]), stdout=out, stderr=StringIO(), no_progress=True)
        self.assertNotIn("Traceback", out.getvalue())
        return [line for line in out.getvalue().splitlines() if line.startswith("refused")]

    def outside_file(self, name, text):
        """A file in a folder of its own, beside the folder ingested."""
        outside = Path(tempfile.mkdtemp())
        self.addCleanup(shutil.rmtree, outside)
        secret = outside / name
        secret.write_text(text, encoding="utf-8")
        return secret

    def test_a_symlink_leading_outside_the_folders_given_is_refused_unread(self):
        secret = self.outside_file("env", "DJANGO_SECRET_KEY=do-not-publish-me\n")
        os.symlink(secret, self.folder / "env.txt")
        os.symlink(secret.parent, self.folder / "elsewhere")
        self.page("good.txt", SEED.read_bytes())
        refused = self.run_ingest()
        self.assertEqual(len(refused), 2, refused)
        self.assertTrue(all("symbolic link leading outside the folders given" in line for line in refused))
        self.assertEqual(Article.objects.count(), 1)
        self.assertFalse(Article.objects.filter(body__contains="do-not-publish-me").exists())
        self.assertFalse(ListingPage.objects.exists())

    def test_a_symlink_inside_the_folders_given_is_read(self):
        (self.folder / "pages").mkdir()
        self.page("pages/seed.txt", SEED.read_bytes())
        os.symlink(self.folder / "pages", self.folder / "also")
        ingest(self.folder)
        self.assertEqual(Article.objects.count(), 1)

    def test_text_without_any_sign_of_the_original_site_is_refused_not_guessed(self):
        self.page("passwd.txt", "root:x:0:0:root:/root:/bin/bash\ndaemon:x:1:1:daemon:/usr/sbin:/usr/sbin/nologin\n")
        self.page("notes.txt", "Shopping\n\nMilk, bread and eggs...\n\nCall the plumber about the sink...\n")
        self.page("good.txt", SEED.read_bytes())
        refused = self.run_ingest()
        self.assertEqual(len(refused), 2, refused)
        self.assertTrue(all("not a page of the original site" in line for line in refused))
        self.assertEqual(Article.objects.count(), 1)
        self.assertFalse(ListingPage.objects.exists())

    def test_a_listing_longer_than_any_the_site_printed_is_refused(self):
        items = "".join(
            f"by Hamza Mustafa | Aug 28, 2014 | Middle East\nItem {i} of the flood...\n" for i in range(30_000)
        )
        self.page("tag-flood.txt", items)
        self.page("good.txt", SEED.read_bytes())
        refused = self.run_ingest()
        self.assertEqual(len(refused), 1, refused)
        self.assertIn("lists 30,000 items", refused[0])
        self.assertEqual(Article.objects.count(), 1)
        self.assertFalse(ListingPage.objects.exists())


class UndecodableNameTests(PageFolderMixin, TestCase):
    def test_a_file_name_that_is_not_utf8_is_refused_escaped_and_the_rest_stored(self):
        os.makedirs(os.fsencode(self.folder / "batch"), exist_ok=True)
        with open(os.fsencode(self.folder / "batch") + b"/bad-\xff\xfe.txt", "wb") as page:
            page.write(SEED.read_bytes())
        self.page("batch/good.txt", SEED.read_text(encoding="utf-8").replace("Dozens of", "Scores of"))
        for run in range(2):
            out = StringIO()
            with self.subTest(run=run), self.assertRaisesMessage(CommandError, "1 file(s) were refused"):
                call_command("ingest", str(self.folder), stdout=out, stderr=StringIO(), no_progress=True)
            refused = [line for line in out.getvalue().splitlines() if line.startswith("refused")]
            self.assertEqual(len(refused), 1, out.getvalue())
            self.assertIn("bad-\\xff\\xfe.txt", refused[0])
            self.assertIn("not UTF-8", refused[0])
            self.assertNotIn("Traceback", out.getvalue())
        self.assertEqual(Article.objects.count(), 1)


class CountsTests(PageFolderMixin, TestCase):
    def test_a_rerun_that_writes_nothing_still_leaves_counts_exact(self):
        from articles.models import ArchiveMonth

        path = self.page("a.txt", SEED.read_text(encoding="utf-8"))
        with mock.patch.object(counts, "refresh"):
            ingest(path)  # as a run killed before its recount leaves the archive: articles, no counts
        self.assertEqual(Tag.objects.get(name="Syria").article_count, 0)
        self.assertTrue(counts.due())
        output = ingest(path)
        self.assertIn("1 unchanged", output)
        self.assertEqual(Tag.objects.get(name="Syria").article_count, 1)
        self.assertEqual(ArchiveMonth.objects.get().article_count, 1)

    def test_a_rerun_recounts_only_when_something_counted_changed(self):
        counts.refresh()
        self.assertFalse(counts.due(), "an empty archive, counted")
        path = self.page("a.txt", SEED.read_text(encoding="utf-8"))
        ingest(path)
        self.assertFalse(counts.due())
        with mock.patch.object(counts, "refresh", wraps=counts.refresh) as recounted:
            ingest(path)
        self.assertEqual(recounted.call_count, 0)
        Article.objects.all().delete()
        self.assertTrue(counts.due(), "a deletion is logged, however it was made")
