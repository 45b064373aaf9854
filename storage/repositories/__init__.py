"""SQLAlchemy implementations of the repository ports. They never commit."""
