-- Stream scoring: the queue, process_pending, rescore, topic_argmax, the stream functions'
-- argument checks and batch mode without pg_cron.
SET client_min_messages = warning;  -- training notices hold timings
CREATE EXTENSION IF NOT EXISTS tweetlda;
\set VERBOSITY default
CREATE TABLE stream_sample (corpus text, tweet_id bigint, created_at timestamptz, lang text,
                            text text, source_ref text);
\copy stream_sample FROM 'data/sample/tweets_sample.csv' WITH (FORMAT csv, HEADER true)
CREATE TABLE stream_src AS
    SELECT row_number() OVER (ORDER BY tweet_id) AS rn, tweet_id, created_at, text
    FROM stream_sample;

-- topic_argmax: 1-based, first of ties, NULL elements and NaN skipped, one dimension only.
SELECT tweetlda.topic_argmax('{0.1,0.7,0.2}'), tweetlda.topic_argmax('{0.5,0.5}'),
       tweetlda.topic_argmax('{NULL,0.3}'), tweetlda.topic_argmax('{NaN,0.1}'),
       tweetlda.topic_argmax('{}'), tweetlda.topic_argmax(NULL), tweetlda.topic_argmax('{NULL}');
SELECT tweetlda.topic_argmax('{{0.1,0.2},{0.3,0.4}}');

-- Start from an empty queue and no scores (earlier tests may have landed tweets).
TRUNCATE tweetlda.pending, tweetlda.tweet_scores;

-- No active model: a clear error, and the queued tweets stay queued.
UPDATE tweetlda.models SET active = false WHERE active;
SELECT tweetlda.ingest_batch(ARRAY(
    SELECT jsonb_build_object('id', tweet_id, 'text', text, 'created_at', created_at)::text
    FROM stream_src WHERE rn <= 100));
SELECT count(*) AS queued FROM tweetlda.pending;
SELECT tweetlda.process_pending();
SELECT count(*) AS still_queued FROM tweetlda.pending;

-- Bad batch sizes.
SELECT tweetlda.process_pending(0);
SELECT tweetlda.process_pending(NULL);
SELECT tweetlda.process_pending(1000001);

-- With a model: batches claim from the queue; duplicates are neither landed nor queued again.
SELECT tweetlda.train('stream_a', 'SELECT text FROM stream_src', k => 4) > 0 AS trained;
SELECT tweetlda.activate('stream_a') > 0 AS activated;
SELECT (tweetlda.ingest_batch(ARRAY(
    SELECT jsonb_build_object('id', tweet_id, 'text', text)::text
    FROM stream_src WHERE rn <= 10))).*;
SELECT count(*) AS queued FROM tweetlda.pending;
SELECT tweetlda.process_pending(30) AS first_batch;
SELECT count(*) AS queued FROM tweetlda.pending;
SELECT tweetlda.process_pending() AS second_batch;
SELECT tweetlda.process_pending() AS empty_queue;

-- The scores: one per tweet, from the active model, consistent with the functions they come from.
SELECT count(*) AS scored, count(DISTINCT tweet_id) AS tweets,
       bool_and(model_id = tweetlda.active_model()) AS active_model,
       bool_and(top_topic = tweetlda.topic_argmax(topics)) AS top_is_argmax,
       bool_and(cardinality(topics) = 4 OR topics IS NULL) AS k_weights,
       bool_and(sentiment IN ('positive', 'neutral', 'negative')) AS labels,
       bool_and(sentiment = tweetlda.sentiment_label(polarity)) AS label_of_polarity
FROM tweetlda.tweet_scores;
SELECT bool_and(s.topics IS NOT DISTINCT FROM tweetlda.topics('stream_a', t.text)) AS same_topics,
       bool_and(s.polarity = tweetlda.polarity(t.text)) AS same_polarity,
       bool_and(s.subjectivity = tweetlda.subjectivity(t.text)) AS same_subjectivity,
       bool_and(s.created_at = coalesce(t.created_at, t.received_at)) AS tweet_time
FROM tweetlda.tweet_scores s JOIN tweetlda.tweets t ON t.id = s.tweet_id;

-- score_tweets scores only what is not scored by this model; nothing twice.
SELECT tweetlda.score_tweets(ARRAY(SELECT tweet_id FROM tweetlda.tweet_scores)) AS rescored;
SELECT tweetlda.score_tweets('{}') AS nothing, tweetlda.score_tweets('{424242}') AS unknown_id;

-- rescore: after another model is activated, the tweets get its scores too (the old model's are
-- kept for a rollback, stream_state.keep_previous); the views switch to it once done.
SELECT tweetlda.train('stream_b', 'SELECT text FROM stream_src', k => 3) > 0 AS trained;
SELECT tweetlda.activate('stream_b') > 0 AS activated;
SELECT tweetlda.rescore(now() + interval '1 day') AS none_that_recent;
SELECT tweetlda.rescore() AS requeued;
CALL tweetlda.process_all_pending(40);
SELECT model_id = tweetlda.active_model() AS new_model, count(*) AS scored,
       bool_and(cardinality(topics) = 3 OR topics IS NULL) AS k_weights
FROM tweetlda.tweet_scores GROUP BY 1 ORDER BY 1;
SELECT tweetlda.serving_model() = tweetlda.active_model() AS serving_new;
SELECT tweetlda.rescore() AS nothing_left;

-- The stream functions check their arguments; no worker runs here.
SELECT tweetlda.start_stream('0 seconds');
SELECT tweetlda.start_stream('2 days');
SELECT tweetlda.start_stream(NULL);
SELECT tweetlda.start_stream('1 second', 0);
SELECT tweetlda.start_stream('1 second', 100, 'nosuchanalyzer');
SELECT analyzer FROM tweetlda.stream_state;
SELECT running, pid, enabled, pending, lag, batches, errors FROM tweetlda.stream_status();
SELECT tweetlda.stop_stream() AS was_running;
SELECT enabled FROM tweetlda.stream_status();

-- Batch mode needs pg_cron.
SELECT tweetlda.schedule_scoring('0 */3 * * *');
SELECT tweetlda.unschedule_scoring();

-- Only the owner may run the writing functions.
CREATE ROLE stream_nobody;
GRANT USAGE ON SCHEMA tweetlda TO stream_nobody;
SET ROLE stream_nobody;
SELECT tweetlda.process_pending();
SELECT tweetlda.start_stream();
SELECT * FROM tweetlda.pending;
RESET ROLE;
REVOKE USAGE ON SCHEMA tweetlda FROM stream_nobody;
DROP ROLE stream_nobody;
