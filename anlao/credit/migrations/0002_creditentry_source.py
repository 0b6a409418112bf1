"""Every line names its source generically (``source``, ``source_id``): the visit and run
lines are copied over; the content type follows the model to the credit app."""

from django.db import migrations, models
from django.db.models import F

VISIT = "homecare.visit"
RUN = "benefits.run"


def copy_sources(apps, schema_editor):
    entry = apps.get_model("credit", "CreditEntry")
    entry.objects.filter(visit__isnull=False).update(source=VISIT, source_id=F("visit_id"))
    entry.objects.filter(visit__isnull=True, run__isnull=False).update(
        source=RUN, source_id=F("run_id"))


def copy_visits_back(apps, schema_editor):
    entry = apps.get_model("credit", "CreditEntry")
    entry.objects.filter(source=VISIT).update(visit_id=F("source_id"))


def _move_content_type(apps, old: str, new: str) -> None:
    content_type = apps.get_model("contenttypes", "ContentType")
    if not content_type.objects.filter(app_label=new, model="creditentry").exists():
        content_type.objects.filter(app_label=old, model="creditentry").update(app_label=new)


def content_type_to_credit(apps, schema_editor):
    _move_content_type(apps, "homecare", "credit")


def content_type_to_homecare(apps, schema_editor):
    _move_content_type(apps, "credit", "homecare")


class Migration(migrations.Migration):

    dependencies = [
        ('contenttypes', '0002_remove_content_type_name'),
        ('credit', '0001_creditentry_from_homecare'),
    ]

    operations = [
        migrations.AddField(
            model_name='creditentry',
            name='source',
            field=models.CharField(blank=True, max_length=32, verbose_name='source'),
        ),
        migrations.AddField(
            model_name='creditentry',
            name='source_id',
            field=models.BigIntegerField(blank=True, null=True, verbose_name='source record'),
        ),
        migrations.RunPython(copy_sources, copy_visits_back),
        migrations.RunPython(content_type_to_credit, content_type_to_homecare),
    ]
