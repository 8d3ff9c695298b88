"""Pages of the exchanges: fund.py (the fund's orders, decisions, slips, fees), structure.py (the
structure's "Evaluations" menu and its history), slips.py (a slip as page, PDF and CSV, both sides),
offline.py (prepared evaluations and "Synchronisation")."""
