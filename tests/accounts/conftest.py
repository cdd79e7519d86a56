import pytest

from chibo.accounts import services
from tests.factories import make_member


@pytest.fixture
def crowd(cast):
    """Three members of cell2 with no account (one with an e-mail, one with a phone)."""
    return [
        make_member(cast.cell2, full_name="Phan Thanh Kiên", card_number="79000001", email="kien@example.vn"),
        make_member(cast.cell2, full_name="Vũ Thị Lan", card_number="79000002", phone="0912 345 678"),
        make_member(cast.cell2, full_name="Đặng Văn Minh", card_number="79000003"),
    ]


@pytest.fixture
def created(cast, crowd):
    """Accounts for the ward's members; the slips by login."""
    result = services.accounts_create(org=cast.ward, by=cast.staff)
    return {slip.login: slip for slip in result.created}
