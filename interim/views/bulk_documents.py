"""Documents in bulk: upload (a ZIP or several PDFs), the report of matched and unmatched files while
the background analysis runs (the page polls its progress), publication, withdrawal."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from core.access import form_errors, require, run_action
from core.tables import Column, DataTable, state_cell

from .. import batches, selectors
from ..enums import BatchItemState, BatchState
from ..mission_forms import BatchForm
from ..workflows import BATCH_ITEM, DOCUMENT_BATCH

PERM = "interim.publish_documents"
WORKING = (BatchState.ANALYSING, BatchState.PUBLISHING)


def _none(row):
    return None


def batch_list(request):
    require(request, PERM)
    agency = selectors.agency_for(request.membership)
    form = BatchForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            batch = batches.batch_create(
                agency=agency, kind=form.cleaned_data["kind"], files=form.cleaned_data["files"], actor=request.user
            )
        except ValidationError as error:
            form_errors(form, error)
        else:
            messages.success(
                request,
                _("Fichiers reçus : voici le rapport de leur analyse (rien n'est publié avant votre confirmation)."),
            )
            return redirect("interim:agency_batch", batch.pk)
    table = DataTable(
        request,
        selectors.document_batches_for(request.membership),
        columns=[
            Column(
                "created_at",
                gettext_lazy("Déposé le"),
                order_by="created_at",
                cell_template="interim/cells/batch_link.html",
            ),
            Column("kind", gettext_lazy("Type"), order_by="kind"),
            Column("total", gettext_lazy("Fichiers"), order_by="total", numeric=True),
            Column("published", gettext_lazy("Publiés"), order_by="published", numeric=True),
            Column("state", gettext_lazy("État"), order_by="state", render=state_cell),
        ],
        default_sort="-created_at",
        caption=_("Dépôts de documents"),
        empty_message=_("Aucun dépôt."),
    )
    return render(request, "interim/agency/batches.html", {"form": form, "table": table})


def _batch(request, pk):
    require(request, PERM)
    batch = get_object_or_404(selectors.document_batches_for(request.membership), pk=pk)
    require(request, PERM, batch)
    return batch


def batch_detail(request, pk):
    batch = _batch(request, pk)
    items = selectors.batch_items_for(request.membership).filter(batch=batch)
    shown = request.GET.get("etat", "")
    if shown in BatchItemState.values:
        items = items.filter(state=shown)
    table = DataTable(
        request,
        items,
        columns=[
            Column("position", gettext_lazy("N°"), order_by="position", numeric=True),
            Column("filename", gettext_lazy("Fichier"), order_by="filename"),
            Column("state", gettext_lazy("Résultat"), order_by="state", cell_template="interim/cells/batch_item.html"),
            Column("worker", gettext_lazy("Intérimaire"), accessor="worker"),
            Column("period", gettext_lazy("Période"), order_by="period"),
            Column("action", gettext_lazy("Action"), accessor=_none, cell_template="interim/cells/batch_action.html"),
        ],
        default_sort="position",
        page_sizes=(50, 100, 200),
        default_page_size=50,
        caption=_("Fichiers du dépôt"),
        empty_message=_("Aucun fichier."),
    )
    found = dict(_counts(batch))
    counts = [
        {"state": state, "label": BATCH_ITEM.label(state), "colour": BATCH_ITEM.colour(state), "count": found[state]}
        for state in BatchItemState.values
        if found.get(state)
    ]
    context = {
        "batch": batch,
        "table": table,
        "counts": counts,
        "shown": shown,
        "working": batch.state in WORKING,
        "steps": DOCUMENT_BATCH.allowed(batch, request.user),
        "progress_url": reverse("interim:agency_batch_progress", args=[batch.pk]),
    }
    return render(request, "interim/agency/batch.html", context)


def _counts(batch):
    from django.db.models import Count

    return batch.items.values_list("state").annotate(n=Count("pk")).order_by()


def batch_progress(request, pk):
    """What the report page polls while the batch is worked on (JSON, no write)."""
    batch = _batch(request, pk)
    return JsonResponse(
        {
            "state": batch.state,
            "label": str(batch.get_state_display()),
            "processed": batch.processed,
            "total": batch.total,
            "percent": batch.percent,
            "working": batch.state in WORKING,
        }
    )


@require_POST
def batch_act(request, pk, step):
    batch = _batch(request, pk)
    scope = selectors.document_batches_for(request.membership)
    if step == "publish":
        call = lambda: batches.batch_publish_request(batch_id=batch.pk, scope=scope, actor=request.user)  # noqa: E731
        success = _("Publication en cours : chaque intérimaire sera prévenu selon ses préférences.")
        message = _("Les documents reconnus seront publiés dans l'espace de chaque intérimaire, qui en sera prévenu.")
    elif step == "cancel":
        call = lambda: DOCUMENT_BATCH.run("cancel", batch.pk, actor=request.user, scope=scope)  # noqa: E731
        success = _("Dépôt abandonné : rien n'a été publié.")
        message = _("Le dépôt sera abandonné : aucun de ses documents ne sera publié.")
    else:
        raise Http404
    url = reverse("interim:agency_batch", args=[batch.pk])
    confirm = {"step": DOCUMENT_BATCH.step(step), "obj": batch, "message": message, "cancel_url": url}
    return run_action(request, call, success=success, redirect_to=url, confirm=confirm)


@require_POST
def item_act(request, pk, step):
    require(request, PERM)
    scope = selectors.batch_items_for(request.membership)
    item = get_object_or_404(scope, pk=pk)
    require(request, PERM, item)
    url = reverse("interim:agency_batch", args=[item.batch_id])
    confirm = None
    if step == "withdraw":
        call = lambda: batches.item_withdraw(item_id=item.pk, scope=scope, actor=request.user)  # noqa: E731
        success = _("Document %(name)s retiré de l'espace de l'intérimaire.") % {"name": item.filename}
        message = _("Le document %(name)s sera retiré de l'espace de l'intérimaire.") % {"name": item.filename}
        confirm = {"step": BATCH_ITEM.step("withdraw"), "obj": item, "message": message, "cancel_url": url}
    elif step in ("exclude", "include") and item.batch.state == BatchState.READY:
        call = lambda: BATCH_ITEM.run(step, item.pk, actor=request.user, scope=scope)  # noqa: E731
        success = _("Fichier %(name)s écarté.") if step == "exclude" else _("Fichier %(name)s repris.")
        success = success % {"name": item.filename}
    elif step in ("exclude", "include"):
        messages.error(request, _("Ce dépôt n'est plus modifiable."))
        return redirect("interim:agency_batch", item.batch_id)
    else:
        raise Http404
    return run_action(request, call, success=success, redirect_to=url, confirm=confirm)
