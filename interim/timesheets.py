"""Saisie des heures: the week's grid a client company fills in, its rules, and the agency's decision.

The client picks a week (Monday to Sunday, shown "27/08/2018 au 02/09/2018") and, if it wants, one
contract reference; the grid has one table per contract (worker) signed for a mission of this client
that runs that week, one row per day: week number, date, name, start time, hours. "Enregistrer le
brouillon" keeps the hours; "Transmettre à l'agence" also runs the step "submit". The agency validates
(the step "validate": the week's hours replace the planning's slots of that contract, as validated
slots, so the worker's monthly total and advance limit follow) or sends back with a reason.

Rules (our choice, from the Code du travail), checked before anything is written (all or nothing:
the page comes back with every value as typed and the message on its field):
- hours are 0 to 24 a day ("7", "7,5", "7.5", "7h30", "7:30"); negative or more than 24: refused;
- daily rest, 11 consecutive hours (L3131-1): a day's work spans at most 13 hours, and between the
  end of one day's work and the start of the next worked day there are at least 11 hours (also
  against the last worked day of the week before, when it was entered); a day's work may run past
  midnight;
- weekly rest (L3132-2): at least one day of the week without work;
- a day outside the mission's dates takes no hours (no field is shown for it).
"""

import datetime
import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from functools import cached_property

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from . import selectors
from .enums import ContractState, SlotState, TimesheetState
from .models import PlanningSlot, Timesheet, TimesheetEntry
from .workflows import TIMESHEET

DAILY_REST = datetime.timedelta(hours=11)
MAX_DAY_MINUTES = 24 * 60
MAX_SPAN_MINUTES = 13 * 60  # 24 h - 11 h of daily rest
EDITABLE = (None, TimesheetState.DRAFT, TimesheetState.RETURNED)

_DECIMAL = re.compile(r"^(-?)(\d{1,3})(?:[.,](\d{1,2}))?$")
_CLOCK = re.compile(r"^(-?)(\d{1,3})\s*[hH:]\s*(\d{1,2})?$")
_TIME = re.compile(r"^(\d{1,2})\s*[hH:]\s*(\d{2})?$")


# --- Weeks ---------------------------------------------------------------------------------------


def monday_of(day: datetime.date) -> datetime.date:
    return day - datetime.timedelta(days=day.weekday())


def parse_week(value) -> datetime.date:
    """The Monday of the week named by `value` (any ISO date of it); the current week otherwise."""
    try:
        return monday_of(datetime.date.fromisoformat(str(value)))
    except (TypeError, ValueError):
        return monday_of(timezone.localdate())


def period_label(monday: datetime.date) -> str:
    sunday = monday + datetime.timedelta(days=6)
    return _("%(start)s au %(end)s") % {"start": f"{monday:%d/%m/%Y}", "end": f"{sunday:%d/%m/%Y}"}


def week_days(monday):
    return [monday + datetime.timedelta(days=n) for n in range(7)]


# --- Input ---------------------------------------------------------------------------------------


def parse_hours(text: str) -> int:
    """Minutes from "7", "7,5", "7.5", "7h30", "7:30" ("" is 0); ValidationError in French otherwise."""
    text = (text or "").strip().replace(" ", "")
    if not text:
        return 0
    decimal = _DECIMAL.match(text)
    clock = _CLOCK.match(text)
    if decimal:
        sign, whole, fraction = decimal.groups()
        try:
            minutes = int((Decimal(f"{whole}.{fraction or 0}") * 60).to_integral_value())
        except InvalidOperation:  # pragma: no cover - the pattern only lets digits through
            minutes = None
    elif clock:
        sign, whole, mins = clock.groups()
        if mins and int(mins) >= 60:
            raise ValidationError(_("Les minutes vont de 00 à 59 (par exemple 7h30)."), code="invalid")
        minutes = int(whole) * 60 + int(mins or 0)
    else:
        raise ValidationError(_("Saisissez un nombre d’heures, par exemple 7, 7,5 ou 7h30."), code="invalid")
    if sign == "-" and minutes:
        raise ValidationError(_("Les heures ne peuvent pas être négatives."), code="negative")
    if minutes is None:  # pragma: no cover
        raise ValidationError(_("Saisissez un nombre d’heures, par exemple 7, 7,5 ou 7h30."), code="invalid")
    if minutes > MAX_DAY_MINUTES:
        raise ValidationError(_("Une journée compte au plus 24 heures."), code="over_24")
    return minutes


def parse_start(text: str):
    text = (text or "").strip()
    if not text:
        return None
    match = _TIME.match(text)
    if not match or int(match.group(1)) > 23:
        raise ValidationError(_("Saisissez l’heure de début au format 13:30."), code="invalid_time")
    return datetime.time(int(match.group(1)), int(match.group(2) or 0))


def format_hours(minutes) -> str:
    """7 h 30 → "7,5"; 7 h → "7"."""
    if not minutes:
        return ""
    value = (Decimal(minutes) / 60).quantize(Decimal("0.01")).normalize()
    return f"{value:f}".replace(".", ",")


def mission_start(mission):
    """The start of the mission's daily hours ("13:30-20:30" → 13:30), the grid's default start."""
    try:
        return parse_start(mission.hours.split("-")[0])
    except (ValidationError, AttributeError):
        return None


# --- The grid ------------------------------------------------------------------------------------


@dataclass
class Day:
    date: datetime.date
    in_mission: bool
    start_text: str = ""
    hours_text: str = ""
    start: datetime.time | None = None
    minutes: int = 0
    errors: dict = field(default_factory=dict)  # "start" / "hours" -> [messages]
    # Written by build_week, formatted once a week rather than once a contract and day in the template:
    label: str = ""  # "lundi 24 novembre"
    short: str = ""  # "lun. 24/11"
    week_number: int = 0
    key: str = ""  # "<contract pk>-<YYYYMMDD>": the end of the day's field names and ids

    @property
    def start_errors(self):
        return self.errors.get("start", [])

    @property
    def hours_errors(self):  # properties: a missing key of `errors` costs the template a failed lookup
        return self.errors.get("hours", [])

    def add_error(self, name, message):
        self.errors.setdefault(name, []).append(message)


@dataclass
class Sheet:
    contract: object
    timesheet: Timesheet | None
    days: list
    errors: list = field(default_factory=list)
    touched: bool = False  # hours were typed (or the sheet exists): saved, and submitted on "Transmettre"

    @property
    def state(self):
        return self.timesheet.state if self.timesheet else None

    @property
    def editable(self):
        return self.state in EDITABLE

    @property
    def total_minutes(self):
        return sum(day.minutes for day in self.days)

    @property
    def total_text(self):
        return format_hours(self.total_minutes) or "0"

    @property
    def has_errors(self):
        return bool(self.errors) or any(day.errors for day in self.days)

    @cached_property
    def name(self):
        return self.contract.worker.user.get_full_name()

    def field_name(self, kind, day):
        return f"{kind}-{self.contract.pk}-{day.date:%Y%m%d}"


def week_contracts(membership, monday, reference=""):
    """The client's signed contracts whose mission runs during the week (one reference if given)."""
    sunday = monday + datetime.timedelta(days=6)
    contracts = selectors.contracts_for(membership).filter(
        state=ContractState.SIGNED, mission__start_date__lte=sunday, mission__end_date__gte=monday
    )
    if reference:
        contracts = contracts.filter(reference=reference)
    return contracts.order_by("worker__user__last_name", "worker__user__first_name", "reference")


def build_week(membership, monday, reference="", data=None):
    """The sheets of the week: from what is saved, or from `data` (the POST, parsed and checked)."""
    contracts = list(week_contracts(membership, monday, reference))
    saved = {
        t.contract_id: t
        for t in selectors.timesheets_for(membership)
        .filter(week_start=monday, contract__in=[c.pk for c in contracts])
        .prefetch_related("entries")
    }
    week = [
        (date, date_format(date, "l j F"), date_format(date, "D d/m"), date.isocalendar().week, f"{date:%Y%m%d}")
        for date in week_days(monday)
    ]
    sheets = []
    for contract in contracts:
        timesheet = saved.get(contract.pk)
        entries = {e.date: e for e in timesheet.entries.all()} if timesheet else {}
        default_start = mission_start(contract.mission)
        days = []
        for date, label, short, number, ymd in week:
            inside = contract.mission.start_date <= date <= contract.mission.end_date
            day = Day(
                date=date, in_mission=inside, label=label, short=short, week_number=number, key=f"{contract.pk}-{ymd}"
            )
            entry = entries.get(date)
            if entry is not None:
                day.minutes, day.start = entry.minutes, entry.start
            elif inside:
                day.start = default_start
            day.hours_text = format_hours(day.minutes)
            day.start_text = f"{day.start:%H:%M}" if day.start else ""
            days.append(day)
        sheet = Sheet(contract=contract, timesheet=timesheet, days=days, touched=timesheet is not None)
        if data is not None and sheet.editable:
            _read(sheet, data)
        sheets.append(sheet)
    if data is not None:
        _check_rest(membership, monday, [s for s in sheets if s.editable])
    return sheets


def _read(sheet, data):
    for day in sheet.days:
        if not day.in_mission:
            continue
        day.hours_text = data.get(sheet.field_name("h", day), "")
        day.start_text = data.get(sheet.field_name("s", day), "")
        try:
            day.minutes = parse_hours(day.hours_text)
        except ValidationError as error:
            day.minutes = 0
            day.add_error("hours", error.messages[0])
        try:
            day.start = parse_start(day.start_text)
        except ValidationError as error:
            day.start = None
            day.add_error("start", error.messages[0])
        if day.minutes and not day.start and "start" not in day.errors:
            day.add_error("start", _("Indiquez l’heure de début de cette journée."))
        if day.hours_text.strip():
            sheet.touched = True


def _check_rest(membership, monday, sheets):
    previous = {
        e.timesheet.contract_id: e
        for e in TimesheetEntry.objects.filter(
            timesheet__contract__in=[s.contract.pk for s in sheets],
            timesheet__week_start=monday - datetime.timedelta(days=7),
            minutes__gt=0,
        )
        .exclude(timesheet__state=TimesheetState.RETURNED)
        .select_related("timesheet")
        .order_by("date")
    }
    for sheet in sheets:
        worked = [d for d in sheet.days if d.minutes and d.start and not d.errors]
        for day in worked:
            if day.minutes > MAX_SPAN_MINUTES:
                day.add_error(
                    "hours",
                    _(
                        "Plus de 13 heures dans la journée : le repos quotidien de 11 heures consécutives "
                        "ne serait pas respecté."
                    ),
                )
        before = previous.get(sheet.contract.pk)
        last_end = _end(before.date, before.start, before.minutes) if before and before.start else None
        last_date = before.date if before else None
        for day in worked:
            begin = datetime.datetime.combine(day.date, day.start)
            if last_end is not None and begin - last_end < DAILY_REST:
                earliest = last_end + DAILY_REST
                day.add_error(
                    "start",
                    _(
                        "Moins de 11 heures de repos depuis la fin du travail du %(previous)s à %(end)s : "
                        "reprise au plus tôt le %(date)s à %(time)s."
                    )
                    % {
                        "previous": f"{last_date:%d/%m}",
                        "end": f"{last_end:%H:%M}",
                        "date": f"{earliest:%d/%m}",
                        "time": f"{earliest:%H:%M}",
                    },
                )
            last_end, last_date = _end(day.date, day.start, day.minutes), day.date
        if all(d.minutes for d in sheet.days):
            sheet.errors.append(
                _(
                    "Repos hebdomadaire : au moins un jour de la semaine doit rester sans travail "
                    "(24 heures de repos, plus les 11 heures du repos quotidien)."
                )
            )


def _end(date, start, minutes):
    return datetime.datetime.combine(date, start) + datetime.timedelta(minutes=minutes)


# --- Writes --------------------------------------------------------------------------------------


class WeekInvalid(Exception):
    def __init__(self, sheets):
        super().__init__("timesheet week has errors")
        self.sheets = sheets


def save_week(*, membership, user, monday, reference="", data, submit=False):
    """Saves the week's editable sheets that were filled in (all or nothing); `submit` also sends them
    to the agency. Returns the sheets saved; WeekInvalid (with every value as typed) on a mistake;
    TransitionNotAllowed when a sheet was sent or decided meanwhile."""
    sheets = build_week(membership, monday, reference, data=data)
    if any(sheet.has_errors for sheet in sheets):
        raise WeekInvalid(sheets)
    saved = []
    scope = selectors.timesheets_for(membership)
    now = timezone.now()
    with transaction.atomic():
        for sheet in sheets:
            if not sheet.editable or not sheet.touched:
                continue
            timesheet, _created = Timesheet.objects.get_or_create(
                contract=sheet.contract, week_start=monday, defaults={"created_by": user}
            )
            timesheet = scope.select_for_update(of=("self",)).get(pk=timesheet.pk)
            if timesheet.state not in EDITABLE:
                from core.history import TransitionNotAllowed

                raise TransitionNotAllowed(
                    current=timesheet.state,
                    allowed=[TimesheetState.DRAFT, TimesheetState.RETURNED],
                    current_label=timesheet.get_state_display(),
                )
            timesheet.entries.all().delete()
            TimesheetEntry.objects.bulk_create(
                TimesheetEntry(timesheet=timesheet, date=d.date, start=d.start, minutes=d.minutes)
                for d in sheet.days
                if d.in_mission and d.minutes
            )
            timesheet.updated_at = now
            timesheet.save(update_fields=["updated_at"])
            if submit:
                timesheet = TIMESHEET.run("submit", timesheet.pk, actor=user, scope=scope)
            saved.append(timesheet)
    return saved


@transaction.atomic
def timesheet_validate(*, timesheet_id, actor, scope):
    """The agency validates: the step, then the week's slots of this contract become the hours entered
    (validated), so the planning's monthly total and the advance limit count them."""
    timesheet = TIMESHEET.run("validate", timesheet_id, actor=actor, scope=scope)
    contract = timesheet.contract
    monday = timesheet.week_start
    PlanningSlot.objects.filter(contract=contract, date__range=(monday, monday + datetime.timedelta(days=6))).delete()
    default_start = mission_start(contract.mission) or datetime.time(8, 0)
    PlanningSlot.objects.bulk_create(
        PlanningSlot(
            worker_id=contract.worker_id,
            contract=contract,
            date=entry.date,
            start=entry.start or default_start,
            minutes=entry.minutes,
            state=SlotState.VALIDATED,
            decided_by=actor,
            decided_at=timesheet.decided_at,
        )
        for entry in timesheet.entries.all()
        if entry.minutes
    )
    return timesheet


def timesheet_return(*, timesheet_id, actor, scope, reason):
    """The agency sends the hours back to the client with a reason (the client is told by e-mail)."""
    return TIMESHEET.run("return", timesheet_id, actor=actor, scope=scope, reason=reason)
