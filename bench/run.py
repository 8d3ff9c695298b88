"""Load bench: the production-like stack, natively, under Locust; prints one table.

    make bench            (or .venv/bin/python bench/run.py [--seconds 20] [--users 20])

Starts gunicorn (portal.settings.production, plain HTTP on the loopback: SECURE_SSL_REDIRECT=false)
on PostgreSQL (database guichet_bench, created when absent) and Redis (database 2), after migrate,
seed_demo (when the database is new) and collectstatic into a temporary folder. Logs the bench user
in (a demo account), then runs Locust headless once per page of bench/pages.py and prints requests/s,
p50 and p95 of each, with the ratio of its p50 to the baseline's. Stops what it started.

Environment: BENCH_DATABASE_URL (default postgres://postgres@127.0.0.1:5432/guichet_bench),
BENCH_REDIS_URL (default redis://127.0.0.1:6379/2), BENCH_USER (default rh@ateliers-canal.demo),
BENCH_WORKERS (gunicorn workers, default 3).
"""

import argparse
import csv
import datetime
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

from pages import PAGES

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
PYTHON = sys.executable
RESULTS = ROOT / "bench" / "results"

DATABASE_URL = os.environ.get("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/guichet_bench")
REDIS_URL = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/2")
BENCH_USER = os.environ.get("BENCH_USER", "rh@ateliers-canal.demo")
WORKERS = os.environ.get("BENCH_WORKERS", "3")


def say(message):
    print(f"[bench] {message}", flush=True)


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def reachable(url, default_port):
    parts = urllib.parse.urlsplit(url)
    try:
        with socket.create_connection((parts.hostname, parts.port or default_port), timeout=2):
            return True
    except OSError:
        return False


def ensure_database():
    """Creates the bench database when absent (connecting to the server's "postgres" database)."""
    import psycopg

    parts = urllib.parse.urlsplit(DATABASE_URL)
    name = parts.path.lstrip("/")
    admin = parts._replace(path="/postgres").geturl().replace("postgres://", "postgresql://", 1)
    with psycopg.connect(admin, autocommit=True) as conn:
        if conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).fetchone() is None:
            say(f"creating database {name}")
            conn.execute(f'CREATE DATABASE "{name}"')


def manage(args, env, capture=False):
    result = subprocess.run(
        [PYTHON, "manage.py", *args], cwd=ROOT, env=env, capture_output=capture, text=True, check=False
    )
    if result.returncode != 0:
        if capture:
            sys.stderr.write(result.stdout + result.stderr)
        raise SystemExit(f"manage.py {' '.join(args)} failed (exit {result.returncode})")
    return result.stdout if capture else ""


LOGIN_SNIPPET = """
import sys
from django.conf import settings
from django.contrib.auth import get_user_model
from django.test import Client

User = get_user_model()
user = User.objects.filter(identifier__iexact=sys.argv[1], is_active=True).first()
if user is None:
    user = (
        User.objects.filter(is_active=True, is_superuser=False, memberships__is_active=True)
        .order_by("pk")
        .first()
    )
# The bench user has gone through the first-login steps (gates): consents accepted.
try:
    from accounts.services.consent import consent_accept, consent_pending
except ImportError:
    pass
else:
    pending = consent_pending(user)
    if pending:
        consent_accept(user=user, texts=pending, health_data=True)
print("BENCH_USER=" + user.identifier)
for _ in range(int(sys.argv[2])):  # one session per simulated user, as many browsers would have
    client = Client(HTTP_X_FORWARDED_PROTO="https")
    client.force_login(user)
    print("BENCH_COOKIE=" + settings.SESSION_COOKIE_NAME + "=" + client.cookies[settings.SESSION_COOKIE_NAME].value)
"""


def login_cookies(env, count):
    """Sessions of the bench user, created server-side (the login form has a captcha and OTP gates)."""
    snippet = LOGIN_SNIPPET.replace("sys.argv[1]", repr(BENCH_USER)).replace("sys.argv[2]", repr(count))
    out = manage(["shell", "--no-imports", "-c", snippet], env, True)
    lines = [line.split("=", 1) for line in out.splitlines() if line.startswith("BENCH_")]
    user = next(value for key, value in lines if key == "BENCH_USER")
    return user, [value for key, value in lines if key == "BENCH_COOKIE"]


def get(url, cookie=None):
    request = urllib.request.Request(url, headers={"Cookie": cookie} if cookie else {})

    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args, **kwargs):
            return None

    opener = urllib.request.build_opener(NoRedirect)
    try:
        with opener.open(request, timeout=10) as response:
            return response.status, response.headers
    except urllib.error.HTTPError as error:
        return error.code, error.headers


def wait_ready(base, process, timeout=60):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"gunicorn exited (code {process.returncode}): see its log")
        try:
            if get(base + "/readyz")[0] == 200:
                return
        except OSError:
            pass
        time.sleep(0.3)
    raise SystemExit("gunicorn did not become ready")


def run_locust(base, page, cookies, seconds, users, workdir):
    prefix = workdir / f"locust-{page.label}"
    env = dict(
        os.environ, BENCH_PATH=page.path, BENCH_NAME=page.label, BENCH_COOKIES="\n".join(cookies) if page.login else ""
    )
    command = [
        str(BIN / "locust"),
        "-f",
        str(ROOT / "bench" / "locustfile.py"),
        "--headless",
        "--only-summary",
        "--users",
        str(users),
        "--spawn-rate",
        str(users),
        "--run-time",
        f"{seconds}s",
        "--host",
        base,
        "--csv",
        str(prefix),
        "--loglevel",
        "WARNING",
        "--exit-code-on-error",
        "0",
    ]
    with open(workdir / f"locust-{page.label}.log", "w") as log:
        result = subprocess.run(command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, check=False)
    if result.returncode != 0:
        raise SystemExit(f"locust failed for {page.path}: see {workdir}/locust-{page.label}.log")
    with open(f"{prefix}_stats.csv", newline="") as handle:
        row = next(r for r in csv.DictReader(handle) if r["Name"] == page.label)
    return {
        "requests": int(row["Request Count"]),
        "failures": int(row["Failure Count"]),
        "rps": float(row["Requests/s"]),
        "p50": float(row["50%"]),
        "p95": float(row["95%"]),
    }


def table(rows, seconds, users, user):
    baseline = rows[0][1]["p50"] or 1.0
    lines = [
        f"Guichet bench - gunicorn ({WORKERS} workers) + PostgreSQL + Redis, {users} users, {seconds} s per page, "
        f"{datetime.datetime.now():%Y-%m-%d %H:%M}",
        "",
        f"| {'page':<14} | {'path':<20} | {'req/s':>7} | {'p50 ms':>7} | {'p95 ms':>7} | {'p50/base':>8} "
        f"| {'errors':>6} |",
        f"|{'-' * 16}|{'-' * 22}|{'-' * 9}|{'-' * 9}|{'-' * 9}|{'-' * 10}|{'-' * 8}|",
    ]
    for page, stats in rows:
        lines.append(
            f"| {page.label:<14} | {page.path:<20} | {stats['rps']:>7.1f} | {stats['p50']:>7.0f} "
            f"| {stats['p95']:>7.0f} | {stats['p50'] / baseline:>8.2f} | {stats['failures']:>6} |"
        )
    lines += [
        "",
        f"Logged-in pages as {user} (one session per simulated user). "
        f"Baseline: {rows[0][0].path} (a bare template view). Load average at the end: {os.getloadavg()[0]:.1f}.",
    ]
    return "\n".join(lines)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seconds", type=int, default=int(os.environ.get("BENCH_SECONDS", "20")))
    parser.add_argument("--users", type=int, default=int(os.environ.get("BENCH_USERS", "20")))
    options = parser.parse_args()

    for what, url, port in (("PostgreSQL", DATABASE_URL, 5432), ("Redis", REDIS_URL, 6379)):
        if not reachable(url, port):
            raise SystemExit(f"{what} is not reachable at {url}: start it (see README, 'PostgreSQL and Redis')")
    ensure_database()

    workdir = Path(tempfile.mkdtemp(prefix="guichet-bench-"))
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "portal.settings.production",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "SECURE_SSL_REDIRECT": "false",
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "DATABASE_URL": DATABASE_URL,
        "REDIS_URL": REDIS_URL,
        "EMAIL_URL": "consolemail://",
        "GUICHET_VAR_DIR": str(workdir / "var"),
        "LOG_LEVEL": "WARNING",
        "GUNICORN_BIND": f"127.0.0.1:{port}",
        "WEB_CONCURRENCY": WORKERS,
        "PYTHONUNBUFFERED": "1",
    }
    gunicorn = log = None
    try:
        say("migrate, seed_demo (new database only), collectstatic")
        started = time.monotonic()
        manage(["migrate", "--no-input", "-v", "0"], env)
        # seed_demo is a development command (refused without DEBUG): run it with the development settings.
        seed_env = {**env, "DJANGO_SETTINGS_MODULE": "portal.settings.development"}
        if "seed_demo" in manage(["help", "--commands"], seed_env, capture=True).split():
            manage(["seed_demo"], seed_env, capture=True)
        manage(["collectstatic", "--no-input", "-v", "0"], env)
        user, cookies = login_cookies(env, options.users)
        say(f"ready in {time.monotonic() - started:.0f} s")

        say(f"gunicorn on {base} ({WORKERS} workers)")
        log = open(workdir / "gunicorn.log", "w")  # noqa: SIM115 - kept open while gunicorn runs
        gunicorn = subprocess.Popen(
            [str(BIN / "gunicorn"), "portal.wsgi:application", "--config", "gunicorn.conf.py"],
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        wait_ready(base, gunicorn)
        for page in PAGES:
            for cookie in cookies if page.login else [None]:
                status, headers = get(base + page.path, cookie)
                if status != 200:
                    raise SystemExit(f"{page.path} answers {status} (Location: {headers.get('Location')}), not 200")
            for _ in range(20):  # warm-up: templates, connections, caches
                get(base + page.path, cookies[0] if page.login else None)

        rows = []
        for page in PAGES:
            say(f"locust: {page.path} ({options.users} users, {options.seconds} s)")
            rows.append((page, run_locust(base, page, cookies, options.seconds, options.users, workdir)))
        report = table(rows, options.seconds, options.users, user)
        print()
        print(report)
        RESULTS.mkdir(parents=True, exist_ok=True)
        (RESULTS / f"{datetime.datetime.now():%Y%m%d-%H%M%S}.txt").write_text(report + "\n")
        return 0
    finally:
        if gunicorn is not None and gunicorn.poll() is None:
            os.killpg(gunicorn.pid, signal.SIGTERM)
            try:
                gunicorn.wait(30)
            except subprocess.TimeoutExpired:
                os.killpg(gunicorn.pid, signal.SIGKILL)
                gunicorn.wait()
        if log is not None:
            log.close()
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
