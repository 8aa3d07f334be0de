-- tweetlda install script, part 80: the model lifecycle (doc/lifecycle.md): drift checks of the
-- active model, retraining as a job, incremental updates, topic identity across versions.

-- Every drift check (tweetlda.drift()): which model, which window, the figures and the verdict.
CREATE TABLE tweetlda.drift_history (
    id bigserial PRIMARY KEY,
    checked_at timestamptz NOT NULL DEFAULT pg_catalog.now(),
    model_id integer NOT NULL REFERENCES tweetlda.models (id) ON DELETE CASCADE,
    recent interval NOT NULL,
    drifted boolean NOT NULL,
    figures jsonb NOT NULL DEFAULT '{}',
    -- ok, drifted, empty window, too few tweets, no baseline (see tweetlda.drift())
    status text NOT NULL DEFAULT 'ok'
);
COMMENT ON TABLE tweetlda.drift_history IS
    'every drift check of a model: the window, the figures and the drifted verdict';
CREATE INDEX drift_history_model_checked_idx ON tweetlda.drift_history (model_id, checked_at);
SELECT pg_catalog.pg_extension_config_dump('tweetlda.drift_history', '');
SELECT pg_catalog.pg_extension_config_dump('tweetlda.drift_history_id_seq', '');

-- ---- drift (doc/lifecycle.md, "Drift") ----

-- The text figures of a drift check: tweets tokenized with the model's text configuration,
-- tokens the model's vocabulary does not know (oov_rate), tweets without a known word
-- (no_word_share), tweets of a language the model excludes (skipped).  jsonb; NULL without rows.
CREATE FUNCTION tweetlda.vocab_coverage_transfn(internal, tweetlda.lda_model, text, text)
    RETURNS internal
    AS 'MODULE_PATHNAME', 'vocab_coverage_transfn'
    LANGUAGE C STABLE CALLED ON NULL INPUT PARALLEL SAFE;

CREATE FUNCTION tweetlda.vocab_coverage_finalfn(internal) RETURNS jsonb
    AS 'MODULE_PATHNAME', 'vocab_coverage_finalfn'
    LANGUAGE C STABLE CALLED ON NULL INPUT PARALLEL SAFE;

CREATE AGGREGATE tweetlda.vocab_coverage(model tweetlda.lda_model, doc text, lang text) (
    SFUNC     = tweetlda.vocab_coverage_transfn,
    STYPE     = internal,
    FINALFUNC = tweetlda.vocab_coverage_finalfn,
    PARALLEL  = SAFE
);

-- The sentiment label the stream gives a tweet with analyzer (a trained classifier's most
-- probable class, else the label of the polarity), as tweetlda.score_tweets() does.
CREATE FUNCTION tweetlda.drift_sentiment_label(doc text, analyzer text) RETURNS text
    LANGUAGE sql STABLE STRICT PARALLEL SAFE
    SET search_path = pg_catalog, pg_temp
RETURN CASE WHEN EXISTS (SELECT 1 FROM tweetlda.sentiment_models m WHERE m.name = analyzer)
            THEN tweetlda.sentiment_label(doc, analyzer)
            ELSE tweetlda.sentiment_label((tweetlda.sentiment(doc, analyzer)).polarity) END;

-- Counts of the values of an array as a jsonb object {"value": count} (NULLs left out).
CREATE FUNCTION tweetlda.drift_counts(items anyarray) RETURNS jsonb
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    SET search_path = pg_catalog, pg_temp
AS $$
SELECT coalesce(jsonb_object_agg(c.item, c.n), '{}')
FROM (SELECT u.item::text AS item, count(*) AS n FROM unnest(items) AS u(item)
      WHERE u.item IS NOT NULL GROUP BY 1) c
$$;

-- Jensen-Shannon divergence (base 2: 0 same, 1 disjoint) of two distributions given as counts
-- {"key": count}; NULL when either has no count.
CREATE FUNCTION tweetlda.drift_jsd(p jsonb, q jsonb) RETURNS double precision
    LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
    SET search_path = pg_catalog, pg_temp
RETURN (
    WITH pc AS (SELECT e.key, e.value::text::double precision AS c FROM jsonb_each(p) e),
         qc AS (SELECT e.key, e.value::text::double precision AS c FROM jsonb_each(q) e),
         tot AS (SELECT (SELECT sum(c) FROM pc) AS sp, (SELECT sum(c) FROM qc) AS sq),
         d AS (SELECT coalesce(pc.c, 0) / tot.sp AS a, coalesce(qc.c, 0) / tot.sq AS b
               FROM pc FULL JOIN qc ON pc.key = qc.key CROSS JOIN tot
               WHERE tot.sp > 0 AND tot.sq > 0)
    SELECT CASE WHEN tot.sp > 0 AND tot.sq > 0 THEN
        (SELECT greatest(0, least(1, sum(
             CASE WHEN d.a > 0 THEN d.a * ln(2 * d.a / (d.a + d.b)) ELSE 0 END
             + CASE WHEN d.b > 0 THEN d.b * ln(2 * d.b / (d.a + d.b)) ELSE 0 END) / (2 * ln(2))))
         FROM d) END
    FROM tot);

-- Total variation distance (the largest difference in the share of any set of keys, 0 to 1) of
-- two distributions given as counts; NULL when either has no count.
CREATE FUNCTION tweetlda.drift_tvd(p jsonb, q jsonb) RETURNS double precision
    LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
    SET search_path = pg_catalog, pg_temp
RETURN (
    WITH pc AS (SELECT e.key, e.value::text::double precision AS c FROM jsonb_each(p) e),
         qc AS (SELECT e.key, e.value::text::double precision AS c FROM jsonb_each(q) e),
         tot AS (SELECT (SELECT sum(c) FROM pc) AS sp, (SELECT sum(c) FROM qc) AS sq)
    SELECT CASE WHEN tot.sp > 0 AND tot.sq > 0 THEN
        (SELECT sum(abs(coalesce(pc.c, 0) / tot.sp - coalesce(qc.c, 0) / tot.sq)) / 2
         FROM pc FULL JOIN qc ON pc.key = qc.key) END
    FROM tot);

-- The training-time baseline of the drift figures over the held-out slice (train_model() calls
-- it with the slice's tweets and their languages): {"drift_baseline": {oov_rate, no_word_share,
-- topic_counts, sentiment_counts (labelled as the stream labels them), ...}}, NULL without tweets.
CREATE FUNCTION tweetlda.drift_baseline(model tweetlda.lda_model, docs text[], langs text[])
    RETURNS jsonb
    LANGUAGE sql STABLE PARALLEL SAFE
    SET search_path = pg_catalog, pg_temp
AS $$
WITH h AS (SELECT d.doc, d.lang FROM unnest(docs, langs) AS d(doc, lang) WHERE d.doc IS NOT NULL),
     a AS (SELECT coalesce((SELECT s.analyzer FROM tweetlda.stream_state s), 'textblob') AS analyzer)
SELECT CASE WHEN count(*) > 0 THEN jsonb_build_object('drift_baseline', jsonb_build_object(
    'source', 'held-out slice',
    'tweets', count(*),
    'oov_rate', tweetlda.vocab_coverage(model, h.doc, h.lang) -> 'oov_rate',
    'no_word_share', tweetlda.vocab_coverage(model, h.doc, h.lang) -> 'no_word_share',
    'topic_counts', tweetlda.drift_counts(array_agg(tweetlda.top_topic(model, h.doc, h.lang))),
    'sentiment_counts', tweetlda.drift_counts(array_agg(tweetlda.drift_sentiment_label(h.doc, a.analyzer))),
    'analyzer', min(a.analyzer))) END
FROM h CROSS JOIN a
$$;

-- Store the drift baseline in the metrics of model id (train_model() calls it); returns id.
CREATE FUNCTION tweetlda.drift_keep_baseline(id integer, baseline jsonb) RETURNS integer
    LANGUAGE plpgsql VOLATILE CALLED ON NULL INPUT PARALLEL UNSAFE
    SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    IF baseline IS NOT NULL THEN
        UPDATE tweetlda.models m SET metrics = m.metrics || jsonb_build_object('baseline', baseline)
        WHERE m.id = drift_keep_baseline.id;
    END IF;
    RETURN id;
END
$$;

-- The thresholds of the drifted verdict: at most one row, none = the defaults.  A NULL column
-- is its default; 'Infinity' turns a figure off.  The defaults come from bench/lifecycle_drift
-- (doc/lifecycle.md).
CREATE TABLE tweetlda.drift_thresholds (
    singleton boolean PRIMARY KEY DEFAULT true CHECK (singleton),
    log_perplexity_increase double precision CHECK (log_perplexity_increase > 0),
    oov_rate_increase double precision CHECK (oov_rate_increase > 0),
    no_word_share_increase double precision CHECK (no_word_share_increase > 0),
    topic_jsd double precision CHECK (topic_jsd > 0),
    sentiment_shift double precision CHECK (sentiment_shift > 0),
    min_tweets integer CHECK (min_tweets >= 1)
);
COMMENT ON TABLE tweetlda.drift_thresholds IS
    'thresholds of tweetlda.drift()''s verdict (at most one row; no row or NULL: the default; ''Infinity'': off)';
COMMENT ON COLUMN tweetlda.drift_thresholds.log_perplexity_increase IS
    'held-out log perplexity per token now minus at training (nats); default 0.15';
COMMENT ON COLUMN tweetlda.drift_thresholds.oov_rate_increase IS
    'out-of-vocabulary token rate now minus at training (0 to 1); default 0.05';
COMMENT ON COLUMN tweetlda.drift_thresholds.no_word_share_increase IS
    'share of tweets without a known word now minus at training (0 to 1); default 0.05';
COMMENT ON COLUMN tweetlda.drift_thresholds.topic_jsd IS
    'Jensen-Shannon divergence (base 2) of the top-topic shares; default 0.02';
COMMENT ON COLUMN tweetlda.drift_thresholds.sentiment_shift IS
    'total variation distance of the sentiment label shares; default 0.05';
COMMENT ON COLUMN tweetlda.drift_thresholds.min_tweets IS
    'fewest sampled tweets for a verdict (fewer: not drifted, status ''too few tweets''); default 200';
SELECT pg_catalog.pg_extension_config_dump('tweetlda.drift_thresholds', '');

-- The thresholds in force (the row of drift_thresholds over the defaults) as jsonb.
CREATE FUNCTION tweetlda.drift_thresholds_in_force() RETURNS jsonb
    LANGUAGE sql STABLE PARALLEL SAFE
    SET search_path = pg_catalog, pg_temp
RETURN (SELECT jsonb_build_object(
            'log_perplexity_increase', coalesce(max(t.log_perplexity_increase), 0.15),
            'oov_rate_increase', coalesce(max(t.oov_rate_increase), 0.05),
            'no_word_share_increase', coalesce(max(t.no_word_share_increase), 0.05),
            'topic_jsd', coalesce(max(t.topic_jsd), 0.02),
            'sentiment_shift', coalesce(max(t.sentiment_shift), 0.05),
            'min_tweets', coalesce(max(t.min_tweets), 200))
        FROM tweetlda.drift_thresholds t);

-- One check of the figure name: value against threshold (judged only when both are known and
-- basis, the tweets behind the value, reaches min_tweets) as jsonb.
CREATE FUNCTION tweetlda.drift_check_figure(value double precision, baseline double precision,
                                            threshold double precision, basis bigint,
                                            min_tweets bigint) RETURNS jsonb
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    SET search_path = pg_catalog, pg_temp
RETURN jsonb_build_object(
    'value', value, 'baseline', baseline, 'threshold', threshold, 'tweets', basis,
    'judged', value IS NOT NULL AND threshold IS NOT NULL AND coalesce(basis >= min_tweets, false),
    'exceeded', value IS NOT NULL AND threshold IS NOT NULL AND coalesce(basis >= min_tweets, false)
                AND value > threshold);

-- Compare the tweets landed in the recent window with what the model (NULL: the active one) saw
-- at training: held-out log perplexity, out-of-vocabulary token rate and share of tweets without
-- a known word on a deterministic sample of at most sample tweets of the window; divergence of
-- the top-topic shares and shift of the sentiment label shares from tweetlda.score_rollup.
-- Records the check in tweetlda.drift_history and returns it (doc/lifecycle.md).
CREATE FUNCTION tweetlda.drift(model integer DEFAULT NULL, recent interval DEFAULT '1 day',
        sample integer DEFAULT 5000,
        OUT model_id integer, OUT checked_at timestamptz, OUT drifted boolean, OUT status text,
        OUT exceeded text[], OUT tweets bigint, OUT sampled bigint,
        OUT log_perplexity double precision, OUT log_perplexity_increase double precision,
        OUT oov_rate double precision, OUT oov_rate_increase double precision,
        OUT no_word_share double precision, OUT no_word_share_increase double precision,
        OUT topic_jsd double precision, OUT sentiment_shift double precision,
        OUT figures jsonb)
    LANGUAGE plpgsql VOLATILE CALLED ON NULL INPUT PARALLEL UNSAFE
    SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    mdl tweetlda.lda_model;
    model_metrics jsonb;
    th jsonb := tweetlda.drift_thresholds_in_force();
    min_tweets bigint;
    since timestamptz;
    est double precision;
    unknown_size boolean;
    pct double precision;
    sample_sql text;
    analyzer text;
    cov jsonb;
    ev jsonb;
    topic_counts jsonb;
    topic_from text := 'score_rollup';
    sentiment_counts jsonb;
    sentiment_from text := 'score_rollup';
    topic_arr integer[];
    label_arr text[];
    base jsonb;
    base_source text;
    base_lp double precision;
    win jsonb;
    checks jsonb;
    topic_total bigint;
    sentiment_total bigint;
BEGIN
    IF drift.recent IS NULL OR drift.sample IS NULL THEN
        RAISE EXCEPTION 'recent and sample of tweetlda.drift() must not be NULL'
            USING ERRCODE = 'null_value_not_allowed',
                  HINT = 'Pass a window such as interval ''1 day'' and a sample size such as 5000.';
    END IF;
    IF drift.recent <= '0'::interval OR drift.recent > '100 years'::interval THEN
        RAISE EXCEPTION 'recent window must be a positive interval of at most 100 years, not %', drift.recent
            USING ERRCODE = 'invalid_parameter_value',
                  HINT = 'Pass a window such as interval ''1 day'': the tweets landed since now() - recent are checked.';
    END IF;
    IF drift.sample < 1 OR drift.sample > 1000000 THEN
        RAISE EXCEPTION 'sample must be between 1 and 1000000 tweets, not %', drift.sample
            USING ERRCODE = 'invalid_parameter_value',
                  HINT = 'The default, 5000 tweets, measures the text figures to about a percentage point.';
    END IF;
    IF drift.model IS NULL THEN
        SELECT m.id INTO model_id FROM tweetlda.models m WHERE m.active;
        IF NOT FOUND THEN
            RAISE EXCEPTION 'no active model'
                USING ERRCODE = 'object_not_in_prerequisite_state',
                      DETAIL = 'tweetlda.drift() checks the active model unless a model id is given.',
                      HINT = 'Train a model with tweetlda.train() and activate it with tweetlda.activate(), or pass a model id.';
        END IF;
    ELSE
        model_id := drift.model;
    END IF;
    SELECT m.model, m.metrics INTO mdl, model_metrics FROM tweetlda.models m WHERE m.id = drift.model_id;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'LDA model % does not exist', drift.model_id
            USING ERRCODE = 'undefined_object', HINT = 'Models are listed in tweetlda.models.';
    END IF;
    checked_at := now();
    since := checked_at - drift.recent;
    min_tweets := (th ->> 'min_tweets')::bigint;

    -- topic and sentiment shares of the window from the hourly rollup (whole hours of the
    -- tweets' time): the sentiment labels of every scored tweet, the top topics of this model's
    SELECT coalesce(jsonb_object_agg(x.sentiment, x.n) FILTER (WHERE x.n > 0), '{}'),
           coalesce(sum(x.n), 0)
    INTO sentiment_counts, tweets
    FROM (SELECT r.sentiment, sum(r.tweets) AS n FROM tweetlda.score_rollup r
          WHERE r.bucket >= date_bin('1 hour', since, '2000-01-01 00:00:00+00'::timestamptz)
          GROUP BY r.sentiment) x;
    SELECT coalesce(jsonb_object_agg(x.topic, x.n) FILTER (WHERE x.n > 0), '{}')
    INTO topic_counts
    FROM (SELECT r.topic, sum(r.tweets) AS n FROM tweetlda.score_rollup r
          WHERE r.model_id = drift.model_id AND r.topic IS NOT NULL
            AND r.bucket >= date_bin('1 hour', since, '2000-01-01 00:00:00+00'::timestamptz)
          GROUP BY r.topic) x;
    SELECT s.analyzer INTO analyzer FROM tweetlda.stream_state s;
    analyzer := coalesce(analyzer, 'textblob');

    -- the sample: the window's tweets with the lowest hashint8(id), at most sample of them, read
    -- from a block sample (TABLESAMPLE SYSTEM ... REPEATABLE (0)) of about three times as many
    -- rows when the day partitions of the window are known to hold more
    SELECT coalesce(sum(greatest(c.reltuples, 0)), 0), coalesce(bool_or(c.reltuples < 0), false)
    INTO est, unknown_size
    FROM generate_series((since AT TIME ZONE 'UTC')::date::timestamp,
                         (checked_at AT TIME ZONE 'UTC')::date::timestamp, '1 day') AS d(day)
    JOIN pg_class c ON c.oid = to_regclass('tweetlda.' || quote_ident('tweets_' || to_char(d.day, 'YYYYMMDD')));
    IF NOT unknown_size AND est > 3.0 * drift.sample THEN
        pct := 300.0 * drift.sample / est;
    END IF;
    sample_sql := format('SELECT t.text, t.lang FROM tweetlda.tweets t %s '
                         'WHERE t.received_at >= $1 AND t.received_at <= $2 '
                         'ORDER BY hashint8(t.id), t.id LIMIT $3',
                         CASE WHEN pct IS NULL THEN ''
                              ELSE format('TABLESAMPLE SYSTEM (%s) REPEATABLE (0)', pct) END);
    EXECUTE format('WITH s AS MATERIALIZED (%s) '
                   'SELECT count(*), tweetlda.vocab_coverage($4, s.text, s.lang), '
                   '       tweetlda.lda_evaluation($4, s.text, s.lang), '
                   '       array_agg(tweetlda.top_topic($4, s.text, s.lang)) FILTER (WHERE $5), '
                   '       array_agg(tweetlda.drift_sentiment_label(s.text, $7)) FILTER (WHERE $6) '
                   'FROM s', sample_sql)
        INTO sampled, cov, ev, topic_arr, label_arr
        USING since, checked_at, drift.sample, mdl, topic_counts = '{}', sentiment_counts = '{}',
              analyzer;
    -- a model that does not score the stream (or a window nobody scored): shares of the sample
    IF topic_counts = '{}' AND sampled > 0 THEN
        topic_counts := tweetlda.drift_counts(topic_arr);
        topic_from := 'sample';
    END IF;
    IF sentiment_counts = '{}' AND sampled > 0 THEN
        sentiment_counts := tweetlda.drift_counts(label_arr);
        sentiment_from := 'sample';
    END IF;
    SELECT sum(e.value::text::bigint) INTO topic_total FROM jsonb_each(topic_counts) e;
    SELECT sum(e.value::text::bigint) INTO sentiment_total FROM jsonb_each(sentiment_counts) e;
    tweets := greatest(tweets, sampled);
    log_perplexity := (ev ->> 'log_perplexity')::double precision;
    oov_rate := (cov ->> 'oov_rate')::double precision;
    no_word_share := (cov ->> 'no_word_share')::double precision;
    win := jsonb_build_object(
        'since', since, 'until', checked_at, 'tweets', tweets, 'sampled', sampled,
        'skipped', cov -> 'skipped', 'tokens', cov -> 'tokens',
        'log_perplexity', log_perplexity, 'scored_documents', ev -> 'scored_documents',
        'oov_rate', oov_rate, 'no_word_share', no_word_share,
        'topic_counts', topic_counts, 'topic_counts_from', topic_from,
        'sentiment_counts', sentiment_counts, 'sentiment_counts_from', sentiment_from,
        'analyzer', analyzer);

    -- the baseline: the held-out slice measured at training; models trained without one
    -- (holdout 0, or trained by 0.1.0) are compared with their first check that had tweets
    IF model_metrics ? 'baseline' THEN
        base := model_metrics -> 'baseline';
        base_source := 'training';
    ELSE
        SELECT h.figures -> 'window' || jsonb_build_object('checked_at', h.checked_at)
        INTO base
        FROM tweetlda.drift_history h
        WHERE h.model_id = drift.model_id AND h.status <> 'empty window'
          AND (h.figures #>> '{window,sampled}')::bigint >= min_tweets
        ORDER BY h.checked_at, h.id LIMIT 1;
        base_source := CASE WHEN base IS NULL THEN 'none' ELSE 'first check' END;
    END IF;
    base_lp := coalesce((tweetlda.model_info(mdl) #>> '{quality,log_perplexity}')::double precision,
                        (base ->> 'log_perplexity')::double precision);
    log_perplexity_increase := log_perplexity - base_lp;
    oov_rate_increase := oov_rate - (base ->> 'oov_rate')::double precision;
    no_word_share_increase := no_word_share - (base ->> 'no_word_share')::double precision;
    topic_jsd := tweetlda.drift_jsd(topic_counts, base -> 'topic_counts');
    sentiment_shift := tweetlda.drift_tvd(sentiment_counts, base -> 'sentiment_counts');

    checks := jsonb_build_object(
        'log_perplexity_increase', tweetlda.drift_check_figure(log_perplexity_increase, base_lp,
            (th ->> 'log_perplexity_increase')::double precision, (ev ->> 'scored_documents')::bigint, min_tweets),
        'oov_rate_increase', tweetlda.drift_check_figure(oov_rate_increase, (base ->> 'oov_rate')::double precision,
            (th ->> 'oov_rate_increase')::double precision, (cov ->> 'documents')::bigint, min_tweets),
        'no_word_share_increase', tweetlda.drift_check_figure(no_word_share_increase, (base ->> 'no_word_share')::double precision,
            (th ->> 'no_word_share_increase')::double precision, (cov ->> 'documents')::bigint, min_tweets),
        'topic_jsd', tweetlda.drift_check_figure(topic_jsd, NULL,
            (th ->> 'topic_jsd')::double precision, topic_total, min_tweets),
        'sentiment_shift', tweetlda.drift_check_figure(sentiment_shift, NULL,
            (th ->> 'sentiment_shift')::double precision, sentiment_total, min_tweets));
    SELECT coalesce(array_agg(e.key ORDER BY e.key) FILTER (WHERE (e.value ->> 'exceeded')::boolean), '{}')
    INTO exceeded FROM jsonb_each(checks) e;
    drifted := cardinality(exceeded) > 0;
    status := CASE
        WHEN drifted THEN 'drifted'
        WHEN tweets = 0 THEN 'empty window'
        WHEN greatest(sampled, topic_total, sentiment_total) < min_tweets THEN 'too few tweets'
        WHEN base IS NULL AND base_lp IS NULL THEN 'no baseline'
        ELSE 'ok' END;
    figures := jsonb_build_object(
        'window', win,
        'baseline', coalesce(base, '{}') || jsonb_build_object('source', base_source,
                                                               'log_perplexity', base_lp),
        'checks', checks,
        'thresholds', th,
        'sample', jsonb_build_object(
            'requested', drift.sample, 'rows', sampled,
            'method', CASE WHEN pct IS NULL THEN 'every tweet of the window'
                           ELSE 'TABLESAMPLE SYSTEM REPEATABLE (0)' END,
            'percent', coalesce(pct, 100),
            'order', 'the lowest hashint8(id) first'));
    INSERT INTO tweetlda.drift_history (checked_at, model_id, recent, drifted, figures, status)
    VALUES (drift.checked_at, drift.model_id, drift.recent, drift.drifted, drift.figures, drift.status);
END;
$$;

-- The body of the pg_cron job of schedule_drift_check(): a drift check of the active model
-- (NULL, and nothing recorded, when no model is active); the verdict.
CREATE FUNCTION tweetlda.drift_check_job(recent interval DEFAULT '1 day') RETURNS boolean
    LANGUAGE plpgsql VOLATILE CALLED ON NULL INPUT PARALLEL UNSAFE
    SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM tweetlda.models m WHERE m.active) THEN
        RETURN NULL;
    END IF;
    RETURN (SELECT d.drifted FROM tweetlda.drift(NULL, drift_check_job.recent) d);
END
$$;

-- A pg_cron job (named 'tweetlda drift check') that checks the active model for drift on a cron
-- schedule (every hour by default) over the recent window; scheduling again replaces it.
CREATE FUNCTION tweetlda.schedule_drift_check(schedule text DEFAULT '0 * * * *',
                                              recent interval DEFAULT '1 day') RETURNS bigint
    LANGUAGE plpgsql VOLATILE CALLED ON NULL INPUT PARALLEL UNSAFE
    SET search_path = pg_catalog, pg_temp
    SET "IntervalStyle" = 'postgres'
AS $$
DECLARE
    job bigint;
BEGIN
    IF schedule IS NULL OR recent IS NULL THEN
        RAISE EXCEPTION 'schedule and recent of tweetlda.schedule_drift_check() must not be NULL'
            USING ERRCODE = 'null_value_not_allowed',
                  HINT = 'Pass a cron schedule such as ''0 * * * *'' and a window such as interval ''1 day''.';
    END IF;
    IF recent <= '0'::interval OR recent > '100 years'::interval THEN
        RAISE EXCEPTION 'recent window must be a positive interval of at most 100 years, not %', recent
            USING ERRCODE = 'invalid_parameter_value',
                  HINT = 'Pass a window such as interval ''1 day''.';
    END IF;
    IF NOT EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'pg_cron') THEN
        RAISE EXCEPTION 'pg_cron is not installed in database "%"', current_database()
            USING ERRCODE = 'object_not_in_prerequisite_state',
                  DETAIL = 'Scheduled drift checks run tweetlda.drift() as a pg_cron job.',
                  HINT = 'Add pg_cron to shared_preload_libraries, set cron.database_name to '
                         'this database, restart the server and run CREATE EXTENSION pg_cron; '
                         'or call tweetlda.drift() yourself.';
    END IF;
    EXECUTE 'SELECT cron.schedule($1, $2, $3)'
        INTO job
        USING 'tweetlda drift check', schedule,
              format('SELECT tweetlda.drift_check_job(%L::pg_catalog.interval)', recent::text);
    RETURN job;
END
$$;

-- Remove the pg_cron job of schedule_drift_check(); true when there was one.
CREATE FUNCTION tweetlda.unschedule_drift_check() RETURNS boolean
    LANGUAGE plpgsql VOLATILE STRICT PARALLEL UNSAFE
    SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    found boolean;
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'pg_cron') THEN
        RETURN false;
    END IF;
    EXECUTE 'SELECT EXISTS (SELECT 1 FROM cron.job WHERE jobname = $1 AND username = current_user)'
        INTO found USING 'tweetlda drift check';
    IF found THEN
        EXECUTE 'SELECT cron.unschedule($1)' USING 'tweetlda drift check';
    END IF;
    RETURN found;
END
$$;

-- Drift checks write the history: for the owner and the roles it grants them to.
REVOKE ALL ON FUNCTION tweetlda.drift(integer, interval, integer),
    tweetlda.drift_check_job(interval), tweetlda.schedule_drift_check(text, interval),
    tweetlda.unschedule_drift_check() FROM PUBLIC;

-- ---- incremental update ----
-- tweetlda.lda_update(model, doc [, lang], params [, fit]): online variational Bayes goes on from
-- the model's topic-word parameters on new tweets (doc/lifecycle.md, "Incremental updates").
-- params keys: max_iter, seed, min_df, max_df, max_terms (the rest is the model's).  The state
-- is the one of lda_from_text (same combine, serialize and deserialize functions).
CREATE FUNCTION tweetlda.lda_update_transfn(internal, tweetlda.lda_model, text, jsonb) RETURNS internal
    AS 'MODULE_PATHNAME', 'lda_update_transfn'
    LANGUAGE C STABLE CALLED ON NULL INPUT PARALLEL SAFE;

CREATE FUNCTION tweetlda.lda_update_transfn(internal, tweetlda.lda_model, text, text, jsonb) RETURNS internal
    AS 'MODULE_PATHNAME', 'lda_update_transfn'
    LANGUAGE C STABLE CALLED ON NULL INPUT PARALLEL SAFE;

CREATE FUNCTION tweetlda.lda_update_transfn(internal, tweetlda.lda_model, text, text, jsonb, boolean)
    RETURNS internal
    AS 'MODULE_PATHNAME', 'lda_update_transfn'
    LANGUAGE C STABLE CALLED ON NULL INPUT PARALLEL SAFE;

-- Volatile: the model records when it was updated and the update reports progress.
CREATE FUNCTION tweetlda.lda_update_finalfn(internal) RETURNS tweetlda.lda_model
    AS 'MODULE_PATHNAME', 'lda_update_finalfn'
    LANGUAGE C VOLATILE CALLED ON NULL INPUT PARALLEL SAFE;

CREATE AGGREGATE tweetlda.lda_update(model tweetlda.lda_model, doc text, params jsonb) (
    SFUNC        = tweetlda.lda_update_transfn,
    STYPE        = internal,
    FINALFUNC    = tweetlda.lda_update_finalfn,
    COMBINEFUNC  = tweetlda.lda_combinefn,
    SERIALFUNC   = tweetlda.lda_serialfn,
    DESERIALFUNC = tweetlda.lda_deserialfn,
    PARALLEL     = SAFE
);

CREATE AGGREGATE tweetlda.lda_update(model tweetlda.lda_model, doc text, lang text, params jsonb) (
    SFUNC        = tweetlda.lda_update_transfn,
    STYPE        = internal,
    FINALFUNC    = tweetlda.lda_update_finalfn,
    COMBINEFUNC  = tweetlda.lda_combinefn,
    SERIALFUNC   = tweetlda.lda_serialfn,
    DESERIALFUNC = tweetlda.lda_deserialfn,
    PARALLEL     = SAFE
);

-- The same, where rows with fit false count for the vocabulary but are not trained on (the
-- held-out slice of update_model()).
CREATE AGGREGATE tweetlda.lda_update(model tweetlda.lda_model, doc text, lang text, params jsonb,
                                     fit boolean) (
    SFUNC        = tweetlda.lda_update_transfn,
    STYPE        = internal,
    FINALFUNC    = tweetlda.lda_update_finalfn,
    COMBINEFUNC  = tweetlda.lda_combinefn,
    SERIALFUNC   = tweetlda.lda_serialfn,
    DESERIALFUNC = tweetlda.lda_deserialfn,
    PARALLEL     = SAFE
);

-- Update the model with this name (any version) on the tweets of source (one text column, or the
-- text and its language, as for train()) and store the result as the next version of its family
-- (origin 'update', parent the model updated); returns the new model's id.  The model updated
-- stays (rollback: activate() it).  The new version is not activated (unless no model is active,
-- as for every stored model): call activate().  max_iter NULL: the model's number of passes over
-- the new tweets; max_terms, seed, min_df, max_df NULL: the model's training parameters.
-- holdout as for train(): up to that many of the new tweets (a hash slice) are held out to
-- measure the quality figures of the new version.  No new tweet is an error.
CREATE FUNCTION tweetlda.update_model(
    name text,
    source text,
    max_iter integer DEFAULT NULL,
    max_terms integer DEFAULT NULL,
    seed bigint DEFAULT NULL,
    min_df double precision DEFAULT NULL,
    max_df double precision DEFAULT NULL,
    holdout integer DEFAULT 2000) RETURNS integer
    LANGUAGE plpgsql VOLATILE PARALLEL UNSAFE
AS $$
DECLARE
    base_id integer;
    base_family text;
    base_params jsonb;
    base_model tweetlda.lda_model;
    has_lang boolean;
    p jsonb;
    result tweetlda.lda_model;
    quality jsonb;
    cut_h bigint;
    cut_doc text;
    heldout_filter text := 'false';
    source_alias text;
BEGIN
    IF update_model.name IS NULL OR update_model.source IS NULL THEN
        RAISE EXCEPTION 'name and source of tweetlda.update_model() must not be NULL'
            USING ERRCODE = 'null_value_not_allowed';
    END IF;
    SELECT m.id, m.family, m.params, m.model INTO base_id, base_family, base_params, base_model
    FROM tweetlda.models m WHERE m.name OPERATOR(pg_catalog.=) update_model.name;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'LDA model "%" does not exist', update_model.name
            USING ERRCODE = 'undefined_object', HINT = 'Models are listed in tweetlda.models.';
    END IF;
    IF update_model.holdout IS NULL OR update_model.holdout OPERATOR(pg_catalog.<) 0 THEN
        RAISE EXCEPTION 'holdout must be a number of documents >= 0'
            USING ERRCODE = 'invalid_parameter_value',
                  HINT = '0 updates on every document and measures no quality figures.';
    END IF;
    -- the update's parameters: given, else the model's training parameters (else the defaults)
    p := pg_catalog.jsonb_strip_nulls(pg_catalog.jsonb_build_object(
        'max_iter', update_model.max_iter,
        'seed', coalesce(update_model.seed::numeric, (base_params OPERATOR(pg_catalog.->>) 'seed')::numeric),
        'min_df', coalesce(update_model.min_df::numeric, (base_params OPERATOR(pg_catalog.->>) 'min_df')::numeric),
        'max_df', coalesce(update_model.max_df::numeric, (base_params OPERATOR(pg_catalog.->>) 'max_df')::numeric),
        'max_terms', coalesce(update_model.max_terms::numeric, (base_params OPERATOR(pg_catalog.->>) 'max_terms')::numeric)));
    has_lang := tweetlda.lda_check_training_source(update_model.source);
    source_alias := CASE WHEN has_lang THEN 's(doc, lang)' ELSE 's(doc)' END;
    -- the held-out slice, as train_model() chooses it: text hash 0 modulo 20, the lowest hashes
    IF update_model.holdout OPERATOR(pg_catalog.>) 0 THEN
        EXECUTE pg_catalog.format(
            'SELECT h, doc FROM (SELECT pg_catalog.hashtextextended(s.doc::text, 10) AS h, s.doc::text AS doc FROM (%s) AS %s) AS q '
            'WHERE h OPERATOR(pg_catalog.%%) 20 OPERATOR(pg_catalog.=) 0 '
            'ORDER BY h, doc COLLATE "C" OFFSET %s LIMIT 1', update_model.source, source_alias,
            update_model.holdout OPERATOR(pg_catalog.-) 1)
            INTO cut_h, cut_doc;
        heldout_filter := CASE WHEN cut_h IS NULL THEN
            'pg_catalog.hashtextextended(s.doc::text, 10) OPERATOR(pg_catalog.%) 20 OPERATOR(pg_catalog.=) 0'
        ELSE pg_catalog.format(
            '(pg_catalog.hashtextextended(s.doc::text, 10) OPERATOR(pg_catalog.%%) 20 OPERATOR(pg_catalog.=) 0 AND '
            '(pg_catalog.hashtextextended(s.doc::text, 10), s.doc::text COLLATE "C") OPERATOR(pg_catalog.<=) (%s::bigint, %L COLLATE "C"))',
            cut_h, cut_doc) END;
    END IF;
    EXECUTE pg_catalog.format('SELECT tweetlda.lda_update($1, s.doc, %s, $2, (%s) IS NOT TRUE) FROM (%s) AS %s',
                              CASE WHEN has_lang THEN 's.lang' ELSE 'NULL::text' END,
                              heldout_filter, update_model.source, source_alias)
        INTO result USING base_model, p;
    IF update_model.holdout OPERATOR(pg_catalog.>) 0 THEN
        EXECUTE pg_catalog.format('SELECT tweetlda.lda_evaluation($1, s.doc%s) FROM (%s) AS %s WHERE %s',
                                  CASE WHEN has_lang THEN ', s.lang' ELSE '' END,
                                  update_model.source, source_alias, heldout_filter)
            INTO quality USING result;
        IF quality IS NOT NULL THEN
            result := tweetlda.lda_model_with_quality(result,
                (quality OPERATOR(pg_catalog.->>) 'log_perplexity')::double precision,
                (quality OPERATOR(pg_catalog.->>) 'npmi')::double precision,
                (quality OPERATOR(pg_catalog.->>) 'diversity')::double precision,
                (quality OPERATOR(pg_catalog.->>) 'no_word_share')::double precision,
                (quality OPERATOR(pg_catalog.->>) 'documents')::bigint);
        END IF;
    END IF;
    RETURN tweetlda.store_model(NULL, result, base_params, family => base_family,
                                parent => base_id, origin => 'update');
END;
$$;
-- ---- end of incremental update ----
