"""Views of the Espace intérimaire, one module per audience: the worker's account, missions and
documents, the agency's minimal validation pages, and the public verification page."""
