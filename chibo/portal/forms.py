from django import forms

from chibo.common.forms import Form, ModelForm
from chibo.portal import rules
from chibo.portal.models import Article


class CommentForm(Form):
    name = forms.CharField(label="Họ tên (*)", max_length=120)
    phone = forms.CharField(
        label="Số điện thoại",
        max_length=20,
        required=False,
        help_text="Chỉ cán bộ duyệt bình luận thấy; không hiển thị công khai.",
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel"}),
    )
    title = forms.CharField(label="Tiêu đề (*)", max_length=255)
    content = forms.CharField(label="Nội dung (*)", max_length=5000, widget=forms.Textarea(attrs={"rows": 5}))
    captcha = forms.CharField(
        label="Mã xác nhận (*)",
        max_length=12,
        help_text="Nhập các chữ số trong ảnh.",
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
    captcha_token = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            label = str(field.label).replace(" (*)", "")
            field.error_messages["required"] = f"{label}: không được để trống."
            field.error_messages["max_length"] = f"{label}: dài quá %(limit_value)d ký tự."

    def clean_phone(self):
        phone = self.cleaned_data["phone"].strip()
        if phone and not rules.PHONE_RE.match(phone):
            raise forms.ValidationError(rules.BAD_PHONE)
        return phone


class ArticleForm(ModelForm):
    class Meta:
        model = Article
        fields = ["publisher", "title", "summary", "body", "author_name"]
        widgets = {
            "summary": forms.Textarea(attrs={"rows": 3}),
            "body": forms.Textarea(attrs={"rows": 14}),
        }
        help_texts = {
            "body": "Viết theo Markdown: dòng trống tách đoạn, **đậm**, *nghiêng*, '- ' đầu dòng cho danh sách. "
            "Chèn ảnh đã tải lên bằng đường dẫn ảnh, ví dụ ![Chú thích](/cong-thong-tin/anh/12/).",
        }

    def __init__(self, *args, publishers=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["publisher"].queryset = publishers
        self.fields["publisher"].empty_label = None
        if self.instance.pk:
            # A published article stays with its committee.
            del self.fields["publisher"]


class ImageForm(Form):
    file = forms.FileField(
        label="Ảnh",
        help_text=f"JPG, PNG, WEBP hoặc GIF; tối đa {rules.IMAGE_MAX_BYTES // (1024 * 1024)} MB.",
        widget=forms.ClearableFileInput(attrs={"accept": "image/jpeg,image/png,image/webp,image/gif"}),
    )
    caption = forms.CharField(label="Chú thích", max_length=255, required=False)


class QuestionForm(Form):
    text = forms.CharField(
        label="Câu hỏi về tài liệu",
        max_length=2000,
        widget=forms.Textarea(
            attrs={"rows": 3, "placeholder": "Điều đồng chí muốn hỏi trước buổi sinh hoạt"}
        ),
    )


class AnswerForm(Form):
    answer = forms.CharField(label="Trả lời", max_length=4000, widget=forms.Textarea(attrs={"rows": 2}))
