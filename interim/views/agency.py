"""The agency's minimal pages the worker's journeys need (the full back office is issue 12):
what waits for validation, a profile change (field by field), a diploma (with qualifications)."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from core.access import form_errors, require
from core.files import private_file_response
from core.params import parse_ids

from .. import selectors, services
from ..enums import DiplomaState, DocumentRequestState
from ..forms import ReasonForm
from ..models import Qualification
from .account import _display


def validations(request):
    require(request, "interim.validate_worker")
    membership = request.membership
    return render(
        request,
        "interim/agency/validations.html",
        {
            "changes": selectors.pending_changes_for(membership).order_by("created_at"),
            "diplomas": selectors.diplomas_for(membership).filter(state=DiplomaState.PENDING).order_by("created_at"),
            "requests": selectors.document_requests_for(membership)
            .filter(state=DocumentRequestState.PENDING)
            .order_by("created_at"),
        },
    )


def change_decide(request, pk):
    require(request, "interim.validate_worker")
    scope = selectors.changes_for(request.membership)
    change = get_object_or_404(scope, pk=pk)
    require(request, "interim.validate_worker", change)
    form = ReasonForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        accept = request.POST.get("decision") == "accept"
        try:
            if accept:
                services.profile_change_accept(change_id=change.pk, actor=request.user, scope=scope)
            else:
                services.profile_change_refuse(
                    change_id=change.pk, actor=request.user, scope=scope, reason=form.cleaned_data["reason"]
                )
        except ValidationError as error:
            form_errors(form, error)
        else:
            messages.success(request, _("Modification validée.") if accept else _("Modification refusée."))
            return redirect("interim:agency_validations")
    current = services.current_values(change.worker, change.group)
    context = {
        "change": change,
        "form": form,
        "current": _display(change.group, current, change.worker),
        "proposed": _display(change.group, change.proposed, change.worker),
        "fields": [
            {"name": name, "current": current.get(name), "proposed": change.proposed.get(name)} for name in current
        ],
    }
    return render(request, "interim/agency/change.html", context)


def diploma_decide(request, pk):
    require(request, "interim.validate_worker")
    scope = selectors.diplomas_for(request.membership)
    diploma = get_object_or_404(scope, pk=pk)
    qualifications = Qualification.objects.filter(agency_id=request.membership.organisation_id)
    form = ReasonForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        accept = request.POST.get("decision") == "accept"
        chosen = list(qualifications.filter(pk__in=parse_ids(request.POST.getlist("qualifications"))))
        try:
            if accept:
                services.diploma_validate(diploma_id=diploma.pk, actor=request.user, scope=scope, qualifications=chosen)
            else:
                services.diploma_refuse(
                    diploma_id=diploma.pk, actor=request.user, scope=scope, reason=form.cleaned_data["reason"]
                )
        except ValidationError as error:
            form_errors(form, error)
        else:
            messages.success(request, _("Diplôme validé.") if accept else _("Diplôme refusé."))
            return redirect("interim:agency_validations")
    return render(
        request, "interim/agency/diploma.html", {"diploma": diploma, "form": form, "qualifications": qualifications}
    )


def diploma_file(request, pk):
    require(request, "interim.validate_worker")
    diploma = get_object_or_404(selectors.diplomas_for(request.membership), pk=pk)
    return private_file_response(request, diploma.file, label=f"diplome-{diploma.pk}", as_attachment=False)
