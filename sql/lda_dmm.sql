-- GSDMM (issue 14): method => 'dmm', a Dirichlet multinomial mixture (one topic per tweet)
-- trained by collapsed Gibbs sampling, with the API of the LDA models.
SET client_min_messages = warning;
CREATE EXTENSION IF NOT EXISTS tweetlda;
SET extra_float_digits = 0;

-- A planted corpus: 4 disjoint sets of 10 made-up words, each tweet 6 words of one set.
CREATE TABLE dmm_docs AS
SELECT i AS id, i % 4 + 1 AS planted,
       (SELECT string_agg((ARRAY['kal', 'mor', 'tes', 'vun'])[i % 4 + 1] ||
                          (ARRAY['ab', 'ek', 'ix', 'op', 'ur', 'ys', 'ag', 'em', 'iw', 'oz'])
                          [abs(hashint4(i * 7 + j)) % 10 + 1], ' ' ORDER BY j)
        FROM generate_series(0, 5) j) AS doc
FROM generate_series(1, 400) i;
SELECT planted, count(*), min(doc) FROM dmm_docs GROUP BY planted ORDER BY planted;

-- k is an upper bound: 8 clusters allowed, the empty ones are dropped (topics 1..k').
CREATE TABLE dmm_models AS
SELECT 'asc' AS how, tweetlda.lda_from_text(doc, '{"method": "dmm", "k": 8, "min_df": 1, "max_df": 0.99,
         "text_config": {"language": "english", "stem": false}}' ORDER BY id) AS m
FROM dmm_docs;
SELECT i->>'method' AS method, i->'k' AS k, i->'clusters' AS clusters,
       jsonb_array_length(i->'weights') AS nweights,
       round((SELECT sum(w::float8) FROM jsonb_array_elements_text(i->'weights') w)::numeric, 9) AS weight_sum,
       i->'eta' AS beta, i->'training'->'doc_concentration' AS alpha, i->'training'->'iterations' AS sweeps
FROM dmm_models, tweetlda.model_info(m) AS i;
-- every planted set is one topic and every topic one planted set
SELECT count(DISTINCT planted) AS sets, count(DISTINCT topic) AS topics,
       count(DISTINCT (planted, topic)) AS pairs
FROM (SELECT planted, tweetlda.top_topic(m, doc) AS topic FROM dmm_docs, dmm_models) s;
SELECT topic, string_agg(term, ' ' ORDER BY term) AS terms
FROM dmm_models, tweetlda.topic_terms(m, 10) GROUP BY topic ORDER BY min(term);

-- Deterministic whatever the row order and the plan (serial, parallel workers).
INSERT INTO dmm_models
SELECT 'shuffled', tweetlda.lda_from_text(doc, '{"method": "dmm", "k": 8, "min_df": 1, "max_df": 0.99,
         "text_config": {"language": "english", "stem": false}}' ORDER BY md5(id::text))
FROM dmm_docs;
CREATE TABLE dmm_many AS SELECT d.* FROM dmm_docs d, generate_series(1, 20) r;
ANALYZE dmm_many;
SET parallel_setup_cost = 0;
SET parallel_tuple_cost = 0;
SET min_parallel_table_scan_size = 0;
SET max_parallel_workers_per_gather = 2;
SET parallel_leader_participation = off;
EXPLAIN (COSTS OFF)
SELECT tweetlda.lda_from_text(doc, '{"method": "dmm", "k": 8}') FROM dmm_many;
INSERT INTO dmm_models
SELECT 'parallel', tweetlda.lda_from_text(doc, '{"method": "dmm", "k": 8, "max_iter": 5,
         "text_config": {"language": "english", "stem": false}}') FROM dmm_many;
SET max_parallel_workers_per_gather = 0;
INSERT INTO dmm_models
SELECT 'serial', tweetlda.lda_from_text(doc, '{"method": "dmm", "k": 8, "max_iter": 5,
         "text_config": {"language": "english", "stem": false}}') FROM dmm_many;
RESET max_parallel_workers_per_gather;
RESET parallel_leader_participation;
SELECT a.how, b.how, tweetlda.model_info(a.m)->>'fingerprint' = tweetlda.model_info(b.m)->>'fingerprint' AS same
FROM dmm_models a JOIN dmm_models b ON (a.how, b.how) IN (('asc', 'shuffled'), ('serial', 'parallel'));
-- another seed is another chain (the same clusters here, maybe numbered otherwise)
SELECT (SELECT tweetlda.model_info(m)->>'fingerprint' FROM dmm_models WHERE how = 'asc') <>
       tweetlda.model_info(tweetlda.lda_from_text(doc, '{"method": "dmm", "k": 8, "seed": 7, "min_df": 1, "max_df": 0.99,
         "text_config": {"language": "english", "stem": false}}'))->>'fingerprint' AS seed_matters
FROM dmm_docs;

-- Scoring: the exact posterior over the clusters sums to 1; top_topic is its argmax; a tweet
-- without a known word has no topic.
SELECT count(*) AS scored, bool_and(array_length(p, 1) = 4) AS four,
       bool_and(abs((SELECT sum(x) FROM unnest(p) x) - 1) < 1e-5) AS sums_to_1,
       bool_and(p[tweetlda.top_topic(m, doc)] = (SELECT max(x) FROM unnest(p) x)) AS argmax
FROM (SELECT m, doc, tweetlda.topics(m, doc) AS p FROM dmm_docs, dmm_models WHERE how = 'asc') s;
SELECT tweetlda.topics(m, 'nothing known here') IS NULL AS no_topics,
       tweetlda.top_topic(m, 'nothing known here') IS NULL AS no_top_topic
FROM dmm_models WHERE how = 'asc';
-- one known token: the posterior is weight(t) * p(w|t), normalized (the exact formula)
SELECT bool_and(abs(p[topic] - e) < 1e-5) AS exact
FROM (SELECT tw.topic, tweetlda.topics(m, 'kalab') AS p,
             (i->'weights'->>(tw.topic - 1))::float8 * tw.weight /
             sum((i->'weights'->>(tw.topic - 1))::float8 * tw.weight) OVER () AS e
      FROM dmm_models, tweetlda.model_info(m) i, tweetlda.topic_word(m) tw
      WHERE how = 'asc' AND tw.term = 'kalab') s;
-- a mixed tweet is certain of the topic of most of its words; repeated words count
SELECT tweetlda.top_topic(m, 'kalab kalek kalix morab') = tweetlda.top_topic(m, 'kalab') AS majority,
       tweetlda.top_topic(m, 'kalab morab morab morab') = tweetlda.top_topic(m, 'morab') AS repeats,
       (tweetlda.topics(m, 'kalab morab'))[tweetlda.top_topic(m, 'kalab')] BETWEEN 0.01 AND 0.99 AS split
FROM dmm_models WHERE how = 'asc';

-- topic_word sums to 1 per topic; text and binary round trips keep the method and the weights.
SELECT topic, round(sum(weight)::numeric, 6) AS total
FROM dmm_models, tweetlda.topic_word(m) WHERE how = 'asc' GROUP BY topic ORDER BY topic;
SELECT tweetlda.model_info(m::text::tweetlda.lda_model) = tweetlda.model_info(m) AS text_round_trip,
       (tweetlda.model_info(m::text::tweetlda.lda_model)->>'method') AS method
FROM dmm_models WHERE how = 'asc';
SELECT (i->>'format_version')::int AS format_version FROM dmm_models, tweetlda.model_info(m) i WHERE how = 'asc';
-- the method byte (byte 151 of the portable encoding) is checked: 7 is no method
SELECT (split_part(m::text, ' data=', 1) || ' data=' ||
        translate(encode(set_byte(decode(split_part(m::text, ' data=', 2), 'base64'), 151, 7), 'base64'),
                  E'\n', ''))::tweetlda.lda_model
FROM dmm_models WHERE how = 'asc';
-- and byte 151 is the method: 0 makes the model an LDA one (caught by the fingerprint)
SELECT (split_part(m::text, ' data=', 1) || ' data=' ||
        translate(encode(set_byte(decode(split_part(m::text, ' data=', 2), 'base64'), 151, 0), 'base64'),
                  E'\n', ''))::tweetlda.lda_model
FROM dmm_models WHERE how = 'asc';

-- Bad parameters
SELECT tweetlda.lda_from_text(doc, '{"method": "gsdmm"}') FROM dmm_docs;
SELECT tweetlda.lda_from_text(doc, '{"method": "dmm", "weighting": "tfidf"}') FROM dmm_docs;
SELECT tweetlda.lda_from_text(doc, '{"method": "dmm", "k": 1}') FROM dmm_docs;
SELECT tweetlda.lda_from_text(doc, '{"method": "dmm", "max_iter": 0}') FROM dmm_docs;
SELECT tweetlda.lda_from_text(doc, '{"method": "dmm", "doc_concentration": 0}') FROM dmm_docs;
SELECT tweetlda.lda_from_text(doc, '{"method": "dmm", "topic_concentration": -2}') FROM dmm_docs;
SELECT tweetlda.lda_from_text(doc, '{"method": "dmm", "k": 1000, "max_terms": 20000, "min_df": 1, "max_df": 0.99}')
FROM (SELECT i::text || 'qq' AS doc FROM generate_series(1, 20000) i) s;
SELECT tweetlda.train('bad', 'SELECT doc FROM dmm_docs', method => 'mixture');

-- train(): method => 'dmm' stores a mixture; the held-out quality is measured with the
-- mixture's own posterior; evaluate() too.
SELECT tweetlda.train('planted_dmm', 'SELECT doc FROM dmm_docs', k => 10, method => 'dmm',
                      min_df => 1, max_df => 0.99, holdout => 40,
                      text_config => '{"language": "english", "stem": false}') > 0 AS trained;
SELECT params->>'method' AS method, params->'max_iter' AS max_iter, k,
       (metrics->'quality'->>'log_perplexity')::float8 BETWEEN 1 AND ln(40) AS perplexity_below_uniform
FROM tweetlda.models WHERE name = 'planted_dmm';
SELECT i->>'method' AS method, i->'k' AS k, i->'training'->'iterations' AS sweeps
FROM tweetlda.model_info('planted_dmm') i;
SELECT (e->>'log_perplexity')::float8 < ln(10) AS better_than_one_set_uniform, e->'documents' AS documents
FROM tweetlda.evaluate('planted_dmm', 'SELECT doc FROM dmm_docs') e;
-- the same parameters through the aggregate's jsonb: the same model as train() minus hold-out
SELECT tweetlda.topic_label('planted_dmm', 1) IS NOT NULL AS labelled;
SELECT count(*) AS rows, count(DISTINCT topic) AS topics FROM tweetlda.topic_terms('planted_dmm', 3);
-- the incremental update of a mixture goes on with Gibbs sampling (sql/lifecycle_dmm.sql)
SELECT i->>'method' AS method, i->'k' AS k, i->'training'->'max_iter' AS sweeps
FROM (SELECT tweetlda.model_info(tweetlda.lda_update(tweetlda.get_model('planted_dmm'), doc,
                                                     '{"max_iter": 2}')) AS i FROM dmm_docs) s;
-- an LDA model still says so
SELECT tweetlda.train('planted_lda', 'SELECT doc FROM dmm_docs', k => 4, min_df => 1, max_df => 0.99,
                      holdout => 0, text_config => '{"language": "english", "stem": false}') > 0 AS trained;
SELECT tweetlda.model_info('planted_lda')->>'method' AS method,
       tweetlda.model_info('planted_lda') ? 'weights' AS has_weights,
       (SELECT params->'max_iter' FROM tweetlda.models WHERE name = 'planted_lda') AS max_iter;

-- The stream takes a DMM model like an LDA one: activate(), ingest, process_pending, the scores.
-- (the tests before this one landed tweets with these ids: start from an empty stream)
TRUNCATE tweetlda.tweets, tweetlda.tweet_ids, tweetlda.tweet_scores, tweetlda.pending;
SELECT tweetlda.activate('planted_dmm') > 0 AS activated;
SELECT (tweetlda.ingest_batch(ARRAY(
    SELECT jsonb_build_object('id', id, 'text', doc)::text FROM dmm_docs WHERE id <= 20))).ingested;
SELECT tweetlda.process_pending() AS scored;
SELECT count(*) AS scores, bool_and(s.model_id = tweetlda.active_model()) AS active_model,
       bool_and(s.top_topic = tweetlda.top_topic('planted_dmm', t.text)) AS same_top_topic,
       bool_and(s.topics = tweetlda.topics('planted_dmm', t.text)) AS same_topics,
       count(DISTINCT s.top_topic) AS topics
FROM tweetlda.tweet_scores s JOIN tweetlda.tweets t ON t.id = s.tweet_id;

-- clean up for the tests that follow
DELETE FROM tweetlda.models WHERE name IN ('planted_dmm', 'planted_lda');
TRUNCATE tweetlda.tweets, tweetlda.tweet_ids, tweetlda.tweet_scores, tweetlda.pending;
DROP TABLE dmm_docs, dmm_many, dmm_models;
