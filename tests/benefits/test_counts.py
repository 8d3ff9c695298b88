"""The counts the database keeps (benefits.counts) equal fresh COUNTs after any mix of writes.

A random sequence of workflow steps (one object), timed batches (run_due: one UPDATE, the purge's
batch delete), creations, deletions, bulk_create and queryset.update(), on SQLite and PostgreSQL
alike; then the pages' readers (dashboard counts, statistics) against the live aggregates.
"""

import datetime
import random
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.db.models import Count, Sum
from django.utils import timezone

from accounts.enums import Role
from accounts.models import Membership
from benefits import counts, selectors
from benefits.enums import RequestState
from benefits.models import (
    BenefitRequest,
    Cooperator,
    CooperatorCount,
    PaidByCooperator,
    PaidTotal,
    RequestCount,
)
from benefits.workflows import REQUEST
from tests.accounts.factories import member

from .factories import (
    BenefitRequestFactory,
    CooperativeFactory,
    CooperatorFactory,
    catalogue,
    this_year,
)

pytestmark = pytest.mark.django_db

STATES = list(RequestState)


def kept():
    """The kept counts, zero rows left out (a row stays at zero until a rebuild)."""
    return {
        "requests": {(row.cooperative_id, row.state): row.n for row in RequestCount.objects.all() if row.n},
        "paid": {
            (row.year, row.cooperative_id, row.benefit_type_id): (row.n, row.total)
            for row in PaidTotal.objects.all()
            if row.n or row.total
        },
        "by_cooperator": {
            (row.year, row.cooperative_id, row.cooperator_id): (row.n, row.total)
            for row in PaidByCooperator.objects.all()
            if row.n or row.total
        },
        "cooperators": {row.cooperative_id: row.n for row in CooperatorCount.objects.all() if row.n},
    }


def fresh():
    """The same figures counted from the rows now."""
    requests = BenefitRequest.objects.order_by()
    paid = requests.filter(state=RequestState.PAID)
    return {
        "requests": {
            (row["cooperative_id"], row["state"]): row["n"]
            for row in requests.values("cooperative_id", "state").annotate(n=Count("pk"))
        },
        "paid": {
            (row["year"], row["cooperative_id"], row["benefit_type_id"]): (row["n"], row["total"])
            for row in paid.values("year", "cooperative_id", "benefit_type_id").annotate(
                n=Count("pk"), total=Sum("amount")
            )
        },
        "by_cooperator": {
            (row["year"], row["cooperative_id"], row["cooperator_id"]): (row["n"], row["total"])
            for row in paid.values("year", "cooperative_id", "cooperator_id").annotate(
                n=Count("pk"), total=Sum("amount")
            )
        },
        "cooperators": {
            row["cooperative_id"]: row["n"]
            for row in Cooperator.objects.order_by().values("cooperative_id").annotate(n=Count("pk"))
        },
    }


def run_step(rng, request):
    """A user's step allowed from the request's state (workflow.run, as the views run them)."""
    steps = [step for step in REQUEST.steps if not step.timed and request.state in step.sources]
    if not steps:
        return
    step = rng.choice(steps)
    updates = {}
    if step.name == "pay":
        updates = {"amount": Decimal(rng.choice(["60.00", "45.50", "120.00"])), "payment_date": timezone.localdate()}
    REQUEST.run(step.name, request.pk, reason="Motif" if step.reason else "", updates=updates)


def test_kept_counts_equal_fresh_counts_after_random_writes(django_capture_on_commit_callbacks):
    catalogue()
    rng = random.Random(20261129)
    coops = [CooperativeFactory(), CooperativeFactory()]
    cooperators = [CooperatorFactory(cooperative=rng.choice(coops)) for _ in range(6)]
    year = this_year()

    def create():
        cooperator = rng.choice(cooperators)
        state = rng.choice(STATES)
        fields = {"cooperator": cooperator, "state": state, "year": rng.choice([year, year - 1])}
        if state == RequestState.PAID:
            fields.update(amount=Decimal(rng.choice(["60.00", "80.25"])), payment_date=timezone.localdate())
        return BenefitRequestFactory(**fields)

    with django_capture_on_commit_callbacks(execute=True):
        for _ in range(25):
            create()
        for round_ in range(120):
            action = rng.randrange(9)
            requests = list(BenefitRequest.objects.order_by("pk"))
            if action <= 3 and requests:  # a person's step
                run_step(rng, rng.choice(requests))
            elif action == 4:
                create()
            elif action == 5 and requests:  # a deletion (the request's own delete)
                rng.choice(requests).delete()
            elif action == 6:  # the timed steps, in batches (one UPDATE, the batch delete)
                old = timezone.now() - datetime.timedelta(days=20)
                some = [r.pk for r in requests if r.state == RequestState.AWAITING][::2]
                BenefitRequest.objects.filter(pk__in=some).update(created_at=old)
                REQUEST.run_due("remind_purge", BenefitRequest.objects.filter(created_at__lte=old), batch_size=2)
                REQUEST.run_due("purge", selectors.purge_candidates().select_related("cooperator__user"), batch_size=2)
            elif action == 7 and requests:  # bulk writes that bypass save(): update() and bulk_create()
                chosen = rng.sample(requests, min(3, len(requests)))
                BenefitRequest.objects.filter(pk__in=[r.pk for r in chosen if r.state != RequestState.PAID]).update(
                    state=rng.choice([RequestState.ENTERED, RequestState.REFUSED])
                )
                BenefitRequest.objects.filter(pk__in=[r.pk for r in chosen if r.state == RequestState.PAID]).update(
                    amount=Decimal("99.99")
                )
                template = rng.choice(requests)
                BenefitRequest.objects.bulk_create(
                    [
                        BenefitRequest(
                            cooperative_id=template.cooperative_id,
                            cooperator_id=template.cooperator_id,
                            benefit_type_id=template.benefit_type_id,
                            year=year,
                            state=RequestState.PAID,
                            amount=Decimal("10.00"),
                            payment_date=timezone.localdate(),
                        )
                        for _ in range(2)
                    ]
                )
            elif action == 8:  # cooperators come and go (one without requests may be deleted)
                cooperators.append(CooperatorFactory(cooperative=rng.choice(coops)))
                idle = Cooperator.objects.filter(requests__isnull=True).exclude(pk=cooperators[0].pk).first()
                if idle is not None and round_ % 2:
                    cooperators.remove(next(c for c in cooperators if c.pk == idle.pk))
                    idle.delete()
            if round_ % 20 == 0:
                assert kept() == fresh()
    assert BenefitRequest.objects.filter(state=RequestState.PAID).exists()
    assert kept() == fresh()

    # A rebuild from scratch finds the same figures (and repairs counts damaged by hand).
    RequestCount.objects.update(n=0)
    PaidByCooperator.objects.all().delete()
    call_command("benefits_counts_rebuild", verbosity=0)
    assert kept() == fresh()


def test_the_pages_read_the_same_figures_as_live_counts():
    catalogue()
    coop, other = CooperativeFactory(), CooperativeFactory()
    officer = member(Role.UNION_OFFICER, organisation=coop.union)
    other.union = coop.union
    other.save()
    manager = member(Role.COOP_MANAGER, organisation=coop.organisation)
    for cooperative in (coop, other):
        for index, state in enumerate(STATES * 2):
            fields = {"state": state, "cooperator__cooperative": cooperative}
            if state == RequestState.PAID:
                fields.update(amount=Decimal(20 + index), payment_date=timezone.localdate())
            BenefitRequestFactory(**fields)
    outsider = CooperativeFactory()  # another union: counted apart
    BenefitRequestFactory(cooperator__cooperative=outsider)

    for user in (officer, manager):
        membership = Membership.objects.get(user=user)
        live = dict.fromkeys(RequestState.values, 0)
        live.update(
            selectors.requests_for(membership)
            .order_by()
            .values_list("state")
            .annotate(n=Count("pk"))
            .values_list("state", "n")
        )
        assert selectors.request_counts(membership) == live
        assert selectors.cooperator_count(membership) == selectors.cooperators_for(membership).count()
        for cooperative in (None, coop):
            kept_stats = selectors.statistics(membership, year=this_year(), cooperative=cooperative)
            paid = selectors.requests_for(membership).filter(state=RequestState.PAID, year=this_year())
            live_stats = selectors._statistics_of(paid, cooperative)
            assert kept_stats["by_type"] == live_stats["by_type"]
            assert list(kept_stats["by_cooperator"]) == list(live_stats["by_cooperator"])
            assert kept_stats["cooperators"] == live_stats["by_cooperator"].count()
            assert (kept_stats["total"], kept_stats["count"]) == (live_stats["total"], live_stats["count"])
    assert selectors.request_counts(Membership.objects.get(user=officer))[RequestState.ENTERED] == 4


def test_install_is_repeatable():
    """The migration's install can run again (a deploy re-running it, a test database): same figures."""
    from django.db import connection

    catalogue()
    BenefitRequestFactory(paid=True)
    counts.install(connection)
    counts.install(connection)
    BenefitRequestFactory()
    assert kept() == fresh()
