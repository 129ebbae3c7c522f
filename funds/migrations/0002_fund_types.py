"""Reference data: the fund types (national codes where they exist, local 9xxxxx codes
otherwise; see ``funds.models.FUND_TYPE_DEFAULTS``)."""

from django.db import migrations

FUND_TYPES = [
    ("310100", "职工基本医疗保险统筹基金", "Employee pooled fund"),
    ("310200", "职工基本医疗保险个人账户", "Employee personal accounts"),
    ("330100", "大额医疗费用补助金", "Large-expense relief fund"),
    ("390100", "城乡居民基本医疗保险基金", "Resident fund"),
    ("390200", "城乡居民大病保险", "Resident critical illness"),
    ("910100", "市级统筹大病保险", "City critical-illness insurance"),
    ("910200", "省级统筹大病保险", "Provincial critical-illness insurance"),
    ("920100", "生育保险基金", "Maternity insurance fund"),
    ("930100", "长期护理保险基金", "Long-term care insurance fund"),
    ("990100", "市级调剂金", "Risk-adjustment fund"),
]


def load(apps, schema_editor):
    FundType = apps.get_model("funds", "FundType")
    for code, name, name_en in FUND_TYPES:
        FundType.objects.update_or_create(code=code, defaults={"name": name, "name_en": name_en})


class Migration(migrations.Migration):
    dependencies = [("funds", "0001_initial")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
