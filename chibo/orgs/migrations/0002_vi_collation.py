from django.contrib.postgres.operations import CreateCollation
from django.db import migrations


class Migration(migrations.Migration):
    # Vietnamese ICU collation for ORDER BY ... COLLATE "vi" on PostgreSQL; a no-op on SQLite,
    # where chibo.common registers the same ICU rules on each connection.
    dependencies = [("orgs", "0001_initial")]
    operations = [CreateCollation("vi", provider="icu", locale="vi-VN")]
