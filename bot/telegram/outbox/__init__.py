"""The outbox, sent: the worker, the staff-chat check, and what each notice kind looks like
(`@renders` functions in booking, checkins, conversations, protection and notifier)."""
