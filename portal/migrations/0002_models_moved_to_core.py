from django.db import migrations


class Migration(migrations.Migration):
    """The history, outbox, preferences and job-run models now belong to the core app (same tables)."""

    dependencies = [
        ("portal", "0001_initial"),
        ("core", "0001_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[
                migrations.DeleteModel(name="JobRun"),
                migrations.DeleteModel(name="NotificationPreference"),
                migrations.DeleteModel(name="OutboundMessage"),
                migrations.DeleteModel(name="Transition"),
            ],
        ),
    ]
