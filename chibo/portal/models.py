"""Models of portal (issue 6)."""
