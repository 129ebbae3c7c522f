"""Demo data of collection files: the tax bureau's file for a month already assessed."""

import datetime

from django.db.models import Sum

from enrollment.contributions.models import Assessment
from pooling.structure.models import Municipality


def demo_collection_file(municipality: Municipality, month: datetime.date) -> bytes:
    """A tax-bureau file paying every employer's month in full, and most flexible workers."""
    lines = ["payer_code,month,amount"]
    per_employer = (
        Assessment.objects.filter(municipality=municipality, month=month, employer__isnull=False)
        .values("employer__credit_code")
        .annotate(total=Sum("total_due"))
        .order_by("employer__credit_code")
    )
    for row in per_employer:
        lines.append(f"{row['employer__credit_code']},{month:%Y-%m},{row['total']}")
    solo = Assessment.objects.filter(
        municipality=municipality, month=month, employer__isnull=True
    ).values_list("person__id_number", "total_due")
    for number, (id_number, total) in enumerate(solo.order_by("person__id_number")):
        if number % 10:  # one in ten flexible workers is in arrears
            lines.append(f"{id_number},{month:%Y-%m},{total}")
    return ("\n".join(lines) + "\n").encode()
