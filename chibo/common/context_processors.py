from chibo.orgs.access import orgs_writable_by


def navigation(request):
    user = request.user

    def can_manage_data() -> bool:
        # Evaluated only when the menu is drawn for a logged-in user; one cached role lookup.
        return bool(getattr(user, "is_authenticated", False) and orgs_writable_by(user).exists())

    return {"nav_can_manage_data": can_manage_data}
