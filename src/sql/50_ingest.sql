-- tweetlda install script, part 50: ingestion (the landing table, ingest functions, retention,
-- the rejected table and the ingest-only role).  Reference: doc/ingest.md.
--
-- Design: tweetlda.tweets is range-partitioned by received_at in UTC days, so that retention
-- drops whole partitions instead of deleting rows.  A partitioned table's primary key must
-- contain the partition key, so the uniqueness of a tweet id across partitions is kept by the
-- narrow table tweetlda.tweet_ids (id PRIMARY KEY): every path inserts the id there first
-- (ON CONFLICT DO NOTHING) and lands only the rows whose id was new, in the same statement.

-- ---- error-free parsing helpers (C, src/ingest.c) ----

-- Parse text as JSON without raising an error: (doc, NULL) or (NULL, error message).
CREATE FUNCTION tweetlda.parse_json(raw text, OUT doc jsonb, OUT error text)
    AS 'MODULE_PATHNAME', 'ingest_parse_json'
    LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

-- Convert a tweet timestamp (Twitter v1.1, ISO 8601 / API v2, the corpora's CSV forms) to
-- timestamptz with a strict parser of its own; NULL for anything else, never an error.
CREATE FUNCTION tweetlda.try_timestamptz(value text) RETURNS timestamptz
    AS 'MODULE_PATHNAME', 'ingest_try_timestamptz'
    LANGUAGE C STABLE STRICT PARALLEL SAFE;

-- The landing fields of one tweet object (Twitter API v1.1 status, API v2 {"data", "includes"}
-- incl. the filtered-stream form, or a minimal {"id", "text", "created_at"} object).  Never
-- raises for bad input: error/sqlstate say why the object is not a tweet (NULL when it is).
-- STABLE: a created_at without a time zone is read in the session's TimeZone.
CREATE FUNCTION tweetlda.tweet_fields(doc jsonb,
        OUT id bigint, OUT created_at timestamptz, OUT lang text, OUT author text,
        OUT text text, OUT error text, OUT sqlstate text)
    AS 'MODULE_PATHNAME', 'ingest_tweet_fields'
    LANGUAGE C STABLE CALLED ON NULL INPUT PARALLEL SAFE;

-- The landing fields of one raw record (text): tweet_fields of the parsed JSON plus the
-- document, or the JSON parse error ('null record' for NULL).
CREATE FUNCTION tweetlda.parse_tweet(raw text,
        OUT id bigint, OUT created_at timestamptz, OUT lang text, OUT author text,
        OUT text text, OUT doc jsonb, OUT error text, OUT sqlstate text)
    AS 'MODULE_PATHNAME', 'ingest_parse_tweet'
    LANGUAGE C STABLE CALLED ON NULL INPUT PARALLEL SAFE;

-- ---- tables ----

-- Arrival order of landed tweets.  seq is assigned when the row is inserted, so it is NOT
-- commit order: a transaction that took a smaller seq may commit after one that took a larger.
CREATE SEQUENCE tweetlda.tweets_seq AS bigint;

-- One row per landed tweet id: enforces "a duplicate id is ignored" across partitions and
-- tells which partition (received_at) holds the tweet.
CREATE TABLE tweetlda.tweet_ids (
    id          bigint PRIMARY KEY,
    received_at timestamptz NOT NULL
);

-- The landing table: the stream buffer and the raw archive.
CREATE TABLE tweetlda.tweets (
    id          bigint NOT NULL,
    seq         bigint NOT NULL DEFAULT pg_catalog.nextval('tweetlda.tweets_seq'),
    received_at timestamptz NOT NULL DEFAULT pg_catalog.now(),
    created_at  timestamptz,
    lang        text,
    author      text,
    text        text NOT NULL,
    raw         jsonb NOT NULL
) PARTITION BY RANGE (received_at);
-- No key or index on the parent: every day partition gets its own (PRIMARY KEY (id,
-- received_at), a btree on seq, a brin on received_at) from ensure_partition().  The parent
-- belongs to the extension and its partitions do not, so pg_dump emits the partitions and their
-- indexes as user objects; indexes inherited from the parent would then exist twice on restore
-- (ATTACH PARTITION creates them, then the dump's ADD CONSTRAINT / CREATE INDEX fail).
COMMENT ON TABLE tweetlda.tweets IS
    'Landed tweets, one row per id (unique through tweetlda.tweet_ids), partitioned by received_at in UTC days';

-- Records that could not be landed, with the reason; never stops a batch.  source and line
-- name the producer's input and the line where the record starts, when it sent them.
CREATE TABLE tweetlda.rejected (
    rejected_id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    received_at timestamptz NOT NULL DEFAULT pg_catalog.now(),
    reason      text NOT NULL,
    raw         text,
    tweet_id    bigint,
    source      text,
    line        bigint
);
CREATE INDEX rejected_received_at_idx ON tweetlda.rejected (received_at);

-- Ingest settings (at most one row, none = defaults): the retention of raw tweets, NULL =
-- keep forever.
CREATE TABLE tweetlda.ingest_settings (
    singleton   boolean PRIMARY KEY DEFAULT true CHECK (singleton),
    retention   interval CHECK (retention > '0'::interval)
);

-- pg_dump dumps the data of these (the partitions of tweets are ordinary tables for it).
SELECT pg_catalog.pg_extension_config_dump('tweetlda.ingest_settings', '');
SELECT pg_catalog.pg_extension_config_dump('tweetlda.tweet_ids', '');
SELECT pg_catalog.pg_extension_config_dump('tweetlda.rejected', '');
SELECT pg_catalog.pg_extension_config_dump('tweetlda.rejected_rejected_id_seq', '');
SELECT pg_catalog.pg_extension_config_dump('tweetlda.tweets_seq', '');

-- The COPY target of the set-based path: rows COPYed or INSERTed here are landed (or
-- rejected) by its triggers in the same statement and are never stored in it.
CREATE UNLOGGED TABLE tweetlda.ingest_staging (
    raw text
);

-- The same with where each record comes from (the producer's target): source and line are
-- kept with rejected records; a row with a reason is rejected as it is (records the producer
-- cannot read or convert).
CREATE UNLOGGED TABLE tweetlda.ingest_staging_ext (
    raw    text,
    source text,
    line   bigint,
    reason text
);

-- ---- partitions ----

-- Make sure the partitions holding time ts and the next UTC day exist; create them with their
-- key and indexes (CREATE TABLE + ATTACH PARTITION, which does not block concurrent inserts and
-- reads of tweetlda.tweets).
CREATE FUNCTION tweetlda.ensure_partition(ts timestamptz) RETURNS void
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

-- ---- ingest ----

-- Ingest many raw records (text, one tweet object each) in one statement: valid tweets with a
-- new id are landed, duplicates ignored, unparsable records go to tweetlda.rejected.  sources
-- and lines (optional, same length) are kept with rejected records; a record with a non-NULL
-- reason is rejected with that reason without being parsed.
CREATE FUNCTION tweetlda.ingest_records(raws text[], sources text[], lines bigint[],
                                        reasons text[],
                                        OUT ingested bigint, OUT duplicates bigint,
                                        OUT rejected bigint)
    LANGUAGE plpgsql VOLATILE CALLED ON NULL INPUT PARALLEL UNSAFE SECURITY DEFINER
    SET search_path = pg_catalog, pg_temp
    -- The row counts of the CTEs are unknown at plan time: a nested loop between "good" and
    -- "fresh" would be quadratic, and the sorts hold whole documents.  (The disabled nested loops
    -- of the lateral parse inflate the cost estimate: JIT would then compile for seconds.)
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

-- Ingest many raw records (text, one tweet object each) in one statement: valid tweets with a
-- new id are landed, duplicates ignored, unparsable records go to tweetlda.rejected.
CREATE FUNCTION tweetlda.ingest_batch(raws text[],
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

-- Ingest many tweets given as jsonb.
CREATE FUNCTION tweetlda.ingest_batch(raws jsonb[],
                                      OUT ingested bigint, OUT duplicates bigint,
                                      OUT rejected bigint)
    LANGUAGE sql VOLATILE PARALLEL UNSAFE SECURITY DEFINER
    SET search_path = pg_catalog, pg_temp
    RETURN tweetlda.ingest_batch(raws::text[]);

-- Ingest one tweet: returns its id, or NULL when the id was already landed (duplicate ignored).
-- A record that is not a tweet raises an error (nothing goes to tweetlda.rejected, since the
-- error aborts the caller's transaction).
CREATE FUNCTION tweetlda.ingest(raw jsonb) RETURNS bigint
    LANGUAGE plpgsql VOLATILE CALLED ON NULL INPUT PARALLEL UNSAFE SECURITY DEFINER
    SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    f record;
BEGIN
    IF raw IS NULL THEN
        RAISE EXCEPTION USING ERRCODE = '22004', MESSAGE = 'tweet must not be null';
    END IF;
    SELECT * INTO f FROM tweetlda.tweet_fields(raw);
    IF f.error IS NOT NULL THEN
        RAISE EXCEPTION USING ERRCODE = f.sqlstate,
            MESSAGE = 'invalid tweet object: ' || f.error,
            DETAIL = 'A tweet is a Twitter API v1.1 status object, an API v2 object {"data": {...}} or an object with "id" and "text".',
            HINT = 'Use tweetlda.ingest_batch() or COPY into tweetlda.ingest_staging to send bad records to tweetlda.rejected instead.';
    END IF;
    PERFORM tweetlda.ensure_partition(now());
    INSERT INTO tweetlda.tweet_ids (id, received_at) VALUES (f.id, now())
        ON CONFLICT DO NOTHING;
    IF NOT FOUND THEN
        RETURN NULL;
    END IF;
    INSERT INTO tweetlda.tweets (id, received_at, created_at, lang, author, text, raw)
        VALUES (f.id, now(), f.created_at, f.lang, f.author, f.text, raw);
    RETURN f.id;
END
$$;

-- The COPY path.  tweetlda.ingest_staging never stores a row: a BEFORE ROW trigger (C) stashes
-- each row's text in backend memory and skips the row, and the AFTER STATEMENT trigger lands
-- the stash with ingest_batch, in the same statement.  So the staging table gets no heap
-- writes and no dead tuples, however fast producers COPY into it.

-- BEFORE INSERT FOR EACH STATEMENT trigger of ingest_staging: start an empty stash.
CREATE FUNCTION tweetlda.ingest_stash_reset() RETURNS trigger
    AS 'MODULE_PATHNAME', 'ingest_stash_reset'
    LANGUAGE C VOLATILE CALLED ON NULL INPUT PARALLEL UNSAFE;

-- BEFORE INSERT FOR EACH ROW trigger of ingest_staging: stash the row and skip it.
CREATE FUNCTION tweetlda.ingest_stash_row() RETURNS trigger
    AS 'MODULE_PATHNAME', 'ingest_stash_row'
    LANGUAGE C VOLATILE CALLED ON NULL INPUT PARALLEL UNSAFE;

-- Land what the current statement left in the stash and return the counts of the whole
-- statement (the chunks landed from the row trigger every 10,000 records or 64 MB included),
-- resetting them.
CREATE FUNCTION tweetlda.staged_flush(OUT ingested bigint, OUT duplicates bigint,
                                      OUT rejected bigint)
    AS 'MODULE_PATHNAME', 'ingest_staged_flush'
    LANGUAGE C VOLATILE STRICT PARALLEL UNSAFE;

-- AFTER INSERT FOR EACH STATEMENT trigger of ingest_staging: land the stashed records and leave
-- the counts in tweetlda_ingest.last_batch ('ingested duplicates rejected', transaction-local)
-- for the client.
CREATE FUNCTION tweetlda.ingest_staged() RETURNS trigger
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
CREATE TRIGGER ingest_staging_1_reset BEFORE INSERT ON tweetlda.ingest_staging
    FOR EACH STATEMENT EXECUTE FUNCTION tweetlda.ingest_stash_reset();
CREATE TRIGGER ingest_staging_2_stash BEFORE INSERT ON tweetlda.ingest_staging
    FOR EACH ROW EXECUTE FUNCTION tweetlda.ingest_stash_row();
CREATE TRIGGER ingest_staging_3_land AFTER INSERT ON tweetlda.ingest_staging
    FOR EACH STATEMENT EXECUTE FUNCTION tweetlda.ingest_staged();
CREATE TRIGGER ingest_staging_1_reset BEFORE INSERT ON tweetlda.ingest_staging_ext
    FOR EACH STATEMENT EXECUTE FUNCTION tweetlda.ingest_stash_reset();
CREATE TRIGGER ingest_staging_2_stash BEFORE INSERT ON tweetlda.ingest_staging_ext
    FOR EACH ROW EXECUTE FUNCTION tweetlda.ingest_stash_row();
CREATE TRIGGER ingest_staging_3_land AFTER INSERT ON tweetlda.ingest_staging_ext
    FOR EACH STATEMENT EXECUTE FUNCTION tweetlda.ingest_staged();

-- ---- retention ----

-- Remove landed tweets (and rejected records) older than the retention: drop the partitions
-- entirely older, delete the older rows of the boundary partition, forget their ids.  Returns
-- the number of tweets removed.  Run it periodically (pg_cron, the stream worker).
CREATE FUNCTION tweetlda.apply_retention() RETURNS bigint
    LANGUAGE plpgsql VOLATILE PARALLEL UNSAFE SECURITY DEFINER
    SET search_path = pg_catalog, pg_temp
    SET "TimeZone" = 'UTC'
AS $$
DECLARE
    keep    interval;
    cutoff  timestamptz;
    part    record;
    n       bigint;
    removed bigint := 0;
BEGIN
    SELECT s.retention INTO keep FROM tweetlda.ingest_settings s;
    IF keep IS NULL THEN
        RETURN 0;
    END IF;
    cutoff := now() - keep;
    FOR part IN
        SELECT c.oid::regclass AS rel
        FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
        WHERE i.inhparent = 'tweetlda.tweets'::regclass
          AND c.relname ~ '^tweets_[0-9]{8}$'
          AND (to_date(substr(c.relname, 8), 'YYYYMMDD') + 1)::timestamp AT TIME ZONE 'UTC' <= cutoff
        ORDER BY c.relname
    LOOP
        EXECUTE format('DELETE FROM tweetlda.tweet_ids t USING %s p WHERE t.id = p.id', part.rel);
        EXECUTE format('SELECT count(*) FROM %s', part.rel) INTO n;
        EXECUTE format('DROP TABLE %s', part.rel);
        removed := removed + n;
    END LOOP;
    WITH gone AS (
        DELETE FROM tweetlda.tweets t WHERE t.received_at < cutoff RETURNING t.id
    ), forgot AS (
        DELETE FROM tweetlda.tweet_ids t USING gone g WHERE t.id = g.id RETURNING 1
    )
    SELECT count(*) INTO n FROM gone;
    removed := removed + n;
    DELETE FROM tweetlda.rejected r WHERE r.received_at < cutoff;
    RETURN removed;
END
$$;

-- Set the retention of landed tweets (NULL = keep forever) and apply it now; returns the number
-- of tweets removed now.
CREATE FUNCTION tweetlda.set_retention(retention interval) RETURNS bigint
    LANGUAGE plpgsql VOLATILE CALLED ON NULL INPUT PARALLEL UNSAFE SECURITY DEFINER
    SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    IF retention IS NOT NULL AND retention <= '0'::interval THEN
        RAISE EXCEPTION USING ERRCODE = '22023',
            MESSAGE = format('retention must be positive, not %s', retention),
            HINT = 'Use NULL to keep landed tweets forever.';
    END IF;
    INSERT INTO tweetlda.ingest_settings AS s (singleton, retention)
        VALUES (true, set_retention.retention)
        ON CONFLICT (singleton) DO UPDATE SET retention = excluded.retention;
    RETURN tweetlda.apply_retention();
END
$$;

-- ---- privileges: the ingest-only role ----

-- Only owners (and roles granted below) may ingest or change retention.
REVOKE ALL ON FUNCTION tweetlda.ensure_partition(timestamptz) FROM PUBLIC;
REVOKE ALL ON FUNCTION tweetlda.ingest_records(text[], text[], bigint[], text[]) FROM PUBLIC;
REVOKE ALL ON FUNCTION tweetlda.ingest_batch(text[]) FROM PUBLIC;
REVOKE ALL ON FUNCTION tweetlda.ingest_batch(jsonb[]) FROM PUBLIC;
REVOKE ALL ON FUNCTION tweetlda.ingest(jsonb) FROM PUBLIC;
REVOKE ALL ON FUNCTION tweetlda.ingest_staged() FROM PUBLIC;
REVOKE ALL ON FUNCTION tweetlda.ingest_stash_reset() FROM PUBLIC;
REVOKE ALL ON FUNCTION tweetlda.ingest_stash_row() FROM PUBLIC;
REVOKE ALL ON FUNCTION tweetlda.staged_flush() FROM PUBLIC;
REVOKE ALL ON FUNCTION tweetlda.apply_retention() FROM PUBLIC;
REVOKE ALL ON FUNCTION tweetlda.set_retention(interval) FROM PUBLIC;

-- tweetlda_ingest (NOLOGIN group role, cluster-wide, kept by DROP EXTENSION): may call the
-- ingest functions and COPY/INSERT into tweetlda.ingest_staging, and nothing else.  Grant it to
-- a login role: CREATE ROLE producer LOGIN IN ROLE tweetlda_ingest.
DO $$
BEGIN
    IF NOT EXISTS (SELECT FROM pg_catalog.pg_roles WHERE rolname = 'tweetlda_ingest') THEN
        CREATE ROLE tweetlda_ingest NOLOGIN;
    END IF;
END
$$;
GRANT USAGE ON SCHEMA tweetlda TO tweetlda_ingest;
GRANT INSERT ON tweetlda.ingest_staging TO tweetlda_ingest;
GRANT INSERT ON tweetlda.ingest_staging_ext TO tweetlda_ingest;
GRANT EXECUTE ON FUNCTION tweetlda.ingest(jsonb) TO tweetlda_ingest;
GRANT EXECUTE ON FUNCTION tweetlda.ingest_records(text[], text[], bigint[], text[]) TO tweetlda_ingest;
GRANT EXECUTE ON FUNCTION tweetlda.ingest_batch(text[]) TO tweetlda_ingest;
GRANT EXECUTE ON FUNCTION tweetlda.ingest_batch(jsonb[]) TO tweetlda_ingest;
