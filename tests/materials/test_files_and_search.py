"""Uploads: allowed types by extension and content, size limit, served as downloads; full-text search
with or without diacritics inside DOCX and PDF files, scoped to what the user may see."""

import pytest
from django.core.exceptions import ValidationError

from chibo.materials import services
from chibo.materials.models import Material, MaterialFile
from tests.materials.conftest import PNG, docx_bytes, pdf_bytes, publish, upload


def stored_files(media) -> list:
    return [p for p in media.rglob("*") if p.is_file()] if media.exists() else []


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("virus.exe", b"MZ\x90\x00", "Tệp “virus.exe”: chỉ nhận tài liệu PDF, DOCX hoặc ảnh"),
        (
            "nghi-quyet.pdf",
            b"<html><script>alert(1)</script>",
            "Tệp “nghi-quyet.pdf”: nội dung không phải tệp PDF.",
        ),
        ("bao-cao.docx", b"PK\x03\x04 not a zip", "Tệp “bao-cao.docx”: nội dung không phải tệp Word (DOCX)."),
        ("anh.jpg", b"GIF89a....", "Tệp “anh.jpg”: nội dung không phải ảnh JPG hợp lệ."),
        ("rong.pdf", b"", "Tệp “rong.pdf”: tệp rỗng."),
    ],
)
def test_rejected_uploads_get_a_message_and_nothing_is_stored(cast, media, name, data, message):
    with pytest.raises(ValidationError) as error:
        publish(cast.ward, by=cast.staff, uploads=[upload("dung.png", PNG), upload(name, data)])
    assert any(message in m for m in error.value.message_dict["files"])
    assert not Material.objects.exists() and not MaterialFile.objects.exists()
    assert stored_files(media) == []


def test_too_large_a_file_is_refused_without_being_read(cast, media, monkeypatch):
    monkeypatch.setattr("chibo.materials.files.MATERIAL_MAX_BYTES", 1024)
    with pytest.raises(ValidationError) as error:
        publish(cast.ward, by=cast.staff, uploads=[upload("lon.pdf", b"%PDF-1.7" + b"0" * 2000)])
    assert "dung lượng tối đa 0 MB" in error.value.message_dict["files"][0]
    assert stored_files(media) == []


def test_rejected_upload_on_the_page_shows_the_message(client, cast, media):
    client.force_login(cast.staff)
    response = client.post(
        f"/tai-lieu/to-chuc/{cast.ward.pk}/ban-hanh/",
        {
            "kind": "upper",
            "title": "Văn bản cấp trên",
            "audience": "subtree",
            "files": [upload("chi-thi.pdf", b"not a pdf")],
        },
    )
    assert response.status_code == 200
    assert "Tệp “chi-thi.pdf”: nội dung không phải tệp PDF." in response.content.decode()
    assert not Material.objects.exists() and stored_files(media) == []


def test_files_are_stored_under_a_random_folder_and_served_as_downloads(client, cast, media):
    material = publish(
        cast.ward, by=cast.staff, uploads=[upload("Tài liệu tháng 3.pdf", pdf_bytes("Tháng ba"))]
    )
    stored = material.files.get()
    folder = stored.file.name.split("/")
    assert folder[0] == "materials" and len(folder[1]) == 32
    client.force_login(cast.member_user)
    response = client.get(f"/tai-lieu/{material.pk}/tep/{stored.pk}/")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert b"".join(response.streaming_content).startswith(b"%PDF")
    for user in (cast.outsider, cast.sibling_leader):
        client.force_login(user)
        assert client.get(f"/tai-lieu/{material.pk}/tep/{stored.pk}/").status_code == 404


def test_publisher_adds_a_file_later(client, cast, media):
    material = publish(cast.ward, by=cast.staff)
    client.force_login(cast.leader_user)
    assert client.get(f"/tai-lieu/{material.pk}/them-tep/").status_code == 403
    client.force_login(cast.staff)
    response = client.post(
        f"/tai-lieu/{material.pk}/them-tep/", {"files": [upload("b.docx", docx_bytes("Kế hoạch"))]}
    )
    assert response.status_code == 302 and material.files.count() == 1


def find(user, text):
    from chibo.materials.access import material as material_policy
    from chibo.materials.selectors import search

    return list(search(material_policy.visible_qs(user), text))


def test_search_inside_a_docx_with_and_without_diacritics(cast, media):
    material = publish(
        cast.ward,
        by=cast.staff,
        title="Tài liệu tháng 3",
        uploads=[
            upload("tl.docx", docx_bytes("Quán triệt Nghị quyết số 57 về phát triển khoa học, công nghệ"))
        ],
    )
    for text in ("nghi quyet 57", "Nghị quyết số 57", "KHOA HỌC công nghệ", "phat trien"):
        assert find(cast.member_user, text) == [material], text
    assert find(cast.member_user, "nghị định") == []
    assert find(cast.outsider, "nghi quyet") == []


def test_search_inside_a_pdf_with_and_without_diacritics(cast, media):
    material = publish(
        cast.ward,
        by=cast.staff,
        title="Văn bản",
        uploads=[upload("tl.pdf", pdf_bytes("Hướng dẫn sinh hoạt chi bộ theo Chỉ thị 50 về đổi mới"))],
    )
    for text in ("chi thi 50", "Chỉ thị 50", "doi moi", "Đổi mới"):
        assert find(cast.leader_user, text) == [material], text
    assert find(cast.sibling_leader, "chi thi 50") == []


def test_search_title_and_summary_and_the_page(client, cast):
    material = publish(
        cast.ward, by=cast.staff, title="Đẩy mạnh học tập", summary="Gương điển hình tiên tiến"
    )
    publish(cast.ward2, by=cast.outsider, title="Đẩy mạnh học tập ở Hoàn Kiếm")
    client.force_login(cast.member_user)
    response = client.get("/tai-lieu/", {"q": "guong dien hinh"})
    html = response.content.decode()
    assert material.title in html and "Hoàn Kiếm" not in html
    response = client.get("/tai-lieu/", {"q": "day manh hoc tap"})
    assert list(response.context["page"]) == [material]


def test_add_file_service_refuses_an_empty_list(cast):
    material = publish(cast.ward, by=cast.staff)
    with pytest.raises(ValidationError):
        services.material_file_add(material=material, uploads=[], by=cast.staff)


def test_a_download_whose_file_is_gone_is_a_404_and_counts_no_opening(client, cast, media):
    from chibo.materials.models import MaterialOpen

    material = publish(cast.ward, by=cast.staff, uploads=[upload("Chỉ thị.pdf", pdf_bytes("Chỉ thị"))])
    stored = material.files.get()
    stored.file.storage.delete(stored.file.name)  # a lost disk, a restore without the media
    client.force_login(cast.member_user)
    response = client.get(f"/tai-lieu/{material.pk}/tep/{stored.pk}/")
    assert response.status_code == 404
    assert not MaterialOpen.objects.filter(material=material).exists()
