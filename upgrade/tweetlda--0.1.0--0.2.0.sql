-- tweetlda upgrade from 0.1.0 to 0.2.0.
-- Every schema change of the 0.2.0 cycle goes here AND into the editable base src/sql/*.sql
-- (which builds the fresh tweetlda--0.2.0.sql); test/t/002_upgrade.pl checks that a 0.1.0
-- install updated by this script and a fresh 0.2.0 install have the same catalog.
\echo Use "ALTER EXTENSION tweetlda UPDATE TO '0.2.0'" to load this file. \quit

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
