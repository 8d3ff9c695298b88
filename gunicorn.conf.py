"""gunicorn configuration for Guichet (read by `gunicorn portal.wsgi:application -c gunicorn.conf.py`).

Environment: WEB_CONCURRENCY (worker processes), GUNICORN_THREADS (threads per worker),
GUNICORN_MAX_REQUESTS (requests before a worker is recycled, 0: never),
FORWARDED_ALLOW_IPS (addresses of the TLS proxy allowed to set X-Forwarded-*), GUNICORN_BIND.
"""

import multiprocessing
import os

bind = os.environ.get("GUNICORN_BIND", "0.0.0.0:8000")
workers = int(os.environ.get("WEB_CONCURRENCY") or min(multiprocessing.cpu_count() * 2 + 1, 8))
threads = int(os.environ.get("GUNICORN_THREADS", "1"))
worker_class = "gthread" if threads > 1 else "sync"

# The reverse proxy in front terminates TLS and says so with X-Forwarded-Proto.
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1,::1")

timeout = 30
graceful_timeout = 30
keepalive = 5
# Recycle workers now and then (memory growth), not all at the same time.
# GUNICORN_MAX_REQUESTS=0 turns it off (the bench: no worker restarts in the middle of a measure).
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", "2000"))
max_requests_jitter = 200 if max_requests else 0
# A heartbeat file on tmpfs: a container's overlay filesystem can block workers.
_SHM = "/dev/shm"  # noqa: S108 - gunicorn's documented choice, not a shared temp file
worker_tmp_dir = _SHM if os.path.isdir(_SHM) else None

accesslog = "-"
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")
access_log_format = '%({x-forwarded-for}i)s %(h)s "%(r)s" %(s)s %(b)s %(M)sms "%(a)s"'


def post_worker_init(worker):
    """The application's modules are loaded: their objects go to the permanent generation, so that the
    garbage collector's full passes no longer walk them at each request's allocations (gc.freeze)."""
    import gc

    gc.collect()
    gc.freeze()
