from chibo.reporting.views import dashboard, fixes, plans, reports

app_name = "reporting"

urlpatterns = [
    *dashboard.urlpatterns_dashboard,
    *plans.urlpatterns_plans,
    *fixes.urlpatterns_fixes,
    *reports.urlpatterns_reports,
]
