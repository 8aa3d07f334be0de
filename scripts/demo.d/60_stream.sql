-- Demo part 60: the bundled tweets arrive as a live stream through tweetlda-ingest while the
-- stream worker scores them; then the classic pipeline's three analysis queries (doc/stream.md).
\echo
\echo '== Stream: the worker scores landed tweets every 200 ms with the active model'
SET client_min_messages = warning;
-- A model for the stream: the demo's if an earlier part trained one, else a small one now.
SELECT CASE
         WHEN tweetlda.active_model() IS NOT NULL THEN tweetlda.active_model()
         WHEN EXISTS (SELECT 1 FROM tweetlda.models WHERE name = 'demo_k5')
           THEN tweetlda.activate('demo_k5')
         ELSE tweetlda.activate(name => (SELECT 'demo_stream' WHERE tweetlda.train(
                'demo_stream', 'SELECT text FROM public.sample_tweets', k => 5) > 0))
       END AS model_id \gset
RESET client_min_messages;
SELECT id, name, k FROM tweetlda.models WHERE id = :model_id;
SELECT tweetlda.start_stream('200 ms', 5000) > 0 AS worker_started;
SELECT pg_sleep(0.5) AS slept \gset

\echo '== Replay: tweetlda-ingest sends the 4,000 sample tweets at 1,000 tweets/s (in the background)'
SELECT setting AS bindir FROM pg_catalog.pg_config WHERE name = 'BINDIR' \gset
\setenv PGHOST :HOST
\setenv PGPORT :PORT
\setenv PGDATABASE :DBNAME
\setenv PGUSER :USER
\setenv TWEETLDA_BINDIR :bindir
\setenv TWEETLDA_SAMPLE :sample
\! "$TWEETLDA_BINDIR/tweetlda-ingest" -q -f csv --rate 1000 --batch-size 200 "$TWEETLDA_SAMPLE" &

\echo '== Live counts, every second: landed, scored, queued, lag, and scores per sentiment'
SELECT pg_sleep(1) AS slept \gset
-- (psql's \watch runs forever in PostgreSQL 15: six ticks by hand)
\set tick 'SELECT to_char(clock_timestamp(), ''HH24:MI:SS'') AS time, (SELECT count(*) FROM tweetlda.tweets) AS landed, s.rows_scored AS scored, s.pending AS queued, s.lag, (SELECT string_agg(sentiment || '' '' || n, '', '' ORDER BY sentiment) FROM (SELECT sentiment, count(*) AS n FROM tweetlda.tweet_scores GROUP BY 1) c) AS by_sentiment FROM tweetlda.stream_status() s;'
:tick
SELECT pg_sleep(1) AS slept \gset
:tick
SELECT pg_sleep(1) AS slept \gset
:tick
SELECT pg_sleep(1) AS slept \gset
:tick
SELECT pg_sleep(1) AS slept \gset
:tick
-- wait until the replay is landed and scored (at most 30 s)
DO $$
BEGIN
    FOR i IN 1 .. 300 LOOP
        EXIT WHEN (SELECT count(*) FROM tweetlda.tweets) >= 4000
              AND NOT EXISTS (SELECT 1 FROM tweetlda.pending);
        PERFORM pg_sleep(0.1);
    END LOOP;
END
$$;
:tick

\echo '== Live counts per topic and sentiment (tweetlda.topic_sentiment, wide by label)'
SELECT topic,
       sum(tweets) FILTER (WHERE sentiment = 'positive') AS positive,
       sum(tweets) FILTER (WHERE sentiment = 'neutral') AS neutral,
       sum(tweets) FILTER (WHERE sentiment = 'negative') AS negative
FROM tweetlda.topic_sentiment GROUP BY topic ORDER BY topic;

\echo '== The worker'
SELECT running, batches, rows_scored, pending, last_batch_rows, last_batch_ms, last_error
FROM tweetlda.stream_status();

\echo '== Analysis 1: sample tweets with topic_1..topic_k and sentiment (the wide view for BI tools)'
SELECT tweetlda.create_wide_view('public.scored_tweets_wide') AS wide_view;
SELECT tweet_id, round(topic_1::numeric, 2) AS topic_1, round(topic_2::numeric, 2) AS topic_2,
       round(topic_3::numeric, 2) AS topic_3, round(topic_4::numeric, 2) AS topic_4,
       round(topic_5::numeric, 2) AS topic_5, sentiment,
       left(regexp_replace(text, '\s+', ' ', 'g'), 50) AS tweet
FROM public.scored_tweets_wide ORDER BY tweet_id LIMIT 8;

\echo '== Analysis 2: tweets per topic (tweetlda.topic_summary)'
SELECT topic, label, tweets, round(share::numeric, 3) AS share, round(avg_polarity::numeric, 3) AS avg_polarity,
       array_to_string(top_terms[1:6], ' ') AS top_words
FROM tweetlda.topic_summary ORDER BY topic;

\echo '== Analysis 3: tweets per topic by sentiment (tweetlda.topic_sentiment)'
SELECT topic, sentiment, tweets FROM tweetlda.topic_sentiment ORDER BY topic, sentiment;

SELECT tweetlda.stop_stream() AS worker_stopping;
