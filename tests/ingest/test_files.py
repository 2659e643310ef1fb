"""Reading page files: encodings, damage and refusals."""

import codecs
import contextlib
import os
import tempfile
from pathlib import Path

from django.test import SimpleTestCase

from articles.ingest.files import Refused, file_keys, one_file, read_source, source_from_bytes, walk

PAGE = (
    "Middle-east Arab News Opinion | Asharq Al-awsat\n\n"
    "Syria’s truce | ASHARQ AL-AWSAT English Archive 2005 -2017\nSelect Page\n\nBeirut – The truce held.\n"
)
LIMIT = 5 * 1024 * 1024


class DecodingTests(SimpleTestCase):
    def test_every_encoding_gives_the_same_text_and_hash(self):
        variants = {
            "utf-8": PAGE.encode("utf-8"),
            "utf-8 with BOM": codecs.BOM_UTF8 + PAGE.encode("utf-8"),
            "utf-16 with BOM": PAGE.encode("utf-16"),
            "utf-16-be with BOM": codecs.BOM_UTF16_BE + PAGE.encode("utf-16-be"),
            "cp1252": PAGE.encode("cp1252"),
            "CRLF": PAGE.replace("\n", "\r\n").encode("utf-8"),
        }
        reference = source_from_bytes("a.txt", variants["utf-8"], LIMIT)
        for name, raw in variants.items():
            with self.subTest(encoding=name):
                source = source_from_bytes("a.txt", raw, LIMIT)
                self.assertEqual(source.text, reference.text)
                self.assertEqual(source.content_hash, reference.content_hash)
                self.assertIn("Syria’s truce", source.text)

    def test_character_cut_by_the_size_limit_is_dropped_not_misread(self):
        raw = "The regime’s forces".encode()[: -len("s forces") - 2]
        source = source_from_bytes("a.txt", raw, LIMIT)
        self.assertEqual(source.encoding, "utf-8")
        self.assertEqual(source.text, "The regime")

    def test_bad_files_are_refused_with_a_reason(self):
        cases = {
            b"": "empty",
            b"  \n\t\r\n ": "whitespace",
            b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR": "binary",
            bytes(range(1, 31)) * 20: "binary",
        }
        for raw, reason in cases.items():
            with self.subTest(reason=reason), self.assertRaisesMessage(Refused, reason):
                source_from_bytes("a.txt", raw, LIMIT)

    def test_over_large_file_is_refused_without_reading_it(self):
        with tempfile.NamedTemporaryFile(suffix=".txt") as handle:
            handle.truncate(2048)
            with self.assertRaisesMessage(Refused, "too large"):
                read_source(handle.name, 1024)


class WalkTests(SimpleTestCase):
    def test_recurses_in_name_order_and_survives_symlink_loops(self):
        with tempfile.TemporaryDirectory() as top:
            root = Path(top)
            (root / "b" / "c").mkdir(parents=True)
            (root / "a.txt").write_text("x")
            (root / "b" / "c" / "d.txt").write_text("x")
            (root / "b" / "notes.pdf").write_text("x")
            os.symlink(root, root / "b" / "c" / "loop")
            found = list(walk([top]))
        names = [(kind, os.path.relpath(path, top)) for kind, path in found]
        self.assertEqual(names, [("file", "a.txt"), ("skipped", "b/notes.pdf"), ("file", "b/c/d.txt")])

    def test_missing_path_is_reported(self):
        self.assertEqual(list(walk(["/no/such/folder"])), [("missing", "/no/such/folder")])


class FileKeyTests(SimpleTestCase):
    def test_a_file_is_known_by_its_absolute_path_however_it_was_named(self):
        with tempfile.TemporaryDirectory() as folder, contextlib.chdir(folder):
            here = os.getcwd()
            keys = file_keys(["seeds/a.txt", "./seeds/../seeds/a.txt", f"{here}/seeds/a.txt"])
            self.assertEqual(set(keys.values()), {os.path.join(here, "seeds", "a.txt")})
            self.assertTrue(one_file("seeds/a.txt", f"{here}/seeds//a.txt"))
            self.assertFalse(one_file("seeds/a.txt", "other/a.txt"))

    def test_without_a_working_folder_relative_paths_are_kept_as_given(self):
        with tempfile.TemporaryDirectory() as folder, contextlib.chdir(folder):
            gone = Path(folder, "gone")
            gone.mkdir()
            with contextlib.chdir(gone):
                gone.rmdir()
                self.assertEqual(
                    file_keys(["seeds/./a.txt", "/srv/b.txt"]),
                    {"seeds/./a.txt": "seeds/a.txt", "/srv/b.txt": "/srv/b.txt"},
                )
