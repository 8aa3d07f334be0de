-- tweetlda install script, part 80: the model lifecycle (doc/lifecycle.md): drift checks of the
-- active model, retraining as a job, incremental updates, topic identity across versions.

-- Every drift check (tweetlda.drift()): which model, which window, the figures and the verdict.
CREATE TABLE tweetlda.drift_history (
    id bigserial PRIMARY KEY,
    checked_at timestamptz NOT NULL DEFAULT pg_catalog.now(),
    model_id integer NOT NULL,
    recent interval NOT NULL,
    drifted boolean NOT NULL,
    figures jsonb NOT NULL DEFAULT '{}'
);
COMMENT ON TABLE tweetlda.drift_history IS
    'every drift check of a model: the window, the figures and the drifted verdict';
CREATE INDEX drift_history_model_checked_idx ON tweetlda.drift_history (model_id, checked_at);
SELECT pg_catalog.pg_extension_config_dump('tweetlda.drift_history', '');
SELECT pg_catalog.pg_extension_config_dump('tweetlda.drift_history_id_seq', '');
