"""Builders of specified-disease applications."""

import datetime

from enrollment.care import services

D = datetime.date


def disease_apply(person, disease, actor):
    return services.disease_application_submit(
        person=person, disease=disease, applied_on=D(2026, 3, 1), actor=actor
    )
