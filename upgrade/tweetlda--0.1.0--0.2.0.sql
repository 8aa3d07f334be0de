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

-- ---- issue 10: multilingual tokenization (branch i10-multilang) ----
-- language => 'auto' is the default: tokenize(doc) tokenizes each tweet in its own language.
-- Frozen configurations and models keep the language they were made with.
-- The tokens of a tweet, with the default configuration of a language ('auto': the tweet's own
-- language, detected).
CREATE OR REPLACE FUNCTION tweetlda.tokenize(doc text, language text DEFAULT 'auto') RETURNS text[]
    AS 'MODULE_PATHNAME', 'tweetlda_tokenize'
    LANGUAGE C STABLE STRICT PARALLEL SAFE;

-- text_config() takes a languages restriction (and defaults to 'auto'); its signature changes.
DROP FUNCTION tweetlda.text_config(text, integer, integer, boolean, boolean, boolean, boolean);
CREATE FUNCTION tweetlda.text_config(
    language text DEFAULT 'auto',
    min_length integer DEFAULT 2,
    max_length integer DEFAULT 40,
    stopwords boolean DEFAULT true,
    noise_words boolean DEFAULT true,
    stem boolean DEFAULT true,
    split_hashtags boolean DEFAULT false,
    languages text[] DEFAULT NULL) RETURNS jsonb
    AS 'MODULE_PATHNAME', 'tweetlda_text_config'
    LANGUAGE C IMMUTABLE CALLED ON NULL INPUT PARALLEL SAFE;
COMMENT ON FUNCTION tweetlda.text_config(text, integer, integer, boolean, boolean, boolean, boolean, text[]) IS
    'text configuration; language ''auto'' tokenizes each tweet in its own language, languages (ISO codes) keeps only those tweets';

-- The tokens of a tweet whose language is given as its lang field ('en', 'pt-BR', 'und'; NULL or
-- '' to detect it): with language 'auto' it picks the stopwords and stemmer, with a languages
-- restriction it decides whether the tweet gives tokens at all; a fixed language ignores it.
CREATE FUNCTION tweetlda.tokenize(doc text, language text, lang text) RETURNS text[]
    AS 'MODULE_PATHNAME', 'tweetlda_tokenize_lang'
    LANGUAGE C STABLE CALLED ON NULL INPUT PARALLEL SAFE;

CREATE FUNCTION tweetlda.tokenize(doc text, config jsonb, lang text) RETURNS text[]
    AS 'MODULE_PATHNAME', 'tweetlda_tokenize_config_lang'
    LANGUAGE C STABLE CALLED ON NULL INPUT PARALLEL SAFE;

CREATE FUNCTION tweetlda.tokenize(doc text, frozen bytea, lang text) RETURNS text[]
    AS 'MODULE_PATHNAME', 'tweetlda_tokenize_frozen_lang'
    LANGUAGE C IMMUTABLE CALLED ON NULL INPUT PARALLEL SAFE;

-- Training from raw text with each tweet's language (its lang field: 'en', 'pt-BR', 'und'; NULL
-- to detect it): with text_config language 'auto' each tweet is tokenized with its own
-- language's stopwords and stemmer; with a "languages" restriction the tweets of other languages
-- are skipped (a NOTICE counts them). The model's configuration keeps the languages it was
-- trained on, so that tweets of other languages score as having no known word.
CREATE FUNCTION tweetlda.lda_from_text_transfn(internal, text, text, jsonb) RETURNS internal
    AS 'MODULE_PATHNAME', 'lda_agg_own_lang_transfn'
    LANGUAGE C STABLE CALLED ON NULL INPUT PARALLEL SAFE;

CREATE AGGREGATE tweetlda.lda_from_text(doc text, lang text, params jsonb) (
    SFUNC        = tweetlda.lda_from_text_transfn,
    STYPE        = internal,
    FINALFUNC    = tweetlda.lda_finalfn,
    COMBINEFUNC  = tweetlda.lda_combinefn,
    SERIALFUNC   = tweetlda.lda_serialfn,
    DESERIALFUNC = tweetlda.lda_deserialfn,
    PARALLEL     = SAFE
);

-- Error unless the query source (parsed, not run) returns one text column, or two (the text and
-- its language); true for two.
CREATE FUNCTION tweetlda.lda_check_training_source(source text) RETURNS boolean
    AS 'MODULE_PATHNAME', 'lda_check_training_source'
    LANGUAGE C VOLATILE STRICT PARALLEL UNSAFE;

-- train() reads a language column, takes languages and defaults to 'auto'; its signature changes.
DROP FUNCTION tweetlda.train(text, text, integer, integer, double precision, double precision,
    double precision, double precision, double precision, boolean, bigint, text, text,
    double precision, double precision, integer, text, jsonb);
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
    weighting text DEFAULT 'tfidf',
    min_df double precision DEFAULT 3,
    max_df double precision DEFAULT 0.5,
    max_terms integer DEFAULT 20000,
    language text DEFAULT 'auto',
    text_config jsonb DEFAULT NULL,
    languages text[] DEFAULT NULL) RETURNS integer
    LANGUAGE plpgsql VOLATILE PARALLEL UNSAFE
AS $$
DECLARE
    cfg jsonb;
    has_lang boolean;
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
    IF train.languages IS NOT NULL THEN
        cfg := tweetlda.validate_text_config(cfg OPERATOR(pg_catalog.||)
                                             pg_catalog.jsonb_build_object('languages', train.languages));
    END IF;
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
    has_lang := tweetlda.lda_check_training_source(train.source);
    -- one pass over the corpus: the aggregate builds the vocabulary (as tweetlda.vocabulary
    -- would) and trains on it
    IF has_lang THEN
        EXECUTE pg_catalog.format('SELECT tweetlda.lda_from_text(s.doc, s.lang, $1) FROM (%s) AS s(doc, lang)',
                                  train.source)
            INTO result USING params;
    ELSE
        EXECUTE pg_catalog.format('SELECT tweetlda.lda_from_text(s.doc, $1) FROM (%s) AS s(doc)', train.source)
            INTO result USING params;
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
                'seconds', info OPERATOR(pg_catalog.#>) '{training,seconds}'),
            result,
            NOT EXISTS (SELECT 1 FROM tweetlda.models m WHERE m.active))
    RETURNING id INTO new_id;
    RETURN new_id;
END;
$$;

-- Scoring a tweet of a given language (its lang field; NULL to detect it when the model's text
-- configuration looks at languages). NULL when the model or the tweet is NULL, or when the tweet
-- has no known word, which includes tweets of a language the model was not trained on.
CREATE FUNCTION tweetlda.topics(model integer, doc text, lang text) RETURNS real[]
    AS 'MODULE_PATHNAME', 'lda_topics_lang_id'
    LANGUAGE C STABLE CALLED ON NULL INPUT PARALLEL SAFE;

CREATE FUNCTION tweetlda.topics(model text, doc text, lang text) RETURNS real[]
    AS 'MODULE_PATHNAME', 'lda_topics_lang_name'
    LANGUAGE C STABLE CALLED ON NULL INPUT PARALLEL SAFE;

CREATE FUNCTION tweetlda.topics(model tweetlda.lda_model, doc text, lang text) RETURNS real[]
    AS 'MODULE_PATHNAME', 'lda_topics_lang_model'
    LANGUAGE C IMMUTABLE CALLED ON NULL INPUT PARALLEL SAFE;

CREATE FUNCTION tweetlda.top_topic(model integer, doc text, lang text) RETURNS integer
    AS 'MODULE_PATHNAME', 'lda_top_topic_lang_id'
    LANGUAGE C STABLE CALLED ON NULL INPUT PARALLEL SAFE;

CREATE FUNCTION tweetlda.top_topic(model text, doc text, lang text) RETURNS integer
    AS 'MODULE_PATHNAME', 'lda_top_topic_lang_name'
    LANGUAGE C STABLE CALLED ON NULL INPUT PARALLEL SAFE;

CREATE FUNCTION tweetlda.top_topic(model tweetlda.lda_model, doc text, lang text) RETURNS integer
    AS 'MODULE_PATHNAME', 'lda_top_topic_lang_model'
    LANGUAGE C IMMUTABLE CALLED ON NULL INPUT PARALLEL SAFE;

-- The stream scores each tweet with its lang field.
CREATE OR REPLACE FUNCTION tweetlda.score_tweets(tweet_ids bigint[]) RETURNS integer
    LANGUAGE plpgsql VOLATILE STRICT PARALLEL UNSAFE
    SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    model_id integer;
    analyzer text;
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
    WITH scored_rows AS (
        INSERT INTO tweetlda.tweet_scores AS ts
            (tweet_id, model_id, topics, top_topic, polarity, subjectivity, sentiment,
             created_at, scored_at)
        SELECT x.id, model_id, x.topics, tweetlda.topic_argmax(x.topics),
               (x.s).polarity, (x.s).subjectivity, tweetlda.sentiment_label((x.s).polarity),
               x.created_at, now()
        -- OFFSET 0 keeps the subquery, so that topics() and sentiment() run once per tweet
        FROM (SELECT t.id, coalesce(t.created_at, t.received_at) AS created_at,
                     tweetlda.topics(model_id, t.text, t.lang) AS topics,
                     tweetlda.sentiment(t.text, analyzer) AS s
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

-- Stopword lists for languages without a Snowball stemmer (from stopwords-iso 1.1.0, see
-- data/stopwords.PROVENANCE.md), used by language 'auto' for tweets in those languages.

INSERT INTO tweetlda.stopwords (language, word, builtin) VALUES
(E'afrikaans', E'aan', true),
(E'afrikaans', E'af', true),
(E'afrikaans', E'al', true),
(E'afrikaans', E'as', true),
(E'afrikaans', E'baie', true),
(E'afrikaans', E'by', true),
(E'afrikaans', E'daar', true),
(E'afrikaans', E'dag', true),
(E'afrikaans', E'dat', true),
(E'afrikaans', E'die', true),
(E'afrikaans', E'dit', true),
(E'afrikaans', E'een', true),
(E'afrikaans', E'ek', true),
(E'afrikaans', E'en', true),
(E'afrikaans', E'gaan', true),
(E'afrikaans', E'gesê', true),
(E'afrikaans', E'haar', true),
(E'afrikaans', E'het', true),
(E'afrikaans', E'hom', true),
(E'afrikaans', E'hulle', true),
(E'afrikaans', E'hy', true),
(E'afrikaans', E'in', true),
(E'afrikaans', E'is', true),
(E'afrikaans', E'jou', true),
(E'afrikaans', E'jy', true),
(E'afrikaans', E'kan', true),
(E'afrikaans', E'kom', true),
(E'afrikaans', E'ma', true),
(E'afrikaans', E'maar', true),
(E'afrikaans', E'met', true),
(E'afrikaans', E'my', true),
(E'afrikaans', E'na', true),
(E'afrikaans', E'nie', true),
(E'afrikaans', E'om', true),
(E'afrikaans', E'ons', true),
(E'afrikaans', E'op', true),
(E'afrikaans', E'saam', true),
(E'afrikaans', E'sal', true),
(E'afrikaans', E'se', true),
(E'afrikaans', E'sien', true),
(E'afrikaans', E'so', true),
(E'afrikaans', E'sy', true),
(E'afrikaans', E'te', true),
(E'afrikaans', E'toe', true),
(E'afrikaans', E'uit', true),
(E'afrikaans', E'van', true),
(E'afrikaans', E'vir', true),
(E'afrikaans', E'was', true),
(E'afrikaans', E'wat', true),
(E'afrikaans', E'ŉ', true),
(E'bulgarian', E'а', true),
(E'bulgarian', E'автентичен', true),
(E'bulgarian', E'аз', true),
(E'bulgarian', E'ако', true),
(E'bulgarian', E'ала', true),
(E'bulgarian', E'бе', true),
(E'bulgarian', E'без', true),
(E'bulgarian', E'беше', true),
(E'bulgarian', E'би', true),
(E'bulgarian', E'бивш', true),
(E'bulgarian', E'бивша', true),
(E'bulgarian', E'бившо', true),
(E'bulgarian', E'бил', true),
(E'bulgarian', E'била', true),
(E'bulgarian', E'били', true),
(E'bulgarian', E'било', true),
(E'bulgarian', E'благодаря', true),
(E'bulgarian', E'близо', true),
(E'bulgarian', E'бъдат', true),
(E'bulgarian', E'бъде', true),
(E'bulgarian', E'бяха', true),
(E'bulgarian', E'в', true),
(E'bulgarian', E'вас', true),
(E'bulgarian', E'ваш', true),
(E'bulgarian', E'ваша', true),
(E'bulgarian', E'вероятно', true),
(E'bulgarian', E'вече', true),
(E'bulgarian', E'взема', true),
(E'bulgarian', E'ви', true),
(E'bulgarian', E'вие', true),
(E'bulgarian', E'винаги', true),
(E'bulgarian', E'внимава', true),
(E'bulgarian', E'време', true),
(E'bulgarian', E'все', true),
(E'bulgarian', E'всеки', true),
(E'bulgarian', E'всички', true),
(E'bulgarian', E'всичко', true),
(E'bulgarian', E'всяка', true),
(E'bulgarian', E'във', true),
(E'bulgarian', E'въпреки', true),
(E'bulgarian', E'върху', true),
(E'bulgarian', E'г', true),
(E'bulgarian', E'ги', true),
(E'bulgarian', E'главен', true),
(E'bulgarian', E'главна', true),
(E'bulgarian', E'главно', true),
(E'bulgarian', E'глас', true),
(E'bulgarian', E'го', true),
(E'bulgarian', E'година', true),
(E'bulgarian', E'години', true),
(E'bulgarian', E'годишен', true),
(E'bulgarian', E'д', true),
(E'bulgarian', E'да', true),
(E'bulgarian', E'дали', true),
(E'bulgarian', E'два', true),
(E'bulgarian', E'двама', true),
(E'bulgarian', E'двамата', true),
(E'bulgarian', E'две', true),
(E'bulgarian', E'двете', true),
(E'bulgarian', E'ден', true),
(E'bulgarian', E'днес', true),
(E'bulgarian', E'дни', true),
(E'bulgarian', E'до', true),
(E'bulgarian', E'добра', true),
(E'bulgarian', E'добре', true),
(E'bulgarian', E'добро', true),
(E'bulgarian', E'добър', true),
(E'bulgarian', E'докато', true),
(E'bulgarian', E'докога', true),
(E'bulgarian', E'дори', true),
(E'bulgarian', E'досега', true),
(E'bulgarian', E'доста', true),
(E'bulgarian', E'друг', true),
(E'bulgarian', E'друга', true),
(E'bulgarian', E'други', true),
(E'bulgarian', E'е', true),
(E'bulgarian', E'евтин', true),
(E'bulgarian', E'едва', true),
(E'bulgarian', E'един', true),
(E'bulgarian', E'една', true),
(E'bulgarian', E'еднаква', true),
(E'bulgarian', E'еднакви', true),
(E'bulgarian', E'еднакъв', true),
(E'bulgarian', E'едно', true),
(E'bulgarian', E'екип', true),
(E'bulgarian', E'ето', true),
(E'bulgarian', E'живот', true),
(E'bulgarian', E'за', true),
(E'bulgarian', E'забавям', true),
(E'bulgarian', E'зад', true),
(E'bulgarian', E'заедно', true),
(E'bulgarian', E'заради', true),
(E'bulgarian', E'засега', true),
(E'bulgarian', E'заспал', true),
(E'bulgarian', E'затова', true),
(E'bulgarian', E'защо', true),
(E'bulgarian', E'защото', true),
(E'bulgarian', E'и', true),
(E'bulgarian', E'из', true),
(E'bulgarian', E'или', true),
(E'bulgarian', E'им', true),
(E'bulgarian', E'има', true),
(E'bulgarian', E'имат', true),
(E'bulgarian', E'иска', true),
(E'bulgarian', E'й', true),
(E'bulgarian', E'каза', true),
(E'bulgarian', E'как', true),
(E'bulgarian', E'каква', true),
(E'bulgarian', E'какво', true),
(E'bulgarian', E'както', true),
(E'bulgarian', E'какъв', true),
(E'bulgarian', E'като', true),
(E'bulgarian', E'кога', true),
(E'bulgarian', E'когато', true),
(E'bulgarian', E'което', true),
(E'bulgarian', E'които', true),
(E'bulgarian', E'кой', true),
(E'bulgarian', E'който', true),
(E'bulgarian', E'колко', true),
(E'bulgarian', E'която', true),
(E'bulgarian', E'къде', true),
(E'bulgarian', E'където', true),
(E'bulgarian', E'към', true),
(E'bulgarian', E'лесен', true),
(E'bulgarian', E'лесно', true),
(E'bulgarian', E'ли', true),
(E'bulgarian', E'лош', true),
(E'bulgarian', E'м', true),
(E'bulgarian', E'май', true),
(E'bulgarian', E'малко', true),
(E'bulgarian', E'ме', true),
(E'bulgarian', E'между', true),
(E'bulgarian', E'мек', true),
(E'bulgarian', E'мен', true),
(E'bulgarian', E'месец', true),
(E'bulgarian', E'ми', true),
(E'bulgarian', E'много', true),
(E'bulgarian', E'мнозина', true),
(E'bulgarian', E'мога', true),
(E'bulgarian', E'могат', true),
(E'bulgarian', E'може', true),
(E'bulgarian', E'мокър', true),
(E'bulgarian', E'моля', true),
(E'bulgarian', E'момента', true),
(E'bulgarian', E'му', true),
(E'bulgarian', E'н', true),
(E'bulgarian', E'на', true),
(E'bulgarian', E'над', true),
(E'bulgarian', E'назад', true),
(E'bulgarian', E'най', true),
(E'bulgarian', E'направи', true),
(E'bulgarian', E'напред', true),
(E'bulgarian', E'например', true),
(E'bulgarian', E'нас', true),
(E'bulgarian', E'не', true),
(E'bulgarian', E'него', true),
(E'bulgarian', E'нещо', true),
(E'bulgarian', E'нея', true),
(E'bulgarian', E'ни', true),
(E'bulgarian', E'ние', true),
(E'bulgarian', E'никой', true),
(E'bulgarian', E'нито', true),
(E'bulgarian', E'нищо', true),
(E'bulgarian', E'но', true),
(E'bulgarian', E'нов', true),
(E'bulgarian', E'нова', true),
(E'bulgarian', E'нови', true),
(E'bulgarian', E'новина', true),
(E'bulgarian', E'някои', true),
(E'bulgarian', E'някой', true),
(E'bulgarian', E'няколко', true),
(E'bulgarian', E'няма', true),
(E'bulgarian', E'обаче', true),
(E'bulgarian', E'около', true),
(E'bulgarian', E'освен', true),
(E'bulgarian', E'особено', true),
(E'bulgarian', E'от', true),
(E'bulgarian', E'отгоре', true),
(E'bulgarian', E'отново', true),
(E'bulgarian', E'още', true),
(E'bulgarian', E'пак', true),
(E'bulgarian', E'по', true),
(E'bulgarian', E'повече', true),
(E'bulgarian', E'повечето', true),
(E'bulgarian', E'под', true),
(E'bulgarian', E'поне', true),
(E'bulgarian', E'поради', true),
(E'bulgarian', E'после', true),
(E'bulgarian', E'почти', true),
(E'bulgarian', E'прави', true),
(E'bulgarian', E'пред', true),
(E'bulgarian', E'преди', true),
(E'bulgarian', E'през', true),
(E'bulgarian', E'при', true),
(E'bulgarian', E'пък', true),
(E'bulgarian', E'първата', true),
(E'bulgarian', E'първи', true),
(E'bulgarian', E'първо', true),
(E'bulgarian', E'пъти', true),
(E'bulgarian', E'равен', true),
(E'bulgarian', E'равна', true),
(E'bulgarian', E'с', true),
(E'bulgarian', E'са', true),
(E'bulgarian', E'сам', true),
(E'bulgarian', E'само', true),
(E'bulgarian', E'се', true),
(E'bulgarian', E'сега', true),
(E'bulgarian', E'си', true),
(E'bulgarian', E'син', true),
(E'bulgarian', E'скоро', true),
(E'bulgarian', E'след', true),
(E'bulgarian', E'следващ', true),
(E'bulgarian', E'сме', true),
(E'bulgarian', E'смях', true),
(E'bulgarian', E'според', true),
(E'bulgarian', E'сред', true),
(E'bulgarian', E'срещу', true),
(E'bulgarian', E'сте', true),
(E'bulgarian', E'съм', true),
(E'bulgarian', E'със', true),
(E'bulgarian', E'също', true),
(E'bulgarian', E'т', true),
(E'bulgarian', E'тази', true),
(E'bulgarian', E'така', true),
(E'bulgarian', E'такива', true),
(E'bulgarian', E'такъв', true),
(E'bulgarian', E'там', true),
(E'bulgarian', E'твой', true),
(E'bulgarian', E'те', true),
(E'bulgarian', E'тези', true),
(E'bulgarian', E'ти', true),
(E'bulgarian', E'то', true),
(E'bulgarian', E'това', true),
(E'bulgarian', E'тогава', true),
(E'bulgarian', E'този', true),
(E'bulgarian', E'той', true),
(E'bulgarian', E'толкова', true),
(E'bulgarian', E'точно', true),
(E'bulgarian', E'три', true),
(E'bulgarian', E'трябва', true),
(E'bulgarian', E'тук', true),
(E'bulgarian', E'тъй', true),
(E'bulgarian', E'тя', true),
(E'bulgarian', E'тях', true),
(E'bulgarian', E'у', true),
(E'bulgarian', E'утре', true),
(E'bulgarian', E'харесва', true),
(E'bulgarian', E'хиляди', true),
(E'bulgarian', E'ч', true),
(E'bulgarian', E'часа', true),
(E'bulgarian', E'че', true),
(E'bulgarian', E'често', true),
(E'bulgarian', E'чрез', true),
(E'bulgarian', E'ще', true),
(E'bulgarian', E'щом', true),
(E'bulgarian', E'юмрук', true),
(E'bulgarian', E'я', true),
(E'bulgarian', E'як', true),
(E'croatian', E'a', true),
(E'croatian', E'ako', true),
(E'croatian', E'ali', true),
(E'croatian', E'bi', true),
(E'croatian', E'bih', true),
(E'croatian', E'bila', true),
(E'croatian', E'bili', true),
(E'croatian', E'bilo', true),
(E'croatian', E'bio', true),
(E'croatian', E'bismo', true),
(E'croatian', E'biste', true),
(E'croatian', E'biti', true),
(E'croatian', E'bumo', true),
(E'croatian', E'da', true),
(E'croatian', E'do', true),
(E'croatian', E'duž', true),
(E'croatian', E'ga', true),
(E'croatian', E'hoće', true),
(E'croatian', E'hoćemo', true),
(E'croatian', E'hoćete', true),
(E'croatian', E'hoćeš', true),
(E'croatian', E'hoću', true),
(E'croatian', E'i', true),
(E'croatian', E'iako', true),
(E'croatian', E'ih', true),
(E'croatian', E'ili', true),
(E'croatian', E'iz', true),
(E'croatian', E'ja', true),
(E'croatian', E'je', true),
(E'croatian', E'jedna', true),
(E'croatian', E'jedne', true),
(E'croatian', E'jedno', true),
(E'croatian', E'jer', true),
(E'croatian', E'jesam', true),
(E'croatian', E'jesi', true),
(E'croatian', E'jesmo', true),
(E'croatian', E'jest', true),
(E'croatian', E'jeste', true),
(E'croatian', E'jesu', true),
(E'croatian', E'jim', true),
(E'croatian', E'joj', true),
(E'croatian', E'još', true),
(E'croatian', E'ju', true),
(E'croatian', E'kada', true),
(E'croatian', E'kako', true),
(E'croatian', E'kao', true),
(E'croatian', E'koja', true),
(E'croatian', E'koje', true),
(E'croatian', E'koji', true),
(E'croatian', E'kojima', true),
(E'croatian', E'koju', true),
(E'croatian', E'kroz', true),
(E'croatian', E'li', true),
(E'croatian', E'me', true),
(E'croatian', E'mene', true),
(E'croatian', E'meni', true),
(E'croatian', E'mi', true),
(E'croatian', E'mimo', true),
(E'croatian', E'moj', true),
(E'croatian', E'moja', true),
(E'croatian', E'moje', true),
(E'croatian', E'mu', true),
(E'croatian', E'na', true),
(E'croatian', E'nad', true),
(E'croatian', E'nakon', true),
(E'croatian', E'nam', true),
(E'croatian', E'nama', true),
(E'croatian', E'nas', true),
(E'croatian', E'naš', true),
(E'croatian', E'naša', true),
(E'croatian', E'naše', true),
(E'croatian', E'našeg', true),
(E'croatian', E'ne', true),
(E'croatian', E'nego', true),
(E'croatian', E'neka', true),
(E'croatian', E'neki', true),
(E'croatian', E'nekog', true),
(E'croatian', E'neku', true),
(E'croatian', E'nema', true),
(E'croatian', E'netko', true),
(E'croatian', E'neće', true),
(E'croatian', E'nećemo', true),
(E'croatian', E'nećete', true),
(E'croatian', E'nećeš', true),
(E'croatian', E'neću', true),
(E'croatian', E'nešto', true),
(E'croatian', E'ni', true),
(E'croatian', E'nije', true),
(E'croatian', E'nikoga', true),
(E'croatian', E'nikoje', true),
(E'croatian', E'nikoju', true),
(E'croatian', E'nisam', true),
(E'croatian', E'nisi', true),
(E'croatian', E'nismo', true),
(E'croatian', E'niste', true),
(E'croatian', E'nisu', true),
(E'croatian', E'njega', true),
(E'croatian', E'njegov', true),
(E'croatian', E'njegova', true),
(E'croatian', E'njegovo', true),
(E'croatian', E'njemu', true),
(E'croatian', E'njezin', true),
(E'croatian', E'njezina', true),
(E'croatian', E'njezino', true),
(E'croatian', E'njih', true),
(E'croatian', E'njihov', true),
(E'croatian', E'njihova', true),
(E'croatian', E'njihovo', true),
(E'croatian', E'njim', true),
(E'croatian', E'njima', true),
(E'croatian', E'njoj', true),
(E'croatian', E'nju', true),
(E'croatian', E'no', true),
(E'croatian', E'o', true),
(E'croatian', E'od', true),
(E'croatian', E'odmah', true),
(E'croatian', E'on', true),
(E'croatian', E'ona', true),
(E'croatian', E'oni', true),
(E'croatian', E'ono', true),
(E'croatian', E'ova', true),
(E'croatian', E'pa', true),
(E'croatian', E'pak', true),
(E'croatian', E'po', true),
(E'croatian', E'pod', true),
(E'croatian', E'pored', true),
(E'croatian', E'prije', true),
(E'croatian', E's', true),
(E'croatian', E'sa', true),
(E'croatian', E'sam', true),
(E'croatian', E'samo', true),
(E'croatian', E'se', true),
(E'croatian', E'sebe', true),
(E'croatian', E'sebi', true),
(E'croatian', E'si', true),
(E'croatian', E'smo', true),
(E'croatian', E'ste', true),
(E'croatian', E'su', true),
(E'croatian', E'sve', true),
(E'croatian', E'svi', true),
(E'croatian', E'svog', true),
(E'croatian', E'svoj', true),
(E'croatian', E'svoja', true),
(E'croatian', E'svoje', true),
(E'croatian', E'svom', true),
(E'croatian', E'ta', true),
(E'croatian', E'tada', true),
(E'croatian', E'taj', true),
(E'croatian', E'tako', true),
(E'croatian', E'te', true),
(E'croatian', E'tebe', true),
(E'croatian', E'tebi', true),
(E'croatian', E'ti', true),
(E'croatian', E'to', true),
(E'croatian', E'toj', true),
(E'croatian', E'tome', true),
(E'croatian', E'tu', true),
(E'croatian', E'tvoj', true),
(E'croatian', E'tvoja', true),
(E'croatian', E'tvoje', true),
(E'croatian', E'u', true),
(E'croatian', E'uz', true),
(E'croatian', E'vam', true),
(E'croatian', E'vama', true),
(E'croatian', E'vas', true),
(E'croatian', E'vaš', true),
(E'croatian', E'vaša', true),
(E'croatian', E'vaše', true),
(E'croatian', E'već', true),
(E'croatian', E'vi', true),
(E'croatian', E'vrlo', true),
(E'croatian', E'za', true),
(E'croatian', E'zar', true),
(E'croatian', E'će', true),
(E'croatian', E'ćemo', true),
(E'croatian', E'ćete', true),
(E'croatian', E'ćeš', true),
(E'croatian', E'ću', true),
(E'croatian', E'što', true),
(E'czech', E'a', true),
(E'czech', E'aby', true),
(E'czech', E'ahoj', true),
(E'czech', E'aj', true),
(E'czech', E'ale', true),
(E'czech', E'anebo', true),
(E'czech', E'ani', true),
(E'czech', E'aniž', true),
(E'czech', E'ano', true),
(E'czech', E'asi', true),
(E'czech', E'aspoň', true),
(E'czech', E'atd', true),
(E'czech', E'atp', true)
ON CONFLICT (language, word) DO NOTHING;

INSERT INTO tweetlda.stopwords (language, word, builtin) VALUES
(E'czech', E'az', true),
(E'czech', E'ačkoli', true),
(E'czech', E'až', true),
(E'czech', E'bez', true),
(E'czech', E'beze', true),
(E'czech', E'blízko', true),
(E'czech', E'bohužel', true),
(E'czech', E'brzo', true),
(E'czech', E'bude', true),
(E'czech', E'budem', true),
(E'czech', E'budeme', true),
(E'czech', E'budes', true),
(E'czech', E'budete', true),
(E'czech', E'budeš', true),
(E'czech', E'budou', true),
(E'czech', E'budu', true),
(E'czech', E'by', true),
(E'czech', E'byl', true),
(E'czech', E'byla', true),
(E'czech', E'byli', true),
(E'czech', E'bylo', true),
(E'czech', E'byly', true),
(E'czech', E'bys', true),
(E'czech', E'byt', true),
(E'czech', E'být', true),
(E'czech', E'během', true),
(E'czech', E'chce', true),
(E'czech', E'chceme', true),
(E'czech', E'chcete', true),
(E'czech', E'chceš', true),
(E'czech', E'chci', true),
(E'czech', E'chtít', true),
(E'czech', E'chtějí', true),
(E'czech', E'chuti', true),
(E'czech', E'ci', true),
(E'czech', E'clanek', true),
(E'czech', E'clanku', true),
(E'czech', E'clanky', true),
(E'czech', E'co', true),
(E'czech', E'coz', true),
(E'czech', E'což', true),
(E'czech', E'cz', true),
(E'czech', E'daleko', true),
(E'czech', E'dalsi', true),
(E'czech', E'další', true),
(E'czech', E'den', true),
(E'czech', E'deset', true),
(E'czech', E'design', true),
(E'czech', E'devatenáct', true),
(E'czech', E'devět', true),
(E'czech', E'dnes', true),
(E'czech', E'do', true),
(E'czech', E'dobrý', true),
(E'czech', E'docela', true),
(E'czech', E'dva', true),
(E'czech', E'dvacet', true),
(E'czech', E'dvanáct', true),
(E'czech', E'dvě', true),
(E'czech', E'dál', true),
(E'czech', E'dále', true),
(E'czech', E'děkovat', true),
(E'czech', E'děkujeme', true),
(E'czech', E'děkuji', true),
(E'czech', E'email', true),
(E'czech', E'ho', true),
(E'czech', E'hodně', true),
(E'czech', E'i', true),
(E'czech', E'jak', true),
(E'czech', E'jakmile', true),
(E'czech', E'jako', true),
(E'czech', E'jakož', true),
(E'czech', E'jde', true),
(E'czech', E'je', true),
(E'czech', E'jeden', true),
(E'czech', E'jedenáct', true),
(E'czech', E'jedna', true),
(E'czech', E'jedno', true),
(E'czech', E'jednou', true),
(E'czech', E'jedou', true),
(E'czech', E'jeho', true),
(E'czech', E'jehož', true),
(E'czech', E'jej', true),
(E'czech', E'jeji', true),
(E'czech', E'jejich', true),
(E'czech', E'její', true),
(E'czech', E'jelikož', true),
(E'czech', E'jemu', true),
(E'czech', E'jen', true),
(E'czech', E'jenom', true),
(E'czech', E'jenž', true),
(E'czech', E'jeste', true),
(E'czech', E'jestli', true),
(E'czech', E'jestliže', true),
(E'czech', E'ještě', true),
(E'czech', E'jež', true),
(E'czech', E'ji', true),
(E'czech', E'jich', true),
(E'czech', E'jimi', true),
(E'czech', E'jinak', true),
(E'czech', E'jine', true),
(E'czech', E'jiné', true),
(E'czech', E'jiz', true),
(E'czech', E'již', true),
(E'czech', E'jsem', true),
(E'czech', E'jses', true),
(E'czech', E'jseš', true),
(E'czech', E'jsi', true),
(E'czech', E'jsme', true),
(E'czech', E'jsou', true),
(E'czech', E'jste', true),
(E'czech', E'já', true),
(E'czech', E'jí', true),
(E'czech', E'jím', true),
(E'czech', E'jíž', true),
(E'czech', E'jšte', true),
(E'czech', E'k', true),
(E'czech', E'kam', true),
(E'czech', E'každý', true),
(E'czech', E'kde', true),
(E'czech', E'kdo', true),
(E'czech', E'kdy', true),
(E'czech', E'kdyz', true),
(E'czech', E'když', true),
(E'czech', E'ke', true),
(E'czech', E'kolik', true),
(E'czech', E'kromě', true),
(E'czech', E'ktera', true),
(E'czech', E'ktere', true),
(E'czech', E'kteri', true),
(E'czech', E'kterou', true),
(E'czech', E'ktery', true),
(E'czech', E'která', true),
(E'czech', E'které', true),
(E'czech', E'který', true),
(E'czech', E'kteři', true),
(E'czech', E'kteří', true),
(E'czech', E'ku', true),
(E'czech', E'kvůli', true),
(E'czech', E'ma', true),
(E'czech', E'mají', true),
(E'czech', E'mate', true),
(E'czech', E'me', true),
(E'czech', E'mezi', true),
(E'czech', E'mi', true),
(E'czech', E'mit', true),
(E'czech', E'mne', true),
(E'czech', E'mnou', true),
(E'czech', E'mně', true),
(E'czech', E'moc', true),
(E'czech', E'mohl', true),
(E'czech', E'mohou', true),
(E'czech', E'moje', true),
(E'czech', E'moji', true),
(E'czech', E'možná', true),
(E'czech', E'muj', true),
(E'czech', E'musí', true),
(E'czech', E'muze', true),
(E'czech', E'my', true),
(E'czech', E'má', true),
(E'czech', E'málo', true),
(E'czech', E'mám', true),
(E'czech', E'máme', true),
(E'czech', E'máte', true),
(E'czech', E'máš', true),
(E'czech', E'mé', true),
(E'czech', E'mí', true),
(E'czech', E'mít', true),
(E'czech', E'mě', true),
(E'czech', E'můj', true),
(E'czech', E'může', true),
(E'czech', E'na', true),
(E'czech', E'nad', true),
(E'czech', E'nade', true),
(E'czech', E'nam', true),
(E'czech', E'napiste', true),
(E'czech', E'napište', true),
(E'czech', E'naproti', true),
(E'czech', E'nas', true),
(E'czech', E'nasi', true),
(E'czech', E'načež', true),
(E'czech', E'naše', true),
(E'czech', E'naši', true),
(E'czech', E'ne', true),
(E'czech', E'nebo', true),
(E'czech', E'nebyl', true),
(E'czech', E'nebyla', true),
(E'czech', E'nebyli', true),
(E'czech', E'nebyly', true),
(E'czech', E'nechť', true),
(E'czech', E'nedělají', true),
(E'czech', E'nedělá', true),
(E'czech', E'nedělám', true),
(E'czech', E'neděláme', true),
(E'czech', E'neděláte', true),
(E'czech', E'neděláš', true),
(E'czech', E'neg', true),
(E'czech', E'nejsi', true),
(E'czech', E'nejsou', true),
(E'czech', E'nemají', true),
(E'czech', E'nemáme', true),
(E'czech', E'nemáte', true),
(E'czech', E'neměl', true),
(E'czech', E'neni', true),
(E'czech', E'není', true),
(E'czech', E'nestačí', true),
(E'czech', E'nevadí', true),
(E'czech', E'nez', true),
(E'czech', E'než', true),
(E'czech', E'nic', true),
(E'czech', E'nich', true),
(E'czech', E'nimi', true),
(E'czech', E'nove', true),
(E'czech', E'novy', true),
(E'czech', E'nové', true),
(E'czech', E'nový', true),
(E'czech', E'nula', true),
(E'czech', E'ná', true),
(E'czech', E'nám', true),
(E'czech', E'námi', true),
(E'czech', E'nás', true),
(E'czech', E'náš', true),
(E'czech', E'ní', true),
(E'czech', E'ním', true),
(E'czech', E'ně', true),
(E'czech', E'něco', true),
(E'czech', E'nějak', true),
(E'czech', E'někde', true),
(E'czech', E'někdo', true),
(E'czech', E'němu', true),
(E'czech', E'němuž', true),
(E'czech', E'o', true),
(E'czech', E'od', true),
(E'czech', E'ode', true),
(E'czech', E'on', true),
(E'czech', E'ona', true),
(E'czech', E'oni', true),
(E'czech', E'ono', true),
(E'czech', E'ony', true),
(E'czech', E'osm', true),
(E'czech', E'osmnáct', true),
(E'czech', E'pak', true),
(E'czech', E'patnáct', true),
(E'czech', E'po', true),
(E'czech', E'pod', true),
(E'czech', E'podle', true),
(E'czech', E'pokud', true),
(E'czech', E'potom', true),
(E'czech', E'pouze', true),
(E'czech', E'pozdě', true),
(E'czech', E'pořád', true),
(E'czech', E'prave', true),
(E'czech', E'pravé', true),
(E'czech', E'pred', true),
(E'czech', E'pres', true),
(E'czech', E'pri', true),
(E'czech', E'pro', true),
(E'czech', E'proc', true),
(E'czech', E'prostě', true),
(E'czech', E'prosím', true),
(E'czech', E'proti', true),
(E'czech', E'proto', true),
(E'czech', E'protoze', true),
(E'czech', E'protože', true),
(E'czech', E'proč', true),
(E'czech', E'prvni', true),
(E'czech', E'první', true),
(E'czech', E'práve', true),
(E'czech', E'pta', true),
(E'czech', E'pět', true),
(E'czech', E'před', true),
(E'czech', E'přede', true),
(E'czech', E'přes', true),
(E'czech', E'přese', true),
(E'czech', E'při', true),
(E'czech', E'přičemž', true),
(E'czech', E're', true),
(E'czech', E'rovně', true),
(E'czech', E's', true),
(E'czech', E'se', true),
(E'czech', E'sedm', true),
(E'czech', E'sedmnáct', true),
(E'czech', E'si', true),
(E'czech', E'sice', true),
(E'czech', E'skoro', true),
(E'czech', E'smí', true),
(E'czech', E'smějí', true),
(E'czech', E'snad', true),
(E'czech', E'spolu', true),
(E'czech', E'sta', true),
(E'czech', E'sto', true),
(E'czech', E'strana', true),
(E'czech', E'sté', true),
(E'czech', E'sve', true),
(E'czech', E'svych', true),
(E'czech', E'svym', true),
(E'czech', E'svymi', true),
(E'czech', E'své', true),
(E'czech', E'svých', true),
(E'czech', E'svým', true),
(E'czech', E'svými', true),
(E'czech', E'svůj', true),
(E'czech', E'ta', true),
(E'czech', E'tady', true),
(E'czech', E'tak', true),
(E'czech', E'take', true),
(E'czech', E'takhle', true),
(E'czech', E'taky', true),
(E'czech', E'takze', true),
(E'czech', E'také', true),
(E'czech', E'takže', true),
(E'czech', E'tam', true),
(E'czech', E'tamhle', true),
(E'czech', E'tamhleto', true),
(E'czech', E'tamto', true),
(E'czech', E'tato', true),
(E'czech', E'te', true),
(E'czech', E'tebe', true),
(E'czech', E'tebou', true),
(E'czech', E'tedy', true),
(E'czech', E'tema', true),
(E'czech', E'ten', true),
(E'czech', E'tento', true),
(E'czech', E'teto', true),
(E'czech', E'ti', true),
(E'czech', E'tim', true),
(E'czech', E'timto', true),
(E'czech', E'tipy', true),
(E'czech', E'tisíc', true),
(E'czech', E'tisíce', true),
(E'czech', E'to', true),
(E'czech', E'tobě', true),
(E'czech', E'tohle', true),
(E'czech', E'toho', true),
(E'czech', E'tohoto', true),
(E'czech', E'tom', true),
(E'czech', E'tomto', true),
(E'czech', E'tomu', true),
(E'czech', E'tomuto', true),
(E'czech', E'toto', true),
(E'czech', E'trošku', true),
(E'czech', E'tu', true),
(E'czech', E'tuto', true),
(E'czech', E'tvoje', true),
(E'czech', E'tvá', true),
(E'czech', E'tvé', true),
(E'czech', E'tvůj', true),
(E'czech', E'ty', true),
(E'czech', E'tyto', true),
(E'czech', E'téma', true),
(E'czech', E'této', true),
(E'czech', E'tím', true),
(E'czech', E'tímto', true),
(E'czech', E'tě', true),
(E'czech', E'těm', true),
(E'czech', E'těma', true),
(E'czech', E'těmu', true),
(E'czech', E'třeba', true),
(E'czech', E'tři', true),
(E'czech', E'třináct', true),
(E'czech', E'u', true),
(E'czech', E'určitě', true),
(E'czech', E'uz', true),
(E'czech', E'už', true),
(E'czech', E'v', true),
(E'czech', E'vam', true),
(E'czech', E'vas', true),
(E'czech', E'vase', true),
(E'czech', E'vaše', true),
(E'czech', E'vaši', true),
(E'czech', E've', true),
(E'czech', E'vedle', true),
(E'czech', E'večer', true),
(E'czech', E'vice', true),
(E'czech', E'vlastně', true),
(E'czech', E'vsak', true),
(E'czech', E'vy', true),
(E'czech', E'vám', true),
(E'czech', E'vámi', true),
(E'czech', E'vás', true),
(E'czech', E'váš', true),
(E'czech', E'více', true),
(E'czech', E'však', true),
(E'czech', E'všechen', true),
(E'czech', E'všechno', true),
(E'czech', E'všichni', true),
(E'czech', E'vůbec', true),
(E'czech', E'vždy', true),
(E'czech', E'z', true),
(E'czech', E'za', true),
(E'czech', E'zatímco', true),
(E'czech', E'zač', true),
(E'czech', E'zda', true),
(E'czech', E'zde', true),
(E'czech', E'ze', true),
(E'czech', E'zpet', true),
(E'czech', E'zpravy', true),
(E'czech', E'zprávy', true),
(E'czech', E'zpět', true),
(E'czech', E'čau', true),
(E'czech', E'či', true),
(E'czech', E'článek', true),
(E'czech', E'článku', true),
(E'czech', E'články', true),
(E'czech', E'čtrnáct', true),
(E'czech', E'čtyři', true),
(E'czech', E'šest', true),
(E'czech', E'šestnáct', true),
(E'czech', E'že', true),
(E'estonian', E'aga', true),
(E'estonian', E'ei', true),
(E'estonian', E'et', true),
(E'estonian', E'ja', true),
(E'estonian', E'jah', true),
(E'estonian', E'kas', true),
(E'estonian', E'kui', true),
(E'estonian', E'kõik', true),
(E'estonian', E'ma', true),
(E'estonian', E'me', true),
(E'estonian', E'mida', true),
(E'estonian', E'midagi', true),
(E'estonian', E'mind', true),
(E'estonian', E'minu', true),
(E'estonian', E'mis', true),
(E'estonian', E'mu', true),
(E'estonian', E'mul', true),
(E'estonian', E'mulle', true),
(E'estonian', E'nad', true),
(E'estonian', E'nii', true),
(E'estonian', E'oled', true),
(E'estonian', E'olen', true),
(E'estonian', E'oli', true),
(E'estonian', E'oma', true),
(E'estonian', E'on', true),
(E'estonian', E'pole', true),
(E'estonian', E'sa', true),
(E'estonian', E'seda', true),
(E'estonian', E'see', true),
(E'estonian', E'selle', true),
(E'estonian', E'siin', true),
(E'estonian', E'siis', true),
(E'estonian', E'ta', true),
(E'estonian', E'te', true),
(E'estonian', E'ära', true),
(E'galician', E'a', true),
(E'galician', E'alí', true),
(E'galician', E'ao', true),
(E'galician', E'aos', true),
(E'galician', E'aquel', true),
(E'galician', E'aquela', true),
(E'galician', E'aquelas', true),
(E'galician', E'aqueles', true),
(E'galician', E'aquilo', true),
(E'galician', E'aquí', true),
(E'galician', E'as', true),
(E'galician', E'así', true),
(E'galician', E'aínda', true),
(E'galician', E'ben', true),
(E'galician', E'cando', true),
(E'galician', E'che', true),
(E'galician', E'co', true),
(E'galician', E'coa', true),
(E'galician', E'coas', true),
(E'galician', E'comigo', true),
(E'galician', E'con', true),
(E'galician', E'connosco', true),
(E'galician', E'contigo', true),
(E'galician', E'convosco', true),
(E'galician', E'cos', true),
(E'galician', E'cun', true),
(E'galician', E'cunha', true),
(E'galician', E'cunhas', true),
(E'galician', E'cuns', true),
(E'galician', E'da', true),
(E'galician', E'dalgunha', true),
(E'galician', E'dalgunhas', true),
(E'galician', E'dalgún', true),
(E'galician', E'dalgúns', true),
(E'galician', E'das', true),
(E'galician', E'de', true),
(E'galician', E'del', true),
(E'galician', E'dela', true),
(E'galician', E'delas', true),
(E'galician', E'deles', true),
(E'galician', E'desde', true),
(E'galician', E'deste', true),
(E'galician', E'do', true),
(E'galician', E'dos', true),
(E'galician', E'dun', true),
(E'galician', E'dunha', true),
(E'galician', E'dunhas', true),
(E'galician', E'duns', true),
(E'galician', E'e', true),
(E'galician', E'el', true),
(E'galician', E'ela', true),
(E'galician', E'elas', true),
(E'galician', E'eles', true),
(E'galician', E'en', true),
(E'galician', E'era', true),
(E'galician', E'eran', true),
(E'galician', E'esa', true)
ON CONFLICT (language, word) DO NOTHING;

INSERT INTO tweetlda.stopwords (language, word, builtin) VALUES
(E'galician', E'esas', true),
(E'galician', E'ese', true),
(E'galician', E'eses', true),
(E'galician', E'esta', true),
(E'galician', E'estaba', true),
(E'galician', E'estar', true),
(E'galician', E'este', true),
(E'galician', E'estes', true),
(E'galician', E'estiven', true),
(E'galician', E'estou', true),
(E'galician', E'está', true),
(E'galician', E'están', true),
(E'galician', E'eu', true),
(E'galician', E'facer', true),
(E'galician', E'foi', true),
(E'galician', E'foron', true),
(E'galician', E'fun', true),
(E'galician', E'había', true),
(E'galician', E'hai', true),
(E'galician', E'iso', true),
(E'galician', E'isto', true),
(E'galician', E'la', true),
(E'galician', E'las', true),
(E'galician', E'lle', true),
(E'galician', E'lles', true),
(E'galician', E'lo', true),
(E'galician', E'los', true),
(E'galician', E'mais', true),
(E'galician', E'me', true),
(E'galician', E'meu', true),
(E'galician', E'meus', true),
(E'galician', E'min', true),
(E'galician', E'miña', true),
(E'galician', E'miñas', true),
(E'galician', E'moi', true),
(E'galician', E'na', true),
(E'galician', E'nas', true),
(E'galician', E'neste', true),
(E'galician', E'nin', true),
(E'galician', E'no', true),
(E'galician', E'non', true),
(E'galician', E'nos', true),
(E'galician', E'nosa', true),
(E'galician', E'nosas', true),
(E'galician', E'noso', true),
(E'galician', E'nosos', true),
(E'galician', E'nun', true),
(E'galician', E'nunha', true),
(E'galician', E'nunhas', true),
(E'galician', E'nuns', true),
(E'galician', E'nós', true),
(E'galician', E'o', true),
(E'galician', E'os', true),
(E'galician', E'ou', true),
(E'galician', E'para', true),
(E'galician', E'pero', true),
(E'galician', E'pode', true),
(E'galician', E'pois', true),
(E'galician', E'pola', true),
(E'galician', E'polas', true),
(E'galician', E'polo', true),
(E'galician', E'polos', true),
(E'galician', E'por', true),
(E'galician', E'que', true),
(E'galician', E'se', true),
(E'galician', E'senón', true),
(E'galician', E'ser', true),
(E'galician', E'seu', true),
(E'galician', E'seus', true),
(E'galician', E'sexa', true),
(E'galician', E'sido', true),
(E'galician', E'sobre', true),
(E'galician', E'súa', true),
(E'galician', E'súas', true),
(E'galician', E'tamén', true),
(E'galician', E'tan', true),
(E'galician', E'te', true),
(E'galician', E'ten', true),
(E'galician', E'ter', true),
(E'galician', E'teu', true),
(E'galician', E'teus', true),
(E'galician', E'teñen', true),
(E'galician', E'teño', true),
(E'galician', E'ti', true),
(E'galician', E'tido', true),
(E'galician', E'tiven', true),
(E'galician', E'tiña', true),
(E'galician', E'túa', true),
(E'galician', E'túas', true),
(E'galician', E'un', true),
(E'galician', E'unha', true),
(E'galician', E'unhas', true),
(E'galician', E'uns', true),
(E'galician', E'vos', true),
(E'galician', E'vosa', true),
(E'galician', E'vosas', true),
(E'galician', E'voso', true),
(E'galician', E'vosos', true),
(E'galician', E'vós', true),
(E'galician', E'á', true),
(E'galician', E'é', true),
(E'galician', E'ó', true),
(E'galician', E'ós', true),
(E'hebrew', E'אבל', true),
(E'hebrew', E'או', true),
(E'hebrew', E'אולי', true),
(E'hebrew', E'אותה', true),
(E'hebrew', E'אותו', true),
(E'hebrew', E'אותי', true),
(E'hebrew', E'אותך', true),
(E'hebrew', E'אותם', true),
(E'hebrew', E'אותן', true),
(E'hebrew', E'אותנו', true),
(E'hebrew', E'אז', true),
(E'hebrew', E'אחר', true),
(E'hebrew', E'אחרות', true),
(E'hebrew', E'אחרי', true),
(E'hebrew', E'אחריכן', true),
(E'hebrew', E'אחרים', true),
(E'hebrew', E'אחרת', true),
(E'hebrew', E'אי', true),
(E'hebrew', E'איזה', true),
(E'hebrew', E'איך', true),
(E'hebrew', E'אין', true),
(E'hebrew', E'איפה', true),
(E'hebrew', E'איתה', true),
(E'hebrew', E'איתו', true),
(E'hebrew', E'איתי', true),
(E'hebrew', E'איתך', true),
(E'hebrew', E'איתכם', true),
(E'hebrew', E'איתכן', true),
(E'hebrew', E'איתם', true),
(E'hebrew', E'איתן', true),
(E'hebrew', E'איתנו', true),
(E'hebrew', E'אך', true),
(E'hebrew', E'אל', true),
(E'hebrew', E'אלה', true),
(E'hebrew', E'אלו', true),
(E'hebrew', E'אם', true),
(E'hebrew', E'אנחנו', true),
(E'hebrew', E'אני', true),
(E'hebrew', E'אס', true),
(E'hebrew', E'אף', true),
(E'hebrew', E'אצל', true),
(E'hebrew', E'אשר', true),
(E'hebrew', E'את', true),
(E'hebrew', E'אתה', true),
(E'hebrew', E'אתכם', true),
(E'hebrew', E'אתכן', true),
(E'hebrew', E'אתם', true),
(E'hebrew', E'אתן', true),
(E'hebrew', E'באיזומידה', true),
(E'hebrew', E'באמצע', true),
(E'hebrew', E'באמצעות', true),
(E'hebrew', E'בגלל', true),
(E'hebrew', E'בין', true),
(E'hebrew', E'בלי', true),
(E'hebrew', E'במידה', true),
(E'hebrew', E'במקוםשבו', true),
(E'hebrew', E'ברם', true),
(E'hebrew', E'בשביל', true),
(E'hebrew', E'בשעהש', true),
(E'hebrew', E'בתוך', true),
(E'hebrew', E'גם', true),
(E'hebrew', E'דרך', true),
(E'hebrew', E'הוא', true),
(E'hebrew', E'היא', true),
(E'hebrew', E'היה', true),
(E'hebrew', E'היכן', true),
(E'hebrew', E'היתה', true),
(E'hebrew', E'היתי', true),
(E'hebrew', E'הם', true),
(E'hebrew', E'הן', true),
(E'hebrew', E'הנה', true),
(E'hebrew', E'הסיבהשבגללה', true),
(E'hebrew', E'הרי', true),
(E'hebrew', E'ואילו', true),
(E'hebrew', E'ואת', true),
(E'hebrew', E'זאת', true),
(E'hebrew', E'זה', true),
(E'hebrew', E'זות', true),
(E'hebrew', E'יהיה', true),
(E'hebrew', E'יוכל', true),
(E'hebrew', E'יוכלו', true),
(E'hebrew', E'יותרמדי', true),
(E'hebrew', E'יכול', true),
(E'hebrew', E'יכולה', true),
(E'hebrew', E'יכולות', true),
(E'hebrew', E'יכולים', true),
(E'hebrew', E'יכל', true),
(E'hebrew', E'יכלה', true),
(E'hebrew', E'יכלו', true),
(E'hebrew', E'יש', true),
(E'hebrew', E'כאן', true),
(E'hebrew', E'כאשר', true),
(E'hebrew', E'כולם', true),
(E'hebrew', E'כולן', true),
(E'hebrew', E'כזה', true),
(E'hebrew', E'כי', true),
(E'hebrew', E'כיצד', true),
(E'hebrew', E'כך', true),
(E'hebrew', E'ככה', true),
(E'hebrew', E'כל', true),
(E'hebrew', E'כלל', true),
(E'hebrew', E'כמו', true),
(E'hebrew', E'כן', true),
(E'hebrew', E'כפי', true),
(E'hebrew', E'כש', true),
(E'hebrew', E'לא', true),
(E'hebrew', E'לאו', true),
(E'hebrew', E'לאיזותכלית', true),
(E'hebrew', E'לאן', true),
(E'hebrew', E'לבין', true),
(E'hebrew', E'לה', true),
(E'hebrew', E'להיות', true),
(E'hebrew', E'להם', true),
(E'hebrew', E'להן', true),
(E'hebrew', E'לו', true),
(E'hebrew', E'לי', true),
(E'hebrew', E'לכם', true),
(E'hebrew', E'לכן', true),
(E'hebrew', E'למה', true),
(E'hebrew', E'למטה', true),
(E'hebrew', E'למעלה', true),
(E'hebrew', E'למקוםשבו', true),
(E'hebrew', E'למרות', true),
(E'hebrew', E'לנו', true),
(E'hebrew', E'לעבר', true),
(E'hebrew', E'לעיכן', true),
(E'hebrew', E'לפיכך', true),
(E'hebrew', E'לפני', true),
(E'hebrew', E'מאד', true),
(E'hebrew', E'מאחורי', true),
(E'hebrew', E'מאיזוסיבה', true),
(E'hebrew', E'מאין', true),
(E'hebrew', E'מאיפה', true),
(E'hebrew', E'מבלי', true),
(E'hebrew', E'מבעד', true),
(E'hebrew', E'מדוע', true),
(E'hebrew', E'מה', true),
(E'hebrew', E'מהיכן', true),
(E'hebrew', E'מול', true),
(E'hebrew', E'מחוץ', true),
(E'hebrew', E'מי', true),
(E'hebrew', E'מכאן', true),
(E'hebrew', E'מכיוון', true),
(E'hebrew', E'מלבד', true),
(E'hebrew', E'מן', true),
(E'hebrew', E'מנין', true),
(E'hebrew', E'מסוגל', true),
(E'hebrew', E'מעט', true),
(E'hebrew', E'מעטים', true),
(E'hebrew', E'מעל', true),
(E'hebrew', E'מצד', true),
(E'hebrew', E'מקוםבו', true),
(E'hebrew', E'מתחת', true),
(E'hebrew', E'מתי', true),
(E'hebrew', E'נגד', true),
(E'hebrew', E'נגר', true),
(E'hebrew', E'נו', true),
(E'hebrew', E'עד', true),
(E'hebrew', E'עז', true),
(E'hebrew', E'על', true),
(E'hebrew', E'עלי', true),
(E'hebrew', E'עליה', true),
(E'hebrew', E'עליהם', true),
(E'hebrew', E'עליהן', true),
(E'hebrew', E'עליו', true),
(E'hebrew', E'עליך', true),
(E'hebrew', E'עליכם', true),
(E'hebrew', E'עלינו', true),
(E'hebrew', E'עם', true),
(E'hebrew', E'עצמה', true),
(E'hebrew', E'עצמהם', true),
(E'hebrew', E'עצמהן', true),
(E'hebrew', E'עצמו', true),
(E'hebrew', E'עצמי', true),
(E'hebrew', E'עצמם', true),
(E'hebrew', E'עצמן', true),
(E'hebrew', E'עצמנו', true),
(E'hebrew', E'פה', true),
(E'hebrew', E'רק', true),
(E'hebrew', E'שוב', true),
(E'hebrew', E'של', true),
(E'hebrew', E'שלה', true),
(E'hebrew', E'שלהם', true),
(E'hebrew', E'שלהן', true),
(E'hebrew', E'שלו', true),
(E'hebrew', E'שלי', true),
(E'hebrew', E'שלך', true),
(E'hebrew', E'שלכה', true),
(E'hebrew', E'שלכם', true),
(E'hebrew', E'שלכן', true),
(E'hebrew', E'שלנו', true),
(E'hebrew', E'שם', true),
(E'hebrew', E'תהיה', true),
(E'hebrew', E'תחת', true),
(E'japanese', E'あそこ', true),
(E'japanese', E'あっ', true),
(E'japanese', E'あの', true),
(E'japanese', E'あのかた', true),
(E'japanese', E'あの人', true),
(E'japanese', E'あり', true),
(E'japanese', E'あります', true),
(E'japanese', E'ある', true),
(E'japanese', E'あれ', true),
(E'japanese', E'い', true),
(E'japanese', E'いう', true),
(E'japanese', E'います', true),
(E'japanese', E'いる', true),
(E'japanese', E'う', true),
(E'japanese', E'うち', true),
(E'japanese', E'え', true),
(E'japanese', E'お', true),
(E'japanese', E'および', true),
(E'japanese', E'おり', true),
(E'japanese', E'おります', true),
(E'japanese', E'か', true),
(E'japanese', E'かつて', true),
(E'japanese', E'から', true),
(E'japanese', E'が', true),
(E'japanese', E'き', true),
(E'japanese', E'ここ', true),
(E'japanese', E'こちら', true),
(E'japanese', E'こと', true),
(E'japanese', E'この', true),
(E'japanese', E'これ', true),
(E'japanese', E'これら', true),
(E'japanese', E'さ', true),
(E'japanese', E'さらに', true),
(E'japanese', E'し', true),
(E'japanese', E'しかし', true),
(E'japanese', E'する', true),
(E'japanese', E'ず', true),
(E'japanese', E'せ', true),
(E'japanese', E'せる', true),
(E'japanese', E'そこ', true),
(E'japanese', E'そして', true),
(E'japanese', E'その', true),
(E'japanese', E'その他', true),
(E'japanese', E'その後', true),
(E'japanese', E'それ', true),
(E'japanese', E'それぞれ', true),
(E'japanese', E'それで', true),
(E'japanese', E'た', true),
(E'japanese', E'ただし', true),
(E'japanese', E'たち', true),
(E'japanese', E'ため', true),
(E'japanese', E'たり', true),
(E'japanese', E'だ', true),
(E'japanese', E'だっ', true),
(E'japanese', E'だれ', true),
(E'japanese', E'つ', true),
(E'japanese', E'て', true),
(E'japanese', E'で', true),
(E'japanese', E'でき', true),
(E'japanese', E'できる', true),
(E'japanese', E'です', true),
(E'japanese', E'では', true),
(E'japanese', E'でも', true),
(E'japanese', E'と', true),
(E'japanese', E'という', true),
(E'japanese', E'といった', true),
(E'japanese', E'とき', true),
(E'japanese', E'ところ', true),
(E'japanese', E'として', true),
(E'japanese', E'とともに', true),
(E'japanese', E'とも', true),
(E'japanese', E'と共に', true),
(E'japanese', E'どこ', true),
(E'japanese', E'どの', true),
(E'japanese', E'な', true),
(E'japanese', E'ない', true),
(E'japanese', E'なお', true),
(E'japanese', E'なかっ', true),
(E'japanese', E'ながら', true),
(E'japanese', E'なく', true),
(E'japanese', E'なっ', true),
(E'japanese', E'など', true),
(E'japanese', E'なに', true),
(E'japanese', E'なら', true),
(E'japanese', E'なり', true),
(E'japanese', E'なる', true),
(E'japanese', E'なん', true),
(E'japanese', E'に', true),
(E'japanese', E'において', true),
(E'japanese', E'における', true),
(E'japanese', E'について', true),
(E'japanese', E'にて', true),
(E'japanese', E'によって', true),
(E'japanese', E'により', true),
(E'japanese', E'による', true),
(E'japanese', E'に対して', true),
(E'japanese', E'に対する', true),
(E'japanese', E'に関する', true),
(E'japanese', E'の', true),
(E'japanese', E'ので', true),
(E'japanese', E'のみ', true),
(E'japanese', E'は', true),
(E'japanese', E'ば', true),
(E'japanese', E'へ', true),
(E'japanese', E'ほか', true),
(E'japanese', E'ほとんど', true),
(E'japanese', E'ほど', true),
(E'japanese', E'ます', true),
(E'japanese', E'また', true),
(E'japanese', E'または', true),
(E'japanese', E'まで', true),
(E'japanese', E'も', true),
(E'japanese', E'もの', true),
(E'japanese', E'ものの', true),
(E'japanese', E'や', true),
(E'japanese', E'よう', true),
(E'japanese', E'より', true),
(E'japanese', E'ら', true),
(E'japanese', E'られ', true),
(E'japanese', E'られる', true),
(E'japanese', E'れ', true),
(E'japanese', E'れる', true),
(E'japanese', E'を', true),
(E'japanese', E'ん', true),
(E'japanese', E'何', true),
(E'japanese', E'及び', true),
(E'japanese', E'彼', true),
(E'japanese', E'彼女', true),
(E'japanese', E'我々', true),
(E'japanese', E'特に', true),
(E'japanese', E'私', true),
(E'japanese', E'私達', true),
(E'japanese', E'貴方', true),
(E'japanese', E'貴方方', true),
(E'korean', E'가', true),
(E'korean', E'가까스로', true),
(E'korean', E'가령', true),
(E'korean', E'각', true),
(E'korean', E'각각', true),
(E'korean', E'각자', true),
(E'korean', E'각종', true),
(E'korean', E'갖고말하자면', true),
(E'korean', E'같다', true),
(E'korean', E'같이', true),
(E'korean', E'개의치않고', true),
(E'korean', E'거니와', true),
(E'korean', E'거바', true),
(E'korean', E'거의', true),
(E'korean', E'것', true),
(E'korean', E'것들', true),
(E'korean', E'게다가', true),
(E'korean', E'게우다', true),
(E'korean', E'겨우', true),
(E'korean', E'견지에서', true),
(E'korean', E'결국', true),
(E'korean', E'겸사겸사', true),
(E'korean', E'고려하면', true),
(E'korean', E'고로', true),
(E'korean', E'곧', true),
(E'korean', E'공동으로', true),
(E'korean', E'과', true),
(E'korean', E'과연', true),
(E'korean', E'관계없이', true),
(E'korean', E'관하여', true),
(E'korean', E'관한', true),
(E'korean', E'관해서는', true),
(E'korean', E'구', true),
(E'korean', E'구체적으로', true),
(E'korean', E'구토하다', true),
(E'korean', E'그', true),
(E'korean', E'그들', true),
(E'korean', E'그때', true),
(E'korean', E'그래', true),
(E'korean', E'그래도', true),
(E'korean', E'그래서', true),
(E'korean', E'그러나', true),
(E'korean', E'그러니', true),
(E'korean', E'그러니까', true),
(E'korean', E'그러면', true),
(E'korean', E'그러므로', true),
(E'korean', E'그러한즉', true),
(E'korean', E'그런데', true),
(E'korean', E'그런즉', true),
(E'korean', E'그럼', true),
(E'korean', E'그렇지', true),
(E'korean', E'그렇지만', true),
(E'korean', E'그렇지않으면', true),
(E'korean', E'그리고', true),
(E'korean', E'그리하여', true),
(E'korean', E'그만이다', true),
(E'korean', E'그위에', true),
(E'korean', E'그저', true),
(E'korean', E'그중에서', true),
(E'korean', E'근거로', true),
(E'korean', E'근거하여', true),
(E'korean', E'기대여', true),
(E'korean', E'기점으로', true),
(E'korean', E'기준으로', true),
(E'korean', E'기타', true),
(E'korean', E'까닭으로', true),
(E'korean', E'까악', true),
(E'korean', E'까지', true),
(E'korean', E'까지도', true)
ON CONFLICT (language, word) DO NOTHING;

INSERT INTO tweetlda.stopwords (language, word, builtin) VALUES
(E'korean', E'꽈당', true),
(E'korean', E'끙끙', true),
(E'korean', E'끼익', true),
(E'korean', E'나', true),
(E'korean', E'나머지는', true),
(E'korean', E'남들', true),
(E'korean', E'남짓', true),
(E'korean', E'너', true),
(E'korean', E'너희', true),
(E'korean', E'너희들', true),
(E'korean', E'네', true),
(E'korean', E'넷', true),
(E'korean', E'년', true),
(E'korean', E'놀라다', true),
(E'korean', E'누구', true),
(E'korean', E'다른', true),
(E'korean', E'다만', true),
(E'korean', E'다섯', true),
(E'korean', E'다소', true),
(E'korean', E'다수', true),
(E'korean', E'다시말하면', true),
(E'korean', E'다음', true),
(E'korean', E'다음에', true),
(E'korean', E'다음으로', true),
(E'korean', E'단지', true),
(E'korean', E'답다', true),
(E'korean', E'당신', true),
(E'korean', E'당장', true),
(E'korean', E'대하면', true),
(E'korean', E'대하여', true),
(E'korean', E'대해서', true),
(E'korean', E'댕그', true),
(E'korean', E'더구나', true),
(E'korean', E'더군다나', true),
(E'korean', E'더라도', true),
(E'korean', E'더불어', true),
(E'korean', E'더욱더', true),
(E'korean', E'더욱이는', true),
(E'korean', E'도달하다', true),
(E'korean', E'도착하다', true),
(E'korean', E'동시에', true),
(E'korean', E'동안', true),
(E'korean', E'된바에야', true),
(E'korean', E'된이상', true),
(E'korean', E'두번째로', true),
(E'korean', E'둘', true),
(E'korean', E'둥둥', true),
(E'korean', E'뒤따라', true),
(E'korean', E'뒤이어', true),
(E'korean', E'든간에', true),
(E'korean', E'들', true),
(E'korean', E'등', true),
(E'korean', E'등등', true),
(E'korean', E'딩동', true),
(E'korean', E'따라', true),
(E'korean', E'따라서', true),
(E'korean', E'따위', true),
(E'korean', E'딱', true),
(E'korean', E'때', true),
(E'korean', E'때문에', true),
(E'korean', E'또', true),
(E'korean', E'또한', true),
(E'korean', E'뚝뚝', true),
(E'korean', E'령', true),
(E'korean', E'로', true),
(E'korean', E'로부터', true),
(E'korean', E'로써', true),
(E'korean', E'륙', true),
(E'korean', E'를', true),
(E'korean', E'마음대로', true),
(E'korean', E'마저', true),
(E'korean', E'마저도', true),
(E'korean', E'마치', true),
(E'korean', E'막론하고', true),
(E'korean', E'만약', true),
(E'korean', E'만약에', true),
(E'korean', E'만일', true),
(E'korean', E'만큼', true),
(E'korean', E'말하자면', true),
(E'korean', E'매', true),
(E'korean', E'매번', true),
(E'korean', E'메쓰겁다', true),
(E'korean', E'몇', true),
(E'korean', E'모', true),
(E'korean', E'모두', true),
(E'korean', E'무렵', true),
(E'korean', E'무릎쓰고', true),
(E'korean', E'무슨', true),
(E'korean', E'무엇', true),
(E'korean', E'무엇때문에', true),
(E'korean', E'물론', true),
(E'korean', E'및', true),
(E'korean', E'바꾸어말하면', true),
(E'korean', E'바꾸어말하자면', true),
(E'korean', E'바로', true),
(E'korean', E'바와같이', true),
(E'korean', E'반대로', true),
(E'korean', E'반드시', true),
(E'korean', E'버금', true),
(E'korean', E'보는데서', true),
(E'korean', E'보다더', true),
(E'korean', E'보드득', true),
(E'korean', E'본대로', true),
(E'korean', E'봐', true),
(E'korean', E'봐라', true),
(E'korean', E'부터', true),
(E'korean', E'불구하고', true),
(E'korean', E'불문하고', true),
(E'korean', E'붕붕', true),
(E'korean', E'비걱거리다', true),
(E'korean', E'비교적', true),
(E'korean', E'비로소', true),
(E'korean', E'비록', true),
(E'korean', E'비슷하다', true),
(E'korean', E'비하면', true),
(E'korean', E'뿐만아니라', true),
(E'korean', E'뿐이다', true),
(E'korean', E'삐걱', true),
(E'korean', E'삐걱거리다', true),
(E'korean', E'사', true),
(E'korean', E'삼', true),
(E'korean', E'생각한대로', true),
(E'korean', E'설령', true),
(E'korean', E'설마', true),
(E'korean', E'설사', true),
(E'korean', E'셋', true),
(E'korean', E'소생', true),
(E'korean', E'소인', true),
(E'korean', E'솨', true),
(E'korean', E'쉿', true),
(E'korean', E'습니까', true),
(E'korean', E'습니다', true),
(E'korean', E'시각', true),
(E'korean', E'시간', true),
(E'korean', E'시작하여', true),
(E'korean', E'시초에', true),
(E'korean', E'시키다', true),
(E'korean', E'실로', true),
(E'korean', E'심지어', true),
(E'korean', E'아', true),
(E'korean', E'아니', true),
(E'korean', E'아니나다를가', true),
(E'korean', E'아니라면', true),
(E'korean', E'아니면', true),
(E'korean', E'아니었다면', true),
(E'korean', E'아래윗', true),
(E'korean', E'아무거나', true),
(E'korean', E'아무도', true),
(E'korean', E'아야', true),
(E'korean', E'아울러', true),
(E'korean', E'아이', true),
(E'korean', E'아이고', true),
(E'korean', E'아이구', true),
(E'korean', E'아이야', true),
(E'korean', E'아이쿠', true),
(E'korean', E'아하', true),
(E'korean', E'아홉', true),
(E'korean', E'알았어', true),
(E'korean', E'앗', true),
(E'korean', E'앞에서', true),
(E'korean', E'앞의것', true),
(E'korean', E'야', true),
(E'korean', E'약간', true),
(E'korean', E'양자', true),
(E'korean', E'어', true),
(E'korean', E'어기여차', true),
(E'korean', E'어느', true),
(E'korean', E'어느것', true),
(E'korean', E'어느곳', true),
(E'korean', E'어느때', true),
(E'korean', E'어느쪽', true),
(E'korean', E'어느해', true),
(E'korean', E'어디', true),
(E'korean', E'어때', true),
(E'korean', E'어떠한', true),
(E'korean', E'어떤', true),
(E'korean', E'어떤것', true),
(E'korean', E'어떤것들', true),
(E'korean', E'어떻게', true),
(E'korean', E'어떻해', true),
(E'korean', E'어이', true),
(E'korean', E'어째서', true),
(E'korean', E'어쨋든', true),
(E'korean', E'어찌', true),
(E'korean', E'어찌됏든', true),
(E'korean', E'어찌됏어', true),
(E'korean', E'어찌하든지', true),
(E'korean', E'어찌하여', true),
(E'korean', E'언제', true),
(E'korean', E'언젠가', true),
(E'korean', E'얼마', true),
(E'korean', E'얼마간', true),
(E'korean', E'얼마나', true),
(E'korean', E'얼마든지', true),
(E'korean', E'얼마만큼', true),
(E'korean', E'얼마큼', true),
(E'korean', E'엉엉', true),
(E'korean', E'에', true),
(E'korean', E'에게', true),
(E'korean', E'에서', true),
(E'korean', E'여', true),
(E'korean', E'여기', true),
(E'korean', E'여덟', true),
(E'korean', E'여러분', true),
(E'korean', E'여보시오', true),
(E'korean', E'여부', true),
(E'korean', E'여섯', true),
(E'korean', E'여전히', true),
(E'korean', E'여차', true),
(E'korean', E'연관되다', true),
(E'korean', E'연이서', true),
(E'korean', E'영', true),
(E'korean', E'영차', true),
(E'korean', E'옆사람', true),
(E'korean', E'예', true),
(E'korean', E'예컨대', true),
(E'korean', E'예하면', true),
(E'korean', E'오', true),
(E'korean', E'오로지', true),
(E'korean', E'오르다', true),
(E'korean', E'오자마자', true),
(E'korean', E'오직', true),
(E'korean', E'오호', true),
(E'korean', E'오히려', true),
(E'korean', E'와', true),
(E'korean', E'와르르', true),
(E'korean', E'와아', true),
(E'korean', E'왜', true),
(E'korean', E'왜냐하면', true),
(E'korean', E'외에도', true),
(E'korean', E'요만큼', true),
(E'korean', E'요만한걸', true),
(E'korean', E'요컨대', true),
(E'korean', E'우르르', true),
(E'korean', E'우리', true),
(E'korean', E'우리들', true),
(E'korean', E'우선', true),
(E'korean', E'운운', true),
(E'korean', E'월', true),
(E'korean', E'위하여', true),
(E'korean', E'위해서', true),
(E'korean', E'윙윙', true),
(E'korean', E'육', true),
(E'korean', E'으로', true),
(E'korean', E'으로서', true),
(E'korean', E'으로써', true),
(E'korean', E'을', true),
(E'korean', E'응', true),
(E'korean', E'응당', true),
(E'korean', E'의', true),
(E'korean', E'의거하여', true),
(E'korean', E'의지하여', true),
(E'korean', E'의해', true),
(E'korean', E'의해되다', true),
(E'korean', E'의해서', true),
(E'korean', E'이', true),
(E'korean', E'이것', true),
(E'korean', E'이곳', true),
(E'korean', E'이때', true),
(E'korean', E'이라면', true),
(E'korean', E'이래', true),
(E'korean', E'이러이러하다', true),
(E'korean', E'이러한', true),
(E'korean', E'이런', true),
(E'korean', E'이럴정도로', true),
(E'korean', E'이렇게되면', true),
(E'korean', E'이렇게말하자면', true),
(E'korean', E'이렇구나', true),
(E'korean', E'이르기까지', true),
(E'korean', E'이리하여', true),
(E'korean', E'이만큼', true),
(E'korean', E'이번', true),
(E'korean', E'이봐', true),
(E'korean', E'이상', true),
(E'korean', E'이어서', true),
(E'korean', E'이었다', true),
(E'korean', E'이와같다면', true),
(E'korean', E'이외에도', true),
(E'korean', E'이용하여', true),
(E'korean', E'이유만으로', true),
(E'korean', E'이젠', true),
(E'korean', E'이지만', true),
(E'korean', E'이쪽', true),
(E'korean', E'이천구', true),
(E'korean', E'이천육', true),
(E'korean', E'이천칠', true),
(E'korean', E'이천팔', true),
(E'korean', E'인젠', true),
(E'korean', E'일', true),
(E'korean', E'일것이다', true),
(E'korean', E'일곱', true),
(E'korean', E'일단', true),
(E'korean', E'일때', true),
(E'korean', E'일반적으로', true),
(E'korean', E'일지라도', true),
(E'korean', E'입각하여', true),
(E'korean', E'입장에서', true),
(E'korean', E'잇따라', true),
(E'korean', E'있다', true),
(E'korean', E'자', true),
(E'korean', E'자기', true),
(E'korean', E'자기집', true),
(E'korean', E'자마자', true),
(E'korean', E'자신', true),
(E'korean', E'잠깐', true),
(E'korean', E'잠시', true),
(E'korean', E'저', true),
(E'korean', E'저것', true),
(E'korean', E'저것만큼', true),
(E'korean', E'저기', true),
(E'korean', E'저쪽', true),
(E'korean', E'저희', true),
(E'korean', E'전부', true),
(E'korean', E'전자', true),
(E'korean', E'전후', true),
(E'korean', E'제', true),
(E'korean', E'제각기', true),
(E'korean', E'제외하고', true),
(E'korean', E'조금', true),
(E'korean', E'조차', true),
(E'korean', E'조차도', true),
(E'korean', E'졸졸', true),
(E'korean', E'좀', true),
(E'korean', E'좋아', true),
(E'korean', E'좍좍', true),
(E'korean', E'주룩주룩', true),
(E'korean', E'줄은모른다', true),
(E'korean', E'중에서', true),
(E'korean', E'중의하나', true),
(E'korean', E'즈음하여', true),
(E'korean', E'즉', true),
(E'korean', E'즉시', true),
(E'korean', E'지든지', true),
(E'korean', E'지만', true),
(E'korean', E'지말고', true),
(E'korean', E'진짜로', true),
(E'korean', E'쪽으로', true),
(E'korean', E'차라리', true),
(E'korean', E'참', true),
(E'korean', E'참나', true),
(E'korean', E'첫번째로', true),
(E'korean', E'쳇', true),
(E'korean', E'총적으로', true),
(E'korean', E'칠', true),
(E'korean', E'콸콸', true),
(E'korean', E'쾅쾅', true),
(E'korean', E'쿵', true),
(E'korean', E'타다', true),
(E'korean', E'타인', true),
(E'korean', E'탕탕', true),
(E'korean', E'토하다', true),
(E'korean', E'통하여', true),
(E'korean', E'툭', true),
(E'korean', E'퉤', true),
(E'korean', E'틈타', true),
(E'korean', E'팍', true),
(E'korean', E'팔', true),
(E'korean', E'퍽', true),
(E'korean', E'펄렁', true),
(E'korean', E'하', true),
(E'korean', E'하게될것이다', true),
(E'korean', E'하게하다', true),
(E'korean', E'하겠는가', true),
(E'korean', E'하고있었다', true),
(E'korean', E'하곤하였다', true),
(E'korean', E'하구나', true),
(E'korean', E'하기는한데', true),
(E'korean', E'하기보다는', true),
(E'korean', E'하기에', true),
(E'korean', E'하나', true),
(E'korean', E'하느니', true),
(E'korean', E'하는것도', true),
(E'korean', E'하는바', true),
(E'korean', E'하더라도', true),
(E'korean', E'하도다', true),
(E'korean', E'하도록시키다', true),
(E'korean', E'하도록하다', true),
(E'korean', E'하든지', true),
(E'korean', E'하려고하다', true),
(E'korean', E'하마터면', true),
(E'korean', E'하면된다', true),
(E'korean', E'하면서', true),
(E'korean', E'하물며', true),
(E'korean', E'하여금', true),
(E'korean', E'하여야', true),
(E'korean', E'하자마자', true),
(E'korean', E'하지마', true),
(E'korean', E'하지마라', true),
(E'korean', E'하지만', true),
(E'korean', E'하하', true),
(E'korean', E'한다면', true),
(E'korean', E'한데', true),
(E'korean', E'한마디', true),
(E'korean', E'한적이있다', true),
(E'korean', E'한켠으로는', true),
(E'korean', E'한항목', true),
(E'korean', E'할때', true),
(E'korean', E'할만하다', true),
(E'korean', E'할망정', true),
(E'korean', E'할뿐', true),
(E'korean', E'할수있다', true),
(E'korean', E'할수있어', true),
(E'korean', E'할줄알다', true),
(E'korean', E'할지라도', true),
(E'korean', E'할지언정', true),
(E'korean', E'함께', true),
(E'korean', E'해도된다', true),
(E'korean', E'해도좋다', true),
(E'korean', E'해봐요', true),
(E'korean', E'해야한다', true),
(E'korean', E'해요', true),
(E'korean', E'했어요', true),
(E'korean', E'향하다', true),
(E'korean', E'향하여', true),
(E'korean', E'향해서', true),
(E'korean', E'허', true),
(E'korean', E'허걱', true),
(E'korean', E'허허', true),
(E'korean', E'헉', true),
(E'korean', E'헉헉', true),
(E'korean', E'헐떡헐떡', true),
(E'korean', E'혹시', true),
(E'korean', E'혹은', true),
(E'korean', E'혼자', true),
(E'korean', E'훨씬', true),
(E'korean', E'휘익', true),
(E'korean', E'휴', true),
(E'korean', E'흐흐', true),
(E'korean', E'흥', true),
(E'korean', E'힘입어', true),
(E'latvian', E'aiz', true),
(E'latvian', E'ap', true),
(E'latvian', E'apakš', true),
(E'latvian', E'apakšpus', true),
(E'latvian', E'ar', true),
(E'latvian', E'arī', true),
(E'latvian', E'augšpus', true),
(E'latvian', E'bet', true),
(E'latvian', E'bez', true),
(E'latvian', E'bija', true),
(E'latvian', E'biji', true),
(E'latvian', E'biju', true),
(E'latvian', E'bijām', true),
(E'latvian', E'bijāt', true),
(E'latvian', E'būs', true),
(E'latvian', E'būsi', true),
(E'latvian', E'būsiet', true),
(E'latvian', E'būsim', true),
(E'latvian', E'būt', true),
(E'latvian', E'būšu', true),
(E'latvian', E'caur', true),
(E'latvian', E'diemžēl', true),
(E'latvian', E'diezin', true),
(E'latvian', E'droši', true),
(E'latvian', E'dēļ', true),
(E'latvian', E'esam', true),
(E'latvian', E'esat', true),
(E'latvian', E'esi', true),
(E'latvian', E'esmu', true),
(E'latvian', E'gan', true),
(E'latvian', E'gar', true),
(E'latvian', E'iekam', true),
(E'latvian', E'iekams', true),
(E'latvian', E'iekām', true),
(E'latvian', E'iekāms', true),
(E'latvian', E'iekš', true),
(E'latvian', E'iekšpus', true),
(E'latvian', E'ik', true),
(E'latvian', E'ir', true),
(E'latvian', E'it', true),
(E'latvian', E'itin', true),
(E'latvian', E'iz', true),
(E'latvian', E'ja', true),
(E'latvian', E'jau', true),
(E'latvian', E'jeb', true),
(E'latvian', E'jebšu', true),
(E'latvian', E'jel', true),
(E'latvian', E'jo', true),
(E'latvian', E'jā', true),
(E'latvian', E'ka', true),
(E'latvian', E'kamēr', true),
(E'latvian', E'kaut', true),
(E'latvian', E'kolīdz', true),
(E'latvian', E'kopš', true),
(E'latvian', E'kā', true),
(E'latvian', E'kļuva', true),
(E'latvian', E'kļuvi', true),
(E'latvian', E'kļuvu', true),
(E'latvian', E'kļuvām', true),
(E'latvian', E'kļuvāt', true),
(E'latvian', E'kļūs', true),
(E'latvian', E'kļūsi', true),
(E'latvian', E'kļūsiet', true),
(E'latvian', E'kļūsim', true),
(E'latvian', E'kļūst', true),
(E'latvian', E'kļūstam', true),
(E'latvian', E'kļūstat', true),
(E'latvian', E'kļūsti', true),
(E'latvian', E'kļūstu', true),
(E'latvian', E'kļūt', true)
ON CONFLICT (language, word) DO NOTHING;

INSERT INTO tweetlda.stopwords (language, word, builtin) VALUES
(E'latvian', E'kļūšu', true),
(E'latvian', E'labad', true),
(E'latvian', E'lai', true),
(E'latvian', E'lejpus', true),
(E'latvian', E'līdz', true),
(E'latvian', E'līdzko', true),
(E'latvian', E'ne', true),
(E'latvian', E'nebūt', true),
(E'latvian', E'nedz', true),
(E'latvian', E'nekā', true),
(E'latvian', E'nevis', true),
(E'latvian', E'nezin', true),
(E'latvian', E'no', true),
(E'latvian', E'nu', true),
(E'latvian', E'nē', true),
(E'latvian', E'otrpus', true),
(E'latvian', E'pa', true),
(E'latvian', E'par', true),
(E'latvian', E'pat', true),
(E'latvian', E'pie', true),
(E'latvian', E'pirms', true),
(E'latvian', E'pret', true),
(E'latvian', E'priekš', true),
(E'latvian', E'pār', true),
(E'latvian', E'pēc', true),
(E'latvian', E'starp', true),
(E'latvian', E'tad', true),
(E'latvian', E'tak', true),
(E'latvian', E'tapi', true),
(E'latvian', E'taps', true),
(E'latvian', E'tapsi', true),
(E'latvian', E'tapsiet', true),
(E'latvian', E'tapsim', true),
(E'latvian', E'tapt', true),
(E'latvian', E'tapāt', true),
(E'latvian', E'tapšu', true),
(E'latvian', E'taču', true),
(E'latvian', E'te', true),
(E'latvian', E'tiec', true),
(E'latvian', E'tiek', true),
(E'latvian', E'tiekam', true),
(E'latvian', E'tiekat', true),
(E'latvian', E'tieku', true),
(E'latvian', E'tik', true),
(E'latvian', E'tika', true),
(E'latvian', E'tikai', true),
(E'latvian', E'tiki', true),
(E'latvian', E'tikko', true),
(E'latvian', E'tiklab', true),
(E'latvian', E'tiklīdz', true),
(E'latvian', E'tiks', true),
(E'latvian', E'tiksiet', true),
(E'latvian', E'tiksim', true),
(E'latvian', E'tikt', true),
(E'latvian', E'tiku', true),
(E'latvian', E'tikvien', true),
(E'latvian', E'tikām', true),
(E'latvian', E'tikāt', true),
(E'latvian', E'tikšu', true),
(E'latvian', E'tomēr', true),
(E'latvian', E'topat', true),
(E'latvian', E'turpretim', true),
(E'latvian', E'turpretī', true),
(E'latvian', E'tā', true),
(E'latvian', E'tādēļ', true),
(E'latvian', E'tālab', true),
(E'latvian', E'tāpēc', true),
(E'latvian', E'un', true),
(E'latvian', E'uz', true),
(E'latvian', E'vai', true),
(E'latvian', E'var', true),
(E'latvian', E'varat', true),
(E'latvian', E'varēja', true),
(E'latvian', E'varēji', true),
(E'latvian', E'varēju', true),
(E'latvian', E'varējām', true),
(E'latvian', E'varējāt', true),
(E'latvian', E'varēs', true),
(E'latvian', E'varēsi', true),
(E'latvian', E'varēsiet', true),
(E'latvian', E'varēsim', true),
(E'latvian', E'varēt', true),
(E'latvian', E'varēšu', true),
(E'latvian', E'vien', true),
(E'latvian', E'virs', true),
(E'latvian', E'virspus', true),
(E'latvian', E'vis', true),
(E'latvian', E'viņpus', true),
(E'latvian', E'zem', true),
(E'latvian', E'ārpus', true),
(E'latvian', E'šaipus', true),
(E'polish', E'a', true),
(E'polish', E'aby', true),
(E'polish', E'ach', true),
(E'polish', E'acz', true),
(E'polish', E'aczkolwiek', true),
(E'polish', E'aj', true),
(E'polish', E'albo', true),
(E'polish', E'ale', true),
(E'polish', E'ależ', true),
(E'polish', E'ani', true),
(E'polish', E'aż', true),
(E'polish', E'bardziej', true),
(E'polish', E'bardzo', true),
(E'polish', E'bez', true),
(E'polish', E'bo', true),
(E'polish', E'bowiem', true),
(E'polish', E'by', true),
(E'polish', E'byli', true),
(E'polish', E'bym', true),
(E'polish', E'bynajmniej', true),
(E'polish', E'być', true),
(E'polish', E'był', true),
(E'polish', E'była', true),
(E'polish', E'było', true),
(E'polish', E'były', true),
(E'polish', E'będzie', true),
(E'polish', E'będą', true),
(E'polish', E'cali', true),
(E'polish', E'cała', true),
(E'polish', E'cały', true),
(E'polish', E'chce', true),
(E'polish', E'choć', true),
(E'polish', E'ci', true),
(E'polish', E'ciebie', true),
(E'polish', E'cię', true),
(E'polish', E'co', true),
(E'polish', E'cokolwiek', true),
(E'polish', E'coraz', true),
(E'polish', E'coś', true),
(E'polish', E'czasami', true),
(E'polish', E'czasem', true),
(E'polish', E'czemu', true),
(E'polish', E'czy', true),
(E'polish', E'czyli', true),
(E'polish', E'często', true),
(E'polish', E'daleko', true),
(E'polish', E'dla', true),
(E'polish', E'dlaczego', true),
(E'polish', E'dlatego', true),
(E'polish', E'do', true),
(E'polish', E'dobrze', true),
(E'polish', E'dokąd', true),
(E'polish', E'dość', true),
(E'polish', E'dr', true),
(E'polish', E'dużo', true),
(E'polish', E'dwa', true),
(E'polish', E'dwaj', true),
(E'polish', E'dwie', true),
(E'polish', E'dwoje', true),
(E'polish', E'dzisiaj', true),
(E'polish', E'dziś', true),
(E'polish', E'gdy', true),
(E'polish', E'gdyby', true),
(E'polish', E'gdyż', true),
(E'polish', E'gdzie', true),
(E'polish', E'gdziekolwiek', true),
(E'polish', E'gdzieś', true),
(E'polish', E'go', true),
(E'polish', E'godz', true),
(E'polish', E'hab', true),
(E'polish', E'i', true),
(E'polish', E'ich', true),
(E'polish', E'ii', true),
(E'polish', E'iii', true),
(E'polish', E'ile', true),
(E'polish', E'im', true),
(E'polish', E'inna', true),
(E'polish', E'inne', true),
(E'polish', E'inny', true),
(E'polish', E'innych', true),
(E'polish', E'inż', true),
(E'polish', E'iv', true),
(E'polish', E'ix', true),
(E'polish', E'iż', true),
(E'polish', E'ja', true),
(E'polish', E'jak', true),
(E'polish', E'jakaś', true),
(E'polish', E'jakby', true),
(E'polish', E'jaki', true),
(E'polish', E'jakichś', true),
(E'polish', E'jakie', true),
(E'polish', E'jakiś', true),
(E'polish', E'jakiż', true),
(E'polish', E'jakkolwiek', true),
(E'polish', E'jako', true),
(E'polish', E'jakoś', true),
(E'polish', E'je', true),
(E'polish', E'jeden', true),
(E'polish', E'jedna', true),
(E'polish', E'jednak', true),
(E'polish', E'jednakże', true),
(E'polish', E'jedno', true),
(E'polish', E'jednym', true),
(E'polish', E'jedynie', true),
(E'polish', E'jego', true),
(E'polish', E'jej', true),
(E'polish', E'jemu', true),
(E'polish', E'jest', true),
(E'polish', E'jestem', true),
(E'polish', E'jeszcze', true),
(E'polish', E'jeśli', true),
(E'polish', E'jeżeli', true),
(E'polish', E'już', true),
(E'polish', E'ją', true),
(E'polish', E'każdy', true),
(E'polish', E'kiedy', true),
(E'polish', E'kierunku', true),
(E'polish', E'kilka', true),
(E'polish', E'kilku', true),
(E'polish', E'kimś', true),
(E'polish', E'kto', true),
(E'polish', E'ktokolwiek', true),
(E'polish', E'ktoś', true),
(E'polish', E'która', true),
(E'polish', E'które', true),
(E'polish', E'którego', true),
(E'polish', E'której', true),
(E'polish', E'który', true),
(E'polish', E'których', true),
(E'polish', E'którym', true),
(E'polish', E'którzy', true),
(E'polish', E'ku', true),
(E'polish', E'lat', true),
(E'polish', E'lecz', true),
(E'polish', E'lub', true),
(E'polish', E'ma', true),
(E'polish', E'mają', true),
(E'polish', E'mam', true),
(E'polish', E'mamy', true),
(E'polish', E'mało', true),
(E'polish', E'mgr', true),
(E'polish', E'mi', true),
(E'polish', E'miał', true),
(E'polish', E'mimo', true),
(E'polish', E'między', true),
(E'polish', E'mnie', true),
(E'polish', E'mną', true),
(E'polish', E'mogą', true),
(E'polish', E'moi', true),
(E'polish', E'moim', true),
(E'polish', E'moja', true),
(E'polish', E'moje', true),
(E'polish', E'może', true),
(E'polish', E'możliwe', true),
(E'polish', E'można', true),
(E'polish', E'mu', true),
(E'polish', E'musi', true),
(E'polish', E'my', true),
(E'polish', E'mój', true),
(E'polish', E'na', true),
(E'polish', E'nad', true),
(E'polish', E'nam', true),
(E'polish', E'nami', true),
(E'polish', E'nas', true),
(E'polish', E'nasi', true),
(E'polish', E'nasz', true),
(E'polish', E'nasza', true),
(E'polish', E'nasze', true),
(E'polish', E'naszego', true),
(E'polish', E'naszych', true),
(E'polish', E'natomiast', true),
(E'polish', E'natychmiast', true),
(E'polish', E'nawet', true),
(E'polish', E'nic', true),
(E'polish', E'nich', true),
(E'polish', E'nie', true),
(E'polish', E'niech', true),
(E'polish', E'niego', true),
(E'polish', E'niej', true),
(E'polish', E'niemu', true),
(E'polish', E'nigdy', true),
(E'polish', E'nim', true),
(E'polish', E'nimi', true),
(E'polish', E'nią', true),
(E'polish', E'niż', true),
(E'polish', E'no', true),
(E'polish', E'nowe', true),
(E'polish', E'np', true),
(E'polish', E'nr', true),
(E'polish', E'o', true),
(E'polish', E'obok', true),
(E'polish', E'od', true),
(E'polish', E'ok', true),
(E'polish', E'około', true),
(E'polish', E'on', true),
(E'polish', E'ona', true),
(E'polish', E'one', true),
(E'polish', E'oni', true),
(E'polish', E'ono', true),
(E'polish', E'oraz', true),
(E'polish', E'oto', true),
(E'polish', E'owszem', true),
(E'polish', E'pan', true),
(E'polish', E'pana', true),
(E'polish', E'pani', true),
(E'polish', E'pl', true),
(E'polish', E'po', true),
(E'polish', E'pod', true),
(E'polish', E'podczas', true),
(E'polish', E'pomimo', true),
(E'polish', E'ponad', true),
(E'polish', E'ponieważ', true),
(E'polish', E'powinien', true),
(E'polish', E'powinna', true),
(E'polish', E'powinni', true),
(E'polish', E'powinno', true),
(E'polish', E'poza', true),
(E'polish', E'prawie', true),
(E'polish', E'prof', true),
(E'polish', E'przecież', true),
(E'polish', E'przed', true),
(E'polish', E'przede', true),
(E'polish', E'przedtem', true),
(E'polish', E'przez', true),
(E'polish', E'przy', true),
(E'polish', E'raz', true),
(E'polish', E'razie', true),
(E'polish', E'roku', true),
(E'polish', E'również', true),
(E'polish', E'sam', true),
(E'polish', E'sama', true),
(E'polish', E'się', true),
(E'polish', E'skąd', true),
(E'polish', E'sobie', true),
(E'polish', E'sobą', true),
(E'polish', E'sposób', true),
(E'polish', E'swoje', true),
(E'polish', E'są', true),
(E'polish', E'ta', true),
(E'polish', E'tak', true),
(E'polish', E'taka', true),
(E'polish', E'taki', true),
(E'polish', E'takich', true),
(E'polish', E'takie', true),
(E'polish', E'także', true),
(E'polish', E'tam', true),
(E'polish', E'te', true),
(E'polish', E'tego', true),
(E'polish', E'tej', true),
(E'polish', E'tel', true),
(E'polish', E'temu', true),
(E'polish', E'ten', true),
(E'polish', E'teraz', true),
(E'polish', E'też', true),
(E'polish', E'to', true),
(E'polish', E'tobie', true),
(E'polish', E'tobą', true),
(E'polish', E'toteż', true),
(E'polish', E'totobą', true),
(E'polish', E'trzeba', true),
(E'polish', E'tu', true),
(E'polish', E'tutaj', true),
(E'polish', E'twoi', true),
(E'polish', E'twoim', true),
(E'polish', E'twoja', true),
(E'polish', E'twoje', true),
(E'polish', E'twym', true),
(E'polish', E'twój', true),
(E'polish', E'ty', true),
(E'polish', E'tych', true),
(E'polish', E'tylko', true),
(E'polish', E'tym', true),
(E'polish', E'tys', true),
(E'polish', E'tzw', true),
(E'polish', E'tę', true),
(E'polish', E'u', true),
(E'polish', E'ul', true),
(E'polish', E'vi', true),
(E'polish', E'vii', true),
(E'polish', E'viii', true),
(E'polish', E'vol', true),
(E'polish', E'w', true),
(E'polish', E'wam', true),
(E'polish', E'wami', true),
(E'polish', E'was', true),
(E'polish', E'wasi', true),
(E'polish', E'wasz', true),
(E'polish', E'wasza', true),
(E'polish', E'wasze', true),
(E'polish', E'we', true),
(E'polish', E'według', true),
(E'polish', E'wie', true),
(E'polish', E'wiele', true),
(E'polish', E'wielu', true),
(E'polish', E'więc', true),
(E'polish', E'więcej', true),
(E'polish', E'wszyscy', true),
(E'polish', E'wszystkich', true),
(E'polish', E'wszystkie', true),
(E'polish', E'wszystkim', true),
(E'polish', E'wszystko', true),
(E'polish', E'wtedy', true),
(E'polish', E'www', true),
(E'polish', E'wy', true),
(E'polish', E'właśnie', true),
(E'polish', E'wśród', true),
(E'polish', E'xi', true),
(E'polish', E'xii', true),
(E'polish', E'xiii', true),
(E'polish', E'xiv', true),
(E'polish', E'xv', true),
(E'polish', E'z', true),
(E'polish', E'za', true),
(E'polish', E'zapewne', true),
(E'polish', E'zawsze', true),
(E'polish', E'zaś', true),
(E'polish', E'ze', true),
(E'polish', E'zeznowu', true),
(E'polish', E'znowu', true),
(E'polish', E'znów', true),
(E'polish', E'został', true),
(E'polish', E'zł', true),
(E'polish', E'żaden', true),
(E'polish', E'żadna', true),
(E'polish', E'żadne', true),
(E'polish', E'żadnych', true),
(E'polish', E'że', true),
(E'polish', E'żeby', true),
(E'slovak', E'a', true),
(E'slovak', E'aby', true),
(E'slovak', E'aj', true),
(E'slovak', E'ak', true),
(E'slovak', E'akej', true),
(E'slovak', E'akejže', true),
(E'slovak', E'ako', true),
(E'slovak', E'akom', true),
(E'slovak', E'akomže', true),
(E'slovak', E'akou', true),
(E'slovak', E'akouže', true),
(E'slovak', E'akože', true),
(E'slovak', E'aká', true),
(E'slovak', E'akáže', true),
(E'slovak', E'aké', true),
(E'slovak', E'akého', true),
(E'slovak', E'akéhože', true),
(E'slovak', E'akému', true),
(E'slovak', E'akémuže', true),
(E'slovak', E'akéže', true),
(E'slovak', E'akú', true),
(E'slovak', E'akúže', true),
(E'slovak', E'aký', true),
(E'slovak', E'akých', true),
(E'slovak', E'akýchže', true),
(E'slovak', E'akým', true),
(E'slovak', E'akými', true),
(E'slovak', E'akýmiže', true),
(E'slovak', E'akýmže', true),
(E'slovak', E'akýže', true),
(E'slovak', E'ale', true),
(E'slovak', E'alebo', true),
(E'slovak', E'ani', true),
(E'slovak', E'asi', true),
(E'slovak', E'avšak', true),
(E'slovak', E'až', true),
(E'slovak', E'ba', true),
(E'slovak', E'bez', true),
(E'slovak', E'bezo', true),
(E'slovak', E'bol', true),
(E'slovak', E'bola', true),
(E'slovak', E'boli', true),
(E'slovak', E'bolo', true),
(E'slovak', E'bude', true),
(E'slovak', E'budem', true),
(E'slovak', E'budeme', true),
(E'slovak', E'budete', true),
(E'slovak', E'budeš', true),
(E'slovak', E'budú', true),
(E'slovak', E'buď', true),
(E'slovak', E'by', true),
(E'slovak', E'byť', true),
(E'slovak', E'cez', true),
(E'slovak', E'cezo', true),
(E'slovak', E'dnes', true),
(E'slovak', E'do', true),
(E'slovak', E'ešte', true),
(E'slovak', E'ho', true),
(E'slovak', E'hoci', true),
(E'slovak', E'i', true),
(E'slovak', E'iba', true),
(E'slovak', E'ich', true),
(E'slovak', E'im', true),
(E'slovak', E'inej', true),
(E'slovak', E'inom', true),
(E'slovak', E'iná', true),
(E'slovak', E'iné', true),
(E'slovak', E'iného', true),
(E'slovak', E'inému', true),
(E'slovak', E'iní', true),
(E'slovak', E'inú', true),
(E'slovak', E'iný', true),
(E'slovak', E'iných', true),
(E'slovak', E'iným', true),
(E'slovak', E'inými', true),
(E'slovak', E'ja', true),
(E'slovak', E'je', true),
(E'slovak', E'jeho', true),
(E'slovak', E'jej', true),
(E'slovak', E'jemu', true),
(E'slovak', E'ju', true)
ON CONFLICT (language, word) DO NOTHING;

INSERT INTO tweetlda.stopwords (language, word, builtin) VALUES
(E'slovak', E'k', true),
(E'slovak', E'kam', true),
(E'slovak', E'kamže', true),
(E'slovak', E'každou', true),
(E'slovak', E'každá', true),
(E'slovak', E'každé', true),
(E'slovak', E'každého', true),
(E'slovak', E'každému', true),
(E'slovak', E'každí', true),
(E'slovak', E'každú', true),
(E'slovak', E'každý', true),
(E'slovak', E'každých', true),
(E'slovak', E'každým', true),
(E'slovak', E'každými', true),
(E'slovak', E'kde', true),
(E'slovak', E'kej', true),
(E'slovak', E'kejže', true),
(E'slovak', E'keď', true),
(E'slovak', E'keďže', true),
(E'slovak', E'kie', true),
(E'slovak', E'kieho', true),
(E'slovak', E'kiehože', true),
(E'slovak', E'kiemu', true),
(E'slovak', E'kiemuže', true),
(E'slovak', E'kieže', true),
(E'slovak', E'koho', true),
(E'slovak', E'kom', true),
(E'slovak', E'komu', true),
(E'slovak', E'kou', true),
(E'slovak', E'kouže', true),
(E'slovak', E'kto', true),
(E'slovak', E'ktorej', true),
(E'slovak', E'ktorou', true),
(E'slovak', E'ktorá', true),
(E'slovak', E'ktoré', true),
(E'slovak', E'ktorí', true),
(E'slovak', E'ktorú', true),
(E'slovak', E'ktorý', true),
(E'slovak', E'ktorých', true),
(E'slovak', E'ktorým', true),
(E'slovak', E'ktorými', true),
(E'slovak', E'ku', true),
(E'slovak', E'ká', true),
(E'slovak', E'káže', true),
(E'slovak', E'ké', true),
(E'slovak', E'kéže', true),
(E'slovak', E'kú', true),
(E'slovak', E'kúže', true),
(E'slovak', E'ký', true),
(E'slovak', E'kýho', true),
(E'slovak', E'kýhože', true),
(E'slovak', E'kým', true),
(E'slovak', E'kýmu', true),
(E'slovak', E'kýmuže', true),
(E'slovak', E'kýže', true),
(E'slovak', E'lebo', true),
(E'slovak', E'leda', true),
(E'slovak', E'ledaže', true),
(E'slovak', E'len', true),
(E'slovak', E'ma', true),
(E'slovak', E'majú', true),
(E'slovak', E'mal', true),
(E'slovak', E'mala', true),
(E'slovak', E'mali', true),
(E'slovak', E'mať', true),
(E'slovak', E'medzi', true),
(E'slovak', E'mi', true),
(E'slovak', E'mne', true),
(E'slovak', E'mnou', true),
(E'slovak', E'moja', true),
(E'slovak', E'moje', true),
(E'slovak', E'mojej', true),
(E'slovak', E'mojich', true),
(E'slovak', E'mojim', true),
(E'slovak', E'mojimi', true),
(E'slovak', E'mojou', true),
(E'slovak', E'moju', true),
(E'slovak', E'možno', true),
(E'slovak', E'mu', true),
(E'slovak', E'musia', true),
(E'slovak', E'musieť', true),
(E'slovak', E'musí', true),
(E'slovak', E'musím', true),
(E'slovak', E'musíme', true),
(E'slovak', E'musíte', true),
(E'slovak', E'musíš', true),
(E'slovak', E'my', true),
(E'slovak', E'má', true),
(E'slovak', E'mám', true),
(E'slovak', E'máme', true),
(E'slovak', E'máte', true),
(E'slovak', E'máš', true),
(E'slovak', E'môcť', true),
(E'slovak', E'môj', true),
(E'slovak', E'môjho', true),
(E'slovak', E'môže', true),
(E'slovak', E'môžem', true),
(E'slovak', E'môžeme', true),
(E'slovak', E'môžete', true),
(E'slovak', E'môžeš', true),
(E'slovak', E'môžu', true),
(E'slovak', E'mňa', true),
(E'slovak', E'na', true),
(E'slovak', E'nad', true),
(E'slovak', E'nado', true),
(E'slovak', E'najmä', true),
(E'slovak', E'nami', true),
(E'slovak', E'naša', true),
(E'slovak', E'naše', true),
(E'slovak', E'našej', true),
(E'slovak', E'naši', true),
(E'slovak', E'našich', true),
(E'slovak', E'našim', true),
(E'slovak', E'našimi', true),
(E'slovak', E'našou', true),
(E'slovak', E'ne', true),
(E'slovak', E'nech', true),
(E'slovak', E'neho', true),
(E'slovak', E'nej', true),
(E'slovak', E'nejakej', true),
(E'slovak', E'nejakom', true),
(E'slovak', E'nejakou', true),
(E'slovak', E'nejaká', true),
(E'slovak', E'nejaké', true),
(E'slovak', E'nejakého', true),
(E'slovak', E'nejakému', true),
(E'slovak', E'nejakú', true),
(E'slovak', E'nejaký', true),
(E'slovak', E'nejakých', true),
(E'slovak', E'nejakým', true),
(E'slovak', E'nejakými', true),
(E'slovak', E'nemu', true),
(E'slovak', E'než', true),
(E'slovak', E'nich', true),
(E'slovak', E'nie', true),
(E'slovak', E'niektorej', true),
(E'slovak', E'niektorom', true),
(E'slovak', E'niektorou', true),
(E'slovak', E'niektorá', true),
(E'slovak', E'niektoré', true),
(E'slovak', E'niektorého', true),
(E'slovak', E'niektorému', true),
(E'slovak', E'niektorú', true),
(E'slovak', E'niektorý', true),
(E'slovak', E'niektorých', true),
(E'slovak', E'niektorým', true),
(E'slovak', E'niektorými', true),
(E'slovak', E'nielen', true),
(E'slovak', E'niečo', true),
(E'slovak', E'nim', true),
(E'slovak', E'nimi', true),
(E'slovak', E'nič', true),
(E'slovak', E'ničoho', true),
(E'slovak', E'ničom', true),
(E'slovak', E'ničomu', true),
(E'slovak', E'ničím', true),
(E'slovak', E'no', true),
(E'slovak', E'nám', true),
(E'slovak', E'nás', true),
(E'slovak', E'náš', true),
(E'slovak', E'nášho', true),
(E'slovak', E'ním', true),
(E'slovak', E'o', true),
(E'slovak', E'od', true),
(E'slovak', E'odo', true),
(E'slovak', E'on', true),
(E'slovak', E'ona', true),
(E'slovak', E'oni', true),
(E'slovak', E'ono', true),
(E'slovak', E'ony', true),
(E'slovak', E'oň', true),
(E'slovak', E'oňho', true),
(E'slovak', E'po', true),
(E'slovak', E'pod', true),
(E'slovak', E'podo', true),
(E'slovak', E'podľa', true),
(E'slovak', E'pokiaľ', true),
(E'slovak', E'popod', true),
(E'slovak', E'popri', true),
(E'slovak', E'potom', true),
(E'slovak', E'poza', true),
(E'slovak', E'pre', true),
(E'slovak', E'pred', true),
(E'slovak', E'predo', true),
(E'slovak', E'preto', true),
(E'slovak', E'pretože', true),
(E'slovak', E'prečo', true),
(E'slovak', E'pri', true),
(E'slovak', E'práve', true),
(E'slovak', E's', true),
(E'slovak', E'sa', true),
(E'slovak', E'seba', true),
(E'slovak', E'sebe', true),
(E'slovak', E'sebou', true),
(E'slovak', E'sem', true),
(E'slovak', E'si', true),
(E'slovak', E'sme', true),
(E'slovak', E'so', true),
(E'slovak', E'som', true),
(E'slovak', E'ste', true),
(E'slovak', E'svoj', true),
(E'slovak', E'svoja', true),
(E'slovak', E'svoje', true),
(E'slovak', E'svojho', true),
(E'slovak', E'svojich', true),
(E'slovak', E'svojim', true),
(E'slovak', E'svojimi', true),
(E'slovak', E'svojou', true),
(E'slovak', E'svoju', true),
(E'slovak', E'svojím', true),
(E'slovak', E'sú', true),
(E'slovak', E'ta', true),
(E'slovak', E'tak', true),
(E'slovak', E'takej', true),
(E'slovak', E'takejto', true),
(E'slovak', E'taká', true),
(E'slovak', E'takáto', true),
(E'slovak', E'také', true),
(E'slovak', E'takého', true),
(E'slovak', E'takéhoto', true),
(E'slovak', E'takému', true),
(E'slovak', E'takémuto', true),
(E'slovak', E'takéto', true),
(E'slovak', E'takí', true),
(E'slovak', E'takú', true),
(E'slovak', E'takúto', true),
(E'slovak', E'taký', true),
(E'slovak', E'takýto', true),
(E'slovak', E'takže', true),
(E'slovak', E'tam', true),
(E'slovak', E'teba', true),
(E'slovak', E'tebe', true),
(E'slovak', E'tebou', true),
(E'slovak', E'teda', true),
(E'slovak', E'tej', true),
(E'slovak', E'tejto', true),
(E'slovak', E'ten', true),
(E'slovak', E'tento', true),
(E'slovak', E'ti', true),
(E'slovak', E'tie', true),
(E'slovak', E'tieto', true),
(E'slovak', E'tiež', true),
(E'slovak', E'to', true),
(E'slovak', E'toho', true),
(E'slovak', E'tohoto', true),
(E'slovak', E'tohto', true),
(E'slovak', E'tom', true),
(E'slovak', E'tomto', true),
(E'slovak', E'tomu', true),
(E'slovak', E'tomuto', true),
(E'slovak', E'toto', true),
(E'slovak', E'tou', true),
(E'slovak', E'touto', true),
(E'slovak', E'tu', true),
(E'slovak', E'tvoj', true),
(E'slovak', E'tvoja', true),
(E'slovak', E'tvoje', true),
(E'slovak', E'tvojej', true),
(E'slovak', E'tvojho', true),
(E'slovak', E'tvoji', true),
(E'slovak', E'tvojich', true),
(E'slovak', E'tvojim', true),
(E'slovak', E'tvojimi', true),
(E'slovak', E'tvojím', true),
(E'slovak', E'ty', true),
(E'slovak', E'tá', true),
(E'slovak', E'táto', true),
(E'slovak', E'tí', true),
(E'slovak', E'títo', true),
(E'slovak', E'tú', true),
(E'slovak', E'túto', true),
(E'slovak', E'tých', true),
(E'slovak', E'tým', true),
(E'slovak', E'tými', true),
(E'slovak', E'týmto', true),
(E'slovak', E'u', true),
(E'slovak', E'už', true),
(E'slovak', E'v', true),
(E'slovak', E'vami', true),
(E'slovak', E'vaša', true),
(E'slovak', E'vaše', true),
(E'slovak', E'vašej', true),
(E'slovak', E'vaši', true),
(E'slovak', E'vašich', true),
(E'slovak', E'vašim', true),
(E'slovak', E'vaším', true),
(E'slovak', E'veď', true),
(E'slovak', E'viac', true),
(E'slovak', E'vo', true),
(E'slovak', E'vy', true),
(E'slovak', E'vám', true),
(E'slovak', E'vás', true),
(E'slovak', E'váš', true),
(E'slovak', E'vášho', true),
(E'slovak', E'však', true),
(E'slovak', E'všetci', true),
(E'slovak', E'všetka', true),
(E'slovak', E'všetko', true),
(E'slovak', E'všetky', true),
(E'slovak', E'všetok', true),
(E'slovak', E'z', true),
(E'slovak', E'za', true),
(E'slovak', E'začo', true),
(E'slovak', E'začože', true),
(E'slovak', E'zo', true),
(E'slovak', E'áno', true),
(E'slovak', E'čej', true),
(E'slovak', E'či', true),
(E'slovak', E'čia', true),
(E'slovak', E'čie', true),
(E'slovak', E'čieho', true),
(E'slovak', E'čiemu', true),
(E'slovak', E'čiu', true),
(E'slovak', E'čo', true),
(E'slovak', E'čoho', true),
(E'slovak', E'čom', true),
(E'slovak', E'čomu', true),
(E'slovak', E'čou', true),
(E'slovak', E'čože', true),
(E'slovak', E'čí', true),
(E'slovak', E'čím', true),
(E'slovak', E'čími', true),
(E'slovak', E'ďalšia', true),
(E'slovak', E'ďalšie', true),
(E'slovak', E'ďalšieho', true),
(E'slovak', E'ďalšiemu', true),
(E'slovak', E'ďalšiu', true),
(E'slovak', E'ďalšom', true),
(E'slovak', E'ďalšou', true),
(E'slovak', E'ďalší', true),
(E'slovak', E'ďalších', true),
(E'slovak', E'ďalším', true),
(E'slovak', E'ďalšími', true),
(E'slovak', E'ňom', true),
(E'slovak', E'ňou', true),
(E'slovak', E'ňu', true),
(E'slovak', E'že', true),
(E'slovenian', E'a', true),
(E'slovenian', E'ali', true),
(E'slovenian', E'april', true),
(E'slovenian', E'avgust', true),
(E'slovenian', E'b', true),
(E'slovenian', E'bi', true),
(E'slovenian', E'bil', true),
(E'slovenian', E'bila', true),
(E'slovenian', E'bile', true),
(E'slovenian', E'bili', true),
(E'slovenian', E'bilo', true),
(E'slovenian', E'biti', true),
(E'slovenian', E'blizu', true),
(E'slovenian', E'bo', true),
(E'slovenian', E'bodo', true),
(E'slovenian', E'bojo', true),
(E'slovenian', E'bolj', true),
(E'slovenian', E'bom', true),
(E'slovenian', E'bomo', true),
(E'slovenian', E'boste', true),
(E'slovenian', E'bova', true),
(E'slovenian', E'boš', true),
(E'slovenian', E'brez', true),
(E'slovenian', E'c', true),
(E'slovenian', E'cel', true),
(E'slovenian', E'cela', true),
(E'slovenian', E'celi', true),
(E'slovenian', E'celo', true),
(E'slovenian', E'd', true),
(E'slovenian', E'da', true),
(E'slovenian', E'daleč', true),
(E'slovenian', E'dan', true),
(E'slovenian', E'danes', true),
(E'slovenian', E'datum', true),
(E'slovenian', E'december', true),
(E'slovenian', E'deset', true),
(E'slovenian', E'deseta', true),
(E'slovenian', E'deseti', true),
(E'slovenian', E'deseto', true),
(E'slovenian', E'devet', true),
(E'slovenian', E'deveta', true),
(E'slovenian', E'deveti', true),
(E'slovenian', E'deveto', true),
(E'slovenian', E'do', true),
(E'slovenian', E'dober', true),
(E'slovenian', E'dobra', true),
(E'slovenian', E'dobri', true),
(E'slovenian', E'dobro', true),
(E'slovenian', E'dokler', true),
(E'slovenian', E'dol', true),
(E'slovenian', E'dolg', true),
(E'slovenian', E'dolga', true),
(E'slovenian', E'dolgi', true),
(E'slovenian', E'dovolj', true),
(E'slovenian', E'drug', true),
(E'slovenian', E'druga', true),
(E'slovenian', E'drugi', true),
(E'slovenian', E'drugo', true),
(E'slovenian', E'dva', true),
(E'slovenian', E'dve', true),
(E'slovenian', E'e', true),
(E'slovenian', E'eden', true),
(E'slovenian', E'en', true),
(E'slovenian', E'ena', true),
(E'slovenian', E'ene', true),
(E'slovenian', E'eni', true),
(E'slovenian', E'enkrat', true),
(E'slovenian', E'eno', true),
(E'slovenian', E'f', true),
(E'slovenian', E'februar', true),
(E'slovenian', E'g', true),
(E'slovenian', E'ga', true),
(E'slovenian', E'gor', true),
(E'slovenian', E'gospa', true),
(E'slovenian', E'gospod', true),
(E'slovenian', E'h', true),
(E'slovenian', E'halo', true),
(E'slovenian', E'i', true),
(E'slovenian', E'ii', true),
(E'slovenian', E'iii', true),
(E'slovenian', E'in', true),
(E'slovenian', E'iv', true),
(E'slovenian', E'ix', true),
(E'slovenian', E'iz', true),
(E'slovenian', E'j', true),
(E'slovenian', E'januar', true),
(E'slovenian', E'jaz', true),
(E'slovenian', E'je', true),
(E'slovenian', E'ji', true),
(E'slovenian', E'jih', true),
(E'slovenian', E'jim', true),
(E'slovenian', E'jo', true),
(E'slovenian', E'julij', true),
(E'slovenian', E'junij', true),
(E'slovenian', E'jutri', true),
(E'slovenian', E'k', true),
(E'slovenian', E'kadarkoli', true),
(E'slovenian', E'kaj', true),
(E'slovenian', E'kajti', true),
(E'slovenian', E'kako', true),
(E'slovenian', E'kakor', true),
(E'slovenian', E'kamor', true),
(E'slovenian', E'kamorkoli', true),
(E'slovenian', E'kar', true),
(E'slovenian', E'karkoli', true),
(E'slovenian', E'katerikoli', true),
(E'slovenian', E'kdaj', true),
(E'slovenian', E'kdo', true),
(E'slovenian', E'kdorkoli', true),
(E'slovenian', E'ker', true),
(E'slovenian', E'ki', true),
(E'slovenian', E'kje', true),
(E'slovenian', E'kjer', true),
(E'slovenian', E'kjerkoli', true),
(E'slovenian', E'ko', true),
(E'slovenian', E'koder', true),
(E'slovenian', E'koderkoli', true),
(E'slovenian', E'koga', true),
(E'slovenian', E'komu', true),
(E'slovenian', E'kot', true),
(E'slovenian', E'kratek', true),
(E'slovenian', E'kratka', true),
(E'slovenian', E'kratke', true),
(E'slovenian', E'kratki', true),
(E'slovenian', E'l', true),
(E'slovenian', E'lahka', true),
(E'slovenian', E'lahke', true),
(E'slovenian', E'lahki', true),
(E'slovenian', E'lahko', true),
(E'slovenian', E'le', true),
(E'slovenian', E'lep', true),
(E'slovenian', E'lepa', true),
(E'slovenian', E'lepe', true),
(E'slovenian', E'lepi', true),
(E'slovenian', E'lepo', true),
(E'slovenian', E'leto', true),
(E'slovenian', E'm', true),
(E'slovenian', E'maj', true),
(E'slovenian', E'majhen', true),
(E'slovenian', E'majhna', true),
(E'slovenian', E'majhni', true),
(E'slovenian', E'malce', true),
(E'slovenian', E'malo', true),
(E'slovenian', E'manj', true),
(E'slovenian', E'marec', true),
(E'slovenian', E'me', true),
(E'slovenian', E'med', true),
(E'slovenian', E'medtem', true),
(E'slovenian', E'mene', true),
(E'slovenian', E'mesec', true),
(E'slovenian', E'mi', true),
(E'slovenian', E'midva', true),
(E'slovenian', E'midve', true),
(E'slovenian', E'mnogo', true),
(E'slovenian', E'moj', true),
(E'slovenian', E'moja', true),
(E'slovenian', E'moje', true),
(E'slovenian', E'mora', true),
(E'slovenian', E'morajo', true),
(E'slovenian', E'moram', true),
(E'slovenian', E'moramo', true),
(E'slovenian', E'morate', true),
(E'slovenian', E'moraš', true)
ON CONFLICT (language, word) DO NOTHING;

INSERT INTO tweetlda.stopwords (language, word, builtin) VALUES
(E'slovenian', E'morem', true),
(E'slovenian', E'mu', true),
(E'slovenian', E'n', true),
(E'slovenian', E'na', true),
(E'slovenian', E'nad', true),
(E'slovenian', E'naj', true),
(E'slovenian', E'najina', true),
(E'slovenian', E'najino', true),
(E'slovenian', E'najmanj', true),
(E'slovenian', E'naju', true),
(E'slovenian', E'največ', true),
(E'slovenian', E'nam', true),
(E'slovenian', E'narobe', true),
(E'slovenian', E'nas', true),
(E'slovenian', E'nato', true),
(E'slovenian', E'nazaj', true),
(E'slovenian', E'naš', true),
(E'slovenian', E'naša', true),
(E'slovenian', E'naše', true),
(E'slovenian', E'ne', true),
(E'slovenian', E'nedavno', true),
(E'slovenian', E'nedelja', true),
(E'slovenian', E'nek', true),
(E'slovenian', E'neka', true),
(E'slovenian', E'nekaj', true),
(E'slovenian', E'nekatere', true),
(E'slovenian', E'nekateri', true),
(E'slovenian', E'nekatero', true),
(E'slovenian', E'nekdo', true),
(E'slovenian', E'neke', true),
(E'slovenian', E'nekega', true),
(E'slovenian', E'neki', true),
(E'slovenian', E'nekje', true),
(E'slovenian', E'neko', true),
(E'slovenian', E'nekoga', true),
(E'slovenian', E'nekoč', true),
(E'slovenian', E'ni', true),
(E'slovenian', E'nikamor', true),
(E'slovenian', E'nikdar', true),
(E'slovenian', E'nikjer', true),
(E'slovenian', E'nikoli', true),
(E'slovenian', E'nič', true),
(E'slovenian', E'nje', true),
(E'slovenian', E'njega', true),
(E'slovenian', E'njegov', true),
(E'slovenian', E'njegova', true),
(E'slovenian', E'njegovo', true),
(E'slovenian', E'njej', true),
(E'slovenian', E'njemu', true),
(E'slovenian', E'njen', true),
(E'slovenian', E'njena', true),
(E'slovenian', E'njeno', true),
(E'slovenian', E'nji', true),
(E'slovenian', E'njih', true),
(E'slovenian', E'njihov', true),
(E'slovenian', E'njihova', true),
(E'slovenian', E'njihovo', true),
(E'slovenian', E'njiju', true),
(E'slovenian', E'njim', true),
(E'slovenian', E'njo', true),
(E'slovenian', E'njun', true),
(E'slovenian', E'njuna', true),
(E'slovenian', E'njuno', true),
(E'slovenian', E'no', true),
(E'slovenian', E'nocoj', true),
(E'slovenian', E'november', true),
(E'slovenian', E'o', true),
(E'slovenian', E'ob', true),
(E'slovenian', E'oba', true),
(E'slovenian', E'obe', true),
(E'slovenian', E'oboje', true),
(E'slovenian', E'od', true),
(E'slovenian', E'odprt', true),
(E'slovenian', E'odprta', true),
(E'slovenian', E'odprti', true),
(E'slovenian', E'okoli', true),
(E'slovenian', E'oktober', true),
(E'slovenian', E'on', true),
(E'slovenian', E'onadva', true),
(E'slovenian', E'one', true),
(E'slovenian', E'oni', true),
(E'slovenian', E'onidve', true),
(E'slovenian', E'osem', true),
(E'slovenian', E'osma', true),
(E'slovenian', E'osmi', true),
(E'slovenian', E'osmo', true),
(E'slovenian', E'p', true),
(E'slovenian', E'pa', true),
(E'slovenian', E'pet', true),
(E'slovenian', E'peta', true),
(E'slovenian', E'petek', true),
(E'slovenian', E'peti', true),
(E'slovenian', E'peto', true),
(E'slovenian', E'po', true),
(E'slovenian', E'pod', true),
(E'slovenian', E'pogosto', true),
(E'slovenian', E'poleg', true),
(E'slovenian', E'poln', true),
(E'slovenian', E'polna', true),
(E'slovenian', E'polni', true),
(E'slovenian', E'polno', true),
(E'slovenian', E'ponavadi', true),
(E'slovenian', E'ponedeljek', true),
(E'slovenian', E'ponovno', true),
(E'slovenian', E'potem', true),
(E'slovenian', E'povsod', true),
(E'slovenian', E'pozdravljen', true),
(E'slovenian', E'pozdravljeni', true),
(E'slovenian', E'prav', true),
(E'slovenian', E'prava', true),
(E'slovenian', E'prave', true),
(E'slovenian', E'pravi', true),
(E'slovenian', E'pravo', true),
(E'slovenian', E'prazen', true),
(E'slovenian', E'prazna', true),
(E'slovenian', E'prazno', true),
(E'slovenian', E'precej', true),
(E'slovenian', E'pred', true),
(E'slovenian', E'prej', true),
(E'slovenian', E'preko', true),
(E'slovenian', E'pri', true),
(E'slovenian', E'približno', true),
(E'slovenian', E'primer', true),
(E'slovenian', E'pripravljen', true),
(E'slovenian', E'pripravljena', true),
(E'slovenian', E'pripravljeni', true),
(E'slovenian', E'proti', true),
(E'slovenian', E'prva', true),
(E'slovenian', E'prvi', true),
(E'slovenian', E'prvo', true),
(E'slovenian', E'r', true),
(E'slovenian', E'ravno', true),
(E'slovenian', E'redko', true),
(E'slovenian', E'res', true),
(E'slovenian', E'reč', true),
(E'slovenian', E's', true),
(E'slovenian', E'saj', true),
(E'slovenian', E'sam', true),
(E'slovenian', E'sama', true),
(E'slovenian', E'same', true),
(E'slovenian', E'sami', true),
(E'slovenian', E'samo', true),
(E'slovenian', E'se', true),
(E'slovenian', E'sebe', true),
(E'slovenian', E'sebi', true),
(E'slovenian', E'sedaj', true),
(E'slovenian', E'sedem', true),
(E'slovenian', E'sedma', true),
(E'slovenian', E'sedmi', true),
(E'slovenian', E'sedmo', true),
(E'slovenian', E'sem', true),
(E'slovenian', E'september', true),
(E'slovenian', E'seveda', true),
(E'slovenian', E'si', true),
(E'slovenian', E'sicer', true),
(E'slovenian', E'skoraj', true),
(E'slovenian', E'skozi', true),
(E'slovenian', E'slab', true),
(E'slovenian', E'smo', true),
(E'slovenian', E'so', true),
(E'slovenian', E'sobota', true),
(E'slovenian', E'spet', true),
(E'slovenian', E'sreda', true),
(E'slovenian', E'srednja', true),
(E'slovenian', E'srednji', true),
(E'slovenian', E'sta', true),
(E'slovenian', E'ste', true),
(E'slovenian', E'stran', true),
(E'slovenian', E'stvar', true),
(E'slovenian', E'sva', true),
(E'slovenian', E't', true),
(E'slovenian', E'ta', true),
(E'slovenian', E'tak', true),
(E'slovenian', E'taka', true),
(E'slovenian', E'take', true),
(E'slovenian', E'taki', true),
(E'slovenian', E'tako', true),
(E'slovenian', E'takoj', true),
(E'slovenian', E'tam', true),
(E'slovenian', E'te', true),
(E'slovenian', E'tebe', true),
(E'slovenian', E'tebi', true),
(E'slovenian', E'tega', true),
(E'slovenian', E'težak', true),
(E'slovenian', E'težka', true),
(E'slovenian', E'težki', true),
(E'slovenian', E'težko', true),
(E'slovenian', E'ti', true),
(E'slovenian', E'tista', true),
(E'slovenian', E'tiste', true),
(E'slovenian', E'tisti', true),
(E'slovenian', E'tisto', true),
(E'slovenian', E'tja', true),
(E'slovenian', E'to', true),
(E'slovenian', E'toda', true),
(E'slovenian', E'torek', true),
(E'slovenian', E'tretja', true),
(E'slovenian', E'tretje', true),
(E'slovenian', E'tretji', true),
(E'slovenian', E'tri', true),
(E'slovenian', E'tu', true),
(E'slovenian', E'tudi', true),
(E'slovenian', E'tukaj', true),
(E'slovenian', E'tvoj', true),
(E'slovenian', E'tvoja', true),
(E'slovenian', E'tvoje', true),
(E'slovenian', E'u', true),
(E'slovenian', E'v', true),
(E'slovenian', E'vaju', true),
(E'slovenian', E'vam', true),
(E'slovenian', E'vas', true),
(E'slovenian', E'vaš', true),
(E'slovenian', E'vaša', true),
(E'slovenian', E'vaše', true),
(E'slovenian', E've', true),
(E'slovenian', E'vedno', true),
(E'slovenian', E'velik', true),
(E'slovenian', E'velika', true),
(E'slovenian', E'veliki', true),
(E'slovenian', E'veliko', true),
(E'slovenian', E'vendar', true),
(E'slovenian', E'ves', true),
(E'slovenian', E'več', true),
(E'slovenian', E'vi', true),
(E'slovenian', E'vidva', true),
(E'slovenian', E'vii', true),
(E'slovenian', E'viii', true),
(E'slovenian', E'visok', true),
(E'slovenian', E'visoka', true),
(E'slovenian', E'visoke', true),
(E'slovenian', E'visoki', true),
(E'slovenian', E'vsa', true),
(E'slovenian', E'vsaj', true),
(E'slovenian', E'vsak', true),
(E'slovenian', E'vsaka', true),
(E'slovenian', E'vsakdo', true),
(E'slovenian', E'vsake', true),
(E'slovenian', E'vsaki', true),
(E'slovenian', E'vsakomur', true),
(E'slovenian', E'vse', true),
(E'slovenian', E'vsega', true),
(E'slovenian', E'vsi', true),
(E'slovenian', E'vso', true),
(E'slovenian', E'včasih', true),
(E'slovenian', E'včeraj', true),
(E'slovenian', E'x', true),
(E'slovenian', E'z', true),
(E'slovenian', E'za', true),
(E'slovenian', E'zadaj', true),
(E'slovenian', E'zadnji', true),
(E'slovenian', E'zakaj', true),
(E'slovenian', E'zaprta', true),
(E'slovenian', E'zaprti', true),
(E'slovenian', E'zaprto', true),
(E'slovenian', E'zdaj', true),
(E'slovenian', E'zelo', true),
(E'slovenian', E'zunaj', true),
(E'slovenian', E'č', true),
(E'slovenian', E'če', true),
(E'slovenian', E'često', true),
(E'slovenian', E'četrta', true),
(E'slovenian', E'četrtek', true),
(E'slovenian', E'četrti', true),
(E'slovenian', E'četrto', true),
(E'slovenian', E'čez', true),
(E'slovenian', E'čigav', true),
(E'slovenian', E'š', true),
(E'slovenian', E'šest', true),
(E'slovenian', E'šesta', true),
(E'slovenian', E'šesti', true),
(E'slovenian', E'šesto', true),
(E'slovenian', E'štiri', true),
(E'slovenian', E'ž', true),
(E'slovenian', E'že', true),
(E'swahili', E'akasema', true),
(E'swahili', E'alikuwa', true),
(E'swahili', E'alisema', true),
(E'swahili', E'baada', true),
(E'swahili', E'basi', true),
(E'swahili', E'bila', true),
(E'swahili', E'cha', true),
(E'swahili', E'chini', true),
(E'swahili', E'hadi', true),
(E'swahili', E'hapo', true),
(E'swahili', E'hata', true),
(E'swahili', E'hivyo', true),
(E'swahili', E'hiyo', true),
(E'swahili', E'huku', true),
(E'swahili', E'huo', true),
(E'swahili', E'ili', true),
(E'swahili', E'ilikuwa', true),
(E'swahili', E'juu', true),
(E'swahili', E'kama', true),
(E'swahili', E'karibu', true),
(E'swahili', E'katika', true),
(E'swahili', E'kila', true),
(E'swahili', E'kima', true),
(E'swahili', E'kisha', true),
(E'swahili', E'kubwa', true),
(E'swahili', E'kutoka', true),
(E'swahili', E'kuwa', true),
(E'swahili', E'kwa', true),
(E'swahili', E'kwamba', true),
(E'swahili', E'kwenda', true),
(E'swahili', E'kwenye', true),
(E'swahili', E'la', true),
(E'swahili', E'lakini', true),
(E'swahili', E'mara', true),
(E'swahili', E'mdogo', true),
(E'swahili', E'mimi', true),
(E'swahili', E'mkubwa', true),
(E'swahili', E'mmoja', true),
(E'swahili', E'moja', true),
(E'swahili', E'muda', true),
(E'swahili', E'mwenye', true),
(E'swahili', E'na', true),
(E'swahili', E'naye', true),
(E'swahili', E'ndani', true),
(E'swahili', E'ng', true),
(E'swahili', E'ni', true),
(E'swahili', E'nini', true),
(E'swahili', E'nonkungu', true),
(E'swahili', E'pamoja', true),
(E'swahili', E'pia', true),
(E'swahili', E'sana', true),
(E'swahili', E'sasa', true),
(E'swahili', E'sauti', true),
(E'swahili', E'tafadhali', true),
(E'swahili', E'tena', true),
(E'swahili', E'tu', true),
(E'swahili', E'vile', true),
(E'swahili', E'wa', true),
(E'swahili', E'wakati', true),
(E'swahili', E'wake', true),
(E'swahili', E'walikuwa', true),
(E'swahili', E'wao', true),
(E'swahili', E'watu', true),
(E'swahili', E'wengine', true),
(E'swahili', E'wote', true),
(E'swahili', E'ya', true),
(E'swahili', E'yake', true),
(E'swahili', E'yangu', true),
(E'swahili', E'yao', true),
(E'swahili', E'yeye', true),
(E'swahili', E'yule', true),
(E'swahili', E'za', true),
(E'swahili', E'zaidi', true),
(E'swahili', E'zake', true),
(E'tagalog', E'akin', true),
(E'tagalog', E'aking', true),
(E'tagalog', E'ako', true),
(E'tagalog', E'alin', true),
(E'tagalog', E'am', true),
(E'tagalog', E'amin', true),
(E'tagalog', E'aming', true),
(E'tagalog', E'ang', true),
(E'tagalog', E'ano', true),
(E'tagalog', E'anumang', true),
(E'tagalog', E'apat', true),
(E'tagalog', E'at', true),
(E'tagalog', E'atin', true),
(E'tagalog', E'ating', true),
(E'tagalog', E'ay', true),
(E'tagalog', E'bababa', true),
(E'tagalog', E'bago', true),
(E'tagalog', E'bakit', true),
(E'tagalog', E'bawat', true),
(E'tagalog', E'bilang', true),
(E'tagalog', E'dahil', true),
(E'tagalog', E'dalawa', true),
(E'tagalog', E'dapat', true),
(E'tagalog', E'din', true),
(E'tagalog', E'dito', true),
(E'tagalog', E'doon', true),
(E'tagalog', E'gagawin', true),
(E'tagalog', E'gayunman', true),
(E'tagalog', E'ginagawa', true),
(E'tagalog', E'ginawa', true),
(E'tagalog', E'ginawang', true),
(E'tagalog', E'gumawa', true),
(E'tagalog', E'gusto', true),
(E'tagalog', E'habang', true),
(E'tagalog', E'hanggang', true),
(E'tagalog', E'hindi', true),
(E'tagalog', E'huwag', true),
(E'tagalog', E'iba', true),
(E'tagalog', E'ibaba', true),
(E'tagalog', E'ibabaw', true),
(E'tagalog', E'ibig', true),
(E'tagalog', E'ikaw', true),
(E'tagalog', E'ilagay', true),
(E'tagalog', E'ilalim', true),
(E'tagalog', E'ilan', true),
(E'tagalog', E'inyong', true),
(E'tagalog', E'isa', true),
(E'tagalog', E'isang', true),
(E'tagalog', E'itaas', true),
(E'tagalog', E'ito', true),
(E'tagalog', E'iyo', true),
(E'tagalog', E'iyon', true),
(E'tagalog', E'iyong', true),
(E'tagalog', E'ka', true),
(E'tagalog', E'kahit', true),
(E'tagalog', E'kailangan', true),
(E'tagalog', E'kailanman', true),
(E'tagalog', E'kami', true),
(E'tagalog', E'kanila', true),
(E'tagalog', E'kanilang', true),
(E'tagalog', E'kanino', true),
(E'tagalog', E'kanya', true),
(E'tagalog', E'kanyang', true),
(E'tagalog', E'kapag', true),
(E'tagalog', E'kapwa', true),
(E'tagalog', E'karamihan', true),
(E'tagalog', E'katiyakan', true),
(E'tagalog', E'katulad', true),
(E'tagalog', E'kaya', true),
(E'tagalog', E'kaysa', true),
(E'tagalog', E'ko', true),
(E'tagalog', E'kong', true),
(E'tagalog', E'kulang', true),
(E'tagalog', E'kumuha', true),
(E'tagalog', E'kung', true),
(E'tagalog', E'laban', true),
(E'tagalog', E'lahat', true),
(E'tagalog', E'lamang', true),
(E'tagalog', E'likod', true),
(E'tagalog', E'lima', true),
(E'tagalog', E'maaari', true),
(E'tagalog', E'maaaring', true),
(E'tagalog', E'maging', true),
(E'tagalog', E'mahusay', true),
(E'tagalog', E'makita', true),
(E'tagalog', E'marami', true),
(E'tagalog', E'marapat', true),
(E'tagalog', E'masyado', true),
(E'tagalog', E'may', true),
(E'tagalog', E'mayroon', true),
(E'tagalog', E'mga', true),
(E'tagalog', E'minsan', true),
(E'tagalog', E'mismo', true),
(E'tagalog', E'mula', true),
(E'tagalog', E'muli', true),
(E'tagalog', E'na', true),
(E'tagalog', E'nabanggit', true),
(E'tagalog', E'naging', true),
(E'tagalog', E'nagkaroon', true),
(E'tagalog', E'nais', true),
(E'tagalog', E'nakita', true),
(E'tagalog', E'namin', true),
(E'tagalog', E'napaka', true),
(E'tagalog', E'narito', true),
(E'tagalog', E'nasaan', true),
(E'tagalog', E'ng', true),
(E'tagalog', E'ngayon', true),
(E'tagalog', E'ni', true),
(E'tagalog', E'nila', true),
(E'tagalog', E'nilang', true),
(E'tagalog', E'nito', true),
(E'tagalog', E'niya', true),
(E'tagalog', E'niyang', true),
(E'tagalog', E'noon', true),
(E'tagalog', E'o', true),
(E'tagalog', E'pa', true),
(E'tagalog', E'paano', true),
(E'tagalog', E'pababa', true),
(E'tagalog', E'paggawa', true),
(E'tagalog', E'pagitan', true),
(E'tagalog', E'pagkakaroon', true),
(E'tagalog', E'pagkatapos', true),
(E'tagalog', E'palabas', true),
(E'tagalog', E'pamamagitan', true),
(E'tagalog', E'panahon', true),
(E'tagalog', E'pangalawa', true),
(E'tagalog', E'para', true),
(E'tagalog', E'paraan', true),
(E'tagalog', E'pareho', true),
(E'tagalog', E'pataas', true),
(E'tagalog', E'pero', true),
(E'tagalog', E'pumunta', true),
(E'tagalog', E'pumupunta', true),
(E'tagalog', E'sa', true),
(E'tagalog', E'saan', true),
(E'tagalog', E'sabi', true),
(E'tagalog', E'sabihin', true),
(E'tagalog', E'sarili', true),
(E'tagalog', E'sila', true),
(E'tagalog', E'sino', true),
(E'tagalog', E'siya', true),
(E'tagalog', E'tatlo', true),
(E'tagalog', E'tayo', true),
(E'tagalog', E'tulad', true),
(E'tagalog', E'tungkol', true),
(E'tagalog', E'una', true),
(E'tagalog', E'walang', true),
(E'thai', E'กล่าว', true),
(E'thai', E'กว่า', true),
(E'thai', E'กัน', true),
(E'thai', E'กับ', true),
(E'thai', E'การ', true)
ON CONFLICT (language, word) DO NOTHING;

INSERT INTO tweetlda.stopwords (language, word, builtin) VALUES
(E'thai', E'ก็', true),
(E'thai', E'ก่อน', true),
(E'thai', E'ขณะ', true),
(E'thai', E'ขอ', true),
(E'thai', E'ของ', true),
(E'thai', E'ขึ้น', true),
(E'thai', E'คง', true),
(E'thai', E'ครั้ง', true),
(E'thai', E'ความ', true),
(E'thai', E'คือ', true),
(E'thai', E'จะ', true),
(E'thai', E'จัด', true),
(E'thai', E'จาก', true),
(E'thai', E'จึง', true),
(E'thai', E'ช่วง', true),
(E'thai', E'ซึ่ง', true),
(E'thai', E'ดัง', true),
(E'thai', E'ด้วย', true),
(E'thai', E'ด้าน', true),
(E'thai', E'ตั้ง', true),
(E'thai', E'ตั้งแต่', true),
(E'thai', E'ตาม', true),
(E'thai', E'ต่อ', true),
(E'thai', E'ต่าง', true),
(E'thai', E'ต่างๆ', true),
(E'thai', E'ต้อง', true),
(E'thai', E'ถึง', true),
(E'thai', E'ถูก', true),
(E'thai', E'ถ้า', true),
(E'thai', E'ทั้ง', true),
(E'thai', E'ทั้งนี้', true),
(E'thai', E'ทาง', true),
(E'thai', E'ที่', true),
(E'thai', E'ที่สุด', true),
(E'thai', E'ทุก', true),
(E'thai', E'ทํา', true),
(E'thai', E'ทําให้', true),
(E'thai', E'นอกจาก', true),
(E'thai', E'นัก', true),
(E'thai', E'นั้น', true),
(E'thai', E'นี้', true),
(E'thai', E'น่า', true),
(E'thai', E'นํา', true),
(E'thai', E'บาง', true),
(E'thai', E'ผล', true),
(E'thai', E'ผ่าน', true),
(E'thai', E'พบ', true),
(E'thai', E'พร้อม', true),
(E'thai', E'มา', true),
(E'thai', E'มาก', true),
(E'thai', E'มี', true),
(E'thai', E'ยัง', true),
(E'thai', E'รวม', true),
(E'thai', E'ระหว่าง', true),
(E'thai', E'รับ', true),
(E'thai', E'ราย', true),
(E'thai', E'ร่วม', true),
(E'thai', E'ลง', true),
(E'thai', E'วัน', true),
(E'thai', E'ว่า', true),
(E'thai', E'สุด', true),
(E'thai', E'ส่ง', true),
(E'thai', E'ส่วน', true),
(E'thai', E'สําหรับ', true),
(E'thai', E'หนึ่ง', true),
(E'thai', E'หรือ', true),
(E'thai', E'หลัง', true),
(E'thai', E'หลังจาก', true),
(E'thai', E'หลาย', true),
(E'thai', E'หาก', true),
(E'thai', E'อยาก', true),
(E'thai', E'อยู่', true),
(E'thai', E'อย่าง', true),
(E'thai', E'ออก', true),
(E'thai', E'อะไร', true),
(E'thai', E'อาจ', true),
(E'thai', E'อีก', true),
(E'thai', E'เขา', true),
(E'thai', E'เข้า', true),
(E'thai', E'เคย', true),
(E'thai', E'เฉพาะ', true),
(E'thai', E'เช่น', true),
(E'thai', E'เดียว', true),
(E'thai', E'เดียวกัน', true),
(E'thai', E'เนื่องจาก', true),
(E'thai', E'เปิด', true),
(E'thai', E'เปิดเผย', true),
(E'thai', E'เป็น', true),
(E'thai', E'เป็นการ', true),
(E'thai', E'เพราะ', true),
(E'thai', E'เพื่อ', true),
(E'thai', E'เมื่อ', true),
(E'thai', E'เรา', true),
(E'thai', E'เริ่ม', true),
(E'thai', E'เลย', true),
(E'thai', E'เห็น', true),
(E'thai', E'เอง', true),
(E'thai', E'แต่', true),
(E'thai', E'แบบ', true),
(E'thai', E'แรก', true),
(E'thai', E'และ', true),
(E'thai', E'แล้ว', true),
(E'thai', E'แห่ง', true),
(E'thai', E'โดย', true),
(E'thai', E'ใน', true),
(E'thai', E'ให้', true),
(E'thai', E'ได้', true),
(E'thai', E'ไป', true),
(E'thai', E'ไม่', true),
(E'thai', E'ไว้', true),
(E'thai', E'้ง', true),
(E'ukrainian', E'авжеж', true),
(E'ukrainian', E'адже', true),
(E'ukrainian', E'але', true),
(E'ukrainian', E'б', true),
(E'ukrainian', E'без', true),
(E'ukrainian', E'був', true),
(E'ukrainian', E'була', true),
(E'ukrainian', E'були', true),
(E'ukrainian', E'було', true),
(E'ukrainian', E'бути', true),
(E'ukrainian', E'більш', true),
(E'ukrainian', E'вам', true),
(E'ukrainian', E'вас', true),
(E'ukrainian', E'весь', true),
(E'ukrainian', E'вздовж', true),
(E'ukrainian', E'ви', true),
(E'ukrainian', E'вниз', true),
(E'ukrainian', E'внизу', true),
(E'ukrainian', E'вона', true),
(E'ukrainian', E'вони', true),
(E'ukrainian', E'воно', true),
(E'ukrainian', E'все', true),
(E'ukrainian', E'всередині', true),
(E'ukrainian', E'всіх', true),
(E'ukrainian', E'від', true),
(E'ukrainian', E'він', true),
(E'ukrainian', E'да', true),
(E'ukrainian', E'давай', true),
(E'ukrainian', E'давати', true),
(E'ukrainian', E'де', true),
(E'ukrainian', E'дещо', true),
(E'ukrainian', E'для', true),
(E'ukrainian', E'до', true),
(E'ukrainian', E'з', true),
(E'ukrainian', E'завжди', true),
(E'ukrainian', E'замість', true),
(E'ukrainian', E'й', true),
(E'ukrainian', E'коли', true),
(E'ukrainian', E'ледве', true),
(E'ukrainian', E'майже', true),
(E'ukrainian', E'ми', true),
(E'ukrainian', E'навколо', true),
(E'ukrainian', E'навіть', true),
(E'ukrainian', E'нам', true),
(E'ukrainian', E'от', true),
(E'ukrainian', E'отже', true),
(E'ukrainian', E'отож', true),
(E'ukrainian', E'поза', true),
(E'ukrainian', E'про', true),
(E'ukrainian', E'під', true),
(E'ukrainian', E'та', true),
(E'ukrainian', E'так', true),
(E'ukrainian', E'такий', true),
(E'ukrainian', E'також', true),
(E'ukrainian', E'те', true),
(E'ukrainian', E'ти', true),
(E'ukrainian', E'тобто', true),
(E'ukrainian', E'тож', true),
(E'ukrainian', E'тощо', true),
(E'ukrainian', E'хоча', true),
(E'ukrainian', E'це', true),
(E'ukrainian', E'цей', true),
(E'ukrainian', E'чи', true),
(E'ukrainian', E'чого', true),
(E'ukrainian', E'що', true),
(E'ukrainian', E'як', true),
(E'ukrainian', E'який', true),
(E'ukrainian', E'якої', true),
(E'ukrainian', E'є', true),
(E'ukrainian', E'із', true),
(E'ukrainian', E'інших', true),
(E'ukrainian', E'їх', true),
(E'ukrainian', E'її', true)
ON CONFLICT (language, word) DO NOTHING;
-- ---- end of issue 10, multilingual tokenization ----

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
    double precision, double precision, integer, text, jsonb, text[]);

-- The same, where rows with fit false count for the vocabulary but are not trained on (train()
-- holds out a slice this way, so that its vocabulary is the one of all the tweets).
CREATE FUNCTION tweetlda.lda_from_text_transfn(internal, text, text, jsonb, boolean) RETURNS internal
    AS 'MODULE_PATHNAME', 'lda_agg_own_lang_transfn'
    LANGUAGE C STABLE CALLED ON NULL INPUT PARALLEL SAFE;

CREATE AGGREGATE tweetlda.lda_from_text(doc text, lang text, params jsonb, fit boolean) (
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
    language text DEFAULT 'auto',
    text_config jsonb DEFAULT NULL,
    languages text[] DEFAULT NULL,
    holdout integer DEFAULT 2000) RETURNS integer
    LANGUAGE plpgsql VOLATILE PARALLEL UNSAFE
AS $$
DECLARE
    cfg jsonb;
    has_lang boolean;
    params jsonb;
    result tweetlda.lda_model;
    info jsonb;
    quality jsonb;
    new_id integer;
    cut_h bigint;
    cut_doc text;
    heldout_filter text;
    source_alias text;
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
    IF train.languages IS NOT NULL THEN
        cfg := tweetlda.validate_text_config(cfg OPERATOR(pg_catalog.||)
                                             pg_catalog.jsonb_build_object('languages', train.languages));
    END IF;
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
    has_lang := tweetlda.lda_check_training_source(train.source);
    source_alias := CASE WHEN has_lang THEN 's(doc, lang)' ELSE 's(doc)' END;
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
            'SELECT h, doc FROM (SELECT pg_catalog.hashtextextended(s.doc::text, 10) AS h, s.doc::text AS doc FROM (%s) AS %s) AS q '
            'WHERE h OPERATOR(pg_catalog.%%) 20 OPERATOR(pg_catalog.=) 0 '
            'ORDER BY h, doc COLLATE "C" OFFSET %s LIMIT 1', train.source, source_alias, train.holdout OPERATOR(pg_catalog.-) 1)
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
    EXECUTE pg_catalog.format('SELECT tweetlda.lda_from_text(s.doc, %s, $1, (%s) IS NOT TRUE) FROM (%s) AS %s',
                              CASE WHEN has_lang THEN 's.lang' ELSE 'NULL::text' END,
                              heldout_filter, train.source, source_alias)
        INTO result USING params;
    IF train.holdout OPERATOR(pg_catalog.>) 0 THEN
        EXECUTE pg_catalog.format('SELECT tweetlda.lda_evaluation($1, s.doc%s) FROM (%s) AS %s WHERE %s',
                                  CASE WHEN has_lang THEN ', s.lang' ELSE '' END,
                                  train.source, source_alias, heldout_filter)
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

-- The same for tweets with their lang field (train() measures a source with a language column).
CREATE FUNCTION tweetlda.lda_evaluation_transfn(internal, tweetlda.lda_model, text, text) RETURNS internal
    AS 'MODULE_PATHNAME', 'lda_evaluation_transfn'
    LANGUAGE C STABLE CALLED ON NULL INPUT PARALLEL SAFE;

CREATE AGGREGATE tweetlda.lda_evaluation(model tweetlda.lda_model, doc text, lang text) (
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

-- The display name of every topic of every model: the one place labels come from (the name
-- given in tweetlda.topic_names, else tweetlda.topic_label: the three most relevant words).
CREATE VIEW tweetlda_bi.topic_labels AS
SELECT m.id AS model_id, m.active, t.topic,
       t.topic::text || ': ' || coalesce(n.name, tweetlda.topic_label(m.model, t.topic)) AS label
FROM tweetlda.models m
CROSS JOIN LATERAL generate_series(1, m.k) AS t(topic)
LEFT JOIN tweetlda.topic_names n ON n.model_id = m.id AND n.topic = t.topic;
COMMENT ON VIEW tweetlda_bi.topic_labels IS 'the display label of every topic of every model';
COMMENT ON COLUMN tweetlda_bi.topic_labels.model_id IS 'the model (tweetlda_bi.models.model_id)';
COMMENT ON COLUMN tweetlda_bi.topic_labels.active IS 'whether the model is the active one';
COMMENT ON COLUMN tweetlda_bi.topic_labels.topic IS 'topic number, from 1';
COMMENT ON COLUMN tweetlda_bi.topic_labels.label IS 'display label: topic number and its name or top words';

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
       t.word, t.weight
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
                     tweetlda.topics(model_id, t.text, t.lang) AS topics,
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

-- ---- issue 11: model lifecycle foundation (model versions, train_model, drift_history) ----
-- Model versions: family, version, parent and origin columns (0.1.0 models are the first
-- version of their own family).
ALTER TABLE tweetlda.models ADD COLUMN family text;
ALTER TABLE tweetlda.models ADD COLUMN version integer NOT NULL DEFAULT 1;
ALTER TABLE tweetlda.models ADD COLUMN parent_id integer;
ALTER TABLE tweetlda.models ADD COLUMN origin text NOT NULL DEFAULT 'train';
UPDATE tweetlda.models SET family = name;
ALTER TABLE tweetlda.models ALTER COLUMN family SET NOT NULL;
ALTER TABLE tweetlda.models ADD CONSTRAINT models_family_version_key UNIQUE (family, version);
ALTER TABLE tweetlda.models ADD CONSTRAINT models_parent_id_fkey FOREIGN KEY (parent_id)
    REFERENCES tweetlda.models (id) ON DELETE SET NULL;
ALTER TABLE tweetlda.models ADD CONSTRAINT models_version_check
    CHECK (version OPERATOR(pg_catalog.>=) 1);
ALTER TABLE tweetlda.models ADD CONSTRAINT models_origin_check
    CHECK (origin OPERATOR(pg_catalog.=) ANY (ARRAY['train', 'retrain', 'update']));
COMMENT ON COLUMN tweetlda.models.family IS
    'the model family (versions of one model: retrained or updated); defaults to the name';
COMMENT ON COLUMN tweetlda.models.version IS 'version in the family, from 1';
COMMENT ON COLUMN tweetlda.models.parent_id IS
    'the model this version was retrained or updated from (its topics are matched to the parent''s)';
COMMENT ON COLUMN tweetlda.models.origin IS 'how the version was made: train, retrain or update';

-- A model inserted without a family is the first version of its own family.
CREATE FUNCTION tweetlda.models_default_family() RETURNS trigger
    LANGUAGE plpgsql VOLATILE PARALLEL UNSAFE
    SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    NEW.family := coalesce(NEW.family, NEW.name);
    RETURN NEW;
END
$$;
REVOKE ALL ON FUNCTION tweetlda.models_default_family() FROM PUBLIC;
CREATE TRIGGER models_default_family
    BEFORE INSERT ON tweetlda.models
    FOR EACH ROW EXECUTE FUNCTION tweetlda.models_default_family();

-- train() stores through train_model() and store_model().
-- Build the vocabulary, train, and store the model under a name; returns its id.
-- source is a query returning one text column (the tweets), or two: the text and its language
-- (Twitter's lang field; NULL to detect it). languages (ISO codes) restricts training to tweets
-- of those languages.
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
    weighting text DEFAULT 'tf',
    min_df double precision DEFAULT 3,
    max_df double precision DEFAULT 0.5,
    max_terms integer DEFAULT 20000,
    language text DEFAULT 'auto',
    text_config jsonb DEFAULT NULL,
    languages text[] DEFAULT NULL,
    holdout integer DEFAULT 2000) RETURNS integer
    LANGUAGE plpgsql VOLATILE PARALLEL UNSAFE
AS $$
DECLARE
    cfg jsonb;
    params jsonb;
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
    IF train.languages IS NOT NULL THEN
        cfg := tweetlda.validate_text_config(cfg OPERATOR(pg_catalog.||)
                                             pg_catalog.jsonb_build_object('languages', train.languages));
    END IF;
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
    RETURN tweetlda.train_model(train.name, train.source, params, train.holdout);
END;
$$;

-- Train on a query's tweets with training parameters as jsonb (the keys of the lda aggregate
-- and of tweetlda.models.params, as train() builds them), and store the model; returns its id.
-- family, parent and origin store it as a new version of a family (retrain(), update_model());
-- the name is then family@version unless given.  holdout as for train().
CREATE FUNCTION tweetlda.train_model(
    name text,
    source text,
    params jsonb,
    holdout integer DEFAULT 2000,
    family text DEFAULT NULL,
    parent integer DEFAULT NULL,
    origin text DEFAULT 'train') RETURNS integer
    LANGUAGE plpgsql VOLATILE PARALLEL UNSAFE
AS $$
DECLARE
    has_lang boolean;
    p jsonb := train_model.params;
    result tweetlda.lda_model;
    quality jsonb;
    cut_h bigint;
    cut_doc text;
    heldout_filter text;
    source_alias text;
BEGIN
    IF train_model.source IS NULL OR train_model.params IS NULL
       OR (train_model.name IS NULL AND train_model.family IS NULL) THEN
        RAISE EXCEPTION 'source, params and a name or family of tweetlda.train_model() must not be NULL'
            USING ERRCODE = 'null_value_not_allowed';
    END IF;
    IF pg_catalog.jsonb_typeof(p) OPERATOR(pg_catalog.<>) 'object' THEN
        RAISE EXCEPTION 'training parameters must be a jsonb object'
            USING ERRCODE = 'invalid_parameter_value',
                  HINT = 'Pass the parameters as tweetlda.models.params stores them.';
    END IF;
    IF train_model.name IS NOT NULL
       AND EXISTS (SELECT 1 FROM tweetlda.models m WHERE m.name OPERATOR(pg_catalog.=) train_model.name) THEN
        RAISE EXCEPTION 'LDA model "%" already exists', train_model.name
            USING ERRCODE = 'unique_violation',
                  HINT = 'Choose another name or delete the model from tweetlda.models.';
    END IF;
    -- check the parameters and the query's result type before reading the corpus
    IF p OPERATOR(pg_catalog.?) 'text_config' THEN
        p := pg_catalog.jsonb_set(p, '{text_config}',
                                  tweetlda.validate_text_config(p OPERATOR(pg_catalog.->) 'text_config'));
    END IF;
    PERFORM tweetlda.lda_check_params(p);
    has_lang := tweetlda.lda_check_training_source(train_model.source);
    source_alias := CASE WHEN has_lang THEN 's(doc, lang)' ELSE 's(doc)' END;
    IF train_model.holdout IS NULL OR train_model.holdout OPERATOR(pg_catalog.<) 0 THEN
        RAISE EXCEPTION 'holdout must be a number of documents >= 0'
            USING ERRCODE = 'invalid_parameter_value',
                  HINT = '0 trains on every document and measures no quality figures.';
    END IF;
    -- the held-out slice: the documents whose text hashes to 0 modulo 20 (5%), at most holdout
    -- of them (the lowest hashes, then texts): deterministic, whatever the row order
    heldout_filter := 'false';
    IF train_model.holdout OPERATOR(pg_catalog.>) 0 THEN
        EXECUTE pg_catalog.format(
            'SELECT h, doc FROM (SELECT pg_catalog.hashtextextended(s.doc::text, 10) AS h, s.doc::text AS doc FROM (%s) AS %s) AS q '
            'WHERE h OPERATOR(pg_catalog.%%) 20 OPERATOR(pg_catalog.=) 0 '
            'ORDER BY h, doc COLLATE "C" OFFSET %s LIMIT 1', train_model.source, source_alias,
            train_model.holdout OPERATOR(pg_catalog.-) 1)
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
    EXECUTE pg_catalog.format('SELECT tweetlda.lda_from_text(s.doc, %s, $1, (%s) IS NOT TRUE) FROM (%s) AS %s',
                              CASE WHEN has_lang THEN 's.lang' ELSE 'NULL::text' END,
                              heldout_filter, train_model.source, source_alias)
        INTO result USING p;
    IF train_model.holdout OPERATOR(pg_catalog.>) 0 THEN
        EXECUTE pg_catalog.format('SELECT tweetlda.lda_evaluation($1, s.doc%s) OPERATOR(pg_catalog.||) tweetlda.drift_baseline($1, pg_catalog.array_agg(s.doc::text), pg_catalog.array_agg(%s)) FROM (%s) AS %s WHERE %s',
                                  CASE WHEN has_lang THEN ', s.lang' ELSE '' END, CASE WHEN has_lang THEN 's.lang' ELSE 'NULL::text' END,
                                  train_model.source, source_alias, heldout_filter)  -- with the drift baseline (src/sql/80_lifecycle.sql)
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
    RETURN tweetlda.drift_keep_baseline(tweetlda.store_model(train_model.name, result, p, train_model.family,
                                train_model.parent, train_model.origin), quality OPERATOR(pg_catalog.->) 'drift_baseline');
END;
$$;

-- Store a model in the registry (active when no model is); returns its id.  With a family, it is
-- that family's next version, named family@version unless a name is given; parent is the model
-- it was retrained or updated from.
CREATE FUNCTION tweetlda.store_model(
    name text,
    model tweetlda.lda_model,
    params jsonb DEFAULT '{}',
    family text DEFAULT NULL,
    parent integer DEFAULT NULL,
    origin text DEFAULT 'train') RETURNS integer
    LANGUAGE plpgsql VOLATILE PARALLEL UNSAFE
    SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    info jsonb;
    fam text;
    ver integer := 1;
    model_name text := store_model.name;
    new_id integer;
BEGIN
    IF store_model.model IS NULL OR (model_name IS NULL AND store_model.family IS NULL) THEN
        RAISE EXCEPTION 'model and a name or family of tweetlda.store_model() must not be NULL'
            USING ERRCODE = 'null_value_not_allowed';
    END IF;
    LOCK TABLE tweetlda.models IN SHARE ROW EXCLUSIVE MODE;
    fam := coalesce(store_model.family, model_name);
    IF store_model.family IS NOT NULL THEN
        SELECT coalesce(max(m.version) OPERATOR(pg_catalog.+) 1, 1) INTO ver
        FROM tweetlda.models m WHERE m.family OPERATOR(pg_catalog.=) fam;
        model_name := coalesce(model_name, CASE WHEN ver OPERATOR(pg_catalog.=) 1 THEN fam
                                                ELSE fam OPERATOR(pg_catalog.||) '@' OPERATOR(pg_catalog.||) ver::text END);
    END IF;
    IF model_name OPERATOR(pg_catalog.!~) '[^[:space:]]' THEN
        RAISE EXCEPTION 'LDA model name must not be empty or blank'
            USING ERRCODE = 'invalid_parameter_value',
                  HINT = 'Models are referred to by name, as in tweetlda.topics(name, doc).';
    END IF;
    IF EXISTS (SELECT 1 FROM tweetlda.models m WHERE m.name OPERATOR(pg_catalog.=) model_name) THEN
        RAISE EXCEPTION 'LDA model "%" already exists', model_name
            USING ERRCODE = 'unique_violation',
                  HINT = 'Choose another name or delete the model from tweetlda.models.';
    END IF;
    info := tweetlda.model_info(store_model.model);
    INSERT INTO tweetlda.models (name, k, params, metrics, model, active, family, version,
                                 parent_id, origin)
    VALUES (model_name, (info OPERATOR(pg_catalog.->>) 'k')::integer, coalesce(store_model.params, '{}'),
            pg_catalog.jsonb_build_object(
                'vocab_size', info OPERATOR(pg_catalog.->) 'vocab_size',
                'documents', info OPERATOR(pg_catalog.#>) '{training,documents}',
                'empty_documents', info OPERATOR(pg_catalog.#>) '{training,empty_documents}',
                'tokens', info OPERATOR(pg_catalog.#>) '{training,tokens}',
                'passes', info OPERATOR(pg_catalog.#>) '{training,passes}',
                'bound_per_token', info OPERATOR(pg_catalog.#>) '{training,bound_per_token}',
                'seconds', info OPERATOR(pg_catalog.#>) '{training,seconds}',
                'quality', info OPERATOR(pg_catalog.->) 'quality'),
            store_model.model,
            NOT EXISTS (SELECT 1 FROM tweetlda.models m WHERE m.active),
            fam, ver, store_model.parent, coalesce(store_model.origin, 'train'))
    RETURNING id INTO new_id;
    RETURN new_id;
END;
$$;

-- Every drift check (tweetlda.drift()): which model, which window, the figures and the verdict.
CREATE TABLE tweetlda.drift_history (
    id bigserial PRIMARY KEY,
    checked_at timestamptz NOT NULL DEFAULT pg_catalog.now(),
    model_id integer NOT NULL REFERENCES tweetlda.models (id) ON DELETE CASCADE,
    recent interval NOT NULL,
    drifted boolean NOT NULL,
    figures jsonb NOT NULL DEFAULT '{}',
    -- ok, drifted, empty window, too few tweets, no baseline (see tweetlda.drift())
    status text NOT NULL DEFAULT 'ok'
);
COMMENT ON TABLE tweetlda.drift_history IS
    'every drift check of a model: the window, the figures and the drifted verdict';
CREATE INDEX drift_history_model_checked_idx ON tweetlda.drift_history (model_id, checked_at);
SELECT pg_catalog.pg_extension_config_dump('tweetlda.drift_history', '');
SELECT pg_catalog.pg_extension_config_dump('tweetlda.drift_history_id_seq', '');

-- ---- end of issue 11: model lifecycle foundation ----

-- ---- issue 11: drift detection (branch i11-drift; src/sql/80_lifecycle.sql, src/drift.c) ----

-- The text figures of a drift check: tweets tokenized with the model's text configuration,
-- tokens the model's vocabulary does not know (oov_rate), tweets without a known word
-- (no_word_share), tweets of a language the model excludes (skipped).  jsonb; NULL without rows.
CREATE FUNCTION tweetlda.vocab_coverage_transfn(internal, tweetlda.lda_model, text, text)
    RETURNS internal
    AS 'MODULE_PATHNAME', 'vocab_coverage_transfn'
    LANGUAGE C STABLE CALLED ON NULL INPUT PARALLEL SAFE;

CREATE FUNCTION tweetlda.vocab_coverage_finalfn(internal) RETURNS jsonb
    AS 'MODULE_PATHNAME', 'vocab_coverage_finalfn'
    LANGUAGE C STABLE CALLED ON NULL INPUT PARALLEL SAFE;

CREATE AGGREGATE tweetlda.vocab_coverage(model tweetlda.lda_model, doc text, lang text) (
    SFUNC     = tweetlda.vocab_coverage_transfn,
    STYPE     = internal,
    FINALFUNC = tweetlda.vocab_coverage_finalfn,
    PARALLEL  = SAFE
);

-- The sentiment label the stream gives a tweet with analyzer (a trained classifier's most
-- probable class, else the label of the polarity), as tweetlda.score_tweets() does.
CREATE FUNCTION tweetlda.drift_sentiment_label(doc text, analyzer text) RETURNS text
    LANGUAGE sql STABLE STRICT PARALLEL SAFE
    SET search_path = pg_catalog, pg_temp
RETURN CASE WHEN EXISTS (SELECT 1 FROM tweetlda.sentiment_models m WHERE m.name = analyzer)
            THEN tweetlda.sentiment_label(doc, analyzer)
            ELSE tweetlda.sentiment_label((tweetlda.sentiment(doc, analyzer)).polarity) END;

-- Counts of the values of an array as a jsonb object {"value": count} (NULLs left out).
CREATE FUNCTION tweetlda.drift_counts(items anyarray) RETURNS jsonb
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    SET search_path = pg_catalog, pg_temp
AS $$
SELECT coalesce(jsonb_object_agg(c.item, c.n), '{}')
FROM (SELECT u.item::text AS item, count(*) AS n FROM unnest(items) AS u(item)
      WHERE u.item IS NOT NULL GROUP BY 1) c
$$;

-- Jensen-Shannon divergence (base 2: 0 same, 1 disjoint) of two distributions given as counts
-- {"key": count}; NULL when either has no count.
CREATE FUNCTION tweetlda.drift_jsd(p jsonb, q jsonb) RETURNS double precision
    LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
    SET search_path = pg_catalog, pg_temp
RETURN (
    WITH pc AS (SELECT e.key, e.value::text::double precision AS c FROM jsonb_each(p) e),
         qc AS (SELECT e.key, e.value::text::double precision AS c FROM jsonb_each(q) e),
         tot AS (SELECT (SELECT sum(c) FROM pc) AS sp, (SELECT sum(c) FROM qc) AS sq),
         d AS (SELECT coalesce(pc.c, 0) / tot.sp AS a, coalesce(qc.c, 0) / tot.sq AS b
               FROM pc FULL JOIN qc ON pc.key = qc.key CROSS JOIN tot
               WHERE tot.sp > 0 AND tot.sq > 0)
    SELECT CASE WHEN tot.sp > 0 AND tot.sq > 0 THEN
        (SELECT greatest(0, least(1, sum(
             CASE WHEN d.a > 0 THEN d.a * ln(2 * d.a / (d.a + d.b)) ELSE 0 END
             + CASE WHEN d.b > 0 THEN d.b * ln(2 * d.b / (d.a + d.b)) ELSE 0 END) / (2 * ln(2))))
         FROM d) END
    FROM tot);

-- Total variation distance (the largest difference in the share of any set of keys, 0 to 1) of
-- two distributions given as counts; NULL when either has no count.
CREATE FUNCTION tweetlda.drift_tvd(p jsonb, q jsonb) RETURNS double precision
    LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
    SET search_path = pg_catalog, pg_temp
RETURN (
    WITH pc AS (SELECT e.key, e.value::text::double precision AS c FROM jsonb_each(p) e),
         qc AS (SELECT e.key, e.value::text::double precision AS c FROM jsonb_each(q) e),
         tot AS (SELECT (SELECT sum(c) FROM pc) AS sp, (SELECT sum(c) FROM qc) AS sq)
    SELECT CASE WHEN tot.sp > 0 AND tot.sq > 0 THEN
        (SELECT sum(abs(coalesce(pc.c, 0) / tot.sp - coalesce(qc.c, 0) / tot.sq)) / 2
         FROM pc FULL JOIN qc ON pc.key = qc.key) END
    FROM tot);

-- The training-time baseline of the drift figures over the held-out slice (train_model() calls
-- it with the slice's tweets and their languages): {"drift_baseline": {oov_rate, no_word_share,
-- topic_counts, sentiment_counts (labelled as the stream labels them), ...}}, NULL without tweets.
CREATE FUNCTION tweetlda.drift_baseline(model tweetlda.lda_model, docs text[], langs text[])
    RETURNS jsonb
    LANGUAGE sql STABLE PARALLEL SAFE
    SET search_path = pg_catalog, pg_temp
AS $$
WITH h AS (SELECT d.doc, d.lang FROM unnest(docs, langs) AS d(doc, lang) WHERE d.doc IS NOT NULL),
     a AS (SELECT coalesce((SELECT s.analyzer FROM tweetlda.stream_state s), 'textblob') AS analyzer)
SELECT CASE WHEN count(*) > 0 THEN jsonb_build_object('drift_baseline', jsonb_build_object(
    'source', 'held-out slice',
    'tweets', count(*),
    'oov_rate', tweetlda.vocab_coverage(model, h.doc, h.lang) -> 'oov_rate',
    'no_word_share', tweetlda.vocab_coverage(model, h.doc, h.lang) -> 'no_word_share',
    'topic_counts', tweetlda.drift_counts(array_agg(tweetlda.top_topic(model, h.doc, h.lang))),
    'sentiment_counts', tweetlda.drift_counts(array_agg(tweetlda.drift_sentiment_label(h.doc, a.analyzer))),
    'analyzer', min(a.analyzer))) END
FROM h CROSS JOIN a
$$;

-- Store the drift baseline in the metrics of model id (train_model() calls it); returns id.
CREATE FUNCTION tweetlda.drift_keep_baseline(id integer, baseline jsonb) RETURNS integer
    LANGUAGE plpgsql VOLATILE CALLED ON NULL INPUT PARALLEL UNSAFE
    SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    IF baseline IS NOT NULL THEN
        UPDATE tweetlda.models m SET metrics = m.metrics || jsonb_build_object('baseline', baseline)
        WHERE m.id = drift_keep_baseline.id;
    END IF;
    RETURN id;
END
$$;

-- The thresholds of the drifted verdict: at most one row, none = the defaults.  A NULL column
-- is its default; 'Infinity' turns a figure off.  The defaults come from bench/lifecycle_drift
-- (doc/lifecycle.md).
CREATE TABLE tweetlda.drift_thresholds (
    singleton boolean PRIMARY KEY DEFAULT true CHECK (singleton),
    log_perplexity_increase double precision CHECK (log_perplexity_increase > 0),
    oov_rate_increase double precision CHECK (oov_rate_increase > 0),
    no_word_share_increase double precision CHECK (no_word_share_increase > 0),
    topic_jsd double precision CHECK (topic_jsd > 0),
    sentiment_shift double precision CHECK (sentiment_shift > 0),
    min_tweets integer CHECK (min_tweets >= 1)
);
COMMENT ON TABLE tweetlda.drift_thresholds IS
    'thresholds of tweetlda.drift()''s verdict (at most one row; no row or NULL: the default; ''Infinity'': off)';
COMMENT ON COLUMN tweetlda.drift_thresholds.log_perplexity_increase IS
    'held-out log perplexity per token now minus at training (nats); default 0.15';
COMMENT ON COLUMN tweetlda.drift_thresholds.oov_rate_increase IS
    'out-of-vocabulary token rate now minus at training (0 to 1); default 0.05';
COMMENT ON COLUMN tweetlda.drift_thresholds.no_word_share_increase IS
    'share of tweets without a known word now minus at training (0 to 1); default 0.05';
COMMENT ON COLUMN tweetlda.drift_thresholds.topic_jsd IS
    'Jensen-Shannon divergence (base 2) of the top-topic shares; default 0.02';
COMMENT ON COLUMN tweetlda.drift_thresholds.sentiment_shift IS
    'total variation distance of the sentiment label shares; default 0.05';
COMMENT ON COLUMN tweetlda.drift_thresholds.min_tweets IS
    'fewest sampled tweets for a verdict (fewer: not drifted, status ''too few tweets''); default 200';
SELECT pg_catalog.pg_extension_config_dump('tweetlda.drift_thresholds', '');

-- The thresholds in force (the row of drift_thresholds over the defaults) as jsonb.
CREATE FUNCTION tweetlda.drift_thresholds_in_force() RETURNS jsonb
    LANGUAGE sql STABLE PARALLEL SAFE
    SET search_path = pg_catalog, pg_temp
RETURN (SELECT jsonb_build_object(
            'log_perplexity_increase', coalesce(max(t.log_perplexity_increase), 0.15),
            'oov_rate_increase', coalesce(max(t.oov_rate_increase), 0.05),
            'no_word_share_increase', coalesce(max(t.no_word_share_increase), 0.05),
            'topic_jsd', coalesce(max(t.topic_jsd), 0.02),
            'sentiment_shift', coalesce(max(t.sentiment_shift), 0.05),
            'min_tweets', coalesce(max(t.min_tweets), 200))
        FROM tweetlda.drift_thresholds t);

-- One check of the figure name: value against threshold (judged only when both are known and
-- basis, the tweets behind the value, reaches min_tweets) as jsonb.
CREATE FUNCTION tweetlda.drift_check_figure(value double precision, baseline double precision,
                                            threshold double precision, basis bigint,
                                            min_tweets bigint) RETURNS jsonb
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    SET search_path = pg_catalog, pg_temp
RETURN jsonb_build_object(
    'value', value, 'baseline', baseline, 'threshold', threshold, 'tweets', basis,
    'judged', value IS NOT NULL AND threshold IS NOT NULL AND coalesce(basis >= min_tweets, false),
    'exceeded', value IS NOT NULL AND threshold IS NOT NULL AND coalesce(basis >= min_tweets, false)
                AND value > threshold);

-- Compare the tweets landed in the recent window with what the model (NULL: the active one) saw
-- at training: held-out log perplexity, out-of-vocabulary token rate and share of tweets without
-- a known word on a deterministic sample of at most sample tweets of the window; divergence of
-- the top-topic shares and shift of the sentiment label shares from tweetlda.score_rollup.
-- Records the check in tweetlda.drift_history and returns it (doc/lifecycle.md).
CREATE FUNCTION tweetlda.drift(model integer DEFAULT NULL, recent interval DEFAULT '1 day',
        sample integer DEFAULT 5000,
        OUT model_id integer, OUT checked_at timestamptz, OUT drifted boolean, OUT status text,
        OUT exceeded text[], OUT tweets bigint, OUT sampled bigint,
        OUT log_perplexity double precision, OUT log_perplexity_increase double precision,
        OUT oov_rate double precision, OUT oov_rate_increase double precision,
        OUT no_word_share double precision, OUT no_word_share_increase double precision,
        OUT topic_jsd double precision, OUT sentiment_shift double precision,
        OUT figures jsonb)
    LANGUAGE plpgsql VOLATILE CALLED ON NULL INPUT PARALLEL UNSAFE
    SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    mdl tweetlda.lda_model;
    model_metrics jsonb;
    th jsonb := tweetlda.drift_thresholds_in_force();
    min_tweets bigint;
    since timestamptz;
    est double precision;
    unknown_size boolean;
    pct double precision;
    sample_sql text;
    analyzer text;
    cov jsonb;
    ev jsonb;
    topic_counts jsonb;
    topic_from text := 'score_rollup';
    sentiment_counts jsonb;
    sentiment_from text := 'score_rollup';
    topic_arr integer[];
    label_arr text[];
    base jsonb;
    base_source text;
    base_lp double precision;
    win jsonb;
    checks jsonb;
    topic_total bigint;
    sentiment_total bigint;
BEGIN
    IF drift.recent IS NULL OR drift.sample IS NULL THEN
        RAISE EXCEPTION 'recent and sample of tweetlda.drift() must not be NULL'
            USING ERRCODE = 'null_value_not_allowed',
                  HINT = 'Pass a window such as interval ''1 day'' and a sample size such as 5000.';
    END IF;
    IF drift.recent <= '0'::interval OR drift.recent > '100 years'::interval THEN
        RAISE EXCEPTION 'recent window must be a positive interval of at most 100 years, not %', drift.recent
            USING ERRCODE = 'invalid_parameter_value',
                  HINT = 'Pass a window such as interval ''1 day'': the tweets landed since now() - recent are checked.';
    END IF;
    IF drift.sample < 1 OR drift.sample > 1000000 THEN
        RAISE EXCEPTION 'sample must be between 1 and 1000000 tweets, not %', drift.sample
            USING ERRCODE = 'invalid_parameter_value',
                  HINT = 'The default, 5000 tweets, measures the text figures to about a percentage point.';
    END IF;
    IF drift.model IS NULL THEN
        SELECT m.id INTO model_id FROM tweetlda.models m WHERE m.active;
        IF NOT FOUND THEN
            RAISE EXCEPTION 'no active model'
                USING ERRCODE = 'object_not_in_prerequisite_state',
                      DETAIL = 'tweetlda.drift() checks the active model unless a model id is given.',
                      HINT = 'Train a model with tweetlda.train() and activate it with tweetlda.activate(), or pass a model id.';
        END IF;
    ELSE
        model_id := drift.model;
    END IF;
    SELECT m.model, m.metrics INTO mdl, model_metrics FROM tweetlda.models m WHERE m.id = drift.model_id;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'LDA model % does not exist', drift.model_id
            USING ERRCODE = 'undefined_object', HINT = 'Models are listed in tweetlda.models.';
    END IF;
    checked_at := now();
    since := checked_at - drift.recent;
    min_tweets := (th ->> 'min_tweets')::bigint;

    -- topic and sentiment shares of the window from the hourly rollup (whole hours of the
    -- tweets' time): the sentiment labels of every scored tweet, the top topics of this model's
    SELECT coalesce(jsonb_object_agg(x.sentiment, x.n) FILTER (WHERE x.n > 0), '{}'),
           coalesce(sum(x.n), 0)
    INTO sentiment_counts, tweets
    FROM (SELECT r.sentiment, sum(r.tweets) AS n FROM tweetlda.score_rollup r
          WHERE r.bucket >= date_bin('1 hour', since, '2000-01-01 00:00:00+00'::timestamptz)
          GROUP BY r.sentiment) x;
    SELECT coalesce(jsonb_object_agg(x.topic, x.n) FILTER (WHERE x.n > 0), '{}')
    INTO topic_counts
    FROM (SELECT r.topic, sum(r.tweets) AS n FROM tweetlda.score_rollup r
          WHERE r.model_id = drift.model_id AND r.topic IS NOT NULL
            AND r.bucket >= date_bin('1 hour', since, '2000-01-01 00:00:00+00'::timestamptz)
          GROUP BY r.topic) x;
    SELECT s.analyzer INTO analyzer FROM tweetlda.stream_state s;
    analyzer := coalesce(analyzer, 'textblob');

    -- the sample: the window's tweets with the lowest hashint8(id), at most sample of them, read
    -- from a block sample (TABLESAMPLE SYSTEM ... REPEATABLE (0)) of about three times as many
    -- rows when the day partitions of the window are known to hold more
    SELECT coalesce(sum(greatest(c.reltuples, 0)), 0), coalesce(bool_or(c.reltuples < 0), false)
    INTO est, unknown_size
    FROM generate_series((since AT TIME ZONE 'UTC')::date::timestamp,
                         (checked_at AT TIME ZONE 'UTC')::date::timestamp, '1 day') AS d(day)
    JOIN pg_class c ON c.oid = to_regclass('tweetlda.' || quote_ident('tweets_' || to_char(d.day, 'YYYYMMDD')));
    IF NOT unknown_size AND est > 3.0 * drift.sample THEN
        pct := 300.0 * drift.sample / est;
    END IF;
    sample_sql := format('SELECT t.text, t.lang FROM tweetlda.tweets t %s '
                         'WHERE t.received_at >= $1 AND t.received_at <= $2 '
                         'ORDER BY hashint8(t.id), t.id LIMIT $3',
                         CASE WHEN pct IS NULL THEN ''
                              ELSE format('TABLESAMPLE SYSTEM (%s) REPEATABLE (0)', pct) END);
    EXECUTE format('WITH s AS MATERIALIZED (%s) '
                   'SELECT count(*), tweetlda.vocab_coverage($4, s.text, s.lang), '
                   '       tweetlda.lda_evaluation($4, s.text, s.lang), '
                   '       array_agg(tweetlda.top_topic($4, s.text, s.lang)) FILTER (WHERE $5), '
                   '       array_agg(tweetlda.drift_sentiment_label(s.text, $7)) FILTER (WHERE $6) '
                   'FROM s', sample_sql)
        INTO sampled, cov, ev, topic_arr, label_arr
        USING since, checked_at, drift.sample, mdl, topic_counts = '{}', sentiment_counts = '{}',
              analyzer;
    -- a model that does not score the stream (or a window nobody scored): shares of the sample
    IF topic_counts = '{}' AND sampled > 0 THEN
        topic_counts := tweetlda.drift_counts(topic_arr);
        topic_from := 'sample';
    END IF;
    IF sentiment_counts = '{}' AND sampled > 0 THEN
        sentiment_counts := tweetlda.drift_counts(label_arr);
        sentiment_from := 'sample';
    END IF;
    SELECT sum(e.value::text::bigint) INTO topic_total FROM jsonb_each(topic_counts) e;
    SELECT sum(e.value::text::bigint) INTO sentiment_total FROM jsonb_each(sentiment_counts) e;
    tweets := greatest(tweets, sampled);
    log_perplexity := (ev ->> 'log_perplexity')::double precision;
    oov_rate := (cov ->> 'oov_rate')::double precision;
    no_word_share := (cov ->> 'no_word_share')::double precision;
    win := jsonb_build_object(
        'since', since, 'until', checked_at, 'tweets', tweets, 'sampled', sampled,
        'skipped', cov -> 'skipped', 'tokens', cov -> 'tokens',
        'log_perplexity', log_perplexity, 'scored_documents', ev -> 'scored_documents',
        'oov_rate', oov_rate, 'no_word_share', no_word_share,
        'topic_counts', topic_counts, 'topic_counts_from', topic_from,
        'sentiment_counts', sentiment_counts, 'sentiment_counts_from', sentiment_from,
        'analyzer', analyzer);

    -- the baseline: the held-out slice measured at training; models trained without one
    -- (holdout 0, or trained by 0.1.0) are compared with their first check that had tweets
    IF model_metrics ? 'baseline' THEN
        base := model_metrics -> 'baseline';
        base_source := 'training';
    ELSE
        SELECT h.figures -> 'window' || jsonb_build_object('checked_at', h.checked_at)
        INTO base
        FROM tweetlda.drift_history h
        WHERE h.model_id = drift.model_id AND h.status <> 'empty window'
          AND (h.figures #>> '{window,sampled}')::bigint >= min_tweets
        ORDER BY h.checked_at, h.id LIMIT 1;
        base_source := CASE WHEN base IS NULL THEN 'none' ELSE 'first check' END;
    END IF;
    base_lp := coalesce((tweetlda.model_info(mdl) #>> '{quality,log_perplexity}')::double precision,
                        (base ->> 'log_perplexity')::double precision);
    log_perplexity_increase := log_perplexity - base_lp;
    oov_rate_increase := oov_rate - (base ->> 'oov_rate')::double precision;
    no_word_share_increase := no_word_share - (base ->> 'no_word_share')::double precision;
    topic_jsd := tweetlda.drift_jsd(topic_counts, base -> 'topic_counts');
    sentiment_shift := tweetlda.drift_tvd(sentiment_counts, base -> 'sentiment_counts');

    checks := jsonb_build_object(
        'log_perplexity_increase', tweetlda.drift_check_figure(log_perplexity_increase, base_lp,
            (th ->> 'log_perplexity_increase')::double precision, (ev ->> 'scored_documents')::bigint, min_tweets),
        'oov_rate_increase', tweetlda.drift_check_figure(oov_rate_increase, (base ->> 'oov_rate')::double precision,
            (th ->> 'oov_rate_increase')::double precision, (cov ->> 'documents')::bigint, min_tweets),
        'no_word_share_increase', tweetlda.drift_check_figure(no_word_share_increase, (base ->> 'no_word_share')::double precision,
            (th ->> 'no_word_share_increase')::double precision, (cov ->> 'documents')::bigint, min_tweets),
        'topic_jsd', tweetlda.drift_check_figure(topic_jsd, NULL,
            (th ->> 'topic_jsd')::double precision, topic_total, min_tweets),
        'sentiment_shift', tweetlda.drift_check_figure(sentiment_shift, NULL,
            (th ->> 'sentiment_shift')::double precision, sentiment_total, min_tweets));
    SELECT coalesce(array_agg(e.key ORDER BY e.key) FILTER (WHERE (e.value ->> 'exceeded')::boolean), '{}')
    INTO exceeded FROM jsonb_each(checks) e;
    drifted := cardinality(exceeded) > 0;
    status := CASE
        WHEN drifted THEN 'drifted'
        WHEN tweets = 0 THEN 'empty window'
        WHEN greatest(sampled, topic_total, sentiment_total) < min_tweets THEN 'too few tweets'
        WHEN base IS NULL AND base_lp IS NULL THEN 'no baseline'
        ELSE 'ok' END;
    figures := jsonb_build_object(
        'window', win,
        'baseline', coalesce(base, '{}') || jsonb_build_object('source', base_source,
                                                               'log_perplexity', base_lp),
        'checks', checks,
        'thresholds', th,
        'sample', jsonb_build_object(
            'requested', drift.sample, 'rows', sampled,
            'method', CASE WHEN pct IS NULL THEN 'every tweet of the window'
                           ELSE 'TABLESAMPLE SYSTEM REPEATABLE (0)' END,
            'percent', coalesce(pct, 100),
            'order', 'the lowest hashint8(id) first'));
    INSERT INTO tweetlda.drift_history (checked_at, model_id, recent, drifted, figures, status)
    VALUES (drift.checked_at, drift.model_id, drift.recent, drift.drifted, drift.figures, drift.status);
END;
$$;

-- The body of the pg_cron job of schedule_drift_check(): a drift check of the active model
-- (NULL, and nothing recorded, when no model is active); the verdict.
CREATE FUNCTION tweetlda.drift_check_job(recent interval DEFAULT '1 day') RETURNS boolean
    LANGUAGE plpgsql VOLATILE CALLED ON NULL INPUT PARALLEL UNSAFE
    SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM tweetlda.models m WHERE m.active) THEN
        RETURN NULL;
    END IF;
    RETURN (SELECT d.drifted FROM tweetlda.drift(NULL, drift_check_job.recent) d);
END
$$;

-- A pg_cron job (named 'tweetlda drift check') that checks the active model for drift on a cron
-- schedule (every hour by default) over the recent window; scheduling again replaces it.
CREATE FUNCTION tweetlda.schedule_drift_check(schedule text DEFAULT '0 * * * *',
                                              recent interval DEFAULT '1 day') RETURNS bigint
    LANGUAGE plpgsql VOLATILE CALLED ON NULL INPUT PARALLEL UNSAFE
    SET search_path = pg_catalog, pg_temp
    SET "IntervalStyle" = 'postgres'
AS $$
DECLARE
    job bigint;
BEGIN
    IF schedule IS NULL OR recent IS NULL THEN
        RAISE EXCEPTION 'schedule and recent of tweetlda.schedule_drift_check() must not be NULL'
            USING ERRCODE = 'null_value_not_allowed',
                  HINT = 'Pass a cron schedule such as ''0 * * * *'' and a window such as interval ''1 day''.';
    END IF;
    IF recent <= '0'::interval OR recent > '100 years'::interval THEN
        RAISE EXCEPTION 'recent window must be a positive interval of at most 100 years, not %', recent
            USING ERRCODE = 'invalid_parameter_value',
                  HINT = 'Pass a window such as interval ''1 day''.';
    END IF;
    IF NOT EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'pg_cron') THEN
        RAISE EXCEPTION 'pg_cron is not installed in database "%"', current_database()
            USING ERRCODE = 'object_not_in_prerequisite_state',
                  DETAIL = 'Scheduled drift checks run tweetlda.drift() as a pg_cron job.',
                  HINT = 'Add pg_cron to shared_preload_libraries, set cron.database_name to '
                         'this database, restart the server and run CREATE EXTENSION pg_cron; '
                         'or call tweetlda.drift() yourself.';
    END IF;
    EXECUTE 'SELECT cron.schedule($1, $2, $3)'
        INTO job
        USING 'tweetlda drift check', schedule,
              format('SELECT tweetlda.drift_check_job(%L::pg_catalog.interval)', recent::text);
    RETURN job;
END
$$;

-- Remove the pg_cron job of schedule_drift_check(); true when there was one.
CREATE FUNCTION tweetlda.unschedule_drift_check() RETURNS boolean
    LANGUAGE plpgsql VOLATILE STRICT PARALLEL UNSAFE
    SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    found boolean;
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'pg_cron') THEN
        RETURN false;
    END IF;
    EXECUTE 'SELECT EXISTS (SELECT 1 FROM cron.job WHERE jobname = $1 AND username = current_user)'
        INTO found USING 'tweetlda drift check';
    IF found THEN
        EXECUTE 'SELECT cron.unschedule($1)' USING 'tweetlda drift check';
    END IF;
    RETURN found;
END
$$;

-- Drift checks write the history: for the owner and the roles it grants them to.
REVOKE ALL ON FUNCTION tweetlda.drift(integer, interval, integer),
    tweetlda.drift_check_job(interval), tweetlda.schedule_drift_check(text, interval),
    tweetlda.unschedule_drift_check() FROM PUBLIC;

-- ---- end of issue 11: drift detection ----

-- ---- issue 13: train_sentiment() and evaluate_sentiment() check the labelled query's shape ----
-- Error unless the query source (parsed, not run) returns two columns: the text and its
-- label, of any type (train_sentiment and evaluate_sentiment say so instead of a column-alias error).
CREATE FUNCTION tweetlda.sentiment_check_source(source text) RETURNS void
    AS 'MODULE_PATHNAME', 'sentiment_check_source'
    LANGUAGE C VOLATILE STRICT PARALLEL UNSAFE;

-- Train a classifier on source, a query returning (text, label) rows, and store it under name;
-- returns its metrics (held-out accuracy, macro-F1, per-class precision and recall, confusion).
-- holdout: the share of the texts (chosen by a hash of each text and the seed) kept out of
-- training and measured; cv_folds: k-fold cross-validation on the training share as well.
CREATE OR REPLACE FUNCTION tweetlda.train_sentiment(
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
    PERFORM tweetlda.sentiment_check_source(train_sentiment.source);
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

-- Accuracy, macro-F1, per-class precision / recall / F1 / support and the confusion matrix of a
-- trained model on source, a query returning (text, label) rows.
CREATE OR REPLACE FUNCTION tweetlda.evaluate_sentiment(name text, source text) RETURNS jsonb
    LANGUAGE plpgsql STABLE STRICT PARALLEL UNSAFE
AS $$
DECLARE
    docs text[];
    labels text[];
BEGIN
    PERFORM tweetlda.sentiment_check_source(evaluate_sentiment.source);
    EXECUTE pg_catalog.format('SELECT pg_catalog.array_agg(s.doc::text), pg_catalog.array_agg(s.label::text) FROM (%s) AS s(doc, label)',
                              evaluate_sentiment.source)
        INTO docs, labels;
    RETURN tweetlda.sentiment_evaluate_texts(evaluate_sentiment.name, coalesce(docs, '{}'),
                                             coalesce(labels, '{}'));
END;
$$;
-- ---- end of issue 13: labelled query check ----

-- ---- issue 13: start_stream(..., analyzer) selects the stream's sentiment analyzer ----
DROP FUNCTION tweetlda.start_stream(interval, integer);
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
REVOKE ALL ON FUNCTION tweetlda.start_stream(interval, integer, text) FROM PUBLIC;
-- ---- end of issue 13: start_stream analyzer ----

-- ---- issue 10: evaluate() reads a language column as train() does ----
-- The quality report of a model over the documents of source (a query returning one text column,
-- or two: the text and its language, as for train()).
CREATE OR REPLACE FUNCTION tweetlda.evaluate(model tweetlda.lda_model, source text) RETURNS jsonb
    LANGUAGE plpgsql STABLE STRICT PARALLEL UNSAFE
AS $$
DECLARE
    result jsonb;
BEGIN
    IF tweetlda.lda_check_training_source(source) THEN
        EXECUTE pg_catalog.format('SELECT tweetlda.lda_evaluation($1, s.doc, s.lang) FROM (%s) AS s(doc, lang)', source)
            INTO result USING model;
    ELSE
        EXECUTE pg_catalog.format('SELECT tweetlda.lda_evaluation($1, s.doc) FROM (%s) AS s(doc)', source)
            INTO result USING model;
    END IF;
    RETURN result;
END;
$$;

-- ---- end of issue 10: evaluate with languages ----

-- ---- issue 11: incremental update (update_model, lda_update) ----
-- tweetlda.lda_update(model, doc [, lang], params [, fit]): online variational Bayes goes on from
-- the model's topic-word parameters on new tweets (doc/lifecycle.md, "Incremental updates"); for a
-- DMM model, collapsed Gibbs sampling from its counts.
-- params keys: max_iter, seed, min_df, max_df, max_terms (the rest is the model's).  The state
-- is the one of lda_from_text (same combine, serialize and deserialize functions).
CREATE FUNCTION tweetlda.lda_update_transfn(internal, tweetlda.lda_model, text, jsonb) RETURNS internal
    AS 'MODULE_PATHNAME', 'lda_update_transfn'
    LANGUAGE C STABLE CALLED ON NULL INPUT PARALLEL SAFE;

CREATE FUNCTION tweetlda.lda_update_transfn(internal, tweetlda.lda_model, text, text, jsonb) RETURNS internal
    AS 'MODULE_PATHNAME', 'lda_update_transfn'
    LANGUAGE C STABLE CALLED ON NULL INPUT PARALLEL SAFE;

CREATE FUNCTION tweetlda.lda_update_transfn(internal, tweetlda.lda_model, text, text, jsonb, boolean)
    RETURNS internal
    AS 'MODULE_PATHNAME', 'lda_update_transfn'
    LANGUAGE C STABLE CALLED ON NULL INPUT PARALLEL SAFE;

-- Volatile: the model records when it was updated and the update reports progress.
CREATE FUNCTION tweetlda.lda_update_finalfn(internal) RETURNS tweetlda.lda_model
    AS 'MODULE_PATHNAME', 'lda_update_finalfn'
    LANGUAGE C VOLATILE CALLED ON NULL INPUT PARALLEL SAFE;

CREATE AGGREGATE tweetlda.lda_update(model tweetlda.lda_model, doc text, params jsonb) (
    SFUNC        = tweetlda.lda_update_transfn,
    STYPE        = internal,
    FINALFUNC    = tweetlda.lda_update_finalfn,
    COMBINEFUNC  = tweetlda.lda_combinefn,
    SERIALFUNC   = tweetlda.lda_serialfn,
    DESERIALFUNC = tweetlda.lda_deserialfn,
    PARALLEL     = SAFE
);

CREATE AGGREGATE tweetlda.lda_update(model tweetlda.lda_model, doc text, lang text, params jsonb) (
    SFUNC        = tweetlda.lda_update_transfn,
    STYPE        = internal,
    FINALFUNC    = tweetlda.lda_update_finalfn,
    COMBINEFUNC  = tweetlda.lda_combinefn,
    SERIALFUNC   = tweetlda.lda_serialfn,
    DESERIALFUNC = tweetlda.lda_deserialfn,
    PARALLEL     = SAFE
);

-- The same, where rows with fit false count for the vocabulary but are not trained on (the
-- held-out slice of update_model()).
CREATE AGGREGATE tweetlda.lda_update(model tweetlda.lda_model, doc text, lang text, params jsonb,
                                     fit boolean) (
    SFUNC        = tweetlda.lda_update_transfn,
    STYPE        = internal,
    FINALFUNC    = tweetlda.lda_update_finalfn,
    COMBINEFUNC  = tweetlda.lda_combinefn,
    SERIALFUNC   = tweetlda.lda_serialfn,
    DESERIALFUNC = tweetlda.lda_deserialfn,
    PARALLEL     = SAFE
);

-- Update the model with this name (any version) on the tweets of source (one text column, or the
-- text and its language, as for train()) and store the result as the next version of its family
-- (origin 'update', parent the model updated); returns the new model's id.  The model updated
-- stays (rollback: activate() it).  The new version is not activated (unless no model is active,
-- as for every stored model): call activate().  max_iter NULL: the model's number of passes over
-- the new tweets; max_terms, seed, min_df, max_df NULL: the model's training parameters.
-- holdout as for train(): up to that many of the new tweets (a hash slice) are held out to
-- measure the quality figures of the new version.  No new tweet is an error.
CREATE FUNCTION tweetlda.update_model(
    name text,
    source text,
    max_iter integer DEFAULT NULL,
    max_terms integer DEFAULT NULL,
    seed bigint DEFAULT NULL,
    min_df double precision DEFAULT NULL,
    max_df double precision DEFAULT NULL,
    holdout integer DEFAULT 2000) RETURNS integer
    LANGUAGE plpgsql VOLATILE PARALLEL UNSAFE
AS $$
DECLARE
    base_id integer;
    base_family text;
    base_params jsonb;
    base_model tweetlda.lda_model;
    has_lang boolean;
    p jsonb;
    result tweetlda.lda_model;
    quality jsonb;
    cut_h bigint;
    cut_doc text;
    heldout_filter text := 'false';
    source_alias text;
BEGIN
    IF update_model.name IS NULL OR update_model.source IS NULL THEN
        RAISE EXCEPTION 'name and source of tweetlda.update_model() must not be NULL'
            USING ERRCODE = 'null_value_not_allowed';
    END IF;
    SELECT m.id, m.family, m.params, m.model INTO base_id, base_family, base_params, base_model
    FROM tweetlda.models m WHERE m.name OPERATOR(pg_catalog.=) update_model.name;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'LDA model "%" does not exist', update_model.name
            USING ERRCODE = 'undefined_object', HINT = 'Models are listed in tweetlda.models.';
    END IF;
    IF update_model.holdout IS NULL OR update_model.holdout OPERATOR(pg_catalog.<) 0 THEN
        RAISE EXCEPTION 'holdout must be a number of documents >= 0'
            USING ERRCODE = 'invalid_parameter_value',
                  HINT = '0 updates on every document and measures no quality figures.';
    END IF;
    -- the update's parameters: given, else the model's training parameters (else the defaults)
    p := pg_catalog.jsonb_strip_nulls(pg_catalog.jsonb_build_object(
        'max_iter', update_model.max_iter,
        'seed', coalesce(update_model.seed::numeric, (base_params OPERATOR(pg_catalog.->>) 'seed')::numeric),
        'min_df', coalesce(update_model.min_df::numeric, (base_params OPERATOR(pg_catalog.->>) 'min_df')::numeric),
        'max_df', coalesce(update_model.max_df::numeric, (base_params OPERATOR(pg_catalog.->>) 'max_df')::numeric),
        'max_terms', coalesce(update_model.max_terms::numeric, (base_params OPERATOR(pg_catalog.->>) 'max_terms')::numeric)));
    has_lang := tweetlda.lda_check_training_source(update_model.source);
    source_alias := CASE WHEN has_lang THEN 's(doc, lang)' ELSE 's(doc)' END;
    -- the held-out slice, as train_model() chooses it: text hash 0 modulo 20, the lowest hashes
    IF update_model.holdout OPERATOR(pg_catalog.>) 0 THEN
        EXECUTE pg_catalog.format(
            'SELECT h, doc FROM (SELECT pg_catalog.hashtextextended(s.doc::text, 10) AS h, s.doc::text AS doc FROM (%s) AS %s) AS q '
            'WHERE h OPERATOR(pg_catalog.%%) 20 OPERATOR(pg_catalog.=) 0 '
            'ORDER BY h, doc COLLATE "C" OFFSET %s LIMIT 1', update_model.source, source_alias,
            update_model.holdout OPERATOR(pg_catalog.-) 1)
            INTO cut_h, cut_doc;
        heldout_filter := CASE WHEN cut_h IS NULL THEN
            'pg_catalog.hashtextextended(s.doc::text, 10) OPERATOR(pg_catalog.%) 20 OPERATOR(pg_catalog.=) 0'
        ELSE pg_catalog.format(
            '(pg_catalog.hashtextextended(s.doc::text, 10) OPERATOR(pg_catalog.%%) 20 OPERATOR(pg_catalog.=) 0 AND '
            '(pg_catalog.hashtextextended(s.doc::text, 10), s.doc::text COLLATE "C") OPERATOR(pg_catalog.<=) (%s::bigint, %L COLLATE "C"))',
            cut_h, cut_doc) END;
    END IF;
    EXECUTE pg_catalog.format('SELECT tweetlda.lda_update($1, s.doc, %s, $2, (%s) IS NOT TRUE) FROM (%s) AS %s',
                              CASE WHEN has_lang THEN 's.lang' ELSE 'NULL::text' END,
                              heldout_filter, update_model.source, source_alias)
        INTO result USING base_model, p;
    IF update_model.holdout OPERATOR(pg_catalog.>) 0 THEN
        EXECUTE pg_catalog.format('SELECT tweetlda.lda_evaluation($1, s.doc%s) FROM (%s) AS %s WHERE %s',
                                  CASE WHEN has_lang THEN ', s.lang' ELSE '' END,
                                  update_model.source, source_alias, heldout_filter)
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
    RETURN tweetlda.store_model(NULL, result, base_params, family => base_family,
                                parent => base_id, origin => 'update');
END;
$$;
-- ---- end of incremental update ----
-- ---- issue 11: retraining and topic lineage (match_topics, permute_topics, topic_lineage,
-- inherit_topics from store_model, model_runs, retrain, schedule_retraining) ----

-- Store a model in the registry (active when no model is); returns its id.  With a family, it is
-- that family's next version, named family@version unless a name is given; parent is the model
-- it was retrained or updated from: the new model's topics are then renumbered to the parent's
-- (tweetlda.inherit_topics(), doc/lifecycle.md "Topic identity").
CREATE OR REPLACE FUNCTION tweetlda.store_model(
    name text,
    model tweetlda.lda_model,
    params jsonb DEFAULT '{}',
    family text DEFAULT NULL,
    parent integer DEFAULT NULL,
    origin text DEFAULT 'train') RETURNS integer
    LANGUAGE plpgsql VOLATILE PARALLEL UNSAFE
    SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    info jsonb;
    fam text;
    ver integer := 1;
    model_name text := store_model.name;
    new_id integer;
BEGIN
    IF store_model.model IS NULL OR (model_name IS NULL AND store_model.family IS NULL) THEN
        RAISE EXCEPTION 'model and a name or family of tweetlda.store_model() must not be NULL'
            USING ERRCODE = 'null_value_not_allowed';
    END IF;
    LOCK TABLE tweetlda.models IN SHARE ROW EXCLUSIVE MODE;
    fam := coalesce(store_model.family, model_name);
    IF store_model.family IS NOT NULL THEN
        SELECT coalesce(max(m.version) OPERATOR(pg_catalog.+) 1, 1) INTO ver
        FROM tweetlda.models m WHERE m.family OPERATOR(pg_catalog.=) fam;
        model_name := coalesce(model_name, CASE WHEN ver OPERATOR(pg_catalog.=) 1 THEN fam
                                                ELSE fam OPERATOR(pg_catalog.||) '@' OPERATOR(pg_catalog.||) ver::text END);
    END IF;
    IF model_name OPERATOR(pg_catalog.!~) '[^[:space:]]' THEN
        RAISE EXCEPTION 'LDA model name must not be empty or blank'
            USING ERRCODE = 'invalid_parameter_value',
                  HINT = 'Models are referred to by name, as in tweetlda.topics(name, doc).';
    END IF;
    IF EXISTS (SELECT 1 FROM tweetlda.models m WHERE m.name OPERATOR(pg_catalog.=) model_name) THEN
        RAISE EXCEPTION 'LDA model "%" already exists', model_name
            USING ERRCODE = 'unique_violation',
                  HINT = 'Choose another name or delete the model from tweetlda.models.';
    END IF;
    info := tweetlda.model_info(store_model.model);
    INSERT INTO tweetlda.models (name, k, params, metrics, model, active, family, version,
                                 parent_id, origin)
    VALUES (model_name, (info OPERATOR(pg_catalog.->>) 'k')::integer, coalesce(store_model.params, '{}'),
            pg_catalog.jsonb_build_object(
                'vocab_size', info OPERATOR(pg_catalog.->) 'vocab_size',
                'documents', info OPERATOR(pg_catalog.#>) '{training,documents}',
                'empty_documents', info OPERATOR(pg_catalog.#>) '{training,empty_documents}',
                'tokens', info OPERATOR(pg_catalog.#>) '{training,tokens}',
                'passes', info OPERATOR(pg_catalog.#>) '{training,passes}',
                'bound_per_token', info OPERATOR(pg_catalog.#>) '{training,bound_per_token}',
                'seconds', info OPERATOR(pg_catalog.#>) '{training,seconds}',
                'quality', info OPERATOR(pg_catalog.->) 'quality'),
            store_model.model,
            NOT EXISTS (SELECT 1 FROM tweetlda.models m WHERE m.active),
            fam, ver, store_model.parent, coalesce(store_model.origin, 'train'))
    RETURNING id INTO new_id;
    -- a new version keeps its parent's topic numbers and names (doc/lifecycle.md)
    IF store_model.parent IS NOT NULL THEN
        PERFORM tweetlda.inherit_topics(new_id);
    END IF;
    RETURN new_id;
END;
$$;

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

-- ---- end of issue 11: retraining and topic lineage ----

-- ---- issue 14: GSDMM, method => 'dmm' (src/sql/30_lda.sql train()) ----
-- train() gains method (and max_iter defaults to the method's): a new signature.
DROP FUNCTION tweetlda.train(text, text, integer, integer, double precision, double precision,
    double precision, double precision, double precision, boolean, bigint, text, text,
    double precision, double precision, integer, text, jsonb, text[], integer);

-- Build the vocabulary, train, and store the model under a name; returns its id.
-- source is a query returning one text column (the tweets), or two: the text and its language
-- (Twitter's lang field; NULL to detect it). languages (ISO codes) restricts training to tweets
-- of those languages.  method 'dmm' trains a Dirichlet multinomial mixture (one topic per
-- tweet; k is an upper bound, doc_concentration is its alpha and topic_concentration its beta,
-- 0.1 when NULL; max_iter NULL means 20 for LDA and 15 Gibbs sweeps for dmm; doc/dmm.md).
CREATE FUNCTION tweetlda.train(
    name text,
    source text,
    k integer DEFAULT 10,
    max_iter integer DEFAULT NULL,
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
    language text DEFAULT 'auto',
    text_config jsonb DEFAULT NULL,
    languages text[] DEFAULT NULL,
    holdout integer DEFAULT 2000,
    method text DEFAULT 'lda') RETURNS integer
    LANGUAGE plpgsql VOLATILE PARALLEL UNSAFE
AS $$
DECLARE
    cfg jsonb;
    params jsonb;
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
    IF train.languages IS NOT NULL THEN
        cfg := tweetlda.validate_text_config(cfg OPERATOR(pg_catalog.||)
                                             pg_catalog.jsonb_build_object('languages', train.languages));
    END IF;
    params := pg_catalog.jsonb_build_object(
        'k', train.k,
        'max_iter', coalesce(train.max_iter, CASE WHEN train.method IS DISTINCT FROM 'dmm' THEN 20 END),
        'doc_concentration', train.doc_concentration,
        'topic_concentration', train.topic_concentration,
        'learning_offset', train.learning_offset, 'learning_decay', train.learning_decay,
        'subsampling_rate', train.subsampling_rate,
        'optimize_doc_concentration', train.optimize_doc_concentration,
        'seed', train.seed, 'optimizer', train.optimizer, 'weighting', train.weighting,
        'text_config', cfg);
    params := params OPERATOR(pg_catalog.||) pg_catalog.jsonb_build_object(
        'min_df', train.min_df, 'max_df', train.max_df, 'max_terms', train.max_terms);
    IF train.method IS DISTINCT FROM 'lda' THEN
        params := params OPERATOR(pg_catalog.||) pg_catalog.jsonb_build_object('method', train.method);
    END IF;
    RETURN tweetlda.train_model(train.name, train.source, params, train.holdout);
END;
$$;
-- ---- end of issue 14: GSDMM ----

-- ---- issue 11: activation and rollback (branch i11-activation; src/sql/60_stream.sql,
-- 70_views.sql, 75_dashboard.sql, activate() in 30_lda.sql) ----
-- Scores are kept per tweet and model; the views show the serving model; after activate() the
-- recent window is rescored in the background; wide views follow the serving model.
ALTER TABLE tweetlda.tweet_scores
    DROP CONSTRAINT tweet_scores_pkey,
    ADD CONSTRAINT tweet_scores_pkey PRIMARY KEY (tweet_id, model_id);
COMMENT ON TABLE tweetlda.tweet_scores IS
    'topic distribution and sentiment of every scored tweet, per model (topics NULL: no term of the model)';
-- one model's scores in tweet order: the window rescoring after an activation, and pruning
CREATE INDEX tweet_scores_model_tweet_idx ON tweetlda.tweet_scores (model_id, tweet_id);
ALTER TABLE tweetlda.stream_state
    ADD COLUMN rescore_window interval DEFAULT '7 days',
    ADD COLUMN keep_previous boolean NOT NULL DEFAULT true,
    ADD COLUMN serving_model_id integer,
    ADD COLUMN previous_model_id integer,
    ADD COLUMN rescore_model_id integer,
    ADD COLUMN rescore_from_id integer,
    ADD COLUMN rescore_since timestamptz,
    ADD COLUMN rescore_cursor bigint,
    ADD COLUMN rescore_total bigint,
    ADD COLUMN rescore_done bigint,
    ADD COLUMN rescore_started_at timestamptz,
    ADD COLUMN rescore_finished_at timestamptz,
    ADD CONSTRAINT stream_state_serving_model_id_fkey FOREIGN KEY (serving_model_id)
        REFERENCES tweetlda.models (id) ON DELETE SET NULL,
    ADD CONSTRAINT stream_state_previous_model_id_fkey FOREIGN KEY (previous_model_id)
        REFERENCES tweetlda.models (id) ON DELETE SET NULL,
    ADD CONSTRAINT stream_state_rescore_model_id_fkey FOREIGN KEY (rescore_model_id)
        REFERENCES tweetlda.models (id) ON DELETE SET NULL,
    ADD CONSTRAINT stream_state_rescore_from_id_fkey FOREIGN KEY (rescore_from_id)
        REFERENCES tweetlda.models (id) ON DELETE SET NULL,
    ADD CONSTRAINT stream_state_rescore_window_check
        CHECK (rescore_window OPERATOR(pg_catalog.>=) '0'::interval);
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

-- The model the views show: while the window rescoring of an activation runs, the model served
-- before (stream_state.serving_model_id); else the active model.
-- SECURITY DEFINER: the views (and the dashboard role, which cannot read stream_state) call it.
CREATE OR REPLACE FUNCTION tweetlda.serving_model() RETURNS integer
    LANGUAGE sql STABLE PARALLEL SAFE SECURITY DEFINER
    SET search_path = pg_catalog, pg_temp
    RETURN coalesce((SELECT s.serving_model_id FROM tweetlda.stream_state s
                     WHERE s.rescore_started_at IS NOT NULL AND s.rescore_finished_at IS NULL),
                    (SELECT m.id FROM tweetlda.models m WHERE m.active));

-- Score the given tweets with each of the given models, unless they already have that model's
-- score (a score is never replaced: one per tweet and model); the number of tweets that got a
-- new score of the first model. Sentiment is computed once per tweet.
CREATE OR REPLACE FUNCTION tweetlda.score_tweets_with(tweet_ids bigint[], models integer[]) RETURNS integer
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
CREATE OR REPLACE FUNCTION tweetlda.scoring_models() RETURNS integer[]
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
CREATE OR REPLACE FUNCTION tweetlda.score_tweets(tweet_ids bigint[]) RETURNS integer
    LANGUAGE plpgsql VOLATILE STRICT PARALLEL UNSAFE
    SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    RETURN tweetlda.score_tweets_with(tweet_ids, tweetlda.scoring_models());
END
$$;

-- The live part of a micro-batch: claim up to max_rows queued tweets, score them, return the
-- number scored. A batch that fails is retried tweet by tweet; a tweet that fails alone goes to
-- tweetlda.rejected (reason and raw object) and is not retried.
CREATE OR REPLACE FUNCTION tweetlda.process_queue(max_rows integer) RETURNS integer
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
CREATE OR REPLACE FUNCTION tweetlda.rescore_finish() RETURNS void
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
CREATE OR REPLACE FUNCTION tweetlda.rescore_tweets(tweet_ids bigint[], model integer) RETURNS integer
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
CREATE OR REPLACE FUNCTION tweetlda.prune_scores(max_rows integer) RETURNS integer
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
CREATE OR REPLACE FUNCTION tweetlda.rescore_step(max_rows integer DEFAULT 10000) RETURNS integer
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
CREATE OR REPLACE FUNCTION tweetlda.process_pending(max_rows integer DEFAULT 10000) RETURNS integer
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
CREATE OR REPLACE FUNCTION tweetlda.rescore(since timestamptz DEFAULT '-infinity') RETURNS bigint
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

DROP FUNCTION tweetlda.stream_status();
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

REVOKE ALL ON FUNCTION tweetlda.stream_status() FROM PUBLIC;
REVOKE ALL ON FUNCTION tweetlda.score_tweets_with(bigint[], integer[]),
    tweetlda.scoring_models(), tweetlda.process_queue(integer), tweetlda.rescore_finish(),
    tweetlda.rescore_tweets(bigint[], integer), tweetlda.prune_scores(integer),
    tweetlda.rescore_step(integer) FROM PUBLIC;
-- DELETE: pruning the scores of models no longer kept (tweetlda.prune_scores)
GRANT DELETE ON tweetlda.tweet_scores TO tweetlda_stream;
GRANT EXECUTE ON FUNCTION tweetlda.score_tweets_with(bigint[], integer[]), tweetlda.scoring_models(),
    tweetlda.process_queue(integer), tweetlda.rescore_finish(),
    tweetlda.rescore_tweets(bigint[], integer), tweetlda.prune_scores(integer),
    tweetlda.rescore_step(integer)
    TO tweetlda_stream;
-- (DELETE: the rollup rows of a model whose scores were pruned, tweetlda.prune_scores)
GRANT DELETE ON tweetlda.score_rollup TO tweetlda_stream;

-- Make a model the active one (atomically: exactly one model is active afterwards).  New tweets
-- are scored with it at once; the views go on showing the model served so far until the
-- scored tweets of the recent window (stream_state.rescore_window) are rescored with it in the
-- background (tweetlda.rescore_step), then switch.  A rollback to the previous model, whose
-- scores are kept, is served at once.  Ingestion is never blocked (doc/lifecycle.md).
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
    PERFORM tweetlda.activate_model(new_id);
    RETURN new_id;
END;
$$;

-- Make a version of a model family the active model (as activate(name)); returns its id.
CREATE OR REPLACE FUNCTION tweetlda.activate(family text, version integer) RETURNS integer
    LANGUAGE plpgsql VOLATILE CALLED ON NULL INPUT PARALLEL UNSAFE
    SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    new_id integer;
BEGIN
    IF activate.family IS NULL OR activate.version IS NULL THEN
        RAISE EXCEPTION 'the family and version of tweetlda.activate() must not be NULL'
            USING ERRCODE = 'null_value_not_allowed',
                  HINT = 'Versions are listed in tweetlda.models (columns family and version).';
    END IF;
    LOCK TABLE tweetlda.models IN SHARE ROW EXCLUSIVE MODE;
    SELECT m.id INTO new_id FROM tweetlda.models m
    WHERE m.family = activate.family AND m.version = activate.version;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'LDA model family "%" has no version %', activate.family, activate.version
            USING ERRCODE = 'undefined_object',
                  HINT = 'Versions are listed in tweetlda.models (columns family and version).';
    END IF;
    PERFORM tweetlda.activate_model(new_id);
    RETURN new_id;
END;
$$;

-- The work of activate(): switch the active flag and start the transition of the views (the
-- caller holds the lock on tweetlda.models).
CREATE OR REPLACE FUNCTION tweetlda.activate_model(new_id integer) RETURNS void
    LANGUAGE plpgsql VOLATILE STRICT PARALLEL UNSAFE
    SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    st tweetlda.stream_state;
    from_id integer;
    since timestamptz;
    total bigint;
    first_id bigint;
    at_once boolean;
BEGIN
    -- waits for a running rescoring step (one batch) at most; ingestion takes no such lock
    SELECT * INTO st FROM tweetlda.stream_state FOR UPDATE;
    from_id := tweetlda.serving_model();
    UPDATE tweetlda.models m SET active = false WHERE m.active AND m.id <> new_id;
    UPDATE tweetlda.models m SET active = true WHERE m.id = new_id AND NOT m.active;
    since := now() - st.rescore_window;
    IF from_id IS NULL OR from_id = new_id THEN
        -- nothing served before, or the served model again: serve it, nothing to rescore
        UPDATE tweetlda.stream_state
        SET serving_model_id = new_id, rescore_model_id = new_id, rescore_from_id = from_id,
            rescore_since = since, rescore_cursor = NULL, rescore_total = 0, rescore_done = 0,
            rescore_started_at = now(), rescore_finished_at = now();
    ELSE
        SELECT count(*), min(s.tweet_id) INTO total, first_id FROM tweetlda.tweet_scores s
        WHERE s.model_id = from_id AND (since IS NULL OR s.created_at >= since);
        -- a rollback to the model served before, whose scores are kept: served at once, the
        -- tweets it lacks are rescored in the background
        at_once := new_id = st.previous_model_id
                   AND EXISTS (SELECT 1 FROM tweetlda.tweet_scores s WHERE s.model_id = new_id);
        UPDATE tweetlda.stream_state
        SET serving_model_id = CASE WHEN at_once THEN new_id ELSE from_id END,
            previous_model_id = CASE WHEN at_once THEN from_id ELSE previous_model_id END,
            rescore_model_id = new_id, rescore_from_id = from_id, rescore_since = since,
            rescore_cursor = first_id - 1,
            rescore_total = total, rescore_done = 0,
            rescore_started_at = now(), rescore_finished_at = NULL;
        IF total = 0 THEN
            -- no scored tweet in the window: the views switch at once
            PERFORM tweetlda.rescore_finish();
        END IF;
    END IF;
    PERFORM tweetlda.refresh_wide_views();
END;
$$;
-- Every scored tweet: time, text, processed tokens, topic distribution and sentiment.
CREATE OR REPLACE VIEW tweetlda.scored_tweets AS
SELECT s.tweet_id, s.created_at, t.lang, t.author, t.text,
       tweetlda.tokenize(t.text, m.params -> 'text_config') AS tokens,
       s.topics, s.top_topic, s.polarity, s.subjectivity, s.sentiment,
       s.model_id, s.scored_at
FROM tweetlda.tweet_scores s
JOIN tweetlda.tweet_ids i ON i.id = s.tweet_id
JOIN tweetlda.tweets t ON t.id = i.id AND t.received_at = i.received_at
LEFT JOIN tweetlda.models m ON m.id = s.model_id
WHERE s.model_id = (SELECT tweetlda.serving_model());
COMMENT ON VIEW tweetlda.scored_tweets IS
    'scored tweets still landed (scores of the serving model): time, text, tokens (as the model saw them), topics and sentiment';

-- Long form of the topic distributions: one row per tweet and topic.
CREATE OR REPLACE VIEW tweetlda.tweet_topics AS
SELECT s.tweet_id, w.topic::integer AS topic, w.weight, s.model_id
FROM tweetlda.tweet_scores s
CROSS JOIN LATERAL unnest(s.topics) WITH ORDINALITY AS w(weight, topic)
WHERE s.model_id = (SELECT tweetlda.serving_model());
COMMENT ON VIEW tweetlda.tweet_topics IS
    'topic weights of every scored tweet (serving model), one row per topic';

-- One row per topic of the serving model: top words (by relevance), tweets, share and sentiment,
-- and a last row with topic NULL ('no topic') for the scored tweets without a known word, so that
-- the tweets add up to the scored tweets; label is the topic's name when set, else its label.
CREATE OR REPLACE VIEW tweetlda.topic_summary AS
WITH m AS (SELECT id, model FROM tweetlda.models WHERE id = (SELECT tweetlda.serving_model())),
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
    'per topic of the serving model (topic NULL: no known word): top words, tweets, share, average polarity, label counts, label';

-- Topic labels of the serving model (name when set, else the three most relevant words), with
-- the row (NULL, 'no topic') for tweets without a known word.
CREATE OR REPLACE VIEW tweetlda.topic_labels AS
WITH m AS (SELECT id, model FROM tweetlda.models WHERE id = (SELECT tweetlda.serving_model()))
SELECT tt.topic, coalesce(n.name, string_agg(tt.word, ' · ' ORDER BY tt.rank)) AS label
FROM m CROSS JOIN LATERAL tweetlda.topic_terms(m.model, 3) tt
LEFT JOIN tweetlda.topic_names n ON n.model_id = m.id AND n.topic = tt.topic
GROUP BY tt.topic, n.name
UNION ALL
SELECT NULL, 'no topic' FROM m;
COMMENT ON VIEW tweetlda.topic_labels IS
    'label of every topic of the serving model (its name when set), and (NULL, no topic)';

-- Tweets per topic of the serving model and sentiment label (every combination, zeros included;
-- topic NULL: the tweets without a known word).
CREATE OR REPLACE VIEW tweetlda.topic_sentiment AS
WITH m AS (SELECT id, k FROM tweetlda.models WHERE id = (SELECT tweetlda.serving_model())),
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
    'tweets per topic of the serving model (topic NULL: no known word) and sentiment label';

-- Tweets and average polarity per hour (of the tweets' time) and topic of the serving model
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
      WHERE s.model_id = (SELECT tweetlda.serving_model())
      GROUP BY 1, 2) AS g;
COMMENT ON VIEW tweetlda.topic_timeline IS
    'tweets and average polarity per hour and topic of the serving model (topic NULL: no known word)';

-- The wide views made by create_wide_view(): activation re-creates them when the number of
-- topic columns has to change (they read the serving model's id at query time).
CREATE TABLE tweetlda.wide_views (
    view_name text PRIMARY KEY,
    topics integer NOT NULL,
    created_at timestamptz NOT NULL DEFAULT pg_catalog.now()
);
COMMENT ON TABLE tweetlda.wide_views IS
    'views made by tweetlda.create_wide_view() (qualified name, topic columns), kept in step by activate()';
SELECT pg_catalog.pg_extension_config_dump('tweetlda.wide_views', '');

-- The topic columns a wide view needs: the most topics of the serving and the active model (so
-- that the view fits the model it shows now and the one it will show after the rescoring).
CREATE OR REPLACE FUNCTION tweetlda.wide_view_topics() RETURNS integer
    LANGUAGE sql STABLE PARALLEL SAFE
    SET search_path = pg_catalog, pg_temp
    RETURN (SELECT max(m.k) FROM tweetlda.models m
            WHERE m.active OR m.id = tweetlda.serving_model());

-- (Re)create the wide view target (a quoted qualified name) with k topic columns and record it.
CREATE OR REPLACE FUNCTION tweetlda.wide_view_build(target text, k integer) RETURNS void
    LANGUAGE plpgsql VOLATILE STRICT PARALLEL UNSAFE
    SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    cols text;
BEGIN
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
                   'WHERE s.model_id = (SELECT tweetlda.serving_model())', target, cols);
    EXECUTE format('COMMENT ON VIEW %s IS %L', target,
                   format('scored tweets of the serving tweetlda model, one column per topic (%s)', k));
    EXECUTE format('GRANT SELECT ON %s TO tweetlda_dashboard', target);
    INSERT INTO tweetlda.wide_views AS w (view_name, topics) VALUES (target, k)
    ON CONFLICT (view_name) DO UPDATE SET topics = excluded.topics, created_at = excluded.created_at;
END
$$;

-- The wide form BI tools like: (re)create a view with one column per topic (topic_1 ...
-- topic_k) of the scores of the serving model, readable by the dashboard role; returns its
-- qualified name. It follows activations by itself. An unqualified name is put in schema public.
CREATE OR REPLACE FUNCTION tweetlda.create_wide_view(view_name text DEFAULT 'public.scored_tweets_wide')
    RETURNS text
    LANGUAGE plpgsql VOLATILE CALLED ON NULL INPUT PARALLEL UNSAFE
    SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    k integer;
    target text;
    parts text[] := parse_ident(view_name);
BEGIN
    IF view_name IS NULL THEN
        RAISE EXCEPTION 'the view name of tweetlda.create_wide_view() must not be NULL'
            USING ERRCODE = 'null_value_not_allowed',
                  HINT = 'Call it without an argument for public.scored_tweets_wide.';
    END IF;
    k := tweetlda.wide_view_topics();
    IF k IS NULL THEN
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
    PERFORM tweetlda.wide_view_build(target, k);
    RETURN target;
END
$$;
REVOKE ALL ON FUNCTION tweetlda.create_wide_view(text) FROM PUBLIC;

-- Re-create the registered wide views whose topic columns no longer fit (activate() calls it);
-- a view dropped by hand is forgotten, one that cannot be re-created is reported and kept.
CREATE OR REPLACE FUNCTION tweetlda.refresh_wide_views() RETURNS integer
    LANGUAGE plpgsql VOLATILE STRICT PARALLEL UNSAFE
    SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    k integer := tweetlda.wide_view_topics();
    v record;
    rebuilt integer := 0;
BEGIN
    IF k IS NULL THEN
        RETURN 0;
    END IF;
    FOR v IN SELECT w.view_name, w.topics FROM tweetlda.wide_views w ORDER BY w.view_name LOOP
        IF to_regclass(v.view_name) IS NULL THEN
            DELETE FROM tweetlda.wide_views w WHERE w.view_name = v.view_name;
        ELSIF v.topics <> k THEN
            BEGIN
                PERFORM tweetlda.wide_view_build(v.view_name, k);
                rebuilt := rebuilt + 1;
            EXCEPTION WHEN OTHERS THEN
                RAISE WARNING 'tweetlda: could not re-create the wide view %: %', v.view_name, SQLERRM
                    USING HINT = 'Call tweetlda.create_wide_view() for it.';
            END;
        END IF;
    END LOOP;
    RETURN rebuilt;
END
$$;
REVOKE ALL ON FUNCTION tweetlda.wide_view_build(text, integer), tweetlda.refresh_wide_views()
    FROM PUBLIC;

-- The display name of every topic of every model: the one place labels come from (the name
-- given in tweetlda.topic_names, else tweetlda.topic_label: the three most relevant words).
CREATE OR REPLACE VIEW tweetlda_bi.topic_labels AS
SELECT m.id AS model_id, m.active, t.topic,
       t.topic::text || ': ' || coalesce(n.name, tweetlda.topic_label(m.model, t.topic)) AS label,
       m.id = (SELECT tweetlda.serving_model()) AS serving
FROM tweetlda.models m
CROSS JOIN LATERAL generate_series(1, m.k) AS t(topic)
LEFT JOIN tweetlda.topic_names n ON n.model_id = m.id AND n.topic = t.topic;
COMMENT ON VIEW tweetlda_bi.topic_labels IS 'the display label of every topic of every model';
COMMENT ON COLUMN tweetlda_bi.topic_labels.model_id IS 'the model (tweetlda_bi.models.model_id)';
COMMENT ON COLUMN tweetlda_bi.topic_labels.active IS 'whether the model is the active one';
COMMENT ON COLUMN tweetlda_bi.topic_labels.topic IS 'topic number, from 1';
COMMENT ON COLUMN tweetlda_bi.topic_labels.label IS 'display label: topic number and its name or top words';
COMMENT ON COLUMN tweetlda_bi.topic_labels.serving IS 'whether the views show this model''s scores now';

-- The models.
CREATE OR REPLACE VIEW tweetlda_bi.models AS
SELECT m.id AS model_id, m.name, m.created_at, m.k AS topics, m.active,
       m.params ->> 'weighting' AS weighting,
       (m.params ->> 'alpha')::double precision AS alpha,
       (m.params ->> 'eta')::double precision AS eta,
       (m.params ->> 'seed')::bigint AS seed,
       coalesce((SELECT sum(r.tweets) FROM tweetlda.score_rollup r WHERE r.model_id = m.id), 0)::bigint
           AS tweets_scored,
       m.params::text AS params_json, m.metrics::text AS metrics_json,
       m.id = (SELECT tweetlda.serving_model()) AS serving
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
COMMENT ON COLUMN tweetlda_bi.models.tweets_scored IS 'tweets with a kept score of this model';
COMMENT ON COLUMN tweetlda_bi.models.params_json IS 'all training parameters, as JSON text';
COMMENT ON COLUMN tweetlda_bi.models.metrics_json IS 'training metrics, as JSON text';
COMMENT ON COLUMN tweetlda_bi.models.serving IS
    'whether the views show this model''s scores now (the active model once its rescoring is done)';

-- The top words of every topic of every model.
CREATE OR REPLACE VIEW tweetlda_bi.topic_words AS
SELECT m.id AS model_id, m.name AS model_name, m.active, t.topic, l.label, t.rank,
       t.word, t.weight, m.id = (SELECT tweetlda.serving_model()) AS serving
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
COMMENT ON COLUMN tweetlda_bi.topic_words.serving IS 'whether the views show this model''s scores now';

-- Hourly counts per topic and sentiment label of the serving model (long form, from the rollup).
CREATE OR REPLACE VIEW tweetlda_bi.topic_sentiment_hourly AS
SELECT r.bucket, r.topic, coalesce(l.label, 'no topic') AS label, r.sentiment, r.tweets,
       r.polarity_sum, r.polarity_sum / nullif(r.tweets, 0) AS avg_polarity
FROM tweetlda.score_rollup r
LEFT JOIN tweetlda_bi.topic_labels l ON l.model_id = r.model_id AND l.topic = r.topic
WHERE r.model_id = (SELECT tweetlda.serving_model()) AND r.tweets > 0;
COMMENT ON VIEW tweetlda_bi.topic_sentiment_hourly IS
    'tweets per hour, topic and sentiment label of the serving model (filter on bucket for a time range)';
COMMENT ON COLUMN tweetlda_bi.topic_sentiment_hourly.bucket IS 'start of the hour of the tweets'' time';
COMMENT ON COLUMN tweetlda_bi.topic_sentiment_hourly.topic IS 'top topic, from 1 (NULL: no topic)';
COMMENT ON COLUMN tweetlda_bi.topic_sentiment_hourly.label IS 'the topic''s display label';
COMMENT ON COLUMN tweetlda_bi.topic_sentiment_hourly.sentiment IS 'positive, neutral or negative';
COMMENT ON COLUMN tweetlda_bi.topic_sentiment_hourly.tweets IS 'number of tweets';
COMMENT ON COLUMN tweetlda_bi.topic_sentiment_hourly.polarity_sum IS 'sum of their polarities';
COMMENT ON COLUMN tweetlda_bi.topic_sentiment_hourly.avg_polarity IS 'average polarity, -1 to 1';

-- Tweets and sentiment per hour and topic of the serving model (wide by sentiment label).
CREATE OR REPLACE VIEW tweetlda_bi.topic_timeline AS
SELECT h.bucket, h.topic, min(h.label) AS label, sum(h.tweets)::bigint AS tweets,
       sum(h.polarity_sum) / nullif(sum(h.tweets), 0) AS avg_polarity,
       coalesce(sum(h.tweets) FILTER (WHERE h.sentiment = 'positive'), 0)::bigint AS positive,
       coalesce(sum(h.tweets) FILTER (WHERE h.sentiment = 'neutral'), 0)::bigint AS neutral,
       coalesce(sum(h.tweets) FILTER (WHERE h.sentiment = 'negative'), 0)::bigint AS negative
FROM tweetlda_bi.topic_sentiment_hourly h
GROUP BY h.bucket, h.topic;
COMMENT ON VIEW tweetlda_bi.topic_timeline IS
    'tweets per hour and topic of the serving model, with average polarity and label counts';
COMMENT ON COLUMN tweetlda_bi.topic_timeline.bucket IS 'start of the hour of the tweets'' time';
COMMENT ON COLUMN tweetlda_bi.topic_timeline.topic IS 'top topic, from 1 (NULL: no topic)';
COMMENT ON COLUMN tweetlda_bi.topic_timeline.label IS 'the topic''s display label';
COMMENT ON COLUMN tweetlda_bi.topic_timeline.tweets IS 'number of tweets';
COMMENT ON COLUMN tweetlda_bi.topic_timeline.avg_polarity IS 'average polarity, -1 to 1';
COMMENT ON COLUMN tweetlda_bi.topic_timeline.positive IS 'tweets labelled positive';
COMMENT ON COLUMN tweetlda_bi.topic_timeline.neutral IS 'tweets labelled neutral';
COMMENT ON COLUMN tweetlda_bi.topic_timeline.negative IS 'tweets labelled negative';

-- One row per topic of the serving model: label, top words, tweets, share, sentiment (wide).
CREATE OR REPLACE VIEW tweetlda_bi.topics AS
WITH counts AS (
    SELECT h.topic, sum(h.tweets) AS tweets, sum(h.polarity_sum) AS polarity_sum,
           sum(h.tweets) FILTER (WHERE h.sentiment = 'positive') AS positive,
           sum(h.tweets) FILTER (WHERE h.sentiment = 'neutral') AS neutral,
           sum(h.tweets) FILTER (WHERE h.sentiment = 'negative') AS negative
    FROM tweetlda_bi.topic_sentiment_hourly h
    GROUP BY h.topic),
words AS (
    SELECT w.topic, string_agg(w.word, ' ' ORDER BY w.rank) AS top_words
    FROM tweetlda_bi.topic_words w WHERE w.serving
    GROUP BY w.topic),
all_topics AS (
    SELECT l.topic, l.label FROM tweetlda_bi.topic_labels l WHERE l.serving
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
    'one row per topic of the serving model (and "no topic"): label, top words, tweets, share, polarity, label counts';
COMMENT ON COLUMN tweetlda_bi.topics.topic IS 'topic number, from 1 (NULL: tweets with no term of the model)';
COMMENT ON COLUMN tweetlda_bi.topics.label IS 'the topic''s display label';
COMMENT ON COLUMN tweetlda_bi.topics.top_words IS 'the ten top words, space-separated';
COMMENT ON COLUMN tweetlda_bi.topics.tweets IS 'tweets whose top topic this is';
COMMENT ON COLUMN tweetlda_bi.topics.share IS 'share of all scored tweets, 0 to 1';
COMMENT ON COLUMN tweetlda_bi.topics.avg_polarity IS 'average polarity, -1 to 1';
COMMENT ON COLUMN tweetlda_bi.topics.positive IS 'tweets labelled positive';
COMMENT ON COLUMN tweetlda_bi.topics.neutral IS 'tweets labelled neutral';
COMMENT ON COLUMN tweetlda_bi.topics.negative IS 'tweets labelled negative';

-- Tweets per topic of the serving model and sentiment label, every combination (long form).
CREATE OR REPLACE VIEW tweetlda_bi.topic_sentiment AS
SELECT t.topic, t.label, s.sentiment,
       CASE s.sentiment WHEN 'positive' THEN t.positive WHEN 'neutral' THEN t.neutral
                        ELSE t.negative END AS tweets
FROM tweetlda_bi.topics t
CROSS JOIN (VALUES ('positive'), ('neutral'), ('negative')) AS s(sentiment);
COMMENT ON VIEW tweetlda_bi.topic_sentiment IS
    'tweets per topic of the serving model and sentiment label (for stacked bars)';
COMMENT ON COLUMN tweetlda_bi.topic_sentiment.topic IS 'topic number, from 1 (NULL: no topic)';
COMMENT ON COLUMN tweetlda_bi.topic_sentiment.label IS 'the topic''s display label';
COMMENT ON COLUMN tweetlda_bi.topic_sentiment.sentiment IS 'positive, neutral or negative';
COMMENT ON COLUMN tweetlda_bi.topic_sentiment.tweets IS 'number of tweets';

-- Every scored tweet with its top topic and sentiment.  The tweet is looked up per score row
-- (OFFSET 0 keeps the lateral subquery a parameterized lookup: tweet_ids' key, then one
-- partition's key), and so is the label, so that "the latest n" reads n rows from the index on
-- scored_at instead of joining every tweet.
CREATE OR REPLACE VIEW tweetlda_bi.scored_tweets AS
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
    OFFSET 0) t
WHERE s.model_id = (SELECT tweetlda.serving_model());
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
CREATE OR REPLACE VIEW tweetlda_bi.tweet_topics AS
SELECT s.tweet_id, s.created_at, s.model_id, w.topic::integer AS topic, l.label,
       w.weight::double precision AS weight
FROM tweetlda.tweet_scores s
CROSS JOIN LATERAL unnest(s.topics) WITH ORDINALITY AS w(weight, topic)
LEFT JOIN tweetlda_bi.topic_labels l ON l.model_id = s.model_id AND l.topic = w.topic
WHERE s.model_id = (SELECT tweetlda.serving_model());
COMMENT ON VIEW tweetlda_bi.tweet_topics IS 'the topic weights of every scored tweet, one row per topic';
COMMENT ON COLUMN tweetlda_bi.tweet_topics.tweet_id IS 'tweet id';
COMMENT ON COLUMN tweetlda_bi.tweet_topics.created_at IS 'the tweet''s time';
COMMENT ON COLUMN tweetlda_bi.tweet_topics.model_id IS 'the model that scored it';
COMMENT ON COLUMN tweetlda_bi.tweet_topics.topic IS 'topic number, from 1';
COMMENT ON COLUMN tweetlda_bi.tweet_topics.label IS 'the topic''s display label';
COMMENT ON COLUMN tweetlda_bi.tweet_topics.weight IS 'weight of the topic in the tweet, 0 to 1';

-- Views made by create_wide_view() in 0.1.0 have their model id baked in and are not
-- registered: call tweetlda.create_wide_view() again for them (doc/lifecycle.md).

-- ---- end of issue 11: activation and rollback ----

-- ---- pg_cron jobs: one check of pg_cron (require_pg_cron) and one unschedule_job for every job ----
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

-- Batch mode: a pg_cron job that runs process_all_pending() on a cron schedule.
CREATE OR REPLACE FUNCTION tweetlda.schedule_scoring(schedule text) RETURNS bigint
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
CREATE OR REPLACE FUNCTION tweetlda.unschedule_scoring() RETURNS boolean
    LANGUAGE sql VOLATILE STRICT PARALLEL UNSAFE
    SET search_path = pg_catalog, pg_temp
    RETURN tweetlda.unschedule_job('tweetlda scoring');

-- A pg_cron job (named 'tweetlda drift check') that checks the active model for drift on a cron
-- schedule (every hour by default) over the recent window; scheduling again replaces it.
CREATE OR REPLACE FUNCTION tweetlda.schedule_drift_check(schedule text DEFAULT '0 * * * *',
                                              recent interval DEFAULT '1 day') RETURNS bigint
    LANGUAGE plpgsql VOLATILE CALLED ON NULL INPUT PARALLEL UNSAFE
    SET search_path = pg_catalog, pg_temp
    SET "IntervalStyle" = 'postgres'
AS $$
DECLARE
    job bigint;
BEGIN
    IF schedule IS NULL OR recent IS NULL THEN
        RAISE EXCEPTION 'schedule and recent of tweetlda.schedule_drift_check() must not be NULL'
            USING ERRCODE = 'null_value_not_allowed',
                  HINT = 'Pass a cron schedule such as ''0 * * * *'' and a window such as interval ''1 day''.';
    END IF;
    IF recent <= '0'::interval OR recent > '100 years'::interval THEN
        RAISE EXCEPTION 'recent window must be a positive interval of at most 100 years, not %', recent
            USING ERRCODE = 'invalid_parameter_value',
                  HINT = 'Pass a window such as interval ''1 day''.';
    END IF;
    PERFORM tweetlda.require_pg_cron('Scheduled drift checks run tweetlda.drift() as a pg_cron job.',
                                     'or call tweetlda.drift() yourself.');
    EXECUTE 'SELECT cron.schedule($1, $2, $3)'
        INTO job
        USING 'tweetlda drift check', schedule,
              format('SELECT tweetlda.drift_check_job(%L::pg_catalog.interval)', recent::text);
    RETURN job;
END
$$;

-- Remove the pg_cron job of schedule_drift_check(); true when there was one.
CREATE OR REPLACE FUNCTION tweetlda.unschedule_drift_check() RETURNS boolean
    LANGUAGE sql VOLATILE STRICT PARALLEL UNSAFE
    SET search_path = pg_catalog, pg_temp
    RETURN tweetlda.unschedule_job('tweetlda drift check');

-- Retrain a family with pg_cron: a job 'tweetlda retrain <family>' on schedule (monthly by
-- default) and, with on_drift, a job 'tweetlda retrain on drift <family>' on drift_schedule
-- (every 15 minutes by default) that retrains when retrain_due() says so. Scheduling again
-- replaces the jobs (on_drift false removes the drift job). Returns the id of the first job.
CREATE OR REPLACE FUNCTION tweetlda.schedule_retraining(name text, schedule text DEFAULT '0 3 1 * *',
        on_drift boolean DEFAULT true, "window" interval DEFAULT '30 days',
        drift_schedule text DEFAULT '*/15 * * * *') RETURNS bigint
    LANGUAGE plpgsql VOLATILE CALLED ON NULL INPUT PARALLEL UNSAFE
    SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    fam text;
    job bigint;
BEGIN
    PERFORM tweetlda.require_pg_cron('Scheduled retraining runs tweetlda.retrain() as a pg_cron job.',
                                     'or run CALL tweetlda.retrain(...) yourself.');
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
-- ---- end of pg_cron jobs ----

-- ---- one held-out slice: heldout_condition() for train_model(), update_model() and retrain() ----
-- The held-out slice of a training query, as a condition on s.doc (the query aliased as
-- source_alias): the documents whose text hashes to 0 modulo 20 (5%), at most holdout of them (the
-- lowest hashes, then texts), so the same tweets give the same slice whatever the row order;
-- 'false' for holdout 0. train_model(), update_model() and retrain() hold out with it. No
-- search_path of its own: it runs the caller's query as the caller would.
CREATE FUNCTION tweetlda.heldout_condition(source text, source_alias text, holdout integer)
    RETURNS text
    LANGUAGE plpgsql VOLATILE PARALLEL UNSAFE
AS $$
DECLARE
    cut_h bigint;
    cut_doc text;
    slice text := 'pg_catalog.hashtextextended(s.doc::text, 10) OPERATOR(pg_catalog.%) 20 OPERATOR(pg_catalog.=) 0';
BEGIN
    IF heldout_condition.holdout IS NULL OR heldout_condition.holdout OPERATOR(pg_catalog.<=) 0 THEN
        RETURN 'false';
    END IF;
    EXECUTE pg_catalog.format(
        'SELECT h, doc FROM (SELECT pg_catalog.hashtextextended(s.doc::text, 10) AS h, s.doc::text AS doc FROM (%s) AS %s) AS q '
        'WHERE h OPERATOR(pg_catalog.%%) 20 OPERATOR(pg_catalog.=) 0 '
        'ORDER BY h, doc COLLATE "C" OFFSET %s LIMIT 1', heldout_condition.source,
        heldout_condition.source_alias, heldout_condition.holdout OPERATOR(pg_catalog.-) 1)
        INTO cut_h, cut_doc;
    IF cut_h IS NULL THEN
        RETURN slice;
    END IF;
    RETURN pg_catalog.format(
        '(%s AND (pg_catalog.hashtextextended(s.doc::text, 10), s.doc::text COLLATE "C") OPERATOR(pg_catalog.<=) (%s::bigint, %L COLLATE "C"))',
        slice, cut_h, cut_doc);
END;
$$;

-- (train_model(): its final definition is in the block "issue 10 speed" at the end of this script.)

-- Update the model with this name (any version) on the tweets of source (one text column, or the
-- text and its language, as for train()) and store the result as the next version of its family
-- (origin 'update', parent the model updated); returns the new model's id.  The model updated
-- stays (rollback: activate() it).  The new version is not activated (unless no model is active,
-- as for every stored model): call activate().  max_iter NULL: the model's number of passes over
-- the new tweets; max_terms, seed, min_df, max_df NULL: the model's training parameters.
-- holdout as for train(): up to that many of the new tweets (a hash slice) are held out to
-- measure the quality figures of the new version.  No new tweet is an error.
CREATE OR REPLACE FUNCTION tweetlda.update_model(
    name text,
    source text,
    max_iter integer DEFAULT NULL,
    max_terms integer DEFAULT NULL,
    seed bigint DEFAULT NULL,
    min_df double precision DEFAULT NULL,
    max_df double precision DEFAULT NULL,
    holdout integer DEFAULT 2000) RETURNS integer
    LANGUAGE plpgsql VOLATILE PARALLEL UNSAFE
AS $$
DECLARE
    base_id integer;
    base_family text;
    base_params jsonb;
    base_model tweetlda.lda_model;
    has_lang boolean;
    p jsonb;
    result tweetlda.lda_model;
    quality jsonb;
    heldout_filter text;
    source_alias text;
BEGIN
    IF update_model.name IS NULL OR update_model.source IS NULL THEN
        RAISE EXCEPTION 'name and source of tweetlda.update_model() must not be NULL'
            USING ERRCODE = 'null_value_not_allowed';
    END IF;
    SELECT m.id, m.family, m.params, m.model INTO base_id, base_family, base_params, base_model
    FROM tweetlda.models m WHERE m.name OPERATOR(pg_catalog.=) update_model.name;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'LDA model "%" does not exist', update_model.name
            USING ERRCODE = 'undefined_object', HINT = 'Models are listed in tweetlda.models.';
    END IF;
    IF update_model.holdout IS NULL OR update_model.holdout OPERATOR(pg_catalog.<) 0 THEN
        RAISE EXCEPTION 'holdout must be a number of documents >= 0'
            USING ERRCODE = 'invalid_parameter_value',
                  HINT = '0 updates on every document and measures no quality figures.';
    END IF;
    -- the update's parameters: given, else the model's training parameters (else the defaults)
    p := pg_catalog.jsonb_strip_nulls(pg_catalog.jsonb_build_object(
        'max_iter', update_model.max_iter,
        'seed', coalesce(update_model.seed::numeric, (base_params OPERATOR(pg_catalog.->>) 'seed')::numeric),
        'min_df', coalesce(update_model.min_df::numeric, (base_params OPERATOR(pg_catalog.->>) 'min_df')::numeric),
        'max_df', coalesce(update_model.max_df::numeric, (base_params OPERATOR(pg_catalog.->>) 'max_df')::numeric),
        'max_terms', coalesce(update_model.max_terms::numeric, (base_params OPERATOR(pg_catalog.->>) 'max_terms')::numeric)));
    has_lang := tweetlda.lda_check_training_source(update_model.source);
    source_alias := CASE WHEN has_lang THEN 's(doc, lang)' ELSE 's(doc)' END;
    -- the held-out slice, as train_model() chooses it
    heldout_filter := tweetlda.heldout_condition(update_model.source, source_alias, update_model.holdout);
    EXECUTE pg_catalog.format('SELECT tweetlda.lda_update($1, s.doc, %s, $2, (%s) IS NOT TRUE) FROM (%s) AS %s',
                              CASE WHEN has_lang THEN 's.lang' ELSE 'NULL::text' END,
                              heldout_filter, update_model.source, source_alias)
        INTO result USING base_model, p;
    IF update_model.holdout OPERATOR(pg_catalog.>) 0 THEN
        EXECUTE pg_catalog.format('SELECT tweetlda.lda_evaluation($1, s.doc%s) FROM (%s) AS %s WHERE %s',
                                  CASE WHEN has_lang THEN ', s.lang' ELSE '' END,
                                  update_model.source, source_alias, heldout_filter)
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
    RETURN tweetlda.store_model(NULL, result, base_params, family => base_family,
                                parent => base_id, origin => 'update');
END;
$$;

-- The held-out slice of a run's window: the documents train_model() held out of the candidate's
-- training (tweetlda.heldout_condition), as a query.
CREATE OR REPLACE FUNCTION tweetlda.retrain_heldout_source(run tweetlda.model_runs) RETURNS text
    LANGUAGE plpgsql STABLE STRICT PARALLEL UNSAFE
    SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    RETURN pg_catalog.format('SELECT s.doc FROM (%s) AS s(doc, lang) WHERE %s', tweetlda.retrain_source(run),
                             tweetlda.heldout_condition(tweetlda.retrain_source(run), 's(doc, lang)', run.holdout));
END;
$$;
-- ---- end of one held-out slice ----

-- ---- issue 11/12: the whole loop (branch i11-loop): drift baseline renumbered with its topics
-- (train_model, inherit_topics); tweetlda_bi.stream_status with the serving model, the
-- rescoring progress and the latest drift check (src/sql/85_dashboard_status.sql) ----

-- (train_model(): its final definition is in the block "issue 10 speed" at the end of this script.)

-- inherit_topics(): the drift baseline's top-topic counts move with their topics.
CREATE OR REPLACE FUNCTION tweetlda.inherit_topics(model_id integer,
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
    -- the drift baseline's top-topic counts (metrics->'baseline') move with their topics
    UPDATE tweetlda.models m SET model = tweetlda.permute_topics(m.model, numbers),
        metrics = CASE WHEN m.metrics OPERATOR(pg_catalog.#>) '{baseline,topic_counts}' IS NULL THEN m.metrics
            ELSE pg_catalog.jsonb_set(m.metrics, '{baseline,topic_counts}',
                (SELECT coalesce(pg_catalog.jsonb_object_agg(numbers[c.key::integer]::text, c.value), '{}')
                 FROM pg_catalog.jsonb_each(m.metrics OPERATOR(pg_catalog.#>) '{baseline,topic_counts}') c))
            END
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

-- The stream (what tweetlda.stream_status() says, as numbers): worker, counters, queue and lag;
-- the active and the serving model and the progress of the background rescoring after an
-- activation; the latest drift check of the active model with its main figures
-- (tweetlda.drift_history, which tweetlda_dashboard cannot read: the view reads it as its owner).
CREATE OR REPLACE VIEW tweetlda_bi.stream_status AS
SELECT w.pid IS NOT NULL AS running, coalesce(s.enabled, false) AS enabled,
       extract(epoch FROM s.trigger_interval)::double precision AS trigger_interval_s,
       s.batch_size, s.batches, s.rows_scored,
       (SELECT count(*) FROM tweetlda.tweet_scores ts
        WHERE ts.scored_at > now() - '10 seconds'::interval)::double precision / 10 AS rows_per_second,
       q.n AS pending,
       coalesce(extract(epoch FROM now() - q.oldest), 0)::double precision AS lag_s,
       s.last_batch_at, s.last_batch_rows, s.last_batch_ms, s.errors, s.last_error, s.last_error_at,
       (SELECT max(ts.scored_at) FROM tweetlda.tweet_scores ts) AS last_scored_at,
       m.id AS model_id, m.name AS model_name, m.k AS model_topics,
       sv.id AS serving_model_id, sv.name AS serving_model_name,
       (s.rescore_started_at IS NOT NULL AND s.rescore_finished_at IS NULL) AS rescoring,
       s.rescore_model_id, s.rescore_total, s.rescore_done, s.rescore_started_at, s.rescore_finished_at,
       d.checked_at AS drift_checked_at, d.drifted, d.status AS drift_status,
       (SELECT string_agg(c.key, ',' ORDER BY c.key) FROM jsonb_each(d.figures -> 'checks') c
        WHERE (c.value ->> 'exceeded')::boolean) AS drift_exceeded,
       (d.figures #>> '{window,tweets}')::bigint AS drift_tweets,
       (d.figures #>> '{window,sampled}')::bigint AS drift_sampled,
       (d.figures #>> '{checks,log_perplexity_increase,value}')::double precision
           AS drift_log_perplexity_increase,
       (d.figures #>> '{checks,oov_rate_increase,value}')::double precision AS drift_oov_rate_increase,
       (d.figures #>> '{checks,no_word_share_increase,value}')::double precision
           AS drift_no_word_share_increase,
       (d.figures #>> '{checks,topic_jsd,value}')::double precision AS drift_topic_jsd,
       (d.figures #>> '{checks,sentiment_shift,value}')::double precision AS drift_sentiment_shift
FROM tweetlda.stream_state s
CROSS JOIN (SELECT s2.worker_pid AS pid FROM tweetlda.stream_state s2
            WHERE tweetlda.stream_backend_is_worker(s2.worker_pid)
            UNION ALL SELECT NULL LIMIT 1) w
CROSS JOIN (SELECT count(*) AS n, min(p.enqueued_at) AS oldest FROM tweetlda.pending p) q
LEFT JOIN tweetlda.models m ON m.active
LEFT JOIN tweetlda.models sv ON sv.id = (SELECT tweetlda.serving_model())
LEFT JOIN LATERAL (SELECT h.checked_at, h.drifted, h.status, h.figures FROM tweetlda.drift_history h
                   WHERE h.model_id = m.id ORDER BY h.checked_at DESC, h.id DESC LIMIT 1) d ON true;
COMMENT ON VIEW tweetlda_bi.stream_status IS
    'the stream: worker, counters, queue, lag, the active and the serving model, the rescoring after an activation, the latest drift check of the active model (one row)';
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
COMMENT ON COLUMN tweetlda_bi.stream_status.model_id IS 'the active model (the one new tweets are scored with)';
COMMENT ON COLUMN tweetlda_bi.stream_status.model_name IS 'the active model (the one new tweets are scored with)''s name';
COMMENT ON COLUMN tweetlda_bi.stream_status.model_topics IS 'the active model (the one new tweets are scored with)''s number of topics';
COMMENT ON COLUMN tweetlda_bi.stream_status.serving_model_id IS 'the model the views show: the active one, or while the window is rescored after an activation the one served before';
COMMENT ON COLUMN tweetlda_bi.stream_status.serving_model_name IS 'the serving model''s name';
COMMENT ON COLUMN tweetlda_bi.stream_status.rescoring IS 'whether the window is being rescored in the background after an activation (the views switch when it is done)';
COMMENT ON COLUMN tweetlda_bi.stream_status.rescore_model_id IS 'the model of the last activation, whose window is or was rescored';
COMMENT ON COLUMN tweetlda_bi.stream_status.rescore_total IS 'tweets of the window to rescore (counted at activation, plus late ones)';
COMMENT ON COLUMN tweetlda_bi.stream_status.rescore_done IS 'tweets of the window rescored so far';
COMMENT ON COLUMN tweetlda_bi.stream_status.rescore_started_at IS 'when the last activation started the rescoring';
COMMENT ON COLUMN tweetlda_bi.stream_status.rescore_finished_at IS 'when the rescoring ended and the views switched (NULL while it runs)';
COMMENT ON COLUMN tweetlda_bi.stream_status.drift_checked_at IS 'when the latest drift check of the active model ran (NULL: never checked)';
COMMENT ON COLUMN tweetlda_bi.stream_status.drifted IS 'the latest drift check''s verdict: some figure exceeds its threshold';
COMMENT ON COLUMN tweetlda_bi.stream_status.drift_status IS 'the latest drift check''s status: ok, drifted, empty window, too few tweets or no baseline';
COMMENT ON COLUMN tweetlda_bi.stream_status.drift_exceeded IS 'the figures over their thresholds, comma-separated (NULL: none)';
COMMENT ON COLUMN tweetlda_bi.stream_status.drift_tweets IS 'tweets of the checked window';
COMMENT ON COLUMN tweetlda_bi.stream_status.drift_sampled IS 'tweets of the window whose text was read (the sample)';
COMMENT ON COLUMN tweetlda_bi.stream_status.drift_log_perplexity_increase IS 'held-out log perplexity per token of the sample minus at training (nats)';
COMMENT ON COLUMN tweetlda_bi.stream_status.drift_oov_rate_increase IS 'out-of-vocabulary token rate of the sample minus at training (0 to 1)';
COMMENT ON COLUMN tweetlda_bi.stream_status.drift_no_word_share_increase IS 'share of tweets without a known word minus at training (0 to 1)';
COMMENT ON COLUMN tweetlda_bi.stream_status.drift_topic_jsd IS 'Jensen-Shannon divergence (base 2, 0 to 1) of the top-topic shares, window vs training';
COMMENT ON COLUMN tweetlda_bi.stream_status.drift_sentiment_shift IS 'total variation distance (0 to 1) of the sentiment label shares, window vs training';

-- ---- end of issue 11/12: the whole loop ----

-- ---- issue 10 speed: train_model() reads the held-out slice with its texts in one scan ----
-- Train on a query's tweets with training parameters as jsonb (the keys of the lda aggregate
-- and of tweetlda.models.params, as train() builds them), and store the model; returns its id.
-- family, parent and origin store it as a new version of a family (retrain(), update_model());
-- the name is then family@version unless given.  holdout as for train().
CREATE OR REPLACE FUNCTION tweetlda.train_model(
    name text,
    source text,
    params jsonb,
    holdout integer DEFAULT 2000,
    family text DEFAULT NULL,
    parent integer DEFAULT NULL,
    origin text DEFAULT 'train') RETURNS integer
    LANGUAGE plpgsql VOLATILE PARALLEL UNSAFE
AS $$
DECLARE
    has_lang boolean;
    p jsonb := train_model.params;
    result tweetlda.lda_model;
    quality jsonb;
    new_id integer;
    heldout_filter text;
    heldout_docs text[];
    heldout_langs text[];
    source_alias text;
BEGIN
    IF train_model.source IS NULL OR train_model.params IS NULL
       OR (train_model.name IS NULL AND train_model.family IS NULL) THEN
        RAISE EXCEPTION 'source, params and a name or family of tweetlda.train_model() must not be NULL'
            USING ERRCODE = 'null_value_not_allowed';
    END IF;
    IF pg_catalog.jsonb_typeof(p) OPERATOR(pg_catalog.<>) 'object' THEN
        RAISE EXCEPTION 'training parameters must be a jsonb object'
            USING ERRCODE = 'invalid_parameter_value',
                  HINT = 'Pass the parameters as tweetlda.models.params stores them.';
    END IF;
    IF train_model.name IS NOT NULL
       AND EXISTS (SELECT 1 FROM tweetlda.models m WHERE m.name OPERATOR(pg_catalog.=) train_model.name) THEN
        RAISE EXCEPTION 'LDA model "%" already exists', train_model.name
            USING ERRCODE = 'unique_violation',
                  HINT = 'Choose another name or delete the model from tweetlda.models.';
    END IF;
    -- check the parameters and the query's result type before reading the corpus
    IF p OPERATOR(pg_catalog.?) 'text_config' THEN
        p := pg_catalog.jsonb_set(p, '{text_config}',
                                  tweetlda.validate_text_config(p OPERATOR(pg_catalog.->) 'text_config'));
    END IF;
    PERFORM tweetlda.lda_check_params(p);
    has_lang := tweetlda.lda_check_training_source(train_model.source);
    source_alias := CASE WHEN has_lang THEN 's(doc, lang)' ELSE 's(doc)' END;
    IF train_model.holdout IS NULL OR train_model.holdout OPERATOR(pg_catalog.<) 0 THEN
        RAISE EXCEPTION 'holdout must be a number of documents >= 0'
            USING ERRCODE = 'invalid_parameter_value',
                  HINT = '0 trains on every document and measures no quality figures.';
    END IF;
    -- the held-out slice (tweetlda.heldout_condition's rule: deterministic, whatever the row
    -- order), read with its texts in one scan: the lowest (hash, text) of the 5% whose text hashes
    -- to 0 modulo 20, holdout of them and the copies of the last; the filter keeps them out of
    -- training, and they are evaluated from the arrays without reading the source again
    heldout_filter := 'false';
    IF train_model.holdout OPERATOR(pg_catalog.>) 0 THEN
        EXECUTE pg_catalog.format(
            'SELECT pg_catalog.array_agg(q.doc ORDER BY q.h, q.doc COLLATE "C"), '
            'pg_catalog.array_agg(q.lang ORDER BY q.h, q.doc COLLATE "C") FROM ('
            'SELECT r.h, r.doc, r.lang FROM (SELECT pg_catalog.hashtextextended(s.doc::text, 10) AS h, '
            's.doc::text AS doc, %s AS lang FROM (%s) AS %s) AS r '
            'WHERE r.h OPERATOR(pg_catalog.%%) 20 OPERATOR(pg_catalog.=) 0 '
            'ORDER BY r.h, r.doc COLLATE "C" FETCH FIRST %s ROWS WITH TIES) AS q',
            CASE WHEN has_lang THEN 's.lang' ELSE 'NULL::text' END, train_model.source, source_alias,
            train_model.holdout)
            INTO heldout_docs, heldout_langs;
        heldout_filter := 'pg_catalog.hashtextextended(s.doc::text, 10) OPERATOR(pg_catalog.%) 20 OPERATOR(pg_catalog.=) 0';
        IF pg_catalog.cardinality(heldout_docs) OPERATOR(pg_catalog.>=) train_model.holdout THEN
            heldout_filter := pg_catalog.format(
                '(%s AND (pg_catalog.hashtextextended(s.doc::text, 10), s.doc::text COLLATE "C") OPERATOR(pg_catalog.<=) (%s::bigint, %L COLLATE "C"))',
                heldout_filter, pg_catalog.hashtextextended(heldout_docs[pg_catalog.cardinality(heldout_docs)], 10),
                heldout_docs[pg_catalog.cardinality(heldout_docs)]);
        END IF;
    END IF;
    -- one pass over the corpus: the aggregate builds the vocabulary (as tweetlda.vocabulary
    -- would, over all the tweets) and trains on it, without the held-out slice
    EXECUTE pg_catalog.format('SELECT tweetlda.lda_from_text(s.doc, %s, $1, (%s) IS NOT TRUE) FROM (%s) AS %s',
                              CASE WHEN has_lang THEN 's.lang' ELSE 'NULL::text' END,
                              heldout_filter, train_model.source, source_alias)
        INTO result USING p;
    IF heldout_docs IS NOT NULL THEN
        -- quality figures and the drift baseline (src/sql/80_lifecycle.sql) of the slice
        IF has_lang THEN
            SELECT tweetlda.lda_evaluation(result, d.doc, d.lang) INTO quality
            FROM ROWS FROM (pg_catalog.unnest(heldout_docs), pg_catalog.unnest(heldout_langs)) AS d(doc, lang);
        ELSE
            SELECT tweetlda.lda_evaluation(result, d.doc) INTO quality
            FROM pg_catalog.unnest(heldout_docs) AS d(doc);
        END IF;
        quality := quality OPERATOR(pg_catalog.||) tweetlda.drift_baseline(result, heldout_docs, heldout_langs);
        IF quality IS NOT NULL THEN
            result := tweetlda.lda_model_with_quality(result,
                (quality OPERATOR(pg_catalog.->>) 'log_perplexity')::double precision,
                (quality OPERATOR(pg_catalog.->>) 'npmi')::double precision,
                (quality OPERATOR(pg_catalog.->>) 'diversity')::double precision,
                (quality OPERATOR(pg_catalog.->>) 'no_word_share')::double precision,
                (quality OPERATOR(pg_catalog.->>) 'documents')::bigint);
        END IF;
    END IF;
    new_id := tweetlda.drift_keep_baseline(tweetlda.store_model(train_model.name, result, p, train_model.family,
                                NULL, train_model.origin), quality OPERATOR(pg_catalog.->) 'drift_baseline');
    -- a new version of a family takes its parent's topic numbers after its drift baseline is
    -- stored, so that inherit_topics() renumbers the baseline's topic counts with the topics
    IF train_model.parent IS NOT NULL THEN
        UPDATE tweetlda.models m SET parent_id = train_model.parent
        WHERE m.id OPERATOR(pg_catalog.=) new_id;
        PERFORM tweetlda.inherit_topics(new_id);
    END IF;
    RETURN new_id;
END;
$$;
-- ---- end of issue 10 speed ----

-- ---- issue 13 speed (round 2) ----
-- Models are stored uncompressed: their float weights do not compress (pglz tried and gave up
-- after spending some 5 ms per 16,000-tweet model, the same bytes on disk).
ALTER TABLE tweetlda.sentiment_models ALTER COLUMN model SET STORAGE EXTERNAL;
-- ---- end of issue 13 speed (round 2) ----
