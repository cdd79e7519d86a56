"""Models of supervision (issue 6)."""
