"""Mes demandes d'acompte (the worker). The agency's queue is in agency_advances.py."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.formats import number_format
from django.utils.functional import SimpleLazyObject
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from core.access import form_errors, require, run_action
from core.tables import Column, DataTable

from .. import payroll, selectors, services
from ..enums import AdvanceState
from ..forms import AdvanceForm
from ..workflows import ADVANCE
from .common import worker_list_page, worker_page


def _none(row):
    return None


@worker_list_page
def advance_list(request, worker):
    # The table is built only when the page is rendered, not when it is kept (the template's fragment).
    table = SimpleLazyObject(
        lambda: DataTable(
            request,
            selectors.advances_for(request.membership),
            columns=[
                Column(
                    "amount",
                    gettext_lazy("Montant"),
                    order_by="amount",
                    numeric=True,
                    cell_template="interim/cells/amount.html",
                ),
                Column(
                    "created_at",
                    gettext_lazy("Ajouté le"),
                    order_by="created_at",
                    cell_template="interim/cells/advance_created.html",
                ),
                Column(
                    "state", gettext_lazy("État"), order_by="state", cell_template="interim/cells/advance_state.html"
                ),
                Column(
                    "action", gettext_lazy("Action"), accessor=_none, cell_template="interim/cells/advance_action.html"
                ),
            ],
            default_sort="-created_at",
            page_sizes=(15, 30, 50, 100),
            default_page_size=15,
            caption=_("Vos demandes d'acompte"),
            empty_message=_("Aucune demande d'acompte."),
        )
    )
    return render(request, "interim/advances.html", {"table": table})


def _form_page(request, worker, advance=None):
    payment = payroll.payment_date_for()
    available = payroll.available_amount(worker, exclude=advance)
    initial = {"amount": advance.amount} if advance else None
    form = AdvanceForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            if advance is None:
                services.advance_request(worker=worker, amount=form.cleaned_data["amount"], actor=request.user)
            else:
                services.advance_update(
                    advance_id=advance.pk,
                    scope=selectors.advances_for(request.membership),
                    amount=form.cleaned_data["amount"],
                    actor=request.user,
                )
        except ValidationError as error:
            form_errors(form, error)
        else:
            messages.success(
                request, _("Votre demande d'acompte est enregistrée. %(when)s") % {"when": payment.explanation}
            )
            return redirect("interim:advances")
    context = {"form": form, "payment": payment, "available": available, "advance": advance}
    return render(request, "interim/advance_form.html", context)


@worker_page
def advance_create(request, worker):
    return _form_page(request, worker)


@worker_page
def advance_edit(request, worker, pk):
    advance = get_object_or_404(selectors.advances_for(request.membership), pk=pk)
    require(request, "interim.change_own_advance", advance)
    if advance.state != AdvanceState.PENDING:
        messages.error(request, _("Cette demande n’est plus en attente : elle ne peut plus être modifiée."))
        return redirect("interim:advances")
    return _form_page(request, worker, advance)


@require_POST
@worker_page
def advance_cancel(request, worker, pk):
    scope = selectors.advances_for(request.membership)
    advance = get_object_or_404(scope, pk=pk)
    return run_action(
        request,
        lambda: services.advance_cancel(advance_id=advance.pk, scope=scope, actor=request.user),
        success=_("Votre demande d'acompte est annulée."),
        redirect_to="interim:advances",
        confirm={
            "step": ADVANCE.step("cancel"),
            "obj": advance,
            "message": _("Votre demande d'acompte de %(amount)s € sera annulée. L'agence n'aura pas à la traiter.")
            % {"amount": number_format(advance.amount, 2)},
            "cancel_url": reverse("interim:advances"),
        },
    )
