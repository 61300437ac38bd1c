"""labelrow."""
