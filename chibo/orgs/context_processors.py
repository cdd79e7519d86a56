from chibo.orgs.access import holds_role, orgs_writable_by
from chibo.orgs.models import WRITE_ROLES


def navigation(request):
    user = request.user

    def can_manage_data() -> bool:
        # Evaluated only when the menu is drawn; the roles are read once per request.
        if not getattr(user, "is_authenticated", False):
            return False
        if user.is_superuser:
            return orgs_writable_by(user).exists()
        return holds_role(user, WRITE_ROLES)

    return {"nav_can_manage_data": can_manage_data}
