"""{% load people %}{{ some_user|person }}: a person's name in Vietnamese order (chibo.common.people)."""

from django import template

from chibo.common.people import person_name

register = template.Library()


@register.filter
def person(user) -> str:
    return person_name(user)
