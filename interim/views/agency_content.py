"""The bureau virtuel's content, edited by agency staff: the agency's numbers and texts (absence
procedure, on-call number and hours, payroll dates, advance deadline, the account advances are paid
from), its news, and its sectors with their recruiters' contacts. The worker's dashboard shows them."""

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.access import require

from .. import agency_services, selectors
from ..agency_forms import AgencyInfoForm, ContactFormSet, NewsForm, SectorForm
from ..models import Agency, NewsItem, Sector


def _agency(request):
    require(request, "interim.manage_content")
    agency = selectors.agency_for(request.membership)
    if agency is None:  # no interim details yet: they start empty, and are created by the first save
        agency = Agency(organisation_id=request.membership.organisation_id)
        if request.method == "POST":
            agency.save()
    return agency


def content(request):
    agency = _agency(request)
    context = {
        "agency": agency,
        "news": NewsItem.objects.filter(agency=agency).order_by("-published_at", "-pk")[:50],
        "sectors": Sector.objects.filter(agency=agency).prefetch_related("contacts"),
    }
    return render(request, "interim/agency/content.html", context)


def info_edit(request):
    agency = _agency(request)
    form = AgencyInfoForm(request.POST or None, instance=agency)
    if request.method == "POST" and form.is_valid():
        agency_services.agency_info_update(agency=agency, form=form, actor=request.user)
        messages.success(request, _("Informations du bureau virtuel enregistrées."))
        return redirect("interim:agency_content")
    return render(request, "interim/agency/content_form.html", {"form": form, "title": _("Informations de l'agence")})


def news_edit(request, pk=None):
    agency = _agency(request)
    item = get_object_or_404(NewsItem.objects.filter(agency=agency), pk=pk) if pk else None
    form = NewsForm(request.POST or None, instance=item)
    if request.method == "POST" and form.is_valid():
        agency_services.news_save(agency=agency, form=form, actor=request.user)
        messages.success(request, _("Actualité publiée."))
        return redirect("interim:agency_content")
    title = _("Modifier l'actualité") if item else _("Nouvelle actualité")
    return render(request, "interim/agency/content_form.html", {"form": form, "title": title, "item": item})


@require_POST
def news_delete(request, pk):
    agency = _agency(request)
    scope = NewsItem.objects.filter(agency=agency)
    item = get_object_or_404(scope, pk=pk)
    agency_services.news_delete(news_id=item.pk, scope=scope, actor=request.user)
    messages.success(request, _("Actualité supprimée."))
    return redirect("interim:agency_content")


def sector_edit(request, pk=None):
    agency = _agency(request)
    sector = get_object_or_404(Sector.objects.filter(agency=agency), pk=pk) if pk else None
    form = SectorForm(request.POST or None, instance=sector)
    contacts = ContactFormSet(request.POST or None, instance=sector or Sector(agency=agency), prefix="contacts")
    if request.method == "POST" and form.is_valid() and contacts.is_valid():
        agency_services.sector_save(agency=agency, form=form, contacts=contacts, actor=request.user)
        messages.success(request, _("Secteur enregistré."))
        return redirect("interim:agency_content")
    title = _("Modifier le secteur") if sector else _("Nouveau secteur")
    context = {"form": form, "contacts": contacts, "title": title, "sector": sector}
    return render(request, "interim/agency/sector_form.html", context)


@require_POST
def sector_delete(request, pk):
    agency = _agency(request)
    scope = Sector.objects.filter(agency=agency)
    sector = get_object_or_404(scope, pk=pk)
    agency_services.sector_delete(sector_id=sector.pk, scope=scope, actor=request.user)
    messages.success(request, _("Secteur supprimé."))
    return redirect("interim:agency_content")
