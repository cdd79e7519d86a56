from django.urls import path

from chibo.security import views

app_name = "security"
urlpatterns = [
    path("", views.home, name="home"),
    path("xac-thuc/", views.verify, name="verify"),
    path("hai-lop/cai-dat/", views.setup, name="setup"),
    path("hai-lop/ma-khoi-phuc/", views.recovery_codes, name="recovery_codes"),
    path("hai-lop/tat/", views.second_factor_remove, name="remove"),
    path("dang-xuat-moi-thiet-bi/", views.logout_everywhere, name="logout_everywhere"),
    path("tai-khoan/", views.accounts, name="accounts"),
    path("tai-khoan/<int:pk>/mo-khoa/", views.unlock, name="unlock"),
    path("tai-khoan/<int:pk>/dang-xuat/", views.logout_user_everywhere, name="logout_user"),
]
