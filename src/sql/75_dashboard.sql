-- tweetlda install script, part 75: the hourly score rollup and the BI schema tweetlda_bi.
--
-- tweetlda.score_rollup holds, per model, hour of the tweet's time, top topic and sentiment
-- label, the number of scored tweets and the sum of their polarities. Statement-level triggers
-- on tweetlda.tweet_scores keep it in step in the scoring transaction (an insert adds, an update
-- moves, a delete subtracts), so counts over any time range read a few thousand rollup rows
-- instead of millions of scores: the dashboard and BI tools stay fast on big tables.
--
-- Schema tweetlda_bi holds views and nothing else, all readable by tweetlda_dashboard, with plain
-- scalar columns and a comment on every view and column: a BI tool connected as a dashboard
-- login and pointed at it lists exactly what it can open. Topic labels come from one view,
-- tweetlda_bi.topic_labels; every other view joins it.

-- ---- the rollup ----

CREATE TABLE tweetlda.score_rollup (
    model_id integer NOT NULL,
    bucket timestamptz,
    topic integer,
    sentiment text NOT NULL,
    tweets bigint NOT NULL,
    polarity_sum double precision NOT NULL,
    CONSTRAINT score_rollup_key UNIQUE NULLS NOT DISTINCT (model_id, bucket, topic, sentiment)
);
COMMENT ON TABLE tweetlda.score_rollup IS
    'scored tweets and polarity sums per model, hour of the tweet''s time, top topic and sentiment label (kept by triggers on tweet_scores)';
-- Not saved by pg_dump: restoring tweet_scores fires the triggers, which rebuild it.

-- Add (sign 1) or subtract (sign -1) the rows of a transition table to the rollup; keys in
-- order, so that concurrent scoring transactions lock rollup rows in the same order.
CREATE FUNCTION tweetlda.score_rollup_apply() RETURNS trigger
    LANGUAGE plpgsql VOLATILE PARALLEL UNSAFE
    SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    IF TG_OP IN ('UPDATE', 'DELETE') THEN
        INSERT INTO tweetlda.score_rollup AS r
            (model_id, bucket, topic, sentiment, tweets, polarity_sum)
        SELECT o.model_id, date_bin('1 hour'::interval, o.created_at,
                                    '2000-01-01 00:00:00+00'::timestamptz),
               o.top_topic, o.sentiment, -count(*), -sum(o.polarity)
        FROM score_rollup_old o
        GROUP BY 1, 2, 3, 4 ORDER BY 1, 2, 3, 4
        ON CONFLICT ON CONSTRAINT score_rollup_key DO UPDATE
            SET tweets = r.tweets + excluded.tweets,
                polarity_sum = r.polarity_sum + excluded.polarity_sum;
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') THEN
        INSERT INTO tweetlda.score_rollup AS r
            (model_id, bucket, topic, sentiment, tweets, polarity_sum)
        SELECT n.model_id, date_bin('1 hour'::interval, n.created_at,
                                    '2000-01-01 00:00:00+00'::timestamptz),
               n.top_topic, n.sentiment, count(*), sum(n.polarity)
        FROM score_rollup_new n
        GROUP BY 1, 2, 3, 4 ORDER BY 1, 2, 3, 4
        ON CONFLICT ON CONSTRAINT score_rollup_key DO UPDATE
            SET tweets = r.tweets + excluded.tweets,
                polarity_sum = r.polarity_sum + excluded.polarity_sum;
    END IF;
    RETURN NULL;
END
$$;

-- TRUNCATE of the scores empties the rollup.
CREATE FUNCTION tweetlda.score_rollup_truncate() RETURNS trigger
    LANGUAGE plpgsql VOLATILE PARALLEL UNSAFE
    SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    DELETE FROM tweetlda.score_rollup;
    RETURN NULL;
END
$$;

CREATE TRIGGER score_rollup_insert AFTER INSERT ON tweetlda.tweet_scores
    REFERENCING NEW TABLE AS score_rollup_new
    FOR EACH STATEMENT EXECUTE FUNCTION tweetlda.score_rollup_apply();
CREATE TRIGGER score_rollup_update AFTER UPDATE ON tweetlda.tweet_scores
    REFERENCING OLD TABLE AS score_rollup_old NEW TABLE AS score_rollup_new
    FOR EACH STATEMENT EXECUTE FUNCTION tweetlda.score_rollup_apply();
CREATE TRIGGER score_rollup_delete AFTER DELETE ON tweetlda.tweet_scores
    REFERENCING OLD TABLE AS score_rollup_old
    FOR EACH STATEMENT EXECUTE FUNCTION tweetlda.score_rollup_apply();
CREATE TRIGGER score_rollup_truncate AFTER TRUNCATE ON tweetlda.tweet_scores
    FOR EACH STATEMENT EXECUTE FUNCTION tweetlda.score_rollup_truncate();

REVOKE ALL ON FUNCTION tweetlda.score_rollup_apply(), tweetlda.score_rollup_truncate() FROM PUBLIC;
-- the stream worker's role writes scores, hence the rollup
-- (DELETE: the rollup rows of a model whose scores were pruned, tweetlda.prune_scores)
GRANT SELECT, INSERT, UPDATE, DELETE ON tweetlda.score_rollup TO tweetlda_stream;

-- The latest scored tweets of a topic or sentiment label, newest first (the dashboard's list).
CREATE INDEX tweet_scores_topic_scored_at_idx ON tweetlda.tweet_scores (top_topic, scored_at);
CREATE INDEX tweet_scores_sentiment_scored_at_idx ON tweetlda.tweet_scores (sentiment, scored_at);

-- ---- the BI schema ----

CREATE SCHEMA tweetlda_bi;
COMMENT ON SCHEMA tweetlda_bi IS
    'tweetlda for BI tools: views only, plain scalar columns, readable by tweetlda_dashboard';

-- The display name of every topic of every model: the one place labels come from (the name
-- given in tweetlda.topic_names, else tweetlda.topic_label: the three most relevant words).
CREATE VIEW tweetlda_bi.topic_labels AS
SELECT m.id AS model_id, m.active, t.topic,
       t.topic::text || ': ' || coalesce(n.name, tweetlda.topic_label(m.model, t.topic)) AS label,
       m.id = (SELECT tweetlda.serving_model()) AS serving
FROM tweetlda.models m
CROSS JOIN LATERAL generate_series(1, m.k) AS t(topic)
LEFT JOIN tweetlda.topic_names n ON n.model_id = m.id AND n.topic = t.topic;
COMMENT ON VIEW tweetlda_bi.topic_labels IS 'the display label of every topic of every model';
COMMENT ON COLUMN tweetlda_bi.topic_labels.model_id IS 'the model (tweetlda_bi.models.model_id)';
COMMENT ON COLUMN tweetlda_bi.topic_labels.active IS 'whether the model is the active one';
COMMENT ON COLUMN tweetlda_bi.topic_labels.topic IS 'topic number, from 1';
COMMENT ON COLUMN tweetlda_bi.topic_labels.label IS 'display label: topic number and its name or top words';
COMMENT ON COLUMN tweetlda_bi.topic_labels.serving IS 'whether the views show this model''s scores now';

-- The models.
CREATE VIEW tweetlda_bi.models AS
SELECT m.id AS model_id, m.name, m.created_at, m.k AS topics, m.active,
       m.params ->> 'weighting' AS weighting,
       (m.params ->> 'alpha')::double precision AS alpha,
       (m.params ->> 'eta')::double precision AS eta,
       (m.params ->> 'seed')::bigint AS seed,
       coalesce((SELECT sum(r.tweets) FROM tweetlda.score_rollup r WHERE r.model_id = m.id), 0)::bigint
           AS tweets_scored,
       m.params::text AS params_json, m.metrics::text AS metrics_json,
       m.id = (SELECT tweetlda.serving_model()) AS serving
FROM tweetlda.models m;
COMMENT ON VIEW tweetlda_bi.models IS 'the topic models: one row per model, with training parameters';
COMMENT ON COLUMN tweetlda_bi.models.model_id IS 'model id';
COMMENT ON COLUMN tweetlda_bi.models.name IS 'model name';
COMMENT ON COLUMN tweetlda_bi.models.created_at IS 'when the model was trained';
COMMENT ON COLUMN tweetlda_bi.models.topics IS 'number of topics (k)';
COMMENT ON COLUMN tweetlda_bi.models.active IS 'whether the stream scores with this model';
COMMENT ON COLUMN tweetlda_bi.models.weighting IS 'term weighting: tfidf or tf';
COMMENT ON COLUMN tweetlda_bi.models.alpha IS 'document-topic prior';
COMMENT ON COLUMN tweetlda_bi.models.eta IS 'topic-word prior';
COMMENT ON COLUMN tweetlda_bi.models.seed IS 'random seed of the training';
COMMENT ON COLUMN tweetlda_bi.models.tweets_scored IS 'tweets with a kept score of this model';
COMMENT ON COLUMN tweetlda_bi.models.params_json IS 'all training parameters, as JSON text';
COMMENT ON COLUMN tweetlda_bi.models.metrics_json IS 'training metrics, as JSON text';
COMMENT ON COLUMN tweetlda_bi.models.serving IS
    'whether the views show this model''s scores now (the active model once its rescoring is done)';

-- The top words of every topic of every model.
CREATE VIEW tweetlda_bi.topic_words AS
SELECT m.id AS model_id, m.name AS model_name, m.active, t.topic, l.label, t.rank,
       t.word, t.weight, m.id = (SELECT tweetlda.serving_model()) AS serving
FROM tweetlda.models m
CROSS JOIN LATERAL tweetlda.topic_terms(m.model, 10) t
LEFT JOIN tweetlda_bi.topic_labels l ON l.model_id = m.id AND l.topic = t.topic;
COMMENT ON VIEW tweetlda_bi.topic_words IS 'the ten top words of every topic of every model';
COMMENT ON COLUMN tweetlda_bi.topic_words.model_id IS 'the model';
COMMENT ON COLUMN tweetlda_bi.topic_words.model_name IS 'the model''s name';
COMMENT ON COLUMN tweetlda_bi.topic_words.active IS 'whether the model is the active one';
COMMENT ON COLUMN tweetlda_bi.topic_words.topic IS 'topic number, from 1';
COMMENT ON COLUMN tweetlda_bi.topic_words.label IS 'the topic''s display label';
COMMENT ON COLUMN tweetlda_bi.topic_words.rank IS 'rank of the word in the topic, from 1';
COMMENT ON COLUMN tweetlda_bi.topic_words.word IS 'the word (a stemmed term of the vocabulary)';
COMMENT ON COLUMN tweetlda_bi.topic_words.weight IS 'probability of the word in the topic';
COMMENT ON COLUMN tweetlda_bi.topic_words.serving IS 'whether the views show this model''s scores now';

-- Hourly counts per topic and sentiment label of the serving model (long form, from the rollup).
CREATE VIEW tweetlda_bi.topic_sentiment_hourly AS
SELECT r.bucket, r.topic, coalesce(l.label, 'no topic') AS label, r.sentiment, r.tweets,
       r.polarity_sum, r.polarity_sum / nullif(r.tweets, 0) AS avg_polarity
FROM tweetlda.score_rollup r
LEFT JOIN tweetlda_bi.topic_labels l ON l.model_id = r.model_id AND l.topic = r.topic
WHERE r.model_id = (SELECT tweetlda.serving_model()) AND r.tweets > 0;
COMMENT ON VIEW tweetlda_bi.topic_sentiment_hourly IS
    'tweets per hour, topic and sentiment label of the serving model (filter on bucket for a time range)';
COMMENT ON COLUMN tweetlda_bi.topic_sentiment_hourly.bucket IS 'start of the hour of the tweets'' time';
COMMENT ON COLUMN tweetlda_bi.topic_sentiment_hourly.topic IS 'top topic, from 1 (NULL: no topic)';
COMMENT ON COLUMN tweetlda_bi.topic_sentiment_hourly.label IS 'the topic''s display label';
COMMENT ON COLUMN tweetlda_bi.topic_sentiment_hourly.sentiment IS 'positive, neutral or negative';
COMMENT ON COLUMN tweetlda_bi.topic_sentiment_hourly.tweets IS 'number of tweets';
COMMENT ON COLUMN tweetlda_bi.topic_sentiment_hourly.polarity_sum IS 'sum of their polarities';
COMMENT ON COLUMN tweetlda_bi.topic_sentiment_hourly.avg_polarity IS 'average polarity, -1 to 1';

-- Tweets and sentiment per hour and topic of the serving model (wide by sentiment label).
CREATE VIEW tweetlda_bi.topic_timeline AS
SELECT h.bucket, h.topic, min(h.label) AS label, sum(h.tweets)::bigint AS tweets,
       sum(h.polarity_sum) / nullif(sum(h.tweets), 0) AS avg_polarity,
       coalesce(sum(h.tweets) FILTER (WHERE h.sentiment = 'positive'), 0)::bigint AS positive,
       coalesce(sum(h.tweets) FILTER (WHERE h.sentiment = 'neutral'), 0)::bigint AS neutral,
       coalesce(sum(h.tweets) FILTER (WHERE h.sentiment = 'negative'), 0)::bigint AS negative
FROM tweetlda_bi.topic_sentiment_hourly h
GROUP BY h.bucket, h.topic;
COMMENT ON VIEW tweetlda_bi.topic_timeline IS
    'tweets per hour and topic of the serving model, with average polarity and label counts';
COMMENT ON COLUMN tweetlda_bi.topic_timeline.bucket IS 'start of the hour of the tweets'' time';
COMMENT ON COLUMN tweetlda_bi.topic_timeline.topic IS 'top topic, from 1 (NULL: no topic)';
COMMENT ON COLUMN tweetlda_bi.topic_timeline.label IS 'the topic''s display label';
COMMENT ON COLUMN tweetlda_bi.topic_timeline.tweets IS 'number of tweets';
COMMENT ON COLUMN tweetlda_bi.topic_timeline.avg_polarity IS 'average polarity, -1 to 1';
COMMENT ON COLUMN tweetlda_bi.topic_timeline.positive IS 'tweets labelled positive';
COMMENT ON COLUMN tweetlda_bi.topic_timeline.neutral IS 'tweets labelled neutral';
COMMENT ON COLUMN tweetlda_bi.topic_timeline.negative IS 'tweets labelled negative';

-- One row per topic of the serving model: label, top words, tweets, share, sentiment (wide).
CREATE VIEW tweetlda_bi.topics AS
WITH counts AS (
    SELECT h.topic, sum(h.tweets) AS tweets, sum(h.polarity_sum) AS polarity_sum,
           sum(h.tweets) FILTER (WHERE h.sentiment = 'positive') AS positive,
           sum(h.tweets) FILTER (WHERE h.sentiment = 'neutral') AS neutral,
           sum(h.tweets) FILTER (WHERE h.sentiment = 'negative') AS negative
    FROM tweetlda_bi.topic_sentiment_hourly h
    GROUP BY h.topic),
words AS (
    SELECT w.topic, string_agg(w.word, ' ' ORDER BY w.rank) AS top_words
    FROM tweetlda_bi.topic_words w WHERE w.serving
    GROUP BY w.topic),
all_topics AS (
    SELECT l.topic, l.label FROM tweetlda_bi.topic_labels l WHERE l.serving
    UNION ALL
    SELECT NULL, 'no topic' WHERE EXISTS (SELECT 1 FROM counts c WHERE c.topic IS NULL))
SELECT a.topic, a.label, w.top_words,
       coalesce(c.tweets, 0)::bigint AS tweets,
       coalesce(c.tweets / nullif(sum(c.tweets) OVER (), 0), 0)::double precision AS share,
       c.polarity_sum / nullif(c.tweets, 0) AS avg_polarity,
       coalesce(c.positive, 0)::bigint AS positive,
       coalesce(c.neutral, 0)::bigint AS neutral,
       coalesce(c.negative, 0)::bigint AS negative
FROM all_topics a
LEFT JOIN words w ON w.topic = a.topic
LEFT JOIN counts c ON c.topic IS NOT DISTINCT FROM a.topic;
COMMENT ON VIEW tweetlda_bi.topics IS
    'one row per topic of the serving model (and "no topic"): label, top words, tweets, share, polarity, label counts';
COMMENT ON COLUMN tweetlda_bi.topics.topic IS 'topic number, from 1 (NULL: tweets with no term of the model)';
COMMENT ON COLUMN tweetlda_bi.topics.label IS 'the topic''s display label';
COMMENT ON COLUMN tweetlda_bi.topics.top_words IS 'the ten top words, space-separated';
COMMENT ON COLUMN tweetlda_bi.topics.tweets IS 'tweets whose top topic this is';
COMMENT ON COLUMN tweetlda_bi.topics.share IS 'share of all scored tweets, 0 to 1';
COMMENT ON COLUMN tweetlda_bi.topics.avg_polarity IS 'average polarity, -1 to 1';
COMMENT ON COLUMN tweetlda_bi.topics.positive IS 'tweets labelled positive';
COMMENT ON COLUMN tweetlda_bi.topics.neutral IS 'tweets labelled neutral';
COMMENT ON COLUMN tweetlda_bi.topics.negative IS 'tweets labelled negative';

-- Tweets per topic of the serving model and sentiment label, every combination (long form).
CREATE VIEW tweetlda_bi.topic_sentiment AS
SELECT t.topic, t.label, s.sentiment,
       CASE s.sentiment WHEN 'positive' THEN t.positive WHEN 'neutral' THEN t.neutral
                        ELSE t.negative END AS tweets
FROM tweetlda_bi.topics t
CROSS JOIN (VALUES ('positive'), ('neutral'), ('negative')) AS s(sentiment);
COMMENT ON VIEW tweetlda_bi.topic_sentiment IS
    'tweets per topic of the serving model and sentiment label (for stacked bars)';
COMMENT ON COLUMN tweetlda_bi.topic_sentiment.topic IS 'topic number, from 1 (NULL: no topic)';
COMMENT ON COLUMN tweetlda_bi.topic_sentiment.label IS 'the topic''s display label';
COMMENT ON COLUMN tweetlda_bi.topic_sentiment.sentiment IS 'positive, neutral or negative';
COMMENT ON COLUMN tweetlda_bi.topic_sentiment.tweets IS 'number of tweets';

-- Every scored tweet with its top topic and sentiment.  The tweet is looked up per score row
-- (OFFSET 0 keeps the lateral subquery a parameterized lookup: tweet_ids' key, then one
-- partition's key), and so is the label, so that "the latest n" reads n rows from the index on
-- scored_at instead of joining every tweet.
CREATE VIEW tweetlda_bi.scored_tweets AS
SELECT s.tweet_id, s.created_at, s.scored_at, t.lang, t.author, t.text, s.model_id,
       s.top_topic AS topic,
       coalesce((SELECT l.label FROM tweetlda_bi.topic_labels l
                 WHERE l.model_id = s.model_id AND l.topic = s.top_topic), 'no topic') AS label,
       s.topics[s.top_topic]::double precision AS topic_weight,
       s.polarity, s.subjectivity, s.sentiment
FROM tweetlda.tweet_scores s
CROSS JOIN LATERAL (
    SELECT tw.lang, tw.author, tw.text
    FROM tweetlda.tweet_ids i
    JOIN tweetlda.tweets tw ON tw.id = i.id AND tw.received_at = i.received_at
    WHERE i.id = s.tweet_id
    OFFSET 0) t
WHERE s.model_id = (SELECT tweetlda.serving_model());
COMMENT ON VIEW tweetlda_bi.scored_tweets IS 'scored tweets still landed, with top topic and sentiment';
COMMENT ON COLUMN tweetlda_bi.scored_tweets.tweet_id IS 'tweet id';
COMMENT ON COLUMN tweetlda_bi.scored_tweets.created_at IS 'the tweet''s time (else when it landed)';
COMMENT ON COLUMN tweetlda_bi.scored_tweets.scored_at IS 'when it was scored';
COMMENT ON COLUMN tweetlda_bi.scored_tweets.lang IS 'language code';
COMMENT ON COLUMN tweetlda_bi.scored_tweets.author IS 'author';
COMMENT ON COLUMN tweetlda_bi.scored_tweets.text IS 'the tweet''s text';
COMMENT ON COLUMN tweetlda_bi.scored_tweets.model_id IS 'the model that scored it';
COMMENT ON COLUMN tweetlda_bi.scored_tweets.topic IS 'top topic, from 1 (NULL: no term of the model)';
COMMENT ON COLUMN tweetlda_bi.scored_tweets.label IS 'the top topic''s display label';
COMMENT ON COLUMN tweetlda_bi.scored_tweets.topic_weight IS 'weight of the top topic, 0 to 1';
COMMENT ON COLUMN tweetlda_bi.scored_tweets.polarity IS 'polarity, -1 to 1';
COMMENT ON COLUMN tweetlda_bi.scored_tweets.subjectivity IS 'subjectivity, 0 to 1';
COMMENT ON COLUMN tweetlda_bi.scored_tweets.sentiment IS 'positive, neutral or negative';

-- The topic mix of every scored tweet (long form: one row per tweet and topic).
CREATE VIEW tweetlda_bi.tweet_topics AS
SELECT s.tweet_id, s.created_at, s.model_id, w.topic::integer AS topic, l.label,
       w.weight::double precision AS weight
FROM tweetlda.tweet_scores s
CROSS JOIN LATERAL unnest(s.topics) WITH ORDINALITY AS w(weight, topic)
LEFT JOIN tweetlda_bi.topic_labels l ON l.model_id = s.model_id AND l.topic = w.topic
WHERE s.model_id = (SELECT tweetlda.serving_model());
COMMENT ON VIEW tweetlda_bi.tweet_topics IS 'the topic weights of every scored tweet, one row per topic';
COMMENT ON COLUMN tweetlda_bi.tweet_topics.tweet_id IS 'tweet id';
COMMENT ON COLUMN tweetlda_bi.tweet_topics.created_at IS 'the tweet''s time';
COMMENT ON COLUMN tweetlda_bi.tweet_topics.model_id IS 'the model that scored it';
COMMENT ON COLUMN tweetlda_bi.tweet_topics.topic IS 'topic number, from 1';
COMMENT ON COLUMN tweetlda_bi.tweet_topics.label IS 'the topic''s display label';
COMMENT ON COLUMN tweetlda_bi.tweet_topics.weight IS 'weight of the topic in the tweet, 0 to 1';

-- tweetlda_bi.stream_status reads the drift checks: it is created after them, in
-- src/sql/85_dashboard_status.sql.

GRANT USAGE ON SCHEMA tweetlda_bi TO tweetlda_dashboard;
GRANT SELECT ON ALL TABLES IN SCHEMA tweetlda_bi TO tweetlda_dashboard;
