"""Use-cases: one small class or function per action. No aiogram, no SQLAlchemy here."""
