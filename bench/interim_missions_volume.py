"""The agency's contracts list on the issue's volume (5,000 workers, 200,000 contracts in one agency),
next to Django admin's changelist of the same rows; and the bulk upload of 1,000 payslips.

    .venv/bin/python bench/interim_missions_volume.py [--runs 20] [--payslips 1000] [--no-prepare]

Creates (once) the PostgreSQL database guichet_bench_missions (BENCH_MISSIONS_DATABASE_URL), migrates,
runs seed_demo and interim_seed_volume, then requests each page in-process through Django's test
client (server time only) and prints p50 / p95 and the query count of each. Then a ZIP of
`--payslips` payslips (named "<worker number>_<YYYYMMDD>.pdf", one per volume worker, plus one that
matches nobody) is uploaded through the agency's page, analysed and published by the tasks (run here,
eagerly): wall time of each phase, and the peak of Python memory (tracemalloc) and of the process
(ru_maxrss) while they run.
"""

import datetime
import io
import os
import resource
import statistics
import sys
import time
import tracemalloc
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.benefits_volume import ensure_database as _ensure  # noqa: E402
from bench.benefits_volume import manage as _manage  # noqa: E402

DATABASE_URL = os.environ.get(
    "BENCH_MISSIONS_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/guichet_bench_missions"
)


def manage(*args, settings="portal.settings.test"):
    import bench.benefits_volume as base

    base.DATABASE_URL = DATABASE_URL
    _manage(*args, settings=settings)


def prepare():
    import bench.benefits_volume as base

    base.DATABASE_URL = DATABASE_URL
    _ensure()
    print("[bench] migrate, seed_demo, interim_seed_volume (first run: several minutes)", flush=True)
    manage("migrate", "--noinput", "-v", "0")
    manage("seed_demo", settings="portal.settings.development")
    manage("interim_seed_volume", settings="portal.settings.development")


def staff_and_admin():
    from bench.benefits_volume import signed_in_clients

    return signed_in_clients(staff="agence@coop-emploi.demo", admin="admin")


def pages():
    from interim.models import ClientCompany, Qualification

    client = ClientCompany.objects.filter(organisation__code__startswith="CVOL-").order_by("pk").first()
    qualification = Qualification.objects.filter(agency__organisation__code="AG-LYON").order_by("pk").first()
    base = "/interimaires/agence/contrats/"
    return [
        ("agency: contracts list", "staff", base),
        ("agency: contracts, page 100, sorted by worker", "staff", f"{base}?tri=worker&page=100"),
        ("agency: contracts to sign", "staff", f"{base}?to_sign=on"),
        ("agency: contracts signed this week", "staff", f"{base}?signed_this_week=on"),
        ("agency: contracts of a client", "staff", f"{base}?client={client.pk}"),
        ("agency: contracts of a qualification", "staff", f"{base}?qualification={qualification.pk}"),
        ("agency: missions list", "staff", "/interimaires/agence/missions/"),
        ("admin: contracts changelist", "admin", "/admin/interim/contract/"),
        ("admin: contracts changelist, page 100", "admin", "/admin/interim/contract/?p=100"),
        ("admin: contracts changelist, to sign", "admin", "/admin/interim/contract/?state__exact=to_sign"),
    ]


def measure(client, path, runs):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def fetch():
        response = client.get(path)
        assert response.status_code == 200, f"{path}: {response.status_code}"
        return len(response.content)

    fetch()
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        size = fetch()
        times.append((time.perf_counter() - start) * 1000)
    with CaptureQueriesContext(connection) as queries:
        fetch()
    times.sort()
    return statistics.median(times), times[min(len(times) - 1, int(len(times) * 0.95))], len(queries), size


def payslips_zip(count):
    from interim import pdf
    from interim.models import Worker

    workers = list(
        Worker.objects.filter(agency__organisation__code="AG-LYON", number__gte="20001")
        .select_related("user", "agency__organisation")
        .order_by("number")[:count]
    )
    buffer = io.BytesIO()
    period = "20261031"
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for worker in workers:
            name = f"{worker.number}_{period}"
            archive.writestr(f"{name}.pdf", pdf.payslip_pdf(worker, name, datetime.date(2026, 10, 1)))
        archive.writestr(f"99999999_{period}.pdf", pdf._page("Personne", ["personne"]))
    return buffer.getvalue(), len(workers)


def bench_bulk(client, count):
    """The upload through the agency's page (the request), then the two tasks run here one after the
    other, as a Celery worker would; e-mails are left in the outbox (their delivery is other tasks)."""
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from interim import batches
    from interim.enums import BatchItemState
    from interim.models import Document, DocumentBatch
    from portal.celery import app

    app.conf.task_always_eager = False  # enqueue() publishes to the (file) broker: nothing runs inline
    data, workers = payslips_zip(count)
    Document.objects.filter(number__endswith="_20261031").delete()  # a second bench run starts afresh
    print(f"[bench] bulk: a ZIP of {workers + 1} payslips, {len(data) / 1e6:.1f} MB", flush=True)
    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    tracemalloc.start()
    phases = []
    with CaptureQueriesContext(connection) as queries:
        start = time.perf_counter()
        response = client.post(
            "/interimaires/agence/documents/",
            {"kind": "payslip", "files": SimpleUploadedFile("bulletins.zip", data, content_type="application/zip")},
        )
        assert response.status_code == 302, response.status_code
        phases.append(("upload (request)", time.perf_counter() - start, len(queries)))
    batch = DocumentBatch.objects.latest("pk")
    with CaptureQueriesContext(connection) as queries:
        start = time.perf_counter()
        batches.batch_analyse(batch.pk)
        phases.append(("analysis (task)", time.perf_counter() - start, len(queries)))
    matched = batch.items.filter(state=BatchItemState.MATCHED).count()
    unmatched = batch.items.filter(state=BatchItemState.UNMATCHED).count()
    with CaptureQueriesContext(connection) as queries:
        start = time.perf_counter()
        response = client.post(f"/interimaires/agence/documents/{batch.pk}/publish/")
        batches.batch_publish(batch.pk)
        phases.append(("publication (request + task)", time.perf_counter() - start, len(queries)))
    _current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    rss_after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    batch.refresh_from_db()
    for label, seconds, count_ in phases:
        print(f"bulk {label:32} {seconds:7.1f} s {count_:8d} queries")
    print(f"bulk result: {matched} matched, {unmatched} unmatched, {batch.published} published, state {batch.state}")
    print(
        f"peak Python memory (tracemalloc): {peak / 1e6:.1f} MB; process max RSS {rss_after / 1024:.0f} MB "
        f"(before the upload {rss_before / 1024:.0f} MB); the ZIP itself: {len(data) / 1e6:.1f} MB"
    )


def main():
    import argparse

    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--payslips", type=int, default=1000)
    parser.add_argument("--no-prepare", action="store_true")
    options = parser.parse_args()
    if not options.no_prepare:
        prepare()
    os.environ["DATABASE_URL"] = DATABASE_URL
    os.environ.pop("REDIS_URL", None)
    os.environ["DJANGO_SETTINGS_MODULE"] = "portal.settings.test"
    import django

    django.setup()
    from django.test.utils import setup_test_environment

    setup_test_environment()
    from interim.models import Contract, Worker

    print(f"[bench] {Worker.objects.count()} workers, {Contract.objects.count()} contracts", flush=True)
    by_role = staff_and_admin()
    print(f"{'page':48} {'p50 ms':>8} {'p95 ms':>8} {'queries':>8} {'bytes':>10}")
    for label, role, path in pages():
        p50, p95, queries, size = measure(by_role[role], path, options.runs)
        print(f"{label:48} {p50:8.1f} {p95:8.1f} {queries:8d} {size:10d}", flush=True)
    bench_bulk(by_role["staff"], options.payslips)


if __name__ == "__main__":
    main()
