-- Ingest: retention of landed tweets (tweetlda.set_retention / apply_retention).
SET client_min_messages = warning;
CREATE EXTENSION IF NOT EXISTS tweetlda;
RESET client_min_messages;
TRUNCATE tweetlda.tweet_ids, tweetlda.rejected;
DELETE FROM tweetlda.tweets;

-- bad arguments
SELECT tweetlda.set_retention('0 seconds');
SELECT tweetlda.set_retention('-1 day');
-- no retention: nothing is removed
SELECT tweetlda.set_retention(NULL);
SELECT tweetlda.apply_retention();

-- tweets that arrived 3 days, 2 days and 1 hour, 1 day ago and now (old partitions made the
-- way the ingest path makes them; old rows written directly, as the owner)
SELECT tweetlda.ensure_partition(now() - interval '3 days');
SELECT tweetlda.ensure_partition(now() - interval '1 day');
CREATE TEMP TABLE arrivals (id bigint, age interval);
INSERT INTO arrivals VALUES (1, '3 days'), (2, '3 days'), (3, '3 days'),
    (4, '2 days 1 hour'), (5, '2 days 1 hour'), (6, '1 day');
INSERT INTO tweetlda.tweet_ids SELECT id, now() - age FROM arrivals;
INSERT INTO tweetlda.tweets (id, received_at, text, raw)
    SELECT id, now() - age, 'old ' || id, jsonb_build_object('id', id, 'text', 'old ' || id) FROM arrivals;
INSERT INTO tweetlda.rejected (received_at, reason, raw)
    VALUES (now() - interval '3 days', 'old reason', 'x'), (now(), 'new reason', 'y');
SELECT * FROM tweetlda.ingest_batch(ARRAY['{"id": 7, "text": "now"}', '{"id": 8, "text": "now"}']);
SELECT count(*) AS partitions FROM pg_inherits WHERE inhparent = 'tweetlda.tweets'::regclass;

-- keep 2 days: the 5 older tweets go (whole partitions dropped, older rows of the boundary
-- partition deleted), their ids are forgotten, old rejected records too
SELECT tweetlda.set_retention('2 days');
SELECT retention FROM tweetlda.ingest_settings;
SELECT id, text FROM tweetlda.tweets ORDER BY id;
SELECT id FROM tweetlda.tweet_ids ORDER BY id;
SELECT reason FROM tweetlda.rejected;
-- no partition left that lies entirely before the cutoff
SELECT count(*) AS expired_partitions
FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
WHERE i.inhparent = 'tweetlda.tweets'::regclass
  AND (to_date(substr(c.relname, 8), 'YYYYMMDD') + 1)::timestamp AT TIME ZONE 'UTC' <= now() - interval '2 days';
-- applying again removes nothing; an expired id can land again (dedup is within retention)
SELECT tweetlda.apply_retention();
SELECT tweetlda.ingest('{"id": 1, "text": "back again"}');
SELECT tweetlda.ingest('{"id": 6, "text": "still a duplicate"}');

-- a retention shorter than a day deletes inside today's partition
SELECT tweetlda.set_retention('1 hour');
SELECT id FROM tweetlda.tweets ORDER BY id;
SELECT tweetlda.set_retention(NULL);
