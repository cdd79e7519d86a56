from chibo.meetings.views import minutes, planning, running, scoring

app_name = "meetings"
# Each module owns its routes; all are named in this one namespace (meetings:...).
urlpatterns = planning.urlpatterns + running.urlpatterns + minutes.urlpatterns + scoring.urlpatterns
