from django.urls import path

from chibo.portal import views

app_name = "portal"

urlpatterns = [
    path("", views.home, name="home"),
    path("bai/<int:pk>/", views.article, name="article_short"),
    path("bai/<int:pk>/<slug:slug>/", views.article, name="article"),
    path("anh/<int:pk>/", views.image, name="image"),
    path("ma-xac-nhan/<str:token>/", views.captcha_image, name="captcha"),
    path("quan-ly/", views.manage, name="manage"),
    path("quan-ly/moi/", views.article_new, name="new"),
    path("quan-ly/<int:pk>/", views.article_edit, name="edit"),
    path("quan-ly/<int:pk>/anh/", views.article_image_add, name="image_add"),
    path("quan-ly/<int:pk>/dang/", views.article_publish, name="publish"),
    path("duyet/", views.moderation, name="moderation"),
    path("duyet/<int:pk>/", views.comment_moderate, name="moderate"),
    path("sinh-hoat/<int:meeting_pk>/cau-hoi/", views.questions, name="questions"),
    path("cau-hoi/<int:pk>/tra-loi/", views.question_answer, name="answer"),
]
