import io

import pytest
from django.core.management import call_command

from partners.models import Convention, Partner, PreRegistration


@pytest.mark.django_db
def test_seed_demo_is_idempotent(settings):
    settings.DEBUG = True
    call_command("seed_demo", stdout=io.StringIO())
    call_command("seed_demo", stdout=io.StringIO())
    assert Partner.objects.count() == 1
    assert Convention.objects.count() == 3  # two conventions of the partner, its evaluation convention
    assert PreRegistration.objects.count() == 1
