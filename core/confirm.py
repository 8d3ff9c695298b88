"""Confirmation of irreversible actions: a page rendered by the server, the dialog is the enhancement.

A workflow step declared with `confirm=True` (core.workflows.Step) runs only on a POST that carries
`confirmed=1`. With JavaScript, the form's <dialog> (components/confirm_dialog.html, opened by
static/js/guichet.js) adds that field when the person says yes. Without JavaScript (or when the
dialog could not open), the first POST gets this confirmation page instead: it says what will
happen and re-posts the same fields with `confirmed=1`; "Annuler" goes back without acting.

    def request_pay(request, pk):
        obj = ...
        form = PayForm(request.POST)
        if form.is_valid():
            page = confirmation(request, REQUEST.step("pay"), message=..., cancel_url=obj.get_absolute_url())
            if page:
                return page
            ... run the step ...

Validate the form first: the page is shown for a decision that can be carried out, and errors are
answered on the form as usual. A GET is always answered with the page (a link may lead to it).
Uploaded files cannot be re-posted: a step that needs confirmation takes no file.
"""

from django.shortcuts import render
from django.utils.translation import gettext as _

CONFIRMED = "confirmed"
_NOT_REPOSTED = {"csrfmiddlewaretoken", CONFIRMED}


def is_confirmed(request) -> bool:
    return request.method == "POST" and request.POST.get(CONFIRMED) == "1"


def confirmation(
    request, step=None, *, message, cancel_url, obj=None, title=None, confirm_label=None, danger=None, summary=()
):
    """None when the action may run now (confirmed, or a step declared without `confirm`); otherwise
    the confirmation page. `step` is a core.workflows.Step (None: an action outside a workflow that
    is always confirmed, e.g. deleting a user). `summary`: (label, value) pairs shown before deciding
    (the reason typed, which the other party will read). With `obj`, a step its state no longer allows (a stale
    page, a lost race) is not confirmed: it runs at once and gets the workflow's usual refusal."""
    if step is not None and not step.confirm:
        return None
    if is_confirmed(request):
        return None
    if obj is not None and step is not None and _state_of(obj) not in step.sources:
        return None
    label = confirm_label or (step.button_label if step is not None else _("Confirmer"))
    fields = [
        (name, value)
        for name, values in (request.POST.lists() if request.method == "POST" else [])
        if name not in _NOT_REPOSTED
        for value in values
    ]
    context = {
        "title": title or _("%(action)s ?") % {"action": label},
        "message": message,
        "confirm_label": label,
        "danger": danger if danger is not None else bool(step is not None and step.style == "danger"),
        "fields": fields,
        "summary": [(label, value) for label, value in summary if value],
        "action": request.get_full_path(),
        "cancel_url": cancel_url,
    }
    return render(request, "components/confirm_page.html", context)


def _state_of(obj):
    from .workflows import workflow_for

    workflow = workflow_for(obj)
    return workflow.state_of(obj) if workflow is not None else None
