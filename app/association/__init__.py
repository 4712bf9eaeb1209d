"""The woonvereniging pages."""
