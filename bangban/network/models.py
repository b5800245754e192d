"""Models of network."""
