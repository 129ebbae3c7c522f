"""Demo bookings: the demo month's collection batches and retiree credits posted to the
ledger, in the demo month (``pooling.structure.demo.demo_month``: last month)."""

from django.core.exceptions import ValidationError

from funds.booking import selectors, services
from pooling.accounts.models import Role, User
from pooling.core.money import month_end
from pooling.structure.demo import DemoOptions, demo_month, register_seeder
from pooling.structure.models import Municipality


def seed_collections(municipality: Municipality, options: DemoOptions, log) -> None:
    """Post every ready collection batch and the demo month's retiree credits (after the
    enrollment seeder imported them). A second run finds nothing ready and nothing uncredited,
    so it adds nothing."""
    clerk = User.objects.filter(municipality=municipality, role=Role.AGENCY_CLERK).first()
    month = demo_month()
    posted = 0
    for batch in selectors.collection_batches_ready(municipality=municipality):
        posted += len(services.collection_batch_post(batch=batch, actor=clerk, on=month_end(month)))
    log(f"Posted {posted} collection entries")
    try:
        credits = services.retiree_credits_post(municipality=municipality, month=month, actor=clerk)
    except ValidationError as error:
        # A unit with retirees but no pooled-fund income this month cannot fund their credits
        # (the ledger refuses an overdrawn income account); the demo goes on without them.
        log(f"Retiree credits not posted: {' '.join(error.messages)}")
    else:
        log(f"Credited {credits.credited} retirees")


register_seeder(40, "collections to the ledger", seed_collections)
