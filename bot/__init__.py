"""AVRR Assistant: a multilingual Telegram bot for Assisted Voluntary Return and Reintegration."""
