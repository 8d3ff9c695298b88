"""Regimes and their funds (accounts.Organisation), partner types and convention types."""

from django.db import migrations


def load(apps, schema_editor):
    from partners.reference import load as load_reference

    load_reference(
        apps.get_model("accounts", "Organisation"),
        apps.get_model("partners", "PartnerType"),
        apps.get_model("partners", "ConventionType"),
    )


class Migration(migrations.Migration):
    dependencies = [
        ("partners", "0001_initial"),
        ("accounts", "0002_user_sessions_temporary_password_used"),
    ]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
