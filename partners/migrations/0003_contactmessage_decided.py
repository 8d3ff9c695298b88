import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    """Contact messages carry the one decision stamp of core.models.Decided (closed_* renamed)."""

    dependencies = [
        ("partners", "0002_reference_data"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RenameField(model_name="contactmessage", old_name="closed_at", new_name="decided_at"),
        migrations.RenameField(model_name="contactmessage", old_name="closed_by", new_name="decided_by"),
        migrations.AlterField(
            model_name="contactmessage",
            name="decided_at",
            field=models.DateTimeField(blank=True, null=True, verbose_name="décidé le"),
        ),
        migrations.AlterField(
            model_name="contactmessage",
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
        migrations.AddField(
            model_name="contactmessage",
            name="decision_reason",
            field=models.TextField(blank=True, verbose_name="motif de la décision"),
        ),
    ]
