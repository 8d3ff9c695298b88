"""Demandes de prestations: list, entry with scans, page with timeline, edit, withdraw, approval,
and the Union officers' queue and actions (take in charge, amount, pay, refuse, bulk payment)."""

import functools

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.functional import SimpleLazyObject
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_http_methods, require_POST

from core import fragments
from core.access import error_messages, form_errors, require, run_action
from core.confirm import confirmation
from core.files import private_file_response
from core.history import TransitionNotAllowed, timeline_for
from core.params import parse_id, parse_ids
from core.tables import Column, DataTable, amount_cell, date_cell, row_url, state_cell

from .. import selectors, services
from ..enums import RequestState
from ..forms import (
    AmountForm,
    DocumentsForm,
    PayForm,
    QueueFilters,
    ReasonForm,
    RequestFilters,
    RequestForm,
    amount_text,
    beneficiary_value,
)
from ..models import BenefitRequest
from ..workflows import REQUEST
from .common import is_cooperator, is_manager


def _request_or_404(request, pk):
    return get_object_or_404(
        selectors.requests_for(request.membership).select_related("cooperator__user", "created_by", "decided_by"),
        pk=pk,
    )


def _detail_url(obj):
    return reverse("benefits:request_detail", args=[obj.pk])


_DETAIL_LINK = row_url("benefits:request_detail")


def _act(request, obj, service, success, confirm=None, **fields):
    """Runs a step of the request (core.access.run_action): a refusal (wrong state, lost race, vanished
    request) becomes a message on the request's page, its success the message `success`. `confirm`:
    core.confirm.confirmation's arguments for an irreversible step (the object and cancel URL added)."""
    scope = selectors.requests_for(request.membership)
    return run_action(
        request,
        lambda: service(request_id=obj.pk, scope=scope, actor=request.user, **fields),
        success=success % {"ref": obj.reference},
        redirect_to=_detail_url(obj),
        confirm=None if confirm is None else {"obj": obj, "cancel_url": _detail_url(obj), **confirm},
    )


def _select_cell(row, value):
    """The bulk payment's checkbox (requests being processed)."""
    if value.state != RequestState.PROCESSING:
        return format_html('<span class="visually-hidden">{}</span>', _("Non sélectionnable"))
    return format_html(
        '<input type="checkbox" name="ids" value="{}" form="paiement-groupe" id="choix-{}" aria-label="{}">',
        value.pk,
        value.pk,
        _("Sélectionner la demande %(ref)s") % {"ref": value.reference},
    )


def _state_cell(row, value):
    """The state's badge; for a request awaiting approval, the days left before its purge."""
    badge = state_cell(row, value)
    days = value.days_before_purge() if value.state == RequestState.AWAITING else None
    if days is None:
        return badge
    note = ngettext("%(counter)s jour restant", "%(counter)s jours restants", days) % {"counter": days}
    return format_html('{}<br><span class="approval-note">{}</span>', badge, note)


def _columns(*, with_cooperator, with_cooperative=False, select=False):
    columns = []
    if select:
        columns.append(Column("select", gettext_lazy("Sélection"), accessor=lambda r: r, render=_select_cell))
    columns.append(Column("reference", gettext_lazy("Demande"), accessor="reference", order_by="pk", link=_DETAIL_LINK))
    if with_cooperative:
        columns.append(
            Column(
                "cooperative",
                gettext_lazy("Coopérative"),
                accessor="cooperative.organisation.name",
                order_by="cooperative__organisation__name",
            )
        )
    if with_cooperator:
        columns.append(
            Column(
                "cooperator",
                gettext_lazy("Coopérateur"),
                accessor=lambda r: f"{r.cooperator.last_name} {r.cooperator.first_name} ({r.cooperator.family_number})",
                order_by="cooperator__sort_name",
            )
        )
    columns += [
        Column(
            "beneficiary",
            gettext_lazy("Bénéficiaire"),
            accessor=lambda r: f"{r.beneficiary_name} ({r.beneficiary_kind_label.lower()})",
        ),
        Column("type", gettext_lazy("Prestation"), accessor="benefit_type.name", order_by="benefit_type__position"),
        Column("created_at", gettext_lazy("Saisie le"), order_by="created_at", render=date_cell),
        Column(
            "state",
            gettext_lazy("État"),
            accessor=lambda r: r,
            order_by="state",
            render=_state_cell,
        ),
        Column(
            "amount",
            gettext_lazy("Montant"),
            order_by="amount",
            numeric=True,
            render=amount_cell,
        ),
        Column("payment_date", gettext_lazy("Payée le"), order_by="payment_date", render=date_cell),
    ]
    return columns


def request_list(request):
    require(request, "benefits.view_requests")
    manager = is_manager(request)

    # The columns read the cooperator, the dependant and the type: no join of the cooperative (fewer
    # joins to plan), columns not shown left unread.
    def queryset():
        return (
            selectors.requests_for(request.membership)
            .select_related(None)
            .select_related("cooperator", "dependant", "benefit_type")
        )

    # The counts the database keeps: the table's total (unfiltered) and the requests waiting for approval,
    # read only when the page is rendered (not when it is kept in a fragment).
    counts = SimpleLazyObject(lambda: selectors.request_counts(request.membership)) if manager else None
    unfiltered = not any(request.GET.get(name) for name in RequestFilters.base_fields)
    table = DataTable(
        request,
        queryset,
        columns=_columns(with_cooperator=manager),
        filter_form_class=RequestFilters,
        default_sort="-created_at",
        caption=_("Demandes de prestations"),
        empty_message=_("Aucune demande pour le moment."),
        count=(lambda: sum(counts.values())) if counts is not None and unfiltered else None,
    )
    waiting = (lambda: counts[RequestState.AWAITING]) if counts is not None else 0
    return render(request, "benefits/request_list.html", {"table": table, "waiting": waiting})


def _benefit_types_for(cooperator):
    types = selectors.benefit_types().filter(by_post_only=False)
    return types.filter(pk__in=[t.pk for t in types if t.is_in_package(cooperator.cooperative)])


def request_create(request):
    require(request, "benefits.create_request")
    cooperators = selectors.cooperators_for(request.membership).present()
    if is_cooperator(request):
        cooperator = cooperators.first()
        if cooperator is None:
            return render(request, "benefits/no_cooperator.html")
    else:
        chosen = request.POST.get("cooperateur") or request.GET.get("cooperateur")
        chosen = parse_id(chosen)
        cooperator = cooperators.filter(pk=chosen).first() if chosen else None
        if cooperator is None:
            return render(
                request,
                "benefits/request_choose_cooperator.html",
                {"cooperators": cooperators.order_by("sort_name", "pk"), "invalid": bool(chosen)},
            )
    require(request, "benefits.create_request", cooperator)
    form = RequestForm(
        request.POST or None,
        request.FILES or None,
        cooperator=cooperator,
        benefit_types=_benefit_types_for(cooperator),
    )
    if request.method == "POST" and form.is_valid():
        try:
            created = services.request_create(
                cooperator=cooperator,
                benefit_type=form.cleaned_data["benefit_type"],
                dependant=form.cleaned_data["beneficiary"],
                comment=form.cleaned_data["comment"],
                files=form.cleaned_data["files"],
                actor=request.user,
            )
        except services.NotEligible as error:
            for reason in error.reasons:
                form.add_error(None, reason)
        except ValidationError as error:
            form_errors(form, error)
        else:
            if created.awaiting_approval:
                messages.success(
                    request,
                    _(
                        "Votre demande %(ref)s est enregistrée. Elle attend l'accord de votre coopérative : "
                        "sans accord dans les 14 jours, elle sera supprimée."
                    )
                    % {"ref": created.reference},
                )
            else:
                messages.success(request, _("La demande %(ref)s est enregistrée.") % {"ref": created.reference})
            return redirect("benefits:request_detail", created.pk)
    return render(
        request, "benefits/request_form.html", {"form": form, "cooperator": cooperator, "benefit_request": None}
    )


# What the request's page shows and its access check depend on (the page's fragment and the
# remembered check of request_detail watch the same tables).
DETAIL_WATCH = (
    "benefits.BenefitRequest benefits.RequestDocument core.Transition benefits.Cooperator benefits.Dependant "
    "benefits.FamilyDocument benefits.BenefitType benefits.Tariff benefits.Cooperative accounts.Organisation "
    "accounts.User"
)


def _detail_context(request, found, **forms):
    """What the request's page shows, each part read when the template asks for it (functions, which
    templates call): a page kept in a fragment (request_detail.html) reads nothing. `found()` gives
    the request as the tenancy lookup read it (its cooperative and cooperator)."""
    user = request.user
    officer = functools.cache(lambda: user.has_perm("benefits.process_requests", found()))
    return {
        "benefit_request": found,
        "detail_watch": DETAIL_WATCH,
        "documents": functools.cache(lambda: list(found().documents.select_related("uploaded_by"))),
        "timeline": functools.cache(lambda: timeline_for(found())),
        # Only the buttons that will work.
        "steps": functools.cache(lambda: {step.name: step for step in REQUEST.allowed(found(), user)}),
        "can_change": functools.cache(lambda: user.has_perm("benefits.change_request", found())),
        "can_process": officer,
        "days_left": lambda: found().days_before_purge(),
        # The forms too: a form posted back with its errors is given, the others are built if shown.
        "documents_form": forms.get("documents_form") or functools.cache(DocumentsForm),
        "reject_form": forms.get("reject_form") or functools.cache(lambda: ReasonForm(prefix="rejet")),
        "refuse_form": forms.get("refuse_form") or functools.cache(lambda: ReasonForm(prefix="refus")),
        "amount_form": forms.get("amount_form")
        or functools.cache(
            lambda: AmountForm(
                initial={
                    "amount": amount_text(found().amount if found().amount is not None else found().amount_computed)
                }
            )
        ),
        "pay_form": forms.get("pay_form")
        or functools.cache(lambda: PayForm(initial={"payment_date": timezone.localdate()})),
        "tariff_amount": lambda: services.tariff_amount(found().benefit_type, found().year) if officer() else None,
        "dependants": lambda: list(found().cooperator.dependants.all()) if officer() else [],
        "family_documents": lambda: list(found().cooperator.family_documents.all()) if officer() else [],
    }


def request_detail(request, pk):
    """The request's page. Its access check (the tenancy lookup and the rule) is remembered with the
    page's fragment: while nothing it read has changed (the same user, identity and membership, no
    write to the watched tables), a kept page is served without a query."""

    @functools.cache
    def looked_up():
        # What the tenancy and the rules need (the cooperative, the cooperator).
        obj = get_object_or_404(
            selectors.requests_for(request.membership).select_related(None).select_related("cooperative", "cooperator"),
            pk=pk,
        )
        require(request, "benefits.view_request", obj)
        return obj

    reference = fragments.remembered(
        request,
        "benefits:request_detail:access",
        DETAIL_WATCH,
        [request.membership.pk if request.membership else None],
        lambda: looked_up().reference,
    )
    # The page reads the request with its type, beneficiary and authors when it renders it.
    context = _detail_context(request, looked_up)
    context["benefit_request"] = functools.cache(lambda: _request_or_404(request, pk))
    return render(request, "benefits/request_detail.html", {**context, "reference": reference})


def _render_detail(request, obj, status=400, **forms):
    context = {**_detail_context(request, lambda: obj, **forms), "reference": obj.reference}
    return render(request, "benefits/request_detail.html", context, status=status)


def request_edit(request, pk):
    obj = _request_or_404(request, pk)
    require(request, "benefits.view_request", obj)
    if not request.user.has_perm("benefits.change_request", obj):
        messages.error(
            request,
            _("Cette demande ne peut plus être modifiée : elle est %(state)s.")
            % {"state": obj.get_state_display().lower()},
        )
        return redirect("benefits:request_detail", obj.pk)
    form = RequestForm(
        request.POST or None,
        request.FILES or None,
        cooperator=obj.cooperator,
        benefit_types=_benefit_types_for(obj.cooperator),
        files_required=False,
        initial={
            "beneficiary": beneficiary_value(obj.dependant),
            "benefit_type": obj.benefit_type_id,
            "comment": obj.comment,
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.request_update(
                request_id=obj.pk,
                scope=selectors.requests_for(request.membership),
                actor=request.user,
                benefit_type=form.cleaned_data["benefit_type"],
                dependant=form.cleaned_data["beneficiary"],
                comment=form.cleaned_data["comment"],
                files=form.cleaned_data["files"],
            )
        except services.NotEligible as error:
            for reason in error.reasons:
                form.add_error(None, reason)
        except TransitionNotAllowed as error:
            error_messages(request, error)
            return redirect("benefits:request_detail", obj.pk)
        except ValidationError as error:
            form_errors(form, error)
        else:
            messages.success(request, _("La demande %(ref)s est modifiée.") % {"ref": obj.reference})
            return redirect("benefits:request_detail", obj.pk)
    return render(
        request, "benefits/request_form.html", {"form": form, "cooperator": obj.cooperator, "benefit_request": obj}
    )


@require_http_methods(["GET", "HEAD", "POST"])
def request_withdraw(request, pk):
    """GET (or an unconfirmed POST): the confirmation page; a confirmed POST: the step "withdraw"."""
    obj = _request_or_404(request, pk)
    require(request, "benefits.view_request", obj)
    page = confirmation(
        request,
        REQUEST.step("withdraw"),
        obj=obj,
        title=_("Retirer la demande %(ref)s ?") % {"ref": obj.reference},
        message=_("La demande « %(type)s » pour %(name)s ne sera pas traitée. Cette action est définitive.")
        % {"type": obj.benefit_type.name, "name": obj.beneficiary_name},
        cancel_url=_detail_url(obj),
        danger=True,
    )
    if page:
        return page
    require(request, "benefits.withdraw_request", obj)
    return _act(request, obj, services.request_withdraw, _("La demande %(ref)s est retirée."))


@require_POST
def request_documents_add(request, pk):
    obj = _request_or_404(request, pk)
    require(request, "benefits.view_request", obj)
    if not request.user.has_perm("benefits.change_request", obj):
        messages.error(
            request,
            _("Des pièces ne peuvent plus être ajoutées : la demande est %(state)s.")
            % {"state": obj.get_state_display().lower()},
        )
        return redirect("benefits:request_detail", obj.pk)
    form = DocumentsForm(request.POST, request.FILES)
    if not form.is_valid():
        return _render_detail(request, obj, documents_form=form)
    try:
        added = services.request_documents_add(
            request_id=obj.pk,
            scope=selectors.requests_for(request.membership),
            actor=request.user,
            files=form.cleaned_data["files"],
        )
    except TransitionNotAllowed as error:
        error_messages(request, error)
    else:
        messages.success(
            request,
            ngettext("%(count)s pièce ajoutée.", "%(count)s pièces ajoutées.", len(added)) % {"count": len(added)},
        )
    return redirect("benefits:request_detail", obj.pk)


def request_document_download(request, pk):
    document = get_object_or_404(selectors.request_documents_for(request.membership), pk=pk)
    require(request, "benefits.view_request", document.request)
    label = _("pièce justificative %(reference)s") % {"reference": document.request.reference}
    return private_file_response(request, document.file, label=label)


@require_POST
def request_approve(request, pk):
    obj = _request_or_404(request, pk)
    require(request, "benefits.approve_request", obj)
    return _act(request, obj, services.request_approve, _("Accord donné : l'Union peut traiter la demande %(ref)s."))


@require_POST
def request_reject(request, pk):
    obj = _request_or_404(request, pk)
    require(request, "benefits.approve_request", obj)
    form = ReasonForm(request.POST, prefix="rejet")
    if not form.is_valid():
        return _render_detail(request, obj, reject_form=form)
    return _act(
        request,
        obj,
        services.request_reject,
        _("La demande %(ref)s est rejetée."),
        reason=form.cleaned_data["reason"],
        confirm={
            "step": REQUEST.step("reject"),
            "summary": [(_("Motif"), form.cleaned_data["reason"])],
            "title": _("Rejeter la demande %(ref)s ?") % {"ref": obj.reference},
            "message": _(
                "La demande %(ref)s sera refusée avec ce motif, et la famille prévenue. Ce rejet est définitif."
            )
            % {"ref": obj.reference},
        },
    )


# --- Union officers ------------------------------------------------------------------------------


def queue(request):
    """The officers' queue across their cooperatives, with filters and bulk payment."""
    require(request, "benefits.process_requests")

    def years():
        return sorted({timezone.localdate().year, *selectors.tariff_years()}, reverse=True)

    class Filters(QueueFilters):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, benefit_types=selectors.benefit_types(), years=years, **kwargs)

    def queryset():
        return selectors.officer_queue(request.membership)

    # Kept by the database (benefits.counts): no count over the union's requests; read when rendered.
    counts = SimpleLazyObject(lambda: selectors.request_counts(request.membership))
    # Unfiltered, the queue is what is to be processed: its per-state counts are its count.
    unfiltered = not any(request.GET.get(name) for name in QueueFilters.base_fields)
    table = DataTable(
        request,
        queryset,
        columns=_columns(with_cooperator=True, with_cooperative=True, select=True),
        filter_form_class=Filters,
        default_sort="created_at",
        caption=_("Demandes à traiter"),
        empty_message=_("Aucune demande à traiter."),
        count=(lambda: counts[RequestState.ENTERED] + counts[RequestState.PROCESSING]) if unfiltered else None,
    )
    return render(
        request,
        "benefits/queue.html",
        {
            "table": table,
            "pay_form": functools.cache(
                lambda: PayForm(initial={"payment_date": timezone.localdate()}, prefix="groupe")
            ),
            "count_entered": lambda: counts[RequestState.ENTERED],
            "count_processing": lambda: counts[RequestState.PROCESSING],
        },
    )


def _officer_action(request, pk):
    obj = _request_or_404(request, pk)
    require(request, "benefits.process_requests", obj)
    return obj


def _scope(request):
    return selectors.officer_queue(request.membership)


@require_POST
def request_take(request, pk):
    obj = _officer_action(request, pk)
    return _act(request, obj, services.request_take, _("Vous avez pris en charge la demande %(ref)s."))


@require_POST
def request_amount(request, pk):
    obj = _officer_action(request, pk)
    form = AmountForm(request.POST)
    if form.is_valid():
        try:
            services.request_set_amount(
                request_id=obj.pk,
                scope=_scope(request),
                actor=request.user,
                amount=form.cleaned_data["amount"],
                reason=form.cleaned_data["reason"],
            )
        except TransitionNotAllowed as error:
            error_messages(request, error)
            return redirect("benefits:request_detail", obj.pk)
        except ValidationError as error:
            form_errors(form, error)
        else:
            messages.success(request, _("Le montant de la demande %(ref)s est enregistré.") % {"ref": obj.reference})
            return redirect("benefits:request_detail", obj.pk)
    return _render_detail(request, obj, amount_form=form)


@require_POST
def request_pay(request, pk):
    obj = _officer_action(request, pk)
    form = PayForm(request.POST)
    if form.is_valid():
        page = confirmation(
            request,
            REQUEST.step("pay"),
            obj=obj,
            title=_("Payer la demande %(ref)s ?") % {"ref": obj.reference},
            message=_(
                "La demande %(ref)s sera payée (%(amount)s €) à la date du %(date)s : "
                "le montant et la date ne pourront plus être changés."
            )
            % {
                "ref": obj.reference,
                "amount": amount_text(obj.amount),
                "date": date_format(form.cleaned_data["payment_date"], "d/m/Y"),
            },
            cancel_url=_detail_url(obj),
        )
        if page:
            return page
        try:
            services.request_pay(
                request_id=obj.pk,
                scope=_scope(request),
                actor=request.user,
                payment_date=form.cleaned_data["payment_date"],
            )
        except ValidationError as error:
            if not hasattr(error, "error_dict"):  # a wrong state, a lost race: a message on the page
                error_messages(request, error)
                return redirect("benefits:request_detail", obj.pk)
            form_errors(form, error)
        else:
            messages.success(request, _("La demande %(ref)s est payée.") % {"ref": obj.reference})
            return redirect("benefits:request_detail", obj.pk)
    return _render_detail(request, obj, pay_form=form)


@require_POST
def request_refuse(request, pk):
    obj = _officer_action(request, pk)
    form = ReasonForm(request.POST, prefix="refus")
    if not form.is_valid():
        return _render_detail(request, obj, refuse_form=form)
    return _act(
        request,
        obj,
        services.request_refuse,
        _("La demande %(ref)s est refusée."),
        reason=form.cleaned_data["reason"],
        confirm={
            "step": REQUEST.step("refuse"),
            "summary": [(_("Motif"), form.cleaned_data["reason"])],
            "title": _("Refuser la demande %(ref)s ?") % {"ref": obj.reference},
            "message": _(
                "La demande %(ref)s sera refusée avec ce motif, et la famille prévenue. Ce refus est définitif."
            )
            % {"ref": obj.reference},
        },
    )


@require_POST
def bulk_pay(request):
    require(request, "benefits.process_requests")
    form = PayForm(request.POST, prefix="groupe")
    ids = parse_ids(request.POST.getlist("ids"))
    back = QueryDict(request.POST.get("retour", "")).urlencode()
    queue_url = reverse("benefits:queue") + (f"?{back}" if back else "")
    if not ids:
        messages.error(request, _("Cochez au moins une demande à payer."))
    elif not form.is_valid():
        for errors in form.errors.values():
            for message in errors:
                messages.error(request, message)
    else:
        page = confirmation(
            request,
            REQUEST.step("pay"),
            title=_("Payer les demandes cochées ?"),
            message=ngettext(
                "La demande cochée sera payée à son montant à la date du %(date)s, si elle est en cours de "
                "traitement : ni le montant ni la date ne pourront plus être changés.",
                "Les %(count)s demandes cochées seront payées à leur montant à la date du %(date)s, si elles "
                "sont en cours de traitement : ni le montant ni la date ne pourront plus être changés.",
                len(ids),
            )
            % {"count": len(ids), "date": date_format(form.cleaned_data["payment_date"], "d/m/Y")},
            cancel_url=queue_url,
        )
        if page:
            return page
        result = services.requests_pay_bulk(
            request_ids=ids, scope=_scope(request), actor=request.user, payment_date=form.cleaned_data["payment_date"]
        )
        if result.paid:
            messages.success(
                request,
                ngettext("%(count)s demande payée.", "%(count)s demandes payées.", len(result.paid))
                % {"count": len(result.paid)},
            )
        for request_id, message in result.failed:
            messages.error(
                request,
                _("Demande %(ref)s non payée : %(message)s")
                % {"ref": BenefitRequest(pk=request_id).reference, "message": message},
            )
    return redirect(queue_url)
