"""Service accounts of organisations and their tokens."""
