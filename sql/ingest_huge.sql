-- Ingest: a record larger than jsonb can store (a 256 MB string) is rejected, the rest of its
-- batch lands (issue 9).  Separate file: building the 256 MB record takes a few seconds.
SET client_min_messages = warning;
CREATE EXTENSION IF NOT EXISTS tweetlda;
RESET client_min_messages;
TRUNCATE tweetlda.tweet_ids, tweetlda.rejected;
DELETE FROM tweetlda.tweets;

-- a JSON string longer than jsonb can store (256 MB) is rejected, the rest lands
SELECT * FROM tweetlda.ingest_batch(ARRAY[
    '{"id": 41, "text": "' || repeat('x', 268435456) || '"}',
    '{"id": 42, "text": "after the huge one"}']);
SELECT reason, tweet_id, length(raw) AS raw_length FROM tweetlda.rejected WHERE raw LIKE '{"id": 41%';
SELECT id, text FROM tweetlda.tweets WHERE id IN (41, 42);

