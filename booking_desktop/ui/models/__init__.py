"""Models of the window (see docs/architecture.md)."""
