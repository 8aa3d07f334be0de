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

-- ---- issue 13: sentiment classifier (src/sql/48_classifier.sql, score_tweets in src/sql/60_stream.sql) ----
-- Trained sentiment classifiers: the model type, the training aggregate, the registry
-- tweetlda.sentiment_models, training, scoring, explanation and evaluation (a copy of
-- src/sql/48_classifier.sql).

-- A trained classifier (multinomial logistic regression over hashed words, bigrams and the social
-- analyzer's signals): self-contained (text configuration with its stopword snapshot, features,
-- weights, classes, training metadata). Its text form is a readable summary followed by the full
-- base64 encoding, so that COPY, pg_dump and pg_restore round-trip models.
CREATE TYPE tweetlda.sentiment_model;

CREATE FUNCTION tweetlda.sentiment_model_in(cstring) RETURNS tweetlda.sentiment_model
    AS 'MODULE_PATHNAME', 'sentiment_model_in'
    LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION tweetlda.sentiment_model_out(tweetlda.sentiment_model) RETURNS cstring
    AS 'MODULE_PATHNAME', 'sentiment_model_out'
    LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION tweetlda.sentiment_model_recv(internal) RETURNS tweetlda.sentiment_model
    AS 'MODULE_PATHNAME', 'sentiment_model_recv'
    LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION tweetlda.sentiment_model_send(tweetlda.sentiment_model) RETURNS bytea
    AS 'MODULE_PATHNAME', 'sentiment_model_send'
    LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE TYPE tweetlda.sentiment_model (
    INPUT = tweetlda.sentiment_model_in,
    OUTPUT = tweetlda.sentiment_model_out,
    RECEIVE = tweetlda.sentiment_model_recv,
    SEND = tweetlda.sentiment_model_send,
    INTERNALLENGTH = VARIABLE,
    ALIGNMENT = double,
    STORAGE = extended
);
COMMENT ON TYPE tweetlda.sentiment_model IS
    'a trained sentiment classifier (tweetlda.sentiment_classifier aggregate, tweetlda.train_sentiment)';

-- Everything about a model but its weights: classes, feature options, text configuration,
-- training metadata, held-out and cross-validation metrics.
CREATE FUNCTION tweetlda.sentiment_model_info(model tweetlda.sentiment_model) RETURNS jsonb
    AS 'MODULE_PATHNAME', 'sentiment_model_info'
    LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION tweetlda.sentiment_model_info(tweetlda.sentiment_model) IS
    'classes, features, training metadata and held-out metrics of a sentiment model';

-- A content hash (16 hex digits): equal training data and parameters give equal fingerprints.
CREATE FUNCTION tweetlda.sentiment_model_fingerprint(model tweetlda.sentiment_model) RETURNS text
    AS 'MODULE_PATHNAME', 'sentiment_model_fingerprint'
    LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

-- Error unless params is a valid parameter object of tweetlda.sentiment_classifier.
CREATE FUNCTION tweetlda.sentiment_classifier_check_params(params jsonb) RETURNS void
    AS 'MODULE_PATHNAME', 'sentiment_classifier_check_params'
    LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

-- The training aggregate: tweetlda.sentiment_classifier(text, label [, params]). The transition
-- extracts each row's features (in parallel workers under a parallel plan); the final function
-- trains (L-BFGS) on all of them in a fixed order, whatever the order of the rows.
CREATE FUNCTION tweetlda.sentiment_classifier_transfn(internal, text, text)
    RETURNS internal
    AS 'MODULE_PATHNAME', 'sentiment_classifier_transfn'
    LANGUAGE C STABLE PARALLEL SAFE;
CREATE FUNCTION tweetlda.sentiment_classifier_transfn(internal, text, text, jsonb)
    RETURNS internal
    AS 'MODULE_PATHNAME', 'sentiment_classifier_transfn'
    LANGUAGE C STABLE PARALLEL SAFE;
CREATE FUNCTION tweetlda.sentiment_classifier_finalfn(internal)
    RETURNS tweetlda.sentiment_model
    AS 'MODULE_PATHNAME', 'sentiment_classifier_finalfn'
    LANGUAGE C STABLE PARALLEL SAFE;
CREATE FUNCTION tweetlda.sentiment_classifier_combinefn(internal, internal)
    RETURNS internal
    AS 'MODULE_PATHNAME', 'sentiment_classifier_combinefn'
    LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION tweetlda.sentiment_classifier_serialfn(internal)
    RETURNS bytea
    AS 'MODULE_PATHNAME', 'sentiment_classifier_serialfn'
    LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION tweetlda.sentiment_classifier_deserialfn(bytea, internal)
    RETURNS internal
    AS 'MODULE_PATHNAME', 'sentiment_classifier_deserialfn'
    LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE AGGREGATE tweetlda.sentiment_classifier(doc text, label text) (
    SFUNC        = tweetlda.sentiment_classifier_transfn,
    STYPE        = internal,
    FINALFUNC    = tweetlda.sentiment_classifier_finalfn,
    COMBINEFUNC  = tweetlda.sentiment_classifier_combinefn,
    SERIALFUNC   = tweetlda.sentiment_classifier_serialfn,
    DESERIALFUNC = tweetlda.sentiment_classifier_deserialfn,
    PARALLEL     = SAFE
);
COMMENT ON AGGREGATE tweetlda.sentiment_classifier(text, text) IS
    'train a sentiment classifier on (text, label) rows with the default parameters';

CREATE AGGREGATE tweetlda.sentiment_classifier(doc text, label text, params jsonb) (
    SFUNC        = tweetlda.sentiment_classifier_transfn,
    STYPE        = internal,
    FINALFUNC    = tweetlda.sentiment_classifier_finalfn,
    COMBINEFUNC  = tweetlda.sentiment_classifier_combinefn,
    SERIALFUNC   = tweetlda.sentiment_classifier_serialfn,
    DESERIALFUNC = tweetlda.sentiment_classifier_deserialfn,
    PARALLEL     = SAFE
);
COMMENT ON AGGREGATE tweetlda.sentiment_classifier(text, text, jsonb) IS
    'train a sentiment classifier on (text, label) rows; params: l2, class_weight, max_iter, tolerance, holdout, cv_folds, seed, bigrams, char_ngrams, hash_bits, social, text_config';

-- The registry of trained classifiers: each is an analyzer under its name.
CREATE TABLE tweetlda.sentiment_models (
    name text PRIMARY KEY,
    created_at timestamptz NOT NULL DEFAULT pg_catalog.now(),
    source text,
    params jsonb NOT NULL DEFAULT '{}',
    metrics jsonb NOT NULL DEFAULT '{}',
    model tweetlda.sentiment_model NOT NULL,
    -- names are analyzer names: not blank, not a built-in analyzer, at most 63 bytes
    CONSTRAINT sentiment_models_name_check
        CHECK (name OPERATOR(pg_catalog.~) '[^[:space:]]'
               AND name OPERATOR(pg_catalog.<>) ALL (ARRAY['textblob', 'social'])
               AND pg_catalog.octet_length(name) OPERATOR(pg_catalog.<=) 63)
);
COMMENT ON TABLE tweetlda.sentiment_models IS
    'trained sentiment classifiers; each is a sentiment analyzer under its name';

-- pg_dump saves the models (the text form of sentiment_model is a full encoding).
SELECT pg_catalog.pg_extension_config_dump('tweetlda.sentiment_models', '');

-- Every user who may call the sentiment functions reads the models (as the lexicons).
GRANT SELECT ON tweetlda.sentiment_models TO PUBLIC;

-- Scoring caches in every backend are dropped when a model row changes.
CREATE TRIGGER sentiment_models_changed
    AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON tweetlda.sentiment_models
    FOR EACH STATEMENT EXECUTE FUNCTION tweetlda.table_changed();

-- The functions that run a query of the caller (train_sentiment, evaluate_sentiment,
-- sentiment_uncertain) keep the caller's search_path, as tweetlda.train() does, so that the
-- query sees the caller's tables; their own SQL is schema-qualified throughout.

-- Train a classifier on source, a query returning (text, label) rows, and store it under name;
-- returns its metrics (held-out accuracy, macro-F1, per-class precision and recall, confusion).
-- holdout: the share of the texts (chosen by a hash of each text and the seed) kept out of
-- training and measured; cv_folds: k-fold cross-validation on the training share as well.
CREATE FUNCTION tweetlda.train_sentiment(
    name text,
    source text,
    holdout double precision DEFAULT 0.2,
    l2 double precision DEFAULT 1.0,
    class_weight text DEFAULT 'balanced',
    cv_folds integer DEFAULT 0,
    seed bigint DEFAULT 42,
    params jsonb DEFAULT '{}',
    replace boolean DEFAULT false) RETURNS jsonb
    LANGUAGE plpgsql VOLATILE PARALLEL UNSAFE
AS $$
DECLARE
    p jsonb;
    result tweetlda.sentiment_model;
    info jsonb;
    metrics jsonb;
BEGIN
    IF train_sentiment.name IS NULL OR train_sentiment.source IS NULL THEN
        RAISE EXCEPTION 'name and source of tweetlda.train_sentiment() must not be NULL'
            USING ERRCODE = 'null_value_not_allowed';
    END IF;
    IF train_sentiment.name OPERATOR(pg_catalog.!~) '[^[:space:]]'
       OR pg_catalog.octet_length(train_sentiment.name) OPERATOR(pg_catalog.>) 63 THEN
        RAISE EXCEPTION 'invalid sentiment model name "%"', train_sentiment.name
            USING ERRCODE = 'invalid_parameter_value',
                  DETAIL = 'A model name must not be blank and may have at most 63 bytes.',
                  HINT = 'The name is the analyzer name, as in tweetlda.sentiment(doc, name).';
    END IF;
    IF train_sentiment.name OPERATOR(pg_catalog.=) ANY (ARRAY['textblob', 'social']) THEN
        RAISE EXCEPTION 'sentiment model name "%" is a built-in analyzer', train_sentiment.name
            USING ERRCODE = 'invalid_parameter_value', HINT = 'Choose another name.';
    END IF;
    IF NOT coalesce(train_sentiment.replace, false) AND EXISTS
        (SELECT 1 FROM tweetlda.sentiment_models m WHERE m.name OPERATOR(pg_catalog.=) train_sentiment.name) THEN
        RAISE EXCEPTION 'sentiment model "%" already exists', train_sentiment.name
            USING ERRCODE = 'unique_violation',
                  HINT = 'Choose another name, pass replace => true, or delete it from tweetlda.sentiment_models.';
    END IF;
    p := coalesce(train_sentiment.params, '{}'::jsonb) OPERATOR(pg_catalog.||) pg_catalog.jsonb_strip_nulls(
        pg_catalog.jsonb_build_object('holdout', train_sentiment.holdout, 'l2', train_sentiment.l2,
                                      'class_weight', train_sentiment.class_weight,
                                      'cv_folds', train_sentiment.cv_folds, 'seed', train_sentiment.seed));
    PERFORM tweetlda.sentiment_classifier_check_params(p);
    EXECUTE pg_catalog.format('SELECT tweetlda.sentiment_classifier(s.doc::text, s.label::text, $1) FROM (%s) AS s(doc, label)',
                              train_sentiment.source)
        INTO result USING p;
    info := tweetlda.sentiment_model_info(result);
    metrics := pg_catalog.jsonb_build_object(
        'holdout', info OPERATOR(pg_catalog.->) 'holdout',
        'cross_validation', info OPERATOR(pg_catalog.->) 'cross_validation',
        'examples', info OPERATOR(pg_catalog.#>) '{training,examples}',
        'holdout_examples', info OPERATOR(pg_catalog.#>) '{training,holdout_examples}',
        'skipped', info OPERATOR(pg_catalog.#>) '{training,skipped}',
        'iterations', info OPERATOR(pg_catalog.#>) '{training,iterations}',
        'seconds', info OPERATOR(pg_catalog.#>) '{training,seconds}',
        'fingerprint', info OPERATOR(pg_catalog.->) 'fingerprint');
    INSERT INTO tweetlda.sentiment_models AS m (name, source, params, metrics, model)
    VALUES (train_sentiment.name, train_sentiment.source, p, metrics, result)
    ON CONFLICT ON CONSTRAINT sentiment_models_pkey DO UPDATE
        SET created_at = pg_catalog.now(), source = excluded.source, params = excluded.params,
            metrics = excluded.metrics, model = excluded.model;
    RETURN metrics;
END;
$$;
COMMENT ON FUNCTION tweetlda.train_sentiment(text, text, double precision, double precision, text, integer, bigint, jsonb, boolean) IS
    'train a sentiment classifier on a (text, label) query and store it in tweetlda.sentiment_models';

-- Scoring. sentiment(), polarity(), subjectivity() and sentiment_label(doc, analyzer) take a
-- model name as analyzer (src/sql/40_sentiment.sql); these are specific to trained models.
CREATE FUNCTION tweetlda.sentiment_probabilities(doc text, model text,
                                                 OUT label text, OUT probability float8)
    RETURNS SETOF record
    AS 'MODULE_PATHNAME', 'sentiment_probabilities'
    LANGUAGE C STABLE STRICT PARALLEL SAFE ROWS 3;
COMMENT ON FUNCTION tweetlda.sentiment_probabilities(text, text) IS
    'the probability of each class of a trained sentiment model for a text';

-- P(most probable class) - P(second): the model is unsure when it is small.
CREATE FUNCTION tweetlda.sentiment_margin(doc text, model text) RETURNS float8
    AS 'MODULE_PATHNAME', 'sentiment_margin'
    LANGUAGE C STABLE STRICT PARALLEL SAFE;

-- The features of a text that moved the decision of a trained model: their push toward the
-- predicted class (its weight minus the mean over the classes, times the feature value).
CREATE FUNCTION tweetlda.sentiment_explain(doc text, model text,
                                           OUT feature text, OUT kind text, OUT value float8,
                                           OUT predicted text, OUT contribution float8)
    RETURNS SETOF record
    AS 'MODULE_PATHNAME', 'sentiment_explain'
    LANGUAGE C STABLE STRICT PARALLEL SAFE ROWS 30;
COMMENT ON FUNCTION tweetlda.sentiment_explain(text, text) IS
    'the features of a text with their push toward the class a trained sentiment model predicts';

CREATE FUNCTION tweetlda.sentiment_evaluate_texts(model text, docs text[], labels text[]) RETURNS jsonb
    AS 'MODULE_PATHNAME', 'sentiment_evaluate_texts'
    LANGUAGE C STABLE STRICT PARALLEL SAFE;

-- Accuracy, macro-F1, per-class precision / recall / F1 / support and the confusion matrix of a
-- trained model on source, a query returning (text, label) rows.
CREATE FUNCTION tweetlda.evaluate_sentiment(name text, source text) RETURNS jsonb
    LANGUAGE plpgsql STABLE STRICT PARALLEL UNSAFE
AS $$
DECLARE
    docs text[];
    labels text[];
BEGIN
    EXECUTE pg_catalog.format('SELECT pg_catalog.array_agg(s.doc::text), pg_catalog.array_agg(s.label::text) FROM (%s) AS s(doc, label)',
                              evaluate_sentiment.source)
        INTO docs, labels;
    RETURN tweetlda.sentiment_evaluate_texts(evaluate_sentiment.name, coalesce(docs, '{}'),
                                             coalesce(labels, '{}'));
END;
$$;
COMMENT ON FUNCTION tweetlda.evaluate_sentiment(text, text) IS
    'accuracy, macro-F1, per-class precision and recall and the confusion matrix of a trained sentiment model on (text, label) rows';

-- Active learning: the n texts of source (a query whose first column is the text) the model is
-- least sure about (smallest margin between its two most probable classes), to label next.
CREATE FUNCTION tweetlda.sentiment_uncertain(name text, source text, n integer DEFAULT 100)
    RETURNS TABLE (doc text, predicted text, margin float8)
    LANGUAGE plpgsql STABLE STRICT PARALLEL UNSAFE
AS $$
BEGIN
    IF n OPERATOR(pg_catalog.<) 0 THEN
        RAISE EXCEPTION 'n must not be negative' USING ERRCODE = 'invalid_parameter_value';
    END IF;
    RETURN QUERY EXECUTE pg_catalog.format(
        'SELECT u.doc, tweetlda.sentiment_label(u.doc, $1), u.margin
         FROM (SELECT s.doc::text AS doc, tweetlda.sentiment_margin(s.doc::text, $1) AS margin
               FROM (%s) AS s(doc) WHERE s.doc IS NOT NULL) u
         ORDER BY u.margin, u.doc COLLATE pg_catalog."C" LIMIT $2', sentiment_uncertain.source)
        USING sentiment_uncertain.name, sentiment_uncertain.n;
END;
$$;
COMMENT ON FUNCTION tweetlda.sentiment_uncertain(text, text, integer) IS
    'the texts a trained sentiment model is least sure about (active learning: label these next)';

-- The label of a text: the most probable class of a trained model, or for a built-in analyzer
-- the label of its polarity (sentiment_label(polarity) with the default thresholds).
CREATE FUNCTION tweetlda.sentiment_label(doc text, analyzer text) RETURNS text
    AS 'MODULE_PATHNAME', 'sentiment_label_text'
    LANGUAGE C STABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION tweetlda.sentiment_label(text, text) IS
    'label of a text: the most probable class of a trained model, or positive / neutral / negative from a built-in analyzer''s polarity';

-- The stream labels a tweet with a trained classifier's most probable class.
CREATE OR REPLACE FUNCTION tweetlda.score_tweets(tweet_ids bigint[]) RETURNS integer
    LANGUAGE plpgsql VOLATILE STRICT PARALLEL UNSAFE
    SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    model_id integer;
    analyzer text;
    classifier boolean;
    scored integer;
BEGIN
    SELECT m.id INTO model_id FROM tweetlda.models m WHERE m.active;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'no active model'
            USING ERRCODE = 'object_not_in_prerequisite_state',
                  DETAIL = 'Tweets are scored with the active model of tweetlda.models.',
                  HINT = 'Train a model with tweetlda.train() and activate it with tweetlda.activate().';
    END IF;
    SELECT s.analyzer INTO analyzer FROM tweetlda.stream_state s;
    -- a trained classifier labels a tweet with its most probable class (the second call on the
    -- same text reuses the first's result); a built-in analyzer by its polarity
    classifier := EXISTS (SELECT 1 FROM tweetlda.sentiment_models m WHERE m.name = analyzer);
    WITH scored_rows AS (
        INSERT INTO tweetlda.tweet_scores AS ts
            (tweet_id, model_id, topics, top_topic, polarity, subjectivity, sentiment,
             created_at, scored_at)
        SELECT x.id, model_id, x.topics, tweetlda.topic_argmax(x.topics),
               (x.s).polarity, (x.s).subjectivity,
               coalesce(x.label, tweetlda.sentiment_label((x.s).polarity)),
               x.created_at, now()
        -- OFFSET 0 keeps the subquery, so that topics() and sentiment() run once per tweet
        FROM (SELECT t.id, coalesce(t.created_at, t.received_at) AS created_at,
                     tweetlda.topics(model_id, t.text) AS topics,
                     tweetlda.sentiment(t.text, analyzer) AS s,
                     CASE WHEN classifier THEN tweetlda.sentiment_label(t.text, analyzer) END AS label
              FROM (SELECT DISTINCT u.id FROM unnest(tweet_ids) AS u(id)) c
              JOIN tweetlda.tweet_ids i ON i.id = c.id
              JOIN tweetlda.tweets t ON t.id = i.id AND t.received_at = i.received_at
              OFFSET 0) x
        ON CONFLICT (tweet_id) DO UPDATE
            SET model_id = excluded.model_id, topics = excluded.topics,
                top_topic = excluded.top_topic, polarity = excluded.polarity,
                subjectivity = excluded.subjectivity, sentiment = excluded.sentiment,
                created_at = excluded.created_at, scored_at = excluded.scored_at
            WHERE ts.model_id IS DISTINCT FROM excluded.model_id
        RETURNING 1)
    SELECT count(*) INTO scored FROM scored_rows;
    RETURN scored;
END
$$;
-- ---- end of issue 13: sentiment classifier ----
