"""The agency's advances: the batch of one payment date (the coming Wednesday by default), with the
amount each worker asked and what their validated hours allow; accept, refuse with a reason, mark the
batch paid; the batch for payroll as Excel and as a SEPA credit-transfer file (pain.001.001.03)."""

import datetime

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Count, Q, Sum
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.functional import SimpleLazyObject
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from core.access import error_messages, require, run_action
from core.exports import ExportColumn, xlsx_response
from core.files import content_disposition
from core.tables import Column, DataTable, FilterForm

from .. import agency_services, payroll, selectors
from ..agency_forms import BatchForm
from ..enums import AdvanceState
from ..workflows import ADVANCE

# The reasons agencies give most (the manual's examples), offered as suggestions.
REFUSAL_REASONS = (
    gettext_lazy("2 demandes regroupées en une"),
    gettext_lazy("Pas d'acomptes cette semaine"),
    gettext_lazy("Heures validées insuffisantes"),
)
OPEN = (AdvanceState.PENDING, AdvanceState.ACCEPTED)


def coming_wednesday(today=None):
    today = today or timezone.localdate()
    return today + datetime.timedelta(days=(payroll.WEDNESDAY - today.weekday()) % 7)


def batch_dates(scope, today=None):
    """The payment dates with advances still to process (oldest first), and the default one: the
    earliest from today on, else the coming Wednesday."""
    today = today or timezone.localdate()
    dates = list(
        scope.filter(state__in=OPEN).order_by("payment_date").values_list("payment_date", flat=True).distinct()[:20]
    )
    upcoming = [d for d in dates if d >= today]
    return dates, (upcoming[0] if upcoming else coming_wednesday(today))


def _parse_day(value):
    try:
        return datetime.date.fromisoformat(value or "")
    except ValueError:
        return None


class AdvanceFilters(FilterForm):
    state = forms.ChoiceField(
        label=gettext_lazy("État"),
        required=False,
        choices=[("", gettext_lazy("Tous")), *[(s.value, s.label) for s in AdvanceState]],
    )
    lookups = {"state": "state"}

    def filter_queryset(self, queryset):
        values = self.active_values()
        return queryset.filter(state=values["state"]) if values.get("state") else queryset


def _columns():
    return [
        Column(
            "worker",
            gettext_lazy("Intérimaire"),
            accessor="worker.user.get_full_name",
            order_by=("worker__user__last_name", "worker__user__first_name"),
            link=lambda a: reverse("interim:agency_worker", args=[a.worker_id]),
        ),
        Column("number", gettext_lazy("N°"), accessor="worker.number", order_by="worker__number"),
        Column(
            "amount",
            gettext_lazy("Montant demandé"),
            order_by="amount",
            numeric=True,
            cell_template="interim/cells/amount.html",
        ),
        Column(
            "available",
            gettext_lazy("Disponible (heures validées)"),
            numeric=True,
            cell_template="interim/agency/cells/advance_available.html",
        ),
        Column("created_at", gettext_lazy("Demandé le"), order_by="created_at"),
        Column(
            "state", gettext_lazy("État"), order_by="state", cell_template="interim/agency/cells/advance_state.html"
        ),
        Column(
            "action",
            gettext_lazy("Action"),
            accessor=lambda a: None,
            cell_template="interim/agency/cells/advance_act.html",
        ),
    ]


def advance_queue(request):
    require(request, "interim.process_advance")
    # Read when the page is rendered, not when it is kept (the template's fragment).
    batch = SimpleLazyObject(lambda: _queue(request))
    context = {
        "table": lambda: batch["table"],
        "day": lambda: batch["day"],
        "dates": lambda: batch["dates"],
        "totals": lambda: batch["totals"],
        "reasons": REFUSAL_REASONS,
    }
    return render(request, "interim/agency/advances.html", context)


def _queue(request):
    """The batch of the date asked (else the default one): its table, with what each worker may still
    have, its counts, and the dates to choose from."""
    scope = selectors.advances_for(request.membership)
    dates, default = batch_dates(scope)
    day = _parse_day(request.GET.get("date")) or default
    batch = scope.filter(payment_date=day).select_related("worker__user", "worker__agency")
    table = DataTable(
        request,
        batch,
        columns=_columns(),
        filter_form_class=AdvanceFilters,
        default_sort="created_at",
        page_sizes=(50, 100, 200),
        default_page_size=50,
        caption=_("Acomptes à verser le %(date)s") % {"date": date_format(day, "d/m/Y")},
        empty_message=_("Aucune demande d'acompte pour cette date."),
    )
    rows = list(table.page.object_list)
    available = payroll.available_for_advances(rows)
    for advance in rows:
        advance.available = available.get(advance.pk)
    table.page.object_list = rows
    totals = batch.aggregate(
        pending=Count("pk", filter=Q(state=AdvanceState.PENDING)),
        accepted=Count("pk", filter=Q(state=AdvanceState.ACCEPTED)),
        accepted_sum=Sum("amount", filter=Q(state=AdvanceState.ACCEPTED)),
        paid=Count("pk", filter=Q(state=AdvanceState.PAID)),
    )
    return {"table": table, "day": day, "dates": sorted({*dates, default, day}), "totals": totals}


def _back(day):
    url = reverse("interim:agency_advances")
    return f"{url}?date={day.isoformat()}" if day else url


@require_POST
def advance_act(request, pk, step):
    require(request, "interim.process_advance")
    scope = selectors.advances_for(request.membership)
    advance = get_object_or_404(scope, pk=pk)
    if step not in ("accept", "refuse", "pay"):
        raise Http404
    return run_action(
        request,
        lambda: ADVANCE.run(step, advance.pk, actor=request.user, scope=scope, reason=request.POST.get("reason", "")),
        success={"accept": _("Acompte accepté."), "refuse": _("Acompte refusé."), "pay": _("Acompte marqué versé.")}[
            step
        ],
        redirect_to=_back(advance.payment_date),
    )


@require_POST
def batch_pay(request):
    require(request, "interim.process_advance")
    form = BatchForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("La date du lot est invalide."))
        return redirect("interim:agency_advances")
    day = form.cleaned_data["date"]
    try:
        count = agency_services.advance_batch_pay(
            scope=selectors.advances_for(request.membership), payment_date=day, actor=request.user
        )
    except ValidationError as error:
        error_messages(request, error)
    else:
        messages.success(
            request,
            _("%(count)s acompte(s) du %(date)s marqué(s) versé(s) ; les intérimaires sont prévenus.")
            % {"count": count, "date": date_format(day, "d/m/Y")},
        )
    return redirect(_back(day))


def _batch(request):
    """The batch named by ?date= (default: the queue's default date): its accepted and paid advances."""
    require(request, "interim.process_advance")
    scope = selectors.advances_for(request.membership)
    date = _parse_day(request.GET.get("date")) or batch_dates(scope)[1]
    return date, (
        scope.filter(payment_date=date, state__in=[AdvanceState.ACCEPTED, AdvanceState.PAID])
        .select_related("worker__user")
        .order_by("worker__user__last_name", "worker__user__first_name", "pk")
    )


def batch_xlsx(request):
    """The batch for payroll: accepted and paid advances of the date (cells neutralised)."""
    date, batch = _batch(request)
    columns = [
        ExportColumn("worker.number", _("N° intérimaire"), width=14),
        ExportColumn("worker.user.last_name", _("Nom")),
        ExportColumn("worker.user.first_name", _("Prénom")),
        ExportColumn("worker.iban", _("IBAN"), width=32),
        ExportColumn("worker.bank_holder", _("Titulaire du compte"), width=24),
        ExportColumn("amount", _("Montant (€)"), width=12),
        ExportColumn("state", _("État"), labels=dict(AdvanceState.choices), width=28),
        ExportColumn("payment_date", _("Date de versement"), width=14),
        ExportColumn("created_at", _("Demandé le")),
        ExportColumn("paid_at", _("Versé le")),
    ]
    return xlsx_response(
        batch.iterator(chunk_size=500), columns, sheet=_("Acomptes"), filename=f"acomptes-{date.isoformat()}.xlsx"
    )


def sepa_transfer_file(agency, advances, execution_date):
    """A SEPA credit-transfer initiation (pain.001.001.03) of `advances`, validated against its XSD
    by sepaxml. Raises ValidationError (French) when the agency's account or a worker's IBAN is missing."""
    from sepaxml import SepaTransfer

    if not agency.transfer_iban:
        raise ValidationError(
            _("Renseignez l'IBAN du compte de l'agence (Bureau virtuel, informations) pour produire le virement SEPA.")
        )
    missing = [f"{a.worker.user.get_full_name()} ({a.worker.number})" for a in advances if not a.worker.iban]
    if missing:
        raise ValidationError(
            _("Pas d'IBAN sur la fiche de : %(names)s. Ces acomptes ne peuvent pas être virés.")
            % {"names": ", ".join(missing)}
        )
    config = {
        "name": str(agency)[:70],
        "IBAN": agency.transfer_iban,
        "batch": True,
        "currency": "EUR",
    }
    if agency.transfer_bic:
        config["BIC"] = agency.transfer_bic
    transfer = SepaTransfer(config, clean=True)
    for advance in advances:
        transfer.add_payment(
            {
                "name": (advance.worker.bank_holder or advance.worker.user.get_full_name())[:70],
                "IBAN": advance.worker.iban,
                "amount": int((advance.amount * 100).to_integral_value()),
                "execution_date": execution_date,
                "description": f"Acompte {advance.worker.number} {execution_date:%d/%m/%Y}",
                "endtoend_id": f"ACOMPTE-{advance.pk}",
            }
        )
    return transfer.export(validate=True)


def batch_sepa(request):
    """The SEPA credit-transfer file of the batch's accepted advances (to send to the bank)."""
    date, batch = _batch(request)
    advances = list(batch.filter(state=AdvanceState.ACCEPTED))
    if not advances:
        messages.error(request, _("Aucun acompte accepté à virer pour cette date."))
        return redirect(_back(date))
    agency = selectors.agency_for(request.membership)
    try:
        xml = sepa_transfer_file(agency, advances, max(date, timezone.localdate()))
    except ValidationError as error:
        error_messages(request, error)
        return redirect(_back(date))
    response = HttpResponse(xml, content_type="application/xml")
    response["Content-Disposition"] = content_disposition(f"virements-acomptes-{date.isoformat()}.xml")
    response["Cache-Control"] = "private, no-store"
    return response
