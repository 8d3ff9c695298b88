"""Advance payment dates (Europe/Paris) and the available amount."""

import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from interim import payroll
from interim.enums import AdvanceState, SlotState

from .factories import AdvanceFactory, ContractFactory, SlotFactory

PARIS = ZoneInfo("Europe/Paris")


def at(y, m, d, h=12, minute=0):
    return datetime.datetime(y, m, d, h, minute, tzinfo=PARIS)


@pytest.mark.parametrize(
    ("moment", "expected"),
    [
        (at(2026, 11, 23), datetime.date(2026, 11, 25)),  # Monday -> that Wednesday
        (at(2026, 11, 24, 23, 59), datetime.date(2026, 11, 25)),  # Tuesday 23:59 Paris -> that Wednesday
        (at(2026, 11, 25, 0, 0), datetime.date(2026, 12, 2)),  # Wednesday 00:00 -> next Wednesday
        (at(2026, 11, 26), datetime.date(2026, 12, 2)),  # after the last Wednesday of November -> first of December
        (at(2026, 11, 29), datetime.date(2026, 12, 2)),  # Sunday
        # Tuesday 23:30 in Paris is already Tuesday 22:30 UTC: the deadline is read in Paris time
        (datetime.datetime(2026, 11, 24, 22, 30, tzinfo=datetime.UTC), datetime.date(2026, 11, 25)),
        (datetime.datetime(2026, 11, 24, 23, 30, tzinfo=datetime.UTC), datetime.date(2026, 12, 2)),
    ],
)
def test_payment_date(moment, expected):
    assert payroll.payment_date_for(moment).date == expected


def test_a_public_holiday_wednesday_moves_to_thursday_and_says_so():
    result = payroll.payment_date_for(at(2030, 4, 29))  # Monday; Wednesday 1 May 2030 is a holiday
    assert result.wednesday == datetime.date(2030, 5, 1) and result.date == datetime.date(2030, 5, 2)
    assert result.holiday and "férié" in result.explanation


@pytest.mark.django_db
def test_available_amount_is_a_share_of_validated_pay_minus_advances(world):
    contract = ContractFactory(worker=world.worker)  # 12.00 € an hour
    wednesday = payroll.payment_date_for().wednesday
    day = wednesday.replace(day=1)
    SlotFactory(contract=contract, date=day, minutes=600, state=SlotState.VALIDATED)  # 10 h -> 120 €
    SlotFactory(contract=contract, date=day, minutes=600, state=SlotState.PENDING)  # not counted
    assert payroll.available_amount(world.worker) == Decimal("96.00")  # 80 %
    AdvanceFactory(worker=world.worker, amount=Decimal("40"), payment_date=wednesday)
    AdvanceFactory(worker=world.worker, amount=Decimal("30"), payment_date=wednesday, state=AdvanceState.REFUSED)
    assert payroll.available_amount(world.worker) == Decimal("56.00")
    world.agency.advance_share = Decimal("0.50")
    world.agency.save()
    world.worker.refresh_from_db()
    assert payroll.available_amount(world.worker) == Decimal("20.00")
