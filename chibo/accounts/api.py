"""/api/v1/accounts: accounts for the members of an organisation (issue 11 §2).

Same rules as the web page: staff of the organisation or above (and administrators); an organisation
outside the caller's subtree is 404, one they see without being its staff is 403. Codes are never
returned as JSON: they travel on the slips PDF only."""

from django.conf import settings
from django.http import HttpResponse
from ninja import Router, Schema

from chibo.accounts import selectors, services
from chibo.accounts.access import require_manage_accounts
from chibo.accounts.slips import render_slips_pdf
from chibo.common.api.schemas import READ_ERRORS, WRITE_ERRORS, ErrorOut, PathId
from chibo.orgs.access import get_org_for_user

router = Router()


class AccountCounts(Schema):
    org_id: int
    members: int
    accounts: int
    pending: int


class CreateOut(Schema):
    org_id: int
    created: int
    existing: int
    logins: list[str]
    conflicts: list[str]


def _staff_org(request, org_id):
    org = get_org_for_user(request.user, org_id)
    require_manage_accounts(request.user, org)
    return org


@router.get("/orgs/{org_id}", response={200: AccountCounts, **READ_ERRORS, 403: ErrorOut})
def account_counts(request, org_id: PathId):
    """Members of the subtree today, how many have an account, how many wait for activation."""
    org = _staff_org(request, org_id)
    return {"org_id": org.pk, **selectors.account_counts(org)}


@router.post("/orgs/{org_id}/create", response={200: CreateOut, **WRITE_ERRORS})
def accounts_create(request, org_id: PathId):
    """Create the missing accounts (login = card number) for the members of the subtree today. Idempotent."""
    org = _staff_org(request, org_id)
    result = services.accounts_create(org=org, by=request.user)
    return {
        "org_id": org.pk,
        "created": len(result.created),
        "existing": result.existing,
        "logins": [s.login for s in result.created],
        "conflicts": result.conflicts,
    }


@router.post("/orgs/{org_id}/slips", response={200: None, **WRITE_ERRORS})
def accounts_slips(request, org_id: PathId):
    """The slips PDF for every account still waiting for activation: fresh codes, the unused ones stop working.
    More than CHIBO_SLIPS_WEB_MAX of them is refused (422) before any code changes: print cell by cell."""
    org = _staff_org(request, org_id)
    slips = services.slips_issue(org=org, by=request.user, limit=settings.CHIBO_SLIPS_WEB_MAX)
    response = HttpResponse(render_slips_pdf(slips, request=request), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="phieu-kich-hoat-{org.code}.pdf"'
    return response
