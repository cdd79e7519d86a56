from django.urls import path

from chibo.members import views

app_name = "members"
urlpatterns = [
    path("", views.member_list, name="list"),
    path("them/", views.member_create_view, name="create"),
    path("tim/", views.member_search, name="search"),
    path("<int:pk>/", views.member_detail, name="detail"),
    path("<int:pk>/sua/", views.member_edit, name="edit"),
    path("<int:pk>/chuyen-sinh-hoat/", views.member_transfer_view, name="transfer"),
    path("<int:pk>/ra-khoi-dang/", views.member_leave_view, name="leave"),
    path("<int:pk>/sinh-hoat-tam-thoi/", views.member_temporary_view, name="temporary"),
    path("<int:pk>/mien-sinh-hoat/them/", views.exemption_create_view, name="exemption_create"),
    path("<int:pk>/boi-duong/them/", views.training_create_view, name="training_create"),
    path("mien-sinh-hoat/<int:pk>/ket-thuc/", views.exemption_end_view, name="exemption_end"),
    path("chuc-vu/<int:pk>/ket-thuc/", views.position_end_view, name="position_end"),
    path("to-chuc/<int:org_pk>/", views.org_members, name="org_members"),
    path("to-chuc/<int:org_pk>/mien-sinh-hoat/", views.org_exemptions, name="org_exemptions"),
    path("to-chuc/<int:org_pk>/boi-duong/", views.org_trainings, name="org_trainings"),
    path("to-chuc/<int:org_pk>/chi-uy/", views.cell_committee, name="cell_committee"),
    path("to-chuc/<int:org_pk>/chi-uy/them/", views.position_assign_view, name="position_assign"),
]
