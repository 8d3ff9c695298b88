"""Modification inscription: the partner administrators' header and four tabs."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from core.access import require, run_action
from core.confirm import confirmation
from core.history import timeline_for

from .. import selectors, services
from ..enums import ConventionState
from ..forms import AddressForm, ConventionForm, PartnerForm, PartnerUserForm
from ..models import Address
from ..workflows import CONVENTION

TABS = [
    ("partenaire", "partners:admin_partner", gettext_lazy("Partenaire")),
    ("utilisateurs", "partners:admin_users", gettext_lazy("Utilisateurs")),
    ("conventions", "partners:admin_conventions", gettext_lazy("Conventions")),
    ("adresse", "partners:admin_address", gettext_lazy("Adresse")),
]


USERS_PER_PAGE = 50  # the users tab pages its table (a partner may have hundreds of users)


def _partner(request):
    require(request, "partners.manage_partner")
    partner = selectors.partner_of(request.membership)
    if partner is None:
        raise Http404
    require(request, "partners.manage_partner", partner)
    return partner


def _render(request, partner, tab, template, context):
    return render(
        request,
        template,
        {"partner": partner, "tab": tab, "tabs": [(key, url, str(label)) for key, url, label in TABS], **context},
    )


def _apply_errors(form, error):
    try:
        form.add_error(None, error)
    except (TypeError, ValueError):
        for message in error.messages:
            form.add_error(None, message)


def _saved(request, form, save):
    """Whether a POSTed, valid form was saved by `save(cleaned_data)`; the service's refusal goes on the form."""
    if request.method != "POST" or not form.is_valid():
        return False
    try:
        save(form.cleaned_data)
    except ValidationError as error:
        _apply_errors(form, error)
        return False
    return True


def partner_tab(request):
    partner = _partner(request)
    initial = {"name": partner.name, "siret": partner.siret, "email": partner.email, "phone": partner.phone}
    form = PartnerForm(request.POST if request.method == "POST" else None, initial=initial)
    if _saved(request, form, lambda data: services.partner_update(partner=partner, actor=request.user, **data)):
        messages.success(request, _("Les informations du partenaire sont enregistrées."))
        return redirect("partners:admin_partner")
    return _render(request, partner, "partenaire", "partners/admin_partner.html", {"form": form})


def users_tab(request):
    partner = _partner(request)
    form = PartnerUserForm(request.POST if request.method == "POST" else None)

    def create(data):
        services.partner_user_create(
            partner=partner,
            actor=request.user,
            last_name=data["last_name"],
            first_name=data["first_name"],
            login=data["login"],
            phone=data["phone"],
            email=data["email"],
            is_admin=data["is_admin"],
            request=request,
        )

    if _saved(request, form, create):
        messages.success(
            request,
            _("L'utilisateur %(login)s est créé : il reçoit son mot de passe temporaire par e-mail.")
            % {"login": form.cleaned_data["login"]},
        )
        return redirect("partners:admin_users")
    page = Paginator(selectors.partner_memberships_for(request.membership), USERS_PER_PAGE).get_page(
        request.GET.get("page")
    )
    return _render(
        request,
        partner,
        "utilisateurs",
        "partners/admin_users.html",
        {"form": form, "memberships": page.object_list, "page": page},
    )


def user_edit(request, pk):
    membership = get_object_or_404(selectors.partner_memberships_for(request.membership), pk=pk)
    partner = _partner(request)
    user = membership.user
    own = user.pk == request.user.pk
    initial = {
        "last_name": user.last_name,
        "first_name": user.first_name,
        "phone": user.phone,
        "email": user.email,
        "is_admin": membership.is_admin,
    }
    form = PartnerUserForm(request.POST if request.method == "POST" else None, initial=initial, editing=True, own=own)
    if _saved(
        request,
        form,
        lambda data: services.partner_user_update(membership=membership, actor=request.user, request=request, **data),
    ):
        messages.success(request, _("L'utilisateur %(login)s est enregistré.") % {"login": user.identifier})
        return redirect("partners:admin_users")
    return _render(
        request,
        partner,
        "utilisateurs",
        "partners/admin_user_edit.html",
        {"form": form, "membership": membership, "own": own},
    )


def user_delete(request, pk):
    membership = get_object_or_404(selectors.partner_memberships_for(request.membership), pk=pk)
    _partner(request)
    page = confirmation(
        request,
        title=_("Supprimer l’utilisateur"),
        message=_("Voulez-vous vraiment supprimer l’utilisateur %(login)s ?") % {"login": membership.user.identifier},
        confirm_label=_("Supprimer"),
        cancel_url=reverse("partners:admin_users"),
        danger=True,
    )
    if page is None:
        try:
            services.partner_user_delete(membership=membership, actor=request.user, request=request)
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, message)
        else:
            messages.success(
                request, _("L'utilisateur %(login)s est supprimé.") % {"login": membership.user.identifier}
            )
        return redirect("partners:admin_users")
    # Without JavaScript (or a first POST without confirmation): the confirmation page.
    return page


def conventions_tab(request):
    partner = _partner(request)
    form = ConventionForm(request.POST if request.method == "POST" else None)

    def add(data):
        services.convention_add(
            partner=partner,
            regime=data["regime"],
            fund=data["fund"],
            convention_type=data["convention_type"],
            code=data["code"],
            actor=request.user,
            request=request,
        )

    if _saved(request, form, add):
        messages.success(
            request,
            _("La convention n° %(code)s est enregistrée ; elle attend la validation de la caisse.")
            % {"code": form.cleaned_data["code"]},
        )
        return redirect("partners:admin_conventions")
    conventions = list(selectors.partner_conventions_for(request.membership).order_by("created_at", "pk"))
    return _render(
        request, partner, "conventions", "partners/admin_conventions.html", {"form": form, "conventions": conventions}
    )


def convention_edit(request, pk):
    """Correct a convention that still waits for the fund (a validated one is read-only to the partner)."""
    scope = selectors.partner_conventions_for(request.membership)
    convention = get_object_or_404(scope, pk=pk)
    partner = _partner(request)
    initial = {
        "regime": convention.fund.parent_id,
        "fund": convention.fund_id,
        "convention_type": convention.convention_type_id,
        "code": convention.code,
    }
    form = ConventionForm(request.POST if request.method == "POST" else None, initial=initial)
    editable = convention.state == ConventionState.AWAITING
    if editable and _saved(
        request,
        form,
        lambda data: services.convention_update(
            convention_id=pk, scope=scope, actor=request.user, request=request, **data
        ),
    ):
        messages.success(request, _("La convention n° %(code)s est corrigée.") % {"code": form.cleaned_data["code"]})
        return redirect("partners:admin_conventions")
    return _render(
        request,
        partner,
        "conventions",
        "partners/admin_convention_edit.html",
        {"form": form, "convention": convention, "editable": editable, "timeline": timeline_for(convention)},
    )


@require_POST
def convention_withdraw(request, pk):
    scope = selectors.partner_conventions_for(request.membership)
    convention = get_object_or_404(scope, pk=pk)
    _partner(request)
    page = confirmation(
        request,
        CONVENTION.step("withdraw"),
        obj=convention,
        title=_("Retirer la convention"),
        message=_(
            "La convention retirée ne sera pas examinée par la caisse, qui en est informée. Vous pourrez la "
            "saisir de nouveau."
        ),
        cancel_url=reverse("partners:admin_conventions"),
        danger=True,
    )
    if page:
        return page
    return run_action(
        request,
        lambda: services.convention_withdraw(convention_id=pk, actor=request.user, scope=scope),
        success=_("La convention n° %(code)s est retirée ; la caisse en est informée.") % {"code": convention.code},
        redirect_to=reverse("partners:admin_conventions"),
    )


def address_tab(request):
    partner = _partner(request)
    initial = {name: getattr(partner, name) for name in Address.ADDRESS_FIELDS}
    form = AddressForm(request.POST if request.method == "POST" else None, initial=initial)
    if _saved(request, form, lambda data: services.partner_address_update(partner=partner, actor=request.user, **data)):
        messages.success(request, _("L'adresse est enregistrée."))
        return redirect("partners:admin_address")
    return _render(request, partner, "adresse", "partners/admin_address.html", {"form": form})
