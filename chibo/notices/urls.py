from django.urls import path

from chibo.notices import views

app_name = "notices"

urlpatterns = [
    path("", views.inbox, name="inbox"),
    path("<int:pk>/", views.open_notice, name="open"),
    path("cach-nhan/<int:member_pk>/", views.channels, name="channels"),
    path("sms/bao-nhan/", views.sms_report, name="sms_report"),
]
