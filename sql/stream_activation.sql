-- Activation and rollback: the serving model, the background rescoring of the recent window,
-- views that never mix two models, rollback served from kept scores, pruning, the wide view
-- that follows the serving model, and bad input.
SET client_min_messages = warning;  -- training notices hold timings
CREATE EXTENSION IF NOT EXISTS tweetlda;
\set VERBOSITY default
CREATE TABLE act_sample (corpus text, tweet_id bigint, created_at timestamptz, lang text,
                         text text, source_ref text);
\copy act_sample FROM 'data/sample/tweets_sample.csv' WITH (FORMAT csv, HEADER true)
CREATE TABLE act_src AS
    SELECT row_number() OVER (ORDER BY tweet_id) AS rn, text FROM act_sample;
-- Land tweets ids from..to of act_src, created age ago (the tweets' time decides the window).
CREATE FUNCTION act_land(first bigint, last bigint, age interval) RETURNS bigint
    LANGUAGE sql
    RETURN (SELECT (tweetlda.ingest_batch(ARRAY(
        SELECT jsonb_build_object('id', 900000000 + s.rn, 'text', s.text,
                                  'created_at', now() - age)::text
        FROM act_src s WHERE s.rn BETWEEN first AND last))).ingested);
-- What every view shows: the model of its rows, and counts that must agree.
CREATE VIEW act_views AS
SELECT tweetlda.serving_model() AS serving,
       (SELECT array_agg(DISTINCT model_id) FROM tweetlda.scored_tweets) AS scored_tweets_models,
       (SELECT array_agg(DISTINCT model_id) FROM tweetlda.tweet_topics) AS tweet_topics_models,
       (SELECT array_agg(DISTINCT model_id) FROM tweetlda_bi.scored_tweets) AS bi_models,
       (SELECT sum(tweets) FROM tweetlda.topic_summary) AS summary_tweets,
       (SELECT sum(tweets) FROM tweetlda.topic_sentiment) AS sentiment_tweets,
       (SELECT sum(tweets) FROM tweetlda.topic_timeline) AS timeline_tweets,
       (SELECT sum(tweets) FROM tweetlda_bi.topics) AS bi_topic_tweets,
       (SELECT count(*) FROM tweetlda.scored_tweets) AS scored_tweets,
       (SELECT count(*) FROM tweetlda.tweet_scores s
        WHERE s.model_id = tweetlda.serving_model()) AS serving_scores;
CREATE VIEW act_scores AS
SELECT m.name, count(*) AS scores, count(DISTINCT s.tweet_id) AS tweets
FROM tweetlda.tweet_scores s JOIN tweetlda.models m ON m.id = s.model_id
GROUP BY m.name ORDER BY m.name;
CREATE VIEW act_progress AS
SELECT m.name AS serving, r.name AS rescoring, st.rescore_total AS total,
       st.rescore_done AS done, st.rescore_started_at IS NOT NULL AS started,
       st.rescore_finished_at IS NOT NULL AS finished
FROM tweetlda.stream_status() st
LEFT JOIN tweetlda.models m ON m.id = st.serving_model
LEFT JOIN tweetlda.models r ON r.id = st.rescore_model;

-- Start from no scores, an empty queue and the default settings.
TRUNCATE tweetlda.pending, tweetlda.tweet_scores;
UPDATE tweetlda.stream_state SET rescore_window = '7 days', keep_previous = true;
SELECT tweetlda.train('act_a', 'SELECT text FROM act_src', k => 4) > 0 AS trained_a;
SELECT tweetlda.activate('act_a') > 0 AS activated_a;
SELECT * FROM act_progress;
-- 300 tweets of the last day, 50 of a month ago (outside the 7-day window)
SELECT act_land(1, 300, '1 hour') AS recent, act_land(301, 350, '30 days') AS old;
CALL tweetlda.process_all_pending();
SELECT * FROM act_scores;
SELECT tweetlda.create_wide_view('act_wide');
SELECT count(*) FILTER (WHERE attname LIKE 'topic\_%') AS topic_columns
FROM pg_attribute WHERE attrelid = 'act_wide'::regclass AND attnum > 0;
SELECT view_name, topics FROM tweetlda.wide_views;

-- Activate another model: new tweets are scored at once, but the views keep showing act_a
-- until the 300 scored tweets of the window are rescored with act_b.
SELECT tweetlda.train('act_b', 'SELECT text FROM act_src', k => 6) > 0 AS trained_b;
SELECT tweetlda.activate('act_b') > 0 AS activated_b;
SELECT tweetlda.active_model() = (SELECT id FROM tweetlda.models WHERE name = 'act_b') AS active_b;
SELECT * FROM act_progress;
SELECT serving = (SELECT id FROM tweetlda.models WHERE name = 'act_a') AS serving_a,
       scored_tweets_models = ARRAY[serving] AS one_model, tweet_topics_models = ARRAY[serving]
           AS topics_one_model, bi_models = ARRAY[serving] AS bi_one_model,
       summary_tweets, sentiment_tweets, timeline_tweets, bi_topic_tweets, scored_tweets
FROM act_views;
-- the wide view has room for the topics of both models and shows the serving model's rows
SELECT count(*) FILTER (WHERE attname LIKE 'topic\_%') AS topic_columns
FROM pg_attribute WHERE attrelid = 'act_wide'::regclass AND attnum > 0;
SELECT count(*) AS wide_rows, array_agg(DISTINCT model_id) = ARRAY[tweetlda.serving_model()]
       AS wide_serving FROM act_wide;
-- a live batch: 20 new tweets are scored with both models, the queue first (no capacity left)
SELECT act_land(351, 370, '1 minute') AS landed;
SELECT tweetlda.process_pending(20) AS live;
SELECT * FROM act_scores;
SELECT done FROM act_progress;
-- background steps: the window in batches, progress in stream_status()
SELECT tweetlda.rescore_step(100) AS step;
SELECT * FROM act_progress;
SELECT tweetlda.process_pending(150) AS live_with_spare_capacity;
SELECT * FROM act_progress;
SELECT summary_tweets, serving = (SELECT id FROM tweetlda.models WHERE name = 'act_a') AS still_a
FROM act_views;
-- pg_cron batch mode finishes the transition; the views switch to act_b as a whole
CALL tweetlda.process_all_pending();
SELECT * FROM act_progress;
SELECT serving = (SELECT id FROM tweetlda.models WHERE name = 'act_b') AS serving_b,
       scored_tweets_models = ARRAY[serving] AS one_model, bi_models = ARRAY[serving] AS bi_one_model,
       summary_tweets, sentiment_tweets, timeline_tweets, bi_topic_tweets, scored_tweets,
       serving_scores
FROM act_views;
-- act_a's scores are kept for a rollback; act_b scored the window and the new tweets (not the
-- 50 old tweets outside the window)
SELECT * FROM act_scores;
SELECT count(*) AS wide_rows, array_agg(DISTINCT model_id) = ARRAY[tweetlda.serving_model()]
       AS wide_serving FROM act_wide;
-- same scores as scoring act_b alone would give
SELECT bool_and(s.topics IS NOT DISTINCT FROM tweetlda.topics('act_b', t.text, t.lang))
       AS same_topics
FROM tweetlda.tweet_scores s JOIN tweetlda.tweets t ON t.id = s.tweet_id
WHERE s.model_id = tweetlda.active_model();

-- Rollback: act_a is the previous model and its scores are kept: it is served at once; the
-- tweets it lacks are rescored in the background (here none: both scored the transition's tweets).
SELECT tweetlda.activate('act_a') > 0 AS rolled_back;
SELECT serving = (SELECT id FROM tweetlda.models WHERE name = 'act_a') AS serving_a,
       summary_tweets, scored_tweets, serving_scores FROM act_views;
SELECT serving, rescoring, total, finished FROM act_progress;
SELECT count(*) FILTER (WHERE attname LIKE 'topic\_%') AS topic_columns
FROM pg_attribute WHERE attrelid = 'act_wide'::regclass AND attnum > 0;
-- new tweets are scored with act_a only now
SELECT act_land(371, 380, '1 minute') AS landed;
CALL tweetlda.process_all_pending();
SELECT * FROM act_progress;
SELECT * FROM act_scores;

-- Rollback to a model whose scores were not kept: rescored like any activation.
UPDATE tweetlda.stream_state SET keep_previous = false;
CALL tweetlda.process_all_pending();  -- prunes act_b (neither active, serving nor kept)
SELECT * FROM act_scores;
SELECT count(*) AS act_b_rollup_rows FROM tweetlda.score_rollup r
JOIN tweetlda.models m ON m.id = r.model_id WHERE m.name = 'act_b';
SELECT tweetlda.activate('act_b') > 0 AS activated_b_again;
SELECT serving, rescoring, total, done, finished FROM act_progress;
CALL tweetlda.process_all_pending();
SELECT serving, rescoring, total, done, finished FROM act_progress;
SELECT * FROM act_scores;
SELECT serving = tweetlda.active_model() AS serving_active, summary_tweets, scored_tweets,
       serving_scores FROM act_views;
UPDATE tweetlda.stream_state SET keep_previous = true;

-- Versions: activate(family, version); an empty window switches the views at once.
SELECT tweetlda.store_model('act_a@2', (SELECT model FROM tweetlda.models WHERE name = 'act_a'),
                            '{}', 'act_a', (SELECT id FROM tweetlda.models WHERE name = 'act_a'),
                            'retrain') > 0 AS stored;
UPDATE tweetlda.stream_state SET rescore_window = '0 seconds';
SELECT tweetlda.activate('act_a', 2) = (SELECT id FROM tweetlda.models WHERE name = 'act_a@2')
       AS activated_version;
SELECT serving, rescoring, total, finished FROM act_progress;
SELECT serving_scores, summary_tweets FROM act_views;
SELECT act_land(381, 385, '1 minute') AS landed;
CALL tweetlda.process_all_pending();
SELECT serving_scores, summary_tweets FROM act_views;
-- back to version 1: its scores are gone (act_b was served before act_a@2, act_a was pruned),
-- so act_a@2's scored tweets are rescored; a NULL window means all of them
UPDATE tweetlda.stream_state SET rescore_window = NULL;
SELECT tweetlda.activate('act_a', 1) > 0 AS back_to_v1;
SELECT serving, rescoring, total, finished FROM act_progress;
CALL tweetlda.process_all_pending();
SELECT serving, rescoring, total, done, finished FROM act_progress;
SELECT count(*) FILTER (WHERE attname LIKE 'topic\_%') AS topic_columns
FROM pg_attribute WHERE attrelid = 'act_wide'::regclass AND attnum > 0;
UPDATE tweetlda.stream_state SET rescore_window = '7 days';

-- Bad input.
SELECT tweetlda.activate(NULL);
SELECT tweetlda.activate('no such model');
SELECT tweetlda.activate('act_a', NULL);
SELECT tweetlda.activate(NULL, 1);
SELECT tweetlda.activate('act_a', 99);
SELECT tweetlda.rescore_step(0);
SELECT tweetlda.rescore_step(NULL);
\set VERBOSITY terse
UPDATE tweetlda.stream_state SET rescore_window = '-1 day';
\set VERBOSITY default
-- a wide view dropped by hand is forgotten at the next activation
DROP VIEW act_wide;
SELECT tweetlda.activate('act_b') > 0 AS activated;
SELECT count(*) AS registered FROM tweetlda.wide_views;
CALL tweetlda.process_all_pending();

-- Leave no scores for later tests.
TRUNCATE tweetlda.pending, tweetlda.tweet_scores;
DROP VIEW act_views, act_scores, act_progress;
DROP FUNCTION act_land(bigint, bigint, interval);
