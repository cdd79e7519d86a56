from pathlib import Path

from django import forms
from django.conf import settings

from chibo.common.forms import Form
from chibo.dataio.formats import ALL, KIND_CHOICES


class ImportForm(forms.Form):
    kind = forms.ChoiceField(label="Loại dữ liệu", choices=KIND_CHOICES)
    file = forms.FileField(label="Tệp CSV hoặc Excel (.xlsx)")

    def clean(self):
        data = super().clean()
        upload, kind = data.get("file"), data.get("kind")
        if upload is None:
            return data
        suffix = Path(upload.name).suffix.lower()
        limit = settings.CHIBO_IMPORT_MAX_UPLOAD_MB
        if upload.size > limit * 1024 * 1024:
            self.add_error(
                "file",
                f"Tệp lớn hơn {limit} MB, quá giới hạn tải lên. Hãy chia tệp, hoặc nhờ quản trị hệ thống "
                "nhập bằng lệnh chibo import-data.",
            )
        elif suffix not in (".csv", ".xlsx"):
            self.add_error("file", "Chỉ nhận tệp .csv hoặc .xlsx.")
        elif kind == ALL and suffix != ".xlsx":
            self.add_error("file", "Nhập tất cả các loại dữ liệu cần một tệp .xlsx có mỗi loại một trang.")
        return data


class ExportForm(Form):
    kind = forms.ChoiceField(label="Loại dữ liệu", choices=KIND_CHOICES)
    org = forms.CharField(label="Mã tổ chức", max_length=40)
    format = forms.ChoiceField(label="Định dạng", choices=[("xlsx", "Excel (.xlsx)"), ("csv", "CSV")])

    def clean(self):
        data = super().clean()
        if data.get("kind") == ALL and data.get("format") == "csv":
            self.add_error("format", "Xuất tất cả các loại dữ liệu cần định dạng Excel (.xlsx).")
        return data
