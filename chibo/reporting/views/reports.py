"""reports pages of the indicators (issue 5)."""

urlpatterns_reports = []
