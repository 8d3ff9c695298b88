"""Scoped reads of the Prestations space: what the current membership may see, nothing more.

Every function takes the current membership (request.membership): officers see the cooperatives of
their union, HR managers their cooperative, cooperators their own family. Anything else: nothing.
"""

import datetime
from decimal import Decimal

from django.db.models import Count, F, Q, Subquery, Sum
from django.utils import timezone

from accounts.enums import Role

from .enums import COUNTING_STATES, SCOP_SCIC, RequestState
from .models import (
    APPROVAL_DAYS,
    PURGE_REMINDER_DAYS,
    BenefitRequest,
    BenefitType,
    Contribution,
    Cooperative,
    Cooperator,
    CooperatorCount,
    Dependant,
    FamilyDocument,
    PaidByCooperator,
    PaidTotal,
    RequestCount,
    RequestDocument,
    Tariff,
)


def _role(membership):
    if membership is None or not membership.is_active:
        return None
    return membership.role


def cooperatives_for(membership):
    role = _role(membership)
    queryset = Cooperative.objects.select_related("organisation")
    if role == Role.UNION_OFFICER:
        return queryset.filter(union_id=membership.organisation_id)
    if role in (Role.COOP_MANAGER, Role.COOPERATOR):
        return queryset.filter(organisation_id=membership.organisation_id)
    return queryset.none()


def current_cooperative(membership):
    """The cooperative of an HR manager's or a cooperator's membership (None for officers)."""
    if _role(membership) not in (Role.COOP_MANAGER, Role.COOPERATOR):
        return None
    return cooperatives_for(membership).first()


def _scope(queryset, membership, *, cooperative="cooperative", cooperator="cooperator"):
    """Filters `queryset` (whose rows reach a cooperative and a cooperator by these paths)."""
    role = _role(membership)
    if role == Role.UNION_OFFICER:
        return queryset.filter(**{f"{cooperative}__union_id": membership.organisation_id})
    if role == Role.COOP_MANAGER:
        return queryset.filter(**{cooperative: _cooperative_id(membership)})
    if role == Role.COOPERATOR:
        return queryset.filter(
            **{cooperative: _cooperative_id(membership), f"{cooperator}__user_id": membership.user_id}
        )
    return queryset.none()


def _cooperative_id(membership):
    """The id of the membership's cooperative as a scalar subquery (`cooperative_id = (SELECT ...)`):
    PostgreSQL then reads an index on (cooperative, created_at) in order, instead of walking every
    cooperative's rows through a join on the organisation."""
    return Subquery(Cooperative.objects.filter(organisation_id=membership.organisation_id).values("pk")[:1])


def cooperators_for(membership):
    queryset = Cooperator.objects.select_related("cooperative__organisation", "user")
    role = _role(membership)
    if role == Role.COOPERATOR:
        return queryset.filter(cooperative__organisation_id=membership.organisation_id, user_id=membership.user_id)
    return _scope(queryset, membership, cooperator="self")


def own_cooperator(membership):
    """A cooperator's own record (their family), or None."""
    if _role(membership) != Role.COOPERATOR:
        return None
    return cooperators_for(membership).first()


def dependants_for(membership):
    return _scope(Dependant.objects.select_related("cooperator"), membership, cooperative="cooperator__cooperative")


def family_documents_for(membership):
    return _scope(
        FamilyDocument.objects.select_related("cooperator__cooperative"),
        membership,
        cooperative="cooperator__cooperative",
    )


def requests_for(membership):
    queryset = BenefitRequest.objects.select_related(
        "cooperative__organisation", "cooperator", "dependant", "benefit_type"
    )
    return _scope(queryset, membership)


def request_documents_for(membership):
    return _scope(
        RequestDocument.objects.select_related("request"),
        membership,
        cooperative="request__cooperative",
        cooperator="request__cooperator",
    )


def contributions_for(membership):
    queryset = Contribution.objects.select_related("cooperative__organisation")
    role = _role(membership)
    if role == Role.UNION_OFFICER:
        return queryset.filter(cooperative__union_id=membership.organisation_id)
    if role == Role.COOP_MANAGER:
        return queryset.filter(
            cooperative__organisation_id=membership.organisation_id, cooperative__legal_form__in=SCOP_SCIC
        )
    return queryset.none()


def _counted_scope(membership):
    """The filter of the kept counts (benefits.counts) matching `_scope`: None where they do not fit
    (a cooperator sees their own requests only: the live count of a few rows)."""
    role = _role(membership)
    if role == Role.UNION_OFFICER:
        return {"cooperative__union_id": membership.organisation_id}
    if role == Role.COOP_MANAGER:
        return {"cooperative__organisation_id": membership.organisation_id}
    return None


def request_counts(membership):
    """{state: number} of the requests `requests_for(membership)` holds, exact, without a scan: read
    from the counts the database keeps (one query over at most 6 rows per cooperative)."""
    counts = dict.fromkeys(RequestState.values, 0)
    scope = _counted_scope(membership)
    if scope is None:
        rows = requests_for(membership).order_by().values_list("state").annotate(total=Count("pk"))
    else:
        rows = RequestCount.objects.filter(**scope).values_list("state").annotate(total=Sum("n"))
    counts.update(rows.values_list("state", "total"))
    return counts


def cooperator_count(membership):
    """How many cooperators `cooperators_for(membership)` holds (kept counts; live for a cooperator)."""
    scope = _counted_scope(membership)
    if scope is None:
        return cooperators_for(membership).count()
    return CooperatorCount.objects.filter(**scope).aggregate(total=Sum("n"))["total"] or 0


def requests_awaiting_approval(membership):
    return requests_for(membership).filter(state=RequestState.AWAITING)


def officer_queue(membership):
    """The officers' queue: requests of their union's cooperatives (the filters narrow it)."""
    if _role(membership) != Role.UNION_OFFICER:
        return BenefitRequest.objects.none()
    return requests_for(membership)


# --- Catalogue and tariffs (the Union's reference data: readable by every member of the space) ---


def benefit_types():
    return BenefitType.objects.filter(is_active=True).order_by("position", "name")


def tariffs_of_year(year):
    return Tariff.objects.filter(year=year, benefit_type__is_active=True).select_related("benefit_type")


def tariff_years():
    return list(Tariff.objects.order_by("-year").values_list("year", flat=True).distinct())


def catalogue_for(cooperative, year):
    """[(benefit type, tariff or None)] of the cooperative's package (every type for officers: None)."""
    tariffs = {t.benefit_type_id: t for t in tariffs_of_year(year)}
    rows = []
    for benefit_type in benefit_types():
        if cooperative is not None and not benefit_type.is_in_package(cooperative):
            continue
        rows.append((benefit_type, tariffs.get(benefit_type.pk)))
    return rows


# --- Statistics ---------------------------------------------------------------------------------


def statistics(membership, *, year, cooperative=None):
    """Amounts granted (paid requests) for `year`: per benefit type and per cooperator, with totals.

    Read from the yearly totals the database keeps (benefits.counts: PaidTotal, PaidByCooperator),
    not aggregated over the year's requests: the per-type rows sum at most a row per cooperative and
    type, the per-cooperator rows are read by an index in the order shown (a page at a time)."""
    scope = _counted_scope(membership)
    if scope is None:
        return _statistics_of(requests_for(membership).filter(state=RequestState.PAID, year=year), cooperative)
    by_type_rows = PaidTotal.objects.filter(**scope, year=year)
    by_cooperator = PaidByCooperator.objects.filter(**scope, year=year, n__gt=0)
    if cooperative is not None:
        by_type_rows = by_type_rows.filter(cooperative=cooperative)
        by_cooperator = by_cooperator.filter(cooperative=cooperative)
    by_type = list(
        by_type_rows.values("benefit_type__name", "benefit_type__position")
        .annotate(total=Sum("total"), count=Sum("n"))
        .filter(count__gt=0)
        .order_by("benefit_type__position", "benefit_type__name")
    )
    # A queryset, paginated by the page (no silent cut at 200 rows). One row per cooperator and
    # cooperative: a cooperator belongs to one cooperative (chosen at creation, never changed).
    cooperators = by_cooperator.count()  # no join: the number of rows, from the index
    by_cooperator = by_cooperator.values(
        "cooperator_id",
        "cooperator__last_name",
        "cooperator__first_name",
        "cooperator__family_number",
        "total",
        count=F("n"),
    )
    by_cooperator = by_cooperator.order_by("-total", "cooperator__sort_name", "cooperator_id")
    return _with_totals(by_type, by_cooperator, cooperators)


def _statistics_of(paid, cooperative):
    """The same figures aggregated over the paid requests themselves (the few rows of one family)."""
    if cooperative is not None:
        paid = paid.filter(cooperative=cooperative)
    by_type = list(
        paid.values("benefit_type__name", "benefit_type__position")
        .annotate(total=Sum("amount"), count=Count("pk"))
        .order_by("benefit_type__position", "benefit_type__name")
    )
    by_cooperator = (
        paid.values("cooperator_id", "cooperator__last_name", "cooperator__first_name", "cooperator__family_number")
        .annotate(total=Sum("amount"), count=Count("pk"))
        .order_by("-total", "cooperator__sort_name", "cooperator_id")
    )
    return _with_totals(by_type, by_cooperator, None)


def _with_totals(by_type, by_cooperator, cooperators):
    return {
        "by_type": by_type,
        "by_cooperator": by_cooperator,
        "cooperators": cooperators,  # how many rows by_cooperator holds (None: ask it)
        # The year's totals are the sum of the per-type rows: no second aggregate over the year.
        "total": sum((row["total"] or Decimal("0") for row in by_type), Decimal("0")),
        "count": sum(row["count"] for row in by_type),
    }


def purge_candidates(*, now=None):
    """Requests entered by cooperators still waiting for their cooperative's approval after 14 days."""
    cutoff = (now or timezone.now()) - datetime.timedelta(days=APPROVAL_DAYS)
    return BenefitRequest.objects.filter(state=RequestState.AWAITING, created_at__lte=cutoff).order_by(
        "created_at", "pk"
    )


def purge_reminder_candidates(*, now=None):
    """Requests still waiting for approval 3 days before their purge, not reminded yet."""
    cutoff = (now or timezone.now()) - datetime.timedelta(days=APPROVAL_DAYS - PURGE_REMINDER_DAYS)
    return BenefitRequest.objects.filter(
        state=RequestState.AWAITING, created_at__lte=cutoff, purge_reminded_at__isnull=True
    ).order_by("created_at", "pk")


def existing_requests(*, cooperator, dependant, benefit_type, year, exclude_pk=None):
    queryset = BenefitRequest.objects.filter(
        cooperator=cooperator,
        dependant=dependant,
        benefit_type=benefit_type,
        year=year,
        state__in=COUNTING_STATES,
    )
    if exclude_pk:
        queryset = queryset.exclude(pk=exclude_pk)
    return queryset


def has_dependent_child(cooperator):
    return cooperator.dependants.filter(relationship="child", is_active=True, declared_on_tax_return=True).exists()


def cooperator_search(queryset, text):
    text = (text or "").strip()
    if not text:
        return queryset
    condition = Q()
    for word in text.split():
        condition &= (
            Q(last_name__icontains=word)
            | Q(first_name__icontains=word)
            | Q(family_number__icontains=word)
            | Q(email__icontains=word)
        )
    return queryset.filter(condition)
