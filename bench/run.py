"""The bench: every target of the performance issue, measured in one run, printed in one table.

    make bench            (or .venv/bin/python bench/run.py [--window 4] [--clients 16] [--pairs 2])

Stack: gunicorn (portal.settings.production, plain HTTP on the loopback: SECURE_SSL_REDIRECT=false,
no worker recycling during the run: GUNICORN_MAX_REQUESTS=0) on PostgreSQL (database guichet_bench)
and Redis (database 2). The database holds the spec's volumes: seed_demo, benefits_seed_volume
(300 cooperatives, 20,000 cooperators, 100,000 requests), partners_seed_volume and
interim_seed_volume (one agency: 5,000 workers, 200,000 contracts), made once
(a minute); --reset drops it first.

Method (bench/pages.py lists what is measured):
- In-process: each page through Django's test client with the same settings: p50 ms, of which SQL,
  and the query count, as served (the parts kept in fragments, core/fragments.py, come from memory
  while nothing they show was written) and rendered (every fragment rendered: after a write).
  The key pages are measured as served; the lists against Django admin, the deep page, the
  statistics' SQL and the query counts as rendered (a parameter of its own on each request).
- Under load: a closed loop of --clients clients (threads of this process, pinned to the second core;
  gunicorn pinned to the first: BENCH_PIN=0 leaves both free). Each page is measured in alternating
  adjacent windows against its reference, R P R P R (--pairs pairs, --window seconds each):
  the throughput ratio is the page's requests/s over the mean of the reference's windows, and the
  spread (±) is half the difference of the ratios of the two pairs: the drift of the machine's load.
- Exports: one request at a time, time to the first byte and to the last, the gunicorn workers' peak
  RSS, against COPY ... TO STDOUT CSV of the same rows.
- Timed jobs (--jobs), on a copy of the database (guichet_bench_jobs): the purge reminder then the
  14-day purge of benefit requests on 100,000 back-dated requests (benefits.services
  unapproved_requests_remind and unapproved_requests_purge), and the 10-day tacit acceptance of
  100,000 access requests seeded in the copy (habilitations.services.tacit_acceptance_run).

Environment: BENCH_DATABASE_URL (default postgres://postgres@127.0.0.1:5432/guichet_bench),
BENCH_REDIS_URL (default redis://127.0.0.1:6379/2), BENCH_WORKERS (gunicorn workers, default 3).
The table is also written to bench/results/<date>.txt.
"""

import argparse
import datetime
import json
import os
import platform
import secrets
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import load
import pages as spec

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
PYTHON = sys.executable
RESULTS = ROOT / "bench" / "results"

DATABASE_URL = os.environ.get("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/guichet_bench")
REDIS_URL = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/2")
WORKERS = os.environ.get("BENCH_WORKERS", "3")
PIN = os.environ.get("BENCH_PIN", "1") != "0" and (os.cpu_count() or 1) >= 2


def say(message):
    print(f"[bench] {message}", file=sys.stderr, flush=True)


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


def admin_url(url=DATABASE_URL):
    parts = urllib.parse.urlsplit(url)
    return parts._replace(path="/postgres").geturl().replace("postgres://", "postgresql://", 1)


def database_name(url=DATABASE_URL):
    return urllib.parse.urlsplit(url).path.lstrip("/")


def with_database(name, url=DATABASE_URL):
    return urllib.parse.urlsplit(url)._replace(path=f"/{name}").geturl()


def ensure_database(reset):
    """Creates the bench database when absent; True when it is new."""
    import psycopg

    name = database_name()
    with psycopg.connect(admin_url(), autocommit=True) as conn:
        if reset:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        if conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).fetchone() is None:
            say(f"creating database {name}")
            conn.execute(f'CREATE DATABASE "{name}"')
            return True
    return False


def manage(args, env, capture=False):
    result = subprocess.run(
        [PYTHON, "manage.py", *args], cwd=ROOT, env=env, capture_output=capture, text=True, check=False
    )
    if result.returncode != 0:
        if capture:
            sys.stderr.write(result.stdout + result.stderr)
        raise SystemExit(f"manage.py {' '.join(args)} failed (exit {result.returncode})")
    return result.stdout if capture else ""


SESSION_SNIPPET = """
import json
from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.sessions.backends.base import SessionBase
from django.utils.module_loading import import_string
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.models import User
from accounts.services.consent import consent_accept, consent_pending

store = import_string(settings.SESSION_ENGINE + ".SessionStore")
cookies = {}
for role, identifier in ROLES.items():
    user = User.objects.get(identifier=identifier)
    pending = consent_pending(user)
    if pending:  # the bench users have gone through the first-login steps
        from accounts.services.consent import consent_extras_for
        boxes = [extra.field for _text, extra in consent_extras_for(user, pending)]
        consent_accept(user=user, texts=pending, extras=boxes)
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first() or TOTPDevice.objects.create(
        user=user, name="bench", confirmed=True
    )
    sessions = []
    for _ in range(COUNT):  # one session per simulated client, as many browsers would have
        session = store()
        session[SESSION_KEY] = str(user.pk)
        session[BACKEND_SESSION_KEY] = "accounts.backends.IdentifierBackend"
        session[HASH_SESSION_KEY] = user.get_session_auth_hash()
        session[DEVICE_ID_SESSION_KEY] = device.persistent_id
        session.create()
        sessions.append(settings.SESSION_COOKIE_NAME + "=" + session.session_key)
    cookies[role] = sessions
print("BENCH_COOKIES=" + json.dumps(cookies))

# The ids in the paths, computed by the expressions of bench/pages.py.
from django.apps import apps
from django.db.models import Count

model = apps.get_model
users = {role: User.objects.get(identifier=identifier) for role, identifier in ROLES.items()}
print("BENCH_IDS=" + json.dumps({name: eval(expression) for name, expression in RESOLVE.items()}))
"""


def sessions(env, count):
    """Sessions of each role's demo account, made server-side (the login form has a captcha and OTP);
    fills the ids of the paths (bench/pages.py RESOLVE) on the way."""
    snippet = (
        SESSION_SNIPPET.replace("ROLES", repr(spec.ROLES))
        .replace("RESOLVE", repr(spec.RESOLVE))
        .replace("COUNT", repr(count))
    )
    out = manage(["shell", "--no-imports", "-c", snippet], env, True)
    values = dict(line.split("=", 1) for line in out.splitlines() if line.startswith(("BENCH_COOKIES=", "BENCH_IDS=")))
    spec.resolve(json.loads(values["BENCH_IDS"]))  # the paths' ids, filled in bench/pages.py
    return json.loads(values["BENCH_COOKIES"])


def wait_ready(port, process, timeout=60):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"gunicorn exited (code {process.returncode}): see its log")
        try:
            conn = load.http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            conn.request("GET", "/readyz")
            if conn.getresponse().status == 200:
                return
        except OSError:
            pass
        time.sleep(0.3)
    raise SystemExit("gunicorn did not become ready")


def worker_pids(master):
    out = subprocess.run(["pgrep", "-P", str(master)], capture_output=True, text=True, check=False).stdout
    return [int(pid) for pid in out.split()]


def peak_rss_mb(pids):
    peak = 0
    for pid in pids:
        try:
            for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                if line.startswith("VmHWM:"):
                    peak = max(peak, int(line.split()[1]) // 1024)
        except OSError:
            continue
    return peak


class Bench:
    def __init__(self, port, cookies, options):
        self.port = port
        self.cookies = cookies
        self.options = options

    def cookie(self, role, index=0):
        return self.cookies[role][index % len(self.cookies[role])] if role else None

    def window(self, path, role, rendered=False):
        """One window of load on `path`; each client its own session. `rendered`: no kept fragment
        answers (load.hammer)."""
        # One cookie for all clients is enough for the load itself; sessions differ per client in
        # real life, but the bench's sessions are identical: the first one stands for all.
        return load.hammer(
            "127.0.0.1",
            self.port,
            path,
            self.cookie(role),
            clients=self.options.clients,
            seconds=self.options.window,
            rendered=rendered,
        )

    def pairs(self, reference, page):
        """R P R P R ...: the page's throughput over its adjacent references', and the spread of the pairs."""
        refs = [self.window(*reference)]
        runs = []
        for _ in range(self.options.pairs):
            runs.append(self.window(*page))
            refs.append(self.window(*reference))
        ratios = [
            run["rps"] / (((a["rps"] + b["rps"]) / 2) or 1) for run, a, b in zip(runs, refs, refs[1:], strict=False)
        ]
        return {
            "ratio": statistics.mean(ratios),
            "spread": (max(ratios) - min(ratios)) / 2,
            "rps": statistics.mean(r["rps"] for r in runs),
            "ref_rps": statistics.mean(r["rps"] for r in refs),
            "ref_p95": max(r["p95"] for r in refs),
            "p50": statistics.median(r["p50"] for r in runs),
            "p95": max(r["p95"] for r in runs),
            "errors": sum(r["errors"] for r in runs),
        }


def inprocess(env, items):
    """In-process figures of each (path, role): {(path, role): {...}}."""
    payload = json.dumps(
        [{"path": path, "role": role, "cookie": cookie, "divisor": div} for path, role, cookie, div in items]
    )
    result = subprocess.run(
        [PYTHON, str(ROOT / "bench" / "inprocess.py")],
        cwd=ROOT,
        env=env,
        input=payload,
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode != 0:
        sys.stderr.write(result.stdout + result.stderr)
        raise SystemExit("in-process measures failed")
    rows = [json.loads(line) for line in result.stdout.splitlines() if line.startswith("{")]
    return {(row["path"], row["role"]): row for row in rows}


def plain_csv_seconds(sql, url=DATABASE_URL):
    import psycopg

    with psycopg.connect(url.replace("postgres://", "postgresql://", 1)) as conn:
        began = time.perf_counter()
        size = 0
        with conn.cursor().copy(f"COPY ({sql}) TO STDOUT WITH CSV HEADER") as copy:
            for block in copy:
                size += len(block)
        return time.perf_counter() - began, size


JOBS_SNIPPET = """
import time
from datetime import timedelta
from django.db import connection
from django.utils import timezone
from accounts.enums import OrganisationKind, Role
from accounts.models import Membership, Organisation, User
from benefits.models import BenefitRequest, Cooperative
from benefits import selectors, services
from core.models import OutboundMessage
from habilitations import selectors as habilitations_selectors, services as habilitations_services
from habilitations.models import AccessRequest, Application

queries = [0]
def count(execute, sql, params, many, context):
    queries[0] += 1
    return execute(sql, params, many, context)
def measure(name, job, due, left):
    \"\"\"Times one job on what is due; prints its line: seconds, due, left, queries, e-mails written.\"\"\"
    with connection.cursor() as cursor:  # the statistics of the tables as seeded
        cursor.execute("ANALYZE")
    before = OutboundMessage.objects.count()
    queries[0] = 0
    began = time.perf_counter()
    with connection.execute_wrapper(count):
        job()
    elapsed = time.perf_counter() - began
    written = OutboundMessage.objects.count() - before
    print(f"BENCH_JOBS={name} {elapsed:.3f} {due} {left()} {queries[0]} {written}")

ids = list(BenefitRequest.objects.order_by("pk").values_list("pk", flat=True)[:ROWS])
now = timezone.now()

# The purge reminder: ROWS requests awaiting approval, entered 12 days ago (3 days before the purge);
# each of their cooperatives has an HR manager (told with the cooperators: one e-mail each, listing).
BenefitRequest.objects.filter(pk__in=ids).update(state="awaiting", created_at=now - timedelta(days=12))
managed = Membership.objects.filter(role=Role.COOP_MANAGER).values("organisation_id")
unmanaged = list(Cooperative.objects.exclude(organisation_id__in=managed).values_list("organisation_id", flat=True))
managers = User.objects.bulk_create(
    [User(identifier=f"bench-rh-{pk}", email=f"bench-rh-{pk}@bench.test", last_name=f"RH {pk}") for pk in unmanaged]
)
Membership.objects.bulk_create(
    [Membership(user=u, organisation_id=pk, role=Role.COOP_MANAGER) for u, pk in zip(managers, unmanaged)]
)
due = selectors.purge_reminder_candidates().count()
measure("reminder", services.unapproved_requests_remind, due, lambda: selectors.purge_reminder_candidates().count())

# The 14-day purge: the same requests, entered 15 days ago.
BenefitRequest.objects.filter(pk__in=ids).update(created_at=now - timedelta(days=15))
due = selectors.purge_candidates().count()
measure("purge", services.unapproved_requests_purge, due, lambda: selectors.purge_candidates().count())

# The 10-day tacit acceptance: ROWS access requests made 11 days ago (reminded already), four per user
# (12 applications, half managed centrally), the users spread over 100 organismes.
organismes = Organisation.objects.bulk_create(
    [Organisation(kind=OrganisationKind.ORGANISME, code=f"{970000 + i}", name=f"Organisme {i}") for i in range(100)]
)
applications = Application.objects.bulk_create(
    [Application(slug=f"bench-jobs-{i}", name=f"Application {i}", management=("central", "local")[i % 2])
     for i in range(12)]
)
requesters = User.objects.bulk_create(
    [User(identifier=f"bench-agent-{i}@bench.test", email=f"bench-agent-{i}@bench.test") for i in range(ROWS // 4)],
    batch_size=5000,
)
AccessRequest.objects.bulk_create(
    [
        AccessRequest(
            user=user,
            organisme=organismes[index % len(organismes)],
            application=applications[(index + n * 3) % len(applications)],
            created_at=now - timedelta(days=11),
            reminders_sent=2,
        )
        for index, user in enumerate(requesters)
        for n in range(4)
    ],
    batch_size=5000,
)
due = habilitations_selectors.due_for_tacit_acceptance().count()
measure(
    "tacit", habilitations_services.tacit_acceptance_run, due,
    lambda: habilitations_selectors.due_for_tacit_acceptance().count(),
)
"""
JOB_LABELS = {"reminder": "purge reminder", "purge": "purge", "tacit": "tacit acceptance"}


def jobs(env, rows):
    """The timed jobs on `rows` back-dated rows each, on a copy of the bench database (its requests made
    due for the purge's reminder then the purge; access requests seeded for the tacit acceptance):
    {job: (seconds, due, left, queries, e-mails written)}."""
    import psycopg

    name = database_name()
    copy = f"{name}_jobs"
    with psycopg.connect(admin_url(), autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{copy}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{copy}" TEMPLATE "{name}"')
    try:
        job_env = {**env, "DATABASE_URL": with_database(copy), "CELERY_TASK_ALWAYS_EAGER": "false"}
        out = manage(["shell", "--no-imports", "-c", JOBS_SNIPPET.replace("ROWS", str(rows))], job_env, True)
        found = {}
        for line in out.splitlines():
            if line.startswith("BENCH_JOBS="):
                job, seconds, due, left, queries, written = line.split("=", 1)[1].split()
                found[job] = (float(seconds), int(due), int(left), int(queries), int(written))
        return found
    finally:
        with psycopg.connect(admin_url(), autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{copy}" WITH (FORCE)')


def verdict(ok):
    return "met" if ok else "NOT met"


def report(results, options, started, load_before, load_after):
    head = (
        f"Guichet bench, {started:%Y-%m-%d %H:%M} UTC, {platform.node()} ({os.cpu_count()} cores, "
        f"{platform.python_implementation()} {platform.python_version()}); gunicorn {WORKERS} sync workers"
        f"{' on core 0, load on core 1' if PIN else ''}; {options.clients} clients, windows of {options.window} s, "
        f"{options.pairs} pairs; load average {load_before:.1f} before, {load_after:.1f} after."
    )
    lines = [head, ""]
    lines += [
        "| page | in-process ms (SQL) | queries | rendered: ms (SQL), queries | req/s | ratio | p95 ms |",
        "|---|---|---|---|---|---|---|",
    ]
    for row in results["pages"]:
        lines.append(
            f"| {row['label']} | {row['ms']:.1f} ({row['sql_ms']:.1f}) | {row['queries']} "
            f"| {row['cold_ms']:.1f} ({row['cold_sql_ms']:.1f}), {row['cold_queries']} | {row['rps']:.0f} "
            f"| {row['ratio']:.2f} ±{row['spread']:.2f} | {row['p95']:.0f} |"
        )
    lines += ["", "| target | measured | |", "|---|---|---|"]
    for target, measured, ok in results["targets"]:
        lines.append(f"| {target} | {measured} | {verdict(ok)} |")
    return "\n".join(lines)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--window", type=float, default=float(os.environ.get("BENCH_WINDOW", "4")))
    parser.add_argument("--clients", type=int, default=int(os.environ.get("BENCH_CLIENTS", "16")))
    parser.add_argument("--pairs", type=int, default=2)
    parser.add_argument("--jobs", action=argparse.BooleanOptionalAction, default=True, help="the timed jobs")
    parser.add_argument("--job-rows", type=int, default=100_000)
    parser.add_argument("--reset", action="store_true", help="drop the bench database and seed it again")
    options = parser.parse_args()

    for what, url, port in (("PostgreSQL", DATABASE_URL, 5432), ("Redis", REDIS_URL, 6379)):
        if not reachable(url, port):
            raise SystemExit(f"{what} is not reachable at {url}: start it (see README, 'PostgreSQL and Redis')")
    new = ensure_database(options.reset)

    workdir = Path(tempfile.mkdtemp(prefix="guichet-bench-"))
    port = free_port()
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "portal.settings.production",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "SECURE_SSL_REDIRECT": "false",
        "ALLOWED_HOSTS": "127.0.0.1,localhost,testserver",
        "DATABASE_URL": DATABASE_URL,
        "REDIS_URL": REDIS_URL,
        "EMAIL_URL": "consolemail://",
        "GUICHET_VAR_DIR": str(workdir / "var"),
        "LOG_LEVEL": "WARNING",
        "GUNICORN_BIND": f"127.0.0.1:{port}",
        "GUNICORN_MAX_REQUESTS": "0",
        "GUNICORN_LOG_LEVEL": "warning",
        "WEB_CONCURRENCY": WORKERS,
        "PYTHONUNBUFFERED": "1",
    }
    gunicorn = log = None
    started = datetime.datetime.now(datetime.UTC)
    try:
        say("migrate; seed_demo and the volumes (new database only); collectstatic")
        manage(["migrate", "--no-input", "-v", "0"], env)
        # Development commands (refused without DEBUG): run with the development settings.
        seed_env = {**env, "DJANGO_SETTINGS_MODULE": "portal.settings.development"}
        if new:
            for command in ("seed_demo", "benefits_seed_volume", "partners_seed_volume", "interim_seed_volume"):
                manage([command], seed_env, capture=True)
        else:  # adds only what a database made before lacks (the client's timesheets), else nothing
            manage(["interim_seed_volume"], seed_env, capture=True)
        manage(["collectstatic", "--no-input", "-v", "0"], env)
        cookies = sessions(env, 1)

        say("in-process measures")
        items = [(spec.BASELINE.path, None, "", 1)]
        items += [(p.path, p.role, cookies[p.role][0], 1) for p in spec.PAGES]
        for item in spec.LISTS:
            items += [
                (item.path, item.role, cookies[item.role][0], 1),
                (item.admin_path, "admin", cookies["admin"][0], 1),
            ]
        for item in spec.DEEP:
            items += [
                (item.first, item.role, cookies[item.role][0], 1),
                (item.deep, item.role, cookies[item.role][0], 1),
            ]
        items += [(e.path, e.role, cookies[e.role][0], 5) for e in spec.EXPORTS]
        measured = inprocess(env, items)

        say(f"gunicorn on 127.0.0.1:{port} ({WORKERS} workers)")
        log = open(workdir / "gunicorn.log", "w")  # noqa: SIM115 - kept open while gunicorn runs
        command = [str(BIN / "gunicorn"), "portal.wsgi:application", "--config", "gunicorn.conf.py"]
        gunicorn = subprocess.Popen(
            ["taskset", "-c", "0", *command] if PIN else command,
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        wait_ready(port, gunicorn)
        if PIN:
            os.sched_setaffinity(0, {1})
        bench = Bench(port, cookies, options)
        every = [(spec.BASELINE.path, None)] + [(p.path, p.role) for p in spec.PAGES]
        every += [(item.path, item.role) for item in spec.LISTS] + [(item.admin_path, "admin") for item in spec.LISTS]
        every += [(item.deep, item.role) for item in spec.DEEP]
        for path, role in every:  # warm-up: templates, connections, caches of every worker
            load.hammer("127.0.0.1", port, path, bench.cookie(role), clients=int(WORKERS) * 2, seconds=0.5)

        load_before = os.getloadavg()[0]
        results = {"pages": [], "targets": []}
        baseline = (spec.BASELINE.path, None)
        rows = [(spec.BASELINE, None)]
        for page in spec.PAGES:
            say(f"pairs: {page.label}")
            rows.append((page, bench.pairs(baseline, (page.path, page.role))))
        base_ref = statistics.mean(stats["ref_rps"] for _page, stats in rows[1:])
        for page, stats in rows:
            figures = measured[(page.path, page.role)]
            if stats is None:  # the reference itself: its windows of every pair
                p95 = max(stats["ref_p95"] for _page, stats in rows[1:])
                stats = {"ratio": 1.0, "spread": 0.0, "rps": base_ref, "p95": p95}
            results["pages"].append({"label": page.label, **figures, **stats})
        by_label = {row["label"]: row for row in results["pages"]}

        signed_in = by_label[spec.PAGES[0].label]
        results["targets"].append(
            (
                "bare view signed in >= 0.5x anonymous",
                f"{signed_in['ratio']:.2f}x ±{signed_in['spread']:.2f}",
                signed_in["ratio"] >= 0.5,
            )
        )
        for page in spec.PAGES:
            if page.key:
                row = by_label[page.label]
                results["targets"].append(
                    (
                        f"{page.label} >= 0.2x, p95 <= 150 ms",
                        f"{row['ratio']:.2f}x ±{row['spread']:.2f}, p95 {row['p95']:.0f} ms",
                        row["ratio"] >= 0.2 and row["p95"] <= 150,
                    )
                )
        for item in spec.LISTS:
            say(f"pairs: {item.label} vs Django admin")
            # Rendered at each request (no kept fragment answers): the rendering against admin's.
            stats = bench.pairs((item.admin_path, "admin"), (item.path, item.role, True))
            ours, admin = measured[(item.path, item.role)], measured[(item.admin_path, "admin")]
            results["targets"].append(
                (
                    f"{item.label} >= 2x Django admin",
                    f"{stats['ratio']:.2f}x ±{stats['spread']:.2f} "
                    f"(in-process, rendered: {ours['cold_ms']:.0f} vs {admin['cold_ms']:.0f} ms)",
                    stats["ratio"] >= 2,
                )
            )
        for item in spec.DEEP:
            say(f"pairs: {item.label}")
            stats = bench.pairs((item.first, item.role, True), (item.deep, item.role, True))  # both rendered
            first, deep = measured[(item.first, item.role)], measured[(item.deep, item.role)]
            time_ratio = 1 / stats["ratio"] if stats["ratio"] else float("inf")
            results["targets"].append(
                (
                    f"{item.label} <= 1.5x the time",
                    f"{time_ratio:.2f}x (in-process, rendered: {deep['cold_ms']:.0f} vs {first['cold_ms']:.0f} ms)",
                    time_ratio <= 1.5,
                )
            )
        label, path, role = spec.STATISTICS
        stats_row = measured[(path, role)]
        results["targets"].append(
            (
                "statistics <= 50 ms of SQL",
                f"{stats_row['cold_sql_ms']:.1f} ms ({stats_row['cold_queries']} queries), rendered",
                stats_row["cold_sql_ms"] <= 50,
            )
        )
        # Counted as rendered: what a page costs after a write to what it shows.
        worst = max((row for row in measured.values() if row["role"]), key=lambda row: row["cold_queries"])
        results["targets"].append(
            (
                "<= 12 queries a page, rendered",
                f"at most {worst['cold_queries']} ({worst['path']})",
                worst["cold_queries"] <= 12,
            )
        )
        for export in spec.EXPORTS:
            say(f"export: {export.label}")
            timings = [load.first_byte("127.0.0.1", port, export.path, bench.cookie(export.role)) for _ in range(3)]
            ttfb = statistics.median(t[0] for t in timings)
            total = statistics.median(t[1] for t in timings)
            rss = peak_rss_mb(worker_pids(gunicorn.pid))
            plain = statistics.median(plain_csv_seconds(export.plain)[0] for _ in range(3))
            results["targets"].append((f"{export.label}: first byte < 1 s", f"{ttfb * 1000:.0f} ms", ttfb < 1))
            results["targets"].append((f"{export.label}: worker RSS < 150 MB", f"{rss} MB peak", rss < 150))
            results["targets"].append(
                (
                    f"{export.label}: total <= 3x plain CSV",
                    f"{total / plain:.1f}x ({total:.2f} s vs {plain:.2f} s)",
                    total <= 3 * plain,
                )
            )
        load_after = os.getloadavg()[0]
        os.killpg(gunicorn.pid, signal.SIGTERM)
        gunicorn.wait(30)
        if options.jobs:
            say(f"timed jobs: purge reminder, purge, tacit acceptance of {options.job_rows} rows (a copy)")
            for job, (seconds, due, left, queries, written) in jobs(env, options.job_rows).items():
                results["targets"].append(
                    (
                        f"{JOB_LABELS[job]} of {due} rows < 30 s",
                        f"{seconds:.1f} s, {queries} queries, {written} e-mails, {left} left",
                        seconds < 30 and left == 0,
                    )
                )
        text = report(results, options, started, load_before, load_after)
        print(text)
        RESULTS.mkdir(parents=True, exist_ok=True)
        (RESULTS / f"{started:%Y%m%d-%H%M%S}.txt").write_text(text + "\n")
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
