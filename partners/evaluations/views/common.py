"""Shared bits of the exchanges' pages."""

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from .. import services


def deadline_info(evaluation, today=None):
    """(text, colour) of an order's deadline: overdue in words and in red, today in orange."""
    today = today or timezone.localdate()
    late = evaluation.overdue_days(today)
    if late:
        return ngettext("En retard de %(n)d jour", "En retard de %(n)d jours", late) % {"n": late}, "red"
    days = (evaluation.deadline - today).days
    if days == 0:
        return _("À réaliser aujourd'hui"), "orange"
    if days < 0:  # no longer the structure's to do
        return "", "grey"
    if days <= 3:
        return ngettext("Reste %(n)d jour", "Restent %(n)d jours", days) % {"n": days}, "orange"
    return ngettext("Reste %(n)d jour", "Restent %(n)d jours", days) % {"n": days}, "green"


def log_read(request, evaluation, what):
    """Every page showing an evaluation's health data records who read it, for which organisation, when."""
    services.evaluation_read_log(
        evaluation=evaluation, user=request.user, organisation_id=request.membership.organisation_id, what=what
    )


def plan_lines(evaluation):
    from ..enums import Aid

    labels = dict(Aid.choices)
    return [
        {"label": labels.get(line.get("aid"), line.get("aid")), "hours": line.get("hours")} for line in evaluation.plan
    ]


def grid_rows(evaluation):
    from .. import aggir

    return {
        "discriminant": [(label, (evaluation.aggir or {}).get(key, "—")) for key, label, _h in aggir.DISCRIMINANT],
        "illustrative": [
            (label, (evaluation.aggir_illustrative or {}).get(key, "—")) for key, label, _h in aggir.ILLUSTRATIVE
        ],
    }


def gir_label(evaluation):
    from .. import aggir

    return aggir.GIR_LABELS.get(evaluation.gir) if evaluation.gir else ""
