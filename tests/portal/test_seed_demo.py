import pytest
from django.contrib.auth.password_validation import validate_password
from django.core.management import CommandError, call_command

from accounts.enums import KIND_SPACE, OrganisationKind, Role
from accounts.models import ConsentText, Membership, Organisation, User
from portal.management.commands.seed_demo import ACCOUNTS


@pytest.mark.django_db
def test_seed_demo_is_refused_without_debug(settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="DEBUG"):
        call_command("seed_demo")
    assert not User.objects.exists()


@pytest.mark.django_db
def test_seed_demo_creates_every_kind_and_role_once(settings, capsys):
    settings.DEBUG = True
    call_command("seed_demo")
    call_command("seed_demo")  # idempotent
    assert set(Organisation.objects.values_list("kind", flat=True)) == set(OrganisationKind.values)
    assert set(Membership.objects.values_list("role", flat=True)) == set(Role.values)
    assert User.objects.count() == len(ACCOUNTS)
    assert set(ConsentText.objects.values_list("space", flat=True)) == set(KIND_SPACE.values())
    out = capsys.readouterr().out
    for spec in ACCOUNTS:
        assert spec.identifier in out
        user = User.objects.get(identifier=spec.identifier)
        assert user.check_password(spec.password)
        validate_password(spec.password, user)  # demo passwords follow each space's policy
    for membership in Membership.objects.select_related("organisation"):
        membership.full_clean()  # every demo role is valid for its organisation's kind


def test_readme_lists_every_demo_account():
    readme = (settings_module_root() / "README.md").read_text(encoding="utf-8")
    table = readme[readme.index("<!-- demo-accounts -->") : readme.index("<!-- /demo-accounts -->")]
    for spec in ACCOUNTS:
        assert f"| `{spec.identifier}` | `{spec.password}` |" in table, f"README lacks demo account {spec.identifier}"


def settings_module_root():
    from django.conf import settings

    return settings.BASE_DIR
