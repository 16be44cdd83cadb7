-- Classifier heads fitted from labelled posts (`chorus train`). The newest head for a
-- model is the one in use; older ones stay for the record. A head's version is part of
-- the model version stored on every tag, so refitting makes earlier tags stale.
CREATE TABLE classifier_heads (
    id          bigserial PRIMARY KEY,
    model_id    text NOT NULL,               -- encoder name@fingerprint
    version     text NOT NULL,               -- hash of the parameters
    params      jsonb NOT NULL,              -- weights, thresholds (classifiers.head.Head)
    trained_on  jsonb NOT NULL DEFAULT '{}'::jsonb,  -- counts per source and narrative
    created_at  timestamptz NOT NULL DEFAULT now(),
    UNIQUE (model_id, version)
);
CREATE INDEX classifier_heads_model_idx ON classifier_heads (model_id, created_at DESC, id DESC);

