from django.urls import path

from chibo.materials import views

app_name = "materials"

urlpatterns = [
    path("", views.index, name="index"),
    path("to-chuc/<int:pk>/", views.org_materials, name="org"),
    path("to-chuc/<int:pk>/ban-hanh/", views.publish, name="publish"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/tep/<int:file_pk>/", views.download, name="download"),
    path("<int:pk>/them-tep/", views.add_files, name="add_files"),
    path("<int:pk>/gan/", views.attach, name="attach"),
    path("<int:pk>/da-mo/", views.opens, name="opens"),
    path("gan/<int:pk>/go/", views.detach, name="detach"),
    path("buoi-sinh-hoat/<int:pk>/", views.meeting_materials, name="meeting"),
    path("buoi-sinh-hoat/<int:pk>/gan/", views.meeting_attach, name="meeting_attach"),
]
