"""The agency's missions: the list, a new mission (and its contract, generated or uploaded), a
mission's page (its contracts and targetings)."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.functional import SimpleLazyObject
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.access import form_errors, require
from core.tables import Column, DataTable

from .. import missions, selectors
from ..mission_forms import MissionForm

PAGE_SIZES = (15, 30, 50, 100)


def _none(row):
    return None


def mission_list(request):
    require(request, "interim.manage_contracts")
    # The table is built only when the page is rendered, not when it is kept (the template's fragment).
    table = SimpleLazyObject(
        lambda: DataTable(
            request,
            selectors.missions_for(request.membership),
            columns=[
                Column(
                    "qualification",
                    gettext_lazy("Qualification"),
                    accessor="qualification",
                    order_by="qualification__label",
                    cell_template="interim/cells/mission_link.html",
                ),
                Column("client", gettext_lazy("Entreprise"), accessor="client", order_by="client__organisation__name"),
                Column("start_date", gettext_lazy("Du"), order_by="start_date"),
                Column("end_date", gettext_lazy("Au"), order_by="end_date"),
                Column("hours", gettext_lazy("Horaires"), order_by="hours"),
                Column("town", gettext_lazy("Ville"), order_by="town"),
            ],
            default_sort="-start_date",
            page_sizes=PAGE_SIZES,
            default_page_size=15,
            caption=_("Missions de l'agence"),
            empty_message=_("Aucune mission."),
        )
    )
    return render(request, "interim/agency/missions.html", {"table": table})


def mission_create(request):
    require(request, "interim.manage_contracts")
    agency = selectors.agency_for(request.membership)
    if agency is None:
        return render(request, "interim/no_worker.html")
    form = MissionForm(request.POST or None, request.FILES or None, agency=agency)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        worker = None
        if data["worker_number"].strip():
            worker = selectors.workers_for(request.membership).filter(number=data["worker_number"].strip()).first()
            if worker is None:
                form.add_error("worker_number", _("Aucun intérimaire de l'agence n'a ce numéro."))
        if not form.errors:
            try:
                with transaction.atomic():
                    mission = missions.mission_create(
                        agency=agency,
                        actor=request.user,
                        client=data["client"],
                        qualification=data["qualification"],
                        place_name=data["place_name"],
                        street=data["street"],
                        postcode=data["postcode"],
                        town=data["town"],
                        access=data["access"],
                        start_date=data["start_date"],
                        end_date=data["end_date"],
                        start_time=data["start_time"],
                        end_time=data["end_time"],
                        weekdays="".join(data["weekdays"]),
                        hourly_rate=data["hourly_rate"],
                    )
                    contract = None
                    if worker is not None:
                        contract = missions.contract_create(
                            mission=mission,
                            worker=worker,
                            actor=request.user,
                            document=data["document"] if data["source"] == "upload" else None,
                            reference=data["reference"],
                            request=request,
                        )
            except ValidationError as error:
                if hasattr(error, "error_dict") and "worker" in error.error_dict:
                    error = ValidationError({"worker_number": error.error_dict["worker"]})
                form_errors(form, error)
            else:
                if contract is not None:
                    messages.success(
                        request,
                        _("Mission créée avec le contrat %(ref)s : vérifiez-le puis envoyez-le pour signature.")
                        % {"ref": contract.reference},
                    )
                    return redirect("interim:agency_contract", contract.pk)
                messages.success(request, _("Mission créée : vous pouvez cibler des intérimaires."))
                return redirect("interim:agency_mission", mission.pk)
    return render(request, "interim/agency/mission_form.html", {"form": form})


def mission_detail(request, pk):
    require(request, "interim.manage_contracts")
    mission = get_object_or_404(selectors.missions_for(request.membership), pk=pk)
    require(request, "interim.manage_contracts", mission)
    context = {
        "mission": mission,
        "contracts": mission.contracts.select_related("worker__user").order_by("-created_at"),
        "targetings": mission.targetings.order_by("-created_at"),
    }
    return render(request, "interim/agency/mission.html", context)
