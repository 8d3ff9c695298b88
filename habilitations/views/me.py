"""Mes informations: Mes coordonnées, Mes habilitations (history and today's rights), Mes abonnements,
Mes contacts; cancelling one's own pending request."""

import functools

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.enums import OrganisationKind
from accounts.perms import active_memberships
from core.access import form_errors, require, run_action

from .. import selectors, services
from ..forms import ProfileForm, SubscriptionsForm
from ..models import Profile, Subscription
from ..workflows import ACCESS_REQUEST


def my_details(request):
    require(request, "habilitations.view_own")
    user = request.user
    profile, _created = Profile.objects.get_or_create(user=user)
    organisations = [
        m.organisation for m in active_memberships(user) if m.organisation.kind == OrganisationKind.ORGANISME
    ]
    form = ProfileForm(
        request.POST or None,
        initial={
            "civility": user.civility,
            "first_name": user.first_name,
            "last_name": user.last_name,
            "birth_name": user.birth_name,
            "email": user.email,
            "contact_email": profile.contact_email,
            "phone": user.phone,
        },
    )
    if profile.is_director:
        for field in form.fields.values():
            field.disabled = True
    if request.method == "POST" and not profile.is_director and form.is_valid():
        try:
            services.profile_update(user=user, **form.cleaned_data)
        except ValidationError as error:
            form_errors(form, error)
        else:
            messages.success(request, _("Vos coordonnées sont enregistrées."))
            return redirect("habilitations:my_details")
    return render(
        request,
        "habilitations/my_details.html",
        {"form": form, "profile": profile, "organisations": organisations},
    )


def my_rights(request):
    """Mes habilitations: "Historique de vos demandes" and "Liste de vos habilitations"."""
    require(request, "habilitations.view_own")
    # Built and read only when the page is rendered (not when its fragment is kept: my_rights.html).
    return render(
        request,
        "habilitations/my_rights.html",
        {
            "history": functools.cache(
                lambda: selectors.own_access_requests(request.user).order_by("-created_at", "-pk")[:200]
            ),
            "rights": functools.cache(lambda: selectors.own_rights(request.user)),
        },
    )


@require_POST
def access_request_cancel(request, pk):
    access_request = get_object_or_404(selectors.own_access_requests(request.user), pk=pk)
    return run_action(
        request,
        lambda: services.access_request_cancel(access_request_id=access_request.pk, actor=request.user),
        success=_("Votre demande d’accès à « %(app)s » est annulée.") % {"app": access_request.application.name},
        redirect_to="habilitations:my_rights",
        confirm={
            "step": ACCESS_REQUEST.step("cancel"),
            "obj": access_request,
            "message": _("Votre demande d’accès à « %(app)s » sera annulée : personne n’aura à la traiter.")
            % {"app": access_request.application.name},
            "cancel_url": reverse("habilitations:my_rights"),
        },
    )


def my_subscriptions(request):
    require(request, "habilitations.view_own")
    current = list(Subscription.objects.filter(user=request.user).values_list("newsletter", flat=True))
    form = SubscriptionsForm(request.POST or None, initial={"newsletters": current})
    if request.method == "POST" and form.is_valid():
        services.subscriptions_set(user=request.user, newsletters=form.cleaned_data["newsletters"])
        messages.success(request, _("Vos abonnements sont enregistrés."))
        return redirect("habilitations:my_subscriptions")
    return render(request, "habilitations/my_subscriptions.html", {"form": form})


def my_contacts(request):
    require(request, "habilitations.view_own")
    return render(request, "habilitations/my_contacts.html", {"contacts": selectors.contacts_for(request.user)})
