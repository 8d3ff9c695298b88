"""Account services (every write of the accounts app), one module per concern."""
