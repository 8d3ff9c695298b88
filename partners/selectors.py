"""Scoped reads of the partners space: every list a view shows comes from here."""

from django.db.models import Count, Exists, OuterRef, Q

from accounts.enums import OrganisationKind, Role
from accounts.models import Membership, Organisation

from .enums import ContactState, ConventionState, PreRegistrationState
from .models import ContactMessage, Convention, NewsArticle, Partner, PreRegistration


def _role(membership, *roles):
    return membership is not None and membership.is_active and membership.role in roles


def regimes():
    return Organisation.objects.active().of_kind(OrganisationKind.REGIME).order_by("name")


def funds(regime=None):
    queryset = Organisation.objects.active().of_kind(OrganisationKind.FUND).select_related("parent")
    if regime is not None:
        queryset = queryset.filter(parent=regime)
    return queryset.order_by("name")


# --- fund administrators --------------------------------------------------------------------------


def fund_without_admin(field="fund"):
    """A filter: the object's fund (`field`) has no active administrator (its queue goes to the national admins)."""
    admins = Membership.objects.active().filter(role=Role.FUND_ADMIN, organisation=OuterRef(field))
    return ~Exists(admins)


def fund_has_admin(fund_id):
    return Membership.objects.active().filter(role=Role.FUND_ADMIN, organisation_id=fund_id).exists()


def _fund_scope(queryset, membership):
    """Fund admin: their fund's objects; national admin: those of funds without an administrator."""
    if _role(membership, Role.FUND_ADMIN):
        return queryset.filter(fund=membership.organisation)
    if _role(membership, Role.NATIONAL_ADMIN):
        return queryset.filter(fund_without_admin())
    return queryset.none()


def preregistrations_for(membership):
    """Pre-registrations the membership decides (all states): its fund's, or, for national admins, those
    of funds without an administrator; nothing for anyone else."""
    queryset = PreRegistration.objects.select_related("regime", "fund", "partner_type")
    return _fund_scope(queryset, membership)


def pending_preregistrations_for(membership):
    return preregistrations_for(membership).filter(state=PreRegistrationState.PENDING)


def fund_conventions_for(membership):
    """Conventions the membership decides: with its fund, or, for national admins, with funds without an
    administrator."""
    queryset = Convention.objects.select_related("partner__organisation", "fund__parent", "convention_type")
    return _fund_scope(queryset, membership)


def awaiting_conventions_for(membership):
    """New conventions (added by partners already registered) waiting for the fund's decision."""
    return fund_conventions_for(membership).filter(state=ConventionState.AWAITING)


def supervision_for(membership):
    """National admins: everything pending in every fund, oldest first, with whether its fund has an
    administrator ((pre-registrations, conventions) querysets; empty for anyone else)."""
    if not _role(membership, Role.NATIONAL_ADMIN):
        return PreRegistration.objects.none(), Convention.objects.none()
    orphan = fund_without_admin()
    preregistrations = (
        PreRegistration.objects.filter(state=PreRegistrationState.PENDING)
        .select_related("fund")
        .annotate(orphan=orphan)
        .order_by("created_at", "pk")
    )
    conventions = (
        Convention.objects.filter(state=ConventionState.AWAITING)
        .select_related("fund", "partner__organisation")
        .annotate(orphan=orphan)
        .order_by("created_at", "pk")
    )
    return preregistrations, conventions


def same_siret(preregistration):
    """What already carries the pre-registration's SIRET: partners' names and other pending pre-registrations
    (the fund is warned; a partner may hold conventions with several funds, so it is not refused)."""
    partners = list(
        Partner.objects.filter(siret=preregistration.siret)
        .order_by("organisation__name")
        .values_list("organisation__name", flat=True)[:5]
    )
    pending = (
        PreRegistration.objects.filter(siret=preregistration.siret, state=PreRegistrationState.PENDING)
        .exclude(pk=preregistration.pk)
        .count()
    )
    return {"partners": partners, "pending": pending, "any": bool(partners or pending)}


def partners_for(membership):
    """Fund admin: partners with a validated convention with the fund; national admin: every partner."""
    queryset = Partner.objects.select_related("organisation", "partner_type")
    if _role(membership, Role.NATIONAL_ADMIN):
        return queryset.annotate(
            validated_conventions=Count("conventions", filter=Q(conventions__state=ConventionState.VALIDATED))
        )
    if _role(membership, Role.FUND_ADMIN):
        return (
            queryset.filter(conventions__fund=membership.organisation, conventions__state=ConventionState.VALIDATED)
            .annotate(
                validated_conventions=Count(
                    "conventions",
                    filter=Q(conventions__state=ConventionState.VALIDATED, conventions__fund=membership.organisation),
                )
            )
            .distinct()
        )
    return Partner.objects.none()


def contact_messages_for(membership):
    """Fund admin: messages routed to the fund; national admin: those routed to no fund, or to a fund
    without an administrator."""
    if _role(membership, Role.FUND_ADMIN):
        return ContactMessage.objects.filter(fund=membership.organisation)
    if _role(membership, Role.NATIONAL_ADMIN):
        return ContactMessage.objects.filter(Q(fund__isnull=True) | Q(fund_without_admin()))
    return ContactMessage.objects.none()


def open_contact_messages_for(membership):
    return contact_messages_for(membership).filter(state=ContactState.OPEN)


# --- partner administrators -----------------------------------------------------------------------


def partner_of(membership):
    """The partner of the current partner membership, or None."""
    if not _role(membership, Role.PARTNER_USER):
        return None
    return (
        Partner.objects.select_related("organisation", "partner_type")
        .filter(organisation=membership.organisation)
        .first()
    )


def partner_memberships_for(membership):
    """The partner's users (active memberships), for its administrators only."""
    if not _role(membership, Role.PARTNER_USER) or not membership.is_admin:
        return Membership.objects.none()
    return (
        Membership.objects.filter(organisation=membership.organisation, role=Role.PARTNER_USER, is_active=True)
        .select_related("user")
        .order_by("user__identifier")
    )


def partner_conventions_for(membership):
    if not _role(membership, Role.PARTNER_USER) or not membership.is_admin:
        return Convention.objects.none()
    return Convention.objects.filter(partner__organisation=membership.organisation).select_related(
        "fund__parent", "convention_type"
    )


# --- public ---------------------------------------------------------------------------------------


def published_news():
    from django.utils import timezone

    return NewsArticle.objects.filter(is_published=True, published_at__lte=timezone.now())


def published_documents():
    from django.utils import timezone

    from .models import Document

    return Document.objects.filter(is_published=True, published_at__lte=timezone.now())
