"""Background jobs: a table in the same database, claimed with leases (see queue.py, worker.py)."""
