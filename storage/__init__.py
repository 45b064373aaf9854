"""Persistence: SQLAlchemy models, repositories, unit of work, FSM storage and migrations."""
