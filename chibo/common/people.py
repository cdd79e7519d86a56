"""How a person is named on every page: in Vietnamese order (family, middle, given), never the login.

common imports no other Chibo app, so the member record is read through the user's reverse relation.
"""


def person_name(user) -> str:
    """The member's full name; else the account's last_name (family + middle) then first_name (given);
    the login only when both are empty. '' for no user."""
    if user is None:
        return ""
    member = getattr(user, "member", None)  # a missing reverse one-to-one raises an AttributeError subclass
    full_name = getattr(member, "full_name", "") if member is not None else ""
    if full_name:
        return full_name
    name = f"{getattr(user, 'last_name', '') or ''} {getattr(user, 'first_name', '') or ''}".strip()
    if name:
        return " ".join(name.split())
    return user.get_username() if hasattr(user, "get_username") else str(user)
