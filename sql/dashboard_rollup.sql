-- The hourly score rollup (tweetlda.score_rollup) follows tweet_scores through inserts,
-- inserts (of several models' scores), updates, deletes and truncate; the BI views read it.
SET client_min_messages = warning;
CREATE EXTENSION IF NOT EXISTS tweetlda;
RESET client_min_messages;
-- what the rollup should hold, straight from the scores
CREATE VIEW rollup_expected AS
SELECT model_id, date_bin('1 hour', created_at, '2000-01-01 00:00:00+00') AS bucket,
       top_topic AS topic, sentiment, count(*) AS tweets, sum(polarity) AS polarity_sum
FROM tweetlda.tweet_scores GROUP BY 1, 2, 3, 4;
CREATE VIEW rollup_diff AS
SELECT count(*) AS differences FROM (
    (SELECT model_id, bucket, topic, sentiment, tweets, round(polarity_sum::numeric, 9)
     FROM rollup_expected
     EXCEPT
     SELECT model_id, bucket, topic, sentiment, tweets, round(polarity_sum::numeric, 9)
     FROM tweetlda.score_rollup WHERE tweets <> 0)
    UNION ALL
    (SELECT model_id, bucket, topic, sentiment, tweets, round(polarity_sum::numeric, 9)
     FROM tweetlda.score_rollup WHERE tweets <> 0
     EXCEPT
     SELECT model_id, bucket, topic, sentiment, tweets, round(polarity_sum::numeric, 9)
     FROM rollup_expected)) d;

INSERT INTO tweetlda.tweet_scores (tweet_id, model_id, topics, top_topic, polarity, subjectivity,
                                   sentiment, created_at)
SELECT g, 1, ARRAY[0.5, 0.5]::real[], 1 + g % 3, (g % 7 - 3) / 3.0, 0.5,
       tweetlda.sentiment_label((g % 7 - 3) / 3.0),
       '2024-05-01 00:00:00+00'::timestamptz + g * interval '7 minutes'
FROM generate_series(1, 500) g;
-- a tweet with no topic, and one with no time
INSERT INTO tweetlda.tweet_scores VALUES (501, 1, NULL, NULL, 0, 0, 'neutral', '2024-05-01 03:00:00+00');
INSERT INTO tweetlda.tweet_scores VALUES (502, 1, NULL, NULL, 0.5, 0, 'positive', NULL);
SELECT sum(tweets) AS tweets, count(*) > 10 AS many_rows FROM tweetlda.score_rollup;
SELECT * FROM rollup_diff;
-- an update that changes the model moves the tweets, an insert of another model's scores adds
UPDATE tweetlda.tweet_scores
SET model_id = 2, topics = NULL, top_topic = 2, polarity = -0.5, subjectivity = 0,
    sentiment = 'negative', created_at = '2024-05-02 10:30:00+00'
WHERE tweet_id BETWEEN 400 AND 510;
INSERT INTO tweetlda.tweet_scores AS ts (tweet_id, model_id, topics, top_topic, polarity,
                                         subjectivity, sentiment, created_at)
SELECT g, 2, NULL, 2, -0.5, 0, 'negative', '2024-05-02 10:30:00+00' FROM generate_series(400, 510) g
ON CONFLICT (tweet_id, model_id) DO NOTHING;
SELECT model_id, sum(tweets) AS tweets FROM tweetlda.score_rollup GROUP BY 1 ORDER BY 1;
SELECT * FROM rollup_diff;
UPDATE tweetlda.tweet_scores SET sentiment = 'positive', polarity = 0.9 WHERE tweet_id % 5 = 0;
SELECT * FROM rollup_diff;
DELETE FROM tweetlda.tweet_scores WHERE tweet_id BETWEEN 100 AND 199;
SELECT sum(tweets) AS tweets FROM tweetlda.score_rollup;
SELECT * FROM rollup_diff;
TRUNCATE tweetlda.tweet_scores;
SELECT count(*) AS rollup_rows FROM tweetlda.score_rollup;
-- the BI schema holds views only, every view and column commented, all readable by the dashboard
SELECT c.relkind, count(*) FROM pg_class c WHERE c.relnamespace = 'tweetlda_bi'::regnamespace GROUP BY 1;
SELECT count(*) AS uncommented_views FROM pg_class c
WHERE c.relnamespace = 'tweetlda_bi'::regnamespace AND obj_description(c.oid, 'pg_class') IS NULL;
SELECT count(*) AS uncommented_columns FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid
WHERE c.relnamespace = 'tweetlda_bi'::regnamespace AND a.attnum > 0
  AND col_description(c.oid, a.attnum) IS NULL;
SELECT count(*) AS unreadable FROM pg_class c
WHERE c.relnamespace = 'tweetlda_bi'::regnamespace
  AND NOT has_table_privilege('tweetlda_dashboard', c.oid, 'SELECT');
SELECT count(*) AS array_or_json_columns FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid
WHERE c.relnamespace = 'tweetlda_bi'::regnamespace AND a.attnum > 0
  AND (a.atttypid IN ('jsonb'::regtype, 'json'::regtype) OR
       EXISTS (SELECT FROM pg_type t WHERE t.oid = a.atttypid AND t.typcategory = 'A'));
DROP VIEW rollup_diff, rollup_expected;
