"""A bound on the time one file may take to read: a page the parser has not met the like of
(pathological spacing, a million short paragraphs) is refused with one line, never left to hang
a run. The parser is built to read any page in time linear in its size; this is the net under
that promise, not a part of it."""

import signal
import threading
from contextlib import contextmanager


class TooLong(Exception):
    """The file took longer than its time to read."""


def _expired(signum, frame):
    raise TooLong


@contextmanager
def time_limit(seconds):
    """Raise TooLong in the block after ``seconds``. A process's timer signal reaches its main
    thread only: elsewhere (an ingest run from a thread) the block runs unbounded."""
    if not seconds or threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = signal.signal(signal.SIGALRM, _expired)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
