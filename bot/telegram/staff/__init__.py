"""Staff commands and buttons: cases, conversations with people, urgent alerts, voice recordings.
Every handler is behind IsStaff (STAFF_USER_IDS, checked on every update)."""
