"""Collectors and importers: they yield typed records and know nothing of storage."""
