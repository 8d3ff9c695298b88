"""A closed-loop HTTP load for bench/run.py: `clients` threads ask for one URL as fast as answered.

Each request opens its own connection (gunicorn's sync workers close after each answer), as the
anonymous baseline does: the comparison is fair. Returns throughput and latency percentiles.
"""

import http.client
import itertools
import threading
import time


def _percentile(values, fraction):
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * fraction))]


def hammer(host, port, path, cookie, *, clients, seconds, rendered=False):
    """`rendered`: each request's path gets a parameter of its own (`_bench=<n>`), so that no kept
    fragment (core/fragments.py, keyed by the full path) answers it: the page as rendered."""
    headers = {"Accept-Language": "fr", "Host": f"{host}:{port}"}
    if cookie:
        headers["Cookie"] = cookie
    latencies = []
    errors = [0]
    lock = threading.Lock()
    start = time.perf_counter()
    stop_at = start + seconds
    counter = itertools.count()
    separator = "&" if "?" in path else "?"

    def worker():
        mine, failed = [], 0
        while True:
            began = time.perf_counter()
            if began >= stop_at:
                break
            try:
                conn = http.client.HTTPConnection(host, port, timeout=30)
                url = f"{path}{separator}_bench={next(counter)}-{start}" if rendered else path
                conn.request("GET", url, headers=headers)
                response = conn.getresponse()
                response.read()
                conn.close()
                if response.status != 200:
                    failed += 1
            except OSError:
                failed += 1
            ended = time.perf_counter()
            if ended <= stop_at:  # only answers completed inside the window count
                mine.append(ended - began)
        with lock:
            latencies.extend(mine)
            errors[0] += failed

    threads = [threading.Thread(target=worker, daemon=True) for _ in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return {
        "rps": len(latencies) / seconds,
        "p50": _percentile(latencies, 0.50) * 1000,
        "p95": _percentile(latencies, 0.95) * 1000,
        "errors": errors[0],
    }


def first_byte(host, port, path, cookie):
    """(seconds to the first body byte, seconds to the last, bytes) of one request."""
    headers = {"Accept-Language": "fr"}
    if cookie:
        headers["Cookie"] = cookie
    began = time.perf_counter()
    conn = http.client.HTTPConnection(host, port, timeout=120)
    conn.request("GET", path, headers=headers)
    response = conn.getresponse()
    if response.status != 200:
        raise SystemExit(f"{path}: HTTP {response.status}")
    size = len(response.read(1))
    ttfb = time.perf_counter() - began
    while chunk := response.read(65536):
        size += len(chunk)
    conn.close()
    return ttfb, time.perf_counter() - began, size
