"""The demo's materials: monthly ones each month by the city and the ward, thematic guidance, attachments
that leave the meetings' T2 time as the core seed drew it, openings by the demo accounts."""

import pytest
from django.db.models import F

from chibo.demo import materials as demo_materials
from chibo.demo.accounts import create_demo_accounts
from chibo.demo.extras import demo_users
from chibo.demo.generator import SeedSpec, seed
from chibo.materials.access import material as material_policy
from chibo.materials.models import Material, MaterialAttachment, MaterialKind, MaterialOpen
from chibo.materials.selectors import search
from chibo.meetings.models import Meeting

pytestmark = pytest.mark.django_db


def test_demo_materials(media):
    result = seed(SeedSpec(cells=12, members_per_cell=10, months=4, seed=7))
    create_demo_accounts(result)
    users = demo_users()
    before = dict(Meeting.objects.values_list("pk", "materials_published_at"))

    demo_materials.seed(result, users)

    monthly = Material.objects.filter(kind=MaterialKind.MONTHLY)
    assert monthly.filter(publisher_id=result.root_id).count() >= 4
    assert monthly.filter(publisher_id=result.ward_ids[0]).count() >= 4
    assert Material.objects.filter(kind=MaterialKind.THEMATIC).exists()
    attachments = MaterialAttachment.objects.select_related("meeting")
    assert attachments.count() > 10
    assert not attachments.filter(material__publish_at__gt=F("attached_at")).exists()
    # T2 as the core seed drew it.
    assert dict(Meeting.objects.values_list("pk", "materials_published_at")) == before
    member = next(u for role, u in users.items() if role == "member")
    assert MaterialOpen.objects.filter(user=member).exists()
    # The shared PDF is searchable, without diacritics too, by the demo member.
    assert search(material_policy.visible_qs(member), "quan triet nghi quyet").exists()
