from django.urls import path

from chibo.api import views

# "api" is the namespace of the NinjaAPI itself; the token page is "tokens".
app_name = "tokens"

urlpatterns = [
    path("", views.token_list, name="list"),
    path("<int:pk>/thu-hoi/", views.token_revoke_view, name="revoke"),
]
