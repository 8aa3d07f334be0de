-- LDA: train(), the registry, activate(), scoring, inspection, evaluation, errors, determinism.
SET client_min_messages = warning;
CREATE EXTENSION IF NOT EXISTS tweetlda;
CREATE TABLE lda_tweets (corpus text, tweet_id bigint, created_at timestamptz, lang text,
                         text text, source_ref text);
\copy lda_tweets FROM 'data/sample/tweets_sample.csv' WITH (FORMAT csv, HEADER true)

-- Train k=5 with the defaults; the first model becomes active.
SELECT tweetlda.train('t5', 'SELECT text FROM lda_tweets', k => 5) AS t5 \gset
SELECT id = :t5 AS same_id, name, k, active, params->>'weighting' AS weighting,
       params->>'optimizer' AS optimizer, (params->>'seed')::int AS seed,
       (metrics->>'documents')::int + (metrics->>'empty_documents')::int AS documents,
       (metrics->'quality'->>'heldout_documents')::int AS heldout,
       (metrics->>'vocab_size')::int > 1000 AS big_vocab
FROM tweetlda.models;
SELECT tweetlda.active_model() = :t5 AS t5_active;

-- topic_terms: k x n rows, ranks 1..n, weights in (0, 1); with lambda => 1 (plain probability)
-- the weights are non-increasing within a topic; the default (relevance, lambda 0.6) is not.
SELECT count(*), count(DISTINCT topic), min(topic), max(topic), min(rank), max(rank)
FROM tweetlda.topic_terms('t5');
SELECT bool_and(weight > 0 AND weight < 1) AS in_range,
       bool_and(prev IS NULL OR weight <= prev) AS sorted
FROM (SELECT weight, lag(weight) OVER (PARTITION BY topic ORDER BY rank) AS prev
      FROM tweetlda.topic_terms(:t5, 25, lambda => 1)) s;
SELECT bool_and(prev IS NULL OR weight <= prev) AS relevance_sorted_by_weight
FROM (SELECT weight, lag(weight) OVER (PARTITION BY topic ORDER BY rank) AS prev
      FROM tweetlda.topic_terms(:t5, 25)) s;
-- n larger than the vocabulary gives every term; n < 1 is an error.
SELECT count(*) = 5 * (tweetlda.model_info('t5')->>'vocab_size')::int AS all_terms
FROM tweetlda.topic_terms('t5', 1000000);
SELECT * FROM tweetlda.topic_terms('t5', 0);

-- topic_word: the whole distribution, each topic sums to 1.
SELECT topic, count(*) = (tweetlda.model_info('t5')->>'vocab_size')::int AS full,
       round(sum(weight)::numeric, 6) AS total
FROM tweetlda.topic_word('t5') GROUP BY topic ORDER BY topic;

-- model_info
SELECT jsonb_object_keys(tweetlda.model_info('t5')) AS key ORDER BY 1;
SELECT i->'k' AS k, jsonb_array_length(i->'alpha') AS alpha_len, (i->>'eta')::float8 = 0.2 AS eta,
       i->>'weighting' AS weighting, i->'text_config'->>'language' AS language,
       i->'training'->>'optimizer' AS optimizer, i->'training'->'iterations' AS iterations,
       i->'training'->'passes' AS passes, i->'training'->'seed' AS seed,
       (i->'training'->>'bound_per_token')::float8 < 0 AS bound_negative
FROM tweetlda.model_info('t5') AS i;
SELECT jsonb_object_keys(tweetlda.model_info('t5')->'training') AS training_key ORDER BY 1;

-- Scoring: every result has k elements summing to 1; top_topic is the argmax (from 1).
SELECT count(*) AS scored,
       count(*) FILTER (WHERE array_length(mix, 1) = 5) AS k_elements,
       count(*) FILTER (WHERE abs((SELECT sum(x) FROM unnest(mix) x) - 1) < 1e-5) AS sum_one,
       count(*) FILTER (WHERE mix[top] = (SELECT max(x) FROM unnest(mix) x)) AS top_is_max,
       min(top) >= 1 AND max(top) <= 5 AS top_range
FROM (SELECT tweetlda.topics('t5', text) AS mix, tweetlda.top_topic('t5', text) AS top
      FROM lda_tweets) s WHERE mix IS NOT NULL;
-- The three overloads agree: by id, by name (an untyped literal is a name), by value.
SELECT count(*) FILTER (WHERE a IS DISTINCT FROM b OR b IS DISTINCT FROM c) AS disagreements,
       count(*) FILTER (WHERE t1 IS DISTINCT FROM t2 OR t2 IS DISTINCT FROM t3) AS top_disagreements
FROM (SELECT tweetlda.topics(:t5, text) AS a, tweetlda.topics('t5', text) AS b,
             tweetlda.topics(m.model, text) AS c,
             tweetlda.top_topic(:t5, text) AS t1, tweetlda.top_topic('t5', text) AS t2,
             tweetlda.top_topic(m.model, text) AS t3
      FROM lda_tweets, tweetlda.models m WHERE m.name = 't5') s;
-- Deterministic: scoring twice gives the same result.
SELECT tweetlda.topics('t5', 'Boston marathon bombing suspect') =
       tweetlda.topics('t5', 'Boston marathon bombing suspect') AS deterministic;
-- A tweet with no term of the vocabulary has no topic: NULL (empty text too).
SELECT tweetlda.topics('t5', 'qwxyz zzyzx') AS unknown_words, tweetlda.top_topic('t5', 'qwxyz') AS top,
       tweetlda.topics('t5', '') AS empty, tweetlda.top_topic('t5', 'the and of') AS stopwords;
-- Tweets of the sample without a known term: as many as training counted (training slice plus
-- held-out slice).
SELECT count(*) FILTER (WHERE tweetlda.topics('t5', text) IS NULL) =
       (SELECT (metrics->>'empty_documents')::int +
               round((metrics->'quality'->>'no_word_share')::float8 * (metrics->'quality'->>'heldout_documents')::int)
        FROM tweetlda.models WHERE name = 't5') AS same_count
FROM lda_tweets;
-- NULL in, NULL out.
SELECT tweetlda.topics('t5', NULL) IS NULL AS a, tweetlda.topics(NULL::int, 'boston') IS NULL AS b,
       tweetlda.top_topic(NULL::tweetlda.lda_model, 'boston') IS NULL AS c;
-- Unknown models.
SELECT tweetlda.topics('nope', 'boston');
SELECT tweetlda.top_topic(999, 'boston');
SELECT * FROM tweetlda.topic_terms('nope');
SELECT tweetlda.model_info(999);

-- Evaluation: Spark's logLikelihood and logPerplexity (-log_likelihood / tokens).
SELECT ll < 0 AS negative, lp > 0 AS positive,
       abs(lp - (-ll / (SELECT sum(b[2]) FROM (SELECT tweetlda.lda_doc_bound(tweetlda.get_model('t5'), text) b
                                               FROM lda_tweets) s))) < 1e-9 AS consistent
FROM (SELECT tweetlda.log_likelihood('t5', 'SELECT text FROM lda_tweets') AS ll,
             tweetlda.log_perplexity('t5', 'SELECT text FROM lda_tweets') AS lp) s;
SELECT tweetlda.log_perplexity(:t5, 'SELECT text FROM lda_tweets') =
       tweetlda.log_perplexity('t5', 'SELECT text FROM lda_tweets') AS same;
-- no known term: perplexity NULL, likelihood = the topics part only
SELECT tweetlda.log_perplexity('t5', $$SELECT 'qwxyz'$$) AS perplexity,
       tweetlda.log_likelihood('t5', $$SELECT 'qwxyz' WHERE false$$) =
       tweetlda.lda_topics_bound(tweetlda.get_model('t5')) AS topics_part;

-- A second model (batch, tf) does not take over; activate() switches atomically.
SELECT tweetlda.train('t3', 'SELECT text FROM lda_tweets', k => 3, optimizer => 'batch',
                      max_iter => 5, weighting => 'tf', min_df => 5) AS t3 \gset
SELECT name, k, active FROM tweetlda.models ORDER BY id;
SELECT tweetlda.activate('t3') = :t3 AS activated;
SELECT name, active FROM tweetlda.models ORDER BY id;
SELECT tweetlda.activate('t3') = :t3 AS again;
SELECT count(*) FILTER (WHERE active) AS active_models FROM tweetlda.models;
SELECT tweetlda.activate('nope');
-- the partial unique index allows one active model only
UPDATE tweetlda.models SET active = true;
-- a 1 MB tweet is scored like its words
SELECT array_length(tweetlda.topics('t3', repeat('flood queensland boston ', 40000)), 1) AS k,
       tweetlda.top_topic('t3', repeat('flood queensland boston ', 40000)) =
       tweetlda.top_topic('t3', 'flood queensland boston') AS same_top;
SELECT tweetlda.model_info('t3')->'training'->>'optimizer' AS optimizer,
       tweetlda.model_info('t3')->>'weighting' AS weighting;

-- Determinism: the same data, parameters and seed give the same model; another seed does not.
SELECT tweetlda.train('t5_again', 'SELECT text FROM lda_tweets ORDER BY tweet_id DESC', k => 5) IS NOT NULL AS trained;
SELECT tweetlda.train('t5_seed7', 'SELECT text FROM lda_tweets', k => 5, seed => 7) IS NOT NULL AS trained;
SELECT a.name, tweetlda.model_info(a.name)->>'fingerprint' = tweetlda.model_info('t5')->>'fingerprint' AS same_fingerprint,
       (SELECT array_agg(weight ORDER BY topic, term) FROM tweetlda.topic_word(a.name)) =
       (SELECT array_agg(weight ORDER BY topic, term) FROM tweetlda.topic_word('t5')) AS same_topics
FROM tweetlda.models a WHERE a.name IN ('t5_again', 't5_seed7') ORDER BY a.name;

-- Caches notice changes of the models table: replace t5's model by t3's (k=3) in this session.
SELECT array_length(tweetlda.topics('t5', 'boston marathon'), 1) AS before;
UPDATE tweetlda.models SET model = (SELECT model FROM tweetlda.models WHERE name = 't3') WHERE name = 't5';
SELECT array_length(tweetlda.topics('t5', 'boston marathon'), 1) AS after,
       array_length(tweetlda.topics(:t5, 'boston marathon'), 1) AS after_by_id;
DELETE FROM tweetlda.models WHERE name = 't5';
SELECT tweetlda.topics('t5', 'boston marathon');

-- Errors.
SELECT tweetlda.train('t5_again', 'SELECT text FROM lda_tweets');
SELECT tweetlda.train(NULL, 'SELECT text FROM lda_tweets');
SELECT tweetlda.train('e', 'SELECT text FROM lda_tweets WHERE false');
SELECT tweetlda.train('e', 'SELECT text FROM lda_tweets', min_df => 100000);
SELECT tweetlda.train('e', 'SELECT text FROM lda_tweets', min_df => 3000, max_df => 0.99);
SELECT tweetlda.train('k_null', 'SELECT text FROM lda_tweets', k => NULL, max_iter => NULL, seed => NULL) IS NOT NULL AS trained;
SELECT k, params->'k' AS k_param, tweetlda.model_info(model)->'training'->'seed' AS seed FROM tweetlda.models WHERE name = 'k_null';
DELETE FROM tweetlda.models WHERE name = 'k_null';
SELECT tweetlda.train('e', 'SELECT text FROM lda_tweets', k => 1);
SELECT tweetlda.train('e', 'SELECT text FROM lda_tweets', k => 1000000);
SELECT tweetlda.train('e', 'SELECT text FROM lda_tweets', max_iter => 0);
SELECT tweetlda.train('e', 'SELECT text FROM lda_tweets', doc_concentration => -2);
SELECT tweetlda.train('e', 'SELECT text FROM lda_tweets', topic_concentration => 0);
SELECT tweetlda.train('e', 'SELECT text FROM lda_tweets', learning_offset => 0);
SELECT tweetlda.train('e', 'SELECT text FROM lda_tweets', learning_decay => 0.5);
SELECT tweetlda.train('e', 'SELECT text FROM lda_tweets', subsampling_rate => 0);
SELECT tweetlda.train('e', 'SELECT text FROM lda_tweets', subsampling_rate => 1.5);
SELECT tweetlda.train('e', 'SELECT text FROM lda_tweets', optimizer => 'em');
SELECT tweetlda.train('e', 'SELECT text FROM lda_tweets', weighting => 'bm25');
SELECT tweetlda.train('e', 'SELECT text FROM lda_tweets', language => 'klingon');
SELECT tweetlda.train('e', 'SELECT nonsense FROM');
-- empty and blank names are refused, by train() and by the table
SELECT tweetlda.train('', 'SELECT text FROM lda_tweets');
SELECT tweetlda.train(E' \t ', 'SELECT text FROM lda_tweets');
SELECT count(*) > 0 AS have_models FROM tweetlda.models;
\set VERBOSITY terse
INSERT INTO tweetlda.models (name, k, model) SELECT '', k, model FROM tweetlda.models ORDER BY id LIMIT 1;
UPDATE tweetlda.models SET name = ' ' WHERE id = (SELECT min(id) FROM tweetlda.models);
\set VERBOSITY default
-- NULL is an error, not a silent NULL
SELECT tweetlda.activate(NULL);
-- the training query must return one text column, or two (text, lang): the error says so and
-- what it returns
SELECT tweetlda.train('e', 'SELECT tweet_id FROM lda_tweets');
SELECT tweetlda.train('e', 'SELECT text, tweet_id FROM lda_tweets');
SELECT tweetlda.train('e', 'SELECT text, lang, lang FROM lda_tweets');
SELECT tweetlda.train('e', 'SELECT FROM lda_tweets');
SELECT tweetlda.train('e', 'DELETE FROM lda_tweets');
SELECT tweetlda.train('e', 'SELECT text FROM lda_tweets; SELECT text FROM lda_tweets');
SELECT count(*) AS tweets_still_there FROM lda_tweets;
SELECT count(*) AS models_after_errors FROM tweetlda.models;

-- The aggregate directly: parameters as jsonb.
CREATE TABLE lda_vocab AS
  SELECT tweetlda.vocabulary(tweetlda.tokenize(text, tweetlda.text_config()), 3, 0.5, 20000) AS v
  FROM lda_tweets;
SELECT tweetlda.model_info(tweetlda.lda(text, (SELECT v FROM lda_vocab), '{"k": 4, "max_iter": 3}'))->'k' AS k
FROM lda_tweets;
SELECT tweetlda.model_info(tweetlda.lda(text, (SELECT v FROM lda_vocab)))->'k' AS default_k FROM lda_tweets;
-- over token arrays (already tokenized with the same configuration): the same topics; only the
-- words differ (token arrays carry no surface forms: their words are the terms)
CREATE TABLE lda_tok_models AS
SELECT tweetlda.lda(tweetlda.tokenize(text, tweetlda.text_config()), (SELECT v FROM lda_vocab),
                    '{"k": 4, "max_iter": 3}') AS from_tokens,
       (SELECT tweetlda.lda(text, (SELECT v FROM lda_vocab), '{"k": 4, "max_iter": 3}') FROM lda_tweets) AS from_text
FROM lda_tweets;
SELECT (SELECT array_agg(weight ORDER BY topic, term) FROM tweetlda.topic_word(from_tokens)) =
       (SELECT array_agg(weight ORDER BY topic, term) FROM tweetlda.topic_word(from_text)) AS same_topics,
       (SELECT bool_and(word = term) FROM tweetlda.topic_terms(from_tokens, 20)) AS token_words_are_terms,
       (SELECT bool_or(word <> term) FROM tweetlda.topic_terms(from_text, 20)) AS text_words_differ
FROM lda_tok_models;
SELECT tweetlda.model_info(tweetlda.lda(t, (SELECT v FROM lda_vocab), '{"k": 2}'))->'training'->'documents' AS docs
FROM (VALUES (ARRAY['flood', NULL, 'flood', 'queensland']), (NULL), (ARRAY[]::text[]), (ARRAY['boston'])) AS v(t);
-- lda_from_text builds the vocabulary itself (one pass over the documents): the same model as
-- tweetlda.vocabulary() followed by tweetlda.lda()
SELECT tweetlda.model_info(tweetlda.lda_from_text(text, '{"k": 4, "max_iter": 3, "min_df": 3, "max_df": 0.5, "max_terms": 20000}'))->'fingerprint' =
       (SELECT tweetlda.model_info(tweetlda.lda(text, (SELECT v FROM lda_vocab), '{"k": 4, "max_iter": 3}'))->'fingerprint'
        FROM lda_tweets) AS same_model
FROM lda_tweets;
SELECT tweetlda.model_info(tweetlda.lda_from_text(text, '{"k": 3, "max_iter": 3, "min_df": 10, "max_terms": 100}')) #> '{training,documents}' AS documents,
       tweetlda.model_info(tweetlda.lda_from_text(text, '{"k": 3, "max_iter": 3, "min_df": 10, "max_terms": 100}'))->'vocab_size' AS vocab_size,
       tweetlda.model_info(tweetlda.lda_from_text(text, '{"k": 3, "max_iter": 3, "min_df": 10, "max_terms": 100}'))->'vocab_documents' AS vocab_documents
FROM lda_tweets;
SELECT tweetlda.lda_from_text(text) FROM lda_tweets WHERE false;
SELECT tweetlda.lda_from_text(NULL::text) FROM lda_tweets;
SELECT tweetlda.lda_from_text(text, '{"min_df": 5000, "max_df": 0.99}') FROM lda_tweets;
SELECT tweetlda.lda_from_text(text, '{"min_df": 3, "max_df": 2}') FROM lda_tweets;
SELECT tweetlda.lda_from_text(text, '{"max_terms": 0}') FROM lda_tweets;
SELECT tweetlda.lda_from_text(text, '{"min_df": -1}') FROM lda_tweets;
SELECT tweetlda.lda(text, (SELECT v FROM lda_vocab), '{"k": 4, "min_df": 3}') FROM lda_tweets;
SELECT tweetlda.lda(text, (SELECT v FROM lda_vocab), '{"k": 4, "iterations": 3}') FROM lda_tweets;
SELECT tweetlda.lda(text, (SELECT v FROM lda_vocab), '[4]') FROM lda_tweets;
SELECT tweetlda.lda(text, (SELECT v FROM lda_vocab), '{"k": "four"}') FROM lda_tweets;
SELECT tweetlda.lda(text, (SELECT v FROM lda_vocab), '{"k": 4.5}') FROM lda_tweets;
SELECT tweetlda.lda(text, (SELECT v FROM lda_vocab), '{"optimize_doc_concentration": 1}') FROM lda_tweets;
SELECT tweetlda.lda(text, NULL, '{"k": 4}') FROM lda_tweets;
SELECT tweetlda.lda(text, (SELECT v FROM lda_vocab)) FROM lda_tweets WHERE false;
SELECT tweetlda.lda(NULL::text, (SELECT v FROM lda_vocab)) FROM lda_tweets;
SELECT tweetlda.lda_check_params('{"k": 3, "text_config": {"language": "german"}}') IS NOT NULL AS ok;
-- the seed is exact up to bigint (not rounded through float8)
SELECT tweetlda.model_info(tweetlda.lda_from_text(text, '{"k": 2, "max_iter": 1, "seed": 9007199254740993}'))
       #>> '{training,seed}' AS seed
FROM lda_tweets;
SELECT tweetlda.lda_check_params('{"seed": 9223372036854775808}');
SELECT tweetlda.lda_check_params('{"seed": 1.5}');
-- every row must pass the same vocabulary, compared by content: a per-row value built again
-- at the same address on every row is not taken for the first row's
SELECT tweetlda.lda(d, (CASE WHEN i = 1 THEN '{"documents": 2, "terms": [["fires", 1], ["smoke", 1]]}'
                             ELSE '{"documents": 2, "terms": [["flood", 1], ["water", 1]]}' END)::tweetlda.vocab,
                    '{"k": 2}')
FROM (VALUES (1, 'fires smoke'), (2, 'flood water')) v(i, d);
-- the same vocabulary in every row, even as a per-row value: fine
SELECT tweetlda.model_info(tweetlda.lda(d, ('{"documents": 2, "terms": [["fire", 1], ["smoke", 1]]}' || repeat(' ', i))::tweetlda.vocab,
                                        '{"k": 2}'))->'vocab_size' AS vocab_size
FROM (VALUES (1, 'fires smoke'), (2, 'fire water')) v(i, d);
-- the parameters too: a later row with other parameters is an error, not ignored
SELECT tweetlda.lda(d, (SELECT v FROM lda_vocab), CASE WHEN i = 1 THEN '{"k": 2}' ELSE '{"k": 3}' END::jsonb)
FROM (VALUES (1, 'fire'), (2, 'flood')) v(i, d);
SELECT tweetlda.lda(d, (SELECT v FROM lda_vocab), CASE WHEN i = 1 THEN '{"k": 2}' END::jsonb)
FROM (VALUES (1, 'fire'), (2, 'flood')) v(i, d);
SELECT tweetlda.lda_from_text(d, jsonb_build_object('k', 2, 'min_df', 1, 'seed', i))
FROM (VALUES (1, 'fire smoke'), (2, 'flood water')) v(i, d);
-- equal parameters written differently are the same parameters
SELECT tweetlda.model_info(tweetlda.lda_from_text(d, CASE WHEN i = 1 THEN '{"k": 2, "min_df": 1}' ELSE '{"min_df": 1, "k": 2.0}' END::jsonb))->'k' AS k
FROM (VALUES (1, 'fire smoke'), (2, 'flood water')) v(i, d);
-- a document of 100000 distinct terms in the reverse of vocabulary order, four times: its
-- terms are sorted in O(n log n): about 2 s here (an insertion sort took about 23 s)
SET statement_timeout = '12s';
SELECT tweetlda.model_info(tweetlda.lda_from_text(d, '{"k": 2, "max_iter": 1, "min_df": 1, "max_df": 4, "max_terms": 100000,
        "text_config": {"stopwords": false, "noise_words": false, "stem": false}}'))->'vocab_size' AS vocab_size
FROM (SELECT string_agg('w' || lpad(g::text, 6, '0'), ' ' ORDER BY g DESC) AS d
      FROM generate_series(1, 100000) g) s, generate_series(1, 4);
RESET statement_timeout;
-- k x vocabulary above the limit: a clear error before allocating
SELECT tweetlda.lda('w1', (SELECT tweetlda.vocabulary(ARRAY['w' || i], 1, 0.99, 100000)
                           FROM generate_series(1, 10001) i), '{"k": 1000}');

-- Serial and parallel plans give the same model.
SET parallel_setup_cost = 0;
SET parallel_tuple_cost = 0;
SET min_parallel_table_scan_size = 0;
SET max_parallel_workers_per_gather = 2;
SET parallel_leader_participation = off;
EXPLAIN (COSTS OFF)
SELECT tweetlda.lda(text, (SELECT v FROM lda_vocab), '{"k": 5}') FROM lda_tweets;
CREATE TABLE lda_plans AS
  SELECT 'parallel' AS plan, tweetlda.lda(text, (SELECT v FROM lda_vocab), '{"k": 5}') AS m FROM lda_tweets;
SET max_parallel_workers_per_gather = 0;
INSERT INTO lda_plans
  SELECT 'serial', tweetlda.lda(text, (SELECT v FROM lda_vocab), '{"k": 5}') FROM lda_tweets;
SELECT count(DISTINCT tweetlda.model_info(m)->>'fingerprint') AS fingerprints,
       count(DISTINCT (SELECT array_agg(weight ORDER BY topic, term) FROM tweetlda.topic_word(m))) AS topic_word
FROM lda_plans;
-- the same for lda_from_text, whose partial states carry their own term dictionaries
SET max_parallel_workers_per_gather = 2;
EXPLAIN (COSTS OFF)
SELECT tweetlda.lda_from_text(text, '{"k": 5}') FROM lda_tweets;
INSERT INTO lda_plans SELECT 'parallel_from_text', tweetlda.lda_from_text(text, '{"k": 5}') FROM lda_tweets;
SET max_parallel_workers_per_gather = 0;
INSERT INTO lda_plans SELECT 'serial_from_text', tweetlda.lda_from_text(text, '{"k": 5}') FROM lda_tweets;
SELECT count(DISTINCT tweetlda.model_info(m)->>'fingerprint') AS fingerprints FROM lda_plans;
-- Scoring in parallel workers (they read tweetlda.models and cache the model themselves)
-- gives the same results as in the leader.
CREATE TABLE lda_serial_scores AS
  SELECT tweet_id, text, tweetlda.top_topic('t3', text) AS top, tweetlda.topics(:t3, text) AS mix FROM lda_tweets;
SET max_parallel_workers_per_gather = 2;
EXPLAIN (COSTS OFF)
SELECT sum(tweetlda.top_topic('t3', text)), count(tweetlda.topics(:t3, text)) FROM lda_tweets;
SELECT sum(tweetlda.top_topic('t3', text)) = (SELECT sum(top) FROM lda_serial_scores) AS same_top,
       count(tweetlda.topics(:t3, text)) = (SELECT count(mix) FROM lda_serial_scores) AS same_count
FROM lda_tweets;
SELECT count(*) AS different FROM lda_tweets t JOIN lda_serial_scores s USING (tweet_id, text)
WHERE tweetlda.topics(:t3, t.text) IS DISTINCT FROM s.mix;
RESET max_parallel_workers_per_gather;
DROP TABLE lda_serial_scores;

DROP TABLE lda_plans, lda_vocab, lda_tweets;
DELETE FROM tweetlda.models;
