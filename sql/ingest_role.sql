-- Ingest: the ingest-only role tweetlda_ingest may land tweets and do nothing else.
SET client_min_messages = warning;
CREATE EXTENSION IF NOT EXISTS tweetlda;
RESET client_min_messages;
SELECT rolname, rolcanlogin, rolsuper, rolcreaterole, rolcreatedb
FROM pg_roles WHERE rolname = 'tweetlda_ingest';
CREATE ROLE regress_ingest_producer LOGIN IN ROLE tweetlda_ingest;
CREATE ROLE regress_ingest_nobody LOGIN;
-- (schema usage alone, as other parts of tweetlda may grant it, does not let it ingest)
GRANT USAGE ON SCHEMA tweetlda TO regress_ingest_nobody;
TRUNCATE tweetlda.tweet_ids, tweetlda.rejected;
DELETE FROM tweetlda.tweets;

SET ROLE regress_ingest_producer;
-- it can ingest, one at a time, in batches and with COPY
SELECT tweetlda.ingest('{"id": 1, "text": "by the producer"}');
SELECT * FROM tweetlda.ingest_batch(ARRAY['{"id": 2, "text": "batch"}', 'bad']);
COPY tweetlda.ingest_staging (raw) FROM STDIN;
{"id": 3, "text": "copy"}
\.
-- and nothing else: no reading, changing or removing landed data, no retention, no DDL
SELECT count(*) FROM tweetlda.tweets;
SELECT count(*) FROM tweetlda.tweet_ids;
SELECT count(*) FROM tweetlda.rejected;
SELECT count(*) FROM tweetlda.ingest_staging;
UPDATE tweetlda.tweets SET text = 'changed';
DELETE FROM tweetlda.tweets;
TRUNCATE tweetlda.tweets;
INSERT INTO tweetlda.tweets (id, text, raw) VALUES (9, 'direct', '{}');
INSERT INTO tweetlda.rejected (reason) VALUES ('forged');
DELETE FROM tweetlda.ingest_staging;
SELECT tweetlda.set_retention('1 second');
SELECT tweetlda.apply_retention();
SELECT tweetlda.ensure_partition(now() + interval '10 days');
UPDATE tweetlda.ingest_settings SET retention = '1 second';
CREATE TABLE tweetlda.mine (x int);
ALTER TABLE tweetlda.tweets ADD COLUMN x int;
SELECT nextval('tweetlda.tweets_seq');
RESET ROLE;

-- a role without the grant cannot ingest at all
SET ROLE regress_ingest_nobody;
SELECT tweetlda.ingest('{"id": 4, "text": "intruder"}');
SELECT * FROM tweetlda.ingest_batch(ARRAY['{"id": 4, "text": "intruder"}']);
INSERT INTO tweetlda.ingest_staging VALUES ('{"id": 4, "text": "intruder"}');
RESET ROLE;

SELECT id, text FROM tweetlda.tweets ORDER BY id;
SELECT reason, raw FROM tweetlda.rejected;
SELECT count(*) AS retention_set FROM tweetlda.ingest_settings WHERE retention IS NOT NULL;

DROP ROLE regress_ingest_producer;
REVOKE USAGE ON SCHEMA tweetlda FROM regress_ingest_nobody;
DROP ROLE regress_ingest_nobody;
