"""Models of the funds app."""
