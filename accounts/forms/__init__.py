"""Account forms, one module per concern."""
