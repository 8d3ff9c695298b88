"""Profile: names and language, contact details (behind re-authentication), notification preferences."""

import copy

from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import path
from django.utils import translation
from django.utils.translation import gettext as _

from core import notifications

from ..forms.profile import ContactForm, NotificationPreferencesForm, ProfileForm
from ..services import otp as otp_service
from ..services import profile as profile_service
from ..services.consent import user_spaces
from .auth import set_language_cookie
from .security import reauth_required


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
        if changed:
            messages.success(request, _("Vos coordonnées sont enregistrées."))
        return redirect("accounts:profile")
    return render(request, "accounts/profile_contact.html", {"form": form})


def notification_preferences(request):
    user = request.user
    spaces = user_spaces(request.memberships)
    preferences = notifications.preferences_for(user, spaces)
    form = NotificationPreferencesForm(request.POST or None, preferences=preferences)
    if request.method == "POST" and form.is_valid():
        notifications.set_preferences(user=user, enabled_keys=form.enabled_keys(), spaces=spaces)
        messages.success(request, _("Vos préférences de notification sont enregistrées."))
        return redirect("accounts:profile_notifications")
    return render(request, "accounts/profile_notifications.html", {"form": form})


urlpatterns = [
    path("profil/", profile, name="profile"),
    path("profil/coordonnees/", contact_edit, name="profile_contact"),
    path("profil/notifications/", notification_preferences, name="profile_notifications"),
]
