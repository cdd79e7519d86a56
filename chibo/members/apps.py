from django.apps import AppConfig


class MembersConfig(AppConfig):
    name = "chibo.members"
    label = "members"
    verbose_name = "Đảng viên"

    def ready(self):
        # Memberships and positions give rights (orgs.access reads them with the grant rows).
        from chibo.members.rights import SOURCE
        from chibo.orgs.rights import register_right_source

        register_right_source(SOURCE)
