import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    """Erasure requests carry the one decision stamp of core.models.Decided (processed_* and reason renamed)."""

    dependencies = [
        ("accounts", "0007_user_session_details"),
    ]

    operations = [
        migrations.RenameField(model_name="erasurerequest", old_name="processed_at", new_name="decided_at"),
        migrations.RenameField(model_name="erasurerequest", old_name="processed_by", new_name="decided_by"),
        migrations.RenameField(model_name="erasurerequest", old_name="reason", new_name="decision_reason"),
        migrations.AlterField(
            model_name="erasurerequest",
            name="decided_at",
            field=models.DateTimeField(blank=True, null=True, verbose_name="décidé le"),
        ),
        migrations.AlterField(
            model_name="erasurerequest",
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
        migrations.AlterField(
            model_name="erasurerequest",
            name="decision_reason",
            field=models.TextField(blank=True, verbose_name="motif de la décision"),
        ),
    ]
