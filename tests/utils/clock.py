"""A frozen clock for the tests: every test reads the same date and time (tests/conftest.py).

Each test starts at FROZEN_AT (a Tuesday, 10:00 in Paris: far from midnight, the end of a month or
of a year), so a test that reads the clock gives the same answer whatever the day it runs. The clock
ticks on from there by default (waits, timeouts and row-lock races still see time pass). A test moves
it or stops it through the `clock` fixture, or picks another start with the `clock` marker:

    def test_expiry(clock):
        clock.shift(datetime.timedelta(days=15))       # fifteen days later
        clock.move_to(datetime.datetime(2026, 12, 31, 23, 59, tzinfo=PARIS))

    @pytest.mark.clock(at=datetime.datetime(2026, 12, 31, 23, 59, tzinfo=PARIS), tick=False)
    def test_new_year(clock): ...

    @pytest.mark.real_clock       # the real time: tests that talk to other processes (a worker, a browser)
    def test_worker(): ...

Outside pytest (a helper, a shell): `with frozen_clock(at, tick=False) as clock: ...`.
"""

import contextlib
import datetime
from zoneinfo import ZoneInfo

import time_machine

PARIS = ZoneInfo("Europe/Paris")
FROZEN_AT = datetime.datetime(2026, 3, 10, 10, 0, tzinfo=PARIS)


@contextlib.contextmanager
def frozen_clock(at: datetime.datetime = FROZEN_AT, *, tick: bool = True):
    """Python's clock (time.time, datetime.now, date.today, django.utils.timezone.now) set to `at`;
    yields a time_machine traveller (shift(delta), move_to(datetime))."""
    with time_machine.travel(at, tick=tick) as traveller:
        yield traveller
