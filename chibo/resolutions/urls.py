from django.urls import path

from chibo.resolutions.views import documents, pages

app_name = "resolutions"

urlpatterns = [
    path("nghi-quyet/<int:pk>/", pages.resolution_detail, name="detail"),
    path("<int:pk>/", pages.task_detail, name="task"),
    *pages.urlpatterns_pages,
    *documents.urlpatterns_documents,
]
