"""The Prestations menus (reference 000) and dashboard panels, per role."""
