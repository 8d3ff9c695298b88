"""Every write of the Prestations space (keyword-only, atomic; transitions lock their row and keep history)."""

import datetime
import logging
import unicodedata
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.formats import date_format, number_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from accounts.enums import Role
from accounts.services.credentials import account_create_with_temporary_password
from core.files import validate_upload
from core.history import TransitionNotAllowed, record_event, record_transition
from core.notifications import emit
from core.validators import normalise_iban
from core.workflows import gone

from . import notifications, selectors
from .catalogue import CATALOGUE
from .enums import EDITABLE_STATES, BeneficiaryKind, FamilyDocumentKind, RequestState
from .models import (
    BenefitRequest,
    BenefitType,
    Contribution,
    Cooperative,
    Cooperator,
    Dependant,
    FamilyDocument,
    RequestDocument,
    Tariff,
)
from .notifications import mask_iban
from .workflows import FAMILY_DOCUMENT, REQUEST

logger = logging.getLogger("benefits")


class NotEligible(ValidationError):
    """A request refused at entry: `reasons` are French sentences saying why."""

    def __init__(self, reasons):
        self.reasons = list(reasons)
        super().__init__(self.reasons, code="not_eligible")


def initial_of(name):
    """First letter of a name, upper case, without accent ("Émile" -> "E")."""
    for char in unicodedata.normalize("NFKD", name or ""):
        if char.isascii() and char.isalpha():
            return char.upper()
    return ""


def _money(amount):
    return number_format(amount, decimal_pos=2, force_grouping=True)


# --- Catalogue and tariffs -------------------------------------------------------------------------


@transaction.atomic
def benefit_types_ensure(*, with_tariffs_for=()):
    """Writes the catalogue (benefits.catalogue.CATALOGUE); optionally the default tariffs of some years."""
    types = {}
    for spec in CATALOGUE:
        values = {key: value for key, value in spec.items() if key not in ("code", "amount")}
        values.setdefault("legal_forms", [])
        values.setdefault("min_age", None)
        values.setdefault("max_age", None)
        values.setdefault("requires_no_dependent_child", False)
        values.setdefault("by_post_only", False)
        benefit_type, _created = BenefitType.objects.update_or_create(code=spec["code"], defaults=values)
        types[spec["code"]] = benefit_type
        for year in with_tariffs_for:
            if spec["amount"] is not None:
                Tariff.objects.get_or_create(year=year, benefit_type=benefit_type, defaults={"amount": spec["amount"]})
    return types


@transaction.atomic
def tariffs_publish(*, year, amounts, actor):
    """Publishes (or corrects) the tariffs of `year`: amounts = {benefit type: Decimal or None}."""
    published = []
    for benefit_type, amount in amounts.items():
        if amount is None:
            continue
        tariff, _created = Tariff.objects.update_or_create(
            year=year,
            benefit_type=benefit_type,
            defaults={"amount": amount, "published_by": actor, "published_at": timezone.now()},
        )
        published.append(tariff)
    return published


def tariff_amount(benefit_type, year):
    return Tariff.objects.filter(benefit_type=benefit_type, year=year).values_list("amount", flat=True).first()


# --- Cooperatives ----------------------------------------------------------------------------------

COOPERATIVE_INFO_FIELDS = ("address", "postcode", "city", "email", "phone", "siret")
COOPERATIVE_UNION_FIELDS = ("legal_form", "package")


@transaction.atomic
def cooperative_update(*, cooperative, actor, name=None, **fields):
    """Identity and address (HR manager or officer); legal form and package only through officers' forms."""
    cooperative = Cooperative.objects.select_for_update().select_related("organisation").get(pk=cooperative.pk)
    allowed = set(COOPERATIVE_INFO_FIELDS) | set(COOPERATIVE_UNION_FIELDS)
    unknown = set(fields) - allowed
    if unknown:
        raise TypeError(f"cooperative_update: unknown fields {sorted(unknown)}")
    for key, value in fields.items():
        setattr(cooperative, key, value)
    cooperative.updated_by = actor
    cooperative.full_clean()
    cooperative.save()
    if name and name != cooperative.organisation.name:
        cooperative.organisation.name = name
        cooperative.organisation.full_clean()
        cooperative.organisation.save(update_fields=["name"])
    return cooperative


@transaction.atomic
def cooperative_create(*, organisation, union, legal_form, package, actor=None, **fields):
    cooperative = Cooperative(
        organisation=organisation, union=union, legal_form=legal_form, package=package, updated_by=actor, **fields
    )
    cooperative.full_clean()
    cooperative.save()
    return cooperative


# --- Cooperators -----------------------------------------------------------------------------------

COOPERATOR_FIELDS = (
    "civility",
    "first_name",
    "last_name",
    "birth_date",
    "email",
    "phone",
    "address",
    "postcode",
    "city",
    "entry_date",
    "exit_date",
    "weekly_hours",
)


def family_number_next():
    """The next family number (F + 6 digits) after the highest one given."""
    highest = Cooperator.objects.aggregate(highest=Max("family_number"))["highest"]
    number = int(highest[1:]) + 1 if highest else 1
    return f"F{number:06d}"


def cooperator_create(*, cooperative, actor, family_number=None, **fields):
    """Adds a cooperator (entry date, weekly hours and e-mail required); the Union's family number is given
    automatically unless one is passed. Retries on the rare race for the next number."""
    unknown = set(fields) - set(COOPERATOR_FIELDS)
    if unknown:
        raise TypeError(f"cooperator_create: unknown fields {sorted(unknown)}")
    for attempt in range(5):
        try:
            with transaction.atomic():
                cooperator = Cooperator(
                    cooperative=cooperative,
                    family_number=family_number or family_number_next(),
                    updated_by=actor,
                    **fields,
                )
                cooperator.full_clean()
                cooperator.save()
                return cooperator
        except (IntegrityError, ValidationError) as error:
            taken = isinstance(error, IntegrityError) or "family_number" in getattr(error, "error_dict", {})
            if family_number or not taken or attempt == 4:
                raise
    raise AssertionError("unreachable")


@transaction.atomic
def cooperator_update(*, cooperator, actor, **fields):
    unknown = set(fields) - set(COOPERATOR_FIELDS)
    if unknown:
        raise TypeError(f"cooperator_update: unknown fields {sorted(unknown)}")
    cooperator = Cooperator.objects.select_for_update().get(pk=cooperator.pk)
    for key, value in fields.items():
        setattr(cooperator, key, value)
    cooperator.updated_by = actor
    cooperator.full_clean()
    cooperator.save()
    return cooperator


@transaction.atomic
def cooperator_login_create(*, cooperator, actor, request=None):
    """Creates the cooperator's account: identifier = family number + initials (last name, first name),
    a temporary password e-mailed (or returned, to show once) and forced to change at first login."""
    cooperator = (
        Cooperator.objects.select_for_update().select_related("cooperative__organisation").get(pk=cooperator.pk)
    )
    if cooperator.user_id:
        raise ValidationError(
            _("Ce coopérateur a déjà un identifiant : %(identifier)s.") % {"identifier": cooperator.user.identifier}
        )
    account = account_create_with_temporary_password(
        identifier=cooperator.login_identifier,
        email=cooperator.email,
        first_name=cooperator.first_name,
        last_name=cooperator.last_name,
        phone=cooperator.phone,
        organisation=cooperator.cooperative.organisation,
        role=Role.COOPERATOR,
        created_by=actor,
        request=request,
    )
    cooperator.user = account.user
    cooperator.save(update_fields=["user", "updated_at"])
    return account


# --- Dependants and family documents ---------------------------------------------------------------

DEPENDANT_FIELDS = ("relationship", "first_name", "last_name", "birth_date", "declared_on_tax_return")


@transaction.atomic
def dependant_create(*, cooperator, actor, **fields):
    dependant = Dependant(cooperator=cooperator, created_by=actor, **fields)
    dependant.full_clean()
    dependant.save()
    return dependant


@transaction.atomic
def dependant_update(*, dependant, actor, **fields):
    dependant = Dependant.objects.select_for_update().get(pk=dependant.pk)
    for key, value in fields.items():
        if key not in (*DEPENDANT_FIELDS, "is_active"):
            raise TypeError(f"dependant_update: unknown field {key}")
        setattr(dependant, key, value)
    dependant.full_clean()
    dependant.save()
    return dependant


@transaction.atomic
def family_document_add(*, cooperator, kind, file, actor, iban=""):
    """Adds a family document (pending the Union's validation). A RIB comes with its IBAN, checked, kept on
    the document: the family's IBAN changes only when the Union validates it (family_document_review)."""
    validate_upload(file)
    document = FamilyDocument(
        cooperator=cooperator,
        kind=kind,
        original_name=(getattr(file, "original_name", "") or file.name)[:200],
        uploaded_by=actor,
    )
    if kind == FamilyDocumentKind.BANK_DETAILS:
        if not iban:
            raise ValidationError({"iban": _("Indiquez l'IBAN du relevé d'identité bancaire.")})
        document.iban = normalise_iban(iban)
        document.full_clean(exclude=["file", "cooperator", "decided_by", "uploaded_by"])
    document.file.save(file.name, file, save=False)
    document.save()
    return document


@transaction.atomic
def family_document_review(*, document_id, scope, actor, validated, reason=""):
    """The Union validates (or refuses, with a reason) a family document. Validating a RIB makes its IBAN
    the family's (the old and new IBAN are in the document's history); the family is told either way."""
    if not validated:
        return FAMILY_DOCUMENT.run("reject", document_id, actor=actor, scope=scope, reason=reason)
    document = FAMILY_DOCUMENT.run("validate", document_id, actor=actor, scope=scope)
    if document.kind == FamilyDocumentKind.BANK_DETAILS and document.iban:
        cooperator = Cooperator.objects.select_for_update().get(pk=document.cooperator_id)
        before = cooperator.iban
        cooperator.iban = document.iban
        cooperator.updated_by = actor
        cooperator.save(update_fields=["iban", "updated_by", "updated_at"])
        record_event(
            document,
            actor=actor,
            action="bank_details_applied",
            state_field="status",
            reason=_("IBAN de la famille : %(before)s → %(after)s")
            % {"before": mask_iban(before) or _("aucun"), "after": mask_iban(document.iban)},
        )
        document.cooperator = cooperator
    return document


# --- Eligibility ---------------------------------------------------------------------------------


def eligibility_reasons(*, cooperator, dependant, benefit_type, year, today=None, exclude_pk=None):
    """Why a request may not be entered (French sentences); an empty list means it may."""
    today = today or timezone.localdate()
    cooperative = cooperator.cooperative
    reasons = []
    if benefit_type.by_post_only:
        reasons.append(
            _("La demande « %(type)s » se fait par courrier postal : elle ne peut pas être saisie en ligne.")
            % {"type": benefit_type.name}
        )
        return reasons
    if not benefit_type.is_active:
        reasons.append(_("Cette prestation n'est plus proposée."))
        return reasons
    if cooperative.package not in benefit_type.packages:
        reasons.append(
            _("La formule %(package)s de la coopérative ne comprend pas la prestation « %(type)s ».")
            % {"package": cooperative.get_package_display(), "type": benefit_type.name}
        )
    if benefit_type.legal_forms and cooperative.legal_form not in benefit_type.legal_forms:
        reasons.append(_("La prestation « %(type)s » est réservée aux Scop et aux Scic.") % {"type": benefit_type.name})
    if today < cooperator.entry_date:
        reasons.append(
            _("%(name)s n'est entré(e) dans la coopérative que le %(date)s.")
            % {"name": cooperator.get_full_name(), "date": date_format(cooperator.entry_date, "d/m/Y")}
        )
    elif not cooperator.is_present(today):
        reasons.append(
            _("%(name)s a quitté la coopérative le %(date)s : plus aucune demande ne peut être faite pour sa famille.")
            % {"name": cooperator.get_full_name(), "date": date_format(cooperator.exit_date, "d/m/Y")}
        )
    if dependant is not None and dependant.cooperator_id != cooperator.pk:
        reasons.append(_("Cet ayant droit n'appartient pas à la famille de ce coopérateur."))
        return reasons
    kind = dependant.relationship if dependant is not None else BeneficiaryKind.COOPERATOR
    name = dependant.get_full_name() if dependant is not None else cooperator.get_full_name()
    if dependant is not None and not dependant.is_active:
        reasons.append(_("%(name)s ne fait plus partie des ayants droit.") % {"name": name})
    if kind not in benefit_type.beneficiary_kinds:
        reasons.append(
            _("La prestation « %(type)s » ne peut pas être demandée pour %(kind)s : elle concerne %(allowed)s.")
            % {
                "type": benefit_type.name,
                "kind": {
                    BeneficiaryKind.COOPERATOR: _("le coopérateur lui-même"),
                    BeneficiaryKind.CHILD: _("un enfant"),
                    BeneficiaryKind.SPOUSE: _("un conjoint"),
                }[BeneficiaryKind(kind)],
                "allowed": ", ".join(label.lower() for label in benefit_type.beneficiary_labels()),
            }
        )
    birth_date = dependant.birth_date if dependant is not None else cooperator.birth_date
    has_limits = benefit_type.min_age is not None or benefit_type.max_age is not None
    if kind in benefit_type.beneficiary_kinds and birth_date and has_limits:
        from .models import age_on

        age = age_on(birth_date, today)
        too_young = benefit_type.min_age is not None and age < benefit_type.min_age
        too_old = benefit_type.max_age is not None and age > benefit_type.max_age
        if too_young or too_old:
            reasons.append(
                _("%(name)s a %(age)s ans : la prestation « %(type)s » est accordée de %(min)s à %(max)s ans.")
                % {
                    "name": name,
                    "age": age,
                    "type": benefit_type.name,
                    "min": benefit_type.min_age if benefit_type.min_age is not None else 0,
                    "max": benefit_type.max_age if benefit_type.max_age is not None else "—",
                }
            )
    if benefit_type.requires_no_dependent_child and selectors.has_dependent_child(cooperator):
        reasons.append(
            _(
                "Les vacances coopérateur sont réservées aux coopérateurs sans enfant à charge sur l'avis "
                "d'imposition de l'an dernier : %(name)s en a déclaré un."
            )
            % {"name": cooperator.get_full_name()}
        )
    if benefit_type.once_per_year:
        existing = selectors.existing_requests(
            cooperator=cooperator, dependant=dependant, benefit_type=benefit_type, year=year, exclude_pk=exclude_pk
        ).first()
        if existing is not None:
            reasons.append(
                _("Une demande « %(type)s » existe déjà pour %(name)s en %(year)s (demande %(ref)s).")
                % {"type": benefit_type.name, "name": name, "year": year, "ref": existing.reference}
            )
    if tariff_amount(benefit_type, year) is None:
        reasons.append(
            _("Les tarifs %(year)s de la prestation « %(type)s » ne sont pas encore publiés.")
            % {"year": year, "type": benefit_type.name}
        )
    return reasons


# --- Requests ------------------------------------------------------------------------------------


def _attach(request_obj, files, actor):
    documents = []
    for file in files or ():
        info = getattr(file, "upload_info", None) or validate_upload(file)
        document = RequestDocument(
            request=request_obj,
            original_name=(getattr(file, "original_name", "") or file.name)[:200],
            content_type=info.content_type,
            size=info.size,
            uploaded_by=actor,
        )
        document.file.save(file.name, file, save=False)
        document.save()
        documents.append(document)
    return documents


def _is_family(actor, cooperator):
    return actor is not None and cooperator.user_id is not None and cooperator.user_id == actor.pk


@transaction.atomic
def request_create(*, cooperator, benefit_type, actor, dependant=None, files=(), comment="", today=None):
    """Enters a request for one beneficiary; eligibility checked under a lock of the family (no duplicate
    can slip in between). Entered by the cooperator: it waits for the cooperative's approval."""
    today = today or timezone.localdate()
    cooperator = Cooperator.objects.select_for_update().select_related("cooperative").get(pk=cooperator.pk)
    year = today.year
    reasons = eligibility_reasons(
        cooperator=cooperator, dependant=dependant, benefit_type=benefit_type, year=year, today=today
    )
    if reasons:
        raise NotEligible(reasons)
    if not files:
        raise ValidationError({"files": _("Joignez au moins une pièce justificative (scan PDF, JPEG ou PNG).")})
    by_family = _is_family(actor, cooperator)
    request_obj = BenefitRequest.objects.create(
        cooperative=cooperator.cooperative,
        cooperator=cooperator,
        dependant=dependant,
        benefit_type=benefit_type,
        year=year,
        state=RequestState.AWAITING if by_family else RequestState.ENTERED,
        comment=comment or "",
        created_by=actor,
    )
    _attach(request_obj, files, actor)
    record_transition(request_obj, actor=actor, from_state="", to_state=request_obj.state, action="request_created")
    if by_family:
        emit(notifications.EVENT_AWAITING_APPROVAL, request_obj, actor=actor)
    return request_obj


def _locked(scope, request_id):
    try:
        return scope.select_for_update(of=("self",)).get(pk=request_id)
    except BenefitRequest.DoesNotExist as exc:
        raise gone(BenefitRequest) from exc


def _editable(request_obj):
    if request_obj.state not in EDITABLE_STATES:
        raise TransitionNotAllowed(
            current=request_obj.state, allowed=EDITABLE_STATES, current_label=REQUEST.label(request_obj.state)
        )


@transaction.atomic
def request_update(*, request_id, scope, actor, benefit_type, dependant=None, comment="", files=(), today=None):
    """Changes a grey or yellow request (beneficiary, type, comment) and adds documents.

    A change of type or beneficiary changes what the amount depends on: an amount already set goes back
    to the tariff (the officer may then set another one, with a reason); both are in the history."""
    request_obj = _locked(scope, request_id)
    _editable(request_obj)
    today = today or timezone.localdate()
    reasons = eligibility_reasons(
        cooperator=request_obj.cooperator,
        dependant=dependant,
        benefit_type=benefit_type,
        year=request_obj.year,
        today=today,
        exclude_pk=request_obj.pk,
    )
    if reasons:
        raise NotEligible(reasons)
    changes = []
    fields = ["benefit_type", "dependant", "comment", "updated_at"]
    amount_basis_changed = False
    if benefit_type.pk != request_obj.benefit_type_id:
        amount_basis_changed = True
        changes.append(
            _("prestation « %(before)s » → « %(after)s »")
            % {"before": request_obj.benefit_type.name, "after": benefit_type.name}
        )
    if getattr(dependant, "pk", None) != request_obj.dependant_id:
        amount_basis_changed = True
        before = request_obj.beneficiary_name
        request_obj.dependant = dependant
        changes.append(
            _("bénéficiaire « %(before)s » → « %(after)s »") % {"before": before, "after": request_obj.beneficiary_name}
        )
    if (comment or "") != request_obj.comment:
        changes.append(_("commentaire modifié"))
    request_obj.benefit_type = benefit_type
    request_obj.dependant = dependant
    request_obj.comment = comment or ""
    if amount_basis_changed and (request_obj.amount is not None or request_obj.amount_computed is not None):
        tariff = tariff_amount(benefit_type, request_obj.year)
        before = request_obj.amount
        request_obj.amount = request_obj.amount_computed = tariff
        request_obj.amount_reason = ""
        fields += ["amount", "amount_computed", "amount_reason"]
        changes.append(
            _("montant %(before)s € → %(after)s € (tarif de la nouvelle prestation)")
            % {"before": _money(before or 0), "after": _money(tariff or 0)}
        )
    request_obj.save(update_fields=fields)
    documents = _attach(request_obj, files, actor)
    if documents:
        changes.append(
            ngettext("%(count)d pièce ajoutée", "%(count)d pièces ajoutées", len(documents)) % {"count": len(documents)}
        )
    if changes:
        # Every change is in the request's history, not only the changes of state.
        record_event(
            request_obj,
            actor=actor,
            action="request_edited",
            reason=_("Demande modifiée : %(changes)s") % {"changes": ", ".join(str(c) for c in changes)},
        )
    return request_obj


@transaction.atomic
def request_documents_add(*, request_id, scope, actor, files):
    """Adds supporting documents: possible until the request is paid (grey or yellow)."""
    request_obj = _locked(scope, request_id)
    _editable(request_obj)
    if not files:
        raise ValidationError({"files": _("Choisissez au moins un fichier.")})
    documents = _attach(request_obj, files, actor)
    record_event(
        request_obj,
        actor=actor,
        action="documents_added",
        reason=ngettext("%(count)d pièce ajoutée", "%(count)d pièces ajoutées", len(documents))
        % {"count": len(documents)},
    )
    return documents


def request_withdraw(*, request_id, scope, actor):
    return REQUEST.run("withdraw", request_id, actor=actor, scope=scope)


def request_approve(*, request_id, scope, actor):
    """The cooperative approves a request its cooperator entered: the Union can process it."""
    return REQUEST.run("approve", request_id, actor=actor, scope=scope)


def request_reject(*, request_id, scope, actor, reason):
    """The cooperative does not approve a request its cooperator entered (red, with the reason)."""
    return REQUEST.run("reject", request_id, actor=actor, scope=scope, reason=reason)


# Officers


@transaction.atomic
def request_take(*, request_id, scope, actor):
    """An officer takes a request in charge (yellow); the amount is computed from the year's tariffs."""
    request_obj = _locked(scope, request_id)
    if request_obj.state == RequestState.AWAITING:
        raise ValidationError(_("La coopérative n'a pas encore donné son accord pour cette demande."))
    computed = tariff_amount(request_obj.benefit_type, request_obj.year)
    updates = {"amount_computed": computed}
    if request_obj.amount is None:
        updates["amount"] = computed
    return REQUEST.run("take", request_id, actor=actor, scope=scope, updates=updates)


@transaction.atomic
def request_set_amount(*, request_id, scope, actor, amount, reason=""):
    """Sets the amount: the tariffs' amount, or another one with a reason (kept in the history)."""
    request_obj = _locked(scope, request_id)
    if request_obj.state != RequestState.PROCESSING:
        raise TransitionNotAllowed(
            current=request_obj.state,
            allowed=[RequestState.PROCESSING],
            current_label=REQUEST.label(request_obj.state),
        )
    if amount is None or amount < 0:
        raise ValidationError({"amount": _("Indiquez un montant positif ou nul.")})
    computed = tariff_amount(request_obj.benefit_type, request_obj.year)
    if computed is None:
        computed = request_obj.amount_computed
    overridden = computed is None or Decimal(amount) != computed
    if overridden and not (reason or "").strip():
        raise ValidationError(
            {"reason": _("Le montant diffère de celui des tarifs : indiquez le motif de ce changement.")}
        )
    request_obj.amount = amount
    request_obj.amount_computed = computed
    request_obj.amount_reason = reason if overridden else ""
    request_obj.save(update_fields=["amount", "amount_computed", "amount_reason", "updated_at"])
    note = _("Montant fixé à %(amount)s €") % {"amount": _money(amount)}
    if overridden:
        note += " — " + reason
    record_event(request_obj, actor=actor, action="amount_set", reason=note)
    return request_obj


# A payment is dated at most this many days ahead (a transfer prepared for the coming weeks).
PAYMENT_DAYS_AHEAD = 60


def check_payment_date(request_obj, payment_date, today=None):
    """A payment date is not before the request was entered, nor more than 60 days ahead."""
    today = today or timezone.localdate()
    entered_on = timezone.localtime(request_obj.created_at).date()
    if payment_date < entered_on:
        raise ValidationError(
            {
                "payment_date": _(
                    "La date de paiement ne peut pas précéder la saisie de la demande %(ref)s (le %(date)s)."
                )
                % {"ref": request_obj.reference, "date": date_format(entered_on, "d/m/Y")}
            }
        )
    if payment_date > today + datetime.timedelta(days=PAYMENT_DAYS_AHEAD):
        raise ValidationError(
            {
                "payment_date": _("La date de paiement est trop éloignée : %(days)s jours au plus après aujourd'hui.")
                % {"days": PAYMENT_DAYS_AHEAD}
            }
        )


@transaction.atomic
def request_pay(*, request_id, scope, actor, payment_date=None):
    """Pays a request being processed (blue): amount and payment date are then locked."""
    request_obj = _locked(scope, request_id)
    if request_obj.state == RequestState.PROCESSING and request_obj.amount is None:
        raise ValidationError(_("Fixez d'abord le montant de la demande."))
    payment_date = payment_date or timezone.localdate()
    if request_obj.state == RequestState.PROCESSING:
        check_payment_date(request_obj, payment_date)
    return REQUEST.run(
        "pay",
        request_id,
        actor=actor,
        scope=scope,
        reason=_("Payée : %(amount)s € le %(date)s")
        % {"amount": _money(request_obj.amount or 0), "date": date_format(payment_date, "d/m/Y")},
        updates={"payment_date": payment_date},
    )


def request_refuse(*, request_id, scope, actor, reason):
    return REQUEST.run("refuse", request_id, actor=actor, scope=scope, reason=reason)


@dataclass
class BulkResult:
    paid: list = field(default_factory=list)
    failed: list = field(default_factory=list)  # (request id, message)


def requests_pay_bulk(*, request_ids, scope, actor, payment_date=None):
    """Pays each selected request on its own (one that cannot be paid does not stop the others)."""
    result = BulkResult()
    for request_id in request_ids:
        try:
            result.paid.append(request_pay(request_id=request_id, scope=scope, actor=actor, payment_date=payment_date))
        except BenefitRequest.DoesNotExist:
            result.failed.append((request_id, _("Demande introuvable.")))
        except ValidationError as error:
            result.failed.append((request_id, " ".join(error.messages)))
    return result


# --- Contributions -------------------------------------------------------------------------------


@transaction.atomic
def contribution_add(*, cooperative, actor, kind, year, label, amount, date):
    contribution = Contribution(
        cooperative=cooperative, kind=kind, year=year, label=label, amount=amount, date=date, created_by=actor
    )
    contribution.full_clean()
    contribution.save()
    return contribution


# --- The 14-day purge and its reminder -----------------------------------------------------------


REMINDER_FIELDS = (
    "state",
    "created_at",
    "cooperative",
    "benefit_type",
    "cooperator__first_name",
    "cooperator__last_name",
    "cooperator__email",
    "cooperator__user__email",
    "cooperator__user__is_active",
    "cooperator__user__language",
    "dependant__first_name",
    "dependant__last_name",
)


def unapproved_requests_remind(*, now=None, batch_size=5000, dry_run=False, should_stop=None):
    """Reminds the HR managers and the cooperator, 3 days before the purge, of each request still
    waiting for approval (once: purge_reminded_at): one e-mail per person and run listing their requests
    (a batch holds whole cooperatives; its HR managers are found with one query). Idempotent; two workers
    share the work (SKIP LOCKED). Returns how many requests were reminded (or would be)."""
    return REQUEST.run_due(
        "remind_purge",
        # What the e-mail's context and recipients read (benefits.notifications purge_soon_context and
        # managers_and_family_many), loaded with each batch, and only that.
        selectors.purge_reminder_candidates(now=now)
        .select_related("cooperator__user", "dependant")
        .prefetch_related("benefit_type", "cooperative__organisation")  # a few rows, shared by the batch
        .only(*REMINDER_FIELDS),
        batch_size=batch_size,
        dry_run=dry_run,
        should_stop=should_stop,
        now=now,
        group_by="cooperative_id",
    )


PURGE_FIELDS = (
    "state",
    "created_at",
    "cooperator__first_name",
    "cooperator__last_name",
    "cooperator__email",
    "benefit_type__name",
    "dependant__first_name",
    "dependant__last_name",
)


def unapproved_requests_purge(*, now=None, batch_size=5000, dry_run=False, should_stop=None):
    """Deletes requests entered by cooperators that their cooperative has not approved within 14 days
    (the timed step "purge": with their history and scans), and tells each cooperator by e-mail: one
    e-mail per cooperator listing their requests (batches take a cooperator's requests together).
    Idempotent; two workers share the work (SKIP LOCKED). Returns the number deleted (or that would be)."""
    return REQUEST.run_due(
        "purge",
        # What the e-mail's context reads (benefits.notifications.purged_context), loaded with each batch,
        # and only that: a batch of requests with their cooperators is instantiated cheaply.
        selectors.purge_candidates(now=now)
        .select_related("cooperator", "benefit_type", "dependant")
        .only(*PURGE_FIELDS),
        batch_size=batch_size,
        dry_run=dry_run,
        should_stop=should_stop,
        now=now,
        group_by="cooperator_id",
    )


def request_year_default(today=None):
    return (today or timezone.localdate()).year
