"""Offline work, as a progressive enhancement.

"Gestion du mode déconnecté" lists the evaluations the user may prepare; the small script
(static/partners/evaluations-offline.js, no inline code) keeps their pages in the browser's cache
(the service worker answers them without network) and, offline, keeps what is typed on the device
(IndexedDB) instead of posting it. "Synchronisation" sends each device draft with an idempotency key
and the version it was based on (sync_submit, JSON); the server records every submission, applies it
when nothing changed meanwhile, and otherwise keeps it as a conflict listed here for the evaluator
to settle (keep the device's version or the portal's). Without the script, the pages work online.
"""

import json
import uuid

from django.contrib.staticfiles import finders
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.access import require, run_action

from .. import selectors, services
from ..forms import EvaluationForm
from ..models import SyncSubmission

HANDLE = "partners.handle_evaluation"
MAX_BODY = 200_000


def manage(request):
    """Gestion du mode déconnecté: the evaluations to prepare on this device (the user's first)."""
    require(request, HANDLE)
    evaluations = list(selectors.in_progress_for(request.membership).order_by("deadline", "pk")[:100])
    evaluations.sort(key=lambda e: (e.evaluator_id != request.user.pk, e.deadline, e.pk))
    return render(request, "partners/evaluations/offline.html", {"evaluations": evaluations})


def synchronisation(request):
    """Synchronisation: the device's drafts (listed by the script) and the conflicts to settle."""
    require(request, HANDLE)
    conflicts = list(selectors.open_conflicts_for(request.membership)[:100])
    from ..enums import EDITABLE_STATES

    return render(
        request, "partners/evaluations/sync.html", {"conflicts": conflicts, "editable_states": list(EDITABLE_STATES)}
    )


def _clean(payload):
    """The device's draft as content, or None when a value is refused (the submission is kept as sent)."""
    data = {str(k): str(v) for k, v in payload.items() if isinstance(v, str | int | float)}
    form = EvaluationForm(data=data)
    return form.content() if form.is_valid() else None


@require_POST
def sync_submit(request):
    """JSON: {"key": uuid, "evaluation": id, "base_version": n, "data": {field: value}} -> the outcome."""
    require(request, HANDLE)
    if len(request.body) > MAX_BODY:
        return JsonResponse({"error": _("Brouillon trop volumineux.")}, status=413)
    try:
        body = json.loads(request.body)
        key = uuid.UUID(str(body["key"]))
        evaluation_id = int(body["evaluation"])
        base_version = int(body["base_version"])
        payload = body.get("data") or {}
        if not isinstance(payload, dict):
            raise ValueError
    except (ValueError, KeyError, TypeError):
        return JsonResponse({"error": _("Envoi illisible.")}, status=400)
    scope = selectors.structure_evaluations_for(request.membership)
    existing = SyncSubmission.objects.filter(key=key).first()
    if existing is not None and existing.evaluation_id != evaluation_id:
        return JsonResponse({"error": _("Clé déjà utilisée.")}, status=409)
    evaluation = get_object_or_404(scope, pk=evaluation_id)
    require(request, HANDLE, evaluation)
    submission = services.sync_submit(
        key=key,
        evaluation_id=evaluation.pk,
        base_version=base_version,
        data=_clean(payload),
        payload=payload,
        actor=request.user,
        scope=scope,
    )
    evaluation.refresh_from_db(fields=["version"])
    return JsonResponse(
        {
            "outcome": submission.outcome,
            "label": submission.get_outcome_display(),
            "detail": submission.detail,
            "version": evaluation.version,
            "file_number": evaluation.file_number,
        }
    )


@require_POST
def settle(request, pk):
    """Keeps the device's version ("device") or the portal's ("server") of a conflicting draft."""
    submissions = SyncSubmission.objects.filter(
        evaluation__in=selectors.structure_evaluations_for(request.membership).values("pk")
    ).select_related("evaluation__partner")
    submission = get_object_or_404(submissions, pk=pk)
    require(request, HANDLE, submission.evaluation)
    choice = request.POST.get("choice", "")
    scope = selectors.structure_evaluations_for(request.membership)

    def run():
        return services.conflict_settle(
            submission_id=submission.pk,
            choice=choice,
            data=_clean(submission.payload),
            actor=request.user,
            scope=scope,
            submissions=submissions,
        )

    return run_action(
        request,
        run,
        success=_("Conflit réglé : la version de l'appareil est enregistrée.")
        if choice == "device"
        else _("Conflit réglé : la version du portail est gardée."),
        redirect_to=reverse("partners:eval_sync"),
        refusal=ValidationError,
    )


def service_worker(request):
    """The service worker, served from /partenaires/evaluations/ so that its scope covers the evaluations."""
    require(request, HANDLE)
    path = finders.find("partners/evaluations-sw.js")
    if path is None:
        raise Http404
    with open(path, encoding="utf-8") as handle:
        response = HttpResponse(handle.read(), content_type="text/javascript; charset=utf-8")
    response["Cache-Control"] = "no-cache"
    return response
