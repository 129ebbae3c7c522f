"""Benefit settlements (J 二(四)): statements entered and imported, reviewed, and paid
from the county expenditure account, exact to the fen, never beyond its balance."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from enrollment.people.models import Scope
from funds.ledger.models import Account, JournalEntry, Posting
from funds.ledger.selectors import account_for
from settlement.benefits import services
from settlement.benefits.models import BenefitStatement
from settlement.institutions.models import DesignatedInstitution
from tests.factories.benefits import (
    PAY_DAY,
    D,
    benefit_accounts,
    institution_admitted,
    statement_approved,
    statement_enter,
)
from tests.factories.funds import balance

pytestmark = pytest.mark.django_db


def test_cut_needs_a_reason_and_approval_stays_within_claim(hospital_a, county_a_officer):
    statement = statement_enter(hospital_a, county_a_officer, "800.00")
    with pytest.raises(ValidationError) as raised:
        services.benefit_statement_review(
            statement=statement,
            amount_approved=Decimal("700"),
            cut_reason="",
            actor=county_a_officer,
        )
    assert "cut_reason" in raised.value.message_dict
    with pytest.raises(ValidationError) as raised:
        services.benefit_statement_review(
            statement=statement,
            amount_approved=Decimal("800.01"),
            cut_reason="",
            actor=county_a_officer,
        )
    assert "amount_approved" in raised.value.message_dict
    statement.refresh_from_db()
    assert statement.status == "submitted" and statement.amount_approved is None
    reviewed = services.benefit_statement_review(
        statement=statement,
        amount_approved=Decimal("700.55"),
        cut_reason="超范围用药",
        actor=county_a_officer,
    )
    assert reviewed.amount_cut == Decimal("99.45")
    assert reviewed.status == "approved"


def test_payment_is_exact_to_the_fen_and_paying_again_changes_nothing(
    ledger, county_a, hospital_a, funded_a, county_a_officer
):
    statement = statement_approved(
        hospital_a, county_a_officer, "800.00", "799.99", "扣减不合规费用"
    )
    entry = services.benefit_statement_pay(
        statement=statement, actor=county_a_officer, paid_on=PAY_DAY
    )
    expenditure, institution_account = benefit_accounts(ledger, county_a)
    assert entry.kind == JournalEntry.Kind.BENEFIT_PAYMENT
    assert entry.month == D(2026, 3, 1)
    assert balance(expenditure) == Decimal("200.01")
    assert balance(institution_account) == Decimal("799.99")
    statement.refresh_from_db()
    assert statement.status == "paid" and statement.payment == entry

    again = services.benefit_statement_pay(
        statement=statement, actor=county_a_officer, paid_on=PAY_DAY
    )
    assert again == entry
    assert balance(expenditure) == Decimal("200.01")
    assert JournalEntry.objects.filter(kind="benefit_payment").count() == 1


def test_payment_beyond_balance_says_how_much_is_missing_and_changes_nothing(
    ledger, county_a, hospital_a, funded_a, county_a_officer
):
    statement = statement_approved(hospital_a, county_a_officer, "1000.01")
    postings = Posting.objects.count()
    with pytest.raises(ValidationError) as raised:
        services.benefit_statement_pay(statement=statement, actor=county_a_officer, paid_on=PAY_DAY)
    message = raised.value.messages[0]
    assert "0.01 less than the 1000.01 to pay" in message
    assert "holds 1000.00" in message
    assert balance(funded_a) == Decimal("1000.00")
    assert Posting.objects.count() == postings
    statement.refresh_from_db()
    assert statement.status == "approved" and statement.payment is None


@pytest.mark.parametrize("status", ["suspended", "terminated"])
def test_suspended_or_terminated_institution_is_refused(
    hospital_a, funded_a, county_a_officer, status
):
    statement = statement_approved(hospital_a, county_a_officer, "100.00")
    DesignatedInstitution.objects.filter(pk=hospital_a.pk).update(status=status)
    with pytest.raises(ValidationError) as raised:
        services.benefit_statement_pay(statement=statement, actor=county_a_officer, paid_on=PAY_DAY)
    assert "cannot be paid" in raised.value.messages[0]
    assert balance(funded_a) == Decimal("1000.00")
    statement.refresh_from_db()
    assert statement.status == "approved"


def test_expired_agreement_is_refused(hospital_a, funded_a, county_a_officer):
    statement = statement_approved(hospital_a, county_a_officer, "100.00")
    with pytest.raises(ValidationError) as raised:
        services.benefit_statement_pay(
            statement=statement, actor=county_a_officer, paid_on=D(2027, 1, 5)
        )
    assert "no agreement in force" in raised.value.messages[0]
    assert balance(funded_a) == Decimal("1000.00")


def test_unreviewed_statement_is_not_paid(hospital_a, funded_a, county_a_officer):
    statement = statement_enter(hospital_a, county_a_officer, "100.00")
    with pytest.raises(ValidationError):
        services.benefit_statement_pay(statement=statement, actor=county_a_officer, paid_on=PAY_DAY)
    assert balance(funded_a) == Decimal("1000.00")


CSV_HEADER = "机构代码,月份,基金,人次,申报金额\n"


def test_import_writes_every_row_of_a_good_file(hospital_a, county_a_officer, ledger):
    content = (
        CSV_HEADER + "H37081100001,2026-02,310100,12,1200.50\nH37081100001,2026-02,390100,3,99.99\n"
    ).encode()
    report = services.benefit_statements_import(
        municipality=ledger, file_name="feb.csv", content=content, actor=county_a_officer
    )
    assert not report.has_errors and report.imported == 2
    amounts = sorted(BenefitStatement.objects.values_list("amount_claimed", flat=True))
    assert amounts == [Decimal("99.99"), Decimal("1200.50")]


def test_bad_file_gives_row_errors_and_imports_nothing(
    hospital_a, hospital_b, county_a_officer, ledger
):
    content = (
        CSV_HEADER
        + "H37081100001,2026-02,310100,12,1200.50\n"  # valid
        + "H37081200001,2026-02,310100,1,10.00\n"  # another county's institution
        + "H37081100001,2026-13,310100,1,10.00\n"  # bad month
        + "H37081100001,2026-02,920100,1,10.00\n"  # fund not settled
        + "H37081100001,2026-02,330100,x,10.001\n"  # bad visits and amount
        + "H37081100001,2026-02,310100,2,5.00\n"  # duplicate of row 2
    ).encode()
    report = services.benefit_statements_import(
        municipality=ledger, file_name="bad.csv", content=content, actor=county_a_officer
    )
    errors = {(error.row, error.column) for error in report.errors}
    assert errors == {
        (3, "institution_code"),
        (4, "month"),
        (5, "fund"),
        (6, "visits"),
        (6, "amount_claimed"),
        (7, "institution_code"),
    }
    assert report.imported == 0
    assert all(error.reason_zh and error.reason_en for error in report.errors)
    assert not BenefitStatement.objects.exists()


def test_import_page_shows_report_and_api_returns_400(
    client_for, api_for, county_a_officer, hospital_a
):
    from django.core.files.uploadedfile import SimpleUploadedFile

    content = (CSV_HEADER + "H37081100001,2026-02,310100,1,abc\n").encode()
    response = client_for(county_a_officer).post(
        reverse("settlement:benefit_import"), {"file": SimpleUploadedFile("bad.csv", content)}
    )
    assert response.status_code == 400
    assert response.context["report"].errors
    api = api_for(county_a_officer).post(
        "/api/benefit-statements/import/",
        {"file": SimpleUploadedFile("bad.csv", content)},
        format="multipart",
    )
    assert api.status_code == 400
    assert api.json()["errors"][0]["column"] == "amount_claimed"
    assert not BenefitStatement.objects.exists()


def test_county_officer_gets_404_for_another_county_statement(
    client_for, api_for, county_a_officer, county_b_officer, hospital_b, ledger
):
    statement = statement_enter(hospital_b, county_b_officer, "50.00")
    client = client_for(county_a_officer)
    assert client.get(reverse("settlement:benefit_detail", args=[statement.pk])).status_code == 404
    response = client.post(
        reverse("settlement:benefit_review", args=[statement.pk]), {"amount_approved": "50.00"}
    )
    assert response.status_code == 404
    assert client.post(reverse("settlement:benefit_pay", args=[statement.pk])).status_code == 404
    api = api_for(county_a_officer)
    assert api.get(f"/api/benefit-statements/{statement.pk}/").status_code == 404
    assert (
        api.post(
            f"/api/benefit-statements/{statement.pk}/review/",
            {"amount_approved": "50.00"},
            format="json",
        ).status_code
        == 404
    )
    entered = api.post(
        "/api/benefit-statements/",
        {
            "institution": hospital_b.pk,
            "month": "2026-03-01",
            "fund_code": "310100",
            "visits": 1,
            "amount_claimed": "5.00",
        },
        format="json",
    )
    assert entered.status_code == 400 and "institution" in entered.json()
    statement.refresh_from_db()
    assert statement.status == "submitted"
    assert BenefitStatement.objects.count() == 1


def test_auditor_reads_but_cannot_enter_review_or_pay(
    client_for, api_for, auditor, hospital_a, funded_a, county_a_officer
):
    statement = statement_approved(hospital_a, county_a_officer, "100.00")
    client = client_for(auditor)
    assert client.get(reverse("settlement:benefit_list")).status_code == 200
    assert client.get(reverse("settlement:benefit_detail", args=[statement.pk])).status_code == 200
    assert client.get(reverse("settlement:benefit_enter")).status_code == 403
    assert client.post(reverse("settlement:benefit_pay", args=[statement.pk])).status_code == 403
    api = api_for(auditor)
    assert api.get("/api/benefit-statements/").status_code == 200
    assert api.post(f"/api/benefit-statements/{statement.pk}/pay/").status_code == 403
    statement.refresh_from_db()
    assert statement.status == "approved"
    assert balance(funded_a) == Decimal("1000.00")


def test_pages_review_and_pay_with_errors_next_to_fields(
    client_for, county_a_officer, hospital_a, funded_a
):
    statement = statement_enter(hospital_a, county_a_officer, "300.00")
    client = client_for(county_a_officer)
    response = client.post(
        reverse("settlement:benefit_review", args=[statement.pk]),
        {"amount_approved": "200.00", "cut_reason": ""},
    )
    assert response.status_code == 400
    assert response.context["review_form"].errors["cut_reason"]
    response = client.post(
        reverse("settlement:benefit_review", args=[statement.pk]),
        {"amount_approved": "200.00", "cut_reason": "重复收费"},
    )
    assert response.status_code == 302
    response = client.post(reverse("settlement:benefit_pay", args=[statement.pk]))
    assert response.status_code == 302
    statement.refresh_from_db()
    assert statement.status == "paid"
    assert balance(funded_a) == Decimal("800.00")


def test_a_reviewed_statement_is_not_reviewed_again(hospital_a, county_a_officer):
    statement = statement_approved(hospital_a, county_a_officer, "300.00")
    with pytest.raises(ValidationError) as raised:
        services.benefit_statement_review(
            statement=statement,
            amount_approved=Decimal("100.00"),
            cut_reason="重复",
            actor=county_a_officer,
        )
    assert raised.value.error_dict["status"][0].code == "invalid_transition"
    assert "it cannot be reviewed" in raised.value.messages[0]
    statement.refresh_from_db()
    assert statement.amount_approved == Decimal("300.00") and statement.cut_reason == ""


def test_statement_page_shows_only_the_steps_the_user_may_take(
    client_for, county_a_officer, auditor, hospital_a, funded_a
):
    statement = statement_enter(hospital_a, county_a_officer, "300.00")
    page = reverse("settlement:benefit_detail", args=[statement.pk])
    review_url = reverse("settlement:benefit_review", args=[statement.pk])
    pay_url = reverse("settlement:benefit_pay", args=[statement.pk])
    html = client_for(county_a_officer).get(page).content.decode()
    assert review_url in html and pay_url not in html
    services.benefit_statement_review(
        statement=statement,
        amount_approved=Decimal("300.00"),
        cut_reason="",
        actor=county_a_officer,
    )
    html = client_for(county_a_officer).get(page).content.decode()
    assert review_url not in html and pay_url in html
    html = client_for(auditor).get(page).content.decode()
    assert review_url not in html and pay_url not in html


def test_api_pay_beyond_balance_is_400_with_the_missing_amount(
    api_for, county_a_officer, hospital_a, funded_a
):
    statement = statement_approved(hospital_a, county_a_officer, "1500.00")
    response = api_for(county_a_officer).post(f"/api/benefit-statements/{statement.pk}/pay/")
    assert response.status_code == 400
    assert "比应付的 1500.00 少 500.00" in response.json()["non_field_errors"][0]
    assert balance(funded_a) == Decimal("1000.00")


def test_benefit_payments_are_counted_against_the_approved_usage_plan(
    ledger, county_a, hospital_a, funded_a, county_a_officer
):
    from funds.ledger.models import FundType
    from settlement.benefits.selectors import benefit_plan_use
    from settlement.plans.models import CityMonthlyPlan, PlanPurpose, UsagePlan, UsagePlanLine

    march = D(2026, 3, 1)
    city_plan = CityMonthlyPlan.objects.create(
        municipality=ledger, month=march, status=CityMonthlyPlan.Status.APPROVED
    )
    plan = UsagePlan.objects.create(
        municipality=ledger,
        county=county_a,
        month=march,
        status=UsagePlan.Status.CONSOLIDATED,
        deadline=D(2026, 2, 20),
        city_plan=city_plan,
    )
    UsagePlanLine.objects.create(
        plan=plan,
        fund_type=FundType.objects.get(code="310100"),
        purpose=PlanPurpose.BENEFITS,
        amount=Decimal("900.00"),
    )
    statement = statement_approved(hospital_a, county_a_officer, "650.25")
    services.benefit_statement_pay(statement=statement, actor=county_a_officer, paid_on=PAY_DAY)

    (use,) = benefit_plan_use(counties=[county_a], months=[march])
    assert (use.fund_code, use.planned, use.paid) == (
        "310100",
        Decimal("900.00"),
        Decimal("650.25"),
    )
    assert use.remaining == Decimal("249.75") and not use.over_plan


def test_demo_adds_institutions_and_paid_settlements_once(db):
    """The whole demo seeded twice changes nothing (``test_seed_demo``); here the benefits
    seeder alone runs again, which is what could add institutions, statements or payments."""
    from django.core.management import call_command

    from pooling.structure.demo import DemoOptions
    from pooling.structure.models import Municipality
    from settlement.benefits.demo import seed_benefit_settlements

    call_command("seed_demo", "--city", "jining", "--insured", "30", verbosity=0)
    statements = BenefitStatement.objects.count()
    entries = JournalEntry.objects.filter(kind="benefit_payment").count()
    assert DesignatedInstitution.objects.count() == 4
    assert statements == 4
    assert BenefitStatement.objects.filter(status="paid").count() == entries
    jining = Municipality.objects.get(slug="jining")
    seed_benefit_settlements(jining, DemoOptions(city="jining", insured=30), lambda message: None)
    assert DesignatedInstitution.objects.count() == 4
    assert BenefitStatement.objects.count() == statements
    assert JournalEntry.objects.filter(kind="benefit_payment").count() == entries


# Personal-account spending at pharmacies ------------------------------------------------------


@pytest.fixture
def pharmacy_a(ledger, county_a, city_clerk):
    return institution_admitted(
        county_a, "P37081100001", "任城惠民大药房", city_clerk, kind="pharmacy"
    )


@pytest.fixture
def accounts_300(ledger, county_a, make_person, post):
    """Two people of county A with 300.00 and 50.00 in their personal accounts; the control
    account holds the same 350.00."""
    from enrollment.personal_accounts.models import PersonalAccountMovement

    rich = make_person(county_a, Scope.FLEXIBLE, name="李四")
    poor = make_person(county_a, Scope.FLEXIBLE, name="王五")
    PersonalAccountMovement.objects.bulk_create(
        [
            PersonalAccountMovement(
                person=rich,
                county=county_a,
                month=D(2026, 1, 1),
                amount=Decimal("300.00"),
                reason="contribution",
            ),
            PersonalAccountMovement(
                person=poor,
                county=county_a,
                month=D(2026, 1, 1),
                amount=Decimal("50.00"),
                reason="contribution",
            ),
        ]
    )
    tax = account_for(
        municipality=ledger,
        county=county_a,
        kind=Account.Kind.COUNTERPARTY,
        fund_code="310200",
        owner=Account.Owner.TAX_BUREAU,
    )
    control = account_for(
        municipality=ledger,
        county=county_a,
        kind=Account.Kind.PERSONAL_ACCOUNT_CONTROL,
        fund_code="310200",
    )
    post("pa-in", (tax, "-350.00"), (control, "350.00"))
    return rich, poor, control


SPENDING_HEADER = "药店代码,身份证号,月份,金额\n"


def _subledger(person):
    from enrollment.personal_accounts.selectors import personal_account_total

    return personal_account_total(municipality=person.municipality, county=person.county)


def test_pharmacy_spending_debits_each_account_and_the_control_together(
    ledger, county_a, pharmacy_a, accounts_300, county_a_officer
):
    rich, poor, control = accounts_300
    content = (
        SPENDING_HEADER + f"P37081100001,{rich.id_number},2026-03,120.35\n"
        f"P37081100001,{rich.id_number},2026-03,179.65\n"
        f"P37081100001,{poor.id_number},2026-03,0.01\n"
    ).encode()
    result = services.pharmacy_spending_import(
        municipality=ledger,
        file_name="march.csv",
        content=content,
        actor=county_a_officer,
        paid_on=PAY_DAY,
    )
    assert not result.report.has_errors and result.report.imported == 3
    assert balance(control) == Decimal("49.99") == _subledger(rich)
    _expenditure, pharmacy_account = benefit_accounts(ledger, county_a, "310200")
    assert balance(pharmacy_account) == Decimal("300.01")
    with pytest.raises(ValidationError) as raised:
        services.pharmacy_spending_import(
            municipality=ledger,
            file_name="march.csv",
            content=content,
            actor=county_a_officer,
            paid_on=PAY_DAY,
        )
    assert "already imported" in raised.value.message_dict["file"][0]
    assert balance(control) == Decimal("49.99") == _subledger(rich)


def test_pharmacy_spending_never_takes_an_account_below_zero_and_imports_nothing(
    ledger, pharmacy_a, accounts_300, county_a_officer
):
    rich, poor, control = accounts_300
    content = (
        SPENDING_HEADER + f"P37081100001,{rich.id_number},2026-03,100.00\n"
        f"P37081100001,{poor.id_number},2026-03,40.00\n"
        f"P37081100001,{poor.id_number},2026-03,10.01\n"
        f"P99999999999,{rich.id_number},2026-03,1.00\n"
    ).encode()
    result = services.pharmacy_spending_import(
        municipality=ledger,
        file_name="bad.csv",
        content=content,
        actor=county_a_officer,
        paid_on=PAY_DAY,
    )
    errors = {(error.row, error.column): error for error in result.report.errors}
    assert set(errors) == {(4, "amount"), (5, "institution_code")}
    assert "0.01 missing" in errors[(4, "amount")].reason_en
    assert result.report.imported == 0 and result.spending_import is None
    assert balance(control) == Decimal("350.00") == _subledger(rich)


def test_suspended_pharmacy_spending_is_refused(ledger, pharmacy_a, accounts_300, county_a_officer):
    rich, _poor, control = accounts_300
    DesignatedInstitution.objects.filter(pk=pharmacy_a.pk).update(status="suspended")
    content = (SPENDING_HEADER + f"P37081100001,{rich.id_number},2026-03,10.00\n").encode()
    result = services.pharmacy_spending_import(
        municipality=ledger,
        file_name="s.csv",
        content=content,
        actor=county_a_officer,
        paid_on=PAY_DAY,
    )
    assert result.report.errors[0].column == "institution_code"
    assert balance(control) == Decimal("350.00")


def test_auditor_cannot_import_pharmacy_spending(api_for, client_for, auditor, accounts_300):
    from django.core.files.uploadedfile import SimpleUploadedFile

    rich, _poor, control = accounts_300
    content = (SPENDING_HEADER + f"P37081100001,{rich.id_number},2026-03,10.00\n").encode()
    response = client_for(auditor).post(
        reverse("settlement:pharmacy_spending_import"),
        {"file": SimpleUploadedFile("a.csv", content)},
    )
    assert response.status_code == 403
    response = api_for(auditor).post(
        "/api/pharmacy-spending/import/",
        {"file": SimpleUploadedFile("a.csv", content)},
        format="multipart",
    )
    assert response.status_code == 403
    assert balance(control) == Decimal("350.00")


def test_every_benefit_page_renders_for_the_agency_clerk(client_for, city_clerk, hospital_a):
    statement = statement_enter(hospital_a, city_clerk, "10.00")
    client = client_for(city_clerk)
    for name, args in (
        ("settlement:benefit_list", []),
        ("settlement:benefit_enter", []),
        ("settlement:benefit_import", []),
        ("settlement:pharmacy_spending_import", []),
        ("settlement:benefit_detail", [statement.pk]),
    ):
        assert client.get(reverse(name, args=args)).status_code == 200, name


OVERFLOWING_AMOUNTS = ("1e20", "1" * 21, "NaN", "Infinity")


def test_statement_amounts_beyond_the_column_are_row_errors_on_every_path(
    api_for, hospital_a, county_a_officer, ledger
):
    from django.core.files.uploadedfile import SimpleUploadedFile

    rows = "".join(
        f"H37081100001,2026-0{month},310100,1,{amount}\n"
        for month, amount in enumerate(OVERFLOWING_AMOUNTS, start=1)
    )
    content = (CSV_HEADER + rows).encode()
    report = services.benefit_statements_import(
        municipality=ledger, file_name="huge.csv", content=content, actor=county_a_officer
    )
    assert [(error.row, error.column) for error in report.errors] == [
        (row, "amount_claimed") for row in range(2, 6)
    ]
    assert "9,999,999,999,999,999.99" in report.errors[0].reason_en
    api = api_for(county_a_officer).post(
        "/api/benefit-statements/import/",
        {"file": SimpleUploadedFile("huge.csv", content)},
        format="multipart",
    )
    assert api.status_code == 400 and len(api.json()["errors"]) == 4
    assert not BenefitStatement.objects.exists()


def test_pharmacy_spending_beyond_the_column_is_a_row_error(
    ledger, pharmacy_a, accounts_300, county_a_officer
):
    rich, _poor, control = accounts_300
    content = (
        SPENDING_HEADER
        + "".join(f"P37081100001,{rich.id_number},2026-03,{a}\n" for a in OVERFLOWING_AMOUNTS)
    ).encode()
    result = services.pharmacy_spending_import(
        municipality=ledger,
        file_name="huge.csv",
        content=content,
        actor=county_a_officer,
        paid_on=PAY_DAY,
    )
    assert [(error.row, error.column) for error in result.report.errors] == [
        (row, "amount") for row in range(2, 6)
    ]
    assert result.report.imported == 0
    assert balance(control) == Decimal("350.00")
