"""Migrations applied somewhere and then withdrawn, their numbers reused: each file as it was
applied, and the script that undoes it (storage/migrate.py, SUPERSEDED)."""
