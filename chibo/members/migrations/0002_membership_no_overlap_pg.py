from django.db import migrations

FORWARD = """
CREATE EXTENSION IF NOT EXISTS btree_gist;
ALTER TABLE members_membership ADD CONSTRAINT membership_official_no_overlap
  EXCLUDE USING gist (member_id WITH =, daterange(valid_from, valid_until, '[)') WITH &&)
  WHERE (kind = 'official');
"""
BACKWARD = "ALTER TABLE members_membership DROP CONSTRAINT IF EXISTS membership_official_no_overlap;"


def forward(apps, schema_editor):
    # The database itself refuses two overlapping official memberships of one member (PostgreSQL only;
    # SQLite has no exclusion constraints, so members.services checks it there).
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(FORWARD)


def backward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(BACKWARD)


class Migration(migrations.Migration):
    dependencies = [("members", "0001_initial")]
    operations = [migrations.RunPython(forward, backward)]
