from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SettlementConfig(AppConfig):
    name = "settlement"
    verbose_name = _("monthly cycle")

    def ready(self) -> None:
        from pooling.accounts.models import Role
        from pooling.core.access import ALL_ROLES, CITY_ROLES, register
        from pooling.core.navigation import register_navigation

        register("settlement.view_cycles", CITY_ROLES)
        register("settlement.view_remittances", ALL_ROLES)
        register("settlement.run_cycle", {Role.AGENCY_CLERK})
        register("settlement.change_schedule", {Role.AGENCY_CLERK, Role.ADMINISTRATOR})
        register_navigation(_("Monthly cycle"), "settlement:cycle_list", "settlement.view_cycles")
        register_navigation(
            _("Remittances"), "settlement:remittance_list", "settlement.view_remittances"
        )
        # Usage plans and the monthly funding cycle (N 三(四)4): each role its own step only.
        register("settlement.view_plans", ALL_ROLES)
        register("settlement.view_city_plans", CITY_ROLES)
        register("settlement.submit_plans", {Role.COUNTY_OFFICER})
        register("settlement.review_plans", {Role.AGENCY_CLERK})
        register("settlement.approve_plans", {Role.BUREAU_APPROVER})
        register("settlement.confirm_disbursement", {Role.FINANCE_OFFICER})
        register("settlement.allocate", {Role.AGENCY_CLERK})
        register_navigation(
            _("Annual plans"), "settlement:annual_plan_list", "settlement.view_plans"
        )
        register_navigation(_("Usage plans"), "settlement:usage_plan_list", "settlement.view_plans")
        register_navigation(
            _("Plan dashboard"), "settlement:plan_dashboard", "settlement.view_city_plans"
        )
        register_navigation(
            _("Notifications"), "settlement:notification_list", "settlement.view_plans"
        )
        # Year end: targets (Z 四(八)) and the adjustment fund (Z 四(九)). Everyone reads
        # (county officers their own county's rows); city staff set targets; the agency runs.
        register("settlement.view_targets", ALL_ROLES)
        register("settlement.set_targets", {Role.AGENCY_CLERK, Role.BUREAU_APPROVER})
        register("settlement.view_adjustment", ALL_ROLES)
        register("settlement.run_adjustment", {Role.AGENCY_CLERK})
        register_navigation(_("Targets"), "settlement:target_report", "settlement.view_targets")
        register_navigation(
            _("Adjustment fund"), "settlement:adjustment_year", "settlement.view_adjustment"
        )
        # Designated institutions: county officers admit and review their county's (J 二(四)).
        register("settlement.view_institutions", ALL_ROLES)
        register(
            "settlement.change_institutions",
            {Role.AGENCY_CLERK, Role.COUNTY_OFFICER, Role.ADMINISTRATOR},
        )
        register_navigation(
            _("Designated institutions"),
            "settlement:institution_list",
            "settlement.view_institutions",
        )
        # Benefit settlements: the county enters, reviews and pays its institutions'
        # statements; the city agency may do the same for any county; auditors read.
        county_and_agency = {Role.AGENCY_CLERK, Role.COUNTY_OFFICER, Role.ADMINISTRATOR}
        register("settlement.view_benefits", ALL_ROLES)
        register("settlement.enter_benefits", county_and_agency)
        register("settlement.review_benefits", county_and_agency)
        register("settlement.pay_benefits", county_and_agency)
        register_navigation(
            _("Benefit settlements"), "settlement:benefit_list", "settlement.view_benefits"
        )
        # Benefit standards (J 二(三)): the bureau sets them; claims (J 二(四)2): the county
        # and the agency enter them for their institutions, the agency settles the month.
        register("settlement.view_benefit_standards", ALL_ROLES)
        register("settlement.change_benefit_standards", {Role.BUREAU_APPROVER, Role.ADMINISTRATOR})
        register("settlement.view_claims", ALL_ROLES)
        register("settlement.enter_claims", county_and_agency)
        register("settlement.settle_claims", {Role.AGENCY_CLERK, Role.ADMINISTRATOR})
        register_navigation(
            _("Benefit standards"),
            "settlement:benefit_standard_list",
            "settlement.view_benefit_standards",
        )
        register_navigation(_("Claims"), "settlement:claim_list", "settlement.view_claims")
        # Deficit subsidies (N 三(四)6): a county applies in writing, the city agency reviews,
        # the bureau approves.
        register("settlement.view_deficits", ALL_ROLES)
        register("settlement.apply_deficit", {Role.COUNTY_OFFICER, Role.AGENCY_CLERK})
        register("settlement.review_deficit", {Role.AGENCY_CLERK})
        register("settlement.approve_deficit", {Role.BUREAU_APPROVER})
        register_navigation(
            _("Deficit subsidies"), "settlement:deficit_list", "settlement.view_deficits"
        )
        # A tiered county's own disbursement (fiscal special → expenditure in its own books):
        # the county's officer or the finance bureau posts it; everyone reads. Linked from the
        # usage-plan list rather than the navigation, which is full.
        register("settlement.view_own_disbursements", ALL_ROLES)
        register("settlement.post_own_disbursement", {Role.COUNTY_OFFICER, Role.FINANCE_OFFICER})
        # Fund risk early warning (months of spending covered): everyone reads, county
        # officers their county.
        register("settlement.view_risk", ALL_ROLES)
        register_navigation(
            _("Fund risk early warning"), "settlement:risk_dashboard", "settlement.view_risk"
        )
