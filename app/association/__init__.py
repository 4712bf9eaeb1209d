"""The woonvereniging pages (issue 7)."""
