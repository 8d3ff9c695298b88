"""Profile: names and language, contact details (behind re-authentication), notification preferences."""

import copy

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import path
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST
from django.views.i18n import set_language as django_set_language

from core import notifications

from ..forms.profile import ContactForm, NotificationPreferencesForm, ProfileForm
from ..services import otp as otp_service
from ..services import profile as profile_service
from ..services import security_mail
from ..services.consent import publishable_spaces, user_spaces
from .auth import set_language_cookie
from .security import reauth_required


@login_not_required
@require_POST
def set_language(request):
    """Django's language switch; signed in, the choice is saved to the profile too."""
    response = django_set_language(request)
    language = request.POST.get("language")
    if request.user.is_authenticated and language in dict(settings.LANGUAGES):
        profile_service.profile_language_save(user=request.user, language=language)
    return response


def _apply_language(response, language):
    translation.activate(language)
    return set_language_cookie(response, language)


def profile(request):
    user = request.user
    # A copy: an invalid form must not leave what was typed on request.user (the header shows it).
    form = ProfileForm(request.POST or None, instance=copy.copy(user))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        profile_service.profile_update(
            user=user,
            first_name=data["first_name"],
            last_name=data["last_name"],
            language=data["language"],
            request=request,
        )
        with translation.override(data["language"]):
            messages.success(request, _("Vos informations sont enregistrées."))
        return _apply_language(redirect("accounts:profile"), data["language"])
    context = {
        "form": form,
        "has_second_factor": otp_service.has_second_factor(user),
        "otp_required": otp_service.otp_required_for(user, request.memberships),
        "erasure_admin": user.has_perm("accounts.process_erasure"),
        "consent_publisher": bool(publishable_spaces(user)),
    }
    return render(request, "accounts/profile.html", context)


@reauth_required
def contact_edit(request):
    user = request.user
    form = ContactForm(request.POST or None, user=user, initial={"email": user.email, "phone": user.phone})
    if request.method == "POST" and form.is_valid():
        changed = profile_service.contact_update(
            user=user, email=form.cleaned_data["email"], phone=form.cleaned_data["phone"], request=request
        )
        if "email" in changed:
            messages.info(
                request,
                _(
                    "Un lien de confirmation a été envoyé à %(email)s : la nouvelle adresse servira dès que vous "
                    "l'aurez ouvert (valable 24 heures). D'ici là, votre adresse actuelle reste en service."
                )
                % {"email": form.cleaned_data["email"]},
            )
        elif changed:
            messages.success(request, _("Vos coordonnées sont enregistrées."))
        return redirect("accounts:profile")
    return render(request, "accounts/profile_contact.html", {"form": form})


@login_not_required
@require_http_methods(["GET", "POST"])
def email_confirm(request, token):
    """The link sent to a new address: a GET shows a button (mail scanners open links), the POST applies it."""
    if request.method == "POST":
        try:
            security_mail.email_change_confirm(token=token, request=request)
        except ValidationError as error:
            return render(request, "accounts/email_confirm.html", {"error": error.messages[0]}, status=400)
        messages.success(request, _("Votre nouvelle adresse e-mail est confirmée : elle sert désormais."))
        return redirect("accounts:profile" if request.user.is_authenticated else "accounts:login")
    return render(request, "accounts/email_confirm.html", {})


def notification_preferences(request):
    user = request.user
    spaces = user_spaces(request.memberships)
    roles = {m.role for m in request.memberships}
    # An event declared for some roles (its audience) is offered to them only.
    preferences = [
        (event, enabled)
        for event, enabled in notifications.preferences_for(user, spaces)
        if not getattr(event, "audience", ()) or roles & set(event.audience)
    ]
    form = NotificationPreferencesForm(request.POST or None, preferences=preferences)
    if request.method == "POST" and form.is_valid():
        offered = {event.key for event, _enabled in preferences}
        notifications.set_preferences(user=user, enabled_keys=form.enabled_keys() & offered, spaces=spaces)
        messages.success(request, _("Vos préférences de notification sont enregistrées."))
        return redirect("accounts:profile_notifications")
    return render(request, "accounts/profile_notifications.html", {"form": form})


urlpatterns = [
    path("profil/", profile, name="profile"),
    path("profil/coordonnees/", contact_edit, name="profile_contact"),
    path("profil/notifications/", notification_preferences, name="profile_notifications"),
    path("profil/adresse-e-mail/<str:token>/", email_confirm, name="email_confirm"),
]
