"""Evaluation structures ("Les services" > Evaluations, Historique des échanges): new orders to
accept and assign, the evaluations in progress and their form, transmission, what was transmitted
with the fund's state, and the history of every exchange."""

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from core.access import form_errors, require, run_action
from core.files import private_file_response
from core.history import action_label, state_label, timeline_for
from core.tables import Column, DataTable, state_cell

from .. import aggir, selectors, services
from ..enums import EDITABLE_STATES, EvaluationState
from ..forms import AssignForm, EvaluationForm
from .common import deadline_info, gir_label, grid_rows, log_read, plan_lines

HANDLE = "partners.handle_evaluation"


def orders(request):
    """Commande d'évaluation: new orders, oldest deadline first, each with its assignment form."""
    require(request, HANDLE)
    queryset = selectors.new_orders_for(request.membership).order_by("deadline", "pk")
    page = Paginator(queryset, 25).get_page(request.GET.get("page"))
    evaluators = selectors.evaluators_for(request.membership)
    today = timezone.localdate()
    rows = []
    for evaluation in page.object_list:
        text, colour = deadline_info(evaluation, today)
        rows.append({"evaluation": evaluation, "deadline_text": text, "deadline_colour": colour})
    choices = [(m.user_id, m.user.get_full_name() or m.user.identifier) for m in evaluators]
    return render(request, "partners/evaluations/orders.html", {"page": page, "rows": rows, "evaluators": choices})


@require_POST
def assign(request, pk):
    scope = selectors.structure_evaluations_for(request.membership)
    evaluation = get_object_or_404(scope, pk=pk)
    require(request, HANDLE, evaluation)
    form = AssignForm(request.POST, memberships=selectors.evaluators_for(request.membership))
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
        return redirect("partners:eval_orders")
    return run_action(
        request,
        lambda: services.evaluation_accept_assign(
            evaluation_id=pk, actor=request.user, scope=scope, evaluator=form.cleaned_data["evaluator"]
        ),
        success=_("La commande n° %(number)s est acceptée et affectée à %(name)s.")
        % {
            "number": evaluation.file_number,
            "name": form.cleaned_data["evaluator"].get_full_name() or form.cleaned_data["evaluator"].identifier,
        },
        redirect_to=reverse("partners:eval_orders"),
    )


def in_progress(request):
    """Evaluations en cours: assigned, being filled, or sent back by the fund."""
    require(request, HANDLE)
    queryset = selectors.in_progress_for(request.membership).order_by("deadline", "pk")
    page = Paginator(queryset, 25).get_page(request.GET.get("page"))
    today = timezone.localdate()
    rows = []
    for evaluation in page.object_list:
        text, colour = deadline_info(evaluation, today)
        rows.append({"evaluation": evaluation, "deadline_text": text, "deadline_colour": colour})
    return render(request, "partners/evaluations/in_progress.html", {"page": page, "rows": rows})


def evaluation_form(request, pk):
    """The evaluation: a form while it is the structure's to edit (draft any time, "finished" when
    complete), read-only otherwise. Every display of its content is logged."""
    scope = selectors.structure_evaluations_for(request.membership)
    evaluation = get_object_or_404(scope, pk=pk)
    require(request, HANDLE, evaluation)
    editable = evaluation.state in EDITABLE_STATES and evaluation.anonymised_at is None
    missing = {}
    status = 200
    if request.method == "POST" and editable:
        form = EvaluationForm(request.POST, request.FILES)
        finish = request.POST.get("action") == "finish"
        base_version = request.POST.get("version")
        if form.is_valid():
            try:
                evaluation, missing = services.evaluation_save(
                    evaluation_id=pk,
                    actor=request.user,
                    scope=scope,
                    data=form.content(),
                    report=form.cleaned_data.get("report"),
                    finish=finish,
                    base_version=int(base_version) if (base_version or "").isdigit() else None,
                )
            except ValidationError as error:
                form_errors(form, error)
                status = 400
            else:
                if not missing:
                    messages.success(
                        request,
                        _("L'évaluation est terminée : transmettez-la depuis « Transmission des évaluations ».")
                        if finish
                        else _("Brouillon enregistré."),
                    )
                    return redirect(request.path)
                for name, message in missing.items():
                    form.add_error(_field_for(name), message)
                messages.warning(request, _("Brouillon enregistré, mais l'évaluation n'est pas encore complète."))
                status = 400
        else:
            status = 400
    elif request.method == "POST":
        messages.error(request, _("Cette évaluation n'est plus modifiable."))
        return redirect(request.path)
    else:
        form = EvaluationForm(initial=EvaluationForm.initial_for(evaluation))
    if evaluation.anonymised_at is None:
        log_read(request, evaluation, "structure_form" if editable else "structure_detail")
    return render(
        request,
        "partners/evaluations/form.html",
        {
            "evaluation": evaluation,
            "form": form,
            "editable": editable,
            "grid": grid_rows(evaluation),
            "plan": plan_lines(evaluation),
            "gir_label": gir_label(evaluation),
            "deadline": deadline_info(evaluation),
            "aggir_tables": aggir.tables_json() if editable else "",
            "timeline": timeline_for(evaluation),
        },
        status=status,
    )


def _field_for(name):
    """The form field a missing part is shown on."""
    return {"aggir": "aggir_coherence", "plan": "aid_1"}.get(name, name)


def report_download(request, pk):
    """The attached report, for the ordering fund or the structure (a read of health data: logged)."""
    scope = selectors.evaluations_for(request.membership)
    evaluation = get_object_or_404(scope.exclude(report=""), pk=pk)
    perm = "partners.decide_evaluation" if request.membership.role == "fund_admin" else HANDLE
    require(request, perm, evaluation)
    if request.membership.role == "fund_admin" and evaluation.state not in (
        EvaluationState.TRANSMITTED,
        EvaluationState.ACCEPTED,
        EvaluationState.RETURNED,
        EvaluationState.PAID,
    ):
        from django.http import Http404

        raise Http404
    log_read(request, evaluation, "report")
    return private_file_response(request, evaluation.report, label=_("compte rendu d'évaluation"))


def transmission(request):
    """Transmission des évaluations: tick the finished ones and send them to their funds."""
    require(request, HANDLE)
    scope = selectors.structure_evaluations_for(request.membership)
    if request.method == "POST":
        ids = [int(v) for v in request.POST.getlist("evaluation") if v.isdigit()]
        return run_action(
            request,
            lambda: services.evaluations_transmit(evaluation_ids=ids, actor=request.user, scope=scope),
            success=_("Les évaluations cochées sont transmises à leur caisse."),
            redirect_to=lambda result: (
                reverse("partners:eval_transmitted") if result else reverse("partners:eval_transmission")
            ),
        )
    ready = selectors.ready_to_transmit_for(request.membership).order_by("deadline", "pk")
    page = Paginator(ready, 50).get_page(request.GET.get("page"))
    return render(request, "partners/evaluations/transmission.html", {"page": page})


def transmitted(request):
    """Evaluations transmises: each with the fund's state (received, accepted, sent back, paid)."""
    require(request, HANDLE)
    from core.tables import FilterForm

    class Filters(FilterForm):
        lookups = {"state": "state", "numero": "file_number__icontains"}
        state = forms.ChoiceField(
            label=gettext_lazy("État"),
            choices=[
                ("", gettext_lazy("Tous")),
                *[
                    (s.value, s.label)
                    for s in (
                        EvaluationState.TRANSMITTED,
                        EvaluationState.RETURNED,
                        EvaluationState.ACCEPTED,
                        EvaluationState.PAID,
                    )
                ],
            ],
            required=False,
        )
        numero = forms.CharField(label=gettext_lazy("N° de dossier"), required=False, max_length=20)

    table = DataTable(
        request,
        selectors.transmitted_for(request.membership),
        columns=[
            Column(
                "file_number",
                gettext_lazy("N° de dossier"),
                order_by="file_number",
                link=lambda e: e.get_structure_url(),
            ),
            Column("beneficiary", gettext_lazy("Retraité"), order_by=("last_name", "first_name")),
            Column("fund", gettext_lazy("Caisse"), accessor="fund.name"),
            Column("transmitted_at", gettext_lazy("Transmise le"), order_by="transmitted_at", date_only=True),
            Column("state", gettext_lazy("État à la caisse"), order_by="state", render=state_cell),
            Column(
                "decision_reason",
                gettext_lazy("Commentaire de la caisse"),
                accessor=lambda e: e.decision_reason if e.state == EvaluationState.RETURNED else "",
            ),
        ],
        filter_form_class=Filters,
        default_sort="-transmitted_at",
        caption=gettext_lazy("Évaluations transmises"),
        empty_message=gettext_lazy("Aucune évaluation transmise."),
    )
    return render(request, "partners/evaluations/transmitted.html", {"table": table})


def slips(request):
    """Bordereaux de paiements: the funds' slips to the structure."""
    require(request, HANDLE)
    table = DataTable(
        request,
        selectors.slips_for(request.membership),
        columns=[
            Column("number", gettext_lazy("N° de bordereau"), order_by="number", link=lambda s: s.get_absolute_url()),
            Column("fund", gettext_lazy("Caisse"), accessor="fund.name"),
            Column("convention", gettext_lazy("Convention"), accessor="convention.code"),
            Column("issued_at", gettext_lazy("Émis le"), order_by="issued_at", date_only=True),
            Column("line_count", gettext_lazy("Lignes"), numeric=True),
            Column("total", gettext_lazy("Total (€)"), order_by="total", numeric=True),
        ],
        default_sort="-issued_at",
        caption=gettext_lazy("Bordereaux de paiements"),
        empty_message=gettext_lazy("Aucun bordereau reçu."),
    )
    return render(request, "partners/evaluations/slips.html", {"table": table})


HISTORY_ACTIONS = (
    ("ordered", gettext_lazy("Commande reçue")),
    ("accept_assign", gettext_lazy("Acceptée et affectée")),
    ("transmit", gettext_lazy("Transmise")),
    ("accept", gettext_lazy("Acceptée par la caisse")),
    ("send_back", gettext_lazy("Renvoyée par la caisse")),
    ("pay", gettext_lazy("Payée")),
    ("cancel", gettext_lazy("Annulée par la caisse")),
)


class HistoryFilters(forms.Form):
    action = forms.ChoiceField(
        label=gettext_lazy("Échange"), choices=[("", gettext_lazy("Tous")), *HISTORY_ACTIONS], required=False
    )
    du = forms.DateField(
        label=gettext_lazy("Du"), required=False, widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    au = forms.DateField(
        label=gettext_lazy("Au"), required=False, widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    numero = forms.CharField(label=gettext_lazy("N° de dossier"), required=False, max_length=20)


def history(request):
    """Historique prestataire: every exchange of the structure's evaluations, with who and when."""
    require(request, HANDLE)
    from datetime import datetime, time

    from ..models import Evaluation

    entries = selectors.history_for(request.membership).filter(action__in=[a for a, _l in HISTORY_ACTIONS])
    filters = HistoryFilters(request.GET or None)
    if filters.is_bound and filters.is_valid():
        data = filters.cleaned_data
        if data["action"]:
            entries = entries.filter(action=data["action"])
        zone = timezone.get_current_timezone()
        if data["du"]:
            entries = entries.filter(created_at__gte=datetime.combine(data["du"], time.min, tzinfo=zone))
        if data["au"]:
            entries = entries.filter(created_at__lte=datetime.combine(data["au"], time.max, tzinfo=zone))
        if data["numero"]:
            ids = Evaluation.objects.filter(
                partner__organisation_id=request.membership.organisation_id,
                file_number__icontains=data["numero"],
            ).values_list("pk", flat=True)[:500]
            entries = entries.filter(object_id__in=[str(pk) for pk in ids])
    page = Paginator(entries, 50).get_page(request.GET.get("page"))
    numbers = dict(
        Evaluation.objects.filter(pk__in=[int(e.object_id) for e in page.object_list]).values_list("pk", "file_number")
    )
    rows = [
        {
            "entry": entry,
            "number": numbers.get(int(entry.object_id), ""),
            "pk": int(entry.object_id),
            "label": action_label(entry),
            "state": state_label(entry, entry.to_state),
        }
        for entry in page.object_list
    ]
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "partners/evaluations/history.html",
        {"page": page, "rows": rows, "filters": filters, "query": query.urlencode()},
    )
