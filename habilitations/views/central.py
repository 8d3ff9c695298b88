"""Central admins (UCANSS): organismes (code, name, correspondents), the applications catalogue (name,
description, address, local or central management, managers) and each application's single sign-on
client (redirect addresses; the secret is shown once). Records are picked with ?id=."""

from django import forms
from django.contrib import messages
from django.db.models import Count, Prefetch, Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from accounts.enums import Role
from accounts.models import Membership
from core.access import form_errors, require
from core.params import parse_id

from .. import selectors, services
from ..forms import ApplicationForm, OrganismeForm
from ..models import Application, Organisme


def _record(request, queryset):
    raw = request.GET.get("id") or request.POST.get("id") or ""
    if not raw:
        return None
    pk = parse_id(raw)
    if pk is None:
        raise Http404
    return get_object_or_404(queryset, pk=pk)


def organismes(request):
    require(request, "habilitations.manage_catalogue")
    # distinct: without it the count joins the members and the requests, and multiplies them.
    rows = (
        selectors.organismes()
        .annotate(pending=Count("account_requests", filter=Q(account_requests__state="pending"), distinct=True))
        .prefetch_related(
            Prefetch(
                "memberships",
                queryset=Membership.objects.active()
                .filter(role=Role.CORRESPONDENT)
                .select_related("user")
                .order_by("user__last_name", "user__first_name"),
                to_attr="correspondent_memberships",
            )
        )
    )
    return render(request, "habilitations/admin_organismes.html", {"rows": rows})


def organisme_edit(request):
    require(request, "habilitations.manage_catalogue")
    organisation = _record(request, selectors.organismes())
    details = Organisme.objects.filter(organisation=organisation).first() if organisation else None
    initial = {}
    if organisation is not None:
        initial = {"code": organisation.code, "name": organisation.name}
        if details:
            initial.update(address=details.address, postcode=details.postcode, town=details.town, phone=details.phone)
    form = OrganismeForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            organisation = services.organisme_save(organisation=organisation, **form.cleaned_data)
        except forms.ValidationError as error:
            form_errors(form, error)
        else:
            messages.success(request, _("L’organisme %(name)s est enregistré.") % {"name": organisation.name})
            return redirect("habilitations:admin_organismes")
    correspondents = list(selectors.correspondents(organisation)) if organisation else []
    return render(
        request,
        "habilitations/admin_organisme_edit.html",
        {"form": form, "organisation": organisation, "correspondents": correspondents},
    )


def applications(request):
    require(request, "habilitations.manage_catalogue")
    rows = Application.objects.select_related("oauth_client").order_by("position", "name")
    return render(request, "habilitations/admin_applications.html", {"rows": rows})


def application_edit(request):
    require(request, "habilitations.manage_catalogue")
    application = _record(request, Application.objects.all())
    initial = {"is_active": True, "management": "local"}
    if application is not None:
        initial = {
            "name": application.name,
            "slug": application.slug,
            "description": application.description,
            "url": application.url,
            "management": application.management,
            "is_active": application.is_active,
            "managers": list(selectors.application_managers(application)),
        }
    form = ApplicationForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        managers = data.pop("managers")
        try:
            application = services.application_save(application=application, **data)
            services.application_managers_set(application=application, managers=list(managers))
        except forms.ValidationError as error:
            form_errors(form, error)
        else:
            messages.success(request, _("L’application %(name)s est enregistrée.") % {"name": application.name})
            return redirect("habilitations:admin_applications")
    return render(request, "habilitations/admin_application_edit.html", {"form": form, "application": application})


class ClientForm(forms.Form):
    redirect_uris = forms.CharField(
        label=_("Adresses de retour (une par ligne)"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Par exemple https://application.exemple.fr/oidc/callback"),
        error_messages={"required": _("Indiquez au moins une adresse de retour.")},
    )

    def clean_redirect_uris(self):
        uris = [line.strip() for line in self.cleaned_data["redirect_uris"].splitlines() if line.strip()]
        validator = forms.URLField().clean
        for uri in uris:
            try:
                validator(uri)
            except forms.ValidationError:
                raise forms.ValidationError(_("« %(uri)s » n’est pas une adresse valide.") % {"uri": uri}) from None
        return uris


def application_client(request):
    """Registers (or renews) the application's OpenID Connect client; its secret is shown once."""
    require(request, "habilitations.manage_catalogue")
    application = _record(request, Application.objects.select_related("oauth_client"))
    if application is None:
        raise Http404
    client = application.oauth_client
    form = ClientForm(request.POST or None, initial={"redirect_uris": client.redirect_uris if client else ""})
    if request.method == "POST" and form.is_valid():
        client, secret = services.oidc_client_register(
            application=application, redirect_uris=form.cleaned_data["redirect_uris"]
        )
        return render(
            request,
            "habilitations/admin_application_client_secret.html",
            {"application": application, "client": client, "secret": secret},
        )
    return render(
        request,
        "habilitations/admin_application_client.html",
        {"form": form, "application": application, "client": client},
    )
