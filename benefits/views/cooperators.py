"""Coopérateurs et ayants droit: the list, a family's page, logins, dependants, family documents."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from core.access import error_messages, form_errors, require
from core.files import private_file_response
from core.history import TransitionNotAllowed
from core.tables import Column, DataTable, badge_html, date_cell, row_url
from core.validators import format_iban

from .. import selectors, services
from ..enums import FamilyDocumentKind
from ..forms import (
    CooperatorFilters,
    CooperatorForm,
    DependantForm,
    FamilyDocumentForm,
    OfficerCooperatorFilters,
    ReviewForm,
)
from .common import current_cooperative, is_officer


def _cooperator_or_404(request, pk):
    return get_object_or_404(selectors.cooperators_for(request.membership), pk=pk)


def _presence_cell(row, value):
    if value.is_present:
        return badge_html(_("Présent"), "green")
    return badge_html(_("Sorti"), "grey")


def cooperator_list(request):
    require(request, "benefits.manage_cooperators")
    officer = is_officer(request)
    columns = [
        Column(
            "family_number",
            gettext_lazy("N° de famille"),
            order_by="family_number",
            link=row_url("benefits:cooperator_detail"),
        ),
        Column(
            "name",
            gettext_lazy("Nom"),
            accessor=lambda c: f"{c.last_name} {c.first_name}",
            order_by="sort_name",
        ),
    ]
    if officer:
        columns.append(Column("cooperative", gettext_lazy("Coopérative"), accessor="cooperative.organisation.name"))
    columns += [
        Column("entry_date", gettext_lazy("Entrée"), order_by="entry_date", render=date_cell),
        Column("exit_date", gettext_lazy("Sortie"), order_by="exit_date", render=date_cell),
        Column("weekly_hours", gettext_lazy("Heures / semaine"), order_by="weekly_hours", numeric=True),
        Column("situation", gettext_lazy("Situation"), accessor=lambda c: c, render=_presence_cell),
        Column("login", gettext_lazy("Identifiant"), accessor=lambda c: c.user.identifier if c.user_id else None),
    ]
    filters = OfficerCooperatorFilters if officer else CooperatorFilters
    unfiltered = not any(request.GET.get(name) for name in filters.base_fields)
    table = DataTable(
        request,
        lambda: selectors.cooperators_for(request.membership),
        columns=columns,
        filter_form_class=filters,
        default_sort="name",
        caption=_("Coopérateurs"),
        empty_message=_("Aucun coopérateur."),
        # Unfiltered, the total is the count the database keeps per cooperative (no count of 20,000 rows).
        count=(lambda: selectors.cooperator_count(request.membership)) if unfiltered else None,
    )
    return render(request, "benefits/cooperator_list.html", {"table": table})


def cooperator_create(request):
    require(request, "benefits.manage_cooperators")
    officer = is_officer(request)
    cooperative = None if officer else current_cooperative(request)
    if not officer and cooperative is None:
        raise Http404
    cooperatives = selectors.cooperatives_for(request.membership) if officer else None
    form = CooperatorForm(request.POST or None, cooperatives=cooperatives)
    if cooperative is not None:
        form.instance.cooperative = cooperative
    if request.method == "POST" and form.is_valid():
        target = form.cleaned_data["cooperative"] if officer else cooperative
        try:
            cooperator = services.cooperator_create(cooperative=target, actor=request.user, **form.service_fields())
        except ValidationError as error:
            form_errors(form, error)
        else:
            messages.success(
                request,
                _("%(name)s est enregistré(e) avec le numéro de famille %(number)s.")
                % {"name": cooperator.get_full_name(), "number": cooperator.family_number},
            )
            return redirect("benefits:cooperator_detail", cooperator.pk)
    return render(request, "benefits/cooperator_form.html", {"form": form, "cooperator": None})


def cooperator_edit(request, pk):
    cooperator = _cooperator_or_404(request, pk)
    require(request, "benefits.manage_cooperators", cooperator)
    form = CooperatorForm(request.POST or None, instance=cooperator)
    if request.method == "POST" and form.is_valid():
        try:
            services.cooperator_update(cooperator=cooperator, actor=request.user, **form.service_fields())
        except ValidationError as error:
            form_errors(form, error)
        else:
            messages.success(request, _("La fiche de %(name)s est enregistrée.") % {"name": cooperator.get_full_name()})
            return redirect("benefits:cooperator_detail", cooperator.pk)
    return render(request, "benefits/cooperator_form.html", {"form": form, "cooperator": cooperator})


def cooperator_detail(request, pk):
    """A family: the cooperator, the dependants, the family documents, the latest requests."""
    cooperator = _cooperator_or_404(request, pk)
    require(request, "benefits.view_family", cooperator)
    return render(request, "benefits/cooperator_detail.html", _family_context(request, cooperator))


def _family_context(request, cooperator, **extra):
    user = request.user
    requests = selectors.requests_for(request.membership).filter(cooperator=cooperator).order_by("-created_at", "-pk")
    return {
        "cooperator": cooperator,
        "dependants": list(cooperator.dependants.all()),
        "documents": list(cooperator.family_documents.select_related("uploaded_by", "decided_by")),
        "requests": list(requests[:20]),
        "iban": format_iban(cooperator.iban),
        "is_present": cooperator.is_present(),
        "can_manage": user.has_perm("benefits.manage_cooperators", cooperator),
        "can_manage_dependants": user.has_perm("benefits.manage_dependants", cooperator),
        "can_add_document": user.has_perm("benefits.add_family_document", cooperator),
        "can_review": user.has_perm("benefits.review_family_document", cooperator),
        "can_request": user.has_perm("benefits.create_request", cooperator) and cooperator.is_present(),
        "document_form": extra.get("document_form") or FamilyDocumentForm(),
        **extra,
    }


def my_family(request):
    """A cooperator's own family page."""
    require(request, "benefits.view_own_family")
    cooperator = selectors.own_cooperator(request.membership)
    if cooperator is None:
        return render(request, "benefits/no_cooperator.html")
    return redirect("benefits:cooperator_detail", cooperator.pk)


@never_cache
def cooperator_login(request, pk):
    """Creates the cooperator's login; the temporary password is shown once when there is no e-mail."""
    cooperator = _cooperator_or_404(request, pk)
    require(request, "benefits.manage_cooperators", cooperator)
    if request.method != "POST":
        return render(request, "benefits/cooperator_login.html", {"cooperator": cooperator, "password": None})
    try:
        account = services.cooperator_login_create(cooperator=cooperator, actor=request.user, request=request)
    except ValidationError as error:
        error_messages(request, error)
        return redirect("benefits:cooperator_detail", cooperator.pk)
    if account.password is None:
        messages.success(
            request,
            _("L'identifiant %(identifier)s est créé ; le mot de passe temporaire a été envoyé à %(email)s.")
            % {"identifier": account.user.identifier, "email": account.user.email},
        )
        return redirect("benefits:cooperator_detail", cooperator.pk)
    return render(
        request,
        "benefits/cooperator_login.html",
        {"cooperator": cooperator, "identifier": account.user.identifier, "password": account.password},
    )


# --- Dependants ----------------------------------------------------------------------------------


def dependant_create(request, pk):
    cooperator = _cooperator_or_404(request, pk)
    require(request, "benefits.manage_dependants", cooperator)
    form = DependantForm(request.POST or None, initial={"last_name": cooperator.last_name})
    form.instance.cooperator = cooperator
    if request.method == "POST" and form.is_valid():
        try:
            dependant = services.dependant_create(
                cooperator=cooperator,
                actor=request.user,
                **{name: form.cleaned_data[name] for name in DependantForm.Meta.fields},
            )
        except ValidationError as error:
            form_errors(form, error)
        else:
            messages.success(request, _("%(name)s est ajouté(e) à la famille.") % {"name": dependant.get_full_name()})
            return redirect("benefits:cooperator_detail", cooperator.pk)
    return render(request, "benefits/dependant_form.html", {"form": form, "cooperator": cooperator, "dependant": None})


def dependant_edit(request, pk):
    dependant = get_object_or_404(selectors.dependants_for(request.membership), pk=pk)
    cooperator = dependant.cooperator
    require(request, "benefits.manage_dependants", cooperator)
    form = DependantForm(request.POST or None, instance=dependant)
    if request.method == "POST" and form.is_valid():
        try:
            services.dependant_update(
                dependant=dependant,
                actor=request.user,
                **{name: form.cleaned_data[name] for name in DependantForm.Meta.fields},
            )
        except ValidationError as error:
            form_errors(form, error)
        else:
            messages.success(
                request, _("Les informations de %(name)s sont enregistrées.") % {"name": dependant.get_full_name()}
            )
            return redirect("benefits:cooperator_detail", cooperator.pk)
    return render(
        request, "benefits/dependant_form.html", {"form": form, "cooperator": cooperator, "dependant": dependant}
    )


# --- Family documents ----------------------------------------------------------------------------


@require_POST
def family_document_add(request, pk):
    cooperator = _cooperator_or_404(request, pk)
    require(request, "benefits.add_family_document", cooperator)
    form = FamilyDocumentForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            services.family_document_add(
                cooperator=cooperator,
                kind=form.cleaned_data["kind"],
                file=form.cleaned_data["file"],
                iban=form.cleaned_data.get("iban", ""),
                actor=request.user,
            )
        except ValidationError as error:
            form_errors(form, error)
        else:
            messages.success(
                request,
                _("Le RIB est déposé ; le nouvel IBAN s'appliquera quand l'Union l'aura validé.")
                if form.cleaned_data["kind"] == FamilyDocumentKind.BANK_DETAILS
                else _("Le document est déposé ; l'Union le validera."),
            )
            return redirect(reverse("benefits:cooperator_detail", args=[cooperator.pk]) + "#documents")
    return render(
        request, "benefits/cooperator_detail.html", _family_context(request, cooperator, document_form=form), status=400
    )


def family_document_download(request, pk):
    document = get_object_or_404(selectors.family_documents_for(request.membership), pk=pk)
    require(request, "benefits.view_family", document.cooperator)
    return private_file_response(request, document.file, label=document.get_kind_display())


def family_document_review(request, pk):
    document = get_object_or_404(selectors.family_documents_for(request.membership), pk=pk)
    require(request, "benefits.review_family_document", document.cooperator)
    form = ReviewForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.family_document_review(
                document_id=document.pk,
                scope=selectors.family_documents_for(request.membership),
                actor=request.user,
                validated=form.cleaned_data["decision"] == "valider",
                reason=form.cleaned_data["reason"],
            )
        except TransitionNotAllowed as error:
            error_messages(request, error)
        except ValidationError as error:
            form_errors(form, error)
        else:
            messages.success(request, _("La décision sur le document est enregistrée."))
            return redirect("benefits:family_documents_pending")
        if not form.errors:
            return redirect("benefits:cooperator_detail", document.cooperator_id)
    context = {
        "form": form,
        "document": document,
        "current_iban": format_iban(document.cooperator.iban),
        "new_iban": format_iban(document.iban),
    }
    return render(request, "benefits/family_document_review.html", context)


def family_documents_pending(request):
    """Officers: family documents waiting for validation, across their cooperatives."""
    require(request, "benefits.manage_cooperatives")
    from ..enums import DocumentStatus

    table = DataTable(
        request,
        selectors.family_documents_for(request.membership)
        .filter(status=DocumentStatus.PENDING)
        .select_related("cooperator__cooperative__organisation"),
        columns=[
            Column(
                "family",
                gettext_lazy("Famille"),
                accessor=lambda d: f"{d.cooperator.family_number} · {d.cooperator.get_full_name()}",
                link=lambda d: reverse("benefits:cooperator_detail", args=[d.cooperator_id]),
            ),
            Column("cooperative", gettext_lazy("Coopérative"), accessor="cooperator.cooperative.organisation.name"),
            Column("kind", gettext_lazy("Document"), accessor="get_kind_display", order_by="kind"),
            Column(
                "uploaded_at",
                gettext_lazy("Déposé le"),
                order_by="uploaded_at",
                cell_template="benefits/cells/datetime.html",
            ),
            Column(
                "action", gettext_lazy("Action"), accessor=lambda d: d, cell_template="benefits/cells/review_link.html"
            ),
        ],
        default_sort="uploaded_at",
        caption=_("Documents de famille à valider"),
        empty_message=_("Aucun document n'attend de validation."),
    )
    return render(request, "benefits/family_documents_pending.html", {"table": table})
