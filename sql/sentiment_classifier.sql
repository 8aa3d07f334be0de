-- Trained sentiment classifiers: training with the aggregate and train_sentiment(), determinism
-- whatever the row order or plan, the model type's text form, and the scoring API.
SET client_min_messages = warning;
CREATE EXTENSION IF NOT EXISTS tweetlda;
RESET client_min_messages;
\i test/fixtures/sentiment_airline.sql
SELECT label, count(*) FROM airline GROUP BY label ORDER BY label;

-- the aggregate returns a self-contained model
CREATE TABLE m AS
SELECT tweetlda.sentiment_classifier(doc, label, '{"holdout": 0.25}') AS model FROM airline;
SELECT i->'classes' AS classes, (i->>'features')::int > 100 AS has_features, i->'hash_bits' AS bits,
       i->'bigrams' AS bigrams, i->'social' AS social, i->'text_config'->'stopwords' AS stopwords,
       i#>'{training,examples}' AS examples, i#>'{training,holdout_examples}' AS held,
       i#>'{training,class_counts}' AS class_counts,
       (i#>>'{training,iterations}')::int > 0 AS iterated,
       (i#>>'{holdout,macro_f1}')::float8 > 0.9 AS holdout_f1_above_09,
       i#>'{holdout,confusion}' AS confusion
FROM m, tweetlda.sentiment_model_info(model) AS i;

-- the text form: a readable summary, then the data; it round-trips exactly
SELECT substr(model::text, 1, position('data=' IN model::text) + 4) AS summary FROM m;
SELECT model::text::tweetlda.sentiment_model::text = model::text AS text_round_trip,
       tweetlda.sentiment_model_fingerprint(model::text::tweetlda.sentiment_model)
         = tweetlda.sentiment_model_fingerprint(model) AS same_fingerprint
FROM m;

-- determinism: the same rows in other orders, and under a parallel plan, give the same model
CREATE TABLE fp AS
SELECT 'plain' AS how, tweetlda.sentiment_model_fingerprint(model) AS f FROM m;
INSERT INTO fp SELECT 'md5 order', tweetlda.sentiment_model_fingerprint(
    tweetlda.sentiment_classifier(doc, label, '{"holdout": 0.25}' ORDER BY md5(doc))) FROM airline;
INSERT INTO fp SELECT 'reverse order', tweetlda.sentiment_model_fingerprint(
    tweetlda.sentiment_classifier(doc, label, '{"holdout": 0.25}' ORDER BY id DESC)) FROM airline;
-- a copy of the table in another physical order, scanned by parallel workers
CREATE TABLE airline_shuffled AS SELECT * FROM airline ORDER BY md5(doc || 'x');
ALTER TABLE airline_shuffled SET (parallel_workers = 2);
SET parallel_setup_cost = 0;
SET parallel_tuple_cost = 0;
SET min_parallel_table_scan_size = 0;
SET max_parallel_workers_per_gather = 2;
EXPLAIN (COSTS OFF)
SELECT tweetlda.sentiment_classifier(doc, label, '{"holdout": 0.25}') FROM airline_shuffled;
INSERT INTO fp SELECT 'parallel', tweetlda.sentiment_model_fingerprint(
    tweetlda.sentiment_classifier(doc, label, '{"holdout": 0.25}')) FROM airline_shuffled;
RESET parallel_setup_cost;
RESET parallel_tuple_cost;
RESET min_parallel_table_scan_size;
RESET max_parallel_workers_per_gather;
SELECT count(*) AS runs, count(DISTINCT f) AS fingerprints FROM fp;
-- other parameters give another model
SELECT tweetlda.sentiment_model_fingerprint(tweetlda.sentiment_classifier(doc, label, '{"holdout": 0.25, "seed": 7}'))
       <> (SELECT f FROM fp WHERE how = 'plain') AS other_seed_other_model
FROM airline;

-- train_sentiment stores the model in the registry; its metrics come from the held-out slice
SELECT m->'holdout'->'examples' AS held, m->'examples' AS examples,
       (m#>>'{holdout,macro_f1}')::float8 > 0.9 AS good, m->'cross_validation' AS cv
FROM tweetlda.train_sentiment('airline', 'SELECT doc, label FROM airline', holdout => 0.25) AS m;
SELECT name, source, params, metrics->'fingerprint' = to_jsonb((SELECT f FROM fp WHERE how = 'plain')) AS same_as_aggregate
FROM tweetlda.sentiment_models;
SELECT name, description FROM tweetlda.analyzers() ORDER BY name;
-- k-fold cross-validation on the training share, besides the held-out slice
SELECT i#>'{cross_validation,folds}' AS folds, (i#>>'{cross_validation,macro_f1}')::float8 > 0.8 AS cv_good,
       i#>'{holdout,examples}' AS held
FROM (SELECT tweetlda.sentiment_model_info(tweetlda.sentiment_classifier(doc, label, '{"holdout": 0.25, "cv_folds": 4}')) AS i
      FROM airline) x;

-- the model is an analyzer: sentiment(), polarity(), subjectivity(), sentiment_label()
SELECT d AS doc, tweetlda.sentiment_label(d, 'airline') AS label,
       round(tweetlda.polarity(d, 'airline')::numeric, 2) > 0 AS positive_polarity,
       tweetlda.sentiment_label(d, 'social') AS social_label
FROM (VALUES ('my flight was delayed again'), ('on hold for an hour'),
             ('lost my bag'), ('thanks for the smooth flight'),
             ('flying to boston tomorrow')) AS t(d);
SELECT (s).polarity = tweetlda.polarity(d, 'airline') AS same_polarity,
       (s).subjectivity = tweetlda.subjectivity(d, 'airline') AS same_subjectivity,
       (s).polarity BETWEEN -1 AND 1 AS in_range
FROM (SELECT d, tweetlda.sentiment(d, 'airline') AS s
      FROM (VALUES ('great crew today'), ('flight delayed')) AS t(d)) x;
-- polarity = P(positive) - P(negative), subjectivity = 1 - P(neutral)
SELECT abs(tweetlda.polarity('great crew, delayed', 'airline')
           - (SELECT sum(CASE label WHEN 'positive' THEN probability WHEN 'negative' THEN -probability ELSE 0 END)
              FROM tweetlda.sentiment_probabilities('great crew, delayed', 'airline'))) < 1e-12 AS polarity_ok,
       abs(tweetlda.subjectivity('great crew, delayed', 'airline')
           - (1 - (SELECT probability FROM tweetlda.sentiment_probabilities('great crew, delayed', 'airline')
                   WHERE label = 'neutral'))) < 1e-12 AS subjectivity_ok;
SELECT label, probability > 0 AND probability < 1 AS proper
FROM tweetlda.sentiment_probabilities('delayed again', 'airline');
SELECT round(sum(probability)::numeric, 12) AS total
FROM tweetlda.sentiment_probabilities('delayed again', 'airline');
SELECT tweetlda.polarity('', 'airline') IS NOT NULL AS empty_text_scores;

-- explain: the features that moved the decision, strongest first
SELECT feature, kind, predicted, contribution > 0 AS pushes
FROM tweetlda.sentiment_explain('lost my bag again', 'airline')
WHERE kind IN ('word', 'bigram') ORDER BY abs(contribution) DESC, feature LIMIT 4;
-- the pushes add up to z[predicted] - mean(z): the log-odds of the predicted class against the
-- geometric mean of the others
SELECT abs(sum(contribution) - (SELECT ln(max(probability)) - avg(ln(probability))
                               FROM tweetlda.sentiment_probabilities('lost my bag again', 'airline'))) < 1e-5 AS adds_up
FROM tweetlda.sentiment_explain('lost my bag again', 'airline');

-- evaluation and active learning
SELECT e->'examples' AS examples, (e->>'accuracy')::float8 > 0.9 AS accurate,
       jsonb_object_keys(e->'classes') AS class
FROM tweetlda.evaluate_sentiment('airline', 'SELECT doc, label FROM airline') AS e ORDER BY class;
SELECT e->'confusion' AS confusion
FROM tweetlda.evaluate_sentiment('airline', $$VALUES ('delayed again', 'negative'), ('thanks, awesome', 'positive'), ('delayed, thanks', NULL)$$) AS e;
SELECT count(*) AS n, bool_and(margin >= 0 AND margin <= 1) AS margins_ok,
       array_agg(doc ORDER BY margin, doc COLLATE "C")
         = (SELECT array_agg(doc ORDER BY margin, doc COLLATE "C")
            FROM (SELECT doc, tweetlda.sentiment_margin(doc, 'airline') AS margin FROM airline
                  ORDER BY 2, doc COLLATE "C" LIMIT 5) x) AS least_sure_first
FROM tweetlda.sentiment_uncertain('airline', 'SELECT doc FROM airline', 5);
SELECT doc FROM tweetlda.sentiment_uncertain('airline',
    $$VALUES ('thanks @delta for the smooth flight'), ('delayed, thanks'), ('lost my bag')$$, 1);

-- the stream's analyzer: a trained model scores the stream's tweets and labels them with its
-- most probable class
TRUNCATE tweetlda.pending, tweetlda.tweet_scores;
SELECT tweetlda.ingest_batch(ARRAY(
    SELECT jsonb_build_object('id', 913000000 + id, 'text', doc)::text FROM airline WHERE id % 7 = 0));
SET client_min_messages = warning;
SELECT tweetlda.train('clf_stream_lda', 'SELECT doc FROM airline', k => 2) > 0 AS trained;
RESET client_min_messages;
SELECT tweetlda.activate('clf_stream_lda') > 0 AS activated;
UPDATE tweetlda.stream_state SET analyzer = 'airline';
SELECT tweetlda.process_pending() AS scored;
SELECT s.sentiment, count(*),
       bool_and(s.sentiment = tweetlda.sentiment_label(t.text, 'airline')) AS classifier_label,
       bool_and(s.polarity = tweetlda.polarity(t.text, 'airline')) AS classifier_polarity
FROM tweetlda.tweet_scores s JOIN tweetlda.tweets t ON t.id = s.tweet_id
GROUP BY 1 ORDER BY 1;
UPDATE tweetlda.stream_state SET analyzer = 'textblob';
TRUNCATE tweetlda.pending, tweetlda.tweet_scores;
DELETE FROM tweetlda.models WHERE name = 'clf_stream_lda';
DELETE FROM tweetlda.tweets WHERE id BETWEEN 913000000 AND 913999999;
DELETE FROM tweetlda.tweet_ids WHERE id BETWEEN 913000000 AND 913999999;

-- replacing a model: scoring sees the new one at once (the cache is invalidated)
SELECT tweetlda.sentiment_label('flying to boston tomorrow', 'airline');
SELECT (tweetlda.train_sentiment('airline', $$SELECT doc, CASE WHEN label = 'neutral' THEN 'positive' ELSE label END FROM airline$$,
                                 replace => true))->'examples' AS examples;
SELECT tweetlda.sentiment_label('flying to boston tomorrow', 'airline');
SELECT jsonb_array_length(tweetlda.sentiment_model_info(model)->'classes') FROM tweetlda.sentiment_models;
DELETE FROM tweetlda.sentiment_models;
SELECT tweetlda.polarity('delayed', 'airline');

-- options: char n-grams, no social signals, another text configuration, no class weights
SELECT i->'char_ngrams' AS char_ngrams, i->'social' AS social, i->'text_config'->'stem' AS stem,
       i#>'{training,class_weight}' AS class_weight, (i->>'features')::int > 0 AS has_features
FROM (SELECT tweetlda.sentiment_model_info(tweetlda.sentiment_classifier(doc, label,
        '{"char_ngrams": [3, 4], "social": false, "text_config": {"stem": true}, "class_weight": "none", "hash_bits": 16}')) AS i
      FROM airline) x;

-- two classes: the optimizer fits one logistic column (the two-column optimum has w0 = -w1) and
-- stores both columns.  Run to a tight tolerance, loss and probabilities are those of the
-- two-column fit of 0.2.0 before that change (unpreconditioned; recorded from it at the same
-- tolerance, to 4 decimals), with the default and a weak penalty: the optimum is unique, so any
-- correct optimizer lands there.  At the default tolerance the fit stops near it (loss at most
-- 0.002 above the optimum; 0.2.0 stopped 0.0003 and 0.0007 above) and gives the same labels.
CREATE TABLE two_class (l2 float8, loss float8, probabilities text);
INSERT INTO two_class VALUES
    (1.0, 0.073508, 'negative=0.8781 positive=0.1219 negative=0.9732 positive=0.0268 negative=0.0391 positive=0.9609'),
    (0.02, 0.004514, 'negative=0.9790 positive=0.0210 negative=0.9990 positive=0.0010 negative=0.0014 positive=0.9986');
CREATE FUNCTION pg_temp.two_class_fit(l2 float8, params jsonb,
                                      OUT iterations int, OUT loss float8, OUT probabilities text,
                                      OUT labels text)
LANGUAGE plpgsql AS $f$
BEGIN
    iterations := (tweetlda.train_sentiment('airline2', $$SELECT doc, label FROM airline WHERE label <> 'neutral'$$,
                                            holdout => 0, l2 => l2, params => params, replace => true))->'iterations';
    SELECT (tweetlda.sentiment_model_info(model)#>>'{training,loss}')::float8 INTO loss
    FROM tweetlda.sentiment_models WHERE name = 'airline2';
    SELECT string_agg(p.label || '=' || round(p.probability::numeric, 4), ' ' ORDER BY d, p.label),
           string_agg(CASE WHEN p.probability > 0.5 THEN p.label END, ' ' ORDER BY d)
    INTO probabilities, labels
    FROM (VALUES ('my flight was delayed again'), ('thanks for the smooth flight'),
                 ('flying to boston tomorrow')) AS t(d),
         tweetlda.sentiment_probabilities(d, 'airline2') AS p;
END
$f$;
SELECT t.l2, round(f.loss::numeric, 6) = round(t.loss::numeric, 6) AS optimum_loss,
       f.probabilities = t.probabilities AS optimum_probabilities, f.probabilities
FROM two_class t, pg_temp.two_class_fit(t.l2, '{"tolerance": 1e-7, "max_iter": 1000}') f
ORDER BY t.l2 DESC;
SELECT t.l2, f.iterations BETWEEN 1 AND 200 AS iterated,
       f.loss >= t.loss - 1e-6 AND f.loss <= t.loss + 0.002 AS near_optimum, f.labels
FROM two_class t, pg_temp.two_class_fit(t.l2, '{}') f
ORDER BY t.l2 DESC;
DELETE FROM tweetlda.sentiment_models WHERE name = 'airline2';

-- batches and threads: texts of up to 4096 bytes are featurized in batches of 1024 (the social
-- signals in a helper thread while the backend tokenizes), longer texts one at a time, and a
-- two-class fit of 4096 rows or more evaluates in two threads.  None of it changes the model:
-- padding every text (or every other one) with white space past 4096 bytes, which changes no
-- feature, gives the same model, and so do other row orders and a parallel plan.
CREATE TABLE airline_big AS
SELECT a.doc || ' x' || g AS doc, a.label, g FROM airline a, generate_series(1, 25) g
WHERE a.label <> 'neutral';
SELECT count(*) AS rows, count(DISTINCT doc) AS texts FROM airline_big;
CREATE TABLE fp_big AS
SELECT 'batched' AS how, tweetlda.sentiment_model_fingerprint(
    tweetlda.sentiment_classifier(doc, label, '{"holdout": 0}')) AS f FROM airline_big;
INSERT INTO fp_big SELECT 'one at a time', tweetlda.sentiment_model_fingerprint(
    tweetlda.sentiment_classifier(doc || repeat(' ', 4100), label, '{"holdout": 0}')) FROM airline_big;
INSERT INTO fp_big SELECT 'every other one', tweetlda.sentiment_model_fingerprint(
    tweetlda.sentiment_classifier(CASE WHEN g % 2 = 0 THEN doc || repeat(' ', 4100) ELSE doc END,
                                  label, '{"holdout": 0}' ORDER BY md5(doc))) FROM airline_big;
INSERT INTO fp_big SELECT 'reverse order', tweetlda.sentiment_model_fingerprint(
    tweetlda.sentiment_classifier(doc, label, '{"holdout": 0}' ORDER BY doc DESC)) FROM airline_big;
ALTER TABLE airline_big SET (parallel_workers = 2);
SET parallel_setup_cost = 0;
SET parallel_tuple_cost = 0;
SET min_parallel_table_scan_size = 0;
SET max_parallel_workers_per_gather = 2;
INSERT INTO fp_big SELECT 'parallel', tweetlda.sentiment_model_fingerprint(
    tweetlda.sentiment_classifier(doc, label, '{"holdout": 0}')) FROM airline_big;
RESET parallel_setup_cost;
RESET parallel_tuple_cost;
RESET min_parallel_table_scan_size;
RESET max_parallel_workers_per_gather;
SELECT count(*) AS runs, count(DISTINCT f) AS fingerprints FROM fp_big;
-- at a tight tolerance, the two-thread fit of these rows reaches the optimum recorded from the
-- one-thread fit (loss to 6 decimals)
SELECT round((tweetlda.sentiment_model_info(tweetlda.sentiment_classifier(doc, label,
           '{"holdout": 0, "tolerance": 1e-7, "max_iter": 1000}'))#>>'{training,loss}')::numeric, 6)
       = 0.007846 AS optimum_loss
FROM airline_big;
-- three classes (7,000 rows): the evaluations are shared with the helper thread too; at a tight
-- tolerance the fit reaches the optimum recorded from the one-thread fit, and row order does
-- not matter
CREATE TABLE airline_big3 AS
SELECT a.doc || ' x' || g AS doc, a.label FROM airline a, generate_series(1, 25) g;
SELECT count(*) AS rows,
       round((tweetlda.sentiment_model_info(tweetlda.sentiment_classifier(doc, label,
           '{"holdout": 0, "tolerance": 1e-7, "max_iter": 1000}'))#>>'{training,loss}')::numeric, 6)
       = 0.019516 AS optimum_loss,
       tweetlda.sentiment_model_fingerprint(tweetlda.sentiment_classifier(doc, label, '{"holdout": 0}'))
       = (SELECT tweetlda.sentiment_model_fingerprint(tweetlda.sentiment_classifier(doc, label, '{"holdout": 0}' ORDER BY md5(doc)))
          FROM airline_big3) AS same_in_another_order
FROM airline_big3;
-- without social signals (no helper thread for the features) the batches give the same model too
SELECT tweetlda.sentiment_model_fingerprint(tweetlda.sentiment_classifier(doc, label, '{"holdout": 0, "social": false}'))
       = tweetlda.sentiment_model_fingerprint(tweetlda.sentiment_classifier(doc || repeat(' ', 4100), label,
                                                                            '{"holdout": 0, "social": false}'))
       AS same_without_social
FROM airline_big;
-- one model per group: each group's state batches its own texts (GROUP BY, hashed or sorted)
SELECT count(*) AS groups, count(DISTINCT f) AS models,
       bool_and(f = (SELECT tweetlda.sentiment_model_fingerprint(tweetlda.sentiment_classifier(doc, label, '{"holdout": 0}'))
                     FROM airline_big b WHERE b.g = x.g)) AS same_as_alone
FROM (SELECT g, tweetlda.sentiment_model_fingerprint(tweetlda.sentiment_classifier(doc, label, '{"holdout": 0}')) AS f
      FROM airline_big GROUP BY g) x;
-- statement_timeout stops a long training run, and the session goes on
SET statement_timeout = '300ms';
SELECT tweetlda.sentiment_classifier('tweet number ' || g || CASE WHEN g % 2 = 0 THEN ' so good :)' ELSE ' so bad :(' END,
                                     CASE WHEN g % 2 = 0 THEN 'positive' ELSE 'negative' END) IS NOT NULL
FROM generate_series(1, 5000000) g;
RESET statement_timeout;
SELECT (tweetlda.sentiment_model_info(tweetlda.sentiment_classifier(doc, label, '{"holdout": 0}'))#>>'{training,examples}')::int
       AS examples_after_timeout
FROM airline_big;

DROP TABLE airline, airline_shuffled, m, fp, two_class, airline_big, fp_big, airline_big3;
