-- tweetlda install script, part 70: analysis views over the scored tweets, for psql and BI tools,
-- and the read-only dashboard role that sees them and nothing else.
-- Topics are numbered from 1 (the index in the topic distribution array). Every view shows the
-- scores of one model, the serving model (tweetlda.serving_model(): the active model, except
-- while a newly activated model rescores the recent window, see doc/lifecycle.md).

-- Every scored tweet: time, text, processed tokens, topic distribution and sentiment.
CREATE VIEW tweetlda.scored_tweets AS
SELECT s.tweet_id, s.created_at, t.lang, t.author, t.text,
       tweetlda.tokenize(t.text, m.params -> 'text_config') AS tokens,
       s.topics, s.top_topic, s.polarity, s.subjectivity, s.sentiment,
       s.model_id, s.scored_at
FROM tweetlda.tweet_scores s
JOIN tweetlda.tweet_ids i ON i.id = s.tweet_id
JOIN tweetlda.tweets t ON t.id = i.id AND t.received_at = i.received_at
LEFT JOIN tweetlda.models m ON m.id = s.model_id
WHERE s.model_id = (SELECT tweetlda.serving_model());
COMMENT ON VIEW tweetlda.scored_tweets IS
    'scored tweets still landed (scores of the serving model): time, text, tokens (as the model saw them), topics and sentiment';

-- Long form of the topic distributions: one row per tweet and topic.
CREATE VIEW tweetlda.tweet_topics AS
SELECT s.tweet_id, w.topic::integer AS topic, w.weight, s.model_id
FROM tweetlda.tweet_scores s
CROSS JOIN LATERAL unnest(s.topics) WITH ORDINALITY AS w(weight, topic)
WHERE s.model_id = (SELECT tweetlda.serving_model());
COMMENT ON VIEW tweetlda.tweet_topics IS
    'topic weights of every scored tweet (serving model), one row per topic';

-- One row per topic of the serving model: top words (by relevance), tweets, share and sentiment,
-- and a last row with topic NULL ('no topic') for the scored tweets without a known word, so that
-- the tweets add up to the scored tweets; label is the topic's name when set, else its label.
CREATE VIEW tweetlda.topic_summary AS
WITH m AS (SELECT id, model FROM tweetlda.models WHERE id = (SELECT tweetlda.serving_model())),
terms AS (
    SELECT tt.topic, array_agg(tt.word ORDER BY tt.rank) AS top_terms,
           string_agg(tt.word, ' · ' ORDER BY tt.rank) FILTER (WHERE tt.rank <= 3) AS label
    FROM m CROSS JOIN LATERAL tweetlda.topic_terms(m.model, 10) tt
    GROUP BY tt.topic
    UNION ALL
    SELECT NULL, NULL, 'no topic' FROM m),
counts AS (
    SELECT s.top_topic AS topic, count(*) AS tweets, avg(s.polarity) AS avg_polarity,
           count(*) FILTER (WHERE s.sentiment = 'positive') AS positive,
           count(*) FILTER (WHERE s.sentiment = 'neutral') AS neutral,
           count(*) FILTER (WHERE s.sentiment = 'negative') AS negative
    FROM tweetlda.tweet_scores s JOIN m ON s.model_id = m.id
    GROUP BY s.top_topic)
SELECT terms.topic, terms.top_terms,
       coalesce(c.tweets, 0) AS tweets,
       coalesce(c.tweets::double precision / nullif(sum(c.tweets) OVER (), 0), 0) AS share,
       c.avg_polarity,
       coalesce(c.positive, 0) AS positive,
       coalesce(c.neutral, 0) AS neutral,
       coalesce(c.negative, 0) AS negative,
       coalesce(n.name, terms.label) AS label
FROM terms
LEFT JOIN counts c ON c.topic IS NOT DISTINCT FROM terms.topic
LEFT JOIN tweetlda.topic_names n ON n.model_id = (SELECT id FROM m) AND n.topic = terms.topic;
COMMENT ON VIEW tweetlda.topic_summary IS
    'per topic of the serving model (topic NULL: no known word): top words, tweets, share, average polarity, label counts, label';

-- Topic labels of the serving model (name when set, else the three most relevant words), with
-- the row (NULL, 'no topic') for tweets without a known word.
CREATE VIEW tweetlda.topic_labels AS
WITH m AS (SELECT id, model FROM tweetlda.models WHERE id = (SELECT tweetlda.serving_model()))
SELECT tt.topic, coalesce(n.name, string_agg(tt.word, ' · ' ORDER BY tt.rank)) AS label
FROM m CROSS JOIN LATERAL tweetlda.topic_terms(m.model, 3) tt
LEFT JOIN tweetlda.topic_names n ON n.model_id = m.id AND n.topic = tt.topic
GROUP BY tt.topic, n.name
UNION ALL
SELECT NULL, 'no topic' FROM m;
COMMENT ON VIEW tweetlda.topic_labels IS
    'label of every topic of the serving model (its name when set), and (NULL, no topic)';

-- Tweets per topic of the serving model and sentiment label (every combination, zeros included;
-- topic NULL: the tweets without a known word).
CREATE VIEW tweetlda.topic_sentiment AS
WITH m AS (SELECT id, k FROM tweetlda.models WHERE id = (SELECT tweetlda.serving_model())),
topics AS (SELECT g.topic FROM m CROSS JOIN LATERAL generate_series(1, m.k) AS g(topic)
           UNION ALL SELECT NULL FROM m),
counts AS (
    SELECT s.top_topic AS topic, s.sentiment, count(*) AS tweets
    FROM tweetlda.tweet_scores s JOIN m ON s.model_id = m.id
    GROUP BY 1, 2)
SELECT topics.topic, l.sentiment, coalesce(c.tweets, 0) AS tweets, tl.label
FROM topics
CROSS JOIN (VALUES ('positive'), ('neutral'), ('negative')) AS l(sentiment)
LEFT JOIN counts c ON c.topic IS NOT DISTINCT FROM topics.topic AND c.sentiment = l.sentiment
LEFT JOIN tweetlda.topic_labels tl ON tl.topic IS NOT DISTINCT FROM topics.topic;
COMMENT ON VIEW tweetlda.topic_sentiment IS
    'tweets per topic of the serving model (topic NULL: no known word) and sentiment label';

-- Tweets and average polarity per hour (of the tweets' time) and topic of the serving model
-- (topic NULL: the tweets without a known word).  A condition on bucket (WHERE bucket >= now() -
-- interval '24 hours') is answered from the index tweet_scores_timeline_idx.
CREATE VIEW tweetlda.topic_timeline AS
WITH labels AS MATERIALIZED (SELECT l.topic, l.label FROM tweetlda.topic_labels l)
SELECT g.bucket, g.topic, g.tweets, g.avg_polarity,
       (SELECT l.label FROM labels l WHERE l.topic IS NOT DISTINCT FROM g.topic) AS label
FROM (SELECT pg_catalog.date_bin('1 hour'::interval, s.created_at,
                                 '2000-01-01 00:00:00+00'::timestamptz) AS bucket,
             s.top_topic AS topic, count(*) AS tweets, avg(s.polarity) AS avg_polarity
      FROM tweetlda.tweet_scores s
      WHERE s.model_id = (SELECT tweetlda.serving_model())
      GROUP BY 1, 2) AS g;
COMMENT ON VIEW tweetlda.topic_timeline IS
    'tweets and average polarity per hour and topic of the serving model (topic NULL: no known word)';

-- The wide views made by create_wide_view(): activation re-creates them when the number of
-- topic columns has to change (they read the serving model's id at query time).
CREATE TABLE tweetlda.wide_views (
    view_name text PRIMARY KEY,
    topics integer NOT NULL,
    created_at timestamptz NOT NULL DEFAULT pg_catalog.now()
);
COMMENT ON TABLE tweetlda.wide_views IS
    'views made by tweetlda.create_wide_view() (qualified name, topic columns), kept in step by activate()';
SELECT pg_catalog.pg_extension_config_dump('tweetlda.wide_views', '');

-- The topic columns a wide view needs: the most topics of the serving and the active model (so
-- that the view fits the model it shows now and the one it will show after the rescoring).
CREATE FUNCTION tweetlda.wide_view_topics() RETURNS integer
    LANGUAGE sql STABLE PARALLEL SAFE
    SET search_path = pg_catalog, pg_temp
    RETURN (SELECT max(m.k) FROM tweetlda.models m
            WHERE m.active OR m.id = tweetlda.serving_model());

-- (Re)create the wide view target (a quoted qualified name) with k topic columns and record it.
CREATE FUNCTION tweetlda.wide_view_build(target text, k integer) RETURNS void
    LANGUAGE plpgsql VOLATILE STRICT PARALLEL UNSAFE
    SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    cols text;
BEGIN
    SELECT string_agg(format('s.topics[%s] AS topic_%s', i, i), ', ' ORDER BY i) INTO cols
    FROM generate_series(1, k) AS i;
    IF to_regclass(target) IS NOT NULL THEN
        EXECUTE format('DROP VIEW %s', target);
    END IF;
    EXECUTE format('CREATE VIEW %s AS SELECT s.tweet_id, s.created_at, t.text, s.top_topic, %s, '
                   's.polarity, s.subjectivity, s.sentiment, s.model_id '
                   'FROM tweetlda.tweet_scores s '
                   'JOIN tweetlda.tweet_ids i ON i.id = s.tweet_id '
                   'JOIN tweetlda.tweets t ON t.id = i.id AND t.received_at = i.received_at '
                   'WHERE s.model_id = (SELECT tweetlda.serving_model())', target, cols);
    EXECUTE format('COMMENT ON VIEW %s IS %L', target,
                   format('scored tweets of the serving tweetlda model, one column per topic (%s)', k));
    EXECUTE format('GRANT SELECT ON %s TO tweetlda_dashboard', target);
    INSERT INTO tweetlda.wide_views AS w (view_name, topics) VALUES (target, k)
    ON CONFLICT (view_name) DO UPDATE SET topics = excluded.topics, created_at = excluded.created_at;
END
$$;

-- The wide form BI tools like: (re)create a view with one column per topic (topic_1 ...
-- topic_k) of the scores of the serving model, readable by the dashboard role; returns its
-- qualified name. It follows activations by itself. An unqualified name is put in schema public.
CREATE FUNCTION tweetlda.create_wide_view(view_name text DEFAULT 'public.scored_tweets_wide')
    RETURNS text
    LANGUAGE plpgsql VOLATILE CALLED ON NULL INPUT PARALLEL UNSAFE
    SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    k integer;
    target text;
    parts text[] := parse_ident(view_name);
BEGIN
    IF view_name IS NULL THEN
        RAISE EXCEPTION 'the view name of tweetlda.create_wide_view() must not be NULL'
            USING ERRCODE = 'null_value_not_allowed',
                  HINT = 'Call it without an argument for public.scored_tweets_wide.';
    END IF;
    k := tweetlda.wide_view_topics();
    IF k IS NULL THEN
        RAISE EXCEPTION 'no active model'
            USING ERRCODE = 'object_not_in_prerequisite_state',
                  HINT = 'Activate a model with tweetlda.activate() first.';
    END IF;
    IF cardinality(parts) NOT IN (1, 2) THEN
        RAISE EXCEPTION 'invalid view name: "%"', view_name
            USING ERRCODE = 'invalid_parameter_value',
                  HINT = 'Pass a view name, optionally schema-qualified.';
    END IF;
    -- an unqualified name goes to schema public (the function runs with a fixed search_path)
    target := quote_ident(CASE cardinality(parts) WHEN 2 THEN parts[1] ELSE 'public' END) || '.'
              || quote_ident(parts[cardinality(parts)]);
    PERFORM tweetlda.wide_view_build(target, k);
    RETURN target;
END
$$;
REVOKE ALL ON FUNCTION tweetlda.create_wide_view(text) FROM PUBLIC;

-- Re-create the registered wide views whose topic columns no longer fit (activate() calls it);
-- a view dropped by hand is forgotten, one that cannot be re-created is reported and kept.
CREATE FUNCTION tweetlda.refresh_wide_views() RETURNS integer
    LANGUAGE plpgsql VOLATILE STRICT PARALLEL UNSAFE
    SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    k integer := tweetlda.wide_view_topics();
    v record;
    rebuilt integer := 0;
BEGIN
    IF k IS NULL THEN
        RETURN 0;
    END IF;
    FOR v IN SELECT w.view_name, w.topics FROM tweetlda.wide_views w ORDER BY w.view_name LOOP
        IF to_regclass(v.view_name) IS NULL THEN
            DELETE FROM tweetlda.wide_views w WHERE w.view_name = v.view_name;
        ELSIF v.topics <> k THEN
            BEGIN
                PERFORM tweetlda.wide_view_build(v.view_name, k);
                rebuilt := rebuilt + 1;
            EXCEPTION WHEN OTHERS THEN
                RAISE WARNING 'tweetlda: could not re-create the wide view %: %', v.view_name, SQLERRM
                    USING HINT = 'Call tweetlda.create_wide_view() for it.';
            END;
        END IF;
    END LOOP;
    RETURN rebuilt;
END
$$;
REVOKE ALL ON FUNCTION tweetlda.wide_view_build(text, integer), tweetlda.refresh_wide_views()
    FROM PUBLIC;

-- The read-only dashboard role: it sees the analysis views and nothing else. Roles belong to
-- the cluster, so it is created once and kept by DROP EXTENSION; grant it to login roles.
DO $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_catalog.pg_roles WHERE rolname = 'tweetlda_dashboard') THEN
        CREATE ROLE tweetlda_dashboard NOLOGIN;
    END IF;
END
$$;
GRANT USAGE ON SCHEMA tweetlda TO tweetlda_dashboard;
GRANT SELECT ON tweetlda.scored_tweets, tweetlda.tweet_topics, tweetlda.topic_summary,
    tweetlda.topic_sentiment, tweetlda.topic_timeline, tweetlda.topic_labels TO tweetlda_dashboard;
