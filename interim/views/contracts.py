"""Mes contrats: the table of the manual, the detail dialog, the PDF, and the signature by SMS code."""

import io
import zipfile

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import SimpleLazyObject
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from core.access import error_messages, form_errors, require, run_action
from core.files import private_file_response
from core.tables import Column, DataTable, state_cell

from .. import selectors, signature
from ..enums import AuditEvent
from ..forms import ContractFilters, SignForm
from ..workflows import CONTRACT
from .common import worker_list_page, worker_page

PAGE_SIZES = (15, 30, 50, 100)


def _none(row):
    return None


def contract_columns():
    return [
        Column("reference", gettext_lazy("Référence"), order_by="reference"),
        Column(
            "qualification",
            gettext_lazy("Qualification"),
            accessor="mission.qualification",
            order_by="mission__qualification__label",
        ),
        Column(
            "dates",
            gettext_lazy("Date de mission"),
            accessor=_none,
            order_by=("mission__start_date", "mission__end_date"),
            cell_template="interim/cells/contract_dates.html",
        ),
        Column("detail", gettext_lazy("Détail"), accessor=_none, cell_template="interim/cells/contract_detail.html"),
        Column("hours", gettext_lazy("Horaires"), accessor="mission.hours", order_by="mission__hours"),
        Column(
            "client",
            gettext_lazy("Entreprise"),
            accessor="mission.client",
            order_by="mission__client__organisation__name",
        ),
        Column(
            "document",
            gettext_lazy("Contrat de mission"),
            accessor=_none,
            cell_template="interim/cells/contract_document.html",
        ),
        Column(
            "created_at",
            gettext_lazy("Date de création"),
            order_by="created_at",
            cell_template="interim/cells/contract_created.html",
        ),
        Column("state", gettext_lazy("État"), order_by="state", render=state_cell),
        Column("notes", gettext_lazy("Divers"), order_by="notes"),
        Column("action", gettext_lazy("Action"), accessor=_none, cell_template="interim/cells/contract_action.html"),
    ]


@worker_list_page
def contract_list(request, worker):
    # The table is built only when the page is rendered, not when it is kept (the template's fragment).
    table = SimpleLazyObject(
        lambda: DataTable(
            request,
            selectors.contracts_for(request.membership),
            columns=contract_columns(),
            filter_form_class=ContractFilters,
            default_sort="-created_at",
            page_sizes=PAGE_SIZES,
            default_page_size=15,
            caption=_("Contrats"),
            empty_message=_("Aucun contrat."),
        )
    )
    # The signing countdowns ("Reste 1 jour, 3 heures") change by the minute: the page's fragment is
    # kept for the minute it shows (the countdown is computed from the minute's start).
    now = timezone.now().replace(second=0, microsecond=0)
    return render(request, "interim/contracts.html", {"table": table, "now": now})


def _contract(request, pk):
    return get_object_or_404(selectors.contracts_for(request.membership), pk=pk)


@worker_page
def contract_detail(request, worker, pk):
    contract = _contract(request, pk)
    return render(request, "interim/contract_detail.html", {"contract": contract})


@worker_page
def contract_pdf(request, worker, pk):
    contract = _contract(request, pk)
    return private_file_response(request, contract.document, label=f"contrat-{contract.reference}")


@worker_page
def contract_signed_pdf(request, worker, pk):
    contract = _contract(request, pk)
    if not contract.signed_document:
        return redirect("interim:contract_pdf", pk)
    return private_file_response(request, contract.signed_document, label=f"contrat-{contract.reference}-signe")


@worker_page
def contract_sign(request, worker, pk):
    """The signature page: the document's hash, the code sent by SMS, the consent and the code."""
    contract = _contract(request, pk)
    require(request, "interim.sign_contract", contract)
    scope = selectors.contracts_for(request.membership)
    form = SignForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            signature.contract_sign(
                contract_id=contract.pk,
                scope=scope,
                user=request.user,
                code=form.cleaned_data["code"],
                consent=form.fields["consent"].label,
                request=request,
            )
        except ValidationError as error:
            form_errors(form, error)
        else:
            messages.success(request, _("Votre contrat %(ref)s est signé.") % {"ref": contract.reference})
            return redirect("interim:contract_detail", contract.pk)
    device = contract.sign_devices.filter(user=request.user).first()
    context = {
        "contract": contract,
        "form": form,
        "code_sent": bool(device and device.token),
        "phone_end": signature._phone_end(request.user.phone or ""),
        "can_sign": CONTRACT.can(contract, request.user, "sign"),
    }
    return render(request, "interim/contract_sign.html", context)


@require_POST
@worker_page
def contract_send_code(request, worker, pk):
    contract = _contract(request, pk)
    require(request, "interim.sign_contract", contract)
    try:
        signature.code_send(
            contract_id=contract.pk,
            scope=selectors.contracts_for(request.membership),
            user=request.user,
            request=request,
        )
    except ValidationError as error:
        error_messages(request, error)
    else:
        messages.success(
            request,
            _(
                "Un code à 6 chiffres a été envoyé par SMS au numéro se terminant par %(end)s. "
                "Il est valable 10 minutes."
            )
            % {"end": signature._phone_end(request.user.phone)},
        )
    return redirect("interim:contract_sign", contract.pk)


def evidence_zip(request, pk):
    """The agency's evidence bundle for a dispute: sealed PDF, certificate page, evidence file, original."""
    require(request, "interim.view_evidence")
    contract = get_object_or_404(selectors.contracts_for(request.membership), pk=pk)
    require(request, "interim.view_evidence", contract)
    if not contract.signed_document:
        messages.error(request, _("Ce contrat n’est pas signé."))
        return redirect("interim:agency_contracts")
    buffer = io.BytesIO()
    signed_entry = contract.audit.filter(event=AuditEvent.SIGNED).order_by("-position").first()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as bundle:
        with contract.signed_document.open("rb") as handle:
            bundle.writestr(f"contrat-{contract.reference}-signe.pdf", handle.read())
        with contract.document.open("rb") as handle:
            bundle.writestr(f"contrat-{contract.reference}-original.pdf", handle.read())
        bundle.writestr("certificat-de-signature.pdf", signature.certificate_pdf(contract, signed_entry))
        bundle.writestr("preuve.json", signature.evidence_json(contract))
        bundle.writestr("cachet-agence.pem", signature.seal_certificate_pem())
    response = HttpResponse(buffer.getvalue(), content_type="application/zip")
    response["Content-Disposition"] = f'attachment; filename="preuves-contrat-{contract.reference}.zip"'
    response["Cache-Control"] = "private, no-store"
    return response


@require_POST
def agency_contract_send(request, pk):
    require(request, "interim.manage_contracts")
    scope = selectors.contracts_for(request.membership)
    contract = get_object_or_404(scope, pk=pk)
    return run_action(
        request,
        lambda: signature.contract_send(contract_id=contract.pk, scope=scope, actor=request.user, request=request),
        success=_("Contrat %(ref)s envoyé pour signature.") % {"ref": contract.reference},
        redirect_to=reverse("interim:agency_contract", args=[contract.pk]),
    )
