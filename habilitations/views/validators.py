"""Validators (correspondents, their delegates, app managers, central admins): the queue of access
requests with the days left before tacit acceptance, grant / refuse with a reason, the rights they
manage and their revocation, the export "who holds application X", the organisme's collaborators and
the delegation while away."""

from datetime import datetime, time, timedelta

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from accounts.models import Membership
from core.access import error_messages, form_errors, require, run_action
from core.confirm import confirmation
from core.exports import ExportColumn, csv_response, xlsx_response
from core.history import timeline_for
from core.tables import Column, DataTable, FilterForm

from .. import selectors, services
from ..enums import RightState
from ..forms import DelegationForm, QueueFilters, ReasonForm, RevokeForm
from ..models import Application, Organisme
from ..workflows import RIGHT


class QueueFilterForm(QueueFilters, FilterForm):
    def filter_queryset(self, queryset):
        values = self.active_values()
        if values.get("application"):
            queryset = queryset.filter(application=values["application"])
        if values.get("organisme"):
            text = values["organisme"]
            queryset = queryset.filter(Q(organisme__name__icontains=text) | Q(organisme__code__startswith=text))
        if values.get("age"):
            # Made at least N calendar days ago (the days of the queue's "days left": a kept page is right
            # for the whole day, core/fragments.py): before the start of the day N - 1 days ago.
            day = timezone.localdate() - timedelta(days=int(values["age"]) - 1)
            queryset = queryset.filter(created_at__lt=timezone.make_aware(datetime.combine(day, time.min)))
        return queryset


def _days_left(access_request):
    """Calendar days before the day of the tacit acceptance (the same all day long)."""
    days = access_request.days_left()
    if days <= 1:
        return _("Acceptée tacitement demain") if days else _("Acceptation tacite imminente")
    return _("%(days)d jours") % {"days": days}


def queue(request):
    require(request, "habilitations.decide_access_request")
    table = DataTable(
        request,
        lambda: selectors.queue_for(request.membership),
        columns=[
            Column(
                "application",
                gettext_lazy("Application"),
                accessor="application.name",
                order_by="application__name",
                link=lambda r: r.get_absolute_url(),
            ),
            Column(
                "user", gettext_lazy("Demandeur"), accessor="user.get_full_name", order_by=("user__last_name", "pk")
            ),
            Column("organisme", gettext_lazy("Organisme"), accessor="organisme.name", order_by="organisme__name"),
            Column(
                "created_at",
                gettext_lazy("Demandée le"),
                order_by="created_at",
                accessor="created_at",
                date_only=True,
            ),
            Column("days_left", gettext_lazy("Avant acceptation tacite"), accessor=_days_left),
        ],
        filter_form_class=QueueFilterForm,
        default_sort="created_at",
        caption=gettext_lazy("Demandes d’habilitation en attente"),
        empty_message=gettext_lazy("Aucune demande en attente."),
    )
    return render(request, "habilitations/queue.html", {"table": table})


def access_request_detail(request, pk):
    scope = selectors.access_requests_for(request.membership)
    access_request = get_object_or_404(scope, pk=pk)
    form = ReasonForm()
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action == "grant":
                services.access_request_grant(access_request_id=pk, actor=request.user, scope=scope)
                messages.success(
                    request,
                    _("L’accès de %(user)s à « %(app)s » est accordé.")
                    % {"user": access_request.user.get_full_name(), "app": access_request.application.name},
                )
                return redirect("habilitations:queue")
            if action == "refuse":
                form = ReasonForm(request.POST)
                if form.is_valid():
                    services.access_request_refuse(
                        access_request_id=pk, actor=request.user, scope=scope, reason=form.cleaned_data["reason"]
                    )
                    messages.success(request, _("La demande est refusée ; le demandeur en est informé."))
                    return redirect("habilitations:queue")
        except ValidationError as error:
            error_messages(request, error)
            access_request.refresh_from_db()
    return render(
        request,
        "habilitations/access_request_detail.html",
        {
            "access_request": access_request,
            "form": form,
            "timeline": timeline_for(access_request),
            "can_decide": request.user.has_perm("habilitations.decide_access_request", access_request)
            and access_request.state == "pending",
        },
    )


class RightFilterForm(FilterForm):
    application = forms.ModelChoiceField(
        label=gettext_lazy("Application"),
        queryset=Application.objects.active(),
        required=False,
        empty_label=gettext_lazy("Toutes"),
    )
    q = forms.CharField(label=gettext_lazy("Nom ou e-mail"), required=False, max_length=100)

    def filter_queryset(self, queryset):
        values = self.active_values()
        if values.get("application"):
            queryset = queryset.filter(application=values["application"])
        if values.get("q"):
            text = values["q"]
            queryset = queryset.filter(
                Q(user__last_name__icontains=text)
                | Q(user__first_name__icontains=text)
                | Q(user__email__icontains=text)
            )
        return queryset


def rights(request):
    """The rights the validator manages (today's), with the export of one application's holders."""
    require(request, "habilitations.revoke_right")
    table = DataTable(
        request,
        selectors.rights_for(request.membership).filter(state=RightState.ACTIVE),
        columns=[
            Column(
                "user",
                gettext_lazy("Titulaire"),
                accessor="user.get_full_name",
                order_by=("user__last_name", "user__first_name"),
                link=lambda r: r.get_absolute_url(),
            ),
            Column(
                "application", gettext_lazy("Application"), accessor="application.name", order_by="application__name"
            ),
            Column("organisme", gettext_lazy("Organisme"), accessor="organisme.name", order_by="organisme__name"),
            Column(
                "granted_at",
                gettext_lazy("Depuis le"),
                order_by="granted_at",
                accessor="granted_at",
                date_only=True,
            ),
            Column(
                "granted_by",
                gettext_lazy("Accordée par"),
                accessor=lambda r: r.granted_by.get_full_name() if r.granted_by else _("tacitement"),
            ),
        ],
        filter_form_class=RightFilterForm,
        default_sort="user",
        caption=gettext_lazy("Habilitations en cours"),
        empty_message=gettext_lazy("Aucune habilitation."),
    )
    return render(request, "habilitations/rights.html", {"table": table, "applications": Application.objects.active()})


def right_detail(request, pk):
    scope = selectors.rights_for(request.membership)
    right = get_object_or_404(scope, pk=pk)
    form = RevokeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        page = confirmation(
            request,
            RIGHT.step("revoke"),
            obj=right,
            message=_("%(user)s n’aura plus accès à « %(app)s » et en sera prévenu.")
            % {"user": right.user.get_full_name(), "app": right.application.name},
            summary=[(_("Motif"), form.cleaned_data["reason"])],
            cancel_url=reverse("habilitations:right_detail", args=[right.pk]),
        )
        if page is not None:
            return page
        try:
            services.right_revoke(right_id=pk, actor=request.user, scope=scope, reason=form.cleaned_data["reason"])
        except ValidationError as error:
            form_errors(form, error)
            right.refresh_from_db()
        else:
            messages.success(
                request,
                _("L’habilitation de %(user)s à « %(app)s » est retirée.")
                % {"user": right.user.get_full_name(), "app": right.application.name},
            )
            return redirect("habilitations:rights")
    return render(
        request,
        "habilitations/right_detail.html",
        {
            "right": right,
            "form": form,
            "timeline": timeline_for(right),
            "can_revoke": right.state == RightState.ACTIVE
            and request.user.has_perm("habilitations.revoke_right", right),
        },
    )


HOLDERS_COLUMNS = [
    ExportColumn("user.last_name", gettext_lazy("Nom"), width=22),
    ExportColumn("user.first_name", gettext_lazy("Prénom"), width=18),
    ExportColumn("user.email", gettext_lazy("E-mail"), width=32),
    ExportColumn("organisme.name", gettext_lazy("Organisme"), width=28),
    ExportColumn("organisme.code", gettext_lazy("Code organisme"), width=12),
    ExportColumn("granted_at", gettext_lazy("Depuis le"), value=lambda r: timezone.localtime(r.granted_at).date()),
    ExportColumn(
        "granted_by",
        gettext_lazy("Accordée par"),
        width=24,
        value=lambda r: r.granted_by.get_full_name() if r.granted_by else _("tacitement"),
    ),
]


def holders_export(request):
    """Who holds ?application=<code>: Excel (?format=xlsx) or CSV (semicolons, UTF-8 with BOM), streamed,
    cells neutralised (core.exports)."""
    require(request, "habilitations.revoke_right")
    application = get_object_or_404(Application.objects.all(), slug=request.GET.get("application", ""))
    rows = selectors.holders_of(request.membership, application).iterator(chunk_size=2000)
    name = f"habilitations-{application.slug}-{timezone.localdate():%Y-%m-%d}"
    if request.GET.get("format") == "xlsx":
        return xlsx_response(rows, HOLDERS_COLUMNS, sheet=application.name, filename=f"{name}.xlsx")
    return csv_response(rows, HOLDERS_COLUMNS, filename=f"{name}.csv")


def collaborators(request):
    """Gérer vos collaborateurs: the organisme's members and their rights; the Aide aux aidants code."""
    require(request, "habilitations.view_collaborators")
    memberships = list(selectors.collaborators_for(request.membership)[:500])
    rights_by_user = {}
    for right in selectors.rights_for(request.membership).filter(
        state=RightState.ACTIVE, organisme_id=request.membership.organisation_id
    ):
        rights_by_user.setdefault(right.user_id, []).append(right)
    rows = [(m, rights_by_user.get(m.user_id, [])) for m in memberships]
    organisme = Organisme.objects.filter(organisation_id=request.membership.organisation_id).first()
    caregiver_code = organisme.caregiver_code if organisme else f"{request.organisation.code}RH"
    from accounts.models import User

    caregiver_account = User.objects.filter(identifier__iexact=caregiver_code).exists() if caregiver_code else False
    return render(
        request,
        "habilitations/collaborators.html",
        {"rows": rows, "caregiver_code": caregiver_code, "caregiver_account": caregiver_account},
    )


def delegations(request):
    """Leave a delegate (another member of the organisme) for a period while away."""
    require(request, "habilitations.manage_delegation")
    members = (
        Membership.objects.active()
        .filter(organisation_id=request.membership.organisation_id)
        .exclude(user=request.user)
        .select_related("user")
    )
    from accounts.models import User

    users = User.objects.filter(pk__in=members.values("user_id")).order_by("last_name", "first_name")
    form = DelegationForm(request.POST or None, members=users)
    if request.method == "POST" and form.is_valid():
        try:
            services.delegation_create(
                absent=request.user,
                organisme=request.organisation,
                delegate=form.cleaned_data["delegate"],
                starts_on=form.cleaned_data["starts_on"],
                ends_on=form.cleaned_data["ends_on"],
            )
        except ValidationError as error:
            form_errors(form, error)
        else:
            messages.success(request, _("Votre délégation est enregistrée."))
            return redirect("habilitations:delegations")
    return render(
        request,
        "habilitations/delegations.html",
        {"form": form, "delegations": list(selectors.delegations_for(request.membership))},
    )


@require_POST
def delegation_end(request, pk):
    delegation = get_object_or_404(selectors.delegations_for(request.membership), pk=pk)
    return run_action(
        request,
        lambda: services.delegation_end(delegation_id=delegation.pk, actor=request.user),
        success=_("La délégation est terminée."),
        redirect_to="habilitations:delegations",
    )
