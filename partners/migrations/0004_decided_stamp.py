import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models
from django.db.models.functions import Lower


class Migration(migrations.Migration):
    """Pre-registrations and conventions carry the one decision stamp of core.models.Decided
    (`reason` renamed `decision_reason`); a partner may withdraw a pending convention (state
    `withdrawn`, which frees its code like an invalidation)."""

    dependencies = [
        ("partners", "0003_contactmessage_decided"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RenameField(model_name="preregistration", old_name="reason", new_name="decision_reason"),
        migrations.RenameField(model_name="convention", old_name="reason", new_name="decision_reason"),
        *[
            operation
            for model in ("preregistration", "convention")
            for operation in (
                migrations.AlterField(
                    model_name=model,
                    name="decision_reason",
                    field=models.TextField(blank=True, verbose_name="motif de la décision"),
                ),
                migrations.AlterField(
                    model_name=model,
                    name="decided_at",
                    field=models.DateTimeField(blank=True, null=True, verbose_name="décidé le"),
                ),
                migrations.AlterField(
                    model_name=model,
                    name="decided_by",
                    field=models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="décidé par",
                    ),
                ),
            )
        ],
        migrations.AlterField(
            model_name="convention",
            name="state",
            field=models.CharField(
                choices=[
                    ("awaiting", "En attente de validation"),
                    ("validated", "Validée"),
                    ("invalidated", "Invalidée"),
                    ("withdrawn", "Retirée par le partenaire"),
                ],
                default="awaiting",
                max_length=12,
                verbose_name="état",
            ),
        ),
        migrations.RemoveConstraint(model_name="convention", name="partners_convention_fund_code_unique"),
        migrations.AddConstraint(
            model_name="convention",
            constraint=models.UniqueConstraint(
                Lower("code"),
                models.F("fund"),
                condition=~models.Q(state__in=["invalidated", "withdrawn"]),
                name="partners_convention_fund_code_unique",
                violation_error_message="Ce code convention est déjà enregistré pour cette caisse.",
            ),
        ),
    ]
