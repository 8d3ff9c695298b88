import datetime
import time

import pytest
from django.utils import timezone

from tests.utils.clock import FROZEN_AT, PARIS


def test_every_test_starts_at_the_frozen_instant():
    assert abs(timezone.now() - FROZEN_AT) < datetime.timedelta(minutes=1)
    assert timezone.localdate() == FROZEN_AT.date()
    assert abs(time.time() - FROZEN_AT.timestamp()) < 60


def test_the_clock_can_be_moved(clock):
    clock.shift(datetime.timedelta(days=15))
    assert timezone.localdate() == FROZEN_AT.date() + datetime.timedelta(days=15)


@pytest.mark.clock(at=datetime.datetime(2026, 12, 31, 23, 59, 59, tzinfo=PARIS), tick=False)
def test_the_marker_picks_the_start_and_stops_the_clock():
    first = timezone.now()
    time.sleep(0.01)
    assert timezone.now() == first
    assert timezone.localdate() == datetime.date(2026, 12, 31)


@pytest.mark.real_clock
def test_real_clock_opts_out(clock):
    assert clock is None
    assert abs(time.time() - FROZEN_AT.timestamp()) > 60
