"""Health checks of the Docker stack, standard library only (no curl in the slim image).

python docker/healthcheck.py web      # GET /healthz on the local gunicorn, with an allowed Host
python docker/healthcheck.py beat     # the beat schedule file was written in the last 10 minutes
"""

import glob
import os
import sys
import time
import urllib.request


def web():
    hosts = [h.strip() for h in os.environ.get("ALLOWED_HOSTS", "localhost").split(",") if h.strip()]
    host = next((h.lstrip(".") for h in hosts if h != "*"), "localhost")
    port = os.environ.get("GUNICORN_BIND", "0.0.0.0:8000").rsplit(":", 1)[-1]
    request = urllib.request.Request(f"http://127.0.0.1:{port}/healthz", headers={"Host": host})
    with urllib.request.urlopen(request, timeout=5) as response:  # noqa: S310 - a fixed local URL
        return response.status == 200


def beat():
    # celery beat (PersistentScheduler) syncs its schedule file at least every 3 minutes while it runs.
    var_dir = os.environ.get("GUICHET_VAR_DIR", "/app/var")
    files = glob.glob(os.path.join(var_dir, "celery", "beat-schedule*"))
    return bool(files) and time.time() - max(os.path.getmtime(f) for f in files) < 600


if __name__ == "__main__":
    checks = {"web": web, "beat": beat}
    try:
        sys.exit(0 if checks[sys.argv[1]]() else 1)
    except Exception as exc:  # noqa: BLE001 - any failure means unhealthy
        print(f"unhealthy: {exc}", file=sys.stderr)
        sys.exit(1)
