"""Writes the benefit catalogue (benefits.catalogue) so that every environment starts with it."""

from django.db import migrations


def forwards(apps, schema_editor):
    from benefits.catalogue import CATALOGUE

    BenefitType = apps.get_model("benefits", "BenefitType")
    for spec in CATALOGUE:
        values = {key: value for key, value in spec.items() if key not in ("code", "amount")}
        BenefitType.objects.update_or_create(code=spec["code"], defaults=values)


class Migration(migrations.Migration):
    dependencies = [("benefits", "0001_initial")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
