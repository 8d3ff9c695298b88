"""Fund administrators: order an evaluation, follow every order, cancel, read what is transmitted
(each read logged), accept or send back with a comment, issue payment slips, set the fees."""

from django import forms
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.access import form_errors, require, run_action
from core.history import timeline_for
from core.tables import Column, DataTable, FilterForm, state_cell

from .. import selectors, services
from ..enums import CONTENT_STATES, EvaluationState
from ..forms import CancelForm, CommentForm, FeeForm, OrderForm, SlipForm
from ..workflows import EVALUATION
from .common import gir_label, grid_rows, log_read, plan_lines

DECIDE = "partners.decide_evaluation"


class OrderFilters(FilterForm):
    lookups = {"state": "state", "numero": "file_number__icontains", "nom": "last_name__icontains"}
    state = forms.ChoiceField(
        label=gettext_lazy("État"), choices=[("", gettext_lazy("Tous")), *EvaluationState.choices], required=False
    )
    numero = forms.CharField(label=gettext_lazy("N° de dossier"), required=False, max_length=20)
    nom = forms.CharField(label=gettext_lazy("Nom du retraité"), required=False, max_length=150)


def order_list(request):
    require(request, DECIDE)
    table = DataTable(
        request,
        selectors.fund_evaluations_for(request.membership),
        columns=[
            Column(
                "file_number", gettext_lazy("N° de dossier"), order_by="file_number", link=lambda e: e.get_fund_url()
            ),
            Column("beneficiary", gettext_lazy("Retraité"), order_by=("last_name", "first_name")),
            Column("partner", gettext_lazy("Structure"), accessor="partner.organisation.name"),
            Column("evaluation_type", gettext_lazy("Type")),
            Column("ordered_at", gettext_lazy("Commandée le"), order_by="ordered_at", date_only=True),
            Column("deadline", gettext_lazy("Avant le"), order_by="deadline"),
            Column("state", gettext_lazy("État"), order_by="state", render=state_cell),
        ],
        filter_form_class=OrderFilters,
        default_sort="-ordered_at",
        caption=gettext_lazy("Évaluations commandées"),
        empty_message=gettext_lazy("Aucune évaluation commandée."),
    )
    return render(request, "partners/evaluations/fund_list.html", {"table": table})


def order_create(request):
    require(request, DECIDE)
    conventions = selectors.evaluation_conventions_for_fund(request.membership)
    form = OrderForm(request.POST or None, conventions=conventions)
    if request.method == "POST" and form.is_valid():
        try:
            evaluation = services.evaluation_order(
                membership=request.membership,
                convention=form.cleaned_data["convention"],
                data=form.order_data(),
                actor=request.user,
            )
        except ValidationError as error:
            form_errors(form, error)
        else:
            from django.contrib import messages

            messages.success(
                request,
                _("La commande n° %(number)s est envoyée à %(name)s.")
                % {"number": evaluation.file_number, "name": evaluation.partner.organisation.name},
            )
            return redirect(evaluation.get_fund_url())
    return render(
        request, "partners/evaluations/fund_order.html", {"form": form, "has_conventions": conventions.exists()}
    )


def order_detail(request, pk):
    scope = selectors.fund_evaluations_for(request.membership)
    evaluation = get_object_or_404(scope, pk=pk)
    require(request, DECIDE, evaluation)
    cancel_form, comment_form = CancelForm(), CommentForm()
    if request.method == "POST":
        action = request.POST.get("action")
        if action == "cancel":
            cancel_form = CancelForm(request.POST)
            if cancel_form.is_valid():
                return run_action(
                    request,
                    lambda: services.evaluation_cancel(
                        evaluation_id=pk, actor=request.user, scope=scope, reason=cancel_form.cleaned_data["reason"]
                    ),
                    success=_("La commande est annulée ; la structure en est informée."),
                    redirect_to=request.path,
                    confirm={
                        "step": EVALUATION.step("cancel"),
                        "obj": evaluation,
                        "message": _("La commande sera annulée et la structure en sera informée."),
                        "summary": [(_("Motif"), cancel_form.cleaned_data["reason"])],
                        "cancel_url": request.path,
                    },
                )
        elif action == "accept":
            return run_action(
                request,
                lambda: services.evaluation_accept(evaluation_id=pk, actor=request.user, scope=scope),
                success=_("L'évaluation est acceptée : elle pourra figurer sur un bordereau de paiement."),
                redirect_to=request.path,
                confirm={
                    "step": EVALUATION.step("accept"),
                    "obj": evaluation,
                    "message": _(
                        "L'évaluation acceptée ne pourra plus être renvoyée à la structure ; elle pourra figurer "
                        "sur un bordereau de paiement."
                    ),
                    "cancel_url": request.path,
                },
            )
        elif action == "send_back":
            comment_form = CommentForm(request.POST)
            if comment_form.is_valid():
                return run_action(
                    request,
                    lambda: services.evaluation_send_back(
                        evaluation_id=pk, actor=request.user, scope=scope, reason=comment_form.cleaned_data["reason"]
                    ),
                    success=_("L'évaluation est renvoyée à la structure avec votre commentaire."),
                    redirect_to=request.path,
                )
    show_content = evaluation.state in CONTENT_STATES and evaluation.anonymised_at is None
    if show_content:
        log_read(request, evaluation, "fund_detail")
    return render(
        request,
        "partners/evaluations/fund_detail.html",
        {
            "evaluation": evaluation,
            "show_content": show_content,
            "grid": grid_rows(evaluation) if show_content else None,
            "plan": plan_lines(evaluation) if show_content else [],
            "gir_label": gir_label(evaluation),
            "cancel_form": cancel_form,
            "comment_form": comment_form,
            "timeline": timeline_for(evaluation),
            "status_code": 200,
        },
        status=200 if not (cancel_form.errors or comment_form.errors) else 400,
    )


def slip_create(request):
    """Build a slip: choose a convention (those with something to pay), see its accepted unpaid
    evaluations, issue."""
    require(request, DECIDE)
    conventions = selectors.payable_conventions_for_fund(request.membership)
    form = SlipForm(request.POST or request.GET or None, conventions=conventions)
    payable, total, missing_fee = None, None, False
    if form.is_bound and form.is_valid():
        convention = form.cleaned_data["convention"]
        if request.method == "POST":
            chosen = request.POST.getlist("evaluation")
            ids = [int(value) for value in chosen if value.isdigit()]
            try:
                slip = services.slip_issue(
                    membership=request.membership,
                    convention=convention,
                    actor=request.user,
                    scope=selectors.fund_evaluations_for(request.membership),
                    evaluation_ids=ids,
                )
            except ValidationError as error:
                form_errors(form, error)
            else:
                from django.contrib import messages

                messages.success(
                    request,
                    _("Le bordereau n° %(number)s est émis : %(count)s évaluation(s), %(total)s €.")
                    % {"number": slip.number, "count": slip.line_count, "total": slip.total},
                )
                return redirect(slip.get_absolute_url())
        fees = dict(selectors.fees_for(request.membership).values_list("evaluation_type", "amount"))
        payable = list(selectors.payable_for(request.membership, convention).order_by("file_number", "pk")[:500])
        for evaluation in payable:
            evaluation.expected_fee = fees.get(evaluation.evaluation_type)
            missing_fee = missing_fee or evaluation.expected_fee is None
        total = sum(e.expected_fee or 0 for e in payable)
    slips = DataTable(
        request,
        selectors.slips_for(request.membership),
        columns=[
            Column("number", gettext_lazy("N° de bordereau"), order_by="number", link=lambda s: s.get_absolute_url()),
            Column("partner", gettext_lazy("Structure"), accessor="partner.organisation.name"),
            Column("convention", gettext_lazy("Convention"), accessor="convention.code"),
            Column("issued_at", gettext_lazy("Émis le"), order_by="issued_at", date_only=True),
            Column("line_count", gettext_lazy("Lignes"), numeric=True),
            Column("total", gettext_lazy("Total (€)"), order_by="total", numeric=True),
        ],
        default_sort="-issued_at",
        caption=gettext_lazy("Bordereaux émis"),
        empty_message=gettext_lazy("Aucun bordereau émis."),
    )
    return render(
        request,
        "partners/evaluations/fund_slips.html",
        {"form": form, "payable": payable, "total": total, "missing_fee": missing_fee, "slips": slips},
    )


def fees(request):
    """The fund's flat fee per evaluation type (its reference data)."""
    require(request, DECIDE)
    current = dict(selectors.fees_for(request.membership).values_list("evaluation_type", "amount"))
    form = FeeForm(request.POST or None, fees=current)
    if request.method == "POST" and form.is_valid():
        services.fees_save(membership=request.membership, amounts=form.cleaned_data, actor=request.user)
        from django.contrib import messages

        messages.success(request, _("Les forfaits sont enregistrés."))
        return redirect(reverse("partners:eval_fees"))
    return render(request, "partners/evaluations/fund_fees.html", {"form": form})
