"""dashboard pages of the indicators (issue 5)."""

urlpatterns_dashboard = []
