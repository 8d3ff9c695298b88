"""Advance payment dates and the amount available for an advance.

Payment date (Europe/Paris): advances are paid on Wednesdays. A request in by Tuesday 23:59 is paid
that week's Wednesday; a later one (Wednesday 00:00 onwards) the next Wednesday. None is paid after
the last Wednesday of the month: a request made after it falls on the first Wednesday of the next
month, and counts against that month's pay.

Public holidays, our choice: a payment Wednesday that is a French public holiday (banks closed) is
moved to the next working day, the Thursday, and the form says so in words before the request is
sent ("Le mercredi 1er mai est férié : versement le jeudi 2 mai"). Only fixed-date holidays can fall
on a Wednesday (Easter Monday and Whit Monday are Mondays, Ascension a Thursday), so the list below
is complete without computing Easter.

Available amount: a share of the pay for the month's validated hours (`Agency.advance_share`, 80% by
default; hours x the mission's hourly rate), minus the advances already asked for that month
(pending, accepted or paid). Payroll still checks the amount against the hours when it accepts.
"""

import datetime
from dataclasses import dataclass
from decimal import ROUND_DOWN, Decimal
from zoneinfo import ZoneInfo

from django.db.models import DecimalField, ExpressionWrapper, F, Sum
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

PARIS = ZoneInfo("Europe/Paris")
WEDNESDAY = 2
FIXED_HOLIDAYS = {(1, 1), (5, 1), (5, 8), (7, 14), (8, 15), (11, 1), (11, 11), (12, 25)}


@dataclass(frozen=True)
class PaymentDate:
    wednesday: datetime.date  # the Wednesday the request is for (its pay month)
    date: datetime.date  # the day the advance is paid (the Wednesday, or the Thursday after a holiday)
    holiday: bool

    @property
    def explanation(self):
        if self.holiday:
            return _("Le %(wednesday)s est férié : l’acompte sera versé le %(date)s.") % {
                "wednesday": date_format(self.wednesday, "l j F Y"),
                "date": date_format(self.date, "l j F Y"),
            }
        return _("Votre acompte sera versé le %(date)s.") % {"date": date_format(self.date, "l j F Y")}


def is_public_holiday(day):
    return (day.month, day.day) in FIXED_HOLIDAYS


def payment_date_for(moment=None):
    """The payment date of a request made at `moment` (aware datetime; default now)."""
    local = timezone.localtime(moment or timezone.now(), PARIS).date()
    days = (WEDNESDAY - local.weekday()) % 7  # Mon -> 2, Tue -> 1, Wed -> 0
    if days == 0:  # Wednesday itself is after the Tuesday 23:59 deadline
        days = 7
    wednesday = local + datetime.timedelta(days=days)
    if is_public_holiday(wednesday):
        return PaymentDate(wednesday=wednesday, date=wednesday + datetime.timedelta(days=1), holiday=True)
    return PaymentDate(wednesday=wednesday, date=wednesday, holiday=False)


def month_bounds(day):
    first = day.replace(day=1)
    following = (first + datetime.timedelta(days=32)).replace(day=1)
    return first, following


def validated_pay(worker, day):
    """Gross pay of the worker's validated slots in the month of `day` (hours x hourly rate)."""
    from .enums import SlotState

    first, following = month_bounds(day)
    total = worker.slots.filter(state=SlotState.VALIDATED, date__gte=first, date__lt=following).aggregate(
        pay=Sum(
            ExpressionWrapper(
                F("minutes") * F("contract__mission__hourly_rate") / 60,
                output_field=DecimalField(max_digits=12, decimal_places=2),
            )
        )
    )["pay"]
    return Decimal(total or 0)


def available_amount(worker, moment=None, *, exclude=None):
    """What the worker may still ask for the month their next payment date falls in."""
    from .enums import AdvanceState

    payment = payment_date_for(moment)
    first, following = month_bounds(payment.wednesday)
    share = Decimal(worker.agency.advance_share)
    asked = worker.advances.filter(
        state__in=[AdvanceState.PENDING, AdvanceState.ACCEPTED, AdvanceState.PAID],
        payment_date__gte=first,
        payment_date__lt=following,
    )
    if exclude is not None:
        asked = asked.exclude(pk=exclude.pk)
    already = asked.aggregate(total=Sum("amount"))["total"] or Decimal(0)
    available = (validated_pay(worker, payment.wednesday) * share - already).quantize(
        Decimal("0.01"), rounding=ROUND_DOWN
    )
    return max(available, Decimal(0))


def available_for_advances(advances):
    """{advance pk: what its worker may still have for the advance's month, the advance itself
    excluded}, for a page of advances in two queries per month (not two per advance).

    The same computation as available_amount, done per worker in aggregate queries: the agency's
    queue shows, next to each amount asked, the most that the validated hours allow."""
    from .enums import AdvanceState, SlotState
    from .models import Advance, PlanningSlot

    advances = list(advances)
    by_month = {}
    for advance in advances:
        by_month.setdefault(month_bounds(advance.payment_date), []).append(advance)
    result = {}
    for (first, following), rows in by_month.items():
        worker_ids = {a.worker_id for a in rows}
        pay = dict(
            PlanningSlot.objects.filter(
                worker_id__in=worker_ids, state=SlotState.VALIDATED, date__gte=first, date__lt=following
            )
            .values("worker_id")
            .annotate(
                pay=Sum(
                    ExpressionWrapper(
                        F("minutes") * F("contract__mission__hourly_rate") / 60,
                        output_field=DecimalField(max_digits=12, decimal_places=2),
                    )
                )
            )
            .values_list("worker_id", "pay")
        )
        asked = dict(
            Advance.objects.filter(
                worker_id__in=worker_ids,
                state__in=[AdvanceState.PENDING, AdvanceState.ACCEPTED, AdvanceState.PAID],
                payment_date__gte=first,
                payment_date__lt=following,
            )
            .values("worker_id")
            .annotate(total=Sum("amount"))
            .values_list("worker_id", "total")
        )
        for advance in rows:
            already = Decimal(asked.get(advance.worker_id) or 0)
            if advance.state in (AdvanceState.PENDING, AdvanceState.ACCEPTED, AdvanceState.PAID):
                already -= advance.amount
            share = Decimal(advance.worker.agency.advance_share)
            available = (Decimal(pay.get(advance.worker_id) or 0) * share - already).quantize(
                Decimal("0.01"), rounding=ROUND_DOWN
            )
            result[advance.pk] = max(available, Decimal(0))
    return result
