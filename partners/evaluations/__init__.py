"""Exchanges between the funds and the evaluation structures (issue 14): evaluation orders, the
evaluation itself (with the AGGIR grid and its GIR), offline work, payment slips, exchange history.

One module per concern, as in the rest of the space: aggir (the official algorithm), enums, models,
workflows, perms, selectors, services, forms, notifications, views, urls, tasks, demo. The models are
imported by partners.models (app label "partners"); the routes join the "partners" namespace.
"""
