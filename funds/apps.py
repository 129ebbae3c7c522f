from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FundsConfig(AppConfig):
    name = "funds"
    verbose_name = _("funds")

    def ready(self) -> None:
        from funds.ledger import services
        from pooling.accounts.models import Role
        from pooling.core import access, hooks
        from pooling.core.navigation import register_navigation

        # Everyone reads the ledger within their scope (county officers: their county only);
        # money is posted through the browser or the API only by the contribution bookings
        # below (issue 4 items 7, 8, 10), never as free-form entries (issue 3 item 8).
        access.register("funds.view_ledger", access.ALL_ROLES)
        access.register(
            "funds.view_ledger_checks",
            {Role.AUDITOR, Role.ADMINISTRATOR, Role.BUREAU_APPROVER, Role.FINANCE_OFFICER},
        )
        # Collection batches are city-wide files (enrollment shows them to no county officer),
        # so posting them is for the city's agency clerk and finance officer; auditors read.
        access.register("funds.view_collection_postings", access.CITY_ROLES)
        access.register(
            "funds.post_collections", {Role.AGENCY_CLERK, Role.FINANCE_OFFICER, Role.ADMINISTRATOR}
        )
        # A top-up is booked where the person is enrolled: county officers for their county.
        access.register(
            "funds.book_top_ups", {Role.AGENCY_CLERK, Role.COUNTY_OFFICER, Role.ADMINISTRATOR}
        )
        hooks.on_county_joined(
            "funds.accounts_open_for_county",
            lambda county, join_date, actor: services.accounts_open_for_county(
                county=county, actor=actor
            ),
        )
        # Budgets and quotas (issue 6): the agency drafts, the bureau approves.
        access.register("funds.view_budgets", access.ALL_ROLES)
        access.register("funds.prepare_budget", {Role.AGENCY_CLERK})
        access.register("funds.approve_budget", {Role.BUREAU_APPROVER})
        # Benefit settlements (issue 7): the county enters, reviews and pays its institutions'
        # statements; the city agency may do the same for any county; auditors read.
        county_and_agency = {Role.AGENCY_CLERK, Role.COUNTY_OFFICER, Role.ADMINISTRATOR}
        access.register("funds.view_benefits", access.ALL_ROLES)
        access.register("funds.enter_benefits", county_and_agency)
        access.register("funds.review_benefits", county_and_agency)
        access.register("funds.pay_benefits", county_and_agency)
        register_navigation(
            _("Benefit settlements"), "settlement:benefit_list", "funds.view_benefits"
        )
        register_navigation(_("Fund budgets"), "funds:budget_list", "funds.view_budgets")
        # Final accounts (issue 8 item 6): everyone reads, county officers their county only.
        access.register("funds.view_final_accounts", access.ALL_ROLES)
        register_navigation(
            _("Final accounts"), "funds:final_accounts", "funds.view_final_accounts"
        )
        # Historical balances and deficit subsidies (issue 8 items 1, 2, 4; N 三(四)5–6): the
        # agency registers balances; counties apply, the agency reviews, the bureau approves.
        access.register("funds.view_history", access.ALL_ROLES)
        access.register("funds.register_history", {Role.AGENCY_CLERK, Role.ADMINISTRATOR})
        access.register("funds.apply_history", {Role.COUNTY_OFFICER, Role.AGENCY_CLERK})
        access.register("funds.review_history", {Role.AGENCY_CLERK})
        access.register("funds.approve_history", {Role.BUREAU_APPROVER})
        register_navigation(_("Historical balances"), "funds:history_list", "funds.view_history")
        register_navigation(_("Deficit subsidies"), "settlement:deficit_list", "funds.view_history")
        register_navigation(_("Fund accounts"), "funds:account_list", "funds.view_ledger")
        register_navigation(_("Journal entries"), "funds:entry_list", "funds.view_ledger")
        register_navigation(_("Ledger checks"), "funds:check_list", "funds.view_ledger_checks")
        register_navigation(
            _("Collections to post"), "funds:collection_batches", "funds.view_collection_postings"
        )
