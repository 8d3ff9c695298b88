"""Mes plannings (month, week, day: server-rendered, a table for the month, lists for week and day),
the private iCalendar feed, and Mes disponibilités."""

import calendar
import datetime
from decimal import Decimal

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import SimpleLazyObject
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.access import form_errors

from .. import selectors, services
from ..enums import SlotState
from ..forms import AvailabilityForm
from ..models import Worker, new_token
from .common import worker_list_page, worker_page

VIEWS = ("mois", "semaine", "jour")


def _day(value):
    try:
        return datetime.date.fromisoformat(value)
    except (TypeError, ValueError):
        return timezone.localdate()


def _range(view, day):
    if view == "jour":
        return day, day
    if view == "semaine":
        start = day - datetime.timedelta(days=day.weekday())
        return start, start + datetime.timedelta(days=6)
    first = day.replace(day=1)
    last = first.replace(day=calendar.monthrange(first.year, first.month)[1])
    return first - datetime.timedelta(days=first.weekday()), last + datetime.timedelta(days=6 - last.weekday())


def _shift(view, day, step):
    if view == "jour":
        return day + datetime.timedelta(days=step)
    if view == "semaine":
        return day + datetime.timedelta(days=7 * step)
    month = day.month - 1 + step
    return datetime.date(day.year + month // 12, month % 12 + 1, 1)


@worker_list_page
def planning(request, worker):
    view = request.GET.get("vue") if request.GET.get("vue") in VIEWS else "mois"
    day = _day(request.GET.get("date"))
    start, end = _range(view, day)
    # The rows are read when the page is rendered, not when it is kept (the template's fragment).
    rows = SimpleLazyObject(lambda: _planning_rows(request.membership, view, day, start, end))
    context = {
        "view": view,
        "day": day,
        "weeks": lambda: rows["weeks"],
        "cells": lambda: rows["cells"],
        "previous": _shift(view, day, -1),
        "next": _shift(view, day, 1),
        "total_hours": lambda: rows["total_hours"],
        # The worker file (its calendar token) is read only when the page is rendered.
        "feed_url": lambda: request.build_absolute_uri(reverse("interim:calendar_feed", args=[worker.calendar_token])),
        "host": request.get_host(),
        "start": start,
        "end": end,
    }
    return render(request, "interim/planning.html", context)


def _planning_rows(membership, view, day, start, end):
    """The planning's weeks (month view), its days with something (week and day views) and the month's
    validated hours."""
    slots = list(selectors.slots_for(membership).filter(date__range=(start, end)))
    absences = list(selectors.absences_for(membership).filter(date__range=(start, end)))
    availabilities = list(selectors.availabilities_for(membership).filter(start_date__lte=end, end_date__gte=start))
    days = {}
    current = start
    while current <= end:
        days[current] = {
            "date": current,
            "slots": [],
            "absences": [],
            "availabilities": [],
            "in_month": current.month == day.month,
        }
        current += datetime.timedelta(days=1)
    for slot in slots:
        days[slot.date]["slots"].append(slot)
    for absence in absences:
        days[absence.date]["absences"].append(absence)
    for availability in availabilities:
        for date, cell in days.items():
            if availability.start_date <= date <= availability.end_date:
                cell["availabilities"].append(availability)
    first = day.replace(day=1)
    month_end = first.replace(day=calendar.monthrange(first.year, first.month)[1])
    total_minutes = sum(
        selectors.slots_for(membership)
        .filter(date__range=(first, month_end), state=SlotState.VALIDATED)
        .values_list("minutes", flat=True)
    )
    cells = list(days.values())
    return {
        "weeks": [cells[i : i + 7] for i in range(0, len(cells), 7)],
        "cells": [c for c in cells if c["slots"] or c["absences"] or c["availabilities"] or view == "jour"],
        "total_hours": (Decimal(total_minutes) / 60).quantize(Decimal("0.1")).normalize(),
    }


@worker_page
@require_POST
def calendar_renew(request, worker):
    Worker.objects.filter(pk=worker.pk).update(calendar_token=new_token())
    messages.success(request, _("Nouvelle adresse d’abonnement créée : l’ancienne ne fonctionne plus."))
    return redirect(reverse("interim:planning"))


@login_not_required
def calendar_feed(request, token):
    """The worker's validated slots as iCalendar: the secret URL is the credential (renewable)."""
    from icalendar import Calendar, Event

    worker = Worker.objects.select_related("agency__organisation").filter(calendar_token=token).first()
    if worker is None or not worker.membership.is_active:
        raise Http404
    since = timezone.localdate() - datetime.timedelta(days=62)
    slots = worker.slots.filter(state=SlotState.VALIDATED, date__gte=since).select_related(
        "contract__mission__client__organisation"
    )
    cal = Calendar()
    cal.add("prodid", "-//Guichet//Espace intérimaire//FR")
    cal.add("version", "2.0")
    cal.add("x-wr-calname", f"Missions — {worker.agency}")
    tz = timezone.get_default_timezone()
    for slot in slots:
        begin = datetime.datetime.combine(slot.date, slot.start, tzinfo=tz)
        event = Event()
        event.add("uid", f"creneau-{slot.pk}@guichet")
        event.add("dtstamp", timezone.now())
        event.add("dtstart", begin)
        event.add("dtend", begin + datetime.timedelta(minutes=slot.minutes))
        mission = slot.contract.mission
        event.add("summary", f"Mission : {mission.client}")
        event.add("location", f"{mission.street}, {mission.postcode} {mission.town}")
        cal.add_component(event)
    response = HttpResponse(cal.to_ical(), content_type="text/calendar; charset=utf-8")
    response["Cache-Control"] = "private, no-store"
    response["Referrer-Policy"] = "no-referrer"
    return response


@worker_page
def availabilities(request, worker):
    form = AvailabilityForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.availability_add(worker=worker, **form.cleaned_data)
        except ValidationError as error:
            form_errors(form, error)
        else:
            messages.success(request, _("Votre période est enregistrée."))
            return redirect("interim:availabilities")
    periods = list(selectors.availabilities_for(request.membership).order_by("start_date"))
    slot_dates = set(
        selectors.slots_for(request.membership)
        .filter(date__gte=min((p.start_date for p in periods), default=timezone.localdate()))
        .values_list("date", flat=True)
    )
    rows = [
        {
            "period": p,
            "overlaps": any(p.start_date <= d <= p.end_date for d in slot_dates),
        }
        for p in periods
    ]
    return render(request, "interim/availabilities.html", {"form": form, "rows": rows})


@require_POST
@worker_page
def availability_delete(request, worker, pk):
    scope = selectors.availabilities_for(request.membership)
    get_object_or_404(scope, pk=pk)
    services.availability_delete(availability_id=pk, scope=scope)
    messages.success(request, _("La période est supprimée."))
    return redirect("interim:availabilities")
