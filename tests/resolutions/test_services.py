"""Services for resolutions, conclusions and tasks: assignment, progress, evaluation, carry-over, texts."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from chibo.audit.models import AuditEntry
from chibo.common.access import SYSTEM
from chibo.meetings.models import MeetingKind
from chibo.resolutions import services
from chibo.resolutions.models import Resolution, ResolutionKind, ResolutionStatus, Task, TaskNote, TaskStatus
from chibo.resolutions.selectors import review_tasks
from tests.factories import make_member
from tests.files import PNG
from tests.resolutions.conftest import hold_meeting, local, open_meeting


def assign(
    meeting, members, by, text="Tham gia tổng vệ sinh môi trường khu dân cư", due=dt.date(2025, 3, 30)
):
    return services.task_assign(meeting=meeting, members=members, text=text, due_on=due, by=by)


class TestAssign:
    def test_one_text_to_several_members_makes_one_task_each(self, cast, held, next_meeting):
        tasks = assign(held, [cast.secretary, cast.member], cast.leader_user)
        assert Task.objects.filter(meeting=held).count() == 2
        assert {t.member_id for t in tasks} == {cast.secretary.pk, cast.member.pk}
        assert all(t.cell_id == cast.cell.pk and t.status == TaskStatus.ASSIGNED for t in tasks)
        assert all(
            t.report_meeting_id == next_meeting.pk for t in tasks
        )  # the next regular meeting by default
        assert AuditEntry.objects.filter(model="resolutions.task", action="create").count() == 2

    def test_posting_twice_creates_nothing_more(self, cast, held):
        assign(held, [cast.member], cast.leader_user)
        with pytest.raises(ValidationError, match="Lê Văn An"):
            assign(held, [cast.secretary, cast.member], cast.leader_user)
        assert Task.objects.filter(meeting=held).count() == 1  # all or nothing: the secretary got none either

    def test_member_not_on_the_roster_is_refused(self, cast, held):
        stranger = make_member(cast.cell2, full_name="Đinh Văn Lạ")
        with pytest.raises(ValidationError) as err:
            assign(held, [stranger], cast.leader_user)
        assert "Đinh Văn Lạ" in str(err.value.message_dict["members"])

    @pytest.mark.parametrize(
        "text,due,field",
        [
            ("", dt.date(2025, 3, 30), "text"),
            ("Việc", None, "due_on"),
            ("Việc", dt.date(2025, 3, 1), "due_on"),
        ],
    )
    def test_bad_fields_name_the_field(self, cast, held, text, due, field):
        with pytest.raises(ValidationError) as err:
            assign(held, [cast.member], cast.leader_user, text=text, due=due)
        assert field in err.value.message_dict
        assert not Task.objects.exists()

    def test_nobody_chosen(self, cast, held):
        with pytest.raises(ValidationError) as err:
            assign(held, [], cast.leader_user)
        assert "members" in err.value.message_dict

    def test_report_meeting_must_be_a_later_meeting_of_the_cell(self, cast, held, task_rules):
        from tests.meetings.conftest import make_meeting

        elsewhere = make_meeting(cast.cell2, task_rules, when=local(2025, 4, 2, 19, 30))
        with pytest.raises(ValidationError) as err:
            services.task_assign(
                meeting=held,
                members=[cast.member],
                text="Việc",
                due_on=dt.date(2025, 3, 30),
                by=cast.leader_user,
                report_meeting=elsewhere,
            )
        assert "report_meeting" in err.value.message_dict


class TestMemberReport:
    def test_note_with_progress_then_done(self, cast, held):
        (task,) = assign(held, [cast.member], cast.leader_user)
        note = services.task_report(
            task=task,
            by=cast.member_user,
            text="Đã vận động 12/20 hộ",
            progress=60,
            file=SimpleUploadedFile("anh.png", PNG, content_type="image/png"),
        )
        task.refresh_from_db()
        assert (task.status, task.progress) == (TaskStatus.IN_PROGRESS, 60)
        assert note.file.name.endswith("anh.png") and note.author == cast.member_user
        services.task_report(task=task, by=cast.member_user, mark_done=True)
        task.refresh_from_db()
        assert (task.status, task.progress) == (TaskStatus.DONE, 100) and task.completed_at is not None
        assert task.is_open  # still waits for the cell's evaluation

    @pytest.mark.parametrize(
        "name,size,message",
        [
            ("virus.exe", 10, "chỉ nhận"),
            ("rong.pdf", 0, "tệp rỗng"),
            ("to.pdf", 11 * 1024 * 1024, "tối đa 10 MB"),
            # Checked by content: a web page saved as .pdf, an SVG (it can hold script) saved as .png.
            ("trang.pdf", b"<html><script>alert(1)</script></html>", "nội dung không phải tệp PDF"),
            ("anh.png", b'<svg xmlns="http://www.w3.org/2000/svg"><script>x()</script></svg>', "ảnh PNG"),
            ("bang.xlsx", b"PK\x03\x04 not a workbook", "nội dung không phải tệp Excel (XLSX)"),
        ],
    )
    def test_rejected_files_store_nothing(self, cast, held, name, size, message):
        (task,) = assign(held, [cast.member], cast.leader_user)
        upload = SimpleUploadedFile(name, size if isinstance(size, bytes) else b"x" * size)
        with pytest.raises(ValidationError) as err:
            services.task_report(task=task, by=cast.member_user, text="Kèm tệp", file=upload)
        assert message in err.value.message_dict["file"][0]
        assert not TaskNote.objects.exists()
        task.refresh_from_db()
        assert task.status == TaskStatus.ASSIGNED

    def test_progress_out_of_range(self, cast, held):
        (task,) = assign(held, [cast.member], cast.leader_user)
        with pytest.raises(ValidationError) as err:
            services.task_report(task=task, by=cast.member_user, text="x", progress=120)
        assert "progress" in err.value.message_dict

    def test_empty_report_refused(self, cast, held):
        (task,) = assign(held, [cast.member], cast.leader_user)
        with pytest.raises(ValidationError):
            services.task_report(task=task, by=cast.member_user)


class TestReviewAndEvaluate:
    @pytest.fixture
    def april(self, cast, task_rules):
        return open_meeting(cast, task_rules, local(2025, 4, 9, 19, 30))

    def test_review_lists_open_tasks_of_earlier_meetings_only(self, cast, held, april, task_rules):
        old = assign(held, [cast.secretary, cast.member], cast.leader_user)
        services.task_evaluate(task=old[0], meeting=held, outcome=TaskStatus.DONE, by=cast.leader_user)
        new = assign(april, [cast.member], cast.leader_user, text="Việc tháng 4", due=dt.date(2025, 5, 1))
        listed = list(review_tasks(april))
        assert listed == [old[1]]  # evaluated elsewhere and assigned at this meeting: not listed
        services.task_evaluate(
            task=old[1],
            meeting=april,
            outcome=TaskStatus.NOT_DONE,
            evaluation="Chưa làm",
            by=cast.leader_user,
        )
        assert list(review_tasks(april)) == [old[1]]  # still shown after its evaluation here
        assert new[0] not in review_tasks(april)

    def test_carry_over_makes_a_follow_up_reported_next_time(self, cast, held, april, task_rules):
        (task,) = assign(held, [cast.member], cast.leader_user)
        services.task_report(task=task, by=cast.member_user, text="Một nửa", progress=50)
        may = hold_meeting(cast, task_rules, local(2025, 5, 7, 19, 30))
        services.task_evaluate(
            task=task,
            meeting=april,
            outcome=TaskStatus.CARRIED_OVER,
            new_due_on=dt.date(2025, 4, 30),
            evaluation="Tiếp tục",
            by=cast.leader_user,
        )
        task.refresh_from_db()
        follow = task.carried_to
        assert (task.status, task.evaluated_in_id) == (TaskStatus.CARRIED_OVER, april.pk)
        assert (follow.meeting_id, follow.due_on, follow.progress) == (april.pk, dt.date(2025, 4, 30), 50)
        assert follow.status == TaskStatus.IN_PROGRESS and follow.text == task.text
        assert follow.report_meeting_id is None or follow.report_meeting_id != april.pk
        assert list(review_tasks(may)) == [follow]  # the carried task comes back at the next meeting

    def test_carry_over_needs_a_later_deadline(self, cast, held, april):
        (task,) = assign(held, [cast.member], cast.leader_user)
        for due in (None, dt.date(2025, 4, 9)):
            with pytest.raises(ValidationError) as err:
                services.task_evaluate(
                    task=task,
                    meeting=april,
                    outcome=TaskStatus.CARRIED_OVER,
                    new_due_on=due,
                    by=cast.leader_user,
                )
            assert "new_due_on" in err.value.message_dict
        assert not Task.objects.filter(carried_from=task).exists()

    def test_evaluated_tasks_are_locked(self, cast, held, april):
        (task,) = assign(held, [cast.member], cast.leader_user)
        services.task_evaluate(task=task, meeting=april, outcome=TaskStatus.DONE, by=cast.leader_user)
        with pytest.raises(ValidationError, match="đã được chi bộ đánh giá"):
            services.task_report(task=task, by=cast.member_user, text="muộn")
        with pytest.raises(ValidationError, match="đã được chi bộ đánh giá"):
            services.task_evaluate(task=task, meeting=april, outcome=TaskStatus.NOT_DONE, by=cast.leader_user)
        with pytest.raises(ValidationError):
            services.task_update(task=task, by=cast.leader_user, text="khác")

    def test_bad_outcome_and_foreign_meeting(self, cast, held, task_rules):
        (task,) = assign(held, [cast.member], cast.leader_user)
        with pytest.raises(ValidationError) as err:
            services.task_evaluate(task=task, meeting=held, outcome=TaskStatus.ASSIGNED, by=cast.leader_user)
        assert "outcome" in err.value.message_dict
        from chibo.meetings.services.running import meeting_open
        from tests.meetings.conftest import make_meeting

        other = meeting_open(
            meeting=make_meeting(cast.cell2, task_rules, when=local(2025, 4, 9, 19, 30)),
            started_at=local(2025, 4, 9, 19, 30),
            by=cast.staff,
        )
        with pytest.raises(ValidationError, match="cùng chi bộ"):
            services.task_evaluate(task=task, meeting=other, outcome=TaskStatus.DONE, by=cast.leader_user)

    def test_delete_only_a_fresh_task(self, cast, held):
        first, second = assign(held, [cast.secretary, cast.member], cast.leader_user)
        services.task_delete(task=first, by=cast.leader_user)
        services.task_report(task=second, by=cast.member_user, text="Bắt đầu")
        with pytest.raises(ValidationError):
            services.task_delete(task=second, by=cast.leader_user)
        assert list(Task.objects.values_list("pk", flat=True)) == [second.pk]


class TestResolution:
    def test_draft_is_built_from_the_record(self, cast, task_rules):
        exempt = make_member(cast.cell, full_name="Đỗ Thị Miễn")
        from chibo.members.services import exemption_create

        exemption_create(member=exempt, valid_from=dt.date(2024, 1, 1), reason="Tuổi cao", by=SYSTEM)
        march = hold_meeting(cast, task_rules, local(2025, 3, 5, 19, 30))
        march_tasks = assign(march, [cast.member], cast.leader_user)
        april = open_meeting(cast, task_rules, local(2025, 4, 9, 19, 30))
        services.task_evaluate(
            task=march_tasks[0],
            meeting=april,
            outcome=TaskStatus.DONE,
            by=cast.leader_user,
            evaluation="Làm tốt",
        )
        assign(april, [cast.secretary], cast.leader_user, text="Rà soát hộ nghèo", due=dt.date(2025, 4, 30))
        resolution = services.resolution_build(meeting=april, by=cast.leader_user)
        assert resolution.kind == ResolutionKind.RESOLUTION and resolution.status == ResolutionStatus.DRAFT
        assert resolution.issued_on == dt.date(2025, 4, 9) and resolution.cell_id == cast.cell.pk
        assert "Tổng số đảng viên của chi bộ: 3; miễn sinh hoạt: 1" in resolution.preamble
        assert "phải dự: 2" in resolution.preamble
        assert (
            "Lê Văn An" in resolution.results
            and "Hoàn thành" in resolution.results
            and "Làm tốt" in resolution.results
        )
        assert "Trần Thị Bình: Rà soát hộ nghèo (hạn 30/04/2025)" in resolution.assignments
        assert (
            services.resolution_build(meeting=april, by=cast.leader_user).pk == resolution.pk
        )  # no second one

    def test_rebuild_refreshes_generated_sections_but_keeps_edits(self, cast, held):
        resolution = services.resolution_build(meeting=held, by=cast.leader_user)
        services.resolution_update(resolution=resolution, by=cast.leader_user, direction="Tập trung thu phí")
        assign(held, [cast.member], cast.leader_user, text="Thu quỹ khuyến học")
        resolution = services.resolution_build(meeting=held, by=cast.leader_user, rebuild=True)
        assert "Thu quỹ khuyến học" in resolution.assignments
        assert resolution.direction == "Tập trung thu phí"

    def test_approval_numbers_per_year_and_locks(self, cast, held, task_rules):
        resolution = services.resolution_build(meeting=held, by=cast.leader_user)
        resolution = services.resolution_approve(resolution=resolution, by=cast.leader_user)
        assert resolution.number == "01-NQ/CB" and resolution.vote is not None and resolution.approved_at
        april = hold_meeting(cast, task_rules, local(2025, 4, 9, 19, 30))
        second = services.resolution_approve(
            resolution=services.resolution_build(meeting=april, by=cast.leader_user), by=cast.leader_user
        )
        assert second.number == "02-NQ/CB"
        thematic = hold_meeting(
            cast, task_rules, local(2025, 4, 20, 19, 30), kind=MeetingKind.THEMATIC, vote=False
        )
        conclusion = services.resolution_approve(
            resolution=services.resolution_build(meeting=thematic, by=cast.leader_user), by=cast.leader_user
        )
        assert (conclusion.kind, conclusion.number) == (
            ResolutionKind.CONCLUSION,
            "01-KL/CB",
        )  # no vote needed
        next_year = hold_meeting(cast, task_rules, local(2026, 1, 7, 19, 30))
        assert (
            services.resolution_approve(
                resolution=services.resolution_build(meeting=next_year, by=cast.leader_user),
                by=cast.leader_user,
            ).number
            == "01-NQ/CB"
        )
        with pytest.raises(ValidationError, match="đã khóa"):
            services.resolution_update(resolution=resolution, by=cast.leader_user, results="sửa")
        with pytest.raises(ValidationError, match="đã khóa"):
            services.resolution_build(meeting=held, by=cast.leader_user, rebuild=True)

    def test_a_resolution_needs_its_passing_vote(self, cast, task_rules):
        meeting = hold_meeting(cast, task_rules, local(2025, 3, 5, 19, 30), vote=False)
        resolution = services.resolution_build(meeting=meeting, by=cast.leader_user)
        with pytest.raises(ValidationError, match="chưa được biểu quyết"):
            services.resolution_approve(resolution=resolution, by=cast.leader_user)
        assert Resolution.objects.get().status == ResolutionStatus.DRAFT

    def test_number_taken_twice_in_a_year_is_refused(self, cast, held, task_rules):
        first = services.resolution_approve(
            resolution=services.resolution_build(meeting=held, by=cast.leader_user), by=cast.leader_user
        )
        april = hold_meeting(cast, task_rules, local(2025, 4, 9, 19, 30))
        draft = services.resolution_build(meeting=april, by=cast.leader_user)
        with pytest.raises(ValidationError) as err:
            services.resolution_update(resolution=draft, by=cast.leader_user, number=first.number)
        assert "number" in err.value.message_dict

    def test_not_before_the_meeting_opens(self, cast, next_meeting):
        with pytest.raises(ValidationError):
            services.resolution_build(meeting=next_meeting, by=cast.leader_user)
