-- tweetlda install script, part 60: exactly-once stream scoring.
--
-- Every tweet landed in tweetlda.tweets is enqueued in tweetlda.pending by a statement-level
-- trigger, in the transaction that inserts it. tweetlda.process_pending() claims a batch of
-- queued tweets (DELETE ... FOR UPDATE SKIP LOCKED), scores them with the active model and the
-- stream's sentiment analyzer, and inserts the scores into tweetlda.tweet_scores, all in one
-- transaction: a crash undoes the claim and the scores together, concurrent callers never claim
-- the same tweet, and a tweet whose inserting transaction commits late is claimed once it is
-- visible. tweet_scores' primary key is the last guard against a second score.
-- The stream worker (src/stream.c) calls process_pending() every trigger interval.

-- The queue of landed tweets that are not scored yet.
CREATE TABLE tweetlda.pending (
    tweet_id bigint PRIMARY KEY,
    enqueued_at timestamptz NOT NULL DEFAULT pg_catalog.now()
) WITH (autovacuum_vacuum_scale_factor = 0, autovacuum_vacuum_threshold = 20000,
        autovacuum_vacuum_cost_delay = 0);
COMMENT ON TABLE tweetlda.pending IS 'tweets landed but not scored yet (the stream queue)';

-- One row per scored tweet and model: while a newly activated model rescores the recent window
-- (doc/lifecycle.md, "Activation and rollback") a tweet has the scores of the serving and of the
-- active model, and the previous model's scores are kept for a rollback.
CREATE TABLE tweetlda.tweet_scores (
    tweet_id bigint NOT NULL,
    model_id integer NOT NULL,
    topics real[],
    top_topic integer,
    polarity double precision NOT NULL,
    subjectivity double precision NOT NULL,
    sentiment text NOT NULL,
    created_at timestamptz,
    scored_at timestamptz NOT NULL DEFAULT pg_catalog.now(),
    CONSTRAINT tweet_scores_pkey PRIMARY KEY (tweet_id, model_id)
);
COMMENT ON TABLE tweetlda.tweet_scores IS
    'topic distribution and sentiment of every scored tweet, per model (topics NULL: no term of the model)';
COMMENT ON COLUMN tweetlda.tweet_scores.created_at IS
    'the tweet''s created_at (else received_at), copied: timelines need no join and survive retention';
-- rows/s in stream_status() and "what was scored lately"
CREATE INDEX tweet_scores_scored_at_idx ON tweetlda.tweet_scores (scored_at);
-- tweetlda.topic_timeline: hourly buckets of the tweet's time, read by an index-only scan
CREATE INDEX tweet_scores_timeline_idx ON tweetlda.tweet_scores
    (pg_catalog.date_bin('1 hour'::interval, created_at, '2000-01-01 00:00:00+00'::timestamptz),
     top_topic) INCLUDE (model_id, polarity);
-- one model's scores in tweet order: the window rescoring after an activation, and pruning
CREATE INDEX tweet_scores_model_tweet_idx ON tweetlda.tweet_scores (model_id, tweet_id);

SELECT pg_catalog.pg_extension_config_dump('tweetlda.pending', '');
SELECT pg_catalog.pg_extension_config_dump('tweetlda.tweet_scores', '');

-- The stream's configuration and counters: one row, kept across restarts.
CREATE TABLE tweetlda.stream_state (
    singleton boolean PRIMARY KEY DEFAULT true CHECK (singleton),
    enabled boolean,
    trigger_interval interval NOT NULL DEFAULT '1 second',
    batch_size integer NOT NULL DEFAULT 10000,
    analyzer text NOT NULL DEFAULT 'textblob',
    started_at timestamptz,
    stopped_at timestamptz,
    batches bigint NOT NULL DEFAULT 0,
    rows_scored bigint NOT NULL DEFAULT 0,
    errors bigint NOT NULL DEFAULT 0,
    last_batch_at timestamptz,
    last_batch_rows integer,
    last_batch_ms bigint,
    last_error text,
    last_error_at timestamptz,
    worker_pid integer,
    -- activation and rollback (doc/lifecycle.md): the model the views show, the one served
    -- before it, and the rescoring of the recent window after an activation
    rescore_window interval DEFAULT '7 days',
    keep_previous boolean NOT NULL DEFAULT true,
    serving_model_id integer,
    previous_model_id integer,
    rescore_model_id integer,
    rescore_from_id integer,
    rescore_since timestamptz,
    rescore_cursor bigint,
    rescore_total bigint,
    rescore_done bigint,
    rescore_started_at timestamptz,
    rescore_finished_at timestamptz,
    CONSTRAINT stream_state_serving_model_id_fkey FOREIGN KEY (serving_model_id)
        REFERENCES tweetlda.models (id) ON DELETE SET NULL,
    CONSTRAINT stream_state_previous_model_id_fkey FOREIGN KEY (previous_model_id)
        REFERENCES tweetlda.models (id) ON DELETE SET NULL,
    CONSTRAINT stream_state_rescore_model_id_fkey FOREIGN KEY (rescore_model_id)
        REFERENCES tweetlda.models (id) ON DELETE SET NULL,
    CONSTRAINT stream_state_rescore_from_id_fkey FOREIGN KEY (rescore_from_id)
        REFERENCES tweetlda.models (id) ON DELETE SET NULL,
    CONSTRAINT stream_state_rescore_window_check
        CHECK (rescore_window OPERATOR(pg_catalog.>=) '0'::interval),
    CONSTRAINT stream_state_batch_size_check
        CHECK (batch_size OPERATOR(pg_catalog.>=) 1 AND batch_size OPERATOR(pg_catalog.<=) 1000000),
    CONSTRAINT stream_state_trigger_interval_check
        CHECK (trigger_interval OPERATOR(pg_catalog.>=) '1 millisecond'::interval
               AND trigger_interval OPERATOR(pg_catalog.<=) '1 day'::interval)
);
COMMENT ON TABLE tweetlda.stream_state IS
    'stream worker configuration (enabled NULL: never started or stopped) and counters';
COMMENT ON COLUMN tweetlda.stream_state.worker_pid IS
    'pid of the stream worker that runs the stream (valid while that process is a tweetlda stream worker of this database)';
COMMENT ON COLUMN tweetlda.stream_state.rescore_window IS
    'after an activation, the scored tweets of this recent window are rescored before the views switch (NULL: all)';
COMMENT ON COLUMN tweetlda.stream_state.keep_previous IS
    'keep the scores of the model served before the serving one, for a rollback (else they are pruned)';
COMMENT ON COLUMN tweetlda.stream_state.serving_model_id IS
    'the model whose scores the views show while a window rescoring runs (else the active model)';
COMMENT ON COLUMN tweetlda.stream_state.previous_model_id IS 'the model served before the serving one';
COMMENT ON COLUMN tweetlda.stream_state.rescore_model_id IS
    'the model the last activation rescores the window with (in progress while rescore_finished_at is NULL)';
COMMENT ON COLUMN tweetlda.stream_state.rescore_from_id IS
    'the model whose scored tweets of the window are rescored';
COMMENT ON COLUMN tweetlda.stream_state.rescore_cursor IS
    'the last tweet id rescored in tweet order (NULL: the final sweep for late scores)';
INSERT INTO tweetlda.stream_state DEFAULT VALUES;

-- Enqueue the tweets an INSERT (or COPY) landed, in the same transaction.
-- SECURITY DEFINER: a role that may only ingest needs no privilege on the queue.
CREATE FUNCTION tweetlda.enqueue_landed() RETURNS trigger
    LANGUAGE plpgsql VOLATILE PARALLEL UNSAFE SECURITY DEFINER
    SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    INSERT INTO tweetlda.pending (tweet_id)
    SELECT n.id FROM landed n
    ON CONFLICT (tweet_id) DO NOTHING;
    RETURN NULL;
END
$$;

CREATE TRIGGER tweets_enqueue AFTER INSERT ON tweetlda.tweets
    REFERENCING NEW TABLE AS landed
    FOR EACH STATEMENT EXECUTE FUNCTION tweetlda.enqueue_landed();

-- The index (1-based, as the topics of tweetlda.topics) of the largest weight of a topic array.
CREATE FUNCTION tweetlda.topic_argmax(topics real[]) RETURNS integer
    AS 'MODULE_PATHNAME', 'topic_argmax'
    LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

-- The model the views show: while the window rescoring of an activation runs, the model served
-- before (stream_state.serving_model_id); else the active model.
-- SECURITY DEFINER: the views (and the dashboard role, which cannot read stream_state) call it.
CREATE FUNCTION tweetlda.serving_model() RETURNS integer
    LANGUAGE sql STABLE PARALLEL SAFE SECURITY DEFINER
    SET search_path = pg_catalog, pg_temp
    RETURN coalesce((SELECT s.serving_model_id FROM tweetlda.stream_state s
                     WHERE s.rescore_started_at IS NOT NULL AND s.rescore_finished_at IS NULL),
                    (SELECT m.id FROM tweetlda.models m WHERE m.active));

-- Score the given tweets with each of the given models, unless they already have that model's
-- score (a score is never replaced: one per tweet and model); the number of tweets that got a
-- new score of the first model. Sentiment is computed once per tweet.
CREATE FUNCTION tweetlda.score_tweets_with(tweet_ids bigint[], models integer[]) RETURNS integer
    LANGUAGE plpgsql VOLATILE STRICT PARALLEL UNSAFE
    SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    analyzer text;
    classifier boolean;
    scored integer;
BEGIN
    SELECT s.analyzer INTO analyzer FROM tweetlda.stream_state s;
    -- a trained classifier labels a tweet with its most probable class (the second call on the
    -- same text reuses the first's result); a built-in analyzer by its polarity
    classifier := EXISTS (SELECT 1 FROM tweetlda.sentiment_models m WHERE m.name = analyzer);
    WITH scored_rows AS (
        INSERT INTO tweetlda.tweet_scores AS ts
            (tweet_id, model_id, topics, top_topic, polarity, subjectivity, sentiment,
             created_at, scored_at)
        SELECT y.id, y.model_id, y.topics, tweetlda.topic_argmax(y.topics),
               (y.s).polarity, (y.s).subjectivity,
               coalesce(y.label, tweetlda.sentiment_label((y.s).polarity)),
               y.created_at, now()
        -- OFFSET 0 keeps the subqueries, so that topics() and sentiment() run once per tweet
        -- and model (sentiment once per tweet)
        FROM (SELECT x.id, x.created_at, x.s, x.label, mm.id AS model_id,
                     tweetlda.topics(mm.id, x.text, x.lang) AS topics
              FROM (SELECT t.id, coalesce(t.created_at, t.received_at) AS created_at,
                           t.text, t.lang,
                           tweetlda.sentiment(t.text, analyzer) AS s,
                           CASE WHEN classifier THEN tweetlda.sentiment_label(t.text, analyzer) END
                               AS label
                    FROM (SELECT DISTINCT u.id FROM unnest(tweet_ids) AS u(id)) c
                    JOIN tweetlda.tweet_ids i ON i.id = c.id
                    JOIN tweetlda.tweets t ON t.id = i.id AND t.received_at = i.received_at
                    WHERE EXISTS (SELECT 1 FROM unnest(models) AS m0(id)
                                  WHERE NOT EXISTS (SELECT 1 FROM tweetlda.tweet_scores e
                                                    WHERE e.tweet_id = c.id
                                                      AND e.model_id = m0.id))
                    OFFSET 0) x
              CROSS JOIN (SELECT DISTINCT m1.id FROM unnest(models) AS m1(id)
                          WHERE m1.id IS NOT NULL) mm
              WHERE NOT EXISTS (SELECT 1 FROM tweetlda.tweet_scores e
                                WHERE e.tweet_id = x.id AND e.model_id = mm.id)
              OFFSET 0) y
        ON CONFLICT (tweet_id, model_id) DO NOTHING
        RETURNING ts.model_id)
    SELECT count(*) FILTER (WHERE r.model_id = models[1]) INTO scored FROM scored_rows r;
    RETURN scored;
END
$$;

-- The models new tweets are scored with: the active model, and the serving model while a new
-- active model rescores the window (so that the views, which show the serving model, stay whole).
CREATE FUNCTION tweetlda.scoring_models() RETURNS integer[]
    LANGUAGE plpgsql STABLE PARALLEL SAFE
    SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    active_id integer;
    serving_id integer;
BEGIN
    SELECT m.id INTO active_id FROM tweetlda.models m WHERE m.active;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'no active model'
            USING ERRCODE = 'object_not_in_prerequisite_state',
                  DETAIL = 'Tweets are scored with the active model of tweetlda.models.',
                  HINT = 'Train a model with tweetlda.train() and activate it with tweetlda.activate().';
    END IF;
    serving_id := tweetlda.serving_model();
    IF serving_id IS DISTINCT FROM active_id THEN
        RETURN ARRAY[active_id, serving_id];
    END IF;
    RETURN ARRAY[active_id];
END
$$;

-- Score the given tweets with the active model (and the serving model during a transition),
-- unless they already have its scores; the number of tweets newly scored by the active model.
-- The queue is not touched: this is the scoring step of process_pending(), also usable alone.
CREATE FUNCTION tweetlda.score_tweets(tweet_ids bigint[]) RETURNS integer
    LANGUAGE plpgsql VOLATILE STRICT PARALLEL UNSAFE
    SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    RETURN tweetlda.score_tweets_with(tweet_ids, tweetlda.scoring_models());
END
$$;

-- Whether an error is about the system rather than one tweet (then no tweet is rejected).
CREATE FUNCTION tweetlda.stream_error_is_systemic(state text) RETURNS boolean
    LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
    RETURN left(state, 2) IN ('08', '25', '28', '3D', '3F', '40', '42', '53', '55', '57', '58',
                              'F0');

-- The live part of a micro-batch: claim up to max_rows queued tweets, score them, return the
-- number scored. A batch that fails is retried tweet by tweet; a tweet that fails alone goes to
-- tweetlda.rejected (reason and raw object) and is not retried.
CREATE FUNCTION tweetlda.process_queue(max_rows integer) RETURNS integer
    LANGUAGE plpgsql VOLATILE CALLED ON NULL INPUT PARALLEL UNSAFE
    SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    ids bigint[];
    scored integer := 0;
    failed_ids bigint[] := '{}';
    failed_reasons text[] := '{}';
    batch_state text;
    batch_message text;
    one bigint;
BEGIN
    IF max_rows IS NULL OR max_rows < 1 OR max_rows > 1000000 THEN
        RAISE EXCEPTION 'invalid max_rows: %', coalesce(max_rows::text, 'NULL')
            USING ERRCODE = 'invalid_parameter_value',
                  HINT = 'Pass a batch size between 1 and 1000000.';
    END IF;
    IF NOT EXISTS (SELECT 1 FROM tweetlda.models m WHERE m.active) THEN
        RAISE EXCEPTION 'no active model'
            USING ERRCODE = 'object_not_in_prerequisite_state',
                  DETAIL = 'Queued tweets stay queued until a model is active.',
                  HINT = 'Train a model with tweetlda.train() and activate it with tweetlda.activate().';
    END IF;
    WITH claimed AS (
        -- = ANY(ARRAY(...)): primary key lookups, never a scan of a long queue
        DELETE FROM tweetlda.pending
        WHERE tweet_id = ANY (ARRAY(SELECT p.tweet_id FROM tweetlda.pending p
                                    ORDER BY p.tweet_id LIMIT max_rows
                                    FOR UPDATE SKIP LOCKED))
        RETURNING tweet_id)
    SELECT array_agg(tweet_id) INTO ids FROM claimed;
    IF ids IS NULL THEN
        RETURN 0;
    END IF;
    BEGIN
        RETURN tweetlda.score_tweets(ids);
    EXCEPTION WHEN OTHERS THEN
        GET STACKED DIAGNOSTICS batch_state = RETURNED_SQLSTATE, batch_message = MESSAGE_TEXT;
        IF tweetlda.stream_error_is_systemic(batch_state) THEN
            RAISE;
        END IF;
    END;
    -- The batch failed on its data: find the tweets that fail alone.
    FOREACH one IN ARRAY ids LOOP
        BEGIN
            scored := scored + tweetlda.score_tweets(ARRAY[one]);
        EXCEPTION WHEN OTHERS THEN
            failed_ids := failed_ids || one;
            failed_reasons := failed_reasons || ('scoring failed: ' || SQLERRM || ' (SQLSTATE '
                                                 || SQLSTATE || ')');
        END;
    END LOOP;
    IF cardinality(failed_ids) = cardinality(ids) AND cardinality(ids) > 1 THEN
        -- every tweet fails: not the tweets' fault, so keep them queued
        RAISE EXCEPTION 'could not score a batch of % tweets: %', cardinality(ids), batch_message
            USING ERRCODE = batch_state,
                  DETAIL = 'Every tweet of the batch failed alone too, so none was rejected.';
    END IF;
    INSERT INTO tweetlda.rejected (reason, raw, tweet_id)
    SELECT f.reason, t.raw::text, f.id
    FROM unnest(failed_ids, failed_reasons) AS f(id, reason)
    LEFT JOIN tweetlda.tweet_ids i ON i.id = f.id
    LEFT JOIN tweetlda.tweets t ON t.id = i.id AND t.received_at = i.received_at;
    RAISE WARNING 'tweetlda: % of % tweets could not be scored and went to tweetlda.rejected',
        cardinality(failed_ids), cardinality(ids)
        USING DETAIL = 'The batch failed with: ' || batch_message;
    RETURN scored;
END
$$;

-- Finish the window rescoring of the last activation: the rescored model becomes the serving
-- one (in the same transaction as its last rescored batch, so the views switch at once).
CREATE FUNCTION tweetlda.rescore_finish() RETURNS void
    LANGUAGE plpgsql VOLATILE STRICT PARALLEL UNSAFE
    SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    UPDATE tweetlda.stream_state s
    SET previous_model_id = CASE WHEN s.rescore_model_id IS NOT NULL
                                      AND s.serving_model_id IS DISTINCT FROM s.rescore_model_id
                                 THEN s.serving_model_id ELSE s.previous_model_id END,
        serving_model_id = coalesce(s.rescore_model_id, s.serving_model_id),
        rescore_cursor = NULL, rescore_finished_at = now(),
        rescore_done = greatest(s.rescore_done, s.rescore_total);
END
$$;

-- Score a few tweets with one model, skipping (with a warning) the tweets that fail alone: the
-- window rescoring never stops on one tweet. The number newly scored.
CREATE FUNCTION tweetlda.rescore_tweets(tweet_ids bigint[], model integer) RETURNS integer
    LANGUAGE plpgsql VOLATILE STRICT PARALLEL UNSAFE
    SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    scored integer := 0;
    one bigint;
    state text;
BEGIN
    BEGIN
        RETURN tweetlda.score_tweets_with(tweet_ids, ARRAY[model]);
    EXCEPTION WHEN OTHERS THEN
        GET STACKED DIAGNOSTICS state = RETURNED_SQLSTATE;
        IF tweetlda.stream_error_is_systemic(state) THEN
            RAISE;
        END IF;
    END;
    FOREACH one IN ARRAY tweet_ids LOOP
        BEGIN
            scored := scored + tweetlda.score_tweets_with(ARRAY[one], ARRAY[model]);
        EXCEPTION WHEN OTHERS THEN
            RAISE WARNING 'tweetlda: tweet % could not be rescored with model %: %', one, model, SQLERRM;
        END;
    END LOOP;
    RETURN scored;
END
$$;

-- Delete up to max_rows scores of models that are neither active, serving, being rescored nor
-- kept for a rollback (stream_state.keep_previous); the number deleted.
CREATE FUNCTION tweetlda.prune_scores(max_rows integer) RETURNS integer
    LANGUAGE plpgsql VOLATILE STRICT PARALLEL UNSAFE
    SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    keep integer[];
    victim integer;
    pruned integer;
BEGIN
    SELECT ARRAY[(SELECT m.id FROM tweetlda.models m WHERE m.active), tweetlda.serving_model(),
                 CASE WHEN s.rescore_finished_at IS NULL THEN s.rescore_model_id END,
                 CASE WHEN s.rescore_finished_at IS NULL THEN s.rescore_from_id END,
                 CASE WHEN s.keep_previous THEN s.previous_model_id END]
    INTO keep FROM tweetlda.stream_state s;
    -- models still in the registry (a probe of the (model_id, tweet_id) index each)
    SELECT m.id INTO victim FROM tweetlda.models m
    WHERE m.id <> ALL (array_remove(keep, NULL))
      AND EXISTS (SELECT 1 FROM tweetlda.tweet_scores ts WHERE ts.model_id = m.id)
    ORDER BY m.id LIMIT 1;
    IF victim IS NULL THEN
        RETURN 0;
    END IF;
    DELETE FROM tweetlda.tweet_scores ts
    WHERE ts.model_id = victim
      AND ts.tweet_id = ANY (ARRAY(SELECT p.tweet_id FROM tweetlda.tweet_scores p
                                  WHERE p.model_id = victim ORDER BY p.tweet_id LIMIT max_rows));
    GET DIAGNOSTICS pruned = ROW_COUNT;
    IF NOT EXISTS (SELECT 1 FROM tweetlda.tweet_scores ts WHERE ts.model_id = victim) THEN
        -- the rollup keeps rows at zero after deletes: drop the pruned model's
        DELETE FROM tweetlda.score_rollup r WHERE r.model_id = victim;
    END IF;
    RETURN pruned;
END
$$;

-- One step of background work of at most max_rows tweets, after an activation: rescore the
-- scored tweets of the window (stream_state.rescore_window) with the new active model, in tweet
-- order, then sweep for scores committed late, then switch the views to the new model; when no
-- rescoring is left, prune the scores of models no longer kept. The number of tweets handled
-- (0: nothing to do). Concurrent callers skip the step (the state row is locked).
CREATE FUNCTION tweetlda.rescore_step(max_rows integer DEFAULT 10000) RETURNS integer
    LANGUAGE plpgsql VOLATILE CALLED ON NULL INPUT PARALLEL UNSAFE
    SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    st tweetlda.stream_state;
    ids bigint[];
    todo bigint[];
BEGIN
    IF max_rows IS NULL OR max_rows < 1 OR max_rows > 1000000 THEN
        RAISE EXCEPTION 'invalid max_rows: %', coalesce(max_rows::text, 'NULL')
            USING ERRCODE = 'invalid_parameter_value',
                  HINT = 'Pass a batch size between 1 and 1000000.';
    END IF;
    -- no transition: prune (without locking the state row, which an idle stream would
    -- otherwise lock every trigger interval)
    SELECT * INTO st FROM tweetlda.stream_state;
    IF st.rescore_started_at IS NULL OR st.rescore_finished_at IS NOT NULL THEN
        RETURN tweetlda.prune_scores(max_rows);
    END IF;
    SELECT * INTO st FROM tweetlda.stream_state FOR UPDATE SKIP LOCKED;
    IF NOT FOUND OR st.rescore_finished_at IS NOT NULL THEN
        RETURN 0;
    END IF;
    IF st.rescore_model_id IS NULL OR st.rescore_from_id IS NULL THEN
        -- a model of the transition was deleted: nothing left to rescore
        PERFORM tweetlda.rescore_finish();
        RETURN 0;
    END IF;
    IF st.rescore_cursor IS NOT NULL THEN
        -- the pass in tweet order over the window's scores of the model served before
        SELECT array_agg(w.tweet_id ORDER BY w.tweet_id) INTO ids
        FROM (SELECT s.tweet_id FROM tweetlda.tweet_scores s
              WHERE s.model_id = st.rescore_from_id AND s.tweet_id > st.rescore_cursor
                AND (st.rescore_since IS NULL OR s.created_at >= st.rescore_since)
              ORDER BY s.tweet_id LIMIT max_rows) w;
        IF ids IS NULL THEN
            UPDATE tweetlda.stream_state SET rescore_cursor = NULL;
            RETURN 0;
        END IF;
        SELECT array_agg(u.id) INTO todo FROM unnest(ids) AS u(id)
        WHERE NOT EXISTS (SELECT 1 FROM tweetlda.tweet_scores e
                          WHERE e.tweet_id = u.id AND e.model_id = st.rescore_model_id);
        IF todo IS NOT NULL THEN
            PERFORM tweetlda.rescore_tweets(todo, st.rescore_model_id);
        END IF;
        UPDATE tweetlda.stream_state
        SET rescore_cursor = ids[cardinality(ids)],
            rescore_done = least(rescore_done + cardinality(ids), rescore_total);
        RETURN cardinality(ids);
    END IF;
    -- the sweep: scores of the window that the pass missed (a batch that scored with the
    -- model served before and committed after the activation)
    SELECT array_agg(w.tweet_id) INTO ids
    FROM (SELECT s.tweet_id FROM tweetlda.tweet_scores s
          WHERE s.model_id = st.rescore_from_id
            AND (st.rescore_since IS NULL OR s.created_at >= st.rescore_since)
            AND NOT EXISTS (SELECT 1 FROM tweetlda.tweet_scores e
                            WHERE e.tweet_id = s.tweet_id AND e.model_id = st.rescore_model_id)
          LIMIT max_rows) w;
    IF ids IS NULL THEN
        PERFORM tweetlda.rescore_finish();
        RETURN 0;
    END IF;
    PERFORM tweetlda.rescore_tweets(ids, st.rescore_model_id);
    UPDATE tweetlda.stream_state
    SET rescore_total = rescore_total + cardinality(ids), rescore_done = rescore_done + cardinality(ids);
    RETURN cardinality(ids);
END
$$;

-- One micro-batch: claim up to max_rows queued tweets, score them, return the number scored.
-- A batch that fails is retried tweet by tweet; a tweet that fails alone goes to
-- tweetlda.rejected (reason and raw object) and is not retried. The capacity the queue leaves
-- goes to the background work of an activation (tweetlda.rescore_step): live scoring first.
CREATE FUNCTION tweetlda.process_pending(max_rows integer DEFAULT 10000) RETURNS integer
    LANGUAGE plpgsql VOLATILE CALLED ON NULL INPUT PARALLEL UNSAFE
    SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    scored integer;
    state text;
BEGIN
    scored := tweetlda.process_queue(max_rows);
    IF scored < max_rows THEN
        BEGIN
            PERFORM tweetlda.rescore_step(max_rows - scored);
        EXCEPTION WHEN OTHERS THEN
            -- the background work never costs a live batch; it is tried again next batch
            GET STACKED DIAGNOSTICS state = RETURNED_SQLSTATE;
            IF state IN ('57014', '40P01', '40001') THEN
                RAISE;
            END IF;
            RAISE WARNING 'tweetlda: rescoring after an activation failed: %', SQLERRM;
        END;
    END IF;
    RETURN scored;
END
$$;

-- Queue again the tweets (created since a time) whose scores are not from the active model, so
-- that the stream scores them with it; the number queued.
CREATE FUNCTION tweetlda.rescore(since timestamptz DEFAULT '-infinity') RETURNS bigint
    LANGUAGE plpgsql VOLATILE STRICT PARALLEL UNSAFE
    SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    queued bigint;
    active_id integer := (SELECT m.id FROM tweetlda.models m WHERE m.active);
BEGIN
    INSERT INTO tweetlda.pending (tweet_id)
    SELECT DISTINCT s.tweet_id FROM tweetlda.tweet_scores s
    WHERE s.created_at >= since
      AND NOT EXISTS (SELECT 1 FROM tweetlda.tweet_scores a
                      WHERE a.tweet_id = s.tweet_id AND a.model_id = active_id)
    ON CONFLICT (tweet_id) DO NOTHING;
    GET DIAGNOSTICS queued = ROW_COUNT;
    RETURN queued;
END
$$;

-- Process queued tweets until the queue is empty, committing after each batch, then the
-- background work of an activation until it is done (the command of the pg_cron job that
-- schedule_scoring() creates).
-- A procedure that commits cannot have SET search_path, and a pg_cron job runs under the
-- database's search_path: every operator below is schema-qualified.
CREATE PROCEDURE tweetlda.process_all_pending(batch_size integer DEFAULT 10000)
    LANGUAGE plpgsql
AS $$
DECLARE
    n integer;
    total bigint := 0;
BEGIN
    LOOP
        n := tweetlda.process_pending(batch_size);
        total := total OPERATOR(pg_catalog.+) n;
        COMMIT;
        EXIT WHEN n OPERATOR(pg_catalog.=) 0;
    END LOOP;
    LOOP
        n := tweetlda.rescore_step(batch_size);
        COMMIT;
        EXIT WHEN n OPERATOR(pg_catalog.=) 0
              AND NOT EXISTS (SELECT 1 FROM tweetlda.stream_state s
                              WHERE s.rescore_started_at IS NOT NULL
                                AND s.rescore_finished_at IS NULL);
        IF n OPERATOR(pg_catalog.=) 0 THEN
            -- another session (the worker) holds the step: let it work
            PERFORM pg_catalog.pg_sleep(0.05);
        END IF;
        -- live tweets first
        n := tweetlda.process_pending(batch_size);
        total := total OPERATOR(pg_catalog.+) n;
        COMMIT;
    END LOOP;
    RAISE NOTICE 'tweetlda: scored % tweets', total;
END
$$;

-- Whether a pid is a running stream worker (a background worker of type "tweetlda stream") of
-- this database: the identity of the worker, which no role can fake.
CREATE FUNCTION tweetlda.stream_backend_is_worker(pid integer) RETURNS boolean
    AS 'MODULE_PATHNAME', 'stream_backend_is_worker'
    LANGUAGE C VOLATILE STRICT PARALLEL RESTRICTED;

-- When the calling transaction commits, make the stream worker pid end its batch (the claim is
-- undone) and read tweetlda.stream_state again; false when pid is not a stream worker here.
-- The caller needs UPDATE on tweetlda.stream_state (as stop_stream() does).
CREATE FUNCTION tweetlda.stream_notify_stop(pid integer) RETURNS boolean
    AS 'MODULE_PATHNAME', 'stream_notify_stop'
    LANGUAGE C VOLATILE STRICT PARALLEL UNSAFE;

-- The pid of the stream worker of this database (recorded in stream_state and alive), or NULL.
CREATE FUNCTION tweetlda.stream_worker_pid() RETURNS integer
    LANGUAGE sql VOLATILE PARALLEL SAFE
    SET search_path = pg_catalog, pg_temp
BEGIN ATOMIC
    SELECT s.worker_pid FROM tweetlda.stream_state s
    WHERE tweetlda.stream_backend_is_worker(s.worker_pid);
END;

-- Register a dynamic stream worker for this database, running as the current role.
CREATE FUNCTION tweetlda.stream_launch() RETURNS integer
    AS 'MODULE_PATHNAME', 'stream_launch'
    LANGUAGE C VOLATILE STRICT PARALLEL UNSAFE;

-- Start (or reconfigure) the stream worker of this database; returns the pid of the running
-- worker, else of the one launched. analyzer: the sentiment analyzer of the stream (a built-in
-- one or a trained classifier, see tweetlda.analyzers()); NULL keeps the current one.
CREATE FUNCTION tweetlda.start_stream(trigger_interval interval DEFAULT '1 second',
                                      batch_size integer DEFAULT 10000,
                                      analyzer text DEFAULT NULL)
    RETURNS integer
    LANGUAGE plpgsql VOLATILE CALLED ON NULL INPUT PARALLEL UNSAFE
    SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    pid integer;
BEGIN
    IF trigger_interval IS NULL OR trigger_interval < '1 millisecond'
       OR trigger_interval > '1 day' THEN
        RAISE EXCEPTION 'invalid trigger_interval: %', coalesce(trigger_interval::text, 'NULL')
            USING ERRCODE = 'invalid_parameter_value',
                  HINT = 'Pass an interval between 1 millisecond and 1 day.';
    END IF;
    IF batch_size IS NULL OR batch_size < 1 OR batch_size > 1000000 THEN
        RAISE EXCEPTION 'invalid batch_size: %', coalesce(batch_size::text, 'NULL')
            USING ERRCODE = 'invalid_parameter_value',
                  HINT = 'Pass a batch size between 1 and 1000000.';
    END IF;
    IF start_stream.analyzer IS NOT NULL
       AND NOT EXISTS (SELECT 1 FROM tweetlda.analyzers() a WHERE a.name = start_stream.analyzer) THEN
        RAISE EXCEPTION 'unknown sentiment analyzer "%"', start_stream.analyzer
            USING ERRCODE = 'undefined_object',
                  HINT = 'tweetlda.analyzers() lists the built-in analyzers and the trained classifiers.';
    END IF;
    UPDATE tweetlda.stream_state s
    SET enabled = true, trigger_interval = start_stream.trigger_interval,
        batch_size = start_stream.batch_size,
        analyzer = coalesce(start_stream.analyzer, s.analyzer), started_at = now();
    -- Launch a worker even when one runs: it waits for this transaction to end, then takes
    -- over only if the running one is gone by then (one that was just stopping, say).
    pid := tweetlda.stream_launch();
    RETURN coalesce(tweetlda.stream_worker_pid(), pid);
END
$$;

-- Ask the stream worker of this database to stop (it exits within about a second of the
-- commit, abandoning a running batch, whose tweets stay queued); true when a worker was running.
CREATE FUNCTION tweetlda.stop_stream() RETURNS boolean
    LANGUAGE plpgsql VOLATILE STRICT PARALLEL UNSAFE
    SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    UPDATE tweetlda.stream_state SET enabled = false, stopped_at = now();
    -- the worker ends its batch at once after the commit, not when the batch is done
    RETURN coalesce(tweetlda.stream_notify_stop(tweetlda.stream_worker_pid()), false);
END
$$;

-- The stream's state: worker, configuration, counters, queue and lag.
CREATE FUNCTION tweetlda.stream_status(
        OUT running boolean, OUT pid integer, OUT enabled boolean,
        OUT trigger_interval interval, OUT batch_size integer,
        OUT batches bigint, OUT rows_scored bigint, OUT rows_per_second double precision,
        OUT pending bigint, OUT lag interval,
        OUT last_batch_at timestamptz, OUT last_batch_rows integer, OUT last_batch_ms bigint,
        OUT errors bigint, OUT last_error text, OUT last_error_at timestamptz,
        OUT serving_model integer, OUT rescore_model integer, OUT rescore_total bigint,
        OUT rescore_done bigint, OUT rescore_started_at timestamptz,
        OUT rescore_finished_at timestamptz)
    LANGUAGE sql VOLATILE PARALLEL SAFE
    SET search_path = pg_catalog, pg_temp
BEGIN ATOMIC
    SELECT w.pid IS NOT NULL, w.pid, s.enabled, s.trigger_interval, s.batch_size,
           s.batches, s.rows_scored,
           (SELECT count(*) FROM tweetlda.tweet_scores ts
            WHERE ts.scored_at > now() - '10 seconds'::interval)::double precision / 10,
           q.n, now() - q.oldest,
           s.last_batch_at, s.last_batch_rows, s.last_batch_ms,
           s.errors, s.last_error, s.last_error_at,
           tweetlda.serving_model(), s.rescore_model_id, s.rescore_total, s.rescore_done,
           s.rescore_started_at, s.rescore_finished_at
    FROM tweetlda.stream_state s
    CROSS JOIN (SELECT tweetlda.stream_worker_pid() AS pid) w
    CROSS JOIN (SELECT count(*) AS n, min(p.enqueued_at) AS oldest FROM tweetlda.pending p) q;
END;

-- The error of a function that needs pg_cron in this database (what: the job it would schedule,
-- a sentence; alternative: what to do without pg_cron).
CREATE FUNCTION tweetlda.require_pg_cron(what text, alternative text) RETURNS void
    LANGUAGE plpgsql STABLE STRICT PARALLEL SAFE
    SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_catalog.pg_extension e WHERE e.extname OPERATOR(pg_catalog.=) 'pg_cron') THEN
        RAISE EXCEPTION 'pg_cron is not installed in database "%"', pg_catalog.current_database()
            USING ERRCODE = 'object_not_in_prerequisite_state',
                  DETAIL = require_pg_cron.what,
                  HINT = 'Add pg_cron to shared_preload_libraries, set cron.database_name to '
                         'this database, restart the server and run CREATE EXTENSION pg_cron; '
                         OPERATOR(pg_catalog.||) require_pg_cron.alternative;
    END IF;
END
$$;

-- Remove the pg_cron job of this name of the current user; true when there was one (false
-- without pg_cron).
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

-- Batch mode: a pg_cron job that runs process_all_pending() on a cron schedule.
CREATE FUNCTION tweetlda.schedule_scoring(schedule text) RETURNS bigint
    LANGUAGE plpgsql VOLATILE STRICT PARALLEL UNSAFE
    SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    job bigint;
BEGIN
    PERFORM tweetlda.require_pg_cron('Batch mode runs tweetlda.process_all_pending() as a pg_cron job.',
                                     'or use tweetlda.start_stream().');
    EXECUTE 'SELECT cron.schedule($1, $2, $3)'
        INTO job
        USING 'tweetlda scoring', schedule, 'CALL tweetlda.process_all_pending()';
    RETURN job;
END
$$;

-- Remove the pg_cron job of schedule_scoring(); true when there was one.
CREATE FUNCTION tweetlda.unschedule_scoring() RETURNS boolean
    LANGUAGE sql VOLATILE STRICT PARALLEL UNSAFE
    SET search_path = pg_catalog, pg_temp
    RETURN tweetlda.unschedule_job('tweetlda scoring');

-- Writing functions are for the owner and the roles it grants them to.
REVOKE ALL ON FUNCTION tweetlda.process_pending(integer), tweetlda.score_tweets(bigint[]),
    tweetlda.start_stream(interval, integer, text), tweetlda.stop_stream(),
    tweetlda.stream_launch(), tweetlda.stream_status(), tweetlda.schedule_scoring(text),
    tweetlda.unschedule_scoring(), tweetlda.enqueue_landed(),
    tweetlda.rescore(timestamptz) FROM PUBLIC;
REVOKE ALL ON PROCEDURE tweetlda.process_all_pending(integer) FROM PUBLIC;
REVOKE ALL ON FUNCTION tweetlda.score_tweets_with(bigint[], integer[]),
    tweetlda.scoring_models(), tweetlda.process_queue(integer), tweetlda.rescore_finish(),
    tweetlda.rescore_tweets(bigint[], integer), tweetlda.prune_scores(integer),
    tweetlda.rescore_step(integer) FROM PUBLIC;

-- tweetlda_stream (NOLOGIN, cluster-wide, kept by DROP EXTENSION): the role every statement of
-- the stream worker runs as (doc/security.md). It holds exactly what scoring needs: read the
-- tweets, the models and the text configuration, take from the queue, write scores, rejected
-- tweets and the stream's counters. Nobody logs in as it; grant it to no one.
DO $$
BEGIN
    IF NOT EXISTS (SELECT FROM pg_catalog.pg_roles WHERE rolname = 'tweetlda_stream') THEN
        CREATE ROLE tweetlda_stream NOLOGIN;
    END IF;
END
$$;
GRANT USAGE ON SCHEMA tweetlda TO tweetlda_stream;
GRANT SELECT ON tweetlda.tweets, tweetlda.tweet_ids, tweetlda.models, tweetlda.stopwords
    TO tweetlda_stream;
GRANT SELECT, UPDATE, DELETE ON tweetlda.pending TO tweetlda_stream;
-- DELETE: pruning the scores of models no longer kept (tweetlda.prune_scores)
GRANT SELECT, INSERT, UPDATE, DELETE ON tweetlda.tweet_scores TO tweetlda_stream;
GRANT SELECT, UPDATE ON tweetlda.stream_state TO tweetlda_stream;
GRANT INSERT ON tweetlda.rejected TO tweetlda_stream;
GRANT EXECUTE ON FUNCTION tweetlda.process_pending(integer), tweetlda.score_tweets(bigint[]),
    tweetlda.score_tweets_with(bigint[], integer[]), tweetlda.scoring_models(),
    tweetlda.process_queue(integer), tweetlda.rescore_finish(),
    tweetlda.rescore_tweets(bigint[], integer), tweetlda.prune_scores(integer),
    tweetlda.rescore_step(integer)
    TO tweetlda_stream;
