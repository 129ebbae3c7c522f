from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EnrollmentConfig(AppConfig):
    name = "enrollment"
    verbose_name = _("enrollment")

    def ready(self) -> None:
        from pooling.access import ALL_ROLES, register
        from pooling.context_processors import register_navigation
        from pooling.models import Role

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
