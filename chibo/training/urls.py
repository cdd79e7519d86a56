from django.urls import path

from chibo.training import views

app_name = "training"

urlpatterns = [
    path("", views.course_list, name="courses"),
    path("them/", views.course_create, name="course_create"),
    path("lop/<int:pk>/", views.course_detail, name="course"),
    path("lop/<int:pk>/sua/", views.course_edit, name="course_edit"),
    path("lop/<int:pk>/ghi-danh/", views.course_enrol, name="course_enrol"),
    path("hoc-vien/<int:pk>/trang-thai/", views.participation_status, name="participation_status"),
    path("to-chuc/<int:org_pk>/chua-boi-duong/", views.gap_list, name="gaps"),
    path("to-chuc/<int:org_pk>/ghi-danh/", views.gap_enrol, name="gap_enrol"),
]
