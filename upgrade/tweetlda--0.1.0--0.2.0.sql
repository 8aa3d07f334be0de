-- tweetlda upgrade from 0.1.0 to 0.2.0.
-- Every schema change of the 0.2.0 cycle goes here AND into the editable base src/sql/*.sql
-- (which builds the fresh tweetlda--0.2.0.sql); test/t/002_upgrade.pl checks that a 0.1.0
-- install updated by this script and a fresh 0.2.0 install have the same catalog.
\echo Use "ALTER EXTENSION tweetlda UPDATE TO '0.2.0'" to load this file. \quit

-- ---- Area: LDA and text findings of issue 9 (branch i9-findings) ----
-- Models are referred to by name: an empty or blank name is refused (train() and the table).
-- A 0.1.0 model with such a name is renamed "unnamed model <id>" so that the constraint holds.
UPDATE tweetlda.models SET name = 'unnamed model ' OPERATOR(pg_catalog.||) id
WHERE name OPERATOR(pg_catalog.!~) '[^[:space:]]';
ALTER TABLE tweetlda.models
    ADD CONSTRAINT models_name_check CHECK (name OPERATOR(pg_catalog.~) '[^[:space:]]');

-- train() checks what the training query returns (one text column) before running it.
CREATE FUNCTION tweetlda.lda_check_source(source text) RETURNS void
    AS 'MODULE_PATHNAME', 'lda_check_source'
    LANGUAGE C VOLATILE STRICT PARALLEL UNSAFE;

CREATE OR REPLACE FUNCTION tweetlda.train(
    name text,
    source text,
    k integer DEFAULT 10,
    max_iter integer DEFAULT 20,
    doc_concentration double precision DEFAULT NULL,
    topic_concentration double precision DEFAULT NULL,
    learning_offset double precision DEFAULT 1024,
    learning_decay double precision DEFAULT 0.51,
    subsampling_rate double precision DEFAULT 0.05,
    optimize_doc_concentration boolean DEFAULT true,
    seed bigint DEFAULT 42,
    optimizer text DEFAULT 'online',
    weighting text DEFAULT 'tfidf',
    min_df double precision DEFAULT 3,
    max_df double precision DEFAULT 0.5,
    max_terms integer DEFAULT 20000,
    language text DEFAULT 'english',
    text_config jsonb DEFAULT NULL) RETURNS integer
    LANGUAGE plpgsql VOLATILE PARALLEL UNSAFE
AS $$
DECLARE
    cfg jsonb;
    params jsonb;
    result tweetlda.lda_model;
    info jsonb;
    new_id integer;
BEGIN
    IF train.name IS NULL OR train.source IS NULL THEN
        RAISE EXCEPTION 'name and source of tweetlda.train() must not be NULL'
            USING ERRCODE = 'null_value_not_allowed';
    END IF;
    IF train.name OPERATOR(pg_catalog.!~) '[^[:space:]]' THEN
        RAISE EXCEPTION 'LDA model name must not be empty or blank'
            USING ERRCODE = 'invalid_parameter_value',
                  HINT = 'Models are referred to by name, as in tweetlda.topics(name, doc).';
    END IF;
    IF EXISTS (SELECT 1 FROM tweetlda.models m WHERE m.name OPERATOR(pg_catalog.=) train.name) THEN
        RAISE EXCEPTION 'LDA model "%" already exists', train.name
            USING ERRCODE = 'unique_violation',
                  HINT = 'Choose another name or delete the model from tweetlda.models.';
    END IF;
    cfg := tweetlda.validate_text_config(coalesce(train.text_config,
                                                  pg_catalog.jsonb_build_object('language', train.language)));
    params := pg_catalog.jsonb_build_object(
        'k', train.k, 'max_iter', train.max_iter,
        'doc_concentration', train.doc_concentration,
        'topic_concentration', train.topic_concentration,
        'learning_offset', train.learning_offset, 'learning_decay', train.learning_decay,
        'subsampling_rate', train.subsampling_rate,
        'optimize_doc_concentration', train.optimize_doc_concentration,
        'seed', train.seed, 'optimizer', train.optimizer, 'weighting', train.weighting,
        'text_config', cfg);
    params := params OPERATOR(pg_catalog.||) pg_catalog.jsonb_build_object(
        'min_df', train.min_df, 'max_df', train.max_df, 'max_terms', train.max_terms);
    -- check the parameters and the query's result type before reading the corpus
    PERFORM tweetlda.lda_check_params(params);
    PERFORM tweetlda.lda_check_source(train.source);
    -- one pass over the corpus: the aggregate builds the vocabulary (as tweetlda.vocabulary
    -- would) and trains on it
    EXECUTE pg_catalog.format('SELECT tweetlda.lda_from_text(s.doc, $1) FROM (%s) AS s(doc)', train.source)
        INTO result USING params;
    info := tweetlda.model_info(result);
    LOCK TABLE tweetlda.models IN SHARE ROW EXCLUSIVE MODE;
    INSERT INTO tweetlda.models (name, k, params, metrics, model, active)
    VALUES (train.name, (info OPERATOR(pg_catalog.->>) 'k')::integer, params,
            pg_catalog.jsonb_build_object(
                'vocab_size', info OPERATOR(pg_catalog.->) 'vocab_size',
                'documents', info OPERATOR(pg_catalog.#>) '{training,documents}',
                'empty_documents', info OPERATOR(pg_catalog.#>) '{training,empty_documents}',
                'tokens', info OPERATOR(pg_catalog.#>) '{training,tokens}',
                'passes', info OPERATOR(pg_catalog.#>) '{training,passes}',
                'bound_per_token', info OPERATOR(pg_catalog.#>) '{training,bound_per_token}',
                'seconds', info OPERATOR(pg_catalog.#>) '{training,seconds}'),
            result,
            NOT EXISTS (SELECT 1 FROM tweetlda.models m WHERE m.active))
    RETURNING id INTO new_id;
    RETURN new_id;
END;
$$;

-- activate(NULL) and create_wide_view(NULL) raise instead of returning NULL.
CREATE OR REPLACE FUNCTION tweetlda.activate(name text) RETURNS integer
    LANGUAGE plpgsql VOLATILE CALLED ON NULL INPUT PARALLEL UNSAFE
    SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    new_id integer;
BEGIN
    IF activate.name IS NULL THEN
        RAISE EXCEPTION 'the model name of tweetlda.activate() must not be NULL'
            USING ERRCODE = 'null_value_not_allowed', HINT = 'Models are listed in tweetlda.models.';
    END IF;
    LOCK TABLE tweetlda.models IN SHARE ROW EXCLUSIVE MODE;
    SELECT m.id INTO new_id FROM tweetlda.models m WHERE m.name = activate.name;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'LDA model "%" does not exist', activate.name
            USING ERRCODE = 'undefined_object', HINT = 'Models are listed in tweetlda.models.';
    END IF;
    UPDATE tweetlda.models m SET active = false WHERE m.active AND m.id <> new_id;
    UPDATE tweetlda.models m SET active = true WHERE m.id = new_id AND NOT m.active;
    RETURN new_id;
END;
$$;

CREATE OR REPLACE FUNCTION tweetlda.create_wide_view(view_name text DEFAULT 'public.scored_tweets_wide')
    RETURNS text
    LANGUAGE plpgsql VOLATILE CALLED ON NULL INPUT PARALLEL UNSAFE
    SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    model integer;
    k integer;
    cols text;
    target text;
    parts text[] := parse_ident(view_name);
BEGIN
    IF view_name IS NULL THEN
        RAISE EXCEPTION 'the view name of tweetlda.create_wide_view() must not be NULL'
            USING ERRCODE = 'null_value_not_allowed',
                  HINT = 'Call it without an argument for public.scored_tweets_wide.';
    END IF;
    SELECT m.id, m.k INTO model, k FROM tweetlda.models m WHERE m.active;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'no active model'
            USING ERRCODE = 'object_not_in_prerequisite_state',
                  HINT = 'Activate a model with tweetlda.activate() first.';
    END IF;
    IF cardinality(parts) NOT IN (1, 2) THEN
        RAISE EXCEPTION 'invalid view name: "%"', view_name
            USING ERRCODE = 'invalid_parameter_value',
                  HINT = 'Pass a view name, optionally schema-qualified.';
    END IF;
    -- an unqualified name goes to schema public (the function runs with a fixed search_path)
    target := quote_ident(CASE cardinality(parts) WHEN 2 THEN parts[1] ELSE 'public' END) || '.'
              || quote_ident(parts[cardinality(parts)]);
    SELECT string_agg(format('s.topics[%s] AS topic_%s', i, i), ', ' ORDER BY i) INTO cols
    FROM generate_series(1, k) AS i;
    IF to_regclass(target) IS NOT NULL THEN
        EXECUTE format('DROP VIEW %s', target);
    END IF;
    EXECUTE format('CREATE VIEW %s AS SELECT s.tweet_id, s.created_at, t.text, s.top_topic, %s, '
                   's.polarity, s.subjectivity, s.sentiment, s.model_id '
                   'FROM tweetlda.tweet_scores s '
                   'JOIN tweetlda.tweet_ids i ON i.id = s.tweet_id '
                   'JOIN tweetlda.tweets t ON t.id = i.id AND t.received_at = i.received_at '
                   'WHERE s.model_id = %s', target, cols, model);
    EXECUTE format('COMMENT ON VIEW %s IS %L', target,
                   format('scored tweets of tweetlda model %s, one column per topic', model));
    EXECUTE format('GRANT SELECT ON %s TO tweetlda_dashboard', target);
    RETURN target;
END
$$;
-- ---- end of area: LDA and text findings ----

-- ---- ingest (issue 9, item 3): no record stops ingestion ----
-- try_timestamptz / tweet_fields / parse_tweet use a strict timestamp parser of their own (C);
-- rejected records keep the producer's input name and line; the staging table carries them
-- in a second staging table ingest_staging_ext (with the producer's own reasons); ingest_records is the set-based path behind ingest_batch
-- and the staging triggers.
ALTER TABLE tweetlda.rejected ADD COLUMN source text, ADD COLUMN line bigint;
CREATE UNLOGGED TABLE tweetlda.ingest_staging_ext (
    raw    text,
    source text,
    line   bigint,
    reason text
);
GRANT INSERT ON tweetlda.ingest_staging_ext TO tweetlda_ingest;

CREATE FUNCTION tweetlda.ingest_records(raws text[], sources text[], lines bigint[],
                                        reasons text[],
                                        OUT ingested bigint, OUT duplicates bigint,
                                        OUT rejected bigint)
    LANGUAGE plpgsql VOLATILE CALLED ON NULL INPUT PARALLEL UNSAFE SECURITY DEFINER
    SET search_path = pg_catalog, pg_temp
    SET enable_nestloop = off
    SET jit = off
    SET work_mem = '64MB'
AS $$
BEGIN
    PERFORM tweetlda.ensure_partition(now());
    WITH parsed AS MATERIALIZED (
        SELECT r.ord, r.raw, r.source, r.line, p.id, p.created_at, p.lang, p.author, p.text,
               p.doc, coalesce(r.reason, p.error) AS error
        FROM unnest(raws, sources, lines, reasons) WITH ORDINALITY AS r(raw, source, line, reason, ord),
             LATERAL tweetlda.parse_tweet(CASE WHEN r.reason IS NULL THEN r.raw END) p
        WHERE r.ord <= cardinality(raws)
    ), bad AS (
        INSERT INTO tweetlda.rejected (reason, raw, tweet_id, source, line)
        SELECT p.error, p.raw, p.id, p.source, p.line FROM parsed p WHERE p.error IS NOT NULL
        ORDER BY p.ord
        RETURNING 1
    ), good AS MATERIALIZED (
        SELECT DISTINCT ON (p.id) p.* FROM parsed p WHERE p.error IS NULL ORDER BY p.id, p.ord
    ), fresh AS (
        INSERT INTO tweetlda.tweet_ids (id, received_at)
        SELECT g.id, now() FROM good g ORDER BY g.id
        ON CONFLICT DO NOTHING
        RETURNING tweet_ids.id
    ), landed AS (
        INSERT INTO tweetlda.tweets (id, received_at, created_at, lang, author, text, raw)
        SELECT g.id, now(), g.created_at, g.lang, g.author, g.text, g.doc
        FROM good g JOIN fresh f ON f.id = g.id
        ORDER BY g.ord
        RETURNING 1
    )
    SELECT (SELECT count(*) FROM landed),
           (SELECT count(*) FROM parsed p WHERE p.error IS NULL) - (SELECT count(*) FROM landed),
           (SELECT count(*) FROM bad)
    INTO ingested, duplicates, rejected;
END
$$;

CREATE OR REPLACE FUNCTION tweetlda.ingest_batch(raws text[],
                                                 OUT ingested bigint, OUT duplicates bigint,
                                                 OUT rejected bigint)
    LANGUAGE plpgsql VOLATILE PARALLEL UNSAFE SECURITY DEFINER
    SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    SELECT r.ingested, r.duplicates, r.rejected INTO ingested, duplicates, rejected
    FROM tweetlda.ingest_records(raws, NULL, NULL, NULL) r;
END
$$;

CREATE FUNCTION tweetlda.staged_flush(OUT ingested bigint, OUT duplicates bigint,
                                      OUT rejected bigint)
    AS 'MODULE_PATHNAME', 'ingest_staged_flush'
    LANGUAGE C VOLATILE STRICT PARALLEL UNSAFE;

CREATE OR REPLACE FUNCTION tweetlda.ingest_staged() RETURNS trigger
    LANGUAGE plpgsql VOLATILE PARALLEL UNSAFE SECURITY DEFINER
    SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    c record;
BEGIN
    SELECT * INTO c FROM tweetlda.staged_flush();
    PERFORM set_config('tweetlda_ingest.last_batch',
                       format('%s %s %s', c.ingested, c.duplicates, c.rejected), true);
    RETURN NULL;
END
$$;
CREATE TRIGGER ingest_staging_1_reset BEFORE INSERT ON tweetlda.ingest_staging_ext
    FOR EACH STATEMENT EXECUTE FUNCTION tweetlda.ingest_stash_reset();
CREATE TRIGGER ingest_staging_2_stash BEFORE INSERT ON tweetlda.ingest_staging_ext
    FOR EACH ROW EXECUTE FUNCTION tweetlda.ingest_stash_row();
CREATE TRIGGER ingest_staging_3_land AFTER INSERT ON tweetlda.ingest_staging_ext
    FOR EACH STATEMENT EXECUTE FUNCTION tweetlda.ingest_staged();
DROP FUNCTION tweetlda.staged_records();
DROP FUNCTION tweetlda.staged_counts();

REVOKE ALL ON FUNCTION tweetlda.ingest_records(text[], text[], bigint[], text[]) FROM PUBLIC;
REVOKE ALL ON FUNCTION tweetlda.staged_flush() FROM PUBLIC;
GRANT EXECUTE ON FUNCTION tweetlda.ingest_records(text[], text[], bigint[], text[]) TO tweetlda_ingest;

-- ---- issue 9, security of the stream (src/sql/60_stream.sql, src/stream.c): the worker's
-- identity is stream_state.worker_pid (no more advisory lock), it runs as the NOLOGIN role
-- tweetlda_stream, stop_stream() interrupts a running batch, stream_state is validated, and the
-- pg_cron job's procedure qualifies its operators. ----
UPDATE tweetlda.stream_state SET batch_size = 10000
WHERE batch_size OPERATOR(pg_catalog.<) 1 OR batch_size OPERATOR(pg_catalog.>) 1000000;
UPDATE tweetlda.stream_state SET trigger_interval = '1 second'
WHERE trigger_interval OPERATOR(pg_catalog.<) '1 millisecond'::interval
   OR trigger_interval OPERATOR(pg_catalog.>) '1 day'::interval;
ALTER TABLE tweetlda.stream_state
    ADD COLUMN worker_pid integer,
    ADD CONSTRAINT stream_state_batch_size_check
        CHECK (batch_size OPERATOR(pg_catalog.>=) 1 AND batch_size OPERATOR(pg_catalog.<=) 1000000),
    ADD CONSTRAINT stream_state_trigger_interval_check
        CHECK (trigger_interval OPERATOR(pg_catalog.>=) '1 millisecond'::interval
               AND trigger_interval OPERATOR(pg_catalog.<=) '1 day'::interval);
COMMENT ON COLUMN tweetlda.stream_state.worker_pid IS
    'pid of the stream worker that runs the stream (valid while that process is a tweetlda stream worker of this database)';

CREATE OR REPLACE PROCEDURE tweetlda.process_all_pending(batch_size integer DEFAULT 10000)
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
    RAISE NOTICE 'tweetlda: scored % tweets', total;
END
$$;

CREATE FUNCTION tweetlda.stream_backend_is_worker(pid integer) RETURNS boolean
    AS 'MODULE_PATHNAME', 'stream_backend_is_worker'
    LANGUAGE C VOLATILE STRICT PARALLEL RESTRICTED;

CREATE FUNCTION tweetlda.stream_notify_stop(pid integer) RETURNS boolean
    AS 'MODULE_PATHNAME', 'stream_notify_stop'
    LANGUAGE C VOLATILE STRICT PARALLEL UNSAFE;

CREATE OR REPLACE FUNCTION tweetlda.stream_worker_pid() RETURNS integer
    LANGUAGE sql VOLATILE PARALLEL SAFE
    SET search_path = pg_catalog, pg_temp
BEGIN ATOMIC
    SELECT s.worker_pid FROM tweetlda.stream_state s
    WHERE tweetlda.stream_backend_is_worker(s.worker_pid);
END;

CREATE OR REPLACE FUNCTION tweetlda.stop_stream() RETURNS boolean
    LANGUAGE plpgsql VOLATILE STRICT PARALLEL UNSAFE
    SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    UPDATE tweetlda.stream_state SET enabled = false, stopped_at = now();
    -- the worker ends its batch at once after the commit, not when the batch is done
    RETURN coalesce(tweetlda.stream_notify_stop(tweetlda.stream_worker_pid()), false);
END
$$;

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
GRANT SELECT, INSERT, UPDATE ON tweetlda.tweet_scores TO tweetlda_stream;
GRANT SELECT, UPDATE ON tweetlda.stream_state TO tweetlda_stream;
GRANT INSERT ON tweetlda.rejected TO tweetlda_stream;
GRANT EXECUTE ON FUNCTION tweetlda.process_pending(integer), tweetlda.score_tweets(bigint[])
    TO tweetlda_stream;
-- ---- end of issue 9, security of the stream ----

-- issue 10: language detection (src/sql/12_langdetect.sql)
-- The language of a tweet as an ISO 639-1 code ('en', 'es', 'ja', ...), detected by CLD2 after
-- removing URLs, @mentions, RT and hashtags (hashtags are used when nothing else is left): the
-- best guess whenever the text has letters, NULL when it has none (only emoji, URLs, digits).
CREATE FUNCTION tweetlda.detect_language(doc text) RETURNS text
    AS 'MODULE_PATHNAME', 'tweetlda_detect_language'
    LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION tweetlda.detect_language(text) IS
    'ISO 639-1 code of the tweet''s language (CLD2), NULL when the text has no letters';

-- The detected language with the share of the letters in it and CLD2's reliability verdict.
CREATE FUNCTION tweetlda.detect_language_details(doc text,
    OUT language text, OUT percent integer, OUT reliable boolean)
    AS 'MODULE_PATHNAME', 'tweetlda_detect_language_details'
    LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION tweetlda.detect_language_details(text) IS
    'detected language, percent of the letters in it, and whether CLD2 deems it reliable';

-- The Snowball algorithm (a tweetlda.languages() name) for an ISO 639-1 code, NULL when
-- libstemmer has none; accepts region subtags ('pt-BR') and Twitter's legacy 'in' and 'ji'.
CREATE FUNCTION tweetlda.language_name(iso text) RETURNS text
    AS 'MODULE_PATHNAME', 'tweetlda_language_name'
    LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION tweetlda.language_name(text) IS
    'Snowball stemmer name for an ISO 639-1 language code, NULL when there is none';

-- ---- backups (issue 9, item 6): day partitions carry their own key and indexes ----
-- 0.1.0 put the primary key and the indexes on the parent tweetlda.tweets (an extension member);
-- the partitions inherited them, and pg_restore then failed with "multiple primary keys for
-- table tweets_YYYYMMDD".  Move them to the partitions: dropping the parent's drops the
-- inherited ones, then every existing partition gets its own (same names as before).
ALTER TABLE tweetlda.tweets DROP CONSTRAINT tweets_pkey;
DROP INDEX tweetlda.tweets_seq_idx;
DROP INDEX tweetlda.tweets_received_at_idx;
DO $$
DECLARE
    part regclass;
    name text;
BEGIN
    FOR part IN SELECT i.inhrelid::regclass FROM pg_catalog.pg_inherits i
                WHERE i.inhparent OPERATOR(pg_catalog.=) 'tweetlda.tweets'::pg_catalog.regclass
    LOOP
        SELECT c.relname INTO name FROM pg_catalog.pg_class c WHERE c.oid OPERATOR(pg_catalog.=) part;
        EXECUTE pg_catalog.format('ALTER TABLE %s ADD PRIMARY KEY (id, received_at)', part);
        EXECUTE pg_catalog.format('CREATE INDEX %I ON %s (seq)', name OPERATOR(pg_catalog.||) '_seq_idx', part);
        EXECUTE pg_catalog.format('CREATE INDEX %I ON %s USING brin (received_at)',
                                  name OPERATOR(pg_catalog.||) '_received_at_idx', part);
    END LOOP;
END
$$;

-- Make sure the partitions holding time ts and the next UTC day exist; create them with their
-- key and indexes (CREATE TABLE + ATTACH PARTITION, which does not block concurrent inserts and
-- reads of tweetlda.tweets).
CREATE OR REPLACE FUNCTION tweetlda.ensure_partition(ts timestamptz) RETURNS void
    LANGUAGE plpgsql VOLATILE PARALLEL UNSAFE
    SET search_path = pg_catalog, pg_temp
    SET "TimeZone" = 'UTC'
    SET "DateStyle" = 'ISO, YMD'
AS $$
DECLARE
    day  date;
    name text;
BEGIN
    FOR day IN SELECT (ts AT TIME ZONE 'UTC')::date + k FROM generate_series(0, 1) k LOOP
        name := 'tweets_' || to_char(day, 'YYYYMMDD');
        CONTINUE WHEN to_regclass('tweetlda.' || quote_ident(name)) IS NOT NULL;
        -- Serialize creators; taking the lock also makes this backend see a concurrent
        -- creator's committed table in the check below.
        LOCK TABLE tweetlda.tweets IN SHARE UPDATE EXCLUSIVE MODE;
        CONTINUE WHEN to_regclass('tweetlda.' || quote_ident(name)) IS NOT NULL;
        EXECUTE format('CREATE TABLE tweetlda.%I (LIKE tweetlda.tweets INCLUDING DEFAULTS '
                       'INCLUDING STORAGE INCLUDING COMPRESSION, PRIMARY KEY (id, received_at))',
                       name);
        EXECUTE format('CREATE INDEX %I ON tweetlda.%I (seq)', name || '_seq_idx', name);
        EXECUTE format('CREATE INDEX %I ON tweetlda.%I USING brin (received_at)',
                       name || '_received_at_idx', name);
        EXECUTE format('ALTER TABLE tweetlda.tweets ATTACH PARTITION tweetlda.%I '
                       'FOR VALUES FROM (%L) TO (%L)',
                       name, day::timestamp AT TIME ZONE 'UTC',
                       (day + 1)::timestamp AT TIME ZONE 'UTC');
    END LOOP;
END
$$;


-- issue 12: dashboard and BI schema (src/sql/75_dashboard.sql): the hourly score rollup,
-- filled from the scores already there, and the views of schema tweetlda_bi.
-- ---- the rollup ----

CREATE TABLE tweetlda.score_rollup (
    model_id integer NOT NULL,
    bucket timestamptz,
    topic integer,
    sentiment text NOT NULL,
    tweets bigint NOT NULL,
    polarity_sum double precision NOT NULL,
    CONSTRAINT score_rollup_key UNIQUE NULLS NOT DISTINCT (model_id, bucket, topic, sentiment)
);
COMMENT ON TABLE tweetlda.score_rollup IS
    'scored tweets and polarity sums per model, hour of the tweet''s time, top topic and sentiment label (kept by triggers on tweet_scores)';
-- Not saved by pg_dump: restoring tweet_scores fires the triggers, which rebuild it.

-- Add (sign 1) or subtract (sign -1) the rows of a transition table to the rollup; keys in
-- order, so that concurrent scoring transactions lock rollup rows in the same order.
CREATE FUNCTION tweetlda.score_rollup_apply() RETURNS trigger
    LANGUAGE plpgsql VOLATILE PARALLEL UNSAFE
    SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    IF TG_OP IN ('UPDATE', 'DELETE') THEN
        INSERT INTO tweetlda.score_rollup AS r
            (model_id, bucket, topic, sentiment, tweets, polarity_sum)
        SELECT o.model_id, date_bin('1 hour'::interval, o.created_at,
                                    '2000-01-01 00:00:00+00'::timestamptz),
               o.top_topic, o.sentiment, -count(*), -sum(o.polarity)
        FROM score_rollup_old o
        GROUP BY 1, 2, 3, 4 ORDER BY 1, 2, 3, 4
        ON CONFLICT ON CONSTRAINT score_rollup_key DO UPDATE
            SET tweets = r.tweets + excluded.tweets,
                polarity_sum = r.polarity_sum + excluded.polarity_sum;
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') THEN
        INSERT INTO tweetlda.score_rollup AS r
            (model_id, bucket, topic, sentiment, tweets, polarity_sum)
        SELECT n.model_id, date_bin('1 hour'::interval, n.created_at,
                                    '2000-01-01 00:00:00+00'::timestamptz),
               n.top_topic, n.sentiment, count(*), sum(n.polarity)
        FROM score_rollup_new n
        GROUP BY 1, 2, 3, 4 ORDER BY 1, 2, 3, 4
        ON CONFLICT ON CONSTRAINT score_rollup_key DO UPDATE
            SET tweets = r.tweets + excluded.tweets,
                polarity_sum = r.polarity_sum + excluded.polarity_sum;
    END IF;
    RETURN NULL;
END
$$;

-- TRUNCATE of the scores empties the rollup.
CREATE FUNCTION tweetlda.score_rollup_truncate() RETURNS trigger
    LANGUAGE plpgsql VOLATILE PARALLEL UNSAFE
    SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    DELETE FROM tweetlda.score_rollup;
    RETURN NULL;
END
$$;

CREATE TRIGGER score_rollup_insert AFTER INSERT ON tweetlda.tweet_scores
    REFERENCING NEW TABLE AS score_rollup_new
    FOR EACH STATEMENT EXECUTE FUNCTION tweetlda.score_rollup_apply();
CREATE TRIGGER score_rollup_update AFTER UPDATE ON tweetlda.tweet_scores
    REFERENCING OLD TABLE AS score_rollup_old NEW TABLE AS score_rollup_new
    FOR EACH STATEMENT EXECUTE FUNCTION tweetlda.score_rollup_apply();
CREATE TRIGGER score_rollup_delete AFTER DELETE ON tweetlda.tweet_scores
    REFERENCING OLD TABLE AS score_rollup_old
    FOR EACH STATEMENT EXECUTE FUNCTION tweetlda.score_rollup_apply();
CREATE TRIGGER score_rollup_truncate AFTER TRUNCATE ON tweetlda.tweet_scores
    FOR EACH STATEMENT EXECUTE FUNCTION tweetlda.score_rollup_truncate();

INSERT INTO tweetlda.score_rollup (model_id, bucket, topic, sentiment, tweets, polarity_sum)
SELECT s.model_id, date_bin('1 hour'::interval, s.created_at, '2000-01-01 00:00:00+00'::timestamptz),
       s.top_topic, s.sentiment, count(*), sum(s.polarity)
FROM tweetlda.tweet_scores s GROUP BY 1, 2, 3, 4;

REVOKE ALL ON FUNCTION tweetlda.score_rollup_apply(), tweetlda.score_rollup_truncate() FROM PUBLIC;
-- the stream worker's role writes scores, hence the rollup
GRANT SELECT, INSERT, UPDATE ON tweetlda.score_rollup TO tweetlda_stream;

-- The latest scored tweets of a topic or sentiment label, newest first (the dashboard's list).
CREATE INDEX tweet_scores_topic_scored_at_idx ON tweetlda.tweet_scores (top_topic, scored_at);
CREATE INDEX tweet_scores_sentiment_scored_at_idx ON tweetlda.tweet_scores (sentiment, scored_at);

-- ---- the BI schema ----

CREATE SCHEMA tweetlda_bi;
COMMENT ON SCHEMA tweetlda_bi IS
    'tweetlda for BI tools: views only, plain scalar columns, readable by tweetlda_dashboard';

-- The display name of every topic of every model: the one place labels come from.
CREATE VIEW tweetlda_bi.topic_labels AS
SELECT m.id AS model_id, m.active, t.topic,
       t.topic::text || ': ' || string_agg(t.term, ' ' ORDER BY t.rank) AS label
FROM tweetlda.models m
CROSS JOIN LATERAL tweetlda.topic_terms(m.model, 3) t
GROUP BY m.id, m.active, t.topic;
COMMENT ON VIEW tweetlda_bi.topic_labels IS 'the display label of every topic of every model';
COMMENT ON COLUMN tweetlda_bi.topic_labels.model_id IS 'the model (tweetlda_bi.models.model_id)';
COMMENT ON COLUMN tweetlda_bi.topic_labels.active IS 'whether the model is the active one';
COMMENT ON COLUMN tweetlda_bi.topic_labels.topic IS 'topic number, from 1';
COMMENT ON COLUMN tweetlda_bi.topic_labels.label IS 'display label: topic number and top words';

-- The models.
CREATE VIEW tweetlda_bi.models AS
SELECT m.id AS model_id, m.name, m.created_at, m.k AS topics, m.active,
       m.params ->> 'weighting' AS weighting,
       (m.params ->> 'alpha')::double precision AS alpha,
       (m.params ->> 'eta')::double precision AS eta,
       (m.params ->> 'seed')::bigint AS seed,
       coalesce((SELECT sum(r.tweets) FROM tweetlda.score_rollup r WHERE r.model_id = m.id), 0)::bigint
           AS tweets_scored,
       m.params::text AS params_json, m.metrics::text AS metrics_json
FROM tweetlda.models m;
COMMENT ON VIEW tweetlda_bi.models IS 'the topic models: one row per model, with training parameters';
COMMENT ON COLUMN tweetlda_bi.models.model_id IS 'model id';
COMMENT ON COLUMN tweetlda_bi.models.name IS 'model name';
COMMENT ON COLUMN tweetlda_bi.models.created_at IS 'when the model was trained';
COMMENT ON COLUMN tweetlda_bi.models.topics IS 'number of topics (k)';
COMMENT ON COLUMN tweetlda_bi.models.active IS 'whether the stream scores with this model';
COMMENT ON COLUMN tweetlda_bi.models.weighting IS 'term weighting: tfidf or tf';
COMMENT ON COLUMN tweetlda_bi.models.alpha IS 'document-topic prior';
COMMENT ON COLUMN tweetlda_bi.models.eta IS 'topic-word prior';
COMMENT ON COLUMN tweetlda_bi.models.seed IS 'random seed of the training';
COMMENT ON COLUMN tweetlda_bi.models.tweets_scored IS 'tweets whose current score is from this model';
COMMENT ON COLUMN tweetlda_bi.models.params_json IS 'all training parameters, as JSON text';
COMMENT ON COLUMN tweetlda_bi.models.metrics_json IS 'training metrics, as JSON text';

-- The top words of every topic of every model.
CREATE VIEW tweetlda_bi.topic_words AS
SELECT m.id AS model_id, m.name AS model_name, m.active, t.topic, l.label, t.rank,
       t.term AS word, t.weight
FROM tweetlda.models m
CROSS JOIN LATERAL tweetlda.topic_terms(m.model, 10) t
LEFT JOIN tweetlda_bi.topic_labels l ON l.model_id = m.id AND l.topic = t.topic;
COMMENT ON VIEW tweetlda_bi.topic_words IS 'the ten top words of every topic of every model';
COMMENT ON COLUMN tweetlda_bi.topic_words.model_id IS 'the model';
COMMENT ON COLUMN tweetlda_bi.topic_words.model_name IS 'the model''s name';
COMMENT ON COLUMN tweetlda_bi.topic_words.active IS 'whether the model is the active one';
COMMENT ON COLUMN tweetlda_bi.topic_words.topic IS 'topic number, from 1';
COMMENT ON COLUMN tweetlda_bi.topic_words.label IS 'the topic''s display label';
COMMENT ON COLUMN tweetlda_bi.topic_words.rank IS 'rank of the word in the topic, from 1';
COMMENT ON COLUMN tweetlda_bi.topic_words.word IS 'the word (a stemmed term of the vocabulary)';
COMMENT ON COLUMN tweetlda_bi.topic_words.weight IS 'probability of the word in the topic';

-- Hourly counts per topic and sentiment label of the active model (long form, from the rollup).
CREATE VIEW tweetlda_bi.topic_sentiment_hourly AS
SELECT r.bucket, r.topic, coalesce(l.label, 'no topic') AS label, r.sentiment, r.tweets,
       r.polarity_sum, r.polarity_sum / nullif(r.tweets, 0) AS avg_polarity
FROM tweetlda.score_rollup r
JOIN tweetlda.models m ON m.id = r.model_id AND m.active
LEFT JOIN tweetlda_bi.topic_labels l ON l.model_id = r.model_id AND l.topic = r.topic
WHERE r.tweets > 0;
COMMENT ON VIEW tweetlda_bi.topic_sentiment_hourly IS
    'tweets per hour, topic and sentiment label of the active model (filter on bucket for a time range)';
COMMENT ON COLUMN tweetlda_bi.topic_sentiment_hourly.bucket IS 'start of the hour of the tweets'' time';
COMMENT ON COLUMN tweetlda_bi.topic_sentiment_hourly.topic IS 'top topic, from 1 (NULL: no topic)';
COMMENT ON COLUMN tweetlda_bi.topic_sentiment_hourly.label IS 'the topic''s display label';
COMMENT ON COLUMN tweetlda_bi.topic_sentiment_hourly.sentiment IS 'positive, neutral or negative';
COMMENT ON COLUMN tweetlda_bi.topic_sentiment_hourly.tweets IS 'number of tweets';
COMMENT ON COLUMN tweetlda_bi.topic_sentiment_hourly.polarity_sum IS 'sum of their polarities';
COMMENT ON COLUMN tweetlda_bi.topic_sentiment_hourly.avg_polarity IS 'average polarity, -1 to 1';

-- Tweets and sentiment per hour and topic of the active model (wide by sentiment label).
CREATE VIEW tweetlda_bi.topic_timeline AS
SELECT h.bucket, h.topic, min(h.label) AS label, sum(h.tweets)::bigint AS tweets,
       sum(h.polarity_sum) / nullif(sum(h.tweets), 0) AS avg_polarity,
       coalesce(sum(h.tweets) FILTER (WHERE h.sentiment = 'positive'), 0)::bigint AS positive,
       coalesce(sum(h.tweets) FILTER (WHERE h.sentiment = 'neutral'), 0)::bigint AS neutral,
       coalesce(sum(h.tweets) FILTER (WHERE h.sentiment = 'negative'), 0)::bigint AS negative
FROM tweetlda_bi.topic_sentiment_hourly h
GROUP BY h.bucket, h.topic;
COMMENT ON VIEW tweetlda_bi.topic_timeline IS
    'tweets per hour and topic of the active model, with average polarity and label counts';
COMMENT ON COLUMN tweetlda_bi.topic_timeline.bucket IS 'start of the hour of the tweets'' time';
COMMENT ON COLUMN tweetlda_bi.topic_timeline.topic IS 'top topic, from 1 (NULL: no topic)';
COMMENT ON COLUMN tweetlda_bi.topic_timeline.label IS 'the topic''s display label';
COMMENT ON COLUMN tweetlda_bi.topic_timeline.tweets IS 'number of tweets';
COMMENT ON COLUMN tweetlda_bi.topic_timeline.avg_polarity IS 'average polarity, -1 to 1';
COMMENT ON COLUMN tweetlda_bi.topic_timeline.positive IS 'tweets labelled positive';
COMMENT ON COLUMN tweetlda_bi.topic_timeline.neutral IS 'tweets labelled neutral';
COMMENT ON COLUMN tweetlda_bi.topic_timeline.negative IS 'tweets labelled negative';

-- One row per topic of the active model: label, top words, tweets, share, sentiment (wide).
CREATE VIEW tweetlda_bi.topics AS
WITH counts AS (
    SELECT h.topic, sum(h.tweets) AS tweets, sum(h.polarity_sum) AS polarity_sum,
           sum(h.tweets) FILTER (WHERE h.sentiment = 'positive') AS positive,
           sum(h.tweets) FILTER (WHERE h.sentiment = 'neutral') AS neutral,
           sum(h.tweets) FILTER (WHERE h.sentiment = 'negative') AS negative
    FROM tweetlda_bi.topic_sentiment_hourly h
    GROUP BY h.topic),
words AS (
    SELECT w.topic, string_agg(w.word, ' ' ORDER BY w.rank) AS top_words
    FROM tweetlda_bi.topic_words w WHERE w.active
    GROUP BY w.topic),
all_topics AS (
    SELECT l.topic, l.label FROM tweetlda_bi.topic_labels l WHERE l.active
    UNION ALL
    SELECT NULL, 'no topic' WHERE EXISTS (SELECT 1 FROM counts c WHERE c.topic IS NULL))
SELECT a.topic, a.label, w.top_words,
       coalesce(c.tweets, 0)::bigint AS tweets,
       coalesce(c.tweets / nullif(sum(c.tweets) OVER (), 0), 0)::double precision AS share,
       c.polarity_sum / nullif(c.tweets, 0) AS avg_polarity,
       coalesce(c.positive, 0)::bigint AS positive,
       coalesce(c.neutral, 0)::bigint AS neutral,
       coalesce(c.negative, 0)::bigint AS negative
FROM all_topics a
LEFT JOIN words w ON w.topic = a.topic
LEFT JOIN counts c ON c.topic IS NOT DISTINCT FROM a.topic;
COMMENT ON VIEW tweetlda_bi.topics IS
    'one row per topic of the active model (and "no topic"): label, top words, tweets, share, polarity, label counts';
COMMENT ON COLUMN tweetlda_bi.topics.topic IS 'topic number, from 1 (NULL: tweets with no term of the model)';
COMMENT ON COLUMN tweetlda_bi.topics.label IS 'the topic''s display label';
COMMENT ON COLUMN tweetlda_bi.topics.top_words IS 'the ten top words, space-separated';
COMMENT ON COLUMN tweetlda_bi.topics.tweets IS 'tweets whose top topic this is';
COMMENT ON COLUMN tweetlda_bi.topics.share IS 'share of all scored tweets, 0 to 1';
COMMENT ON COLUMN tweetlda_bi.topics.avg_polarity IS 'average polarity, -1 to 1';
COMMENT ON COLUMN tweetlda_bi.topics.positive IS 'tweets labelled positive';
COMMENT ON COLUMN tweetlda_bi.topics.neutral IS 'tweets labelled neutral';
COMMENT ON COLUMN tweetlda_bi.topics.negative IS 'tweets labelled negative';

-- Tweets per topic of the active model and sentiment label, every combination (long form).
CREATE VIEW tweetlda_bi.topic_sentiment AS
SELECT t.topic, t.label, s.sentiment,
       CASE s.sentiment WHEN 'positive' THEN t.positive WHEN 'neutral' THEN t.neutral
                        ELSE t.negative END AS tweets
FROM tweetlda_bi.topics t
CROSS JOIN (VALUES ('positive'), ('neutral'), ('negative')) AS s(sentiment);
COMMENT ON VIEW tweetlda_bi.topic_sentiment IS
    'tweets per topic of the active model and sentiment label (for stacked bars)';
COMMENT ON COLUMN tweetlda_bi.topic_sentiment.topic IS 'topic number, from 1 (NULL: no topic)';
COMMENT ON COLUMN tweetlda_bi.topic_sentiment.label IS 'the topic''s display label';
COMMENT ON COLUMN tweetlda_bi.topic_sentiment.sentiment IS 'positive, neutral or negative';
COMMENT ON COLUMN tweetlda_bi.topic_sentiment.tweets IS 'number of tweets';

-- Every scored tweet with its top topic and sentiment.  The tweet is looked up per score row
-- (OFFSET 0 keeps the lateral subquery a parameterized lookup: tweet_ids' key, then one
-- partition's key), and so is the label, so that "the latest n" reads n rows from the index on
-- scored_at instead of joining every tweet.
CREATE VIEW tweetlda_bi.scored_tweets AS
SELECT s.tweet_id, s.created_at, s.scored_at, t.lang, t.author, t.text, s.model_id,
       s.top_topic AS topic,
       coalesce((SELECT l.label FROM tweetlda_bi.topic_labels l
                 WHERE l.model_id = s.model_id AND l.topic = s.top_topic), 'no topic') AS label,
       s.topics[s.top_topic]::double precision AS topic_weight,
       s.polarity, s.subjectivity, s.sentiment
FROM tweetlda.tweet_scores s
CROSS JOIN LATERAL (
    SELECT tw.lang, tw.author, tw.text
    FROM tweetlda.tweet_ids i
    JOIN tweetlda.tweets tw ON tw.id = i.id AND tw.received_at = i.received_at
    WHERE i.id = s.tweet_id
    OFFSET 0) t;
COMMENT ON VIEW tweetlda_bi.scored_tweets IS 'scored tweets still landed, with top topic and sentiment';
COMMENT ON COLUMN tweetlda_bi.scored_tweets.tweet_id IS 'tweet id';
COMMENT ON COLUMN tweetlda_bi.scored_tweets.created_at IS 'the tweet''s time (else when it landed)';
COMMENT ON COLUMN tweetlda_bi.scored_tweets.scored_at IS 'when it was scored';
COMMENT ON COLUMN tweetlda_bi.scored_tweets.lang IS 'language code';
COMMENT ON COLUMN tweetlda_bi.scored_tweets.author IS 'author';
COMMENT ON COLUMN tweetlda_bi.scored_tweets.text IS 'the tweet''s text';
COMMENT ON COLUMN tweetlda_bi.scored_tweets.model_id IS 'the model that scored it';
COMMENT ON COLUMN tweetlda_bi.scored_tweets.topic IS 'top topic, from 1 (NULL: no term of the model)';
COMMENT ON COLUMN tweetlda_bi.scored_tweets.label IS 'the top topic''s display label';
COMMENT ON COLUMN tweetlda_bi.scored_tweets.topic_weight IS 'weight of the top topic, 0 to 1';
COMMENT ON COLUMN tweetlda_bi.scored_tweets.polarity IS 'polarity, -1 to 1';
COMMENT ON COLUMN tweetlda_bi.scored_tweets.subjectivity IS 'subjectivity, 0 to 1';
COMMENT ON COLUMN tweetlda_bi.scored_tweets.sentiment IS 'positive, neutral or negative';

-- The topic mix of every scored tweet (long form: one row per tweet and topic).
CREATE VIEW tweetlda_bi.tweet_topics AS
SELECT s.tweet_id, s.created_at, s.model_id, w.topic::integer AS topic, l.label,
       w.weight::double precision AS weight
FROM tweetlda.tweet_scores s
CROSS JOIN LATERAL unnest(s.topics) WITH ORDINALITY AS w(weight, topic)
LEFT JOIN tweetlda_bi.topic_labels l ON l.model_id = s.model_id AND l.topic = w.topic;
COMMENT ON VIEW tweetlda_bi.tweet_topics IS 'the topic weights of every scored tweet, one row per topic';
COMMENT ON COLUMN tweetlda_bi.tweet_topics.tweet_id IS 'tweet id';
COMMENT ON COLUMN tweetlda_bi.tweet_topics.created_at IS 'the tweet''s time';
COMMENT ON COLUMN tweetlda_bi.tweet_topics.model_id IS 'the model that scored it';
COMMENT ON COLUMN tweetlda_bi.tweet_topics.topic IS 'topic number, from 1';
COMMENT ON COLUMN tweetlda_bi.tweet_topics.label IS 'the topic''s display label';
COMMENT ON COLUMN tweetlda_bi.tweet_topics.weight IS 'weight of the topic in the tweet, 0 to 1';

-- The stream: worker, counters, queue and lag (what tweetlda.stream_status() says, as numbers).
CREATE VIEW tweetlda_bi.stream_status AS
SELECT w.pid IS NOT NULL AS running, coalesce(s.enabled, false) AS enabled,
       extract(epoch FROM s.trigger_interval)::double precision AS trigger_interval_s,
       s.batch_size, s.batches, s.rows_scored,
       (SELECT count(*) FROM tweetlda.tweet_scores ts
        WHERE ts.scored_at > now() - '10 seconds'::interval)::double precision / 10 AS rows_per_second,
       q.n AS pending,
       coalesce(extract(epoch FROM now() - q.oldest), 0)::double precision AS lag_s,
       s.last_batch_at, s.last_batch_rows, s.last_batch_ms, s.errors, s.last_error, s.last_error_at,
       (SELECT max(ts.scored_at) FROM tweetlda.tweet_scores ts) AS last_scored_at,
       m.id AS model_id, m.name AS model_name, m.k AS model_topics
FROM tweetlda.stream_state s
CROSS JOIN (SELECT s2.worker_pid AS pid FROM tweetlda.stream_state s2
            WHERE tweetlda.stream_backend_is_worker(s2.worker_pid)
            UNION ALL SELECT NULL LIMIT 1) w
CROSS JOIN (SELECT count(*) AS n, min(p.enqueued_at) AS oldest FROM tweetlda.pending p) q
LEFT JOIN tweetlda.models m ON m.active;
COMMENT ON VIEW tweetlda_bi.stream_status IS 'the stream: worker, counters, queue, lag and active model (one row)';
COMMENT ON COLUMN tweetlda_bi.stream_status.running IS 'whether the stream worker runs';
COMMENT ON COLUMN tweetlda_bi.stream_status.enabled IS 'whether the stream is switched on';
COMMENT ON COLUMN tweetlda_bi.stream_status.trigger_interval_s IS 'seconds between micro-batches';
COMMENT ON COLUMN tweetlda_bi.stream_status.batch_size IS 'most tweets per micro-batch';
COMMENT ON COLUMN tweetlda_bi.stream_status.batches IS 'micro-batches run';
COMMENT ON COLUMN tweetlda_bi.stream_status.rows_scored IS 'tweets scored by the stream';
COMMENT ON COLUMN tweetlda_bi.stream_status.rows_per_second IS 'tweets scored per second over the last 10 seconds';
COMMENT ON COLUMN tweetlda_bi.stream_status.pending IS 'tweets landed and not scored yet (the queue)';
COMMENT ON COLUMN tweetlda_bi.stream_status.lag_s IS 'age in seconds of the oldest queued tweet (0: empty queue)';
COMMENT ON COLUMN tweetlda_bi.stream_status.last_batch_at IS 'when the last micro-batch ended';
COMMENT ON COLUMN tweetlda_bi.stream_status.last_batch_rows IS 'tweets of the last micro-batch';
COMMENT ON COLUMN tweetlda_bi.stream_status.last_batch_ms IS 'milliseconds the last micro-batch took';
COMMENT ON COLUMN tweetlda_bi.stream_status.errors IS 'micro-batches that failed';
COMMENT ON COLUMN tweetlda_bi.stream_status.last_error IS 'the last error message';
COMMENT ON COLUMN tweetlda_bi.stream_status.last_error_at IS 'when the last error happened';
COMMENT ON COLUMN tweetlda_bi.stream_status.last_scored_at IS 'when the newest score was written (by the stream or by hand)';
COMMENT ON COLUMN tweetlda_bi.stream_status.model_id IS 'the active model';
COMMENT ON COLUMN tweetlda_bi.stream_status.model_name IS 'the active model''s name';
COMMENT ON COLUMN tweetlda_bi.stream_status.model_topics IS 'the active model''s number of topics';

GRANT USAGE ON SCHEMA tweetlda_bi TO tweetlda_dashboard;
GRANT SELECT ON ALL TABLES IN SCHEMA tweetlda_bi TO tweetlda_dashboard;
