from django.urls import path

from chibo.orgs import views

app_name = "orgs"
urlpatterns = [
    path("", views.org_list, name="list"),
    path("them/", views.org_create_view, name="create"),
    path("tim/", views.org_search, name="search"),
    path("<int:pk>/", views.org_detail, name="detail"),
    path("<int:pk>/sua/", views.org_edit, name="edit"),
    path("<int:pk>/chuyen/", views.org_move_view, name="move"),
    path("<int:pk>/quyen-han/", views.org_rights, name="rights"),
    path("<int:pk>/quyen-han/trao/", views.org_rights_grant, name="rights_grant"),
    path("quyen-han/<int:pk>/thu-hoi/", views.role_revoke_view, name="role_revoke"),
]
