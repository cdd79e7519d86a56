"""Django prints a {# ... #} comment that spans lines as text: it once stood at the top of every minutes and
resolution PDF. Every template keeps its one-line comments on one line ({% comment %} for longer ones)."""

from pathlib import Path

import chibo

TEMPLATES = Path(chibo.__file__).parent


def test_no_template_comment_spans_lines():
    broken = []
    for path in TEMPLATES.rglob("*"):
        if path.suffix not in {".html", ".txt", ".xml"} or not path.is_file():
            continue
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            if "{#" in line and "#}" not in line[line.index("{#") :]:
                broken.append(f"{path.relative_to(TEMPLATES)}:{number}")
    assert not broken, broken


def test_a_checkbox_label_is_a_sentence_without_a_colon_and_other_labels_keep_theirs():
    from django import forms as django_forms

    from chibo.common.forms import Form

    class Sample(Form):
        name = django_forms.CharField(label="Họ và tên")
        agree = django_forms.BooleanField(label="Tôi xác nhận biên bản đã được đọc lại", required=False)

    html = str(Sample())
    assert "Tôi xác nhận biên bản đã được đọc lại</label>" in html
    assert "Họ và tên:</label>" in html
