"""A communication's timeline event is placed when it was recorded, like every other event.

It used to carry the communication's own time, typed to the minute (or days back for a letter),
so a call logged seconds after "start" could be shown before it. The time it took place stays on
the communication and is shown as the event's content.
"""

from django.db import migrations
from django.db.models import OuterRef, Subquery


def _events_at(apps, field):
    Event = apps.get_model("workorders", "WorkOrderEvent")
    Communication = apps.get_model("workorders", "Communication")
    when = Communication.objects.filter(pk=OuterRef("communication_id")).values(field)[:1]
    Event.objects.filter(kind="communication", communication__isnull=False).update(at=Subquery(when))


def at_recording_time(apps, schema_editor):
    _events_at(apps, "created_at")


def at_communication_time(apps, schema_editor):
    _events_at(apps, "at")


class Migration(migrations.Migration):
    dependencies = [("workorders", "0005_attachments")]

    operations = [migrations.RunPython(at_recording_time, at_communication_time)]
