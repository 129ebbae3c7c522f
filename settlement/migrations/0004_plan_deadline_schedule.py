"""The Celery beat entry that checks the usage-plan cycle's deadlines every morning."""

from django.db import migrations


def create(apps, schema_editor):
    CrontabSchedule = apps.get_model("django_celery_beat", "CrontabSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    crontab, _ = CrontabSchedule.objects.get_or_create(
        minute="0", hour="8", day_of_month="*", month_of_year="*", day_of_week="*",
        timezone="Asia/Shanghai",
    )
    PeriodicTask.objects.get_or_create(
        name="settlement-plan-deadlines",
        defaults={"task": "settlement.tasks.plan_deadlines_check_task", "crontab": crontab},
    )


def remove(apps, schema_editor):
    apps.get_model("django_celery_beat", "PeriodicTask").objects.filter(
        name="settlement-plan-deadlines"
    ).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("settlement", "0003_usage_plans"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(create, remove)]
