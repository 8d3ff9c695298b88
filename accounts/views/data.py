"""Mes données: download of the user's own data, erasure requests, and their processing by space admins."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core import spaces as space_registry
from core.confirm import confirmation

from ..enums import Space
from ..forms.gdpr import ErasureDecisionForm, ErasureRequestForm
from ..models import ConsentAcceptance, ErasureRequest
from ..selectors import erasure_requests_for
from ..services import gdpr
from ..services.consent import user_spaces
from ..workflows import ERASURE_REQUEST

PAGE_SIZE = 20


def _erasure_choices(user, spaces):
    """[(space, label)] where the label says whether erasing for that space erases the whole account."""
    choices = []
    for space in spaces:
        label = Space(space).label
        if gdpr.erasure_effect(user, space):
            text = _("%(space)s : efface tout votre compte") % {"space": label}
        else:
            text = _(
                "%(space)s : efface vos données de cet espace ; votre compte reste actif pour vos autres espaces"
            ) % {"space": label}
        choices.append((space, text))
    return choices


def _my_data_page(request, erasure_form=None, status=200):
    user = request.user
    spaces = user_spaces(request.memberships)
    choices = _erasure_choices(user, spaces)
    kept = [(Space(space).label, space_registry.get(space).kept) for space in spaces if space_registry.get(space).kept]
    context = {
        "erasure_form": erasure_form or ErasureRequestForm(choices=choices),
        "kept": kept,
        "has_spaces": bool(spaces),
        "erasure_requests": ErasureRequest.objects.filter(user=user).order_by("-requested_at"),
        "consents": ConsentAcceptance.objects.filter(user=user).select_related("text").order_by("-accepted_at"),
    }
    return render(request, "accounts/data_overview.html", context, status=status)


def my_data(request):
    return _my_data_page(request)


@require_POST
def data_download(request):
    """The user's data (data.json in a ZIP), built in a spooled temporary file and streamed."""
    gdpr.data_export_record(user=request.user, request=request)
    archive = gdpr.user_data_zip(request.user)
    filename = f"mes-donnees-guichet-{timezone.localdate():%Y-%m-%d}.zip"
    return FileResponse(archive, as_attachment=True, filename=filename, content_type="application/zip")


@require_POST
def erasure_request(request):
    form = ErasureRequestForm(request.POST, choices=_erasure_choices(request.user, user_spaces(request.memberships)))
    if form.is_valid():
        try:
            gdpr.erasure_request_create(user=request.user, space=form.cleaned_data["space"], request=request)
        except ValidationError as error:
            form.add_error("space", error)
        else:
            messages.success(
                request,
                _(
                    "Votre demande d'effacement est enregistrée : un administrateur de votre organisation va la "
                    "traiter. Vous recevrez sa décision par e-mail."
                ),
            )
            return redirect("accounts:my_data")
    return _my_data_page(request, erasure_form=form, status=200)


def erasure_list(request):
    """Pending erasure requests of the spaces the user administers."""
    if not request.user.has_perm("accounts.process_erasure"):
        raise PermissionDenied
    page = Paginator(erasure_requests_for(request.user), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "accounts/erasure_list.html", {"page": page})


def _erasure_effect_text(erasure):
    """What accepting will erase (the same words as the decision page)."""
    if erasure.user is None or gdpr.erasure_effect(erasure.user, erasure.space):
        return _(
            "Cette demande efface tout le compte : il est désactivé, son nom, son adresse e-mail, son téléphone "
            "et son identifiant (remplacé par « supprime-<numéro> ») sont effacés avec les données de chaque "
            "espace, et ses sessions sont fermées. L'opération est définitive."
        )
    return _(
        "Cette demande efface les données de cet espace seulement et retire l'accès à cet espace : la personne "
        "utilise d'autres espaces, où son compte reste actif. L'opération est définitive."
    )


def erasure_process(request, pk):
    # Scoped: a request not addressed to an organisation the user administers is a 404, like any foreign id.
    erasure = get_object_or_404(erasure_requests_for(request.user, status=None), pk=pk)
    form = ErasureDecisionForm(request.POST or None)
    if request.method == "POST" and erasure.status == ErasureRequest.Status.PENDING and form.is_valid():
        accept = form.cleaned_data["decision"] == ErasureDecisionForm.DONE
        page = confirmation(
            request,
            ERASURE_REQUEST.step("accept" if accept else "refuse"),
            obj=erasure,
            summary=[(_("Motif"), form.cleaned_data["reason"])],
            message=_erasure_effect_text(erasure) if accept else _("La personne sera informée du refus et du motif."),
            cancel_url=request.path,
        )
        if page:
            return page
        try:
            erasure = gdpr.erasure_request_process(
                erasure=erasure,
                actor=request.user,
                accept=accept,
                reason=form.cleaned_data["reason"],
                request=request,
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            if not accept:
                done = _("La demande d'effacement est refusée. La personne en est informée par e-mail.")
            elif erasure.whole_account:
                done = _("Le compte a été effacé. La personne en est informée par e-mail.")
            else:
                done = _("Les données de l'espace ont été effacées ; le compte reste actif pour ses autres espaces.")
            messages.success(request, done)
            return redirect("accounts:erasure_list")
    whole = erasure.whole_account
    if erasure.status == ErasureRequest.Status.PENDING and erasure.user is not None:
        whole = gdpr.erasure_effect(erasure.user, erasure.space)
    context = {"erasure": erasure, "form": form, "whole_account": whole, "kept": space_registry.get(erasure.space).kept}
    return render(request, "accounts/erasure_process.html", context)


urlpatterns = [
    path("donnees/", my_data, name="my_data"),
    path("donnees/telecharger/", data_download, name="data_download"),
    path("donnees/effacement/", erasure_request, name="erasure_request"),
    path("effacements/", erasure_list, name="erasure_list"),
    path("effacements/<int:pk>/", erasure_process, name="erasure_process"),
]
