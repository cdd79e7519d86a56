from django.contrib.auth.hashers import UNUSABLE_PASSWORD_PREFIX
from django.db.models import Count, Q

from chibo.common.collation import name_order
from chibo.common.dates import today
from chibo.members.selectors import members_of
from chibo.orgs.models import Organisation


def members_with_accounts(org: Organisation, day=None):
    """The members of the subtree on `day` with their account (or none), in Vietnamese name order."""
    return members_of(org, day or today()).select_related("user").order_by(*name_order())


def account_counts(org: Organisation, day=None) -> dict:
    """How many members, how many with an account, how many of those wait for activation: one query."""
    return members_of(org, day or today()).aggregate(
        members=Count("pk"),
        accounts=Count("pk", filter=Q(user__isnull=False)),
        pending=Count("pk", filter=Q(user__password__startswith=UNUSABLE_PASSWORD_PREFIX)),
    )
