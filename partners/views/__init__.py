"""Views of the partners space, one module per audience (public, registration, fund, partner admin, national)."""
