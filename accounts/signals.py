"""Security log: every login, failure, lockout and logout is recorded."""
