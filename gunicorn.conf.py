"""gunicorn's settings for `make serve` and the benchmark (bench/run.py serves with this file)."""

import os

workers = int(os.environ.get("WORKERS", "2"))
timeout = 30
accesslog = "-"
