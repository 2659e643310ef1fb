"""Shared pieces of the benchmarks: a generated corpus, a fresh PostgreSQL database, timing.

Benchmarks are not tests: they print figures for a person to read and compare, and they are
run by `make bench...`, never by `make test`.
"""

import os
import resource
import subprocess
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
DEFAULT_GENERATOR = ROOT / "bench" / "corpus.py"
ADMIN_URL = os.environ.get("BENCH_ADMIN_URL", "postgres://root@127.0.0.1:5432/postgres")


def corpus(n, generator=None, folder=None, seed=None):
    """A folder of n generated pages, made once and reused by later runs."""
    generator = Path(generator or os.environ.get("CORPUS_GENERATOR", DEFAULT_GENERATOR))
    folder = Path(folder or ROOT / "bench" / "corpus" / str(n))
    done = folder / ".complete"
    if done.exists():
        return folder
    if not generator.exists():
        sys.exit(f"The corpus generator {generator} is missing; CORPUS_GENERATOR names another.")
    print(f"Generating {n:,} pages into {folder} ...", flush=True)
    started = time.monotonic()
    extra = ["--seed", str(seed)] if seed is not None else []
    subprocess.run([PYTHON, str(generator), str(folder), str(n), *extra], check=True)
    done.write_text("ok")
    print(f"  generated in {time.monotonic() - started:.0f} s", flush=True)
    return folder


def drop_database(name):
    import psycopg

    with psycopg.connect(ADMIN_URL, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def fresh_database(name):
    """Drop and create a PostgreSQL database; return its URL."""
    import psycopg

    with psycopg.connect(ADMIN_URL, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')
    base = ADMIN_URL.rsplit("/", 1)[0]
    return f"{base}/{name}"


# Servers and commands run as in production: they share one Redis cache (a database of the
# benchmark's own, which it clears), so that an ingest's changes reach every server process.
SHARED_CACHE_ENV = {
    "REDIS_URL": os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/14"),
    "ARCHIVE_CACHE_KEY_PREFIX": "archive-bench",
}


def search_index_dir(database_url):
    """Each benchmark database its own search index: two sharing one rebuild it in turn."""
    return str(ROOT / "bench" / "search-index" / database_url.rsplit("/", 1)[1])


def command_env(database_url):
    """The environment of a manage.py command run as in production."""
    return {
        **os.environ,
        "DATABASE_URL": database_url,
        "ARCHIVE_SEARCH_INDEX_DIR": search_index_dir(database_url),
        "DJANGO_DEBUG": "0",
        "DJANGO_SECRET_KEY": "benchmark",
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost,testserver",
        **SHARED_CACHE_ENV,
    }


def manage(args, database_url, **kwargs):
    return subprocess.run([PYTHON, str(ROOT / "manage.py"), *args], env=command_env(database_url), cwd=ROOT, **kwargs)


def tree_rss(pid, field="VmRSS"):
    """Resident memory of a process and all its descendants, in bytes. ``RssAnon`` counts only
    the processes' own memory: not the search index's files mapped into them, which are the
    operating system's file cache and grow with the index."""
    total, stack = 0, [pid]
    while stack:
        current = stack.pop()
        try:
            with open(f"/proc/{current}/status") as status:
                for line in status:
                    if line.startswith(f"{field}:"):
                        total += int(line.split()[1]) * 1024
            for task in os.listdir(f"/proc/{current}/task"):
                with open(f"/proc/{current}/task/{task}/children") as children:
                    stack.extend(int(c) for c in children.read().split())
        except (FileNotFoundError, ProcessLookupError, PermissionError):
            continue
    return total


def postgres_cpu(database_name):
    """{pid: CPU seconds} of the PostgreSQL backends serving ``database_name`` now."""
    tick = os.sysconf("SC_CLK_TCK")
    found = {}
    for pid in os.listdir("/proc"):
        if not pid.isdigit():
            continue
        try:
            with open(f"/proc/{pid}/cmdline", "rb") as cmdline:
                if f" {database_name} ".encode() not in cmdline.read() + b" ":
                    continue
            with open(f"/proc/{pid}/stat") as stat:
                fields = stat.read().rsplit(")", 1)[1].split()
            found[int(pid)] = (int(fields[11]) + int(fields[12])) / tick
        except (FileNotFoundError, ProcessLookupError, PermissionError):
            continue
    return found


def timed_command(args, database_url):
    """Run a manage.py command; return (seconds, peak memory of its process tree, output, CPU).
    The peak is (resident, own): see tree_rss.

    CPU is the seconds the command's processes and the database's backends serving it spent
    working: on a machine others share, it says what a run costs better than the clock does.
    """
    database_name = database_url.rsplit("/", 1)[1]
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.monotonic()
    process = subprocess.Popen(
        [PYTHON, str(ROOT / "manage.py"), *args],
        env=command_env(database_url),
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    peak, backends = [0, 0], {}

    def watch():
        while process.poll() is None:
            peak[0] = max(peak[0], tree_rss(process.pid))
            peak[1] = max(peak[1], tree_rss(process.pid, "RssAnon"))
            backends.update(postgres_cpu(database_name))
            time.sleep(0.1)

    watcher = threading.Thread(target=watch, daemon=True)
    watcher.start()
    output = process.communicate()[0]
    elapsed = time.monotonic() - started
    watcher.join()
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if process.returncode:
        print(output[-3000:])
        raise SystemExit(f"{' '.join(args)} failed with status {process.returncode}")
    cpu = {
        "python_seconds": round(after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime, 1),
        "postgres_seconds": round(sum(backends.values()), 1),
    }
    return elapsed, tuple(peak), output, cpu
