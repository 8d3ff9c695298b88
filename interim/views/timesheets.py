"""Saisie des heures (client companies) and the timesheets' list and decision (client and agency).

The rules and writes are in interim/timesheets.py; the list and the detail serve both roles, each
seeing its own timesheets only (selectors.timesheets_for): a foreign id is a 404."""

import datetime

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import OuterRef, Subquery, Sum
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import SimpleLazyObject
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from core.access import acting, error_messages, require, run_action
from core.tables import Column, DataTable, FilterForm

from .. import selectors, timesheets
from ..enums import TimesheetState
from ..forms import ReasonForm
from ..models import TimesheetEntry

ENTER = "interim.enter_timesheet"
VALIDATE = "interim.validate_timesheet"


def _week_url(monday, reference=""):
    params = {"semaine": monday.isoformat()}
    if reference:
        params["reference"] = reference
    return f"{reverse('interim:timesheet_entry')}?{urlencode(params)}"


def timesheet_entry(request):
    """The client's week: pick the week and a reference, enter the hours, save or send."""
    require(request, ENTER)
    source = request.POST if request.method == "POST" else request.GET
    monday = timesheets.parse_week(source.get("semaine"))
    reference = (source.get("reference") or "").strip()[:20]
    membership = request.membership
    references = list(
        timesheets.week_contracts(membership, monday).values_list("reference", flat=True).order_by("reference")
    )
    if reference and reference not in references:
        reference = ""  # not this client's, or not running that week: the whole week is shown
    sheets = None
    if request.method == "POST":
        submit = request.POST.get("action") == "submit"
        try:
            saved = timesheets.save_week(
                membership=membership,
                user=request.user,
                monday=monday,
                reference=reference,
                data=request.POST,
                submit=submit,
            )
        except timesheets.WeekInvalid as invalid:
            sheets = invalid.sheets
            messages.error(request, _("Rien n’est enregistré : corrigez les heures signalées."))
        except ValidationError as error:
            error_messages(request, error)
            return redirect(_week_url(monday, reference))
        else:
            if not saved:
                messages.info(request, _("Aucune heure à enregistrer pour cette semaine."))
            elif submit:
                messages.success(request, _("Les heures sont transmises à l’agence, qui va les valider."))
            else:
                messages.success(request, _("Brouillon enregistré."))
            return redirect(_week_url(monday, reference))
    if sheets is None:
        sheets = timesheets.build_week(membership, monday, reference)
    today_monday = timesheets.monday_of(timezone.localdate())
    context = {
        "monday": monday,
        "period": timesheets.period_label(monday),
        "week_number": monday.isocalendar().week,
        "previous": monday - datetime.timedelta(days=7),
        "next": monday + datetime.timedelta(days=7),
        "current": today_monday,
        "is_current": monday == today_monday,
        "reference": reference,
        "references": references,
        "sheets": sheets,
        "editable": any(sheet.editable for sheet in sheets),
        "grand_total": timesheets.format_hours(sum(sheet.total_minutes for sheet in sheets)) or "0",
        "error_count": sum(
            len(sheet.errors) + sum(len(v) for day in sheet.days for v in day.errors.values()) for sheet in sheets
        ),
    }
    return render(request, "interim/timesheets/entry.html", context)


# --- The list and the decision (client and agency) --------------------------------------------


def _may_list(request):
    target = acting(request)
    if target is None:
        raise PermissionDenied
    for perm in (VALIDATE, ENTER):
        if request.user.has_perm(perm, target):
            return perm
    raise PermissionDenied


class TimesheetFilters(FilterForm):
    state = forms.ChoiceField(
        label=gettext_lazy("État"), required=False, choices=[("", gettext_lazy("Tous")), *TimesheetState.choices]
    )
    reference = forms.CharField(label=gettext_lazy("Référence du contrat"), required=False, max_length=20)
    lookups = {"state": "state", "reference": "contract__reference__icontains"}


class AgencyTimesheetFilters(TimesheetFilters):
    """The agency's queue: the sheets sent by clients, unless another state (or all) is asked."""

    state = forms.ChoiceField(
        label=gettext_lazy("État"),
        required=False,
        choices=[("", gettext_lazy("À valider (transmises)")), ("all", gettext_lazy("Tous")), *TimesheetState.choices],
    )

    def filter_queryset(self, queryset):
        state = self.cleaned_data.get("state") if self.is_bound and self.is_valid() else ""
        if not state:
            queryset = queryset.filter(state=TimesheetState.SUBMITTED)
        elif state != "all":
            queryset = queryset.filter(state=state)
        reference = self.active_values().get("reference")
        return queryset.filter(contract__reference__icontains=reference) if reference else queryset


def _hours(row):
    return timesheets.format_hours(row.total or 0) or "0"


def timesheet_list(request):
    perm = _may_list(request)
    # The table is built only when the page is rendered, not when it is kept (the template's fragment).
    table = SimpleLazyObject(lambda: _timesheet_table(request, perm))
    return render(request, "interim/timesheets/list.html", {"table": table, "is_agency": perm == VALIDATE})


def _timesheet_table(request, perm):
    # The week's total a row: a correlated subquery, computed for the page's rows only (a join with
    # GROUP BY summed the entries of every timesheet before the LIMIT: 0.4 s for a client at volume).
    totals = (
        TimesheetEntry.objects.filter(timesheet=OuterRef("pk"))
        .order_by()
        .values("timesheet")
        .annotate(minutes=Sum("minutes"))
        .values("minutes")
    )
    queryset = selectors.timesheets_for(request.membership).annotate(total=Subquery(totals))
    return DataTable(
        request,
        queryset,
        columns=[
            Column(
                "week_start",
                gettext_lazy("Semaine"),
                order_by="week_start",
                cell_template="interim/timesheets/cells/week.html",
            ),
            Column("reference", gettext_lazy("Contrat"), accessor="contract.reference", order_by="contract__reference"),
            Column(
                "worker",
                gettext_lazy("Intérimaire"),
                accessor="contract.worker.user.get_full_name",
                order_by=("contract__worker__user__last_name", "contract__worker__user__first_name"),
            ),
            Column(
                "client",
                gettext_lazy("Entreprise"),
                accessor="contract.mission.client",
                order_by="contract__mission__client__organisation__name",
            ),
            Column("total", gettext_lazy("Heures"), accessor=_hours, order_by="total", numeric=True),
            Column(
                "state",
                gettext_lazy("État"),
                order_by="state",
                cell_template="interim/timesheets/cells/state.html",
            ),
        ],
        filter_form_class=AgencyTimesheetFilters if perm == VALIDATE else TimesheetFilters,
        default_sort="-week_start",
        page_sizes=(15, 30, 50, 100),
        default_page_size=15,
        caption=_("Feuilles d’heures"),
        empty_message=_("Aucune feuille d’heures."),
    )


def timesheet_detail(request, pk):
    perm = _may_list(request)
    timesheet = get_object_or_404(selectors.timesheets_for(request.membership), pk=pk)
    require(request, perm, timesheet)
    entries = {e.date: e for e in timesheet.entries.all()}
    days = [
        {
            "date": day,
            "entry": entries.get(day),
            "hours": timesheets.format_hours(getattr(entries.get(day), "minutes", 0)),
        }
        for day in timesheets.week_days(timesheet.week_start)
    ]
    context = {
        "timesheet": timesheet,
        "days": days,
        "period": timesheets.period_label(timesheet.week_start),
        "total": timesheets.format_hours(sum(e.minutes for e in entries.values())) or "0",
        "is_agency": perm == VALIDATE,
        "form": ReasonForm(),
        "week_url": _week_url(timesheet.week_start, timesheet.contract.reference),
    }
    return render(request, "interim/timesheets/detail.html", context)


@require_POST
def timesheet_act(request, pk, step):
    require(request, VALIDATE)
    scope = selectors.timesheets_for(request.membership)
    timesheet = get_object_or_404(scope, pk=pk)
    detail = reverse("interim:timesheet_detail", args=[timesheet.pk])
    if step == "validate":
        return run_action(
            request,
            lambda: timesheets.timesheet_validate(timesheet_id=timesheet.pk, actor=request.user, scope=scope),
            success=_("Heures validées : elles comptent dans le planning de l’intérimaire."),
            redirect_to=detail,
        )
    if step == "return":
        return run_action(
            request,
            lambda: timesheets.timesheet_return(
                timesheet_id=timesheet.pk, actor=request.user, scope=scope, reason=request.POST.get("reason", "")
            ),
            success=_("Feuille d’heures renvoyée au client avec votre motif."),
            redirect_to=detail,
        )
    return redirect(detail)
