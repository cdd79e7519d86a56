"""fixes pages of the indicators (issue 5)."""

urlpatterns_fixes = []
