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

-- tweetlda_bi.stream_status: the active and the serving model, the rescoring progress and the
-- latest drift check of the active model, as the dashboard role reads it (drift_history and
-- stream_state themselves stay closed to it)
SET client_min_messages = warning;  -- training notices hold timings
CREATE TABLE bi_sample (corpus text, tweet_id bigint, created_at timestamptz, lang text,
                        text text, source_ref text);
\copy bi_sample FROM 'data/sample/tweets_sample.csv' WITH (FORMAT csv, HEADER true)
SELECT tweetlda.train('bi_status', 'SELECT text FROM bi_sample LIMIT 400', k => 3, max_iter => 5) > 0 AS trained;
RESET client_min_messages;
SELECT id AS bi_model FROM tweetlda.models WHERE active \gset
SET ROLE tweetlda_dashboard;
SELECT model_id = :bi_model AS active, serving_model_id = :bi_model AS serving,
       serving_model_name IS NOT NULL AS serving_named, rescoring,
       drift_checked_at, drifted, drift_status, drift_exceeded, drift_topic_jsd
FROM tweetlda_bi.stream_status;
RESET ROLE;
-- an older check that drifted, then a newer one that did not: the newer one is shown
INSERT INTO tweetlda.drift_history (checked_at, model_id, recent, drifted, status, figures)
VALUES (now() - interval '2 hours', :bi_model, '1 day', true, 'drifted',
        '{"window": {"tweets": 900, "sampled": 800}, "checks": {"topic_jsd": {"value": 0.5, "exceeded": true}}}'),
       (now() - interval '1 hour', :bi_model, '1 day', false, 'ok',
        '{"window": {"tweets": 1000, "sampled": 500},
          "checks": {"log_perplexity_increase": {"value": 0.01, "exceeded": false},
                     "oov_rate_increase": {"value": -0.002, "exceeded": false},
                     "no_word_share_increase": {"value": 0, "exceeded": false},
                     "topic_jsd": {"value": 0.004, "exceeded": false},
                     "sentiment_shift": {"value": 0.02, "exceeded": false}}}');
SET ROLE tweetlda_dashboard;
SELECT drift_checked_at < now() - interval '30 minutes' AS an_hour_ago, drifted, drift_status, drift_exceeded,
       drift_tweets, drift_sampled, drift_log_perplexity_increase, drift_oov_rate_increase,
       drift_no_word_share_increase, drift_topic_jsd, drift_sentiment_shift
FROM tweetlda_bi.stream_status;
RESET ROLE;
-- a newest check that drifted by two figures
INSERT INTO tweetlda.drift_history (checked_at, model_id, recent, drifted, status, figures)
VALUES (now(), :bi_model, '1 day', true, 'drifted',
        '{"window": {"tweets": 2000, "sampled": 2000},
          "checks": {"log_perplexity_increase": {"value": 0.3, "exceeded": true},
                     "oov_rate_increase": {"value": 0.08, "exceeded": true},
                     "topic_jsd": {"value": 0.01, "exceeded": false}}}');
SET ROLE tweetlda_dashboard;
SELECT drift_checked_at > now() - interval '30 minutes' AS just_now, drifted, drift_status, drift_exceeded,
       drift_tweets, drift_log_perplexity_increase, drift_oov_rate_increase,
       drift_no_word_share_increase, drift_sentiment_shift
FROM tweetlda_bi.stream_status;
-- the rescoring progress is stream_status()'s
RESET ROLE;
SELECT b.rescore_model_id IS NOT DISTINCT FROM s.rescore_model AS rescore_model,
       b.rescore_total IS NOT DISTINCT FROM s.rescore_total AS total,
       b.rescore_done IS NOT DISTINCT FROM s.rescore_done AS done,
       b.rescoring = (s.rescore_started_at IS NOT NULL AND s.rescore_finished_at IS NULL) AS rescoring
FROM tweetlda_bi.stream_status b, tweetlda.stream_status() s;
SELECT has_table_privilege('tweetlda_dashboard', 'tweetlda.drift_history', 'SELECT') AS reads_drift_history,
       has_table_privilege('tweetlda_dashboard', 'tweetlda.stream_state', 'SELECT') AS reads_stream_state,
       has_table_privilege('tweetlda_dashboard', 'tweetlda_bi.stream_status', 'SELECT') AS reads_status;
DELETE FROM tweetlda.models WHERE name = 'bi_status';
DROP TABLE bi_sample;
