"""The exchanges' pages on the issue's volumes: 2,000 evaluation structures, 200,000 evaluations, a
payment slip of 5,000 lines (issued, then shown, and streamed as CSV and PDF).

    .venv/bin/python bench/partners_evaluations_volume.py [--runs 10] [--no-prepare]

Uses the PostgreSQL database BENCH_EVALUATIONS_DATABASE_URL (default guichet_bench_evaluations):
migrate, seed_demo and partners_seed_volume (2,000 partners) the first time, then gives every partner
a validated evaluation convention with the demo fund and bulk-creates the evaluations (states spread
like a year of work; the demo structure gets 5,000 accepted ones for the slip). Pages are requested
in-process (Django test client: server time only); p50 / p95 ms, queries, bytes.
"""

import datetime
import sys
import time
import tracemalloc
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import benefits_volume as common  # the same database helpers and measure()

common.DATABASE_URL = common.os.environ.get(
    "BENCH_EVALUATIONS_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/guichet_bench_evaluations"
)
TOTAL = 200_000
SLIP_LINES = 5_000


def prepare():
    common.ensure_database()
    print("[bench] migrate, seed_demo, partners_seed_volume", flush=True)
    common.manage("migrate", "--noinput", "-v", "0")
    common.manage("seed_demo", settings="portal.settings.development")
    common.manage("partners_seed_volume", settings="portal.settings.development")


def seed_evaluations():
    from django.utils import timezone

    from accounts.models import Organisation
    from partners.enums import ConventionState
    from partners.evaluations.aggir import DISCRIMINANT_KEYS
    from partners.evaluations.enums import EvaluationState as S
    from partners.models import Convention, ConventionType, Evaluation, Partner

    if Evaluation.objects.count() >= TOTAL:
        return
    fund = Organisation.objects.get(kind="fund", code="CARSAT-CE")
    kind = ConventionType.objects.get(code="evaluation")
    existing = set(Convention.objects.filter(fund=fund, convention_type=kind).values_list("partner_id", flat=True))
    Convention.objects.bulk_create(
        [
            Convention(
                partner=p, fund=fund, convention_type=kind, code=f"EV-{p.pk:06d}", state=ConventionState.VALIDATED
            )
            for p in Partner.objects.exclude(pk__in=existing)
        ],
        batch_size=1000,
    )
    conventions = list(Convention.objects.filter(fund=fund, convention_type=kind, state=ConventionState.VALIDATED))
    demo = next(c for c in conventions if c.partner.organisation.name.startswith("Aide à Domicile du Val"))
    now, today = timezone.now(), timezone.localdate()
    grid = dict.fromkeys(DISCRIMINANT_KEYS, "B")
    states = [S.PAID] * 6 + [S.ACCEPTED, S.TRANSMITTED, S.IN_PROGRESS, S.ORDERED, S.CANCELLED, S.ASSIGNED]
    rows, number = [], Evaluation.objects.count()

    def add(convention, state):
        nonlocal number
        number += 1
        rows.append(
            Evaluation(
                fund=fund,
                convention=convention,
                partner_id=convention.partner_id,
                file_number=f"EVB-{number:07d}",
                last_name=f"Nom{number}",
                first_name="Prénom",
                birth_date=datetime.date(1940, 1, 1),
                address="1 rue",
                postcode="62000",
                town="Arras",
                reason="Bench",
                deadline=today + datetime.timedelta(days=number % 30 - 10),
                ordered_at=now - datetime.timedelta(minutes=number),
                state=state,
                aggir=grid,
                gir=2,
                visit_date=today if state not in (S.ORDERED, S.ASSIGNED) else None,
            )
        )
        if len(rows) >= 5000:
            Evaluation.objects.bulk_create(rows)
            rows.clear()

    for _ in range(SLIP_LINES):
        add(demo, S.ACCEPTED)
    for i in range(TOTAL - number):
        add(conventions[i % len(conventions)], states[i % len(states)])
    Evaluation.objects.bulk_create(rows)
    print(f"[bench] {Evaluation.objects.count()} evaluations", flush=True)


def main():
    import argparse

    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=10)
    parser.add_argument("--no-prepare", action="store_true")
    parser.add_argument("--only", default="", help="measure only the pages whose label contains this")
    options = parser.parse_args()
    if not options.no_prepare:
        prepare()
    common.os.environ["DATABASE_URL"] = common.DATABASE_URL
    common.os.environ.pop("REDIS_URL", None)
    common.os.environ["DJANGO_SETTINGS_MODULE"] = "portal.settings.test"
    sys.path.insert(0, str(common.ROOT))
    import django

    django.setup()
    from django.test.utils import setup_test_environment

    setup_test_environment()
    seed_evaluations()
    import partners_volume

    by_role = partners_volume.clients()
    from accounts.models import Membership
    from partners.evaluations import selectors, services
    from partners.models import Convention, PaymentSlip

    fund_membership = Membership.objects.get(user__identifier="caisse@carsat.demo")
    demo = Convention.objects.get(
        fund=fund_membership.organisation,
        convention_type__code="evaluation",
        partner__organisation__name__startswith="Aide à Domicile du Val",
    )
    slip = PaymentSlip.objects.filter(convention=demo, line_count__gte=SLIP_LINES).first()
    if slip is None:
        from partners.evaluations.models import EvaluationFee

        for kind in ("initial", "renewal", "urgent"):
            EvaluationFee.objects.get_or_create(fund=demo.fund, evaluation_type=kind, defaults={"amount": 150})
        start = time.perf_counter()
        slip = services.slip_issue(
            membership=fund_membership,
            convention=demo,
            actor=fund_membership.user,
            scope=selectors.fund_evaluations_for(fund_membership),
        )
        print(f"[bench] slip of {slip.line_count} lines issued in {(time.perf_counter() - start) * 1000:.0f} ms")
    print(f"{'page':52} {'p50 ms':>8} {'p95 ms':>8} {'queries':>8} {'bytes':>10}")
    pages = [
        ("fund: evaluations, page 1 (~200,000)", "fund", "/partenaires/caisse/evaluations/"),
        ("fund: evaluations, page 400", "fund", "/partenaires/caisse/evaluations/?page=400"),
        ("fund: evaluations, filtered: transmitted", "fund", "/partenaires/caisse/evaluations/?state=transmitted"),
        ("fund: slips page (build + issued)", "fund", "/partenaires/caisse/bordereaux/"),
        ("structure: new orders", "partner", "/partenaires/evaluations/commandes/"),
        ("structure: in progress", "partner", "/partenaires/evaluations/en-cours/"),
        ("structure: transmitted, page 1", "partner", "/partenaires/evaluations/transmises/"),
        ("structure: history, page 1", "partner", "/partenaires/historique/"),
        (f"slip page ({slip.line_count} lines, 100 a page)", "partner", f"/partenaires/bordereaux/{slip.pk}/"),
        ("slip CSV (streamed)", "partner", f"/partenaires/bordereaux/{slip.pk}/csv/"),
        ("slip PDF (temporary file, streamed)", "partner", f"/partenaires/bordereaux/{slip.pk}/pdf/"),
    ]
    for label, role, path in pages:
        if options.only not in label:
            continue
        tracemalloc.start()
        p50, p95, queries, size = common.measure(by_role[role], path, max(3, options.runs))
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
        print(f"{label:52} {p50:8.1f} {p95:8.1f} {queries:8d} {size:10d}  peak {peak / 1e6:.1f} MB", flush=True)


if __name__ == "__main__":
    main()
