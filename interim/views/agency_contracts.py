"""The agency's contracts: the worker's table (interim/views/contracts.py) across the agency's workers,
with the filters the agency needs; a contract's page (send, change its dates, its amendments)."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from core.access import form_errors, require, run_action
from core.files import private_file_response
from core.tables import Column, DataTable

from .. import missions, selectors, signature
from ..mission_forms import CancelForm, DatesForm, agency_filters
from ..workflows import CONTRACT
from .contracts import PAGE_SIZES, _none, contract_columns

# The worker's cells that link to the worker's own pages are swapped for the agency's.
AGENCY_CELLS = {
    "detail": "interim/cells/agency_contract_detail.html",
    "document": "interim/cells/agency_contract_document.html",
    "action": "interim/cells/agency_contract_action.html",
}


def agency_contract_columns():
    columns = []
    for column in contract_columns():
        if column.key in AGENCY_CELLS:
            column = Column(column.key, column.label, accessor=_none, cell_template=AGENCY_CELLS[column.key])
        columns.append(column)
        if column.key == "reference":
            columns.append(
                Column(
                    "worker",
                    gettext_lazy("Intérimaire"),
                    accessor="worker",
                    order_by=("worker__user__last_name", "worker__user__first_name"),
                )
            )
    return columns


def contract_list(request):
    require(request, "interim.manage_contracts")
    table = DataTable(
        request,
        selectors.contracts_for(request.membership).select_related("worker__user"),
        columns=agency_contract_columns(),
        filter_form_class=agency_filters(request.membership.organisation_id),
        default_sort="-created_at",
        page_sizes=PAGE_SIZES,
        default_page_size=15,
        caption=_("Contrats de l'agence"),
        empty_message=_("Aucun contrat."),
    )
    context = {"table": table, "verify_url": reverse("interim:verify"), "now": timezone.now()}
    return render(request, "interim/agency/contracts.html", context)


def _contract(request, pk):
    require(request, "interim.manage_contracts")
    contract = get_object_or_404(selectors.contracts_for(request.membership), pk=pk)
    require(request, "interim.manage_contracts", contract)
    return contract


def _dates_form(contract, data=None):
    return DatesForm(data, initial={"start_date": contract.mission.start_date, "end_date": contract.mission.end_date})


def contract_detail(request, pk):
    contract = _contract(request, pk)
    scope = selectors.contracts_for(request.membership)
    form = _dates_form(contract, request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            amendment = missions.contract_dates_change(
                contract_id=contract.pk,
                scope=scope,
                start_date=form.cleaned_data["start_date"],
                end_date=form.cleaned_data["end_date"],
                reason=form.cleaned_data["reason"],
                actor=request.user,
                request=request,
            )
        except ValidationError as error:
            form_errors(form, error)
        else:
            if amendment.was_signed:
                messages.success(
                    request,
                    _("Dates modifiées : l'avenant n° %(n)s est à signer par l'intérimaire, qui en est prévenu.")
                    % {"n": amendment.number},
                )
            else:
                messages.success(request, _("Dates modifiées : l'intérimaire en est prévenu."))
            return redirect("interim:agency_contract", contract.pk)
    return _page(request, contract, form=form)


def _page(request, contract, *, form=None, cancel_form=None):
    context = {
        "contract": contract,
        "form": form or _dates_form(contract),
        "cancel_form": cancel_form or CancelForm(),
        "amendments": contract.amendments.select_related("created_by"),
        "can_send": CONTRACT.can(contract, request.user, "send"),
        "can_cancel": CONTRACT.can(contract, request.user, "cancel"),
        "can_change_dates": contract.state in missions.ACTIVE_CONTRACT_STATES,
    }
    return render(request, "interim/agency/contract.html", context)


@require_POST
def contract_cancel(request, pk):
    """Cancels a contract not signed, with a reason the worker reads; asked to confirm first."""
    contract = _contract(request, pk)
    scope = selectors.contracts_for(request.membership)
    form = CancelForm(request.POST)
    if not form.is_valid():
        return _page(request, contract, cancel_form=form)
    reason = form.cleaned_data["reason"]
    url = reverse("interim:agency_contract", args=[contract.pk])
    return run_action(
        request,
        lambda: signature.contract_cancel(
            contract_id=contract.pk, scope=scope, actor=request.user, reason=reason, request=request
        ),
        success=_("Contrat %(ref)s annulé : l'intérimaire en est prévenu.") % {"ref": contract.reference},
        redirect_to=url,
        confirm={
            "step": CONTRACT.step("cancel"),
            "obj": contract,
            "message": _("Le contrat %(ref)s de %(name)s sera annulé ; l'intérimaire en sera prévenu avec ce motif.")
            % {"ref": contract.reference, "name": contract.worker},
            "summary": [(_("Motif"), reason)],
            "cancel_url": url,
        },
    )


def contract_pdf(request, pk):
    contract = _contract(request, pk)
    if contract.signed_document:
        return private_file_response(request, contract.signed_document, label=f"contrat-{contract.reference}-signe")
    return private_file_response(request, contract.document, label=f"contrat-{contract.reference}")


def amendment_pdf(request, pk, number):
    contract = _contract(request, pk)
    amendment = get_object_or_404(contract.amendments, number=number)
    field = amendment.previous_signed_document or amendment.previous_document
    return private_file_response(request, field, label=f"contrat-{contract.reference}-avant-avenant-{number}")
