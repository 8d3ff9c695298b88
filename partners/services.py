"""Every write of the partners space: keyword-only, atomic; transitions lock their row and write history.

Business rules are enforced here (not only hidden in pages): a fund belongs to the chosen regime, a
login and a convention code are unique, a partner administrator never changes their own right, the
last administrator can be neither demoted nor deleted, an administrator must lose the right before
being deleted, a validated convention is read-only to the partner.
"""

import logging

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils import timezone
from django.utils.crypto import get_random_string
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from accounts.enums import OrganisationKind, Role, SecurityEventKind
from accounts.models import Membership, Organisation
from accounts.services.credentials import account_create_with_temporary_password, account_disable
from accounts.services.profile import email_taken
from accounts.services.security_log import log_event
from core.history import TransitionNotAllowed, record_event, record_transition, register_action
from core.notifications import emit
from core.workflows import gone

from . import notifications
from .enums import ConventionState, PreRegistrationState
from .models import Address, ContactMessage, Convention, ConventionType, Partner, PreRegistration
from .workflows import CONTACT_MESSAGE, CONVENTION, PREREGISTRATION

register_action("corrected", _lazy("Corrigée par le partenaire"))

logger = logging.getLogger(__name__)

PARTNER_FIELDS = ("siret", "email", "phone")


# --- helpers --------------------------------------------------------------------------------------


def _link(request, path):
    """The object's address for an e-mail: from the request when there is one."""
    return request.build_absolute_uri(path) if request is not None else notifications.absolute(path)


def login_is_taken(login, *, exclude_preregistration=None):
    User = get_user_model()
    if User.objects.filter(identifier__iexact=login).exists():
        return True
    pending = PreRegistration.objects.filter(state=PreRegistrationState.PENDING, admin_login__iexact=login)
    if exclude_preregistration is not None:
        pending = pending.exclude(pk=exclude_preregistration.pk)
    return pending.exists()


def email_is_taken(email):
    """An account signs in with this address, or a pending pre-registration will create one with it."""
    pending = PreRegistration.objects.filter(state=PreRegistrationState.PENDING, admin_email__iexact=email)
    return email_taken(email) or pending.exists()


def suggest_login(login):
    """A free login close to `login` (digits added), to offer instead of a taken one."""
    base = (login or "").strip()[:26] or "partenaire"
    for number in range(2, 1000):
        candidate = f"{base}{number}"
        if not login_is_taken(candidate):
            return candidate
    return f"{base}{get_random_string(4, '0123456789')}"


def convention_code_is_taken(code, fund, *, exclude_convention=None):
    conventions = Convention.objects.exclude(state__in=[ConventionState.INVALIDATED, ConventionState.WITHDRAWN])
    if exclude_convention is not None:
        conventions = conventions.exclude(pk=exclude_convention.pk)
    return (
        conventions.annotate(code_lower=Lower("code"))
        .filter(fund=fund, code_lower=(code or "").strip().lower())
        .exists()
        or PreRegistration.objects.filter(
            state=PreRegistrationState.PENDING, fund=fund, convention_code__iexact=(code or "").strip()
        ).exists()
    )


def check_fund_of_regime(*, regime, fund, field="fund"):
    if regime is None or regime.kind != OrganisationKind.REGIME or not regime.is_active:
        raise ValidationError({"regime": _("Choisissez un régime de la liste.")})
    if fund is None or fund.kind != OrganisationKind.FUND or not fund.is_active:
        raise ValidationError({field: _("Choisissez une caisse de la liste.")})
    if fund.parent_id != regime.pk:
        raise ValidationError(
            {field: _("La caisse « %(fund)s » ne dépend pas du régime %(regime)s.") % {"fund": fund, "regime": regime}}
        )


def convention_type_for(partner_type):
    """The convention type of a pre-registration: the one named like the partner type."""
    return (
        ConventionType.objects.active().filter(code=partner_type.code).first()
        or ConventionType.objects.active().order_by("pk").first()
    )


# --- pre-registration -----------------------------------------------------------------------------


@transaction.atomic
def preregistration_submit(*, data, request=None) -> PreRegistration:
    """Records a pre-registration typed on the public form (already cleaned) and tells the fund's admins."""
    check_fund_of_regime(regime=data["regime"], fund=data["fund"])
    errors = {}
    if login_is_taken(data["admin_login"]):
        errors["admin_login"] = _("Ce login est déjà utilisé : choisissez-en un autre.")
    if convention_code_is_taken(data["convention_code"], data["fund"]):
        errors["convention_code"] = _("Ce code convention est déjà enregistré pour cette caisse.")
    if errors:
        raise ValidationError(errors)
    preregistration = PreRegistration(**data)
    preregistration.full_clean()
    preregistration.save()
    record_transition(preregistration, actor=None, from_state="", to_state=PreRegistrationState.PENDING)
    emit(
        notifications.PREREGISTRATION_RECEIVED,
        preregistration,
        context={"link": _link(request, preregistration.get_absolute_url())},
    )
    emit(notifications.PREREGISTRATION_RECEIPT, preregistration)
    return preregistration


@transaction.atomic
def preregistration_validate(*, preregistration_id, actor, scope, request=None) -> PreRegistration:
    """The fund accepts: partner, validated convention and active administrator account (temporary password)."""
    preregistration = PREREGISTRATION.run(
        "validate",
        preregistration_id,
        actor=actor,
        scope=scope,
        context={"login_link": _link(request, reverse("accounts:login"))},
    )
    organisation = Organisation(kind=OrganisationKind.PARTNER, name=preregistration.partner_name)
    organisation.full_clean()
    organisation.save()
    partner = Partner(
        organisation=organisation,
        partner_type=preregistration.partner_type,
        siret=preregistration.siret,
        email=preregistration.admin_email,
        phone=preregistration.phone,
        **{name: getattr(preregistration, name) for name in Address.ADDRESS_FIELDS},
    )
    partner.full_clean()
    partner.save()
    convention = Convention.objects.create(
        partner=partner,
        fund=preregistration.fund,
        convention_type=convention_type_for(preregistration.partner_type),
        code=preregistration.convention_code,
        state=ConventionState.VALIDATED,
        decided_by=actor,
        decided_at=timezone.now(),
    )
    record_transition(convention, actor=actor, from_state="", to_state=ConventionState.VALIDATED, action="validate")
    try:
        account_create_with_temporary_password(
            identifier=preregistration.admin_login,
            email=preregistration.admin_email,
            first_name=preregistration.admin_first_name,
            last_name=preregistration.admin_last_name,
            phone=preregistration.admin_phone,
            organisation=organisation,
            role=Role.PARTNER_USER,
            is_admin=True,
            created_by=actor,
            request=request,
        )
    except ValidationError as error:
        if "identifier" in getattr(error, "error_dict", {}):
            raise ValidationError(
                _("Le login « %(login)s » a été pris depuis la préinscription : invalidez-la avec ce motif.")
                % {"login": preregistration.admin_login}
            ) from error
        raise
    preregistration.partner = partner
    preregistration.save(update_fields=["partner"])
    return preregistration


def preregistration_invalidate(*, preregistration_id, actor, scope, reason, request=None) -> PreRegistration:
    """The fund refuses, with a reason e-mailed to the applicant; the login and the code are free again."""
    return PREREGISTRATION.run("invalidate", preregistration_id, actor=actor, scope=scope, reason=reason)


# --- conventions ----------------------------------------------------------------------------------


@transaction.atomic
def convention_add(*, partner, regime, fund, convention_type, code, actor, request=None) -> Convention:
    """A partner administrator adds a convention: it waits for the fund's administrator."""
    check_fund_of_regime(regime=regime, fund=fund)
    code = (code or "").strip()
    if convention_code_is_taken(code, fund):
        raise ValidationError({"code": _("Ce code convention est déjà enregistré pour cette caisse.")})
    convention = Convention(partner=partner, fund=fund, convention_type=convention_type, code=code, created_by=actor)
    convention.full_clean()
    convention.save()
    record_transition(convention, actor=actor, from_state="", to_state=ConventionState.AWAITING)
    emit(notifications.CONVENTION_RECEIVED, convention, context={"link": _link(request, convention.get_fund_url())})
    return convention


def convention_validate(*, convention_id, actor, scope) -> Convention:
    return CONVENTION.run("validate", convention_id, actor=actor, scope=scope)


def convention_invalidate(*, convention_id, actor, scope, reason) -> Convention:
    return CONVENTION.run("invalidate", convention_id, actor=actor, scope=scope, reason=reason)


@transaction.atomic
def convention_update(*, convention_id, scope, actor, regime, fund, convention_type, code, request=None) -> Convention:
    """The partner corrects a convention that still waits for the fund (`scope`: the partner's conventions).
    A change of fund tells the new fund, as a new convention would."""
    try:
        convention = scope.select_for_update(of=("self",)).get(pk=convention_id)
    except Convention.DoesNotExist as exc:
        raise gone(Convention) from exc
    if convention.state != ConventionState.AWAITING:
        raise TransitionNotAllowed(
            current=convention.state,
            allowed=[ConventionState.AWAITING],
            current_label=CONVENTION.label(convention.state),
        )
    check_fund_of_regime(regime=regime, fund=fund)
    code = (code or "").strip()
    if convention_code_is_taken(code, fund, exclude_convention=convention):
        raise ValidationError({"code": _("Ce code convention est déjà enregistré pour cette caisse.")})
    moved = convention.fund_id != fund.pk
    convention.fund, convention.convention_type, convention.code = fund, convention_type, code
    convention.full_clean()
    convention.save(update_fields=["fund", "convention_type", "code"])
    record_event(convention, actor=actor, action="corrected")
    if moved:
        emit(notifications.CONVENTION_RECEIVED, convention, context={"link": _link(request, convention.get_fund_url())})
    return convention


def convention_withdraw(*, convention_id, actor, scope) -> Convention:
    """The partner withdraws a convention that still waits for the fund; the fund is told."""
    return CONVENTION.run("withdraw", convention_id, actor=actor, scope=scope)


# --- partner details ------------------------------------------------------------------------------


@transaction.atomic
def partner_update(*, partner, actor, name, siret, email, phone) -> Partner:
    """Tab "Partenaire": name, SIRET, e-mail, phone."""
    partner = Partner.objects.select_for_update().select_related("organisation").get(pk=partner.pk)
    organisation = partner.organisation
    organisation.name = name.strip()
    organisation.full_clean()
    organisation.save(update_fields=["name"])
    partner.siret, partner.email, partner.phone = siret, email, phone
    partner.full_clean()
    partner.save(update_fields=["siret", "email", "phone"])
    return partner


@transaction.atomic
def partner_address_update(*, partner, actor, **fields) -> Partner:
    """Tab "Adresse": every address field, never the company name."""
    unknown = set(fields) - set(Address.ADDRESS_FIELDS)
    if unknown:
        raise ValueError(f"not address fields: {sorted(unknown)}")
    partner = Partner.objects.select_for_update().get(pk=partner.pk)
    for name, value in fields.items():
        setattr(partner, name, value or "")
    partner.full_clean()
    partner.save(update_fields=list(fields))
    return partner


# --- partner users --------------------------------------------------------------------------------


def _lock_memberships(organisation):
    """Locks the organisation's memberships: concurrent admin changes are serialised."""
    return list(Membership.objects.select_for_update().filter(organisation=organisation).order_by("pk"))


def _active_admin_count(memberships):
    return sum(1 for m in memberships if m.is_active and m.is_admin)


@transaction.atomic
def partner_user_create(*, partner, actor, last_name, first_name, login, phone, email, is_admin, request=None):
    """A new user of the partner; a temporary password is e-mailed to them."""
    if get_user_model().objects.filter(identifier__iexact=login).exists() or login_is_taken(login):
        raise ValidationError({"login": _("Ce login est déjà utilisé : choisissez-en un autre.")})
    new = account_create_with_temporary_password(
        identifier=login,
        email=email,
        first_name=first_name,
        last_name=last_name,
        phone=phone,
        organisation=partner.organisation,
        role=Role.PARTNER_USER,
        is_admin=is_admin,
        created_by=actor,
        request=request,
    )
    if is_admin:
        log_event(
            SecurityEventKind.ADMIN_RIGHT_CHANGED,
            user=new.user,
            actor=actor,
            organisation=partner.organisation,
            request=request,
            is_admin=True,
        )
    return new


@transaction.atomic
def partner_user_update(*, membership, actor, last_name, first_name, phone, email, is_admin, request=None):
    """Edits a partner user (the login never changes). The administrator right of another user only;
    the last administrator stays one."""
    memberships = _lock_memberships(membership.organisation)
    membership = next(m for m in memberships if m.pk == membership.pk)
    if not membership.is_active:
        raise ValidationError(_("Cet utilisateur a été supprimé."))
    if is_admin != membership.is_admin:
        if membership.user_id == actor.pk:
            raise ValidationError({"is_admin": _("Vous ne pouvez pas modifier vos propres droits d'administration.")})
        if not is_admin and _active_admin_count(memberships) <= 1:
            raise ValidationError({"is_admin": _("Le partenaire doit garder au moins un administrateur.")})
    user = membership.user
    user.last_name, user.first_name, user.phone, user.email = last_name, first_name, phone, email
    user.full_clean()
    user.save(update_fields=["last_name", "first_name", "phone", "email"])
    if is_admin != membership.is_admin:
        membership.is_admin = is_admin
        membership.updated_by = actor
        membership.save(update_fields=["is_admin", "updated_by", "updated_at"])
        log_event(
            SecurityEventKind.ADMIN_RIGHT_CHANGED,
            user=user,
            actor=actor,
            organisation=membership.organisation,
            request=request,
            is_admin=is_admin,
        )
    return membership


@transaction.atomic
def partner_user_delete(*, membership, actor, request=None):
    """Removes a user from the partner: the membership ends and the account is disabled (kept for history)."""
    memberships = _lock_memberships(membership.organisation)
    membership = next(m for m in memberships if m.pk == membership.pk)
    if membership.user_id == actor.pk:
        raise ValidationError(_("Vous ne pouvez pas supprimer votre propre compte."))
    if membership.is_admin:
        if _active_admin_count(memberships) <= 1:
            raise ValidationError(_("Le dernier administrateur du partenaire ne peut pas être supprimé."))
        raise ValidationError(_("Retirez d'abord les droits d'administration de cet utilisateur, puis supprimez-le."))
    if not membership.is_active:
        return membership
    membership.is_active = False
    membership.updated_by = actor
    membership.save(update_fields=["is_active", "updated_by", "updated_at"])
    if not Membership.objects.filter(user=membership.user, is_active=True).exists():
        account_disable(user=membership.user, actor=actor, request=request)
    return membership


# --- contact --------------------------------------------------------------------------------------


def _fund_for_convention_number(number):
    funds = set(
        Convention.objects.exclude(state=ConventionState.INVALIDATED)
        .filter(code__iexact=(number or "").strip())
        .values_list("fund_id", flat=True)
    )
    return Organisation.objects.get(pk=funds.pop()) if len(funds) == 1 else None


@transaction.atomic
def contact_message_submit(*, data) -> ContactMessage:
    """Stores a contact message and e-mails the fund of the convention (or the national admins)."""
    message = ContactMessage(**data)
    message.fund = _fund_for_convention_number(message.convention_number)
    message.full_clean()
    message.save()
    emit(notifications.CONTACT_RECEIVED, message)
    return message


def contact_message_close(*, message_id, actor, scope) -> ContactMessage:
    return CONTACT_MESSAGE.run("close", message_id, actor=actor, scope=scope)


@transaction.atomic
def reference_record_save(*, form, actor):
    """Saves one record of the national admins' reference data (regime, fund, types, news, document)
    from its validated form, whole or not at all, and logs who did it."""
    record = form.save()
    logger.info("reference record %s #%s saved by user %s", type(record).__name__, record.pk, actor.pk)
    return record
