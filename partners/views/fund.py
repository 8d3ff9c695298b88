"""Fund administrators: the queue of pre-registrations and new conventions of their fund, the decisions,
their fund's partners and contact messages (national admins see all partners and unrouted messages)."""

import functools

from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import SimpleLazyObject
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.access import require, run_action
from core.confirm import confirmation
from core.history import timeline_for
from core.tables import Column, DataTable, row_url, state_cell
from core.workflows import workflow_for

from .. import selectors, services
from ..forms import InvalidateForm
from ..models import PreRegistration

PROCESS = "partners.process_registrations"
CONVENTIONS_ON_QUEUE = 20  # the queue shows the oldest ones; the conventions page lists them all, by pages


_PREREGISTRATION_LINK = row_url("partners:fund_preregistration", kwarg="pk")  # get_absolute_url, once per table


def queue(request):
    require(request, PROCESS)
    preregistrations = DataTable(
        request,
        lambda: selectors.pending_preregistrations_for(request.membership),
        columns=[
            Column("partner_name", gettext_lazy("Partenaire"), order_by="partner_name", link=_PREREGISTRATION_LINK),
            Column("convention_code", gettext_lazy("Code convention"), order_by="convention_code"),
            Column("partner_type", gettext_lazy("Type"), accessor="partner_type.label"),
            Column(
                "created_at",
                gettext_lazy("Reçue le"),
                order_by="created_at",
                date_only=True,
            ),
        ],
        default_sort="created_at",
        caption=gettext_lazy("Préinscriptions en attente de validation"),
        empty_message=gettext_lazy("Aucune préinscription en attente."),
    )

    # Built and read only when the page is rendered (not when its fragment is kept: partners/fund_queue.html).
    @functools.cache
    def awaiting():
        return selectors.awaiting_conventions_for(request.membership).order_by("created_at", "pk")

    conventions = SimpleLazyObject(lambda: list(awaiting()[:CONVENTIONS_ON_QUEUE]))

    @functools.cache
    def total():
        return len(conventions) if len(conventions) < CONVENTIONS_ON_QUEUE else awaiting().count()

    return render(
        request,
        "partners/fund_queue.html",
        {"table": preregistrations, "conventions": conventions, "conventions_total": total},
    )


def convention_queue(request):
    """Every new convention waiting for the fund, by pages (the queue page shows the oldest ones)."""
    require(request, PROCESS)
    table = DataTable(
        request,
        lambda: selectors.awaiting_conventions_for(request.membership),
        columns=[
            Column("code", gettext_lazy("Code convention"), order_by="code", link=lambda c: c.get_fund_url()),
            Column(
                "partner",
                gettext_lazy("Partenaire"),
                accessor="partner.organisation.name",
                order_by="partner__organisation__name",
            ),
            Column("convention_type", gettext_lazy("Type"), accessor="convention_type.label"),
            Column(
                "created_at",
                gettext_lazy("Ajoutée le"),
                order_by="created_at",
                date_only=True,
            ),
        ],
        default_sort="created_at",
        caption=gettext_lazy("Nouvelles conventions en attente de validation"),
        empty_message=gettext_lazy("Aucune nouvelle convention en attente."),
    )
    return render(request, "partners/fund_conventions.html", {"table": table})


INVALIDATE_MESSAGE = gettext_lazy("L’invalidation est définitive : le motif saisi est envoyé au partenaire.")


def _back(request):
    """Where a decision leads: the fund's queue, or the national admins' supervision."""
    if request.user.has_perm(PROCESS, request.acting):
        return reverse("partners:fund_queue")
    return reverse("partners:supervision")


def _decision(request, obj, *, template, name, run, done, confirm_messages):
    """The decision page of `obj`: validate, or invalidate with a reason (`run(step, reason)`, a workflow
    step). A decision goes back to the queue with its message `done[step]`; a refusal (wrong state, lost
    race) comes back to this page as a message."""
    form = InvalidateForm()
    step = request.POST.get("action") if request.method == "POST" else None
    if step == "invalidate":
        form = InvalidateForm(request.POST)
    if step in done and (step != "invalidate" or form.is_valid()):
        page = confirmation(
            request,
            workflow_for(obj).step(step),
            obj=obj,
            title=_("Confirmer la validation") if step == "validate" else _("Confirmer l’invalidation"),
            message=confirm_messages[step],
            summary=[(_("Motif"), form.cleaned_data["reason"] if step == "invalidate" else "")],
            cancel_url=request.path,
        )
        if page:
            return page
        return run_action(
            request,
            lambda: run(step, form.cleaned_data["reason"] if step == "invalidate" else ""),
            success=done[step],
            redirect_to=lambda result: _back(request) if result is not None else request.path,
        )
    context = {name: obj, "form": form, "timeline": timeline_for(obj), "back": _back(request)}
    if isinstance(obj, PreRegistration):
        context["same_siret"] = SimpleLazyObject(lambda: selectors.same_siret(obj))  # read when rendered
    return render(request, template, context)


def preregistration_detail(request, pk):
    scope = selectors.preregistrations_for(request.membership)
    preregistration = get_object_or_404(scope, pk=pk)
    require(request, PROCESS, preregistration)

    def run(step, reason):
        if step == "validate":
            return services.preregistration_validate(
                preregistration_id=pk, actor=request.user, scope=scope, request=request
            )
        return services.preregistration_invalidate(
            preregistration_id=pk, actor=request.user, scope=scope, reason=reason
        )

    return _decision(
        request,
        preregistration,
        template="partners/fund_preregistration.html",
        name="preregistration",
        run=run,
        done={
            "validate": _("La préinscription de « %(name)s » est validée : l'administrateur reçoit son mot de passe.")
            % {"name": preregistration.partner_name},
            "invalidate": _("La préinscription est invalidée ; le partenaire en est informé."),
        },
        confirm_messages={
            "validate": _(
                "La validation est définitive : le partenaire « %(name)s » et le compte de son administrateur "
                "sont créés, et le mot de passe temporaire lui est envoyé."
            )
            % {"name": preregistration.partner_name},
            "invalidate": INVALIDATE_MESSAGE,
        },
    )


def convention_detail(request, pk):
    scope = selectors.fund_conventions_for(request.membership)
    convention = get_object_or_404(scope, pk=pk)
    require(request, PROCESS, convention)

    def run(step, reason):
        if step == "validate":
            return services.convention_validate(convention_id=pk, actor=request.user, scope=scope)
        return services.convention_invalidate(convention_id=pk, actor=request.user, scope=scope, reason=reason)

    return _decision(
        request,
        convention,
        template="partners/fund_convention.html",
        name="convention",
        run=run,
        done={
            "validate": _("La convention n° %(code)s est validée.") % {"code": convention.code},
            "invalidate": _("La convention n° %(code)s est invalidée ; le partenaire en est informé.")
            % {"code": convention.code},
        },
        confirm_messages={
            "validate": _(
                "La validation de la convention n° %(code)s de « %(name)s » est définitive ; le partenaire en est "
                "informé."
            )
            % {"code": convention.code, "name": convention.partner.organisation.name},
            "invalidate": INVALIDATE_MESSAGE,
        },
    )


def supervision(request):
    """National admins: everything pending in every fund with its age; what waits at a fund without an
    administrator is theirs to decide (or to hand over by naming an administrator)."""
    require(request, "partners.supervise")
    preregistrations, conventions = selectors.supervision_for(request.membership)
    preregistrations_page = Paginator(preregistrations, SUPERVISION_PER_PAGE).get_page(request.GET.get("page"))
    conventions_page = Paginator(conventions, SUPERVISION_PER_PAGE).get_page(request.GET.get("page_conventions"))
    now = timezone.now()
    for item in [*preregistrations_page.object_list, *conventions_page.object_list]:
        item.age_days = (now - item.created_at).days
    return render(
        request,
        "partners/supervision.html",
        {"preregistrations": preregistrations_page, "conventions": conventions_page},
    )


SUPERVISION_PER_PAGE = 50


def partner_list(request):
    require(request, "partners.view_partners")
    table = DataTable(
        request,
        selectors.partners_for(request.membership),
        columns=[
            Column("name", gettext_lazy("Partenaire"), accessor="organisation.name", order_by="organisation__name"),
            Column("siret", gettext_lazy("SIRET"), order_by="siret"),
            Column("partner_type", gettext_lazy("Type"), accessor="partner_type.label"),
            Column("town", gettext_lazy("Commune"), order_by="town"),
            Column("email", gettext_lazy("E-mail")),
            Column("phone", gettext_lazy("Téléphone")),
            Column("validated_conventions", gettext_lazy("Conventions validées"), numeric=True),
        ],
        default_sort="name",
        caption=gettext_lazy("Partenaires"),
        empty_message=gettext_lazy("Aucun partenaire."),
    )
    return render(request, "partners/partner_list.html", {"table": table})


def contact_list(request):
    require(request, "partners.view_contact_messages")
    table = DataTable(
        request,
        selectors.contact_messages_for(request.membership),
        columns=[
            Column(
                "created_at",
                gettext_lazy("Reçu le"),
                order_by="created_at",
                link=lambda m: m.get_absolute_url(),
            ),
            Column("last_name", gettext_lazy("Nom"), order_by="last_name"),
            Column("convention_number", gettext_lazy("Convention"), order_by="convention_number"),
            Column("reason", gettext_lazy("Motif")),
            Column("state", gettext_lazy("État"), order_by="state", render=state_cell),
        ],
        default_sort="-created_at",
        caption=gettext_lazy("Messages de contact"),
        empty_message=gettext_lazy("Aucun message."),
    )
    return render(request, "partners/contact_list.html", {"table": table})


def contact_detail(request, pk):
    scope = selectors.contact_messages_for(request.membership)
    message = get_object_or_404(scope, pk=pk)
    require(request, "partners.view_contact_messages", message)
    if request.method == "POST":
        return run_action(
            request,
            lambda: services.contact_message_close(message_id=pk, actor=request.user, scope=scope),
            success=_("Le message est clos."),
            redirect_to=lambda result: reverse("partners:contact_list") if result is not None else request.path,
        )
    return render(request, "partners/contact_detail.html", {"message": message})
