"""The one NinjaAPI, mounted at /api/v1/. Each domain app owns its router (`chibo/<app>/api.py`);
this module only authenticates, formats errors and mounts the routers."""

from django.contrib.auth.decorators import login_not_required
from ninja import NinjaAPI, Swagger
from ninja.renderers import JSONRenderer

from chibo.api.auth import TokenAuth, session_auth
from chibo.common.api import errors
from chibo.common.api.params import reject_unknown_query
from chibo.materials.api import router as materials_router
from chibo.meetings.api import router as meetings_router
from chibo.members.api import org_router as members_org_router
from chibo.members.api import router as members_router
from chibo.orgs.api import router as orgs_router
from chibo.portal.api import router as portal_router
from chibo.resolutions.api import meeting_router as resolutions_meeting_router
from chibo.resolutions.api import router as resolutions_router
from chibo.resolutions.api import task_router
from chibo.supervision.api import router as supervision_router
from chibo.training.api import router as training_router

DESCRIPTION = """API JSON của Chibo (Chibo's JSON API).

**Xác thực**: gửi khóa API trong tiêu đề `Authorization: Bearer <khóa>` (tạo bằng
`chibo api-token create TÊN_ĐĂNG_NHẬP --name TÊN_KHÓA` hoặc ở trang *Khóa API*), hoặc dùng phiên
đăng nhập của trình duyệt (khi đó yêu cầu ghi phải kèm tiêu đề `X-CSRFToken`).

**Phạm vi**: mỗi người chỉ thấy tổ chức và đảng viên trong phạm vi vai trò của mình, như trên giao diện web.
Không thấy → 404; thấy nhưng không được sửa → 403; dữ liệu sai → 422 kèm danh sách `{field, message}`.
"""


class Utf8JSONRenderer(JSONRenderer):
    # Vietnamese names as they are ("Nguyễn"), not as \u escapes: readable with curl, and smaller.
    json_dumps_params = {"ensure_ascii": False}


class ChiboAPI(NinjaAPI):
    def get_openapi_operation_id(self, operation) -> str:
        # Short, stable ids (`member_transfer`) instead of ninja's module-prefixed default.
        return operation.view_func.__name__

    def _get_urls(self):
        urls = super()._get_urls()
        for pattern in urls:
            # The API answers an anonymous call with a JSON 401 itself; LoginRequiredMiddleware must not
            # redirect it to the HTML login page. The schema and docs page hold no data, so they are
            # public too: tools such as schemathesis and code generators read them without a session.
            login_not_required(pattern.callback)
        return urls


api = ChiboAPI(
    title="Chibo API",
    version="1",
    description=DESCRIPTION,
    # Tokens travel in a header that a browser never adds by itself, so a forged cross-site request
    # cannot carry one: token calls need no CSRF check. A session cookie is sent by the browser
    # automatically, so session_auth runs Django's CSRF check on unsafe methods of a logged-in session:
    # a logged-in user may read from the browser and write from the docs page (which sends
    # X-CSRFToken), while another site cannot make that browser write. No credentials at all: 401.
    auth=[TokenAuth(), session_auth],
    urls_namespace="api",
    renderer=Utf8JSONRenderer(),
    # Swagger UI would otherwise send the schema to validator.swagger.io for its badge: nothing may
    # leave for another host.
    docs=Swagger(settings={"validatorUrl": None}),
)
errors.install(api)
api.add_decorator(reject_unknown_query)
api.add_router("/orgs", orgs_router, tags=["Tổ chức đảng"])
api.add_router("/orgs", members_org_router, tags=["Tổ chức đảng"])
api.add_router("/members", members_router, tags=["Đảng viên"])
api.add_router("/meetings", meetings_router, tags=["Sinh hoạt chi bộ"])
api.add_router("/meetings", resolutions_meeting_router, tags=["Nghị quyết và nhiệm vụ"])
api.add_router("/resolutions", resolutions_router, tags=["Nghị quyết và nhiệm vụ"])
api.add_router("/tasks", task_router, tags=["Nghị quyết và nhiệm vụ"])
api.add_router("/materials", materials_router, tags=["Tài liệu sinh hoạt"])
api.add_router("/training", training_router, tags=["Bồi dưỡng, tập huấn"])
api.add_router("/supervision", supervision_router, tags=["Kiểm tra, giám sát"])
api.add_router("/portal", portal_router, tags=["Cổng thông tin"])
api.add_router("/accounts", "chibo.accounts.api.router", tags=["Tài khoản"])
