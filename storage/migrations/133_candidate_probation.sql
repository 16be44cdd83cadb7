-- Probation for discovered candidates (issue 16): with discovery_probation_days set, a
-- candidate that actors cite often enough is collected as an observer for that many days,
-- then shown for a decision with what it posted. Nothing becomes an actor without an analyst.

ALTER TABLE source_candidate_decisions
    DROP CONSTRAINT source_candidate_decisions_decision_check,
    ADD CONSTRAINT source_candidate_decisions_decision_check
        CHECK (decision IN ('accepted', 'rejected', 'probation')),
    ADD COLUMN probation_until timestamptz,
    ADD CONSTRAINT source_candidate_decisions_probation_check
        CHECK ((decision = 'probation') = (probation_until IS NOT NULL));
