"""The portal policies (chibo/portal/access.py): a committee's articles and comments belong to its
staff; a sibling ward's staff gets 404 and cannot publish there."""

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404

from chibo.portal import access, services
from tests.portal.conftest import make_article

pytestmark = pytest.mark.django_db


def test_the_article_policy(cast):
    article = make_article(cast.ward, by=cast.staff)
    assert access.article.get_for_user(cast.staff, article.pk) == article
    assert list(access.article.visible_qs(cast.staff)) == [article]
    for user in (cast.outsider, cast.leader_user):
        with pytest.raises(Http404):
            access.article.get_for_user(user, article.pk)
    with pytest.raises(PermissionDenied):
        services.article_unpublish(article=article, by=cast.outsider)


def test_publishing_at_a_committee(cast):
    assert access.can_publish_at(cast.staff, cast.ward) and not access.can_publish_at(
        cast.outsider, cast.ward
    )
    with pytest.raises(PermissionDenied):
        make_article(cast.ward, by=cast.outsider)
