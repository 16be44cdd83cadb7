-- Alert rules of kind 'prepositioning' (issue 15): an actor posts a narrative that has not
-- converged yet (fewer than k actors within the rule's window): watch it.
ALTER TABLE alert_rules DROP CONSTRAINT alert_rules_kind_check;
ALTER TABLE alert_rules ADD CONSTRAINT alert_rules_kind_check
    CHECK (kind IN ('convergence', 'search', 'prepositioning', 'health'));
