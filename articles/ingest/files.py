"""Find page files on disk and read them as text. Pure Python, no Django.

Scraped pages arrive in every state: UTF-8 with or without a BOM, UTF-16 with a BOM, cp1252,
CRLF line ends, cut off in the middle of a character, empty, binary, or far too large. Each
file either becomes normalised text with a content hash, or is refused with one clear reason.
"""

from __future__ import annotations

import codecs
import hashlib
import os
import re
import stat
import time
from dataclasses import dataclass

from .parsing import normalise_text

PAGE_SUFFIX = ".txt"
# A file changed this recently (nanoseconds) may change again within the same tick of its file
# system's clock (two seconds on FAT), and its modification time would not tell.
SETTLED_AFTER_NS = 3_000_000_000
# Characters that do not occur in text: control characters and the replacement character.
BINARY_CHARS_RE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffd]")


class Refused(Exception):
    """A file that cannot be a page; the message is the reason, for the operator."""


@dataclass
class SourceFile:
    path: str
    size: int
    text: str
    encoding: str
    content_hash: str
    # (size, modification time in ns) as read; the time is None when the file had changed within
    # SETTLED_AFTER_NS of its reading (a later change might keep both), and the stamp is None for
    # text not read from a file.
    stamp: tuple[int, int | None] | None = None

    @property
    def name(self):
        return os.path.basename(self.path)


def file_keys(paths):
    """path -> the path by which the archive knows that file: absolute, so that "seeds/a.txt"
    and "/srv/archive/seeds/a.txt", named from the folder holding seeds/, are one file. (What
    os.path.abspath does, asking for the working folder once, not once a file.)"""
    paths = list(paths)
    try:
        folder = os.getcwd() if not all(os.path.isabs(path) for path in paths) else ""
    except OSError:  # the working folder was deleted: relative paths are kept as given
        folder = ""
    return {path: os.path.normpath(os.path.join(folder, path)) for path in paths}


def one_file(path, other):
    """Whether two paths name one file, as ``file_keys`` knows files."""
    if path == other:
        return True
    keys = file_keys([path, other])
    return keys[path] == keys[other]


def file_stamp(path):
    """(size, modification time in ns) of the file at ``path``, or None if it cannot be seen."""
    try:
        info = os.stat(path)
    except (OSError, ValueError):
        return None
    return info.st_size, info.st_mtime_ns


def read_stamp(info: os.stat_result, size_read: int):
    """The stamp of a file being read now: without its time if it changed too recently to tell a
    later change by it, or changed while it was read."""
    if info.st_mtime_ns > time.time_ns() - SETTLED_AFTER_NS or size_read != info.st_size:
        return size_read, None
    return info.st_size, info.st_mtime_ns


def walk(paths):
    """Yield ("file", path) for each .txt file and ("skipped", path) for any other file;
    ("undecodable", path) for a name that is not UTF-8 (see ``is_decodable``).

    Folders are read recursively in name order. A symbolic link is followed only where it
    leads inside the folders given (("outside", path) otherwise: a link in a folder of pages
    must not publish /etc/passwd), and a folder already visited (a symlink loop, or two links
    to one folder) is not read twice. A file named on its own is read wherever it is: the
    operator chose it. Missing paths are yielded as ("missing", path).
    """
    seen_dirs = set()
    roots = [os.path.realpath(given) for given in paths if os.path.isdir(given)]
    for given in paths:
        if os.path.isdir(given):
            yield from _walk_dir(given, seen_dirs, roots)
        elif os.path.exists(given) or os.path.islink(given):
            yield _classify(given)
        else:
            yield "missing", given


def _inside(path, roots):
    """Whether a link's target lies within one of the folders given (their real paths)."""
    target = os.path.realpath(path)
    return any(os.path.commonpath([root, target]) == root for root in roots)


def _walk_dir(top, seen_dirs, roots):
    stack = [top]
    while stack:
        directory = stack.pop()
        try:
            stat = os.stat(directory)
        except OSError:
            yield "missing", directory
            continue
        key = (stat.st_dev, stat.st_ino)
        if key in seen_dirs:
            continue
        seen_dirs.add(key)
        try:
            with os.scandir(directory) as entries:
                entries = sorted(entries, key=lambda e: e.name)
        except OSError:
            yield "missing", directory
            continue
        subdirs = []
        for entry in entries:
            if entry.is_symlink() and not _inside(entry.path, roots):
                yield "outside", entry.path
                continue
            try:
                is_dir = entry.is_dir(follow_symlinks=True)
            except OSError:
                is_dir = False
            if is_dir:
                subdirs.append(entry.path)
            else:
                yield _classify(entry.path)
        stack.extend(reversed(subdirs))


def _classify(path):
    if not is_decodable(path):
        return "undecodable", path
    return ("file" if path.lower().endswith(PAGE_SUFFIX) else "skipped"), path


def is_decodable(path):
    """Whether a path's name is text: a name of bytes that are not UTF-8 comes from the file
    system with surrogates in it, which no report, log or database can hold."""
    try:
        path.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def printable(path):
    """A path as a report can print it: bytes that are not UTF-8 escaped (``\\xff``)."""
    return path.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")


def read_source(path: str, max_bytes: int) -> SourceFile:
    """Read one file as a page; raise Refused with the reason when it cannot be one.

    Only regular files are read: a named pipe or a device called ``*.txt`` would block the run
    or never end. The file is opened without blocking and checked before a byte is read.
    """
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    except OSError as error:
        raise Refused(f"cannot be read: {error.strerror or error}") from None
    with os.fdopen(fd, "rb") as handle:
        try:
            info = os.fstat(fd)
            if not stat.S_ISREG(info.st_mode):
                raise Refused(f"not a regular file ({file_kind(info.st_mode)}), so not a page")
            if info.st_size > max_bytes:
                raise Refused(f"file is too large ({info.st_size:,} bytes; the limit is {max_bytes:,})")
            raw = handle.read(max_bytes + 1)
        except OSError as error:
            raise Refused(f"cannot be read: {error.strerror or error}") from None
    source = source_from_bytes(path, raw, max_bytes)
    source.stamp = read_stamp(info, len(raw))
    return source


def file_kind(mode):
    if stat.S_ISFIFO(mode):
        return "a named pipe"
    if stat.S_ISSOCK(mode):
        return "a socket"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    return "not a plain file"


def source_from_bytes(path: str, raw: bytes, max_bytes: int) -> SourceFile:
    if len(raw) > max_bytes:
        raise Refused(f"file is too large (more than {max_bytes:,} bytes)")
    if not raw:
        raise Refused("file is empty")
    text, encoding = decode(raw)
    text = normalise_text(text)
    if not text.strip():
        raise Refused("file holds only whitespace")
    digest = hashlib.sha256(text.encode("utf-8")).hexdigest()
    return SourceFile(path=path, size=len(raw), text=text, encoding=encoding, content_hash=digest)


def decode(raw: bytes) -> tuple[str, str]:
    """Decode page bytes: BOMs first, then UTF-8, then cp1252. Binary data is refused."""
    if raw.startswith(codecs.BOM_UTF8):
        try:
            return _utf8(raw[len(codecs.BOM_UTF8) :]), "utf-8-sig"
        except UnicodeDecodeError as error:
            offset = error.start + len(codecs.BOM_UTF8)
            raise Refused(
                f"file starts with a UTF-8 byte order mark but is not UTF-8 text (byte {offset:,} is not)"
            ) from None
    for bom, name in ((codecs.BOM_UTF16_LE, "utf-16-le"), (codecs.BOM_UTF16_BE, "utf-16-be")):
        if raw.startswith(bom):
            body = raw[len(bom) :]
            if len(body) % 2:
                body = body[:-1]  # cut in the middle of a character
            try:
                return body.decode(name), "utf-16"
            except UnicodeDecodeError:
                raise Refused("file starts with a UTF-16 byte order mark but is not UTF-16 text") from None
    if b"\x00" in raw:
        raise Refused("binary file (it holds NUL bytes), not a text page")
    try:
        text, encoding = _utf8(raw), "utf-8"
    except UnicodeDecodeError:
        text, encoding = raw.decode("cp1252", errors="replace"), "cp1252"
    if _control_share(text) > 0.05:
        raise Refused("binary file (mostly control characters), not a text page")
    return text, encoding


def _utf8(raw: bytes) -> str:
    """Strict UTF-8, except that a character cut off by the scraper's size limit is dropped."""
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as error:
        if error.start >= len(raw) - 3 and error.reason == "unexpected end of data":
            return raw[: error.start].decode("utf-8")
        raise


def _control_share(text: str) -> float:
    sample = text[:4096]
    if not sample:
        return 0.0
    return len(BINARY_CHARS_RE.findall(sample)) / len(sample)
