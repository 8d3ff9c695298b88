"""Partners pages on realistic volumes (2,000 partners, 20,000 conventions, 20,000 pre-registrations,
300 pending with one fund, one partner with 200 users).

    .venv/bin/python bench/partners_volume.py [--runs 20] [--no-prepare]

Creates (once) the PostgreSQL database guichet_bench_partners (BENCH_PARTNERS_DATABASE_URL), migrates,
runs seed_demo and partners_seed_volume, then requests each page in-process through Django's test
client (server time only: no network, no gunicorn) and prints p50 / p95 and the query count of each:
the fund administrator's queue (first and a later page), the fund's partner list, the national
admins' list of every partner, the partner administrator's users tab, and Django admin's changelists
of the same rows (the partners models are not in Django admin: the partner organisations and the
demo partner's memberships are).
"""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import benefits_volume as common  # the same database helpers and measure()

common.DATABASE_URL = common.os.environ.get(
    "BENCH_PARTNERS_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/guichet_bench_partners"
)


def prepare():
    common.ensure_database()
    print("[bench] migrate, seed_demo, partners_seed_volume (first run: about a minute)", flush=True)
    common.manage("migrate", "--noinput", "-v", "0")
    common.manage("seed_demo", settings="portal.settings.development")
    common.manage("partners_seed_volume", settings="portal.settings.development")


def pages():
    from django.urls import reverse

    from accounts.models import Organisation

    demo_partner = Organisation.objects.get(kind="partner", code="P-0001")
    queue, partners = reverse("partners:fund_queue"), reverse("partners:partner_list")
    users = reverse("partners:admin_users")
    return [
        # label, client, path
        ("baseline (bare view, signed in)", "fund", "/bench/baseline/"),
        ("fund admin: queue (300 pending + ~100 conv.)", "fund", queue),
        ("fund admin: queue, page 10", "fund", f"{queue}?page=10"),
        ("fund admin: queue, sorted by name, 100/page", "fund", f"{queue}?tri=partner_name&par_page=100"),
        ("fund admin: the fund's partners, page 1", "fund", partners),
        ("fund admin: the fund's partners, page 10", "fund", f"{partners}?page=10"),
        ("national admin: all partners, page 40", "national", f"{partners}?page=40"),
        ("partner admin: users tab (202 users)", "partner", users),
        ("admin: partner organisations changelist", "admin", "/admin/accounts/organisation/?kind__exact=partner"),
        (
            "admin: demo partner's memberships changelist",
            "admin",
            f"/admin/accounts/membership/?organisation__id__exact={demo_partner.pk}",
        ),
    ]


def clients():
    return common.signed_in_clients(
        fund="caisse@carsat.demo", national="national@partenaires.demo", partner="aidadom01", admin="admin"
    )


def main():
    import argparse

    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--no-prepare", action="store_true")
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
    from partners.enums import PreRegistrationState
    from partners.models import Convention, Partner, PreRegistration

    print(
        f"[bench] {Partner.objects.count()} partners, {Convention.objects.count()} conventions, "
        f"{PreRegistration.objects.count()} pre-registrations "
        f"({PreRegistration.objects.filter(state=PreRegistrationState.PENDING).count()} pending)",
        flush=True,
    )
    by_role = clients()
    print(f"{'page':48} {'p50 ms':>8} {'p95 ms':>8} {'queries':>8} {'bytes':>10}")
    for label, role, path in pages():
        p50, p95, queries, size = common.measure(by_role[role], path, max(3, options.runs))
        print(f"{label:48} {p50:8.1f} {p95:8.1f} {queries:8d} {size:10d}", flush=True)


if __name__ == "__main__":
    main()
