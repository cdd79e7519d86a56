from django.contrib.auth.hashers import UNUSABLE_PASSWORD_PREFIX
from django.db.models import Count, Q

from chibo.common.collation import name_order
from chibo.common.dates import today
from chibo.members.models import Membership
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


def pending_by_cell(org: Organisation, day=None):
    """The cells of the subtree with accounts waiting for activation on `day`, in path order: rows of
    `cell_id`, `cell__name`, `cell__code`, `pending` (members of the cell, official or temporary, whose
    account waits: what that cell's slips would print). One grouped query, whatever the number of cells."""
    return (
        Membership.objects.valid_on(day or today())
        .filter(
            cell__in=Organisation.objects.subtree_of(org).values("pk"),
            member__user__password__startswith=UNUSABLE_PASSWORD_PREFIX,
        )
        .values("cell_id", "cell__name", "cell__code", "cell__path")
        .annotate(pending=Count("member", distinct=True))
        .order_by("cell__path")
    )
