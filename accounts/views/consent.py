"""GDPR consent: the current text of each of the user's spaces, accepted before anything else."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from ..forms.consent import ConsentForm, ConsentPublishForm
from ..services import consent as consent_service


@never_cache
def consent(request):
    user = request.user
    texts = consent_service.consent_pending(user, request.memberships)
    if not texts:
        return redirect("portal:dashboard")
    extras = list({extra.field: extra for _text, extra in consent_service.consent_extras_for(user, texts)}.values())
    shown = ",".join(str(text.pk) for text in texts)
    form = ConsentForm(request.POST or None, extras=extras)
    if request.method == "POST" and request.POST.get("texts") != shown:
        # A new version was published while the user was reading: show it before recording anything.
        messages.info(request, _("Le texte a été mis à jour : lisez la nouvelle version avant d'accepter."))
        form = ConsentForm(extras=extras)
    elif request.method == "POST" and form.is_valid():
        consent_service.consent_accept(user=user, texts=texts, extras=form.ticked_extras(), request=request)
        messages.success(request, _("Merci : votre consentement est enregistré."))
        return redirect("portal:dashboard")
    return render(
        request,
        "accounts/consent.html",
        {"form": form, "texts": texts, "shown": shown, "health_required": bool(extras)},
    )


def consent_withdraw(request):
    """The consents in force, each withdrawable: the space then asks for it again before use."""
    acceptances = consent_service.consents_in_force(request.user)
    if request.method == "POST":
        try:
            wanted = int(request.POST.get("acceptance", ""))
        except ValueError:
            raise Http404 from None
        acceptance = get_object_or_404(acceptances, pk=wanted)
        consent_service.consent_withdraw(user=request.user, acceptance=acceptance, request=request)
        messages.success(
            request,
            _(
                "Votre consentement est retiré. Pour utiliser à nouveau l'espace %(space)s, il vous sera demandé "
                "de l'accepter."
            )
            % {"space": acceptance.text.get_space_display()},
        )
        return redirect("accounts:consent_withdraw")
    return render(request, "accounts/consent_withdraw.html", {"acceptances": acceptances})


def consent_publish(request):
    """A new version of the consent text of a space, by the admins the space names (core.spaces)."""
    spaces = consent_service.publishable_spaces(request.user)
    if not spaces:
        raise PermissionDenied
    form = ConsentPublishForm(request.POST or None, spaces=spaces)
    if request.method == "POST" and form.is_valid():
        text = consent_service.consent_text_publish(
            space=form.cleaned_data["space"], title=form.cleaned_data["title"], body=form.cleaned_data["body"]
        )
        messages.success(
            request,
            _("La version %(version)s est publiée : chaque utilisateur l'acceptera à sa prochaine visite.")
            % {"version": text.version},
        )
        return redirect("accounts:consent_publish")
    current = consent_service.current_texts(spaces).order_by("space")
    return render(request, "accounts/consent_publish.html", {"form": form, "current": current})


urlpatterns = [
    path("consentement/", consent, name="consent"),
    path("consentement/retirer/", consent_withdraw, name="consent_withdraw"),
    path("consentement/publier/", consent_publish, name="consent_publish"),
]
