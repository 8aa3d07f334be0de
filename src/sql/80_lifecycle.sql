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
    PERFORM tweetlda.require_pg_cron('Scheduled drift checks run tweetlda.drift() as a pg_cron job.',
                                     'or call tweetlda.drift() yourself.');
    EXECUTE 'SELECT cron.schedule($1, $2, $3)'
        INTO job
        USING 'tweetlda drift check', schedule,
              format('SELECT tweetlda.drift_check_job(%L::pg_catalog.interval)', recent::text);
    RETURN job;
END
$$;

-- Remove the pg_cron job of schedule_drift_check(); true when there was one.
CREATE FUNCTION tweetlda.unschedule_drift_check() RETURNS boolean
    LANGUAGE sql VOLATILE STRICT PARALLEL UNSAFE
    SET search_path = pg_catalog, pg_temp
    RETURN tweetlda.unschedule_job('tweetlda drift check');

-- Drift checks write the history: for the owner and the roles it grants them to.
REVOKE ALL ON FUNCTION tweetlda.drift(integer, interval, integer),
    tweetlda.drift_check_job(interval), tweetlda.schedule_drift_check(text, interval),
    tweetlda.unschedule_drift_check() FROM PUBLIC;

-- ---- incremental update ----
-- tweetlda.lda_update(model, doc [, lang], params [, fit]): online variational Bayes goes on from
-- the model's topic-word parameters on new tweets (doc/lifecycle.md, "Incremental updates"); for a
-- DMM model, collapsed Gibbs sampling from its counts.
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
    heldout_filter text;
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
    -- the held-out slice, as train_model() chooses it
    heldout_filter := tweetlda.heldout_condition(update_model.source, source_alias, update_model.holdout);
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
-- ---- retraining and topic lineage ----

-- Topic identity across models (src/lda_lineage.c, doc/lifecycle.md "Topic identity"): the
-- topics of model matched to those of parent by optimal assignment (Hungarian method) on the
-- cosine of their topic-word distributions less their model's mean topic (over the union of the
-- vocabularies, terms compared by their string; negative as 0). One row per topic of model: its
-- number, the number it gets (a match with similarity >= min_similarity keeps the parent topic's
-- number; the others take the numbers left free, lowest first, then k_parent + 1, ...), the
-- parent topic assigned to it, their similarity, and whether that is a match.
CREATE FUNCTION tweetlda.match_topics(model tweetlda.lda_model, parent tweetlda.lda_model,
        min_similarity double precision DEFAULT 0.3,
        OUT topic integer, OUT new_topic integer, OUT parent_topic integer,
        OUT similarity double precision, OUT matched boolean)
    RETURNS SETOF record
    AS 'MODULE_PATHNAME', 'lda_match_topics'
    LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE ROWS 20;

-- The model with its topics renumbered: topic i becomes topic numbers[i] (a permutation of
-- 1..k). The result is a new valid model (its own fingerprint) that scores every tweet as the
-- original does, with the topic shares permuted.
CREATE FUNCTION tweetlda.permute_topics(model tweetlda.lda_model, numbers integer[])
    RETURNS tweetlda.lda_model
    AS 'MODULE_PATHNAME', 'lda_permute_topics'
    LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

-- Which topic of the parent version each topic of a model continues (written by
-- inherit_topics(), hence by every store_model() with a parent: retrain(), update_model()).
CREATE TABLE tweetlda.topic_lineage (
    model_id integer NOT NULL REFERENCES tweetlda.models (id) ON DELETE CASCADE,
    topic integer NOT NULL CHECK (topic OPERATOR(pg_catalog.>=) 1),
    parent_model_id integer NOT NULL REFERENCES tweetlda.models (id) ON DELETE CASCADE,
    parent_topic integer NOT NULL CHECK (parent_topic OPERATOR(pg_catalog.>=) 1),
    similarity double precision NOT NULL
        CHECK (similarity OPERATOR(pg_catalog.>=) 0 AND similarity OPERATOR(pg_catalog.<=) 1),
    PRIMARY KEY (model_id, topic)
);
COMMENT ON TABLE tweetlda.topic_lineage IS
    'the parent topic each matched topic of a retrained or updated model continues, with their similarity';
CREATE INDEX topic_lineage_parent_idx ON tweetlda.topic_lineage (parent_model_id, parent_topic);
SELECT pg_catalog.pg_extension_config_dump('tweetlda.topic_lineage', '');

-- Renumber the topics of a stored model to its parent's numbering (match_topics), record the
-- matches in topic_lineage and give matched topics the names the user gave their parent topics
-- (names already given to the model's own topics are kept and follow their topics), and renumber
-- the top-topic counts of its drift baseline. Returns the number of matched topics.
-- store_model() and train_model() call it for every model stored with a parent.
CREATE FUNCTION tweetlda.inherit_topics(model_id integer,
        min_similarity double precision DEFAULT 0.3) RETURNS integer
    LANGUAGE plpgsql VOLATILE CALLED ON NULL INPUT PARALLEL UNSAFE
    SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    child tweetlda.lda_model;
    parent tweetlda.lda_model;
    parent_model integer;
    child_name text;
    numbers integer[];
    parent_topics integer[];
    similarities double precision[];
    matched boolean[];
    matches integer;
BEGIN
    IF inherit_topics.model_id IS NULL OR inherit_topics.min_similarity IS NULL THEN
        RAISE EXCEPTION 'the model id and min_similarity of tweetlda.inherit_topics() must not be NULL'
            USING ERRCODE = 'null_value_not_allowed';
    END IF;
    SELECT m.model, m.parent_id, m.name INTO child, parent_model, child_name
    FROM tweetlda.models m WHERE m.id OPERATOR(pg_catalog.=) inherit_topics.model_id FOR UPDATE;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'LDA model % does not exist', inherit_topics.model_id
            USING ERRCODE = 'undefined_object', HINT = 'Models are listed in tweetlda.models.';
    END IF;
    SELECT p.model INTO parent FROM tweetlda.models p WHERE p.id OPERATOR(pg_catalog.=) parent_model;
    IF parent IS NULL THEN
        RAISE EXCEPTION 'LDA model "%" has no parent model', child_name
            USING ERRCODE = 'object_not_in_prerequisite_state',
                  DETAIL = 'Its parent_id is NULL: it was trained afresh, or its parent was deleted.',
                  HINT = 'Set tweetlda.models.parent_id to the model it replaces.';
    END IF;
    SELECT pg_catalog.array_agg(t.new_topic ORDER BY t.topic),
           pg_catalog.array_agg(t.parent_topic ORDER BY t.topic),
           pg_catalog.array_agg(t.similarity ORDER BY t.topic),
           pg_catalog.array_agg(t.matched ORDER BY t.topic),
           pg_catalog.count(*) FILTER (WHERE t.matched)
    INTO numbers, parent_topics, similarities, matched, matches
    FROM tweetlda.match_topics(child, parent, inherit_topics.min_similarity) t;
    -- the drift baseline's top-topic counts (metrics->'baseline') move with their topics
    UPDATE tweetlda.models m SET model = tweetlda.permute_topics(m.model, numbers),
        metrics = CASE WHEN m.metrics OPERATOR(pg_catalog.#>) '{baseline,topic_counts}' IS NULL THEN m.metrics
            ELSE pg_catalog.jsonb_set(m.metrics, '{baseline,topic_counts}',
                (SELECT coalesce(pg_catalog.jsonb_object_agg(numbers[c.key::integer]::text, c.value), '{}')
                 FROM pg_catalog.jsonb_each(m.metrics OPERATOR(pg_catalog.#>) '{baseline,topic_counts}') c))
            END
    WHERE m.id OPERATOR(pg_catalog.=) inherit_topics.model_id;
    DELETE FROM tweetlda.topic_lineage l WHERE l.model_id OPERATOR(pg_catalog.=) inherit_topics.model_id;
    INSERT INTO tweetlda.topic_lineage (model_id, topic, parent_model_id, parent_topic, similarity)
    SELECT inherit_topics.model_id, u.new_topic, parent_model, u.parent_topic, u.similarity
    FROM ROWS FROM (pg_catalog.unnest(numbers), pg_catalog.unnest(parent_topics),
                    pg_catalog.unnest(similarities), pg_catalog.unnest(matched))
        AS u(new_topic, parent_topic, similarity, matched)
    WHERE u.matched;
    -- the model's own names follow their topics; matched topics without one take the parent's
    WITH old AS (
        DELETE FROM tweetlda.topic_names n WHERE n.model_id OPERATOR(pg_catalog.=) inherit_topics.model_id
        RETURNING n.topic, n.name)
    INSERT INTO tweetlda.topic_names (model_id, topic, name)
    SELECT inherit_topics.model_id, numbers[old.topic], old.name FROM old
    WHERE numbers[old.topic] IS NOT NULL;
    INSERT INTO tweetlda.topic_names (model_id, topic, name)
    SELECT inherit_topics.model_id, u.new_topic, n.name
    FROM ROWS FROM (pg_catalog.unnest(numbers), pg_catalog.unnest(parent_topics),
                    pg_catalog.unnest(matched)) AS u(new_topic, parent_topic, matched)
    JOIN tweetlda.topic_names n ON n.model_id OPERATOR(pg_catalog.=) parent_model
                               AND n.topic OPERATOR(pg_catalog.=) u.parent_topic
    WHERE u.matched
    ON CONFLICT DO NOTHING;
    RETURN matches;
END;
$$;

-- Every retraining run (tweetlda.retrain()): the window, the parameters, the candidate and the
-- model it competed with, their held-out figures, the decision and why, or the error.
CREATE TABLE tweetlda.model_runs (
    id bigserial PRIMARY KEY,
    family text NOT NULL,
    started_at timestamptz NOT NULL DEFAULT pg_catalog.now(),
    finished_at timestamptz,
    "window" interval NOT NULL,
    window_start timestamptz NOT NULL,
    window_end timestamptz NOT NULL,
    started_by text NOT NULL DEFAULT 'manual',
    promote text NOT NULL,
    holdout integer NOT NULL,
    params jsonb NOT NULL,
    parent_id integer REFERENCES tweetlda.models (id) ON DELETE SET NULL,
    rows bigint,
    candidate_id integer REFERENCES tweetlda.models (id) ON DELETE SET NULL,
    active_id integer REFERENCES tweetlda.models (id) ON DELETE SET NULL,
    figures jsonb,
    decision text NOT NULL DEFAULT 'running',
    reason text,
    error text,
    CONSTRAINT model_runs_started_by_check
        CHECK (started_by OPERATOR(pg_catalog.=) ANY (ARRAY['manual', 'schedule', 'drift'])),
    CONSTRAINT model_runs_decision_check
        CHECK (decision OPERATOR(pg_catalog.=) ANY (ARRAY['running', 'promoted', 'kept', 'failed']))
);
COMMENT ON TABLE tweetlda.model_runs IS
    'every retraining run: window, candidate, the active model it competed with, held-out figures of both, decision or error';
CREATE INDEX model_runs_family_started_idx ON tweetlda.model_runs (family, started_at);
SELECT pg_catalog.pg_extension_config_dump('tweetlda.model_runs', '');
SELECT pg_catalog.pg_extension_config_dump('tweetlda.model_runs_id_seq', '');

-- The family a model name (any version) or a family name refers to; an error when none.
CREATE FUNCTION tweetlda.model_family(name text) RETURNS text
    LANGUAGE plpgsql STABLE STRICT PARALLEL SAFE
    SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    fam text;
BEGIN
    SELECT m.family INTO fam FROM tweetlda.models m WHERE m.name OPERATOR(pg_catalog.=) model_family.name;
    IF NOT FOUND THEN
        SELECT m.family INTO fam FROM tweetlda.models m
        WHERE m.family OPERATOR(pg_catalog.=) model_family.name LIMIT 1;
    END IF;
    IF fam IS NULL THEN
        RAISE EXCEPTION 'LDA model "%" does not exist', model_family.name
            USING ERRCODE = 'undefined_object',
                  HINT = 'Models and their families are listed in tweetlda.models.';
    END IF;
    RETURN fam;
END;
$$;

-- The advisory lock key of the retraining of a family (one run of a family at a time).
CREATE FUNCTION tweetlda.retrain_lock_key(family text) RETURNS bigint
    LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
    RETURN pg_catalog.hashtextextended('tweetlda retrain ' OPERATOR(pg_catalog.||) family, 0);

-- retrain(), step 1 (first transaction): check the arguments, resolve the family, its current
-- version (the active model when it is of the family, else the latest version) and the
-- parameters, and record the run; returns its id.
CREATE FUNCTION tweetlda.retrain_start(name text, "window" interval, k integer, params jsonb,
        holdout integer, promote text, started_by text) RETURNS bigint
    LANGUAGE plpgsql VOLATILE CALLED ON NULL INPUT PARALLEL UNSAFE
    SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    fam text;
    parent tweetlda.models;
    p jsonb;
    run_id bigint;
BEGIN
    IF retrain_start.name IS NULL THEN
        RAISE EXCEPTION 'the model name of tweetlda.retrain() must not be NULL'
            USING ERRCODE = 'null_value_not_allowed', HINT = 'Models are listed in tweetlda.models.';
    END IF;
    IF retrain_start."window" IS NULL OR retrain_start."window" OPERATOR(pg_catalog.<=) '0'::interval THEN
        RAISE EXCEPTION 'the window of tweetlda.retrain() must be a positive interval, not %',
                coalesce(retrain_start."window"::text, 'NULL')
            USING ERRCODE = 'invalid_parameter_value',
                  HINT = 'The candidate is trained on the tweets received in the last window, e.g. ''30 days''.';
    END IF;
    IF retrain_start.holdout IS NULL OR retrain_start.holdout OPERATOR(pg_catalog.<) 0 THEN
        RAISE EXCEPTION 'holdout must be a number of documents >= 0'
            USING ERRCODE = 'invalid_parameter_value',
                  HINT = 'The held-out slice compares the candidate with the active model; 0 compares nothing.';
    END IF;
    IF retrain_start.promote IS NULL OR retrain_start.promote OPERATOR(pg_catalog.<>) ALL
            (ARRAY['auto', 'perplexity', 'drift', 'always', 'never']) THEN
        RAISE EXCEPTION 'unknown promotion policy: %', coalesce(retrain_start.promote, 'NULL')
            USING ERRCODE = 'invalid_parameter_value',
                  HINT = 'Use auto (better perplexity or drift), perplexity, drift, always or never.';
    END IF;
    IF retrain_start.started_by IS NULL OR retrain_start.started_by OPERATOR(pg_catalog.<>) ALL
            (ARRAY['manual', 'schedule', 'drift']) THEN
        RAISE EXCEPTION 'started_by must be manual, schedule or drift, not %', coalesce(retrain_start.started_by, 'NULL')
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    IF retrain_start.params IS NOT NULL AND pg_catalog.jsonb_typeof(retrain_start.params) OPERATOR(pg_catalog.<>) 'object' THEN
        RAISE EXCEPTION 'training parameters must be a jsonb object'
            USING ERRCODE = 'invalid_parameter_value',
                  HINT = 'Pass the parameters to change as tweetlda.models.params stores them, e.g. ''{"max_iter": 30}''.';
    END IF;
    fam := tweetlda.model_family(retrain_start.name);
    IF NOT pg_catalog.pg_try_advisory_xact_lock(tweetlda.retrain_lock_key(fam)) THEN
        RAISE EXCEPTION 'a retraining of model family "%" is already running', fam
            USING ERRCODE = 'lock_not_available',
                  HINT = 'Runs are listed in tweetlda.model_runs; wait for the running one to finish.';
    END IF;
    SELECT m.* INTO parent FROM tweetlda.models m WHERE m.family OPERATOR(pg_catalog.=) fam
    ORDER BY m.active DESC, m.version DESC LIMIT 1;
    p := parent.params OPERATOR(pg_catalog.||) coalesce(retrain_start.params, '{}');
    IF retrain_start.k IS NOT NULL THEN
        p := p OPERATOR(pg_catalog.||) pg_catalog.jsonb_build_object('k', retrain_start.k);
    END IF;
    INSERT INTO tweetlda.model_runs (family, "window", window_start, window_end, started_by, promote,
                                     holdout, params, parent_id)
    VALUES (fam, retrain_start."window", pg_catalog.now() OPERATOR(pg_catalog.-) retrain_start."window",
            pg_catalog.now(), retrain_start.started_by, retrain_start.promote, retrain_start.holdout,
            p, parent.id)
    RETURNING id INTO run_id;
    UPDATE tweetlda.model_runs r SET rows = tweetlda.retrain_window_rows(r)
    WHERE r.id OPERATOR(pg_catalog.=) run_id;
    RETURN run_id;
END;
$$;

-- The tweets of a run's window as a query (text, lang), every name and operator qualified.
CREATE FUNCTION tweetlda.retrain_source(run tweetlda.model_runs) RETURNS text
    LANGUAGE sql STABLE STRICT PARALLEL SAFE
    RETURN pg_catalog.format(
        'SELECT t.text, t.lang FROM tweetlda.tweets t '
        'WHERE t.received_at OPERATOR(pg_catalog.>=) %L::pg_catalog.timestamptz '
        'AND t.received_at OPERATOR(pg_catalog.<) %L::pg_catalog.timestamptz',
        run.window_start, run.window_end);

-- The number of tweets in a run's window.
CREATE FUNCTION tweetlda.retrain_window_rows(run tweetlda.model_runs) RETURNS bigint
    LANGUAGE plpgsql STABLE STRICT PARALLEL UNSAFE
    SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    n bigint;
BEGIN
    EXECUTE pg_catalog.format('SELECT pg_catalog.count(*) FROM (%s) AS s', tweetlda.retrain_source(run))
        INTO n;
    RETURN n;
END;
$$;

-- retrain(), step 2 (second transaction): train the candidate on the window's tweets as the next
-- version of the family (train_model() with the run's parameters; store_model() renumbers its
-- topics to the parent's); returns its id. Reads the tweets only: ingestion and scoring go on.
CREATE FUNCTION tweetlda.retrain_train(run_id bigint) RETURNS integer
    LANGUAGE plpgsql VOLATILE STRICT PARALLEL UNSAFE
    SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    run tweetlda.model_runs;
    candidate integer;
BEGIN
    SELECT r.* INTO STRICT run FROM tweetlda.model_runs r WHERE r.id OPERATOR(pg_catalog.=) retrain_train.run_id;
    IF NOT pg_catalog.pg_try_advisory_xact_lock(tweetlda.retrain_lock_key(run.family)) THEN
        RAISE EXCEPTION 'a retraining of model family "%" is already running', run.family
            USING ERRCODE = 'lock_not_available',
                  HINT = 'Runs are listed in tweetlda.model_runs; wait for the running one to finish.';
    END IF;
    UPDATE tweetlda.model_runs r SET active_id = tweetlda.active_model()
    WHERE r.id OPERATOR(pg_catalog.=) run.id;
    IF run.rows OPERATOR(pg_catalog.=) 0 THEN
        RAISE EXCEPTION 'no tweets landed in the retraining window'
            USING ERRCODE = 'no_data_found',
                  DETAIL = pg_catalog.format('No row of tweetlda.tweets was received between %s and %s.',
                                             run.window_start, run.window_end),
                  HINT = 'Choose a longer window, or check that tweets are being ingested.';
    END IF;
    candidate := tweetlda.train_model(NULL, tweetlda.retrain_source(run), run.params, run.holdout,
                                      run.family, run.parent_id, 'retrain');
    UPDATE tweetlda.model_runs r SET candidate_id = candidate WHERE r.id OPERATOR(pg_catalog.=) run.id;
    RETURN candidate;
END;
$$;

-- The held-out slice of a run's window: the documents train_model() held out of the candidate's
-- training (tweetlda.heldout_condition), as a query.
CREATE FUNCTION tweetlda.retrain_heldout_source(run tweetlda.model_runs) RETURNS text
    LANGUAGE plpgsql STABLE STRICT PARALLEL UNSAFE
    SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    RETURN pg_catalog.format('SELECT s.doc FROM (%s) AS s(doc, lang) WHERE %s', tweetlda.retrain_source(run),
                             tweetlda.heldout_condition(tweetlda.retrain_source(run), 's(doc, lang)', run.holdout));
END;
$$;

-- The latest drift check of a model when it says drifted and is newer than the family's last
-- retraining run before this one (NULL otherwise).
CREATE FUNCTION tweetlda.retrain_drift(model_id integer, family text, before_run bigint)
    RETURNS tweetlda.drift_history
    LANGUAGE sql STABLE PARALLEL SAFE
    SET search_path = pg_catalog, pg_temp
BEGIN ATOMIC
    SELECT d.* FROM (SELECT h.* FROM tweetlda.drift_history h
                     WHERE h.model_id OPERATOR(pg_catalog.=) retrain_drift.model_id
                     ORDER BY h.checked_at DESC, h.id DESC LIMIT 1) d
    WHERE d.drifted
      AND d.checked_at OPERATOR(pg_catalog.>) coalesce(
          (SELECT pg_catalog.max(r.started_at) FROM tweetlda.model_runs r
           WHERE r.family OPERATOR(pg_catalog.=) retrain_drift.family
             AND r.id OPERATOR(pg_catalog.<) retrain_drift.before_run),
          '-infinity'::pg_catalog.timestamptz);
END;

-- retrain(), step 3 (third transaction): evaluate the candidate and the model that was active on
-- the held-out slice with evaluate(), decide by the run's policy, activate the candidate when it
-- wins, and finish the run record; returns the decision.
CREATE FUNCTION tweetlda.retrain_decide(run_id bigint) RETURNS text
    LANGUAGE plpgsql VOLATILE STRICT PARALLEL UNSAFE
    SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    run tweetlda.model_runs;
    candidate tweetlda.models;
    active tweetlda.models;
    heldout text;
    cand_fig jsonb;
    act_fig jsonb;
    cand_lp double precision;
    act_lp double precision;
    drift tweetlda.drift_history;
    better boolean := false;
    verdict text;
    why text;
BEGIN
    SELECT r.* INTO STRICT run FROM tweetlda.model_runs r WHERE r.id OPERATOR(pg_catalog.=) retrain_decide.run_id;
    SELECT m.* INTO STRICT candidate FROM tweetlda.models m WHERE m.id OPERATOR(pg_catalog.=) run.candidate_id;
    SELECT m.* INTO active FROM tweetlda.models m WHERE m.id OPERATOR(pg_catalog.=) run.active_id;
    IF run.holdout OPERATOR(pg_catalog.>) 0 THEN
        heldout := tweetlda.retrain_heldout_source(run);
        cand_fig := tweetlda.evaluate(candidate.model, heldout);
        IF active.id IS NOT NULL THEN
            act_fig := tweetlda.evaluate(active.model, heldout);
        END IF;
        cand_lp := (cand_fig OPERATOR(pg_catalog.->>) 'log_perplexity')::double precision;
        act_lp := (act_fig OPERATOR(pg_catalog.->>) 'log_perplexity')::double precision;
        better := cand_lp IS NOT NULL AND (act_lp IS NULL OR cand_lp OPERATOR(pg_catalog.<) act_lp);
    END IF;
    IF active.id IS NOT NULL THEN
        drift := tweetlda.retrain_drift(active.id, run.family, run.id);
    END IF;
    IF active.id IS NULL THEN
        verdict := 'promoted';
        why := 'no model was active';
    ELSIF run.promote OPERATOR(pg_catalog.=) 'never' THEN
        verdict := 'kept';
        why := 'policy never';
    ELSIF run.promote OPERATOR(pg_catalog.=) 'always' THEN
        verdict := 'promoted';
        why := 'policy always';
    ELSIF active.family OPERATOR(pg_catalog.<>) run.family THEN
        verdict := 'kept';
        why := pg_catalog.format('the active model "%s" is of another family', active.name);
    ELSIF run.promote OPERATOR(pg_catalog.<>) 'perplexity' AND drift.id IS NOT NULL THEN
        verdict := 'promoted';
        why := pg_catalog.format('drift detected (drift_history id %s at %s)', drift.id, drift.checked_at);
    ELSIF run.promote OPERATOR(pg_catalog.<>) 'drift' AND better THEN
        verdict := 'promoted';
        why := pg_catalog.format('lower held-out log perplexity (%s < %s)', cand_lp, coalesce(act_lp::text, 'none'));
    ELSE
        verdict := 'kept';
        why := CASE
            WHEN run.promote OPERATOR(pg_catalog.=) 'drift' THEN 'no new drift detected'
            WHEN run.holdout OPERATOR(pg_catalog.=) 0 THEN 'no held-out slice to compare (holdout 0) and no new drift'
            WHEN cand_lp IS NULL THEN 'the candidate knows no word of the held-out slice'
            ELSE pg_catalog.format('held-out log perplexity not lower (%s >= %s)%s', cand_lp, act_lp,
                 CASE WHEN run.promote OPERATOR(pg_catalog.=) 'auto' THEN ' and no new drift' ELSE '' END)
        END;
    END IF;
    IF verdict OPERATOR(pg_catalog.=) 'promoted' THEN
        PERFORM tweetlda.activate(candidate.name);
    END IF;
    UPDATE tweetlda.model_runs r
    SET figures = pg_catalog.jsonb_build_object(
            'candidate', cand_fig, 'active', act_fig,
            'candidate_training', candidate.metrics,
            'drift_id', drift.id),
        decision = verdict, reason = why, finished_at = pg_catalog.clock_timestamp()
    WHERE r.id OPERATOR(pg_catalog.=) run.id;
    RETURN verdict;
END;
$$;

-- retrain(), on error: record the error of a run (its model, if any, was rolled back).
CREATE FUNCTION tweetlda.retrain_fail(run_id bigint, error text) RETURNS void
    LANGUAGE sql VOLATILE PARALLEL UNSAFE
    SET search_path = pg_catalog, pg_temp
BEGIN ATOMIC
    UPDATE tweetlda.model_runs
    SET decision = 'failed', error = retrain_fail.error, finished_at = pg_catalog.clock_timestamp()
    WHERE id OPERATOR(pg_catalog.=) retrain_fail.run_id;
END;

-- Retrain a model family on the tweets received in the last window: a candidate (the family's
-- next version, same parameters as its current version changed by k and params) is trained,
-- compared with the active model on the held-out slice of the window, and activated by the
-- promote policy: auto (drift detected since the last run, or a lower held-out log perplexity),
-- perplexity, drift, always or never. Every run is recorded in tweetlda.model_runs; a failed run
-- records its error there and raises it, leaving no half-stored model. Three transactions
-- (record the run; train and store; evaluate and decide): call it with CALL, outside a
-- transaction block. A procedure that commits cannot have SET search_path: everything below is
-- schema-qualified, the variables' types too (it runs as a pg_cron job, whose search_path is
-- the database's).
CREATE PROCEDURE tweetlda.retrain(
    name text,
    "window" interval DEFAULT '30 days',
    k integer DEFAULT NULL,
    params jsonb DEFAULT NULL,
    holdout integer DEFAULT 2000,
    promote text DEFAULT 'auto',
    started_by text DEFAULT 'manual',
    INOUT run_id bigint DEFAULT NULL,
    INOUT decision text DEFAULT NULL,
    INOUT candidate text DEFAULT NULL)
    LANGUAGE plpgsql
AS $$
DECLARE
    msg pg_catalog.text;
    state pg_catalog.text;
    det pg_catalog.text;
    hnt pg_catalog.text;
BEGIN
    run_id := tweetlda.retrain_start(retrain.name, retrain."window", retrain.k, retrain.params,
                                     retrain.holdout, retrain.promote, retrain.started_by);
    COMMIT;
    BEGIN
        PERFORM tweetlda.retrain_train(run_id);
    EXCEPTION WHEN OTHERS THEN
        GET STACKED DIAGNOSTICS msg = MESSAGE_TEXT, state = RETURNED_SQLSTATE,
                                det = PG_EXCEPTION_DETAIL, hnt = PG_EXCEPTION_HINT;
    END;
    IF msg IS NULL THEN
        COMMIT;
        BEGIN
            decision := tweetlda.retrain_decide(run_id);
        EXCEPTION WHEN OTHERS THEN
            GET STACKED DIAGNOSTICS msg = MESSAGE_TEXT, state = RETURNED_SQLSTATE,
                                    det = PG_EXCEPTION_DETAIL, hnt = PG_EXCEPTION_HINT;
        END;
    END IF;
    IF msg IS NOT NULL THEN
        PERFORM tweetlda.retrain_fail(run_id, msg);
        COMMIT;
        det := CASE WHEN det OPERATOR(pg_catalog.=) '' THEN '' ELSE det OPERATOR(pg_catalog.||) ' ' END
            OPERATOR(pg_catalog.||)
            pg_catalog.format('The run is recorded in tweetlda.model_runs (id %s).', run_id);
        IF hnt OPERATOR(pg_catalog.=) '' THEN
            RAISE EXCEPTION USING MESSAGE = msg, ERRCODE = state, DETAIL = det;
        END IF;
        RAISE EXCEPTION USING MESSAGE = msg, ERRCODE = state, DETAIL = det, HINT = hnt;
    END IF;
    COMMIT;
    SELECT m.name INTO candidate FROM tweetlda.model_runs r JOIN tweetlda.models m
        ON m.id OPERATOR(pg_catalog.=) r.candidate_id
    WHERE r.id OPERATOR(pg_catalog.=) run_id;
END
$$;

-- Whether the drift-triggered job should retrain a family now: the active model is a version of
-- it and its latest drift check says drifted, newer than the family's last retraining run.
CREATE FUNCTION tweetlda.retrain_due(name text) RETURNS boolean
    LANGUAGE sql STABLE STRICT PARALLEL SAFE
    SET search_path = pg_catalog, pg_temp
BEGIN ATOMIC
    SELECT EXISTS (
        SELECT 1 FROM tweetlda.models m
        WHERE m.active AND m.family OPERATOR(pg_catalog.=) tweetlda.model_family(retrain_due.name)
          AND (tweetlda.retrain_drift(m.id, m.family, 9223372036854775807)).id IS NOT NULL);
END;

-- The job of schedule_retraining(on_drift => true): retrain when retrain_due() says so.
CREATE PROCEDURE tweetlda.retrain_on_drift(name text, "window" interval DEFAULT '30 days')
    LANGUAGE plpgsql
AS $$
DECLARE
    run bigint;
    verdict pg_catalog.text;
    cand pg_catalog.text;
BEGIN
    IF tweetlda.retrain_due(retrain_on_drift.name) THEN
        CALL tweetlda.retrain(retrain_on_drift.name, "window" => retrain_on_drift."window",
                              started_by => 'drift', run_id => run, decision => verdict, candidate => cand);
    END IF;
END
$$;

-- Retrain a family with pg_cron: a job 'tweetlda retrain <family>' on schedule (monthly by
-- default) and, with on_drift, a job 'tweetlda retrain on drift <family>' on drift_schedule
-- (every 15 minutes by default) that retrains when retrain_due() says so. Scheduling again
-- replaces the jobs (on_drift false removes the drift job). Returns the id of the first job.
CREATE FUNCTION tweetlda.schedule_retraining(name text, schedule text DEFAULT '0 3 1 * *',
        on_drift boolean DEFAULT true, "window" interval DEFAULT '30 days',
        drift_schedule text DEFAULT '*/15 * * * *') RETURNS bigint
    LANGUAGE plpgsql VOLATILE CALLED ON NULL INPUT PARALLEL UNSAFE
    SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    fam text;
    job bigint;
BEGIN
    PERFORM tweetlda.require_pg_cron('Scheduled retraining runs tweetlda.retrain() as a pg_cron job.',
                                     'or run CALL tweetlda.retrain(...) yourself.');
    IF schedule_retraining.name IS NULL OR schedule_retraining.schedule IS NULL
       OR schedule_retraining.on_drift IS NULL
       OR (schedule_retraining.on_drift AND schedule_retraining.drift_schedule IS NULL) THEN
        RAISE EXCEPTION 'the name, schedule, on_drift and drift_schedule of tweetlda.schedule_retraining() must not be NULL'
            USING ERRCODE = 'null_value_not_allowed';
    END IF;
    IF schedule_retraining."window" IS NULL OR schedule_retraining."window" OPERATOR(pg_catalog.<=) '0'::pg_catalog.interval THEN
        RAISE EXCEPTION 'the window of tweetlda.schedule_retraining() must be a positive interval, not %',
                coalesce(schedule_retraining."window"::text, 'NULL')
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    fam := tweetlda.model_family(schedule_retraining.name);
    EXECUTE 'SELECT cron.schedule($1, $2, $3)' INTO job
        USING 'tweetlda retrain ' OPERATOR(pg_catalog.||) fam, schedule_retraining.schedule,
              pg_catalog.format('CALL tweetlda.retrain(%L, "window" => %L, started_by => %L)',
                                fam, schedule_retraining."window", 'schedule');
    IF schedule_retraining.on_drift THEN
        EXECUTE 'SELECT cron.schedule($1, $2, $3)'
            USING 'tweetlda retrain on drift ' OPERATOR(pg_catalog.||) fam, schedule_retraining.drift_schedule,
                  pg_catalog.format('CALL tweetlda.retrain_on_drift(%L, "window" => %L)',
                                    fam, schedule_retraining."window");
    ELSE
        PERFORM tweetlda.unschedule_job('tweetlda retrain on drift ' OPERATOR(pg_catalog.||) fam);
    END IF;
    RETURN job;
END;
$$;

-- Remove the retraining jobs of a family (schedule and drift); true when there was one.
CREATE FUNCTION tweetlda.unschedule_retraining(name text) RETURNS boolean
    LANGUAGE plpgsql VOLATILE STRICT PARALLEL UNSAFE
    SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    fam text := tweetlda.model_family(unschedule_retraining.name);
    a boolean;
    b boolean;
BEGIN
    a := tweetlda.unschedule_job('tweetlda retrain ' OPERATOR(pg_catalog.||) fam);
    b := tweetlda.unschedule_job('tweetlda retrain on drift ' OPERATOR(pg_catalog.||) fam);
    RETURN a OR b;
END;
$$;

-- Writing functions are for the owner and the roles it grants them to.
REVOKE ALL ON FUNCTION tweetlda.inherit_topics(integer, double precision),
    tweetlda.retrain_start(text, interval, integer, jsonb, integer, text, text),
    tweetlda.retrain_train(bigint), tweetlda.retrain_decide(bigint),
    tweetlda.retrain_fail(bigint, text),
    tweetlda.schedule_retraining(text, text, boolean, interval, text),
    tweetlda.unschedule_job(text), tweetlda.unschedule_retraining(text) FROM PUBLIC;
REVOKE ALL ON PROCEDURE tweetlda.retrain(text, interval, integer, jsonb, integer, text, text,
    bigint, text, text), tweetlda.retrain_on_drift(text, interval) FROM PUBLIC;
