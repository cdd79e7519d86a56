"""DOCX and PDF downloads of resolutions and conclusions."""

urlpatterns_documents = []
