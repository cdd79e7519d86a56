"""`chibo import-data` and `chibo export-data`."""

import pytest
from django.core.management import CommandError, call_command

from chibo.audit.models import Action, AuditEntry
from chibo.members.models import Member
from tests.dataio.helpers import csv_bytes

pytestmark = pytest.mark.django_db(transaction=False)

GOOD = ["C1", "Mai Văn Một", "Nam", "", "", "", "", "01/01/2010", "", ""]
BAD = ["C2", "Mai Văn Hai", "Nam", "99/99/1999", "123", "", "", "01/01/2010", "", ""]


def test_import_data_writes_a_clean_file_and_dry_run_does_not(cast, tmp_path, capsys):
    path = tmp_path / "dang-vien.csv"
    path.write_bytes(csv_bytes("members", [GOOD]))
    call_command("import_data", "members", str(path), "--dry-run")
    assert "Kiểm tra xong (chưa ghi)" in capsys.readouterr().out
    assert not Member.objects.filter(card_number="C1").exists()
    call_command("import_data", "members", str(path), "--user", "canbo")
    assert "Đảng viên: 1 mới" in capsys.readouterr().out
    assert AuditEntry.objects.filter(model="members.member", action=Action.CREATE, user=cast.staff).exists()


def test_a_rejected_file_exits_non_zero_with_one_error_per_line(cast, tmp_path, capsys):
    path = tmp_path / "dang-vien.csv"
    path.write_bytes(csv_bytes("members", [GOOD, BAD]))
    # (`chibo import-data` runs this command through Django, which exits with the error's returncode;
    # calling it in-process keeps the test's database connection open.)
    with pytest.raises(CommandError) as exit_:
        call_command("import_data", "members", str(path))
    assert exit_.value.returncode == 2 and "không ghi dữ liệu nào" in str(exit_.value)
    err = capsys.readouterr().err.splitlines()
    assert "Dòng 3, cột «Ngày sinh»: Ngày không hợp lệ «99/99/1999»" in err[0]
    assert err[1].startswith("Dòng 3, cột «Số CCCD»")
    assert not Member.objects.filter(card_number="C1").exists()


def test_export_data_writes_the_file_and_the_audit_log(cast, tmp_path, capsys):
    path = tmp_path / "to-chuc.xlsx"
    call_command("export_data", "all", str(path), "--org", "BD")
    assert path.stat().st_size > 0
    entry = AuditEntry.objects.get(action=Action.EXPORT)
    assert entry.after["org"] == "BD" and entry.after["file"] == "to-chuc.xlsx" and entry.after["by"]
    csv_path = tmp_path / "dang-vien.csv"
    call_command("export_data", "members", str(csv_path), "--org", "HK", "--user", "canbo_hk")
    assert csv_path.read_text(encoding="utf-8-sig").count("\n") == 1  # the sibling ward has no members
