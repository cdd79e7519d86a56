from django.urls import path

from chibo.resolutions.views import documents, meeting, member

app_name = "resolutions"

urlpatterns = [
    path("nghi-quyet/<int:pk>/", meeting.resolution_detail, name="detail"),
    path("<int:pk>/", member.task_detail, name="task"),
    *meeting.urlpatterns_meeting,
    *member.urlpatterns_member,
    *documents.urlpatterns_documents,
]
