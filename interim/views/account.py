"""Votre compte: Fiche perso (changes wait for the agency, shown in orange), Diplômes, Paramètres."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core import notifications as core_notifications
from core.access import form_errors, run_action
from core.files import private_file_response

from .. import selectors, services
from ..enums import ChangeGroup
from ..forms import GROUP_FORMS, DiplomaForm
from ..notifications import DESCRIPTIONS, SWITCHES
from ..workflows import DIPLOMA, PROFILE_CHANGE
from .common import worker_page

GROUP_SLUGS = {
    "identite": ChangeGroup.IDENTITY,
    "securite-sociale": ChangeGroup.NIR,
    "email": ChangeGroup.CONTACT,
    "mobilite": ChangeGroup.MOBILITY,
    "adresse": ChangeGroup.ADDRESS,
    "banque": ChangeGroup.BANK,
    "situation": ChangeGroup.FAMILY,
    "carte-vitale": ChangeGroup.SS_CARD,
}
SLUG_OF = {group: slug for slug, group in GROUP_SLUGS.items()}


def _display(group, values, worker):
    """The values of a group as words (choice labels, masked IBAN)."""
    from accounts.models import User

    from ..enums import FamilySituation, WorkPeriod

    if group == ChangeGroup.IDENTITY:
        civility = dict(User.Civility.choices).get(values.get("civility"), "")
        name = " ".join(str(v) for v in (civility, values.get("first_name"), values.get("last_name")) if v)
        birth = values.get("birth_name")
        return name + (" (" + _("née ou né %(name)s") % {"name": birth} + ")" if birth else "")
    if group == ChangeGroup.MOBILITY:
        km = values.get("mobility_km")
        period = dict(WorkPeriod.choices).get(values.get("work_period") or "", "")
        return ", ".join(p for p in ((f"{km} km" if km not in (None, "") else ""), str(period)) if p)
    if group == ChangeGroup.ADDRESS:
        return ", ".join(
            p for p in (values.get("street"), f"{values.get('postcode', '')} {values.get('town', '')}".strip()) if p
        )
    if group == ChangeGroup.BANK:
        iban = values.get("iban") or ""
        masked = f"{iban[:4]} •••• {iban[-4:]}" if iban else ""
        return ", ".join(p for p in (masked, values.get("bank_holder")) if p)
    if group == ChangeGroup.FAMILY:
        situation = dict(FamilySituation.choices).get(values.get("family_situation") or "", "")
        children = values.get("children")
        return ", ".join(
            p
            for p in (str(situation), _("%(n)s enfant(s)") % {"n": children} if children not in (None, "") else "")
            if p
        )
    if group == ChangeGroup.SS_CARD:
        return _("Nouveau scan déposé")
    return " ".join(str(v) for v in values.values() if v not in (None, ""))


@worker_page
def profile(request, worker):
    """Fiche perso: each group's current value and, in orange, the value waiting for the agency."""
    pending = {c.group: c for c in selectors.pending_changes_for(request.membership)}
    rows = []
    for group in ChangeGroup:
        change = pending.get(group)
        current = services.current_values(worker, group)
        rows.append(
            {
                "group": group,
                "label": group.label,
                "slug": SLUG_OF[group],
                "current": _("Scan déposé")
                if group == ChangeGroup.SS_CARD and worker.ss_card
                else ("" if group == ChangeGroup.SS_CARD else _display(group, current, worker)),
                "pending": _display(group, change.proposed, worker) if change else "",
                "change": change,
            }
        )
    agencies = [m.organisation for m in request.memberships if m.role == request.membership.role]
    return render(request, "interim/profile.html", {"worker": worker, "rows": rows, "agencies": agencies})


@worker_page
def profile_edit(request, worker, slug):
    group = GROUP_SLUGS.get(slug)
    if group is None:
        raise Http404
    form_class = GROUP_FORMS[group]
    kwargs = {"user": request.user} if group == ChangeGroup.BANK else {}
    initial = services.current_values(worker, group)
    if group == ChangeGroup.BANK:
        initial = {"bank_holder": initial["bank_holder"]}
    form = form_class(request.POST or None, request.FILES or None, initial=initial, **kwargs)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        data.pop("password", None)
        upload = data.pop("file", None)
        try:
            services.profile_change_request(worker=worker, group=group, values=data, file=upload, actor=request.user)
        except ValidationError as error:
            form_errors(form, error)
        else:
            messages.success(request, _("Votre modification est enregistrée : elle attend la validation de l’agence."))
            return redirect("interim:profile")
    return render(request, "interim/profile_edit.html", {"form": form, "group": group, "worker": worker})


@require_POST
@worker_page
def change_cancel(request, worker, pk):
    scope = selectors.changes_for(request.membership)
    change = get_object_or_404(scope, pk=pk)
    return run_action(
        request,
        lambda: PROFILE_CHANGE.run("cancel", change, actor=request.user, scope=scope),
        success=_("Votre modification est annulée."),
        redirect_to="interim:profile",
    )


@worker_page
def ss_card(request, worker):
    if not worker.ss_card:
        raise Http404
    return private_file_response(request, worker.ss_card, label="carte-securite-sociale", as_attachment=False)


@worker_page
def diplomas(request, worker):
    rows = [(d, DIPLOMA.badge(d)) for d in selectors.diplomas_for(request.membership)]
    qualifications = worker.qualifications.select_related("qualification")
    return render(request, "interim/diplomas.html", {"rows": rows, "qualifications": qualifications})


@worker_page
def diploma_create(request, worker):
    form = DiplomaForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.diploma_add(worker=worker, actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            form_errors(form, error)
        else:
            messages.success(request, _("Votre diplôme est ajouté : il attend la validation de l’agence."))
            return redirect("interim:diplomas")
    return render(request, "interim/diploma_form.html", {"form": form})


@worker_page
def diploma_file(request, worker, pk):
    diploma = get_object_or_404(selectors.diplomas_for(request.membership), pk=pk)
    return private_file_response(request, diploma.file, label=f"diplome-{diploma.pk}", as_attachment=False)


@worker_page
def settings_page(request, worker):
    """Paramètres: the eight e-mail switches of the manual, and the way to change the password."""
    keys = [key for key, _label, _desc in SWITCHES]
    enabled = {event.key: on for event, on in core_notifications.preferences_for(request.user, ["interim"])}
    if request.method == "POST":
        chosen = set(request.POST.getlist("events")) & set(keys)
        services.notification_switches_set(user=request.user, enabled_keys=chosen, keys=keys)
        messages.success(request, _("Vos préférences de notification sont enregistrées."))
        return redirect("interim:settings")
    switches = [
        {"key": key, "label": label, "description": DESCRIPTIONS[key], "enabled": enabled.get(key, True)}
        for key, label, _desc in SWITCHES
    ]
    return render(request, "interim/settings.html", {"switches": switches})
