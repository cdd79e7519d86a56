from django.urls import path

from chibo.supervision import views

app_name = "supervision"

urlpatterns = [
    path("", views.index, name="index"),
    path("cua-toi/", views.my_units, name="mine"),
    path("to-chuc/<int:pk>/phan-cong/", views.assignments, name="assignments"),
    path("to-chuc/<int:pk>/theo-quy/", views.quarter, name="quarter"),
    path("to-chuc/<int:pk>/kien-nghi/", views.org_recommendations, name="org_recommendations"),
    path("phan-cong/<int:pk>/ket-thuc/", views.assignment_end, name="assignment_end"),
    path("sinh-hoat/<int:meeting_pk>/du-sinh-hoat/", views.visit_create, name="visit_create"),
    path("<int:pk>/", views.visit_detail, name="visit"),
    path("<int:pk>/sua/", views.visit_edit, name="visit_edit"),
    path("<int:pk>/xoa/", views.visit_delete, name="visit_delete"),
    path("<int:pk>/kien-nghi/", views.recommendation_add, name="recommendation_add"),
    path("kien-nghi/<int:pk>/", views.recommendation_detail, name="recommendation"),
    path("kien-nghi/<int:pk>/tra-loi/", views.recommendation_answer, name="answer"),
    path("kien-nghi/<int:pk>/ket-thuc/", views.recommendation_close, name="close"),
]
