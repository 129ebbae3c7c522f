"""The enrollment app: who is insured and what they owe (people, contributions, collection
files, personal accounts, outpatient care). Here its capabilities and menu entries."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EnrollmentConfig(AppConfig):
    name = "enrollment"
    verbose_name = _("enrollment")

    def ready(self) -> None:
        from pooling.accounts.models import Role
        from pooling.core.access import ALL_ROLES, register
        from pooling.core.navigation import register_navigation

        register("enrollment.view_enrollment", ALL_ROLES)
        register(
            "enrollment.change_enrollment",
            {Role.AGENCY_CLERK, Role.COUNTY_OFFICER, Role.ADMINISTRATOR},
        )
        register("enrollment.run_assessment", {Role.AGENCY_CLERK, Role.ADMINISTRATOR})
        register("enrollment.view_collections", ALL_ROLES - {Role.COUNTY_OFFICER})
        register(
            "enrollment.import_collections",
            {Role.AGENCY_CLERK, Role.FINANCE_OFFICER, Role.ADMINISTRATOR},
        )
        register_navigation(
            _("Employers"), "enrollment:employer_list", "enrollment.view_enrollment"
        )
        register_navigation(
            _("Insured people"), "enrollment:person_list", "enrollment.view_enrollment"
        )
        register_navigation(
            _("Contribution rules"), "enrollment:contribution_rules", "enrollment.view_enrollment"
        )
        register_navigation(
            _("Assessments"), "enrollment:assessment_list", "enrollment.view_enrollment"
        )
        register_navigation(
            _("Collections"), "enrollment:collection_list", "enrollment.view_collections"
        )
        register_navigation(_("Top-ups"), "enrollment:top_up", "enrollment.view_enrollment")
        # The resident scheme (DOMAIN §13): same capabilities as the employee side.
        register_navigation(
            _("Resident enrollment"), "enrollment:resident_list", "enrollment.view_enrollment"
        )
        register_navigation(
            _("Resident arrears"), "enrollment:resident_arrears", "enrollment.view_enrollment"
        )
        # Outpatient specified diseases and out-of-area filings: county offices and the city
        # agency take applications and decide them (county officers: their county); the city
        # keeps the disease catalogue.
        register("enrollment.view_care", ALL_ROLES)
        register(
            "enrollment.apply_care", {Role.AGENCY_CLERK, Role.COUNTY_OFFICER, Role.ADMINISTRATOR}
        )
        register(
            "enrollment.decide_care", {Role.AGENCY_CLERK, Role.COUNTY_OFFICER, Role.ADMINISTRATOR}
        )
        register(
            "enrollment.change_disease_catalogue",
            {Role.AGENCY_CLERK, Role.BUREAU_APPROVER, Role.ADMINISTRATOR},
        )
        register_navigation(
            _("Specified diseases"), "enrollment:disease_list", "enrollment.view_care"
        )
        register_navigation(
            _("Out-of-area filings"), "enrollment:filing_list", "enrollment.view_care"
        )
