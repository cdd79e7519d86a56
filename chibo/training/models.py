"""Models of training (issue 6)."""
