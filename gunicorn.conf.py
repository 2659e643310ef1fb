"""gunicorn's settings for `make serve` and the benchmark (bench/run.py serves with this file)."""

import os

workers = int(os.environ.get("WORKERS", "2"))
threads = int(os.environ.get("THREADS", "1"))
timeout = 30
accesslog = "-"
