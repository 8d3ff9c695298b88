"""Saisie des heures: the client's week (pick a week and a reference, hours per worker per day, totals,
draft, submit), the rules (negative, over 24 h, 11 h daily rest, weekly rest: French messages, nothing
lost), the agency's decision (validate: the planning's total and the advance limit follow; send back
with a reason, the client told), tenancy (a client sees only its own) and constant queries."""

import datetime
from decimal import Decimal

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.urls import reverse

from accounts.enums import Role
from core.models import OutboundMessage
from interim import payroll, timesheets
from interim.enums import SlotState, TimesheetState
from interim.models import PlanningSlot, Timesheet
from tests.accounts.factories import member
from tests.utils.queries import assert_constant_queries

from .factories import ClientFactory, SlotFactory, WorkerFactory, placed_contract, timesheet_with_hours

pytestmark = pytest.mark.django_db

# A Tuesday in mid-October: the week is 12-18/10/2026 and the next advance is paid Wednesday 14/10.
NOW = datetime.datetime(2026, 10, 13, 10, 0, tzinfo=datetime.UTC)
MONDAY = datetime.date(2026, 10, 12)


@pytest.fixture(autouse=True)
def _frozen():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def contract(world):
    """The world's worker placed with the world's client, for a mission running over the whole week."""
    return placed_contract(
        world.client_company,
        worker=world.worker,
        reference="80K6AE1FD",
        mission__start_date=MONDAY - datetime.timedelta(days=7),
        mission__end_date=MONDAY + datetime.timedelta(days=20),
        mission__hours="08:00-15:00",
        mission__hourly_rate=Decimal("12.00"),
    )


def field(contract, kind, offset):
    return f"{kind}-{contract.pk}-{MONDAY + datetime.timedelta(days=offset):%Y%m%d}"


def week_data(contract, hours, *, starts=None, action="save"):
    """POST data: `hours` from Monday on; starts default to 08:00."""
    data = {"semaine": MONDAY.isoformat(), "reference": "", "action": action}
    for offset in range(7):
        data[field(contract, "h", offset)] = hours[offset] if offset < len(hours) else ""
        data[field(contract, "s", offset)] = (starts or {}).get(offset, "08:00")
    return data


def post_week(world, contract, hours, **kwargs):
    return world.client_for("client").post(reverse("interim:timesheet_entry"), week_data(contract, hours, **kwargs))


# --- Permissions and tenancy ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("who", "expected"),
    [("client", 200), ("worker", 403), ("staff", 403), ("foreign_staff", 403), ("foreign_worker", 403)],
)
def test_entry_page_matrix(world, who, expected):
    assert world.client_for(who).get(reverse("interim:timesheet_entry")).status_code == expected


@pytest.mark.parametrize(
    ("who", "expected"),
    [("client", 200), ("staff", 200), ("foreign_staff", 200), ("worker", 403), ("foreign_worker", 403)],
)
def test_list_matrix(world, who, expected):
    assert world.client_for(who).get(reverse("interim:timesheets")).status_code == expected


def test_detail_and_decision_matrix(world, contract):
    timesheet = timesheet_with_hours(contract)
    detail = reverse("interim:timesheet_detail", args=[timesheet.pk])
    assert world.client_for("client").get(detail).status_code == 200
    assert world.client_for("staff").get(detail).status_code == 200
    assert world.client_for("foreign_staff").get(detail).status_code == 404
    assert world.client_for("worker").get(detail).status_code == 403
    other_client = member(Role.CLIENT_USER, organisation=ClientFactory().organisation)
    from tests.utils.clients import sign_in

    assert sign_in(type(world.client_for("client"))(), other_client).get(detail).status_code == 404
    act = reverse("interim:timesheet_act", args=[timesheet.pk, "validate"])
    assert world.client_for("client").post(act).status_code == 403
    assert world.client_for("foreign_staff").post(act).status_code == 404
    assert Timesheet.objects.get(pk=timesheet.pk).state == TimesheetState.SUBMITTED


def test_the_client_sees_only_its_own_contracts_and_workers(world, contract):
    other = placed_contract(ClientFactory(), reference="AUTRECLIENT", mission__start_date=MONDAY)
    page = world.client_for("client").get(reverse("interim:timesheet_entry")).content.decode()
    assert "80K6AE1FD" in page and "Inès Terim" in page
    assert "AUTRECLIENT" not in page and other.worker.user.get_full_name() not in page
    # Typing another client's reference, or its contract's fields, changes nothing.
    page = world.client_for("client").get(reverse("interim:timesheet_entry"), {"reference": "AUTRECLIENT"})
    assert "Contrat AUTRECLIENT" not in page.content.decode() and "Contrat 80K6AE1FD" in page.content.decode()
    data = week_data(other, ["8"])
    world.client_for("client").post(reverse("interim:timesheet_entry"), data)
    assert not Timesheet.objects.filter(contract=other).exists()


# --- The week --------------------------------------------------------------------------------------


def test_the_week_shows_its_period_number_and_current_week(world, contract):
    client = world.client_for("client")
    page = client.get(reverse("interim:timesheet_entry")).content.decode()
    assert "12/10/2026 au 18/10/2026" in page and "Semaine 42" in page and "Semaine actuelle" in page
    page = client.get(reverse("interim:timesheet_entry"), {"semaine": "2026-10-21"}).content.decode()
    assert "19/10/2026 au 25/10/2026" in page and f'href="?semaine={MONDAY.isoformat()}"' in page
    assert "N° semaine" in page and "Heures travaillées" in page and "Nom" in page


def test_save_a_draft_then_submit_with_totals(world, contract):
    response = post_week(world, contract, ["7", "7,5", "7h30", "", "8"])
    assert response.status_code == 302
    timesheet = Timesheet.objects.get(contract=contract, week_start=MONDAY)
    assert timesheet.state == TimesheetState.DRAFT and timesheet.total_minutes == 7 * 60 + 450 + 450 + 480
    page = world.client_for("client").get(response.url).content.decode()
    assert "Brouillon" in page and "30 h" in page and "Total de la semaine : 30 heures" in page
    assert 'value="7,5"' in page
    post_week(world, contract, ["7", "7,5", "7h30", "", "8"], action="submit")
    timesheet.refresh_from_db()
    assert timesheet.state == TimesheetState.SUBMITTED and timesheet.submitted_at is not None
    page = world.client_for("client").get(response.url).content.decode()
    assert "Transmise à l&#x27;agence" in page or "Transmise à l'agence" in page
    assert 'name="' + field(contract, "h", 0) + '"' not in page  # no longer editable
    # A late POST changes nothing once the agency has it.
    post_week(world, contract, ["1"])
    assert Timesheet.objects.get(pk=timesheet.pk).total_minutes == 1800


@pytest.mark.parametrize(
    ("hours", "starts", "message"),
    [
        (["-2"], {}, "Les heures ne peuvent pas être négatives."),
        (["25"], {}, "Une journée compte au plus 24 heures."),
        (["abc"], {}, "Saisissez un nombre d’heures"),
        (["14"], {}, "Plus de 13 heures dans la journée"),
        (["8", "8"], {0: "14:00", 1: "06:00"}, "Moins de 11 heures de repos depuis la fin du travail du 12/10 à 22:00"),
        (["7"] * 7, {}, "Repos hebdomadaire"),
        (["7"], {0: "25:00"}, "Saisissez l’heure de début au format 13:30."),
    ],
)
def test_bad_hours_are_refused_in_french_and_nothing_is_lost(world, contract, hours, starts, message):
    response = post_week(world, contract, hours, starts=starts)
    assert response.status_code == 200
    page = response.content.decode()
    assert message in page and "rien n’est enregistré" in page
    assert f'value="{hours[0]}"' in page  # as typed
    assert 'aria-invalid="true"' in page or "Repos hebdomadaire" in message
    assert not Timesheet.objects.exists()


def test_the_rest_is_checked_against_the_week_before(world, contract):
    before = timesheet_with_hours(contract, state=TimesheetState.VALIDATED, days=())
    before.week_start = MONDAY - datetime.timedelta(days=7)
    before.save()
    before.entries.create(date=MONDAY - datetime.timedelta(days=1), start=datetime.time(16, 0), minutes=8 * 60)
    page = post_week(world, contract, ["8"], starts={0: "06:00"}).content.decode()
    assert "Moins de 11 heures de repos depuis la fin du travail du 11/10 à 00:00" in page
    assert "reprise au plus tôt le 12/10 à 11:00" in page


def test_parse_hours():
    assert timesheets.parse_hours("") == 0
    assert timesheets.parse_hours("7") == 420
    assert timesheets.parse_hours("7,25") == 435
    assert timesheets.parse_hours("7h") == 420
    assert timesheets.parse_hours("7 h 45") == 465
    assert timesheets.parse_hours("24") == 1440
    for bad in ("-1", "24,5", "7h75", "sept", "1e3"):
        with pytest.raises(ValidationError):
            timesheets.parse_hours(bad)


# --- The agency's decision ----------------------------------------------------------------------


def test_validated_hours_feed_the_planning_total_and_the_advance_limit(world, contract):
    # The planned slot of Monday (pending) is replaced by the hours worked, validated.
    SlotFactory(contract=contract, date=MONDAY, minutes=420, state=SlotState.PENDING)
    worker_client = world.client_for("worker")
    planning = worker_client.get(reverse("interim:planning")).content.decode()
    assert "Total de vos heures du mois : 0 heures" in planning
    assert payroll.available_amount(world.worker) == 0
    post_week(world, contract, ["8", "8", "8"], action="submit")
    timesheet = Timesheet.objects.get(contract=contract)
    staff = world.client_for("staff")
    assert "80K6AE1FD" in staff.get(reverse("interim:timesheets")).content.decode()  # the queue
    response = staff.post(reverse("interim:timesheet_act", args=[timesheet.pk, "validate"]))
    assert response.status_code == 302
    timesheet.refresh_from_db()
    assert timesheet.state == TimesheetState.VALIDATED and timesheet.decided_by == world.staff
    slots = PlanningSlot.objects.filter(contract=contract).order_by("date")
    assert [(s.date.day, s.minutes, s.state) for s in slots] == [
        (12, 480, "validated"),
        (13, 480, "validated"),
        (14, 480, "validated"),
    ]
    planning = worker_client.get(reverse("interim:planning")).content.decode()
    assert "Total de vos heures du mois : 24 heures" in planning
    assert payroll.available_amount(world.worker) == Decimal("230.40")  # 24 h x 12 € x 80 %
    decided = OutboundMessage.objects.get(event="interim.timesheet_decided")
    assert decided.recipient == world.client_user.email and "validées" in decided.body
    # Validating twice does nothing more.
    staff.post(reverse("interim:timesheet_act", args=[timesheet.pk, "validate"]))
    assert PlanningSlot.objects.filter(contract=contract).count() == 3


def test_the_agency_sends_back_with_a_reason_and_the_client_corrects(world, contract):
    post_week(world, contract, ["8"], action="submit")
    timesheet = Timesheet.objects.get(contract=contract)
    staff = world.client_for("staff")
    act = reverse("interim:timesheet_act", args=[timesheet.pk, "return"])
    staff.post(act, {"reason": ""})
    assert Timesheet.objects.get(pk=timesheet.pk).state == TimesheetState.SUBMITTED
    staff.post(act, {"reason": "Le lundi était férié pour ce client"})
    timesheet.refresh_from_db()
    assert timesheet.state == TimesheetState.RETURNED
    message = OutboundMessage.objects.get(event="interim.timesheet_decided")
    assert "Le lundi était férié pour ce client" in message.body
    page = world.client_for("client").get(reverse("interim:timesheet_entry")).content.decode()
    assert "Renvoyée par l’agence : Le lundi était férié pour ce client" in page
    post_week(world, contract, ["", "8"], action="submit")
    timesheet.refresh_from_db()
    assert timesheet.state == TimesheetState.SUBMITTED
    assert [e.date.day for e in timesheet.entries.all()] == [13]


# --- Queries ---------------------------------------------------------------------------------------


def test_the_entry_page_is_constant_in_queries(world):
    def make(n):
        for _ in range(n):
            extra = placed_contract(
                world.client_company,
                worker=WorkerFactory(agency=world.agency),
                mission__start_date=MONDAY,
                mission__end_date=MONDAY + datetime.timedelta(days=6),
            )
            timesheet_with_hours(extra, state=TimesheetState.DRAFT)

    assert_constant_queries(world.client_for("client"), reverse("interim:timesheet_entry"), make)


def test_the_list_is_constant_in_queries(world):
    def make(n):
        for _ in range(n):
            timesheet_with_hours(placed_contract(world.client_company, worker=WorkerFactory(agency=world.agency)))

    assert_constant_queries(world.client_for("client"), reverse("interim:timesheets"), make)
    assert_constant_queries(world.client_for("staff"), reverse("interim:timesheets"), make)


def test_the_agency_queue_shows_the_sent_sheets_unless_asked(world, contract):
    timesheet_with_hours(contract, state=TimesheetState.VALIDATED)
    sent = placed_contract(world.client_company, worker=WorkerFactory(agency=world.agency), reference="ENVOYEE")
    timesheet_with_hours(sent)
    staff = world.client_for("staff")
    page = staff.get(reverse("interim:timesheets")).content.decode()
    assert "ENVOYEE" in page and "80K6AE1FD" not in page and "À valider (transmises)" in page
    page = staff.get(reverse("interim:timesheets"), {"state": "all"}).content.decode()
    assert "ENVOYEE" in page and "80K6AE1FD" in page
    page = staff.get(reverse("interim:timesheets"), {"state": "validated"}).content.decode()
    assert "ENVOYEE" not in page and "80K6AE1FD" in page
    assert "ENVOYEE" not in world.client_for("foreign_staff").get(reverse("interim:timesheets")).content.decode()


def test_the_client_dashboard_panel_counts_its_week(world, contract):
    timesheet_with_hours(contract, state=TimesheetState.DRAFT)
    page = world.client_for("client").get(reverse("portal:dashboard")).content.decode()
    assert "1 intérimaire en mission chez vous cette semaine" in page
    assert "1 feuille d’heures en brouillon ou renvoyée" in page
    # French takes the singular for 0 (the French plural catalogue, manage.py french_plurals).
    assert "0 feuille d’heures transmise, en attente de l’agence" in page
    assert reverse("interim:timesheet_entry") in page


def test_my_data_holds_the_hours_entered_and_the_signing_trail_of_each_contract():
    """The worker's export (Mes données) carries what others recorded about them: the client's hours
    week by week, the signing trail (addresses, browsers), the amendments; in constant queries."""
    from core.spaces import get
    from interim.enums import AuditEvent
    from interim.signature import audit_append

    worker = WorkerFactory()
    client = ClientFactory()

    def contract_with_hours(_n=1):
        for _i in range(_n):
            contract = placed_contract(client, worker=worker)
            audit_append(contract, AuditEvent.SIGNED)
            timesheet_with_hours(contract, minutes=420, days=(0, 2))

    contract_with_hours()
    export = get("interim").export
    data = export(worker.user)
    contract = data["fiches_intérimaire"][0]["contrats"][0]
    sheet = contract["feuilles_d_heures"][0]
    assert [entry["minutes"] for entry in sheet["heures"]] == [420, 420]
    assert sheet["state_label"] and contract["journal_de_signature"][0]["event"] == "signed"
    assert_constant_queries(lambda: export(worker.user), make_rows=contract_with_hours, few=1, more=3)
