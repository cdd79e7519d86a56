from functools import cache


def inbox(request):
    """The unread count in the menu: read only when the menu is drawn, once per request."""
    user = getattr(request, "user", None)

    @cache
    def unread() -> int:
        if not getattr(user, "is_authenticated", False):
            return 0
        from chibo.notices.selectors import unread_count

        return unread_count(user)

    return {"nav_unread": unread}
