"""Models of the settlement app."""
