from django.contrib.auth.decorators import login_not_required
from django.urls import path

from chibo.accounts import views

app_name = "accounts"
urlpatterns = [
    path("to-chuc/<int:pk>/", views.org_accounts, name="org"),
    path("to-chuc/<int:pk>/tao/", views.accounts_create, name="create"),
    path("to-chuc/<int:pk>/phieu/", views.org_slips, name="slips"),
    path("dang-vien/<int:pk>/cap-lai/", views.member_slip, name="member_slip"),
    path("kich-hoat/", views.activate, name="activate"),
    path("doi-mat-khau/", views.PasswordChangeView.as_view(), name="password_change"),
    path("doi-mat-khau/xong/", views.PasswordChangeDoneView.as_view(), name="password_change_done"),
    path("quen-mat-khau/", login_not_required(views.PasswordResetView.as_view()), name="password_reset"),
    path(
        "quen-mat-khau/da-gui/",
        login_not_required(views.PasswordResetDoneView.as_view()),
        name="password_reset_done",
    ),
    path(
        "dat-lai/<uidb64>/<token>/",
        login_not_required(views.PasswordResetConfirmView.as_view()),
        name="password_reset_confirm",
    ),
    path(
        "dat-lai/xong/",
        login_not_required(views.PasswordResetCompleteView.as_view()),
        name="password_reset_complete",
    ),
]
