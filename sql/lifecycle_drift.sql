-- Drift checks (doc/lifecycle.md, "Drift"): bad input, NULLs, no active model, the empty window,
-- the thresholds table, a model trained on part of the sample against tweets of the same events
-- and of other events, models without a training baseline, history, and scheduling without
-- pg_cron.
SET client_min_messages = warning;
CREATE EXTENSION IF NOT EXISTS tweetlda;
CREATE TABLE drift_tweets (corpus text, tweet_id bigint, created_at timestamptz, lang text,
                           text text, source_ref text);
\copy drift_tweets FROM 'data/sample/tweets_sample.csv' WITH (FORMAT csv, HEADER true)
-- the training distribution: four US events, a third of them held back for the stream; the
-- shifted stream: the Queensland and Alberta floods
CREATE VIEW drift_us AS SELECT * FROM drift_tweets
    WHERE source_ref ~ '(Sandy|Oklahoma|Boston|West_Texas)';
CREATE VIEW drift_floods AS SELECT * FROM drift_tweets WHERE source_ref ~ '(Queensland|Alberta)';
-- land tweets as the stream receives them (minimal objects, received now) and score them
CREATE FUNCTION drift_land(q text) RETURNS integer LANGUAGE plpgsql AS $$
BEGIN
    TRUNCATE tweetlda.tweets, tweetlda.tweet_ids, tweetlda.tweet_scores, tweetlda.pending;
    EXECUTE format('INSERT INTO tweetlda.ingest_staging (raw) '
                   'SELECT jsonb_build_object(''id'', tweet_id, ''text'', text)::text FROM (%s) q', q);
    RETURN tweetlda.process_pending(100000);
END $$;
-- the SQLSTATE, message and hint of the error a statement raises
CREATE FUNCTION drift_error(q text) RETURNS text LANGUAGE plpgsql AS $$
DECLARE
    state text;
    msg text;
    hint text;
BEGIN
    EXECUTE q;
    RETURN 'no error';
EXCEPTION WHEN OTHERS THEN
    GET STACKED DIAGNOSTICS state = RETURNED_SQLSTATE, msg = MESSAGE_TEXT, hint = PG_EXCEPTION_HINT;
    RETURN state || ' ' || msg || coalesce(' / hint: ' || nullif(hint, ''), '');
END $$;
\set SHOW_CONTEXT never

-- Without any model: no active model.
SELECT drift_error('SELECT * FROM tweetlda.drift()');
-- the cron job's body records nothing and does not fail
SELECT tweetlda.drift_check_job('1 day') IS NULL AS job_skipped;
SELECT count(*) AS history FROM tweetlda.drift_history;

SELECT tweetlda.train('us', 'SELECT text FROM drift_us WHERE abs(hashtext(text)) % 3 <> 0',
                      k => 5) AS us \gset
-- the baseline recorded at training: the held-out slice's figures
SELECT jsonb_object_keys(metrics->'baseline') AS baseline_key FROM tweetlda.models ORDER BY 1;
SELECT (metrics #>> '{baseline,tweets}')::int = (metrics #>> '{quality,heldout_documents}')::int AS same_slice,
       (metrics #>> '{baseline,oov_rate}')::float8 BETWEEN 0 AND 1 AS oov_in_range,
       (SELECT sum(value::text::int) FROM jsonb_each(metrics #> '{baseline,sentiment_counts}'))
           = (metrics #>> '{baseline,tweets}')::int AS every_tweet_labelled
FROM tweetlda.models WHERE id = :us;

-- Bad arguments: precise SQLSTATEs and hints.
SELECT drift_error(q) FROM (VALUES
    ('SELECT * FROM tweetlda.drift(recent => NULL)'),
    ('SELECT * FROM tweetlda.drift(sample => NULL)'),
    ('SELECT * FROM tweetlda.drift(recent => ''0'')'),
    ('SELECT * FROM tweetlda.drift(recent => ''-1 day'')'),
    ('SELECT * FROM tweetlda.drift(recent => ''1000 years'')'),
    ('SELECT * FROM tweetlda.drift(sample => 0)'),
    ('SELECT * FROM tweetlda.drift(sample => 1000001)'),
    ('SELECT * FROM tweetlda.drift(model => 999999)'),
    ('SELECT tweetlda.schedule_drift_check(NULL)'),
    ('SELECT tweetlda.schedule_drift_check(''0 * * * *'', ''-1 hour'')'),
    -- scheduling needs pg_cron (not installed here)
    ('SELECT tweetlda.schedule_drift_check()')) AS v(q);
-- unscheduling without pg_cron is a no-op
SELECT tweetlda.unschedule_drift_check();
-- thresholds must be positive
INSERT INTO tweetlda.drift_thresholds (topic_jsd) VALUES (0);
INSERT INTO tweetlda.drift_thresholds (min_tweets) VALUES (0);

-- An empty window: a row saying so, recorded, never drifted.
SELECT drifted, status, exceeded, tweets, sampled, log_perplexity, oov_rate, topic_jsd
FROM tweetlda.drift();
SELECT model_id = :us AS us, recent, drifted, status, figures #>> '{window,tweets}' AS tweets
FROM tweetlda.drift_history ORDER BY id DESC LIMIT 1;

-- The defaults are in force until a row says otherwise; the held-out baseline of a model
-- trained on about 1,200 tweets has some 60 tweets, so this test judges with wider thresholds
-- (the defaults are for baselines of thousands: doc/lifecycle.md).
SELECT tweetlda.drift_thresholds_in_force() AS defaults;
INSERT INTO tweetlda.drift_thresholds (log_perplexity_increase, oov_rate_increase, topic_jsd,
                                       sentiment_shift)
VALUES (0.3, 0.15, 0.2, 'Infinity');
SELECT tweetlda.drift_thresholds_in_force() AS in_force;

-- Tweets of the training distribution (the third held back from training): not drifted.
SELECT drift_land('SELECT * FROM drift_us WHERE abs(hashtext(text)) % 3 = 0') AS scored;
SELECT drifted, status, exceeded, tweets = sampled AS all_sampled, sampled > 500 AS enough,
       abs(log_perplexity_increase) < 0.3 AS perplexity_close, oov_rate_increase < 0.15 AS oov_close,
       topic_jsd < 0.2 AS topics_close, sentiment_shift IS NOT NULL AS sentiment_measured,
       figures #>> '{window,topic_counts_from}' AS topics_from,
       figures #>> '{baseline,source}' AS baseline, figures #>> '{sample,method}' AS sample
FROM tweetlda.drift();

-- Tweets of other events: drifted, by perplexity and unknown words.
SELECT drift_land('SELECT * FROM drift_floods ORDER BY md5(text) LIMIT 450') AS scored;
SELECT drifted, status, exceeded, sampled,
       log_perplexity_increase > 0.3 AS perplexity_up, oov_rate_increase > 0.15 AS oov_up,
       (figures #>> '{checks,sentiment_shift,judged}')::boolean AS sentiment_judged
FROM tweetlda.drift();
-- the latest verdict per model, as retraining reads it
SELECT DISTINCT ON (model_id) model_id = :us AS us, drifted, status
FROM tweetlda.drift_history ORDER BY model_id, checked_at DESC, id DESC;

-- A sample smaller than min_tweets: the text figures are not judged, those of the rollup are.
SELECT drifted, status, sampled, oov_rate_increase > 0.15 AS oov_up,
       (figures #>> '{checks,oov_rate_increase,judged}')::boolean AS oov_judged,
       (figures #>> '{checks,topic_jsd,judged}')::boolean AS topics_judged
FROM tweetlda.drift(sample => 100);
-- A window with fewer tweets than min_tweets: figures, but no verdict.
SELECT drift_land('SELECT * FROM drift_floods ORDER BY md5(text) LIMIT 50') AS scored;
SELECT drifted, status, exceeded, sampled, oov_rate_increase > 0.15 AS oov_up
FROM tweetlda.drift();

-- A model that is not active (its topics are not in the rollup) and has no training baseline
-- (holdout 0): topic shares from the sample; the first check is the baseline of later ones.
SELECT tweetlda.train('us0', 'SELECT text FROM drift_us WHERE abs(hashtext(text)) % 3 <> 0',
                      k => 5, holdout => 0) AS us0 \gset
SELECT metrics ? 'baseline' AS has_baseline FROM tweetlda.models WHERE id = :us0;
SELECT drift_land('SELECT * FROM drift_us WHERE abs(hashtext(text)) % 3 = 0') AS scored;
SELECT drifted, status, exceeded, figures #>> '{window,topic_counts_from}' AS topics_from,
       figures #>> '{baseline,source}' AS baseline
FROM tweetlda.drift(:us0);
SELECT drift_land('SELECT * FROM drift_floods ORDER BY md5(text) LIMIT 450') AS scored;
SELECT drifted, status, exceeded, figures #>> '{baseline,source}' AS baseline,
       topic_jsd > 0 AS topics_moved
FROM tweetlda.drift(:us0);

-- Every call was recorded; the history goes with its model.
SELECT model_id = :us AS us, count(*), count(*) FILTER (WHERE drifted) AS drifted
FROM tweetlda.drift_history GROUP BY 1 ORDER BY 1;
DELETE FROM tweetlda.models WHERE id = :us0;
SELECT count(*) AS us0_history FROM tweetlda.drift_history WHERE model_id = :us0;

-- Writing the history is for the owner and the roles it grants it to.
CREATE ROLE drift_reader;
SET ROLE drift_reader;
SELECT * FROM tweetlda.drift();
RESET ROLE;
DROP ROLE drift_reader;
DELETE FROM tweetlda.drift_thresholds;

-- clean up for the tests that follow
DELETE FROM tweetlda.models WHERE id = :us;
TRUNCATE tweetlda.tweets, tweetlda.tweet_ids, tweetlda.tweet_scores, tweetlda.pending,
    tweetlda.drift_history;
DROP FUNCTION drift_land(text), drift_error(text);
DROP VIEW drift_us, drift_floods;
DROP TABLE drift_tweets;
