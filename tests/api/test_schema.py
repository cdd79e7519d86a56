import re

EXPECTED = {
    ("get", "/api/v1/orgs"): "org_list",
    ("get", "/api/v1/orgs/{org_id}"): "org_detail",
    ("get", "/api/v1/orgs/{org_id}/children"): "org_children",
    ("get", "/api/v1/orgs/{org_id}/roster"): "org_roster",
    ("get", "/api/v1/orgs/{org_id}/rights"): "right_list",
    ("post", "/api/v1/orgs/{org_id}/rights"): "right_grant",
    ("post", "/api/v1/orgs/{org_id}/rights/{role_id}/revoke"): "right_revoke",
    ("get", "/api/v1/members"): "member_list",
    ("post", "/api/v1/members"): "member_create",
    ("get", "/api/v1/members/{member_id}"): "member_detail",
    ("patch", "/api/v1/members/{member_id}"): "member_update",
    ("post", "/api/v1/members/{member_id}/transfer"): "member_transfer",
    ("post", "/api/v1/members/{member_id}/positions"): "position_assign",
    ("get", "/api/v1/meetings"): "meeting_list",
    ("post", "/api/v1/meetings"): "meeting_create",
    ("get", "/api/v1/meetings/{meeting_id}"): "meeting_detail",
    ("post", "/api/v1/meetings/{meeting_id}/open"): "meeting_open",
    ("post", "/api/v1/meetings/{meeting_id}/close"): "meeting_close",
    ("patch", "/api/v1/meetings/{meeting_id}/times"): "meeting_set_times",
    ("get", "/api/v1/meetings/{meeting_id}/attendance"): "attendance_list",
    ("post", "/api/v1/meetings/{meeting_id}/attendance/mark-all-present"): "attendance_mark_all_present",
    ("patch", "/api/v1/meetings/{meeting_id}/attendance/{member_id}"): "attendance_mark",
    ("get", "/api/v1/meetings/{meeting_id}/votes"): "vote_list",
    ("post", "/api/v1/meetings/{meeting_id}/votes"): "vote_record",
    ("get", "/api/v1/meetings/{meeting_id}/minutes"): "minutes_detail",
    ("patch", "/api/v1/meetings/{meeting_id}/minutes"): "minutes_update",
    ("post", "/api/v1/meetings/{meeting_id}/minutes/build"): "minutes_build",
    ("post", "/api/v1/meetings/{meeting_id}/minutes/approve"): "minutes_approve",
    ("post", "/api/v1/meetings/{meeting_id}/minutes/amendments"): "minutes_amend",
    ("post", "/api/v1/meetings/{meeting_id}/resolution"): "resolution_build",
    ("post", "/api/v1/meetings/{meeting_id}/tasks"): "task_assign",
    ("get", "/api/v1/meetings/{meeting_id}/task-coverage"): "task_coverage",
    ("get", "/api/v1/resolutions"): "resolution_list",
    ("get", "/api/v1/resolutions/{resolution_id}"): "resolution_detail",
    ("patch", "/api/v1/resolutions/{resolution_id}"): "resolution_update",
    ("post", "/api/v1/resolutions/{resolution_id}/approve"): "resolution_approve",
    ("get", "/api/v1/tasks"): "task_list",
    ("get", "/api/v1/tasks/{task_id}"): "task_detail",
    ("patch", "/api/v1/tasks/{task_id}"): "task_update",
    ("post", "/api/v1/tasks/{task_id}/notes"): "task_report",
    ("post", "/api/v1/tasks/{task_id}/evaluate"): "task_evaluate",
    ("get", "/api/v1/materials"): "material_list",
    ("post", "/api/v1/materials"): "material_publish",
    ("get", "/api/v1/materials/{material_id}"): "material_detail",
    ("post", "/api/v1/materials/{material_id}/files"): "material_file_upload",
    ("post", "/api/v1/materials/{material_id}/attachments"): "material_attach",
    ("get", "/api/v1/materials/{material_id}/opens"): "material_opens",
    ("get", "/api/v1/portal/articles"): "article_list",
    ("post", "/api/v1/portal/articles"): "article_create",
    ("get", "/api/v1/portal/articles/{article_id}"): "article_detail",
    ("patch", "/api/v1/portal/articles/{article_id}"): "article_update",
    ("post", "/api/v1/portal/articles/{article_id}/publish"): "article_publish",
    ("get", "/api/v1/portal/manage/articles"): "article_manage_list",
    ("get", "/api/v1/portal/comments"): "comment_list",
    ("post", "/api/v1/portal/comments/{comment_id}/moderate"): "comment_moderate",
    ("get", "/api/v1/supervision/assignments"): "assignment_list",
    ("post", "/api/v1/supervision/assignments"): "assignment_create",
    ("post", "/api/v1/supervision/assignments/{assignment_id}/end"): "assignment_end",
    ("get", "/api/v1/supervision/visits"): "visit_list",
    ("post", "/api/v1/supervision/visits"): "visit_create",
    ("get", "/api/v1/supervision/visits/{visit_id}"): "visit_detail",
    ("delete", "/api/v1/supervision/visits/{visit_id}"): "visit_delete",
    ("post", "/api/v1/supervision/visits/{visit_id}/recommendations"): "recommendation_add",
    ("get", "/api/v1/supervision/recommendations"): "recommendation_list",
    ("get", "/api/v1/supervision/recommendations/{recommendation_id}"): "recommendation_detail",
    ("post", "/api/v1/supervision/recommendations/{recommendation_id}/answer"): "recommendation_answer",
    ("post", "/api/v1/supervision/recommendations/{recommendation_id}/close"): "recommendation_close",
    ("get", "/api/v1/training/courses"): "course_list",
    ("post", "/api/v1/training/courses"): "course_create",
    ("get", "/api/v1/training/courses/{course_id}"): "course_detail",
    ("patch", "/api/v1/training/courses/{course_id}"): "course_update",
    ("get", "/api/v1/training/courses/{course_id}/participations"): "participation_list",
    ("post", "/api/v1/training/courses/{course_id}/participations"): "participation_create",
    ("patch", "/api/v1/training/participations/{participation_id}"): "participation_update",
    ("get", "/api/v1/training/orgs/{org_id}/gaps"): "gap_list",
    ("post", "/api/v1/training/orgs/{org_id}/gaps/enrol"): "gap_enrol",
    ("get", "/api/v1/accounts/orgs/{org_id}"): "account_counts",
    ("post", "/api/v1/accounts/orgs/{org_id}/create"): "accounts_create",
    ("post", "/api/v1/accounts/orgs/{org_id}/slips"): "accounts_slips",
}


def test_schema_is_served_locally_and_lists_every_endpoint(client, db):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    schema = response.json()
    assert schema["openapi"].startswith("3.")
    found = {(m, p): op["operationId"] for p, ops in schema["paths"].items() for m, op in ops.items()}
    assert found == EXPECTED


def test_schema_declares_the_error_answers_and_bearer_auth(client, db):
    schema = client.get("/api/v1/openapi.json").json()
    for path, ops in schema["paths"].items():
        for method, op in ops.items():
            codes = set(op["responses"])
            assert {"401", "404", "422"} <= codes, (method, path)
            if method != "get":
                assert {"400", "403"} <= codes, (method, path)
            error = op["responses"]["422"]["content"]["application/json"]["schema"]["$ref"]
            assert error.endswith("/ValidationErrorOut")
    schemes = schema["components"]["securitySchemes"]
    assert schemes["TokenAuth"] == {"type": "http", "scheme": "bearer"}


def test_docs_page_loads_nothing_from_another_host(client, db):
    response = client.get("/api/v1/docs")
    assert response.status_code == 200
    html = response.content.decode()
    assert "swagger-ui-bundle.js" in html
    assert not re.search(r"""(src|href)\s*=\s*["']?(https?:)?//""", html)
    assets = re.findall(r"""(?:src|href)\s*=\s*["']([^"']+)""", html)
    assert assets and all(a.startswith("/static/") for a in assets), assets
    assert '"validatorUrl": null' in html  # no schema sent to validator.swagger.io
    for asset in assets:
        assert client.get(asset).status_code == 200, asset
