"""Benchmark: ingest N generated pages into a fresh PostgreSQL database, then again unchanged.

    python bench/ingest.py --n 100000

Prints files per second and the peak memory of the ingest's processes for both runs. The
goal on 2 cores: at least 2,000 files/s the first time and 10,000 files/s unchanged.
"""
import argparse
import json
import re
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import corpus, fresh_database, manage, timed_command  # noqa: E402


def run(n, database="archive_bench", jobs=None):
    folder = corpus(n)
    url = fresh_database(database)
    manage(["migrate", "--noinput", "-v0"], url, check=True)
    results = {"n": n}
    extra = ["--jobs", str(jobs)] if jobs else []
    for label in ("first", "unchanged"):
        seconds, peak, output = timed_command(["ingest", str(folder), "--no-progress", *extra], url)
        summary = [line for line in output.splitlines() if line.startswith("Files seen")]
        seen = int(re.search(r"Files seen: ([\d,]+)", summary[-1])[1].replace(",", ""))
        results[label] = {
            "files": seen,
            "seconds": round(seconds, 1),
            "files_per_second": round(seen / seconds),
            "peak_memory_mb": round(peak / 2**20),
            "summary": summary[-1],
        }
    return results


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=100_000, help="pages to generate (default 100,000)")
    parser.add_argument("--jobs", type=int, default=None, help="parser processes (default: ingest's own)")
    args = parser.parse_args()
    results = run(args.n, jobs=args.jobs)
    print(f"\nIngest of {args.n:,} generated pages into PostgreSQL")
    print(f"{'run':<10} {'files':>9} {'seconds':>8} {'files/s':>8} {'peak MB':>8}")
    for label in ("first", "unchanged"):
        r = results[label]
        print(f"{label:<10} {r['files']:>9,} {r['seconds']:>8} {r['files_per_second']:>8,} {r['peak_memory_mb']:>8}")
    print(json.dumps(results))


if __name__ == "__main__":
    main()
