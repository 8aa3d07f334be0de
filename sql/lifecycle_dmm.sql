-- The lifecycle functions with a DMM model (issue 14): update_model() goes on with Gibbs
-- sampling from the stored counts, drift(), retrain(), topic lineage, activate() and rollback.
SET client_min_messages = warning;  -- training notices hold timings
CREATE EXTENSION IF NOT EXISTS tweetlda;
SET extra_float_digits = 0;
\set VERBOSITY default
\set SHOW_CONTEXT never

-- Start from no landed tweets (the retraining window is ours).
TRUNCATE tweetlda.tweet_ids, tweetlda.rejected, tweetlda.pending, tweetlda.tweet_scores;
DELETE FROM tweetlda.tweets;

-- A planted corpus: 4 disjoint sets of made-up words, each tweet 6 words of one set. The old
-- tweets use 8 words of each set, the new ones all 10 (2 new words per set).
CREATE TABLE dlc_docs AS
SELECT i AS id, i % 4 + 1 AS planted, i > 400 AS new,
       (SELECT string_agg((ARRAY['kal', 'mor', 'tes', 'vun'])[i % 4 + 1] ||
                          (ARRAY['ab', 'ek', 'ix', 'op', 'ur', 'ys', 'ag', 'em', 'iw', 'oz'])
                          [abs(hashint4(i * 7 + j)) % CASE WHEN i > 400 THEN 10 ELSE 8 END + 1],
                          ' ' ORDER BY j)
        FROM generate_series(0, 5) j) AS doc
FROM generate_series(1, 600) i;
SELECT new, count(*), count(DISTINCT planted) AS sets FROM dlc_docs GROUP BY new ORDER BY new;

SELECT tweetlda.train('dlc', 'SELECT doc FROM dlc_docs WHERE NOT new', k => 8, method => 'dmm',
                      min_df => 1, max_df => 0.99, holdout => 40,
                      text_config => '{"language": "english", "stem": false}') AS v1 \gset
SELECT tweetlda.activate('dlc') = :v1 AS v1_active;
SELECT i->>'method' AS method, i->'k' AS k, i->'clusters' AS clusters, i->'vocab_size' AS vocab_size
FROM tweetlda.model_info(:v1) i;

-- ---- update_model: the next version, Gibbs sampling from the stored counts ----
SELECT tweetlda.update_model('dlc', 'SELECT doc FROM dlc_docs WHERE new') AS v2 \gset
SELECT id = :v2 AS is_v2, name, family, version, parent_id = :v1 AS parent_is_v1, origin, active,
       params->>'method' AS method
FROM tweetlda.models WHERE family = 'dlc' ORDER BY version;
-- a mixture still, the same clusters; the vocabulary grew by the 8 new words; the counts add up:
-- the documents of the clusters (alpha less the prior) are the model's plus the new ones, the
-- sweeps the model's 15 plus 15 (by default as many as the model's training ran)
SELECT a->>'method' AS method, a->'k' AS k, a->'clusters' AS clusters,
       (b->>'vocab_size')::int AS vocab_before, (a->>'vocab_size')::int AS vocab_after,
       (a->'training'->>'documents')::int - (b->'training'->>'documents')::int AS new_documents,
       round((SELECT sum(x::float8) FROM jsonb_array_elements_text(a->'alpha') x)::numeric
             - (a->>'k')::int * (a->'training'->>'doc_concentration')::numeric, 6)
           = (a->'training'->>'documents')::int AS cluster_sizes_add_up,
       a->'training'->'iterations' AS sweeps, a->'training'->'max_iter' AS max_iter,
       (a->'quality'->>'log_perplexity')::float8 BETWEEN 1 AND ln(40) AS measured
FROM (SELECT tweetlda.model_info(:v1) AS b, tweetlda.model_info(:v2) AS a) s;
-- the topics keep their numbers: every tweet has the same top topic with both versions, and the
-- lineage matches every topic to the same number
SELECT count(*) AS tweets, bool_and(tweetlda.top_topic(:v1, doc) = tweetlda.top_topic(:v2, doc))
           AS same_numbers,
       count(DISTINCT (planted, tweetlda.top_topic(:v2, doc))) AS set_topic_pairs
FROM dlc_docs;
SELECT count(*) AS lineage_rows, bool_and(topic = parent_topic) AS same_numbers,
       min(similarity) > 0.9 AS similar
FROM tweetlda.topic_lineage WHERE model_id = :v2;
-- the new words were learned in their set's topic
SELECT s AS set, tweetlda.top_topic(:v2, s || 'iw') = tweetlda.top_topic(:v2, s || 'ab') AS iw,
       tweetlda.top_topic(:v2, s || 'oz') = tweetlda.top_topic(:v2, s || 'ab') AS oz,
       tweetlda.top_topic(:v1, s || 'iw') IS NULL AS unknown_before
FROM unnest(ARRAY['kal', 'mor', 'tes', 'vun']) s ORDER BY s;
-- max_iter, seed and max_terms are the update's keys; max_terms below the model's size drops nothing
SELECT tweetlda.update_model('dlc@2', 'SELECT doc FROM dlc_docs WHERE new', max_iter => 3, seed => 9,
                             max_terms => 10, holdout => 0) AS v3 \gset
SELECT name, version, parent_id = :v2 AS parent_is_v2, origin, i->'vocab_size' AS vocab_size,
       i->'training'->'max_iter' AS max_iter, i->'training'->'seed' AS seed,
       i->'training'->'iterations' AS sweeps
FROM tweetlda.models, tweetlda.model_info(id) i WHERE id = :v3;

-- ---- deterministic whatever the row order and the plan ----
CREATE TABLE dlc_many AS SELECT d.* FROM dlc_docs d, generate_series(1, 10) r WHERE d.new;
ANALYZE dlc_many;
CREATE TABLE dlc_runs (run text, m tweetlda.lda_model);
INSERT INTO dlc_runs
SELECT 'ordered', tweetlda.lda_update(tweetlda.get_model(:v1), doc, '{"seed": 7, "max_iter": 5}' ORDER BY id)
FROM dlc_many;
INSERT INTO dlc_runs
SELECT 'shuffled', tweetlda.lda_update(tweetlda.get_model(:v1), doc, '{"seed": 7, "max_iter": 5}'
                                       ORDER BY md5(id::text || doc) DESC)
FROM dlc_many;
SET parallel_setup_cost = 0;
SET parallel_tuple_cost = 0;
SET min_parallel_table_scan_size = 0;
SET max_parallel_workers_per_gather = 2;
SET parallel_leader_participation = off;
EXPLAIN (COSTS OFF)
SELECT tweetlda.lda_update(tweetlda.get_model(:v1), doc, '{"seed": 7, "max_iter": 5}') FROM dlc_many;
INSERT INTO dlc_runs
SELECT 'parallel', tweetlda.lda_update(tweetlda.get_model(:v1), doc, '{"seed": 7, "max_iter": 5}')
FROM dlc_many;
RESET parallel_setup_cost;
RESET parallel_tuple_cost;
RESET min_parallel_table_scan_size;
RESET max_parallel_workers_per_gather;
RESET parallel_leader_participation;
SELECT count(*) AS runs, count(DISTINCT tweetlda.model_info(m)->>'fingerprint') AS fingerprints,
       bool_and(tweetlda.model_info(m)->>'method' = 'dmm') AS dmm
FROM dlc_runs;
-- update_model is deterministic too: updating version 1 again gives version 2's model
SELECT tweetlda.update_model('dlc', 'SELECT doc FROM dlc_docs WHERE new') AS v4 \gset
SELECT name, tweetlda.model_info(:v4)->>'fingerprint' = tweetlda.model_info(:v2)->>'fingerprint'
           AS same_as_v2
FROM tweetlda.models WHERE id = :v4;

-- A mixture with one non-empty cluster keeps an empty second one (k >= 2): new tweets unlike
-- the old ones may open it; the topic numbers stay.
CREATE TABLE dlc_one AS
SELECT tweetlda.lda_from_text(t, '{"method": "dmm", "k": 2, "min_df": 1, "max_df": 100,
                                   "text_config": {"language": "english", "stem": false}}') AS m
FROM (SELECT 'kalab kalek kalix' AS t FROM generate_series(1, 50)) s;
INSERT INTO dlc_one
SELECT tweetlda.lda_update((SELECT m FROM dlc_one), t, '{"max_df": 100}')
FROM (SELECT 'morab morek morix' AS t FROM generate_series(1, 30)) s;
SELECT i->'clusters' AS clusters, i->'vocab_size' AS vocab_size, i->'training'->'documents' AS documents,
       tweetlda.top_topic(m, 'kalab kalek') AS old_topic, tweetlda.top_topic(m, 'morab morek') AS new_topic
FROM dlc_one, tweetlda.model_info(m) i ORDER BY documents;

-- ---- bad input: the training's messages; keys of training only are refused ----
SELECT tweetlda.update_model('dlc', 'SELECT doc FROM dlc_docs WHERE new', max_iter => 0);
SELECT tweetlda.update_model('dlc', 'SELECT doc FROM dlc_docs WHERE new', max_terms => 0);
SELECT tweetlda.lda_update(tweetlda.get_model(:v1), doc, '{"method": "lda"}') FROM dlc_docs;
SELECT tweetlda.lda_update(tweetlda.get_model(:v1), doc, '{"k": 20}') FROM dlc_docs;
SELECT tweetlda.lda_update(tweetlda.get_model(:v1), doc, '{"weighting": "tfidf"}') FROM dlc_docs;
SELECT tweetlda.update_model('dlc', 'SELECT NULL::text', holdout => 0);
SELECT tweetlda.lda_update(tweetlda.get_model(:v1), doc, '{}') FROM dlc_docs WHERE false;
SELECT count(*) AS versions FROM tweetlda.models WHERE family = 'dlc';

-- ---- the stream and drift(): tweets of the training distribution land and are scored ----
SELECT (tweetlda.ingest_batch(ARRAY(
    SELECT jsonb_build_object('id', id, 'text', doc)::text FROM dlc_docs WHERE NOT new))).ingested;
CALL tweetlda.process_all_pending();
SELECT count(*) AS scores, bool_and(model_id = :v1) AS by_v1 FROM tweetlda.tweet_scores;
-- (a baseline of 40 held-out tweets: their topic shares are noisy, the threshold is wider)
INSERT INTO tweetlda.drift_thresholds (min_tweets, topic_jsd) VALUES (20, 0.1);
SELECT model_id = :v1 AS v1, status, drifted, tweets, sampled,
       log_perplexity BETWEEN 1 AND ln(10) AS log_perplexity,
       abs(log_perplexity_increase) < 0.15 AS perplexity_as_at_training,
       oov_rate, no_word_share, topic_jsd < 0.1 AS same_topic_shares, exceeded,
       figures->'window'->>'topic_counts_from' AS topic_counts_from,
       jsonb_typeof(figures->'checks') AS checks
FROM tweetlda.drift(:v1, '1 day');
-- the new words are unknown to version 1: its out-of-vocabulary rate rises (drift), not version 2's
SELECT (tweetlda.ingest_batch(ARRAY(
    SELECT jsonb_build_object('id', id, 'text', doc)::text FROM dlc_docs WHERE new))).ingested;
CALL tweetlda.process_all_pending();
SELECT a.drifted AS v1_drifted, a.exceeded AS v1_exceeded, a.oov_rate > 0.05 AS v1_oov,
       b.oov_rate AS v2_oov
FROM tweetlda.drift(:v1, '1 day') a, tweetlda.drift(:v2, '1 day') b;
SELECT count(*) AS checks FROM tweetlda.drift_history WHERE model_id IN (:v1, :v2);

-- ---- retrain: the family keeps method dmm, topics keep their numbers ----
CALL tweetlda.retrain('dlc', params => '{"seed": 7}', holdout => 40, promote => 'always');
SELECT r.family, r.rows, r.decision, r.params->>'method' AS run_method, c.name AS candidate,
       c.origin, c.parent_id = :v1 AS parent_is_v1, c.params->>'method' AS method,
       tweetlda.model_info(c.model)->>'method' AS model_method, c.active
FROM tweetlda.model_runs r JOIN tweetlda.models c ON c.id = r.candidate_id
ORDER BY r.id DESC LIMIT 1;
SELECT id AS v5 FROM tweetlda.models WHERE name = 'dlc@5' \gset
-- every planted set keeps its topic number (the retrained chain numbered them otherwise)
SELECT count(*) AS tweets, bool_and(tweetlda.top_topic(:v1, doc) = tweetlda.top_topic(:v5, doc))
           AS same_numbers
FROM dlc_docs;
SELECT count(*) AS lineage_rows, bool_and(topic = parent_topic) AS same_numbers,
       min(similarity) > 0.9 AS similar
FROM tweetlda.topic_lineage WHERE model_id = :v5;
-- match_topics of two DMM chains directly
SELECT count(*) AS topics, count(*) FILTER (WHERE matched) AS matched
FROM tweetlda.match_topics(tweetlda.get_model(:v5), tweetlda.get_model(:v2));

-- ---- activate() and rollback ----
CALL tweetlda.process_all_pending();
SELECT tweetlda.serving_model() = :v5 AS serving_v5,
       (SELECT count(*) FROM tweetlda.tweet_scores WHERE model_id = :v5) AS v5_scores;
SELECT tweetlda.activate('dlc') = :v1 AS rolled_back;
SELECT tweetlda.serving_model() = :v1 AS serving_v1,
       (SELECT count(*) FROM tweetlda.scored_tweets) AS scored_tweets,
       (SELECT bool_and(model_id = :v1) FROM tweetlda.scored_tweets) AS shows_v1;
SELECT bool_and(s.top_topic = tweetlda.top_topic(:v1, t.text)) AS same_top_topic
FROM tweetlda.tweet_scores s JOIN tweetlda.tweets t ON t.id = s.tweet_id WHERE s.model_id = :v1;

-- clean up for the tests that follow
DELETE FROM tweetlda.drift_thresholds;
DELETE FROM tweetlda.models WHERE family = 'dlc';
DELETE FROM tweetlda.model_runs;
SELECT setval('tweetlda.model_runs_id_seq', 1, false) AS runs_numbered_from_1_again;
TRUNCATE tweetlda.tweet_ids, tweetlda.pending, tweetlda.tweet_scores;
DELETE FROM tweetlda.tweets;
DROP TABLE dlc_docs, dlc_many, dlc_runs, dlc_one;
