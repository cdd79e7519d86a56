"""Models of materials (issue 6)."""
