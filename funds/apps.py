"""The funds app's configuration: capabilities, menu entries and the hook that opens a
joining county's accounts."""

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
        # below, never as free-form entries.
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
        # Budgets and quotas (N 三(四)1, 3): the agency drafts, the bureau approves.
        access.register("funds.view_budgets", access.ALL_ROLES)
        access.register("funds.prepare_budget", {Role.AGENCY_CLERK})
        access.register("funds.approve_budget", {Role.BUREAU_APPROVER})
        register_navigation(_("Fund budgets"), "funds:budget_list", "funds.view_budgets")
        # Final accounts: everyone reads, county officers their county only.
        access.register("funds.view_final_accounts", access.ALL_ROLES)
        register_navigation(
            _("Final accounts"), "funds:final_accounts", "funds.view_final_accounts"
        )
        # Historical balances and their releases (N 三(四)5): the agency registers balances;
        # counties apply to release frozen money, the agency reviews, the bureau approves.
        access.register("funds.view_history", access.ALL_ROLES)
        access.register("funds.register_history", {Role.AGENCY_CLERK, Role.ADMINISTRATOR})
        access.register("funds.apply_history", {Role.COUNTY_OFFICER, Role.AGENCY_CLERK})
        access.register("funds.review_history", {Role.AGENCY_CLERK})
        access.register("funds.approve_history", {Role.BUREAU_APPROVER})
        register_navigation(_("Historical balances"), "funds:history_list", "funds.view_history")
        # The resident fund's subsidies and assisted payers (DOMAIN §13): the city agency and
        # finance book; county officers read their county's; auditors read.
        access.register("funds.view_resident_fund", access.ALL_ROLES)
        access.register(
            "funds.book_resident_fund",
            {Role.AGENCY_CLERK, Role.FINANCE_OFFICER, Role.ADMINISTRATOR},
        )
        register_navigation(
            _("Resident subsidies"), "funds:resident_subsidies", "funds.view_resident_fund"
        )
        register_navigation(_("Fund accounts"), "funds:account_list", "funds.view_ledger")
        register_navigation(_("Fund catalogue"), "funds:fund_catalogue", "funds.view_ledger")
        # Interest per fund (N 三(四) 分别计息): the agency or finance computes the quarter and
        # confirms each account against the bank's figure; everyone reads within scope.
        access.register("funds.view_interest", access.ALL_ROLES)
        access.register("funds.compute_interest", {Role.AGENCY_CLERK, Role.FINANCE_OFFICER})
        access.register("funds.confirm_interest", {Role.AGENCY_CLERK, Role.FINANCE_OFFICER})
        register_navigation(_("Interest"), "funds:interest_list", "funds.view_interest")
        register_navigation(_("Journal entries"), "funds:entry_list", "funds.view_ledger")
        register_navigation(_("Ledger checks"), "funds:check_list", "funds.view_ledger_checks")
        register_navigation(
            _("Collections to post"), "funds:collection_batches", "funds.view_collection_postings"
        )
