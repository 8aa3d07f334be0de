-- tweetlda upgrade from 0.1.0 to 0.2.0.
-- Every schema change of the 0.2.0 cycle goes here AND into the editable base src/sql/*.sql
-- (which builds the fresh tweetlda--0.2.0.sql); test/t/002_upgrade.pl checks that a 0.1.0
-- install updated by this script and a fresh 0.2.0 install have the same catalog.
\echo Use "ALTER EXTENSION tweetlda UPDATE TO '0.2.0'" to load this file. \quit

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
