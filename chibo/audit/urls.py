from django.urls import path

from chibo.audit import views

app_name = "audit"
urlpatterns = [
    path("to-chuc/<int:org_pk>/", views.org_audit, name="org_audit"),
    path("he-thong/", views.system_audit, name="system_audit"),
]
