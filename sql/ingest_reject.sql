-- Ingest: no record stops a batch, whatever the field and whatever PostgreSQL's own parsers
-- would raise (issue 9).  Timestamps are read by a strict parser of the extension's own.
SET client_min_messages = warning;
CREATE EXTENSION IF NOT EXISTS tweetlda;
RESET client_min_messages;
TRUNCATE tweetlda.tweet_ids, tweetlda.rejected;
DELETE FROM tweetlda.tweets;
SET TimeZone = 'UTC';

-- the forms tweets use: v1.1, ISO 8601 / v2, the corpora's CSV forms
SELECT v, tweetlda.try_timestamptz(v)
FROM unnest(ARRAY[
    'Wed Oct 10 20:19:24 +0000 2018', 'Wed Oct 10 20:19:24 +0530 2018',
    'Mon Apr 06 22:19:45 PDT 2009', 'Mon May 11 03:17:40 UTC 2009', 'wed oct 10 20:19:24 -0700 2018',
    'Sat Feb 1 10:00:00 +0000 2020',
    '2018-10-10T20:19:24.000Z', '2018-10-10T20:19:24Z', '2018-10-10 20:19:24+02',
    '2018-10-10 20:19:24 +0100', '2018-10-10T20:19:24.123456789+05:30', '2018-10-10T20:19Z',
    '2011-12-26T22:44:00', '2018-10-10', '12/26/2011 22:44', '1/5/2019 3:07:09', ' 2018-10-10T20:19:24Z ',
    '2016-12-31T23:59:60Z', '2020-02-29T00:00:00Z', '2018-10-10T20:19:24.9999995Z']) v;

-- everything else is NULL, never an error: the repro of issue 9 first
SELECT left(v, 40) AS v, tweetlda.try_timestamptz(v) IS NULL AS rejected
FROM unnest(ARRAY[
    '2020-01-01 abc99999', '2020-01-01 12:00 abc99999', '2020-01-01T12:00:00 Europe/Berlin',
    '2020-01-01 12:00:00 +99', '2020-01-01 12:00:00+1600', '2019-02-29', '2020-13-01', '2020-00-10',
    '2020-01-32', '2020-01-01T24:00:00Z', '2020-01-01T23:60:00Z', '2020-01-01T12:00:00+Z',
    '2020-01-01T12:00:00.Z', '2020-01-01T12:00:00.1234567890Z', '20201-01-01', '99999-01-01',
    'Wed Oct 10 20:19:24 +0000 20181', 'Wed Oct 10 20:19:24 XYZ 2018', 'Wed Foo 10 20:19:24 +0000 2018',
    'Wed Oct 10 20:19:24 2018', '13/26/2011 22:44', '12/26/11 22:44', 'now', 'today', 'epoch',
    'infinity', '-infinity', 'allballs', 'J2451187', '1449941699', '0000-01-01', '2018-10-10T',
    '2018-10-10 20:19:24 +0000 extra', 'Sat Feb  1 10:00:00 +0000 2020', repeat('2018-10-10', 1000), '', ' ']) v;

-- a timestamp without a zone is read in the session's TimeZone, like a cast
SET TimeZone = 'America/New_York';
SELECT tweetlda.try_timestamptz('2011-12-26T22:44:00') = '2011-12-26 22:44:00'::timestamptz AS session_zone;
SET TimeZone = 'UTC';

-- a batch with the repro among good records: the good ones land, each bad one is rejected
SELECT * FROM tweetlda.ingest_batch(ARRAY[
    '{"id": 1, "text": "good before"}',
    '{"id": 2, "text": "bad zone", "created_at": "2020-01-01 abc99999"}',
    '{"id": 3, "text": "good v1.1 time", "created_at": "Wed Oct 10 20:19:24 +0000 2018"}',
    '{"id": 4, "text": "date only", "created_at": "2018-10-10"}',
    '{"id": 1e999999, "text": "number out of range"}',
    '{"id": 1e300, "text": "id with 301 digits"}',
    '{"id": "' || repeat('x', 99) || 'é", "text": "a long id clipped on a character"}',
    '{"id": 5, "text": "bad time clipped", "created_at": "' || repeat('y', 99) || 'é"}',
    '{"id": 6, "text": "deep junk", "junk": ' || repeat('[', 2000) || repeat(']', 2000) || '}',
    '{"id": 7, "text": "\u0000 escape"}',
    '{"id": 8, "text": "lone surrogate \ud800"}',
    '{"id": "٣", "text": "arabic digit id"}',
    '{"id": 9, "text": "good after", "created_at": "2018-10-10T20:19:24.000Z"}']);
SELECT id, created_at, text FROM tweetlda.tweets ORDER BY id;
SELECT reason, tweet_id, length(raw) AS raw_length, source, line FROM tweetlda.rejected ORDER BY rejected_id;
SELECT count(*) AS valid_utf8_reasons FROM tweetlda.rejected
WHERE convert_from(convert_to(reason, 'UTF8'), 'UTF8') = reason;

-- the same through COPY: the statement lands the good records
BEGIN;
COPY tweetlda.ingest_staging (raw) FROM STDIN;
{"id": 11, "text": "copied good"}
{"id": 12, "text": "copied bad zone", "created_at": "2020-01-01 abc99999"}
{"id": 13, "text": "copied good too", "created_at": "Mon Apr 06 22:19:45 PDT 2009"}
\.
SELECT current_setting('tweetlda_ingest.last_batch');
COMMIT;
SELECT id, created_at, text FROM tweetlda.tweets WHERE id > 10 ORDER BY id;

-- ingest_records: source and line are kept with rejected records; a reason rejects as it is
SELECT * FROM tweetlda.ingest_records(
    ARRAY['{"id": 21, "text": "from a file"}', 'not json', '{"id": 22', 'bytes \xff'],
    ARRAY['a.ndjson', 'a.ndjson', 'a.ndjson', 'b.csv'], ARRAY[1, 2, 3, 7]::bigint[],
    ARRAY[NULL, NULL, NULL, 'invalid UTF-8 at byte 7']);
SELECT * FROM tweetlda.ingest_records(ARRAY['{"id": 23, "text": "no sources"}'], NULL, NULL, NULL);
SELECT reason, raw, source, line FROM tweetlda.rejected WHERE source IS NOT NULL ORDER BY rejected_id;
-- the producer's staging table: same triggers, with source, line and reason
BEGIN;
COPY tweetlda.ingest_staging_ext (raw, source, line, reason) FROM STDIN;
{"id": 31, "text": "ext good"}	in.csv	2	\N
{"id": 32, "text": "ext extra field"}	in.csv	3	CSV record has 7 fields, the header names 6
broken	in.csv	5	\N
\.
SELECT current_setting('tweetlda_ingest.last_batch');
COMMIT;
SELECT reason, source, line FROM tweetlda.rejected WHERE source = 'in.csv' ORDER BY line;
SELECT pg_relation_size('tweetlda.ingest_staging_ext') AS staging_bytes;

-- the stash counts detoasted bytes: toasted rows of 17 MB (records that are not JSON, cheap to
-- reject) are landed in chunks of 64 MB, so the fifth row sees the first four rejected
CREATE TEMP TABLE big (raw text);
ALTER TABLE big ALTER COLUMN raw SET STORAGE EXTERNAL;
INSERT INTO big SELECT repeat('z', 17000000) FROM generate_series(1, 4);
SELECT pg_total_relation_size(reltoastrelid) > 60000000 AS toasted FROM pg_class WHERE oid = 'big'::regclass;
CREATE FUNCTION pg_temp.landed_so_far() RETURNS text LANGUAGE sql VOLATILE AS
$$ SELECT '{"id": 55, "text": "rejected before me: ' || count(*) || '"}' FROM tweetlda.rejected
   WHERE reason LIKE 'invalid JSON: Token "zzz%' $$;
INSERT INTO tweetlda.ingest_staging SELECT raw FROM big UNION ALL SELECT pg_temp.landed_so_far();
SELECT text FROM tweetlda.tweets WHERE id = 55;
SELECT count(*) FROM tweetlda.rejected WHERE reason LIKE 'invalid JSON: Token "zzz%';

-- counts of a large COPY: new ids are not also counted as duplicates
BEGIN;
INSERT INTO tweetlda.ingest_staging
    SELECT '{"id": ' || (i + 1000000) || ', "text": "n"}' FROM generate_series(1, 100000) i;
SELECT current_setting('tweetlda_ingest.last_batch');
COMMIT;
SELECT * FROM tweetlda.ingest_batch(ARRAY(SELECT '{"id": ' || (i + 2000000) || ', "text": "n"}' FROM generate_series(1, 100000) i));
