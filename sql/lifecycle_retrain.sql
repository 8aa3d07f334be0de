-- Retraining and topic identity (issue 11): permute_topics, match_topics, inherit_topics through
-- store_model(parent), tweetlda.retrain() with its argument checks, failed runs, promotion
-- decisions, and schedule_retraining() without pg_cron.
SET client_min_messages = warning;  -- training notices hold timings
CREATE EXTENSION IF NOT EXISTS tweetlda;
\set VERBOSITY default
\set SHOW_CONTEXT never
CREATE TABLE rt_sample (corpus text, tweet_id bigint, created_at timestamptz, lang text,
                        text text, source_ref text);
\copy rt_sample FROM 'data/sample/tweets_sample.csv' WITH (FORMAT csv, HEADER true)

-- Start from no landed tweets (earlier tests land some): the retraining window is ours.
TRUNCATE tweetlda.tweet_ids, tweetlda.rejected, tweetlda.pending, tweetlda.tweet_scores;
DELETE FROM tweetlda.tweets;

SELECT tweetlda.train('rt_base', 'SELECT text FROM rt_sample', k => 5, max_iter => 10,
                      holdout => 200) > 0 AS trained;
SELECT tweetlda.activate('rt_base') > 0 AS activated;

-- ---- permute_topics: a new valid model that scores the same distribution, permuted ----
CREATE TABLE rt_perm AS
SELECT m.model, tweetlda.permute_topics(m.model, '{3,1,5,2,4}') AS permuted
FROM tweetlda.models m WHERE m.name = 'rt_base';
SELECT tweetlda.model_info(permuted)->>'fingerprint' <> tweetlda.model_info(model)->>'fingerprint'
           AS new_fingerprint,
       tweetlda.model_info(permuted::text::tweetlda.lda_model)->>'fingerprint'
           = tweetlda.model_info(permuted)->>'fingerprint' AS text_round_trip,
       tweetlda.model_info(permuted)->'quality' = tweetlda.model_info(model)->'quality' AS same_quality
FROM rt_perm;
-- topic i of the model is topic numbers[i] of the permuted one, for every tweet
SELECT count(*) AS tweets,
       max(abs(o.w - (tweetlda.topics(p.permuted, s.text))[('{3,1,5,2,4}'::int[])[o.i]])) < 1e-6
           AS same_shares_permuted,
       bool_and(tweetlda.top_topic(p.permuted, s.text)
                = ('{3,1,5,2,4}'::int[])[tweetlda.top_topic(p.model, s.text)]) AS same_top_topic
FROM rt_perm p, (SELECT text FROM rt_sample ORDER BY tweet_id LIMIT 300) s,
     unnest(tweetlda.topics(p.model, s.text)) WITH ORDINALITY AS o(w, i);
SELECT bool_and(a.term = b.term AND a.weight = b.weight) AND count(*) = 50 AS same_topic_terms
FROM rt_perm p, tweetlda.topic_terms(p.model, 10) a
JOIN tweetlda.topic_terms((SELECT permuted FROM rt_perm), 10) b
  ON b.topic = ('{3,1,5,2,4}'::int[])[a.topic] AND b.rank = a.rank;
-- matching the permuted model to the original gives the inverse permutation, similarity 1
SELECT topic, new_topic, parent_topic, round(similarity::numeric, 6) AS similarity, matched
FROM rt_perm, tweetlda.match_topics(permuted, model) ORDER BY topic;
SELECT tweetlda.model_info(tweetlda.permute_topics(permuted,
           (SELECT array_agg(new_topic ORDER BY topic) FROM tweetlda.match_topics(permuted, model))))
           ->>'fingerprint' = tweetlda.model_info(model)->>'fingerprint' AS back_to_the_original
FROM rt_perm;
-- not a permutation: clear errors
SELECT tweetlda.permute_topics(model, '{1,2,3,4}') FROM rt_perm;
SELECT tweetlda.permute_topics(model, '{1,2,3,4,4}') FROM rt_perm;
SELECT tweetlda.permute_topics(model, '{1,2,3,4,6}') FROM rt_perm;
SELECT tweetlda.permute_topics(model, '{1,2,3,4,NULL}') FROM rt_perm;
SELECT tweetlda.permute_topics(model, '{{1,2},{3,4}}') FROM rt_perm;
SELECT tweetlda.permute_topics(model, NULL) IS NULL AS strict FROM rt_perm;
SELECT tweetlda.match_topics(model, model, 1.5) FROM rt_perm;
SELECT tweetlda.match_topics(model, model, 'NaN') FROM rt_perm;

-- ---- match_topics across k: one-to-one, matches keep the parent's number ----
SELECT tweetlda.train('rt_k7', 'SELECT text FROM rt_sample', k => 7, max_iter => 10,
                      holdout => 200) > 0 AS trained;
SELECT tweetlda.train('rt_k3', 'SELECT text FROM rt_sample', k => 3, max_iter => 10,
                      holdout => 200) > 0 AS trained;
-- k grew (7 vs 5): numbers are a permutation of 1..7, matched topics take their parent's number
-- and the two topics without a parent topic get the numbers left free
SELECT count(*) AS topics, count(DISTINCT new_topic) AS numbers, max(new_topic) AS max_number,
       count(parent_topic) AS assigned, count(DISTINCT parent_topic) AS distinct_parents,
       bool_and(new_topic = parent_topic) FILTER (WHERE matched) AS matched_keep_number,
       bool_and(similarity BETWEEN 0 AND 1) AS similarity_range
FROM tweetlda.match_topics(tweetlda.get_model('rt_k7'), tweetlda.get_model('rt_base'));
-- the free numbers are the parent's unmatched ones first, then 6 and 7
SELECT array_agg(new_topic ORDER BY new_topic) FILTER (WHERE NOT matched)
       = (SELECT array_agg(n ORDER BY n) FROM generate_series(1, 7) n
          WHERE n NOT IN (SELECT new_topic FROM tweetlda.match_topics(tweetlda.get_model('rt_k7'),
                                                  tweetlda.get_model('rt_base')) WHERE matched))
           AS free_numbers
FROM tweetlda.match_topics(tweetlda.get_model('rt_k7'), tweetlda.get_model('rt_base'));
-- k shrank (3 vs 5): every topic is assigned; numbers stay within 1..3
SELECT count(*) AS topics, count(DISTINCT new_topic) AS numbers, max(new_topic) AS max_number,
       count(DISTINCT parent_topic) AS distinct_parents,
       bool_and(new_topic = parent_topic) FILTER (WHERE matched AND parent_topic <= 3)
           AS matched_keep_number
FROM tweetlda.match_topics(tweetlda.get_model('rt_k3'), tweetlda.get_model('rt_base'));
-- with min_similarity 1 nothing matches (numbers in the model's own order); with 0 all assigned do
SELECT array_agg(new_topic ORDER BY topic) AS numbers, bool_or(matched) AS any_match
FROM tweetlda.match_topics(tweetlda.get_model('rt_k7'), tweetlda.get_model('rt_base'), 1);
SELECT count(*) FILTER (WHERE matched) AS matched
FROM tweetlda.match_topics(tweetlda.get_model('rt_k7'), tweetlda.get_model('rt_base'), 0);

-- ---- inherit_topics: store_model with a parent renumbers and carries the names ----
-- A planted corpus: five topics of eight words each, every document of one topic; trained with
-- two seeds, the same five topics come out in another order.
CREATE TABLE rt_planted AS
SELECT g AS id, (SELECT string_agg(t.w[1 + (hashint4(g * 31 + j) & 2147483647) % 8], ' ')
                 FROM generate_series(1, 8) j) AS text
FROM generate_series(1, 2000) g,
LATERAL (SELECT (ARRAY[ARRAY['flood','river','water','rain','dam','levee','shore','basin'],
                       ARRAY['fire','smoke','blaze','forest','ash','ember','burn','flame'],
                       ARRAY['quake','tremor','fault','richter','aftershock','seismic','rubble','crack'],
                       ARRAY['storm','wind','hurricane','gust','cyclone','typhoon','gale','tornado'],
                       ARRAY['vote','ballot','election','poll','candidate','campaign','senate','debate']])
                 [g % 5 + 1:g % 5 + 1] AS w2) x,
LATERAL (SELECT ARRAY(SELECT unnest(x.w2)) AS w) t;
SELECT tweetlda.train('rt_planted', 'SELECT text FROM rt_planted', k => 5, max_iter => 30,
                      optimizer => 'batch', holdout => 100) > 0 AS trained;
SELECT tweetlda.activate('rt_planted') > 0 AS activated;
INSERT INTO tweetlda.topic_names (model_id, topic, name)
SELECT id, 1, 'first topic' FROM tweetlda.models WHERE name = 'rt_planted'
UNION ALL SELECT id, 4, 'fourth topic' FROM tweetlda.models WHERE name = 'rt_planted';
SELECT tweetlda.train('rt_seed7', 'SELECT text FROM rt_planted', k => 5, max_iter => 30,
                      optimizer => 'batch', holdout => 100, seed => 7) > 0 AS trained;
SELECT topic, new_topic, parent_topic, similarity > 0.99 AS similar, matched
FROM tweetlda.match_topics(tweetlda.get_model('rt_seed7'), tweetlda.get_model('rt_planted'))
ORDER BY topic;
-- stored as the next version of rt_planted: renumbered to rt_planted's numbering
SELECT tweetlda.store_model(NULL, tweetlda.get_model('rt_seed7'), '{}', 'rt_planted',
                            (SELECT id FROM tweetlda.models WHERE name = 'rt_planted'), 'update') > 0
           AS stored;
SELECT name, version, origin FROM tweetlda.models WHERE family = 'rt_planted' ORDER BY version;
SELECT array_agg(new_topic ORDER BY topic) AS numbers_now
FROM tweetlda.match_topics(tweetlda.get_model('rt_planted@2'), tweetlda.get_model('rt_planted'));
SELECT l.topic, p.name AS parent, l.parent_topic, l.similarity > 0.99 AS similar
FROM tweetlda.topic_lineage l JOIN tweetlda.models m ON m.id = l.model_id
JOIN tweetlda.models p ON p.id = l.parent_model_id
WHERE m.name = 'rt_planted@2' ORDER BY l.topic;
-- the same topic under the same number: its 8 top words are the parent topic's
SELECT a.topic, count(*) AS same_top_words
FROM tweetlda.topic_terms('rt_planted', 8) a JOIN tweetlda.topic_terms('rt_planted@2', 8) b
  ON b.topic = a.topic AND b.word = a.word
GROUP BY a.topic ORDER BY a.topic;
-- names follow the topics (labels show them)
SELECT n.topic, n.name, tweetlda.topic_label('rt_planted@2', n.topic) AS label
FROM tweetlda.topic_names n JOIN tweetlda.models m ON m.id = n.model_id
WHERE m.name = 'rt_planted@2' ORDER BY n.topic;
-- running it again changes nothing
SELECT tweetlda.inherit_topics((SELECT id FROM tweetlda.models WHERE name = 'rt_planted@2')) AS matched;
SELECT count(*) AS lineage_rows, array_agg(l.topic ORDER BY l.topic) = array_agg(l.parent_topic ORDER BY l.topic)
           AS same_numbers
FROM tweetlda.topic_lineage l
JOIN tweetlda.models m ON m.id = l.model_id WHERE m.name = 'rt_planted@2';
SELECT tweetlda.inherit_topics((SELECT id FROM tweetlda.models WHERE name = 'rt_planted'));
SELECT tweetlda.inherit_topics(-1);
SELECT tweetlda.inherit_topics(NULL);

-- ---- retrain: argument checks (no run is recorded) ----
CALL tweetlda.retrain(NULL);
CALL tweetlda.retrain('no_such_model');
CALL tweetlda.retrain('rt_planted', "window" => '-1 day');
CALL tweetlda.retrain('rt_planted', "window" => NULL);
CALL tweetlda.retrain('rt_planted', holdout => -1);
CALL tweetlda.retrain('rt_planted', promote => 'sometimes');
CALL tweetlda.retrain('rt_planted', params => '[1, 2]');
CALL tweetlda.retrain('rt_planted', started_by => 'me');
SELECT count(*) AS runs FROM tweetlda.model_runs;
-- in a transaction block it cannot commit its steps
BEGIN;
CALL tweetlda.retrain('rt_planted');
ROLLBACK;

-- ---- retrain: a run that fails is recorded with its error, and stores no model ----
\set VERBOSITY terse
CALL tweetlda.retrain('rt_planted');
\set VERBOSITY default
SELECT family, decision, error, rows, candidate_id IS NULL AS no_candidate,
       finished_at >= started_at AS finished, window_end - window_start AS "window"
FROM tweetlda.model_runs ORDER BY id DESC LIMIT 1;

SELECT (tweetlda.ingest_batch(ARRAY(
    SELECT jsonb_build_object('id', id, 'text', text)::text FROM rt_planted))).ingested;

CALL tweetlda.retrain('rt_planted', k => 1, holdout => 100);
SELECT decision, error, rows, candidate_id IS NULL AS no_candidate, params->'k' AS k
FROM tweetlda.model_runs ORDER BY id DESC LIMIT 1;
SELECT count(*) AS versions FROM tweetlda.models WHERE family = 'rt_planted';

-- ---- retrain: the candidate (next version, same parameters unless changed) and the decision ----
CALL tweetlda.retrain('rt_planted', params => '{"seed": 7}', holdout => 100, promote => 'never');
SELECT r.family, r.started_by, r.promote, r.rows, c.name AS candidate, a.name AS active,
       r.decision, r.reason, r.error,
       (r.figures #>> '{candidate,log_perplexity}')::float8 > 0 AS candidate_perplexity,
       (r.figures #>> '{active,log_perplexity}')::float8 > 0 AS active_perplexity,
       r.figures #> '{candidate,documents}' = r.figures #> '{active,documents}' AS same_slice,
       (r.figures #>> '{candidate,documents}')::int BETWEEN 1 AND 100 AS heldout_documents
FROM tweetlda.model_runs r LEFT JOIN tweetlda.models c ON c.id = r.candidate_id
LEFT JOIN tweetlda.models a ON a.id = r.active_id
ORDER BY r.id DESC LIMIT 1;
SELECT name, version, parent_id = (SELECT id FROM tweetlda.models WHERE name = 'rt_planted') AS parent,
       origin, active, params->>'seed' AS seed, params->>'k' AS k,
       params->'max_iter' = (SELECT params->'max_iter' FROM tweetlda.models WHERE name = 'rt_planted')
           AS same_max_iter
FROM tweetlda.models WHERE family = 'rt_planted' ORDER BY version;
-- topic numbers and names survive the retraining on the same data
SELECT a.topic, count(*) AS same_top_words
FROM tweetlda.topic_terms('rt_planted', 8) a JOIN tweetlda.topic_terms('rt_planted@3', 8) b
  ON b.topic = a.topic AND b.word = a.word
GROUP BY a.topic ORDER BY a.topic;
SELECT count(*) AS matched, min(similarity) > 0.99 AS similar FROM tweetlda.topic_lineage l
JOIN tweetlda.models m ON m.id = l.model_id WHERE m.name = 'rt_planted@3';
SELECT n.topic, n.name FROM tweetlda.topic_names n JOIN tweetlda.models m ON m.id = n.model_id
WHERE m.name = 'rt_planted@3' ORDER BY n.topic;

-- drift of the active model since the last run: promote => 'drift' promotes
INSERT INTO tweetlda.drift_history (model_id, recent, drifted)
SELECT id, '1 day', true FROM tweetlda.models WHERE name = 'rt_planted';
SELECT tweetlda.retrain_due('rt_planted') AS due;
CALL tweetlda.retrain('rt_planted', params => '{"seed": 7}', holdout => 100, promote => 'drift');
SELECT r.decision, r.reason LIKE 'drift detected (drift_history id %' AS drift_reason,
       a.name AS was_active, c.name AS candidate, c.active AS candidate_active
FROM tweetlda.model_runs r JOIN tweetlda.models c ON c.id = r.candidate_id
JOIN tweetlda.models a ON a.id = r.active_id ORDER BY r.id DESC LIMIT 1;
SELECT tweetlda.retrain_due('rt_planted') AS due_after_the_run;
-- the same drift check does not promote again
CALL tweetlda.retrain('rt_planted', params => '{"seed": 7}', holdout => 100, promote => 'drift');
SELECT decision, reason FROM tweetlda.model_runs ORDER BY id DESC LIMIT 1;
-- always / perplexity: the perplexity of the same model on the same slice is not lower
CALL tweetlda.retrain('rt_planted', params => '{"seed": 7}', holdout => 100, promote => 'perplexity');
SELECT decision, reason LIKE 'held-out log perplexity not lower%' AS reason_perplexity
FROM tweetlda.model_runs ORDER BY id DESC LIMIT 1;
SELECT decision, count(*) FROM tweetlda.model_runs GROUP BY decision ORDER BY decision;
-- another family's active model is not replaced by the default policy
SELECT tweetlda.activate('rt_k7') > 0 AS other_family_active;
CALL tweetlda.retrain('rt_planted', holdout => 100);
SELECT decision, reason FROM tweetlda.model_runs ORDER BY id DESC LIMIT 1;
SELECT name FROM tweetlda.models WHERE active;

-- ---- scheduling needs pg_cron ----
SELECT tweetlda.schedule_retraining('rt_planted');
SELECT tweetlda.unschedule_retraining('rt_planted') AS unscheduled;

-- deleting a version deletes its lineage and names
SELECT count(*) AS lineage_rows, (SELECT count(*) FROM tweetlda.topic_names n
                                  WHERE n.model_id = l.model_id) AS names
FROM tweetlda.topic_lineage l JOIN tweetlda.models m ON m.id = l.model_id
WHERE m.name = 'rt_planted@2' GROUP BY l.model_id;
DELETE FROM tweetlda.models WHERE name = 'rt_planted@2';
SELECT count(*) AS lineage_rows FROM tweetlda.topic_lineage l
WHERE NOT EXISTS (SELECT 1 FROM tweetlda.models m WHERE m.id = l.model_id);
SELECT count(*) AS names FROM tweetlda.topic_names n
WHERE NOT EXISTS (SELECT 1 FROM tweetlda.models m WHERE m.id = n.model_id);

-- Clean up: the models, their runs and lineage (cascade), our tweets.
DELETE FROM tweetlda.models WHERE family IN ('rt_base', 'rt_planted', 'rt_k7', 'rt_k3', 'rt_seed7');
SELECT count(*) AS runs_left_without_models FROM tweetlda.model_runs WHERE candidate_id IS NOT NULL;
DELETE FROM tweetlda.model_runs;
TRUNCATE tweetlda.tweet_ids, tweetlda.pending;
DELETE FROM tweetlda.tweets;
