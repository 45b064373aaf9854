"""Pure rules and data: no aiogram, no SQLAlchemy, no I/O."""
