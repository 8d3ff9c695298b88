"""Prestations pages on the spec's volumes (300 cooperatives, 20,000 cooperators, 100,000 requests).

    .venv/bin/python bench/benefits_volume.py [--runs 20]

Creates (once) the PostgreSQL database guichet_bench_benefits (BENCH_BENEFITS_DATABASE_URL), migrates,
runs seed_demo and benefits_seed_volume, then requests each page in-process through Django's test
client (server time only: no network, no gunicorn) and prints p50 / p95 and the query count of each:
the HR manager's request list, the officers' queue, the Excel extractions, and Django admin's
changelists of the same rows for comparison. bench/run.py measures pages under load; this one
measures what the volumes cost.
"""

import os
import statistics
import subprocess
import sys
import time
import urllib.parse
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DATABASE_URL = os.environ.get(
    "BENCH_BENEFITS_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/guichet_bench_benefits"
)


def ensure_database():
    import psycopg

    parts = urllib.parse.urlsplit(DATABASE_URL)
    name = parts.path.lstrip("/")
    admin = parts._replace(path="/postgres").geturl().replace("postgres://", "postgresql://", 1)
    with psycopg.connect(admin, autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            conn.execute(f'CREATE DATABASE "{name}"')
            return True
    return False


def manage(*args, settings="portal.settings.test"):
    env = {**os.environ, "DATABASE_URL": DATABASE_URL, "DJANGO_SETTINGS_MODULE": settings}
    env.pop("REDIS_URL", None)
    subprocess.run([sys.executable, str(ROOT / "manage.py"), *args], check=True, env=env, cwd=ROOT)


def prepare():
    ensure_database()
    print("[bench] migrate, seed_demo, benefits_seed_volume (first run: a minute or two)", flush=True)
    manage("migrate", "--noinput", "-v", "0")
    manage("seed_demo", settings="portal.settings.development")
    manage("benefits_seed_volume", settings="portal.settings.development")


def signed_in_clients(**identifiers):
    """Test clients signed in as the given demo identifiers (role name -> identifier), consents
    accepted and second factor verified, as a person past the gates would be."""
    from django.test import Client
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from accounts.models import ConsentAcceptance, ConsentText, User

    def client_for(identifier):
        user = User.objects.get(identifier=identifier)
        for text in ConsentText.objects.all():
            ConsentAcceptance.objects.get_or_create(user=user, text=text)
        client = Client()
        client.force_login(user)
        device = TOTPDevice.objects.filter(user=user, confirmed=True).first() or TOTPDevice.objects.create(
            user=user, name="bench", confirmed=True
        )
        session = client.session
        session[DEVICE_ID_SESSION_KEY] = device.persistent_id
        session.save()
        return client

    return {role: client_for(identifier) for role, identifier in identifiers.items()}


def clients():
    return signed_in_clients(hr="rh@ateliers-canal.demo", officer="gestion@union.demo", admin="admin")


PAGES = [
    # label, client, path, runs divisor (heavy pages run fewer times)
    ("baseline (bare view, signed in)", "hr", "/bench/baseline/", 1),
    ("HR: request list", "hr", "/prestations/demandes/", 1),
    ("HR: request list, page 10, sorted by amount", "hr", "/prestations/demandes/?tri=-amount&page=10", 1),
    ("HR: cooperators list", "hr", "/prestations/cooperateurs/", 1),
    ("HR: Excel extraction", "hr", "/prestations/extractions/cooperateurs.xlsx", 1),
    ("officer: queue (entered + processing)", "officer", "/prestations/instruction/", 1),
    ("officer: queue, paid, page 50", "officer", "/prestations/instruction/?etat=paid&page=50", 1),
    ("officer: statistics of the year", "officer", "/prestations/statistiques/", 1),
    ("officer: Excel extraction (20,000 rows)", "officer", "/prestations/extractions/cooperateurs.xlsx", 4),
    ("admin: requests changelist", "admin", "/admin/benefits/benefitrequest/", 1),
    ("admin: requests changelist, state=paid", "admin", "/admin/benefits/benefitrequest/?state__exact=paid", 1),
    ("admin: cooperators changelist", "admin", "/admin/benefits/cooperator/", 1),
]


def measure(client, path, runs):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def fetch():
        response = client.get(path)
        assert response.status_code == 200, f"{path}: {response.status_code}"
        size = len(b"".join(response.streaming_content)) if response.streaming else len(response.content)
        return size

    fetch()  # warm-up
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        size = fetch()
        times.append((time.perf_counter() - start) * 1000)
    with CaptureQueriesContext(connection) as queries:
        fetch()
    times.sort()
    p95 = times[min(len(times) - 1, int(len(times) * 0.95))]
    return statistics.median(times), p95, len(queries), size


def main():
    import argparse

    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--no-prepare", action="store_true")
    options = parser.parse_args()
    if not options.no_prepare:
        prepare()
    os.environ["DATABASE_URL"] = DATABASE_URL
    os.environ.pop("REDIS_URL", None)
    os.environ["DJANGO_SETTINGS_MODULE"] = "portal.settings.test"
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.test.utils import setup_test_environment

    setup_test_environment()
    from benefits.models import BenefitRequest, Cooperative, Cooperator

    print(
        f"[bench] {Cooperative.objects.count()} cooperatives, {Cooperator.objects.count()} cooperators, "
        f"{BenefitRequest.objects.count()} requests",
        flush=True,
    )
    by_role = clients()
    print(f"{'page':48} {'p50 ms':>8} {'p95 ms':>8} {'queries':>8} {'bytes':>10}")
    for label, role, path, divisor in PAGES:
        p50, p95, queries, size = measure(by_role[role], path, max(3, options.runs // divisor))
        print(f"{label:48} {p50:8.1f} {p95:8.1f} {queries:8d} {size:10d}", flush=True)


if __name__ == "__main__":
    main()
