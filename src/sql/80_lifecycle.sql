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

-- ---- retraining and topic lineage ----

-- Topic identity across models (src/lda_lineage.c, doc/lifecycle.md "Topic identity"): the
-- topics of model matched to those of parent by optimal assignment (Hungarian method) on the
-- cosine of their topic-word distributions less their model's mean topic (over the union of the
-- vocabularies, terms compared by their string; negative as 0). One row per topic of model: its
-- number, the number it gets (a match with similarity >= min_similarity keeps the parent topic's
-- number; the others take the numbers left free, lowest first, then k_parent + 1, ...), the
-- parent topic assigned to it, their similarity, and whether that is a match.
CREATE FUNCTION tweetlda.match_topics(model tweetlda.lda_model, parent tweetlda.lda_model,
        min_similarity double precision DEFAULT 0.3,
        OUT topic integer, OUT new_topic integer, OUT parent_topic integer,
        OUT similarity double precision, OUT matched boolean)
    RETURNS SETOF record
    AS 'MODULE_PATHNAME', 'lda_match_topics'
    LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE ROWS 20;

-- The model with its topics renumbered: topic i becomes topic numbers[i] (a permutation of
-- 1..k). The result is a new valid model (its own fingerprint) that scores every tweet as the
-- original does, with the topic shares permuted.
CREATE FUNCTION tweetlda.permute_topics(model tweetlda.lda_model, numbers integer[])
    RETURNS tweetlda.lda_model
    AS 'MODULE_PATHNAME', 'lda_permute_topics'
    LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

-- Which topic of the parent version each topic of a model continues (written by
-- inherit_topics(), hence by every store_model() with a parent: retrain(), update_model()).
CREATE TABLE tweetlda.topic_lineage (
    model_id integer NOT NULL REFERENCES tweetlda.models (id) ON DELETE CASCADE,
    topic integer NOT NULL CHECK (topic OPERATOR(pg_catalog.>=) 1),
    parent_model_id integer NOT NULL REFERENCES tweetlda.models (id) ON DELETE CASCADE,
    parent_topic integer NOT NULL CHECK (parent_topic OPERATOR(pg_catalog.>=) 1),
    similarity double precision NOT NULL
        CHECK (similarity OPERATOR(pg_catalog.>=) 0 AND similarity OPERATOR(pg_catalog.<=) 1),
    PRIMARY KEY (model_id, topic)
);
COMMENT ON TABLE tweetlda.topic_lineage IS
    'the parent topic each matched topic of a retrained or updated model continues, with their similarity';
CREATE INDEX topic_lineage_parent_idx ON tweetlda.topic_lineage (parent_model_id, parent_topic);
SELECT pg_catalog.pg_extension_config_dump('tweetlda.topic_lineage', '');

-- Renumber the topics of a stored model to its parent's numbering (match_topics), record the
-- matches in topic_lineage and give matched topics the names the user gave their parent topics
-- (names already given to the model's own topics are kept and follow their topics). Returns the
-- number of matched topics. store_model() calls it for every model stored with a parent.
CREATE FUNCTION tweetlda.inherit_topics(model_id integer,
        min_similarity double precision DEFAULT 0.3) RETURNS integer
    LANGUAGE plpgsql VOLATILE CALLED ON NULL INPUT PARALLEL UNSAFE
    SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    child tweetlda.lda_model;
    parent tweetlda.lda_model;
    parent_model integer;
    child_name text;
    numbers integer[];
    parent_topics integer[];
    similarities double precision[];
    matched boolean[];
    matches integer;
BEGIN
    IF inherit_topics.model_id IS NULL OR inherit_topics.min_similarity IS NULL THEN
        RAISE EXCEPTION 'the model id and min_similarity of tweetlda.inherit_topics() must not be NULL'
            USING ERRCODE = 'null_value_not_allowed';
    END IF;
    SELECT m.model, m.parent_id, m.name INTO child, parent_model, child_name
    FROM tweetlda.models m WHERE m.id OPERATOR(pg_catalog.=) inherit_topics.model_id FOR UPDATE;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'LDA model % does not exist', inherit_topics.model_id
            USING ERRCODE = 'undefined_object', HINT = 'Models are listed in tweetlda.models.';
    END IF;
    SELECT p.model INTO parent FROM tweetlda.models p WHERE p.id OPERATOR(pg_catalog.=) parent_model;
    IF parent IS NULL THEN
        RAISE EXCEPTION 'LDA model "%" has no parent model', child_name
            USING ERRCODE = 'object_not_in_prerequisite_state',
                  DETAIL = 'Its parent_id is NULL: it was trained afresh, or its parent was deleted.',
                  HINT = 'Set tweetlda.models.parent_id to the model it replaces.';
    END IF;
    SELECT pg_catalog.array_agg(t.new_topic ORDER BY t.topic),
           pg_catalog.array_agg(t.parent_topic ORDER BY t.topic),
           pg_catalog.array_agg(t.similarity ORDER BY t.topic),
           pg_catalog.array_agg(t.matched ORDER BY t.topic),
           pg_catalog.count(*) FILTER (WHERE t.matched)
    INTO numbers, parent_topics, similarities, matched, matches
    FROM tweetlda.match_topics(child, parent, inherit_topics.min_similarity) t;
    UPDATE tweetlda.models m SET model = tweetlda.permute_topics(m.model, numbers)
    WHERE m.id OPERATOR(pg_catalog.=) inherit_topics.model_id;
    DELETE FROM tweetlda.topic_lineage l WHERE l.model_id OPERATOR(pg_catalog.=) inherit_topics.model_id;
    INSERT INTO tweetlda.topic_lineage (model_id, topic, parent_model_id, parent_topic, similarity)
    SELECT inherit_topics.model_id, u.new_topic, parent_model, u.parent_topic, u.similarity
    FROM ROWS FROM (pg_catalog.unnest(numbers), pg_catalog.unnest(parent_topics),
                    pg_catalog.unnest(similarities), pg_catalog.unnest(matched))
        AS u(new_topic, parent_topic, similarity, matched)
    WHERE u.matched;
    -- the model's own names follow their topics; matched topics without one take the parent's
    WITH old AS (
        DELETE FROM tweetlda.topic_names n WHERE n.model_id OPERATOR(pg_catalog.=) inherit_topics.model_id
        RETURNING n.topic, n.name)
    INSERT INTO tweetlda.topic_names (model_id, topic, name)
    SELECT inherit_topics.model_id, numbers[old.topic], old.name FROM old
    WHERE numbers[old.topic] IS NOT NULL;
    INSERT INTO tweetlda.topic_names (model_id, topic, name)
    SELECT inherit_topics.model_id, u.new_topic, n.name
    FROM ROWS FROM (pg_catalog.unnest(numbers), pg_catalog.unnest(parent_topics),
                    pg_catalog.unnest(matched)) AS u(new_topic, parent_topic, matched)
    JOIN tweetlda.topic_names n ON n.model_id OPERATOR(pg_catalog.=) parent_model
                               AND n.topic OPERATOR(pg_catalog.=) u.parent_topic
    WHERE u.matched
    ON CONFLICT DO NOTHING;
    RETURN matches;
END;
$$;

-- Every retraining run (tweetlda.retrain()): the window, the parameters, the candidate and the
-- model it competed with, their held-out figures, the decision and why, or the error.
CREATE TABLE tweetlda.model_runs (
    id bigserial PRIMARY KEY,
    family text NOT NULL,
    started_at timestamptz NOT NULL DEFAULT pg_catalog.now(),
    finished_at timestamptz,
    "window" interval NOT NULL,
    window_start timestamptz NOT NULL,
    window_end timestamptz NOT NULL,
    started_by text NOT NULL DEFAULT 'manual',
    promote text NOT NULL,
    holdout integer NOT NULL,
    params jsonb NOT NULL,
    parent_id integer REFERENCES tweetlda.models (id) ON DELETE SET NULL,
    rows bigint,
    candidate_id integer REFERENCES tweetlda.models (id) ON DELETE SET NULL,
    active_id integer REFERENCES tweetlda.models (id) ON DELETE SET NULL,
    figures jsonb,
    decision text NOT NULL DEFAULT 'running',
    reason text,
    error text,
    CONSTRAINT model_runs_started_by_check
        CHECK (started_by OPERATOR(pg_catalog.=) ANY (ARRAY['manual', 'schedule', 'drift'])),
    CONSTRAINT model_runs_decision_check
        CHECK (decision OPERATOR(pg_catalog.=) ANY (ARRAY['running', 'promoted', 'kept', 'failed']))
);
COMMENT ON TABLE tweetlda.model_runs IS
    'every retraining run: window, candidate, the active model it competed with, held-out figures of both, decision or error';
CREATE INDEX model_runs_family_started_idx ON tweetlda.model_runs (family, started_at);
SELECT pg_catalog.pg_extension_config_dump('tweetlda.model_runs', '');
SELECT pg_catalog.pg_extension_config_dump('tweetlda.model_runs_id_seq', '');

-- The family a model name (any version) or a family name refers to; an error when none.
CREATE FUNCTION tweetlda.model_family(name text) RETURNS text
    LANGUAGE plpgsql STABLE STRICT PARALLEL SAFE
    SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    fam text;
BEGIN
    SELECT m.family INTO fam FROM tweetlda.models m WHERE m.name OPERATOR(pg_catalog.=) model_family.name;
    IF NOT FOUND THEN
        SELECT m.family INTO fam FROM tweetlda.models m
        WHERE m.family OPERATOR(pg_catalog.=) model_family.name LIMIT 1;
    END IF;
    IF fam IS NULL THEN
        RAISE EXCEPTION 'LDA model "%" does not exist', model_family.name
            USING ERRCODE = 'undefined_object',
                  HINT = 'Models and their families are listed in tweetlda.models.';
    END IF;
    RETURN fam;
END;
$$;

-- The advisory lock key of the retraining of a family (one run of a family at a time).
CREATE FUNCTION tweetlda.retrain_lock_key(family text) RETURNS bigint
    LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
    RETURN pg_catalog.hashtextextended('tweetlda retrain ' OPERATOR(pg_catalog.||) family, 0);

-- retrain(), step 1 (first transaction): check the arguments, resolve the family, its current
-- version (the active model when it is of the family, else the latest version) and the
-- parameters, and record the run; returns its id.
CREATE FUNCTION tweetlda.retrain_start(name text, "window" interval, k integer, params jsonb,
        holdout integer, promote text, started_by text) RETURNS bigint
    LANGUAGE plpgsql VOLATILE CALLED ON NULL INPUT PARALLEL UNSAFE
    SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    fam text;
    parent tweetlda.models;
    p jsonb;
    run_id bigint;
BEGIN
    IF retrain_start.name IS NULL THEN
        RAISE EXCEPTION 'the model name of tweetlda.retrain() must not be NULL'
            USING ERRCODE = 'null_value_not_allowed', HINT = 'Models are listed in tweetlda.models.';
    END IF;
    IF retrain_start."window" IS NULL OR retrain_start."window" OPERATOR(pg_catalog.<=) '0'::interval THEN
        RAISE EXCEPTION 'the window of tweetlda.retrain() must be a positive interval, not %',
                coalesce(retrain_start."window"::text, 'NULL')
            USING ERRCODE = 'invalid_parameter_value',
                  HINT = 'The candidate is trained on the tweets received in the last window, e.g. ''30 days''.';
    END IF;
    IF retrain_start.holdout IS NULL OR retrain_start.holdout OPERATOR(pg_catalog.<) 0 THEN
        RAISE EXCEPTION 'holdout must be a number of documents >= 0'
            USING ERRCODE = 'invalid_parameter_value',
                  HINT = 'The held-out slice compares the candidate with the active model; 0 compares nothing.';
    END IF;
    IF retrain_start.promote IS NULL OR retrain_start.promote OPERATOR(pg_catalog.<>) ALL
            (ARRAY['auto', 'perplexity', 'drift', 'always', 'never']) THEN
        RAISE EXCEPTION 'unknown promotion policy: %', coalesce(retrain_start.promote, 'NULL')
            USING ERRCODE = 'invalid_parameter_value',
                  HINT = 'Use auto (better perplexity or drift), perplexity, drift, always or never.';
    END IF;
    IF retrain_start.started_by IS NULL OR retrain_start.started_by OPERATOR(pg_catalog.<>) ALL
            (ARRAY['manual', 'schedule', 'drift']) THEN
        RAISE EXCEPTION 'started_by must be manual, schedule or drift, not %', coalesce(retrain_start.started_by, 'NULL')
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    IF retrain_start.params IS NOT NULL AND pg_catalog.jsonb_typeof(retrain_start.params) OPERATOR(pg_catalog.<>) 'object' THEN
        RAISE EXCEPTION 'training parameters must be a jsonb object'
            USING ERRCODE = 'invalid_parameter_value',
                  HINT = 'Pass the parameters to change as tweetlda.models.params stores them, e.g. ''{"max_iter": 30}''.';
    END IF;
    fam := tweetlda.model_family(retrain_start.name);
    IF NOT pg_catalog.pg_try_advisory_xact_lock(tweetlda.retrain_lock_key(fam)) THEN
        RAISE EXCEPTION 'a retraining of model family "%" is already running', fam
            USING ERRCODE = 'lock_not_available',
                  HINT = 'Runs are listed in tweetlda.model_runs; wait for the running one to finish.';
    END IF;
    SELECT m.* INTO parent FROM tweetlda.models m WHERE m.family OPERATOR(pg_catalog.=) fam
    ORDER BY m.active DESC, m.version DESC LIMIT 1;
    p := parent.params OPERATOR(pg_catalog.||) coalesce(retrain_start.params, '{}');
    IF retrain_start.k IS NOT NULL THEN
        p := p OPERATOR(pg_catalog.||) pg_catalog.jsonb_build_object('k', retrain_start.k);
    END IF;
    INSERT INTO tweetlda.model_runs (family, "window", window_start, window_end, started_by, promote,
                                     holdout, params, parent_id)
    VALUES (fam, retrain_start."window", pg_catalog.now() OPERATOR(pg_catalog.-) retrain_start."window",
            pg_catalog.now(), retrain_start.started_by, retrain_start.promote, retrain_start.holdout,
            p, parent.id)
    RETURNING id INTO run_id;
    UPDATE tweetlda.model_runs r SET rows = tweetlda.retrain_window_rows(r)
    WHERE r.id OPERATOR(pg_catalog.=) run_id;
    RETURN run_id;
END;
$$;

-- The tweets of a run's window as a query (text, lang), every name and operator qualified.
CREATE FUNCTION tweetlda.retrain_source(run tweetlda.model_runs) RETURNS text
    LANGUAGE sql STABLE STRICT PARALLEL SAFE
    RETURN pg_catalog.format(
        'SELECT t.text, t.lang FROM tweetlda.tweets t '
        'WHERE t.received_at OPERATOR(pg_catalog.>=) %L::pg_catalog.timestamptz '
        'AND t.received_at OPERATOR(pg_catalog.<) %L::pg_catalog.timestamptz',
        run.window_start, run.window_end);

-- The number of tweets in a run's window.
CREATE FUNCTION tweetlda.retrain_window_rows(run tweetlda.model_runs) RETURNS bigint
    LANGUAGE plpgsql STABLE STRICT PARALLEL UNSAFE
    SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    n bigint;
BEGIN
    EXECUTE pg_catalog.format('SELECT pg_catalog.count(*) FROM (%s) AS s', tweetlda.retrain_source(run))
        INTO n;
    RETURN n;
END;
$$;

-- retrain(), step 2 (second transaction): train the candidate on the window's tweets as the next
-- version of the family (train_model() with the run's parameters; store_model() renumbers its
-- topics to the parent's); returns its id. Reads the tweets only: ingestion and scoring go on.
CREATE FUNCTION tweetlda.retrain_train(run_id bigint) RETURNS integer
    LANGUAGE plpgsql VOLATILE STRICT PARALLEL UNSAFE
    SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    run tweetlda.model_runs;
    candidate integer;
BEGIN
    SELECT r.* INTO STRICT run FROM tweetlda.model_runs r WHERE r.id OPERATOR(pg_catalog.=) retrain_train.run_id;
    IF NOT pg_catalog.pg_try_advisory_xact_lock(tweetlda.retrain_lock_key(run.family)) THEN
        RAISE EXCEPTION 'a retraining of model family "%" is already running', run.family
            USING ERRCODE = 'lock_not_available',
                  HINT = 'Runs are listed in tweetlda.model_runs; wait for the running one to finish.';
    END IF;
    UPDATE tweetlda.model_runs r SET active_id = tweetlda.active_model()
    WHERE r.id OPERATOR(pg_catalog.=) run.id;
    IF run.rows OPERATOR(pg_catalog.=) 0 THEN
        RAISE EXCEPTION 'no tweets landed in the retraining window'
            USING ERRCODE = 'no_data_found',
                  DETAIL = pg_catalog.format('No row of tweetlda.tweets was received between %s and %s.',
                                             run.window_start, run.window_end),
                  HINT = 'Choose a longer window, or check that tweets are being ingested.';
    END IF;
    candidate := tweetlda.train_model(NULL, tweetlda.retrain_source(run), run.params, run.holdout,
                                      run.family, run.parent_id, 'retrain');
    UPDATE tweetlda.model_runs r SET candidate_id = candidate WHERE r.id OPERATOR(pg_catalog.=) run.id;
    RETURN candidate;
END;
$$;

-- The held-out slice of a run's window: the documents train_model() held out of the candidate's
-- training (text hash 0 modulo 20, at most holdout of them, the lowest hashes), as a query.
CREATE FUNCTION tweetlda.retrain_heldout_source(run tweetlda.model_runs) RETURNS text
    LANGUAGE plpgsql STABLE STRICT PARALLEL UNSAFE
    SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    cut_h bigint;
    cut_doc text;
    base text := pg_catalog.format(
        'SELECT s.doc FROM (%s) AS s(doc, lang) WHERE pg_catalog.hashtextextended(s.doc, 10) '
        'OPERATOR(pg_catalog.%%) 20 OPERATOR(pg_catalog.=) 0', tweetlda.retrain_source(run));
BEGIN
    EXECUTE pg_catalog.format(
        'SELECT pg_catalog.hashtextextended(q.doc, 10), q.doc FROM (%s) AS q '
        'ORDER BY 1, q.doc COLLATE "C" OFFSET %s LIMIT 1', base, run.holdout OPERATOR(pg_catalog.-) 1)
        INTO cut_h, cut_doc;
    IF cut_h IS NULL THEN
        RETURN base;
    END IF;
    RETURN base OPERATOR(pg_catalog.||) pg_catalog.format(
        ' AND (pg_catalog.hashtextextended(s.doc, 10), s.doc COLLATE "C") OPERATOR(pg_catalog.<=) (%s::pg_catalog.int8, %L COLLATE "C")',
        cut_h, cut_doc);
END;
$$;

-- The latest drift check of a model when it says drifted and is newer than the family's last
-- retraining run before this one (NULL otherwise).
CREATE FUNCTION tweetlda.retrain_drift(model_id integer, family text, before_run bigint)
    RETURNS tweetlda.drift_history
    LANGUAGE sql STABLE PARALLEL SAFE
    SET search_path = pg_catalog, pg_temp
BEGIN ATOMIC
    SELECT d.* FROM (SELECT h.* FROM tweetlda.drift_history h
                     WHERE h.model_id OPERATOR(pg_catalog.=) retrain_drift.model_id
                     ORDER BY h.checked_at DESC, h.id DESC LIMIT 1) d
    WHERE d.drifted
      AND d.checked_at OPERATOR(pg_catalog.>) coalesce(
          (SELECT pg_catalog.max(r.started_at) FROM tweetlda.model_runs r
           WHERE r.family OPERATOR(pg_catalog.=) retrain_drift.family
             AND r.id OPERATOR(pg_catalog.<) retrain_drift.before_run),
          '-infinity'::pg_catalog.timestamptz);
END;

-- retrain(), step 3 (third transaction): evaluate the candidate and the model that was active on
-- the held-out slice with evaluate(), decide by the run's policy, activate the candidate when it
-- wins, and finish the run record; returns the decision.
CREATE FUNCTION tweetlda.retrain_decide(run_id bigint) RETURNS text
    LANGUAGE plpgsql VOLATILE STRICT PARALLEL UNSAFE
    SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    run tweetlda.model_runs;
    candidate tweetlda.models;
    active tweetlda.models;
    heldout text;
    cand_fig jsonb;
    act_fig jsonb;
    cand_lp double precision;
    act_lp double precision;
    drift tweetlda.drift_history;
    better boolean := false;
    verdict text;
    why text;
BEGIN
    SELECT r.* INTO STRICT run FROM tweetlda.model_runs r WHERE r.id OPERATOR(pg_catalog.=) retrain_decide.run_id;
    SELECT m.* INTO STRICT candidate FROM tweetlda.models m WHERE m.id OPERATOR(pg_catalog.=) run.candidate_id;
    SELECT m.* INTO active FROM tweetlda.models m WHERE m.id OPERATOR(pg_catalog.=) run.active_id;
    IF run.holdout OPERATOR(pg_catalog.>) 0 THEN
        heldout := tweetlda.retrain_heldout_source(run);
        cand_fig := tweetlda.evaluate(candidate.model, heldout);
        IF active.id IS NOT NULL THEN
            act_fig := tweetlda.evaluate(active.model, heldout);
        END IF;
        cand_lp := (cand_fig OPERATOR(pg_catalog.->>) 'log_perplexity')::double precision;
        act_lp := (act_fig OPERATOR(pg_catalog.->>) 'log_perplexity')::double precision;
        better := cand_lp IS NOT NULL AND (act_lp IS NULL OR cand_lp OPERATOR(pg_catalog.<) act_lp);
    END IF;
    IF active.id IS NOT NULL THEN
        drift := tweetlda.retrain_drift(active.id, run.family, run.id);
    END IF;
    IF active.id IS NULL THEN
        verdict := 'promoted';
        why := 'no model was active';
    ELSIF run.promote OPERATOR(pg_catalog.=) 'never' THEN
        verdict := 'kept';
        why := 'policy never';
    ELSIF run.promote OPERATOR(pg_catalog.=) 'always' THEN
        verdict := 'promoted';
        why := 'policy always';
    ELSIF active.family OPERATOR(pg_catalog.<>) run.family THEN
        verdict := 'kept';
        why := pg_catalog.format('the active model "%s" is of another family', active.name);
    ELSIF run.promote OPERATOR(pg_catalog.<>) 'perplexity' AND drift.id IS NOT NULL THEN
        verdict := 'promoted';
        why := pg_catalog.format('drift detected (drift_history id %s at %s)', drift.id, drift.checked_at);
    ELSIF run.promote OPERATOR(pg_catalog.<>) 'drift' AND better THEN
        verdict := 'promoted';
        why := pg_catalog.format('lower held-out log perplexity (%s < %s)', cand_lp, coalesce(act_lp::text, 'none'));
    ELSE
        verdict := 'kept';
        why := CASE
            WHEN run.promote OPERATOR(pg_catalog.=) 'drift' THEN 'no new drift detected'
            WHEN run.holdout OPERATOR(pg_catalog.=) 0 THEN 'no held-out slice to compare (holdout 0) and no new drift'
            WHEN cand_lp IS NULL THEN 'the candidate knows no word of the held-out slice'
            ELSE pg_catalog.format('held-out log perplexity not lower (%s >= %s)%s', cand_lp, act_lp,
                 CASE WHEN run.promote OPERATOR(pg_catalog.=) 'auto' THEN ' and no new drift' ELSE '' END)
        END;
    END IF;
    IF verdict OPERATOR(pg_catalog.=) 'promoted' THEN
        PERFORM tweetlda.activate(candidate.name);
    END IF;
    UPDATE tweetlda.model_runs r
    SET figures = pg_catalog.jsonb_build_object(
            'candidate', cand_fig, 'active', act_fig,
            'candidate_training', candidate.metrics,
            'drift_id', drift.id),
        decision = verdict, reason = why, finished_at = pg_catalog.clock_timestamp()
    WHERE r.id OPERATOR(pg_catalog.=) run.id;
    RETURN verdict;
END;
$$;

-- retrain(), on error: record the error of a run (its model, if any, was rolled back).
CREATE FUNCTION tweetlda.retrain_fail(run_id bigint, error text) RETURNS void
    LANGUAGE sql VOLATILE PARALLEL UNSAFE
    SET search_path = pg_catalog, pg_temp
BEGIN ATOMIC
    UPDATE tweetlda.model_runs
    SET decision = 'failed', error = retrain_fail.error, finished_at = pg_catalog.clock_timestamp()
    WHERE id OPERATOR(pg_catalog.=) retrain_fail.run_id;
END;

-- Retrain a model family on the tweets received in the last window: a candidate (the family's
-- next version, same parameters as its current version changed by k and params) is trained,
-- compared with the active model on the held-out slice of the window, and activated by the
-- promote policy: auto (drift detected since the last run, or a lower held-out log perplexity),
-- perplexity, drift, always or never. Every run is recorded in tweetlda.model_runs; a failed run
-- records its error there and raises it, leaving no half-stored model. Three transactions
-- (record the run; train and store; evaluate and decide): call it with CALL, outside a
-- transaction block. A procedure that commits cannot have SET search_path: everything below is
-- schema-qualified, the variables' types too (it runs as a pg_cron job, whose search_path is
-- the database's).
CREATE PROCEDURE tweetlda.retrain(
    name text,
    "window" interval DEFAULT '30 days',
    k integer DEFAULT NULL,
    params jsonb DEFAULT NULL,
    holdout integer DEFAULT 2000,
    promote text DEFAULT 'auto',
    started_by text DEFAULT 'manual',
    INOUT run_id bigint DEFAULT NULL,
    INOUT decision text DEFAULT NULL,
    INOUT candidate text DEFAULT NULL)
    LANGUAGE plpgsql
AS $$
DECLARE
    msg pg_catalog.text;
    state pg_catalog.text;
    det pg_catalog.text;
    hnt pg_catalog.text;
BEGIN
    run_id := tweetlda.retrain_start(retrain.name, retrain."window", retrain.k, retrain.params,
                                     retrain.holdout, retrain.promote, retrain.started_by);
    COMMIT;
    BEGIN
        PERFORM tweetlda.retrain_train(run_id);
    EXCEPTION WHEN OTHERS THEN
        GET STACKED DIAGNOSTICS msg = MESSAGE_TEXT, state = RETURNED_SQLSTATE,
                                det = PG_EXCEPTION_DETAIL, hnt = PG_EXCEPTION_HINT;
    END;
    IF msg IS NULL THEN
        COMMIT;
        BEGIN
            decision := tweetlda.retrain_decide(run_id);
        EXCEPTION WHEN OTHERS THEN
            GET STACKED DIAGNOSTICS msg = MESSAGE_TEXT, state = RETURNED_SQLSTATE,
                                    det = PG_EXCEPTION_DETAIL, hnt = PG_EXCEPTION_HINT;
        END;
    END IF;
    IF msg IS NOT NULL THEN
        PERFORM tweetlda.retrain_fail(run_id, msg);
        COMMIT;
        det := CASE WHEN det OPERATOR(pg_catalog.=) '' THEN '' ELSE det OPERATOR(pg_catalog.||) ' ' END
            OPERATOR(pg_catalog.||)
            pg_catalog.format('The run is recorded in tweetlda.model_runs (id %s).', run_id);
        IF hnt OPERATOR(pg_catalog.=) '' THEN
            RAISE EXCEPTION USING MESSAGE = msg, ERRCODE = state, DETAIL = det;
        END IF;
        RAISE EXCEPTION USING MESSAGE = msg, ERRCODE = state, DETAIL = det, HINT = hnt;
    END IF;
    COMMIT;
    SELECT m.name INTO candidate FROM tweetlda.model_runs r JOIN tweetlda.models m
        ON m.id OPERATOR(pg_catalog.=) r.candidate_id
    WHERE r.id OPERATOR(pg_catalog.=) run_id;
END
$$;

-- Whether the drift-triggered job should retrain a family now: the active model is a version of
-- it and its latest drift check says drifted, newer than the family's last retraining run.
CREATE FUNCTION tweetlda.retrain_due(name text) RETURNS boolean
    LANGUAGE sql STABLE STRICT PARALLEL SAFE
    SET search_path = pg_catalog, pg_temp
BEGIN ATOMIC
    SELECT EXISTS (
        SELECT 1 FROM tweetlda.models m
        WHERE m.active AND m.family OPERATOR(pg_catalog.=) tweetlda.model_family(retrain_due.name)
          AND (tweetlda.retrain_drift(m.id, m.family, 9223372036854775807)).id IS NOT NULL);
END;

-- The job of schedule_retraining(on_drift => true): retrain when retrain_due() says so.
CREATE PROCEDURE tweetlda.retrain_on_drift(name text, "window" interval DEFAULT '30 days')
    LANGUAGE plpgsql
AS $$
DECLARE
    run bigint;
    verdict pg_catalog.text;
    cand pg_catalog.text;
BEGIN
    IF tweetlda.retrain_due(retrain_on_drift.name) THEN
        CALL tweetlda.retrain(retrain_on_drift.name, "window" => retrain_on_drift."window",
                              started_by => 'drift', run_id => run, decision => verdict, candidate => cand);
    END IF;
END
$$;

-- Retrain a family with pg_cron: a job 'tweetlda retrain <family>' on schedule (monthly by
-- default) and, with on_drift, a job 'tweetlda retrain on drift <family>' on drift_schedule
-- (every 15 minutes by default) that retrains when retrain_due() says so. Scheduling again
-- replaces the jobs (on_drift false removes the drift job). Returns the id of the first job.
CREATE FUNCTION tweetlda.schedule_retraining(name text, schedule text DEFAULT '0 3 1 * *',
        on_drift boolean DEFAULT true, "window" interval DEFAULT '30 days',
        drift_schedule text DEFAULT '*/15 * * * *') RETURNS bigint
    LANGUAGE plpgsql VOLATILE CALLED ON NULL INPUT PARALLEL UNSAFE
    SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    fam text;
    job bigint;
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_catalog.pg_extension e WHERE e.extname OPERATOR(pg_catalog.=) 'pg_cron') THEN
        RAISE EXCEPTION 'pg_cron is not installed in database "%"', pg_catalog.current_database()
            USING ERRCODE = 'object_not_in_prerequisite_state',
                  DETAIL = 'Scheduled retraining runs tweetlda.retrain() as a pg_cron job.',
                  HINT = 'Add pg_cron to shared_preload_libraries, set cron.database_name to '
                         'this database, restart the server and run CREATE EXTENSION pg_cron; '
                         'or run CALL tweetlda.retrain(...) yourself.';
    END IF;
    IF schedule_retraining.name IS NULL OR schedule_retraining.schedule IS NULL
       OR schedule_retraining.on_drift IS NULL
       OR (schedule_retraining.on_drift AND schedule_retraining.drift_schedule IS NULL) THEN
        RAISE EXCEPTION 'the name, schedule, on_drift and drift_schedule of tweetlda.schedule_retraining() must not be NULL'
            USING ERRCODE = 'null_value_not_allowed';
    END IF;
    IF schedule_retraining."window" IS NULL OR schedule_retraining."window" OPERATOR(pg_catalog.<=) '0'::pg_catalog.interval THEN
        RAISE EXCEPTION 'the window of tweetlda.schedule_retraining() must be a positive interval, not %',
                coalesce(schedule_retraining."window"::text, 'NULL')
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    fam := tweetlda.model_family(schedule_retraining.name);
    EXECUTE 'SELECT cron.schedule($1, $2, $3)' INTO job
        USING 'tweetlda retrain ' OPERATOR(pg_catalog.||) fam, schedule_retraining.schedule,
              pg_catalog.format('CALL tweetlda.retrain(%L, "window" => %L, started_by => %L)',
                                fam, schedule_retraining."window", 'schedule');
    IF schedule_retraining.on_drift THEN
        EXECUTE 'SELECT cron.schedule($1, $2, $3)'
            USING 'tweetlda retrain on drift ' OPERATOR(pg_catalog.||) fam, schedule_retraining.drift_schedule,
                  pg_catalog.format('CALL tweetlda.retrain_on_drift(%L, "window" => %L)',
                                    fam, schedule_retraining."window");
    ELSE
        PERFORM tweetlda.unschedule_job('tweetlda retrain on drift ' OPERATOR(pg_catalog.||) fam);
    END IF;
    RETURN job;
END;
$$;

-- Remove the pg_cron job of this name of the current user; true when there was one.
CREATE FUNCTION tweetlda.unschedule_job(job_name text) RETURNS boolean
    LANGUAGE plpgsql VOLATILE STRICT PARALLEL UNSAFE
    SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    found boolean;
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_catalog.pg_extension e WHERE e.extname OPERATOR(pg_catalog.=) 'pg_cron') THEN
        RETURN false;
    END IF;
    EXECUTE 'SELECT EXISTS (SELECT 1 FROM cron.job j WHERE j.jobname OPERATOR(pg_catalog.=) $1 '
            'AND j.username OPERATOR(pg_catalog.=) CURRENT_USER)'
        INTO found USING unschedule_job.job_name;
    IF found THEN
        EXECUTE 'SELECT cron.unschedule($1)' USING unschedule_job.job_name;
    END IF;
    RETURN found;
END;
$$;

-- Remove the retraining jobs of a family (schedule and drift); true when there was one.
CREATE FUNCTION tweetlda.unschedule_retraining(name text) RETURNS boolean
    LANGUAGE plpgsql VOLATILE STRICT PARALLEL UNSAFE
    SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    fam text := tweetlda.model_family(unschedule_retraining.name);
    a boolean;
    b boolean;
BEGIN
    a := tweetlda.unschedule_job('tweetlda retrain ' OPERATOR(pg_catalog.||) fam);
    b := tweetlda.unschedule_job('tweetlda retrain on drift ' OPERATOR(pg_catalog.||) fam);
    RETURN a OR b;
END;
$$;

-- Writing functions are for the owner and the roles it grants them to.
REVOKE ALL ON FUNCTION tweetlda.inherit_topics(integer, double precision),
    tweetlda.retrain_start(text, interval, integer, jsonb, integer, text, text),
    tweetlda.retrain_train(bigint), tweetlda.retrain_decide(bigint),
    tweetlda.retrain_fail(bigint, text),
    tweetlda.schedule_retraining(text, text, boolean, interval, text),
    tweetlda.unschedule_job(text), tweetlda.unschedule_retraining(text) FROM PUBLIC;
REVOKE ALL ON PROCEDURE tweetlda.retrain(text, interval, integer, jsonb, integer, text, text,
    bigint, text, text), tweetlda.retrain_on_drift(text, interval) FROM PUBLIC;
