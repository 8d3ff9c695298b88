"""Mes applications: the catalogue (held applications open through single sign-on, others greyed with a
padlock and offer an access request), and the request form."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from accounts.enums import OrganisationKind
from accounts.models import Organisation
from accounts.perms import active_memberships
from core.access import form_errors, require

from .. import selectors, services
from ..forms import AccessRequestForm
from ..models import Application


def _my_organisations(user):
    ids = [m.organisation_id for m in active_memberships(user) if m.organisation.kind == OrganisationKind.ORGANISME]
    return Organisation.objects.filter(pk__in=ids).order_by("name")


def catalogue(request):
    require(request, "habilitations.use_catalogue")
    applications = list(selectors.catalogue_for(request.user))
    return render(request, "habilitations/catalogue.html", {"applications": applications})


def access_request_new(request):
    """Asks for the application named by ?application=<code> (GET: the form; POST: the request)."""
    require(request, "habilitations.use_catalogue")
    slug = request.GET.get("application") or request.POST.get("application") or ""
    application = get_object_or_404(Application.objects.active(), slug=slug)
    require(request, "habilitations.request_access", application)
    organisations = _my_organisations(request.user)
    form = AccessRequestForm(
        request.POST or None, organisations=organisations, initial={"organisme": request.organisation}
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.access_request_create(
                user=request.user,
                application=application,
                organisme=form.cleaned_data["organisme"],
                justification=form.cleaned_data["justification"],
            )
        except ValidationError as error:
            form_errors(form, error)
        else:
            messages.success(
                request,
                _(
                    "Votre demande d’accès à « %(app)s » est envoyée à ses valideurs. Sauf refus, elle sera "
                    "acceptée dans un délai maximum de 10 jours."
                )
                % {"app": application.name},
            )
            return redirect("habilitations:my_rights")
    return render(request, "habilitations/access_request_new.html", {"application": application, "form": form})


def open_application(request, slug):
    """ "Accéder à l'application": to the application, which signs the user in through Guichet (OIDC)."""
    application = get_object_or_404(Application.objects.active(), slug=slug)
    if not request.user.has_perm("habilitations.use_application", application):
        raise Http404
    if not application.url:
        messages.info(request, _("Cette application n’a pas encore d’adresse."))
        return redirect("habilitations:catalogue")
    return redirect(application.url)
