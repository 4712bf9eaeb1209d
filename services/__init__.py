"""The domain. Functions take a SQLAlchemy Session and plain values; they never import
flask and never commit: the caller (a view or a job wrapper) commits or rolls back."""
