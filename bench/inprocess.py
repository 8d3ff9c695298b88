"""In-process timings for bench/run.py: each page through Django's test client, with the bench's settings.

Reads a JSON list of {"path", "cookie"} on stdin (cookie: "name=value" or ""), prints one JSON object
per page on stdout: p50 ms of the whole request, p50 ms of SQL (time spent in cursor.execute), the
query count, the response size, as served (fragments kept: core/fragments.py) and rendered
(`cold_*`: every fragment rendered, what the page costs after a write to what it shows). Run by
bench/run.py with the same environment as gunicorn (production settings, PostgreSQL, Redis); not
meant to be run alone.
"""

import json
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


class SQLTimer:
    def __init__(self):
        self.count = 0
        self.seconds = 0.0

    def __call__(self, execute, sql, params, many, context):
        start = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            self.seconds += time.perf_counter() - start
            self.count += 1


def measure(client, path, runs):
    from django.db import connection

    def fetch():
        timer = SQLTimer()
        start = time.perf_counter()
        with connection.execute_wrapper(timer):
            response = client.get(path, secure=True, HTTP_ACCEPT_LANGUAGE="fr")
            if response.status_code != 200:
                raise SystemExit(f"{path}: HTTP {response.status_code} ({response.get('Location')})")
            size = len(b"".join(response.streaming_content)) if response.streaming else len(response.content)
        return (time.perf_counter() - start) * 1000, timer.seconds * 1000, timer.count, size

    from core import fragments

    fetch()  # warm-up
    samples = [fetch() for _ in range(runs)]
    with fragments.disabled():
        cold = [fetch() for _ in range(runs)]
    return {
        "ms": statistics.median(s[0] for s in samples),
        "sql_ms": statistics.median(s[1] for s in samples),
        "queries": max(s[2] for s in samples),
        "bytes": samples[-1][3],
        "cold_ms": statistics.median(s[0] for s in cold),
        "cold_sql_ms": statistics.median(s[1] for s in cold),
        "cold_queries": max(s[2] for s in cold),
    }


def main():
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.test import Client

    pages = json.load(sys.stdin)
    runs = int(os.environ.get("BENCH_INPROCESS_RUNS", "15"))
    for page in pages:
        client = Client()
        if page["cookie"]:
            name, value = page["cookie"].split("=", 1)
            client.cookies[name] = value
        result = measure(client, page["path"], max(3, runs // page.get("divisor", 1)))
        print(json.dumps({**page, **result}), flush=True)


if __name__ == "__main__":
    main()
