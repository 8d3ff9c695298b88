"""Fund administrators: the queue of pre-registrations and new conventions of their fund, the decisions,
their fund's partners and contact messages (national admins see all partners and unrouted messages)."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.history import timeline_for
from core.tables import Column, DataTable

from .. import selectors, services
from ..forms import InvalidateForm
from .common import require


def queue(request):
    require(request, "partners.process_registrations")
    preregistrations = DataTable(
        request,
        selectors.pending_preregistrations_for(request.membership),
        columns=[
            Column(
                "partner_name", gettext_lazy("Partenaire"), order_by="partner_name", link=lambda p: p.get_absolute_url()
            ),
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
    conventions = list(selectors.awaiting_conventions_for(request.membership).order_by("created_at", "pk")[:200])
    return render(request, "partners/fund_queue.html", {"table": preregistrations, "conventions": conventions})


def _decision_page(request, obj, *, template, name, validate, invalidate, validated, invalidated):
    """A fund administrator's decision on `obj`: validate, or invalidate with a reason. A decision goes
    back to the queue with the message `validated` / `invalidated`; the service's refusal is shown on
    the page, with the object read again."""
    form = InvalidateForm()
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action == "validate":
                validate()
                messages.success(request, validated)
                return redirect("partners:fund_queue")
            if action == "invalidate":
                form = InvalidateForm(request.POST)
                if form.is_valid():
                    invalidate(form.cleaned_data["reason"])
                    messages.success(request, invalidated)
                    return redirect("partners:fund_queue")
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, message)
            obj.refresh_from_db()
    return render(request, template, {name: obj, "form": form, "timeline": timeline_for(obj)})


def preregistration_detail(request, pk):
    scope = selectors.preregistrations_for(request.membership)
    preregistration = get_object_or_404(scope, pk=pk)
    require(request, "partners.process_registrations", preregistration)
    return _decision_page(
        request,
        preregistration,
        template="partners/fund_preregistration.html",
        name="preregistration",
        validate=lambda: services.preregistration_validate(
            preregistration_id=pk, actor=request.user, scope=scope, request=request
        ),
        invalidate=lambda reason: services.preregistration_invalidate(
            preregistration_id=pk, actor=request.user, scope=scope, reason=reason
        ),
        validated=_("La préinscription de « %(name)s » est validée : l'administrateur reçoit son mot de passe.")
        % {"name": preregistration.partner_name},
        invalidated=_("La préinscription est invalidée ; le partenaire en est informé."),
    )


def convention_detail(request, pk):
    scope = selectors.fund_conventions_for(request.membership)
    convention = get_object_or_404(scope, pk=pk)
    require(request, "partners.process_registrations", convention)
    return _decision_page(
        request,
        convention,
        template="partners/fund_convention.html",
        name="convention",
        validate=lambda: services.convention_validate(convention_id=pk, actor=request.user, scope=scope),
        invalidate=lambda reason: services.convention_invalidate(
            convention_id=pk, actor=request.user, scope=scope, reason=reason
        ),
        validated=_("La convention n° %(code)s est validée.") % {"code": convention.code},
        invalidated=_("La convention n° %(code)s est invalidée ; le partenaire en est informé.")
        % {"code": convention.code},
    )


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
            Column("state", gettext_lazy("État"), order_by="state", cell_template="partners/cells/state.html"),
        ],
        default_sort="-created_at",
        caption=gettext_lazy("Messages de contact"),
        empty_message=gettext_lazy("Aucun message."),
    )
    return render(request, "partners/contact_list.html", {"table": table})


def contact_detail(request, pk):
    scope = selectors.contact_messages_for(request.membership)
    message = get_object_or_404(scope, pk=pk)
    require(request, "partners.view_contact_messages")
    if request.method == "POST":
        try:
            services.contact_message_close(message_id=pk, actor=request.user, scope=scope)
        except ValidationError as error:
            for text in error.messages:
                messages.error(request, text)
        else:
            messages.success(request, _("Le message est clos."))
            return redirect("partners:contact_list")
    return render(request, "partners/contact_detail.html", {"message": message})
