from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from chibo import views as site_views
from chibo.api.api import api
from chibo.security import views as security_views

urlpatterns = [
    path("", site_views.home, name="home"),
    path("suc-khoe/", site_views.alive, name="alive"),
    path("dang-nhap/", security_views.login_view, name="login"),
    path("dang-xuat/", auth_views.LogoutView.as_view(), name="logout"),
    path("to-chuc/", include("chibo.orgs.urls")),
    path("dang-vien/", include("chibo.members.urls")),
    path("sinh-hoat/", include("chibo.meetings.urls")),
    path("nhiem-vu/", include("chibo.resolutions.urls")),
    path("chi-tieu/", include("chibo.reporting.urls")),
    path("tai-lieu/", include("chibo.materials.urls")),
    path("boi-duong/", include("chibo.training.urls")),
    path("giam-sat/", include("chibo.supervision.urls")),
    path("cong-thong-tin/", include("chibo.portal.urls")),
    path("nhat-ky/", include("chibo.audit.urls")),
    path("nhap-xuat/", include("chibo.dataio.urls")),
    path("tai-khoan/", include("chibo.accounts.urls")),
    path("thong-bao/", include("chibo.notices.urls")),
    path("bao-mat/", include("chibo.security.urls")),
    path("api/v1/", api.urls),
    path("khoa-api/", include("chibo.api.urls")),
    path("quan-tri/", admin.site.urls),
]

# A database busy past its lock timeout is a 503 "try again", not a 500 (chibo.common.http).
handler500 = "chibo.common.http.server_error"
