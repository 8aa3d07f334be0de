-- Analysis views over the scored tweets, the wide form, and the read-only dashboard role.
SET client_min_messages = warning;  -- training notices hold timings
CREATE EXTENSION IF NOT EXISTS tweetlda;
\set VERBOSITY default
CREATE TABLE views_sample (corpus text, tweet_id bigint, created_at timestamptz, lang text,
                           text text, source_ref text);
\copy views_sample FROM 'data/sample/tweets_sample.csv' WITH (FORMAT csv, HEADER true)
SELECT tweetlda.train('stream_views', 'SELECT text FROM views_sample', k => 5) > 0 AS trained;
SELECT tweetlda.activate('stream_views') > 0 AS activated;
SELECT (tweetlda.ingest_batch(ARRAY(
    SELECT jsonb_build_object('id', tweet_id, 'text', text, 'created_at', created_at)::text
    FROM views_sample ORDER BY tweet_id LIMIT 600))).ingested > 0 AS ingested;
SELECT tweetlda.rescore() >= 0 AS requeued;
CALL tweetlda.process_all_pending();
CREATE TEMP VIEW active_scores AS
    SELECT s.* FROM tweetlda.tweet_scores s WHERE s.model_id = tweetlda.active_model();

-- scored_tweets: every scored tweet with its text and the tokens the model saw.
SELECT (SELECT count(*) FROM tweetlda.scored_tweets) = (SELECT count(*) FROM active_scores)
       AS all_scored_tweets;
SELECT bool_and(st.tokens = tweetlda.tokenize(st.text, m.params -> 'text_config')) AS model_tokens,
       bool_and(st.text IS NOT NULL) AS texts
FROM tweetlda.scored_tweets st JOIN tweetlda.models m ON m.id = st.model_id;

-- tweet_topics: the long form, one row per tweet and topic; weights sum to 1.
SELECT (SELECT count(*) FROM tweetlda.tweet_topics)
     = (SELECT sum(cardinality(topics)) FROM active_scores) AS one_row_per_weight;
SELECT bool_and(abs(total - 1) < 1e-4) AS sums_to_one, min(topics) AS first_topic,
       max(topics) AS last_topic
FROM (SELECT tt.tweet_id, sum(tt.weight) AS total, count(*) AS topics
      FROM tweetlda.tweet_topics tt JOIN active_scores s USING (tweet_id)
      GROUP BY tt.tweet_id) t;

-- Some scored tweets have no known word (no topic): the views account for them too.
SELECT count(*) FILTER (WHERE top_topic IS NULL) > 0 AS some_without_topic,
       count(*) FILTER (WHERE top_topic IS NOT NULL) > 0 AS some_with_topic
FROM active_scores;

-- topic_summary: one row per topic of the active model and one (topic NULL, 'no topic') for
-- the tweets without a known word; the tweets add up to the scored tweets.
SELECT count(*) AS rows, count(topic) AS topics, min(topic) AS first, max(topic) AS last,
       sum(tweets) = (SELECT count(*) FROM active_scores) AS all_counted,
       abs(sum(share) - 1) < 1e-9 AS shares_sum_to_one,
       bool_and(positive + neutral + negative = tweets) AS labels_add_up,
       bool_and(cardinality(top_terms) = 10) FILTER (WHERE topic IS NOT NULL) AS ten_terms,
       bool_and(label LIKE '% · % · %') FILTER (WHERE topic IS NOT NULL) AS three_word_labels,
       max(label) FILTER (WHERE topic IS NULL) AS no_topic_label,
       max(tweets) FILTER (WHERE topic IS NULL) = (SELECT count(*) FROM active_scores WHERE top_topic IS NULL)
           AS no_topic_tweets
FROM tweetlda.topic_summary;
-- (sums of doubles depend on the order the plan adds them in: equal within rounding)
SELECT bool_and(coalesce(abs(ts.avg_polarity -
                (SELECT avg(s.polarity) FROM active_scores s WHERE s.top_topic IS NOT DISTINCT FROM ts.topic))
                < 1e-12, ts.tweets = 0)) AS avg_polarity
FROM tweetlda.topic_summary ts;
-- the labels are the topics' three most relevant words
SELECT bool_and(ts.label = tweetlda.topic_label(tweetlda.active_model(), ts.topic)) AS labels_match
FROM tweetlda.topic_summary ts WHERE ts.topic IS NOT NULL;

-- topic_sentiment: tweets per topic (and no topic) and label, every combination.
SELECT count(*) AS rows, count(DISTINCT topic) AS topics, count(*) FILTER (WHERE topic IS NULL) AS no_topic_rows,
       array_agg(DISTINCT sentiment ORDER BY sentiment) AS labels,
       sum(tweets) = (SELECT count(*) FROM active_scores) AS all_counted
FROM tweetlda.topic_sentiment;
SELECT bool_and(ts.positive = p.tweets) AS matches_summary, bool_and(ts.label = p.label) AS same_label
FROM tweetlda.topic_summary ts
JOIN tweetlda.topic_sentiment p ON p.topic IS NOT DISTINCT FROM ts.topic AND p.sentiment = 'positive';

-- Users name topics: the views show the name instead of the label.
INSERT INTO tweetlda.topic_names VALUES (tweetlda.active_model(), 2, 'Boston');
SELECT topic, label FROM tweetlda.topic_summary WHERE topic = 2 OR topic IS NULL ORDER BY topic;
SELECT DISTINCT label FROM tweetlda.topic_sentiment WHERE topic = 2;
SELECT tweetlda.topic_label(tweetlda.active_model(), 2) AS named,
       tweetlda.topic_label('stream_views', 2) AS named_by_name;
\set VERBOSITY terse
INSERT INTO tweetlda.topic_names VALUES (tweetlda.active_model(), 3, '  ');
\set VERBOSITY default
DELETE FROM tweetlda.topic_names;

-- topic_timeline: hourly buckets; a condition on bucket uses the timeline index.
SELECT sum(tweets) = (SELECT count(*) FROM active_scores) AS all_counted,
       count(*) FILTER (WHERE topic IS NULL) > 0 AS no_topic_rows,
       bool_and(date_trunc('hour', bucket AT TIME ZONE 'UTC') = bucket AT TIME ZONE 'UTC') AS hourly
FROM tweetlda.topic_timeline;
SELECT count(*) AS last_day FROM tweetlda.topic_timeline
WHERE bucket >= now() - interval '24 hours';
-- (with statistics: tweet_scores has an index on (model_id, tweet_id) too)
ANALYZE tweetlda.tweet_scores;
-- the plan reads the scores through the timeline index, not by a scan of the table (the rest
-- of the plan depends on the statistics of the small tables)
CREATE FUNCTION pg_temp.plan_lines(q text) RETURNS SETOF text LANGUAGE plpgsql AS $$
DECLARE
    l text;
BEGIN
    FOR l IN EXECUTE 'EXPLAIN (COSTS OFF) ' || q LOOP
        RETURN NEXT l;
    END LOOP;
END $$;
SET enable_seqscan = off;
SELECT count(*) FILTER (WHERE l ~ 'Scan (using|on) tweet_scores_timeline_idx') > 0 AS timeline_index,
       count(*) FILTER (WHERE l ~ 'Seq Scan on tweet_scores') = 0 AS no_table_scan
FROM pg_temp.plan_lines($$SELECT * FROM tweetlda.topic_timeline WHERE bucket >= now() - interval '24 hours'$$) l;
RESET enable_seqscan;

-- The wide form: one column per topic of the active model.
SELECT tweetlda.create_wide_view('stream_wide');
SELECT string_agg(attname, ',' ORDER BY attnum) AS columns
FROM pg_attribute WHERE attrelid = 'stream_wide'::regclass AND attnum > 0;
SELECT bool_and(ARRAY[topic_1, topic_2, topic_3, topic_4, topic_5] = s.topics) AS same_weights,
       count(*) = (SELECT count(*) FROM active_scores) AS all_rows
FROM stream_wide w JOIN active_scores s USING (tweet_id);
SELECT tweetlda.create_wide_view('a.b.c');
SELECT tweetlda.create_wide_view(NULL);

-- The dashboard role sees the views and nothing else (beyond what every role may read).
CREATE ROLE stream_dash LOGIN IN ROLE tweetlda_dashboard;
SELECT c.relname, c.relkind
FROM pg_class c
WHERE c.relnamespace = 'tweetlda'::regnamespace
  AND has_table_privilege('stream_dash', c.oid, 'SELECT')
  AND NOT has_table_privilege('public', c.oid, 'SELECT')
ORDER BY 1;
SELECT count(*) AS data_tables_for_everyone FROM pg_class c
WHERE c.oid IN ('tweetlda.tweets'::regclass, 'tweetlda.tweet_ids'::regclass,
                'tweetlda.tweet_scores'::regclass, 'tweetlda.pending'::regclass,
                'tweetlda.rejected'::regclass, 'tweetlda.models'::regclass,
                'tweetlda.stream_state'::regclass)
  AND has_table_privilege('public', c.oid, 'SELECT');
SELECT count(*) AS writable FROM pg_class c
WHERE c.relnamespace = 'tweetlda'::regnamespace
  AND (has_table_privilege('stream_dash', c.oid, 'INSERT')
       OR has_table_privilege('stream_dash', c.oid, 'UPDATE')
       OR has_table_privilege('stream_dash', c.oid, 'DELETE')
       OR has_table_privilege('stream_dash', c.oid, 'TRUNCATE'));
SET ROLE stream_dash;
SELECT (SELECT count(*) FROM tweetlda.scored_tweets) > 0 AS scored_tweets,
       (SELECT count(*) FROM tweetlda.tweet_topics) > 0 AS tweet_topics,
       (SELECT count(*) FROM tweetlda.topic_summary) = 6 AS topic_summary,
       (SELECT count(*) FROM tweetlda.topic_sentiment) = 18 AS topic_sentiment,
       (SELECT count(*) FROM tweetlda.topic_labels) = 6 AS topic_labels,
       (SELECT count(*) FROM tweetlda.topic_timeline) > 0 AS topic_timeline,
       (SELECT count(*) FROM stream_wide) > 0 AS wide;
SELECT count(*) FROM tweetlda.tweets;
SELECT count(*) FROM tweetlda.tweet_scores;
SELECT count(*) FROM tweetlda.rejected;
SELECT count(*) FROM tweetlda.models;
SELECT count(*) FROM tweetlda.stream_state;
SELECT * FROM tweetlda.stream_status();
SELECT tweetlda.process_pending();
SELECT tweetlda.ingest('{"id": 5, "text": "x"}');
DELETE FROM tweetlda.pending;
RESET ROLE;
DROP VIEW stream_wide;
DROP ROLE stream_dash;
