from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FundsConfig(AppConfig):
    name = "funds"
    verbose_name = _("funds")

    def ready(self) -> None:
        from funds import services
        from pooling import access, hooks
        from pooling.context_processors import register_navigation
        from pooling.models import Role

        # Everyone reads the ledger within their scope (county officers: their county only);
        # nobody posts through the browser or the API (issue 3 item 8).
        access.register("funds.view_ledger", access.ALL_ROLES)
        access.register(
            "funds.view_ledger_checks",
            {Role.AUDITOR, Role.ADMINISTRATOR, Role.BUREAU_APPROVER, Role.FINANCE_OFFICER},
        )
        hooks.on_county_joined(
            "funds.accounts_open_for_county",
            lambda county, join_date, actor: services.accounts_open_for_county(
                county=county, actor=actor
            ),
        )
        register_navigation(_("Fund accounts"), "funds:account_list", "funds.view_ledger")
        register_navigation(_("Journal entries"), "funds:entry_list", "funds.view_ledger")
        register_navigation(_("Ledger checks"), "funds:check_list", "funds.view_ledger_checks")
