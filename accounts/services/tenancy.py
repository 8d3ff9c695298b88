"""Memberships: the organisation a user works for."""

from django.db import transaction
from django.utils import timezone

from ..models import Membership


@transaction.atomic
def membership_select(*, membership):
    """Remembers the membership the user chose, so their next session opens on it."""
    Membership.objects.filter(pk=membership.pk).update(last_selected_at=timezone.now())
