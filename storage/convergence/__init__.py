"""Convergence in SQL: who took up a narrative after an event, how fast, how unusually, and
who laid it down before (README, "Convergence, as computed"); `report` assembles the event
report from the other modules."""
