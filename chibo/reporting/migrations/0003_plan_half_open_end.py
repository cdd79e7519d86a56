"""Plans join the dated vocabulary: their end was stored inclusive ("đến hết" 31/12/2025), it is now
half-open like every dated row (valid_until 01/01/2026, the first day the plan no longer applies).
Forward adds a day to each stored end, backward takes it off; the check constraint every dated table
carries comes after the data, so rows whose last day was their first day pass it."""

import datetime as dt

from django.db import migrations, models

DAY = dt.timedelta(days=1)


def _shift(apps, days: int) -> None:
    Plan = apps.get_model("reporting", "Plan")
    plans = list(Plan.objects.exclude(valid_until=None).only("pk", "valid_until"))
    for plan in plans:
        plan.valid_until += days * DAY
    Plan.objects.bulk_update(plans, ["valid_until"], batch_size=500)


def to_half_open(apps, schema_editor):
    _shift(apps, +1)


def to_inclusive(apps, schema_editor):
    _shift(apps, -1)


class Migration(migrations.Migration):
    dependencies = [
        ("reporting", "0002_report_jobs"),
    ]

    operations = [
        migrations.AlterField(
            model_name="plan",
            name="valid_until",
            field=models.DateField(
                blank=True,
                help_text="Ngày đầu tiên không còn áp dụng; trống nếu chưa có.",
                null=True,
                verbose_name="hết hiệu lực từ ngày",
            ),
        ),
        migrations.RunPython(to_half_open, to_inclusive),
        migrations.AddConstraint(
            model_name="plan",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    ("valid_until__isnull", True),
                    ("valid_until__gt", models.F("valid_from")),
                    _connector="OR",
                ),
                name="plan_ends_after_start",
            ),
        ),
    ]
