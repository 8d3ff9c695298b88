"""GDPR consent: the current text of each of the user's spaces, accepted before anything else."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from ..forms.consent import ConsentForm
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


urlpatterns = [
    path("consentement/", consent, name="consent"),
]
