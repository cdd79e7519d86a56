from django.urls import path

from chibo.dataio import views

app_name = "dataio"
urlpatterns = [
    path("", views.index, name="index"),
    path("xuat/", views.export, name="export"),
    path("mau/<str:kind>.xlsx", views.template, name="template"),
    path("luot/<int:pk>/", views.job_detail, name="job"),
    path("luot/<int:pk>/tien-do/", views.job_progress, name="progress"),
    path("luot/<int:pk>/loi.csv", views.job_errors, name="errors"),
    path("luot/<int:pk>/ghi/", views.job_confirm, name="confirm"),
    path("luot/<int:pk>/chay-lai/", views.job_rerun, name="rerun"),
]
