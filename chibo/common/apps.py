from django.apps import AppConfig


class CommonConfig(AppConfig):
    name = "chibo.common"
    label = "common"
    verbose_name = "Chung"

    def ready(self):
        from django.db.backends.signals import connection_created

        from chibo.common.collation import register_sqlite_collation
        from chibo.common.files import make_sqlite_private

        connection_created.connect(register_sqlite_collation)
        connection_created.connect(make_sqlite_private)
