-- Ingest: landing tweets with ingest(), ingest_batch() and COPY into ingest_staging.
SET client_min_messages = warning;
CREATE EXTENSION IF NOT EXISTS tweetlda;
RESET client_min_messages;
TRUNCATE tweetlda.tweet_ids, tweetlda.rejected;
DELETE FROM tweetlda.tweets;

-- one tweet: returns its id; a duplicate id returns NULL and changes nothing
SELECT tweetlda.ingest('{"id": 101, "text": "first", "created_at": "2012-06-08T10:23:20Z", "lang": "en", "author": "a"}');
SELECT tweetlda.ingest('{"id": "101", "text": "same id again"}');
SELECT tweetlda.ingest('{"data": {"id": "102", "text": "v2", "author_id": "7"}, "includes": {"users": [{"id": "7", "username": "seven"}]}}');
SELECT id, created_at, lang, author, text, raw FROM tweetlda.tweets ORDER BY seq;

-- malformed: a clear error with its SQLSTATE, nothing landed or rejected
CREATE FUNCTION pg_temp.try_ingest(j jsonb) RETURNS text LANGUAGE plpgsql AS $$
BEGIN
    RETURN tweetlda.ingest(j)::text;
EXCEPTION WHEN OTHERS THEN
    RETURN SQLSTATE || ': ' || SQLERRM;
END $$;
SELECT pg_temp.try_ingest(j) FROM unnest(ARRAY['{"text": "no id"}', '[1]', '{"id": 1}',
    '{"id": "x1", "text": "bad id"}', '{"id": 1, "text": "t", "created_at": "tomorrow-ish"}']::jsonb[]) j;
SELECT pg_temp.try_ingest(NULL);
\set VERBOSITY default
SELECT tweetlda.ingest('{"id": 1}');
SELECT count(*) AS tweets, (SELECT count(*) FROM tweetlda.rejected) AS rejected FROM tweetlda.tweets;

-- many tweets: duplicates (in the batch and already landed) ignored, bad records rejected,
-- the batch goes on
SELECT * FROM tweetlda.ingest_batch(ARRAY[
    '{"id": 201, "text": "a"}',
    '{"id": 201, "text": "a again in the same batch"}',
    'not json',
    '{"id": 101, "text": "landed before"}',
    NULL,
    '{"id": 202, "text": "b", "created_at": "Wed Dec 16 17:34:59 +0000 2015"}',
    '{"id": 203}',
    '{"id": 204, "text": "c"}']);
SELECT * FROM tweetlda.ingest_batch(ARRAY['{"id": 205, "text": "jsonb"}', '{"id": 204, "text": "dup"}']::jsonb[]);
SELECT * FROM tweetlda.ingest_batch(ARRAY[]::text[]);
SELECT * FROM tweetlda.ingest_batch(NULL::text[]);
-- seq follows the input order within a batch; the first copy of an id wins
SELECT id, text, seq > (SELECT seq FROM tweetlda.tweets WHERE id = 102) AS after_102
FROM tweetlda.tweets WHERE id > 200 ORDER BY seq;
SELECT reason, raw, tweet_id FROM tweetlda.rejected ORDER BY rejected_id;

-- COPY into the staging table: lands in the same statement, leaves nothing staged, counts
-- for the client in tweetlda_ingest.last_batch
BEGIN;
COPY tweetlda.ingest_staging (raw) FROM STDIN;
{"id": 301, "text": "copied"}
{"id": 301, "text": "copied twice"}
{"id": 302, "text": "tab\\tand backslash \\\\ inside"}
{broken
\.
SELECT current_setting('tweetlda_ingest.last_batch');
COMMIT;
SELECT count(*) AS staged FROM tweetlda.ingest_staging;
SELECT id, text FROM tweetlda.tweets WHERE id > 300 ORDER BY id;
INSERT INTO tweetlda.ingest_staging VALUES ('{"id": 303, "text": "inserted"}'), ('{"id": 301, "text": "dup"}');
SELECT current_setting('tweetlda_ingest.last_batch', true) IS NULL OR
       current_setting('tweetlda_ingest.last_batch', true) = '' AS transaction_local;

-- the staging table never stores a row (no heap writes, nothing to vacuum)
SELECT pg_relation_size('tweetlda.ingest_staging') AS staging_bytes;
-- a COPY that fails half-way lands nothing, and leaves nothing for the next statement
COPY tweetlda.ingest_staging (raw) FROM STDIN;
{"id": 304, "text": "in a failed COPY"}
{"id": 305, "text": "a second column"}	oops
\.
INSERT INTO tweetlda.ingest_staging SELECT '{"id": ' || i || ', "text": "row ' || i || '"}' FROM generate_series(306, 308) i;
SELECT id, text FROM tweetlda.tweets WHERE id BETWEEN 304 AND 310 ORDER BY id;
BEGIN;
SAVEPOINT s;
INSERT INTO tweetlda.ingest_staging VALUES ('{"id": 309, "text": "rolled back"}'), (NULL);
ROLLBACK TO SAVEPOINT s;
INSERT INTO tweetlda.ingest_staging VALUES ('{"id": 310, "text": "kept"}');
SELECT current_setting('tweetlda_ingest.last_batch');
COMMIT;
SELECT id, text FROM tweetlda.tweets WHERE id BETWEEN 309 AND 310 ORDER BY id;
-- a large statement lands in chunks of 10,000 records from the row trigger; counts add up
BEGIN;
INSERT INTO tweetlda.ingest_staging
    SELECT CASE WHEN i % 5000 = 0 THEN 'bad ' || i
                ELSE '{"id": ' || (i % 24000) + 500000 || ', "text": "bulk ' || i || '"}' END
    FROM generate_series(1, 25000) i;
SELECT current_setting('tweetlda_ingest.last_batch');
COMMIT;
SELECT count(*), min(seq) < max(seq) AS in_order,
       (array_agg(text ORDER BY seq))[1] AS first, (array_agg(text ORDER BY seq DESC))[1] AS last
FROM tweetlda.tweets WHERE id >= 500000 AND id < 600000;
-- the trigger functions refuse to be anything else
SELECT * FROM tweetlda.staged_flush();
CREATE TEMP TABLE not_staging (raw text);
CREATE TRIGGER wrong AFTER INSERT ON not_staging FOR EACH ROW EXECUTE FUNCTION tweetlda.ingest_stash_row();
INSERT INTO not_staging VALUES ('x');

-- real v1.1 objects (test/fixtures/ingest/PROVENANCE.md) through the COPY path, twice
\copy tweetlda.ingest_staging FROM 'test/fixtures/ingest/v11_sample.jsonl' WITH (FORMAT csv, QUOTE e'\x01', DELIMITER e'\x02')
\copy tweetlda.ingest_staging FROM 'test/fixtures/ingest/v11_sample.jsonl' WITH (FORMAT csv, QUOTE e'\x01', DELIMITER e'\x02')
SELECT id, author, left(text, 40) AS text, raw->'user'->>'screen_name' = author AS raw_kept
FROM tweetlda.tweets WHERE id > 1000000 ORDER BY id;

-- one row per id everywhere; ids and partitions agree
SELECT (SELECT count(*) FROM tweetlda.tweets) AS tweets,
       (SELECT count(DISTINCT id) FROM tweetlda.tweets) AS distinct_ids,
       (SELECT count(*) FROM tweetlda.tweet_ids) AS tweet_ids,
       (SELECT count(*) FROM tweetlda.tweets t JOIN tweetlda.tweet_ids i USING (id, received_at)) AS matching;

-- unscored tweets can be found by seq (index), received_at prunes partitions
CREATE FUNCTION pg_temp.plan(q text) RETURNS SETOF text LANGUAGE plpgsql AS $$
DECLARE l text;
BEGIN
    FOR l IN EXECUTE 'EXPLAIN (COSTS OFF) ' || q LOOP
        RETURN NEXT regexp_replace(l, 'tweets_[0-9]{8}', 'tweets_DAY', 'g');
    END LOOP;
END $$;
SELECT pg_temp.plan('SELECT id FROM tweetlda.tweets WHERE seq > 1000 ORDER BY seq LIMIT 10');
SELECT pg_temp.plan('SELECT id FROM tweetlda.tweets WHERE received_at > now() + interval ''1 day''');
