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

-- ---- Area: readable topics, issue 10 (branch i10-topics) ----
-- issue 10: readable topics.  Models of 0.1.0 (format version 1) keep working: they are read as
-- they are (their words are their terms; relevance derives p(w) from their topic-word parameters).
-- train() defaults to weighting 'tf' and holds out a slice to measure quality (new parameter
-- holdout: the old signature is dropped); topic_terms ranks by relevance and returns the word
-- (new parameter lambda and column word: dropped and created again, with the view using it).
DROP VIEW tweetlda.topic_summary;
DROP FUNCTION tweetlda.topic_terms(tweetlda.lda_model, integer);
DROP FUNCTION tweetlda.topic_terms(integer, integer);
DROP FUNCTION tweetlda.topic_terms(text, integer);
DROP FUNCTION tweetlda.train(text, text, integer, integer, double precision, double precision,
    double precision, double precision, double precision, boolean, bigint, text, text,
    double precision, double precision, integer, text, jsonb);

-- The same, where rows with fit false count for the vocabulary but are not trained on (train()
-- holds out a slice this way, so that its vocabulary is the one of all the tweets).
CREATE FUNCTION tweetlda.lda_from_text_transfn(internal, text, jsonb, boolean) RETURNS internal
    AS 'MODULE_PATHNAME', 'lda_agg_own_transfn'
    LANGUAGE C STABLE CALLED ON NULL INPUT PARALLEL SAFE;

CREATE AGGREGATE tweetlda.lda_from_text(doc text, params jsonb, fit boolean) (
    SFUNC        = tweetlda.lda_from_text_transfn,
    STYPE        = internal,
    FINALFUNC    = tweetlda.lda_finalfn,
    COMBINEFUNC  = tweetlda.lda_combinefn,
    SERIALFUNC   = tweetlda.lda_serialfn,
    DESERIALFUNC = tweetlda.lda_deserialfn,
    PARALLEL     = SAFE
);

-- Build the vocabulary, train, and store the model under a name; returns its id.
-- source is a query returning one text column (the tweets).
CREATE FUNCTION tweetlda.train(
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
    weighting text DEFAULT 'tf',
    min_df double precision DEFAULT 3,
    max_df double precision DEFAULT 0.5,
    max_terms integer DEFAULT 20000,
    language text DEFAULT 'english',
    text_config jsonb DEFAULT NULL,
    holdout integer DEFAULT 2000) RETURNS integer
    LANGUAGE plpgsql VOLATILE PARALLEL UNSAFE
AS $$
DECLARE
    cfg jsonb;
    params jsonb;
    result tweetlda.lda_model;
    info jsonb;
    quality jsonb;
    new_id integer;
    cut_h bigint;
    cut_doc text;
    heldout_filter text;
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
    IF train.holdout IS NULL OR train.holdout OPERATOR(pg_catalog.<) 0 THEN
        RAISE EXCEPTION 'holdout must be a number of documents >= 0'
            USING ERRCODE = 'invalid_parameter_value',
                  HINT = '0 trains on every document and measures no quality figures.';
    END IF;
    -- the held-out slice: the documents whose text hashes to 0 modulo 20 (5%), at most holdout
    -- of them (the lowest hashes, then texts): deterministic, whatever the row order
    heldout_filter := 'false';
    IF train.holdout OPERATOR(pg_catalog.>) 0 THEN
        EXECUTE pg_catalog.format(
            'SELECT h, doc FROM (SELECT pg_catalog.hashtextextended(s.doc::text, 10) AS h, s.doc::text AS doc FROM (%s) AS s(doc)) AS q '
            'WHERE h OPERATOR(pg_catalog.%%) 20 OPERATOR(pg_catalog.=) 0 '
            'ORDER BY h, doc COLLATE "C" OFFSET %s LIMIT 1', train.source, train.holdout OPERATOR(pg_catalog.-) 1)
            INTO cut_h, cut_doc;
        heldout_filter := CASE WHEN cut_h IS NULL THEN
            'pg_catalog.hashtextextended(s.doc::text, 10) OPERATOR(pg_catalog.%) 20 OPERATOR(pg_catalog.=) 0'
        ELSE pg_catalog.format(
            '(pg_catalog.hashtextextended(s.doc::text, 10) OPERATOR(pg_catalog.%%) 20 OPERATOR(pg_catalog.=) 0 AND '
            '(pg_catalog.hashtextextended(s.doc::text, 10), s.doc::text COLLATE "C") OPERATOR(pg_catalog.<=) (%s::bigint, %L COLLATE "C"))',
            cut_h, cut_doc) END;
    END IF;
    -- one pass over the corpus: the aggregate builds the vocabulary (as tweetlda.vocabulary
    -- would, over all the tweets) and trains on it, without the held-out slice
    EXECUTE pg_catalog.format('SELECT tweetlda.lda_from_text(s.doc, $1, (%s) IS NOT TRUE) FROM (%s) AS s(doc)',
                              heldout_filter, train.source)
        INTO result USING params;
    IF train.holdout OPERATOR(pg_catalog.>) 0 THEN
        EXECUTE pg_catalog.format('SELECT tweetlda.lda_evaluation($1, s.doc) FROM (%s) AS s(doc) WHERE %s',
                                  train.source, heldout_filter)
            INTO quality USING result;
        IF quality IS NOT NULL THEN
            result := tweetlda.lda_model_with_quality(result,
                (quality OPERATOR(pg_catalog.->>) 'log_perplexity')::double precision,
                (quality OPERATOR(pg_catalog.->>) 'npmi')::double precision,
                (quality OPERATOR(pg_catalog.->>) 'diversity')::double precision,
                (quality OPERATOR(pg_catalog.->>) 'no_word_share')::double precision,
                (quality OPERATOR(pg_catalog.->>) 'documents')::bigint);
        END IF;
    END IF;
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
                'seconds', info OPERATOR(pg_catalog.#>) '{training,seconds}',
                'quality', info OPERATOR(pg_catalog.->) 'quality'),
            result,
            NOT EXISTS (SELECT 1 FROM tweetlda.models m WHERE m.active))
    RETURNING id INTO new_id;
    RETURN new_id;
END;
$$;

-- Inspection.  topic_terms ranks a topic's terms by relevance (Sievert & Shirley 2014):
-- lambda * log p(w|t) + (1 - lambda) * log(p(w|t) / p(w)), p(w) the corpus frequency kept in the
-- model; lambda => 1 ranks by probability.  weight is p(w|t); word is what a person reads (the
-- term's most frequent surface form in the training tweets), term what the model matches.
CREATE FUNCTION tweetlda.topic_terms(model tweetlda.lda_model, n integer DEFAULT 10,
        lambda double precision DEFAULT 0.6,
        OUT topic integer, OUT rank integer, OUT term text, OUT weight double precision,
        OUT word text)
    RETURNS SETOF record
    AS 'MODULE_PATHNAME', 'lda_topic_terms'
    LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE ROWS 100;

CREATE FUNCTION tweetlda.topic_terms(model integer, n integer DEFAULT 10,
        lambda double precision DEFAULT 0.6)
    RETURNS TABLE (topic integer, rank integer, term text, weight double precision, word text)
    LANGUAGE sql STABLE STRICT PARALLEL SAFE ROWS 100
AS $$ SELECT * FROM tweetlda.topic_terms(tweetlda.get_model(model), n, lambda) $$;

CREATE FUNCTION tweetlda.topic_terms(model text, n integer DEFAULT 10,
        lambda double precision DEFAULT 0.6)
    RETURNS TABLE (topic integer, rank integer, term text, weight double precision, word text)
    LANGUAGE sql STABLE STRICT PARALLEL SAFE ROWS 100
AS $$ SELECT * FROM tweetlda.topic_terms(tweetlda.get_model(model), n, lambda) $$;

-- The model's vocabulary: term (what the model matches), word (what a person reads: the term's
-- most frequent surface form in the training tweets), document frequency, and frequency (its
-- occurrences in the training tweets; NULL for models of format version 1, which lack it).
CREATE FUNCTION tweetlda.model_vocabulary(model tweetlda.lda_model,
        OUT term_id integer, OUT term text, OUT word text, OUT df bigint, OUT frequency bigint)
    RETURNS SETOF record
    AS 'MODULE_PATHNAME', 'lda_model_vocabulary'
    LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE ROWS 1000;

-- A short label of a topic: its n most relevant words, e.g. 'flood · queensland · australia'.
CREATE FUNCTION tweetlda.topic_label(model tweetlda.lda_model, topic integer, n integer DEFAULT 3)
    RETURNS text
    LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
AS $$
SELECT pg_catalog.string_agg(t.word, ' · ' ORDER BY t.rank)
FROM tweetlda.topic_terms(model, n) AS t
WHERE t.topic OPERATOR(pg_catalog.=) topic_label.topic
$$;

-- Names users give to topics (the views show the name when set, else the label).  pg_dump keeps
-- the rows; deleting a model deletes its names.
CREATE TABLE tweetlda.topic_names (
    model_id integer NOT NULL REFERENCES tweetlda.models (id) ON DELETE CASCADE,
    topic integer NOT NULL CHECK (topic OPERATOR(pg_catalog.>=) 1),
    name text NOT NULL CHECK (name OPERATOR(pg_catalog.~) '[^[:space:]]'),
    PRIMARY KEY (model_id, topic)
);
COMMENT ON TABLE tweetlda.topic_names IS 'names given to topics of a model (views show them instead of labels)';
SELECT pg_catalog.pg_extension_config_dump('tweetlda.topic_names', '');

-- The name a user gave a topic, else its label.
CREATE FUNCTION tweetlda.topic_label(model integer, topic integer, n integer DEFAULT 3)
    RETURNS text
    LANGUAGE sql STABLE STRICT PARALLEL SAFE
AS $$ SELECT coalesce((SELECT p.name FROM tweetlda.topic_names p
                       WHERE p.model_id = topic_label.model AND p.topic = topic_label.topic),
                      tweetlda.topic_label(tweetlda.get_model(model), topic, n)) $$;

CREATE FUNCTION tweetlda.topic_label(model text, topic integer, n integer DEFAULT 3)
    RETURNS text
    LANGUAGE sql STABLE STRICT PARALLEL SAFE
AS $$ SELECT coalesce((SELECT p.name FROM tweetlda.topic_names p JOIN tweetlda.models m ON m.id = p.model_id
                       WHERE m.name = topic_label.model AND p.topic = topic_label.topic),
                      tweetlda.topic_label(tweetlda.get_model(model), topic, n)) $$;

-- Evaluation: held-out log perplexity by document completion (topics inferred from the tokens at
-- even positions of each document, the tokens at odd positions scored), coherence (NPMI of each
-- topic's 10 most probable terms over the documents), topic diversity (distinct terms among the
-- topics' 25 most probable) and the share of documents without a known word (doc/lda.md).
CREATE FUNCTION tweetlda.lda_evaluation_transfn(internal, tweetlda.lda_model, text) RETURNS internal
    AS 'MODULE_PATHNAME', 'lda_evaluation_transfn'
    LANGUAGE C STABLE CALLED ON NULL INPUT PARALLEL SAFE;

CREATE FUNCTION tweetlda.lda_evaluation_finalfn(internal) RETURNS jsonb
    AS 'MODULE_PATHNAME', 'lda_evaluation_finalfn'
    LANGUAGE C STABLE CALLED ON NULL INPUT PARALLEL SAFE;

CREATE AGGREGATE tweetlda.lda_evaluation(model tweetlda.lda_model, doc text) (
    SFUNC     = tweetlda.lda_evaluation_transfn,
    STYPE     = internal,
    FINALFUNC = tweetlda.lda_evaluation_finalfn,
    PARALLEL  = SAFE
);

-- The model with the quality figures measured at training (train() calls it; model_info shows them).
CREATE FUNCTION tweetlda.lda_model_with_quality(model tweetlda.lda_model,
        log_perplexity double precision, npmi double precision, diversity double precision,
        no_word_share double precision, documents bigint) RETURNS tweetlda.lda_model
    AS 'MODULE_PATHNAME', 'lda_model_with_quality'
    LANGUAGE C IMMUTABLE CALLED ON NULL INPUT PARALLEL SAFE;

-- The quality report of a model over the documents of source (a query returning one text column).
CREATE FUNCTION tweetlda.evaluate(model tweetlda.lda_model, source text) RETURNS jsonb
    LANGUAGE plpgsql STABLE STRICT PARALLEL UNSAFE
AS $$
DECLARE
    result jsonb;
BEGIN
    PERFORM tweetlda.lda_check_source(source);
    EXECUTE pg_catalog.format('SELECT tweetlda.lda_evaluation($1, s.doc) FROM (%s) AS s(doc)', source)
        INTO result USING model;
    RETURN result;
END;
$$;

CREATE FUNCTION tweetlda.evaluate(model integer, source text) RETURNS jsonb
    LANGUAGE sql STABLE STRICT PARALLEL UNSAFE
AS $$ SELECT tweetlda.evaluate(tweetlda.get_model(model), source) $$;

CREATE FUNCTION tweetlda.evaluate(model text, source text) RETURNS jsonb
    LANGUAGE sql STABLE STRICT PARALLEL UNSAFE
AS $$ SELECT tweetlda.evaluate(tweetlda.get_model(model), source) $$;

-- One row per topic of the active model: top words (by relevance), tweets, share and sentiment,
-- and a last row with topic NULL ('no topic') for the scored tweets without a known word, so that
-- the tweets add up to the scored tweets; label is the topic's name when set, else its label.
CREATE VIEW tweetlda.topic_summary AS
WITH m AS (SELECT id, model FROM tweetlda.models WHERE active),
terms AS (
    SELECT tt.topic, array_agg(tt.word ORDER BY tt.rank) AS top_terms,
           string_agg(tt.word, ' · ' ORDER BY tt.rank) FILTER (WHERE tt.rank <= 3) AS label
    FROM m CROSS JOIN LATERAL tweetlda.topic_terms(m.model, 10) tt
    GROUP BY tt.topic
    UNION ALL
    SELECT NULL, NULL, 'no topic' FROM m),
counts AS (
    SELECT s.top_topic AS topic, count(*) AS tweets, avg(s.polarity) AS avg_polarity,
           count(*) FILTER (WHERE s.sentiment = 'positive') AS positive,
           count(*) FILTER (WHERE s.sentiment = 'neutral') AS neutral,
           count(*) FILTER (WHERE s.sentiment = 'negative') AS negative
    FROM tweetlda.tweet_scores s JOIN m ON s.model_id = m.id
    GROUP BY s.top_topic)
SELECT terms.topic, terms.top_terms,
       coalesce(c.tweets, 0) AS tweets,
       coalesce(c.tweets::double precision / nullif(sum(c.tweets) OVER (), 0), 0) AS share,
       c.avg_polarity,
       coalesce(c.positive, 0) AS positive,
       coalesce(c.neutral, 0) AS neutral,
       coalesce(c.negative, 0) AS negative,
       coalesce(n.name, terms.label) AS label
FROM terms
LEFT JOIN counts c ON c.topic IS NOT DISTINCT FROM terms.topic
LEFT JOIN tweetlda.topic_names n ON n.model_id = (SELECT id FROM m) AND n.topic = terms.topic;
COMMENT ON VIEW tweetlda.topic_summary IS
    'per topic of the active model (topic NULL: no known word): top words, tweets, share, average polarity, label counts, label';

-- Topic labels of the active model (name when set, else the three most relevant words), with
-- the row (NULL, 'no topic') for tweets without a known word.
CREATE VIEW tweetlda.topic_labels AS
WITH m AS (SELECT id, model FROM tweetlda.models WHERE active)
SELECT tt.topic, coalesce(n.name, string_agg(tt.word, ' · ' ORDER BY tt.rank)) AS label
FROM m CROSS JOIN LATERAL tweetlda.topic_terms(m.model, 3) tt
LEFT JOIN tweetlda.topic_names n ON n.model_id = m.id AND n.topic = tt.topic
GROUP BY tt.topic, n.name
UNION ALL
SELECT NULL, 'no topic' FROM m;
COMMENT ON VIEW tweetlda.topic_labels IS
    'label of every topic of the active model (its name when set), and (NULL, no topic)';

-- Tweets per topic of the active model and sentiment label (every combination, zeros included;
-- topic NULL: the tweets without a known word).
CREATE OR REPLACE VIEW tweetlda.topic_sentiment AS
WITH m AS (SELECT id, k FROM tweetlda.models WHERE active),
topics AS (SELECT g.topic FROM m CROSS JOIN LATERAL generate_series(1, m.k) AS g(topic)
           UNION ALL SELECT NULL FROM m),
counts AS (
    SELECT s.top_topic AS topic, s.sentiment, count(*) AS tweets
    FROM tweetlda.tweet_scores s JOIN m ON s.model_id = m.id
    GROUP BY 1, 2)
SELECT topics.topic, l.sentiment, coalesce(c.tweets, 0) AS tweets, tl.label
FROM topics
CROSS JOIN (VALUES ('positive'), ('neutral'), ('negative')) AS l(sentiment)
LEFT JOIN counts c ON c.topic IS NOT DISTINCT FROM topics.topic AND c.sentiment = l.sentiment
LEFT JOIN tweetlda.topic_labels tl ON tl.topic IS NOT DISTINCT FROM topics.topic;
COMMENT ON VIEW tweetlda.topic_sentiment IS
    'tweets per topic of the active model (topic NULL: no known word) and sentiment label';

-- Tweets and average polarity per hour (of the tweets' time) and topic of the active model
-- (topic NULL: the tweets without a known word).  A condition on bucket (WHERE bucket >= now() -
-- interval '24 hours') is answered from the index tweet_scores_timeline_idx.
CREATE OR REPLACE VIEW tweetlda.topic_timeline AS
WITH labels AS MATERIALIZED (SELECT l.topic, l.label FROM tweetlda.topic_labels l)
SELECT g.bucket, g.topic, g.tweets, g.avg_polarity,
       (SELECT l.label FROM labels l WHERE l.topic IS NOT DISTINCT FROM g.topic) AS label
FROM (SELECT pg_catalog.date_bin('1 hour'::interval, s.created_at,
                                 '2000-01-01 00:00:00+00'::timestamptz) AS bucket,
             s.top_topic AS topic, count(*) AS tweets, avg(s.polarity) AS avg_polarity
      FROM tweetlda.tweet_scores s
      WHERE s.model_id = (SELECT m.id FROM tweetlda.models m WHERE m.active)
      GROUP BY 1, 2) AS g;
COMMENT ON VIEW tweetlda.topic_timeline IS
    'tweets and average polarity per hour and topic of the active model (topic NULL: no known word)';

GRANT SELECT ON tweetlda.topic_summary, tweetlda.topic_labels TO tweetlda_dashboard;
-- ---- end of area: readable topics ----
