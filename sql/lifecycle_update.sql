-- Incremental update: tweetlda.update_model() and the aggregate tweetlda.lda_update().
SET client_min_messages = warning;
CREATE EXTENSION IF NOT EXISTS tweetlda;
CREATE TABLE upd_tweets (corpus text, tweet_id bigint, created_at timestamptz, lang text,
                         text text, source_ref text);
\copy upd_tweets FROM 'data/sample/tweets_sample.csv' WITH (FORMAT csv, HEADER true)
-- old: the first 3000 tweets (by id); new: the other 1000
CREATE TABLE upd_old AS SELECT text, lang FROM upd_tweets ORDER BY tweet_id, text LIMIT 3000;
CREATE TABLE upd_new AS SELECT text, lang FROM upd_tweets ORDER BY tweet_id, text OFFSET 3000;

SELECT tweetlda.train('fam', 'SELECT text FROM upd_old', k => 5, max_terms => 1500) AS v1 \gset
SELECT tweetlda.update_model('fam', 'SELECT text FROM upd_new') AS v2 \gset

-- A new version of the family: version 2, named family@2, parent the model updated, not active.
SELECT id = :v2 AS is_v2, name, family, version, parent_id = :v1 AS parent_is_v1, origin, active,
       params = (SELECT params FROM tweetlda.models WHERE id = :v1) AS same_params
FROM tweetlda.models WHERE family = 'fam' ORDER BY version;

-- The update went on from the model: iterations and documents add up, new terms were admitted
-- (the vocabulary grows up to max_terms, the model's 1500), the old terms keep their ids.
SELECT (b->>'vocab_size')::int AS before, (a->>'vocab_size')::int AS after,
       (a->'training'->>'iterations')::int > (b->'training'->>'iterations')::int AS more_iterations,
       (a->'training'->>'documents')::int > (b->'training'->>'documents')::int AS more_documents,
       (a->'quality'->>'log_perplexity')::float8 > 0 AS measured,
       a->'text_config' = b->'text_config' AS same_config
FROM (SELECT tweetlda.model_info(:v1) AS b, tweetlda.model_info(:v2) AS a) s;
SELECT count(*) AS old_terms_moved
FROM tweetlda.model_vocabulary(tweetlda.get_model(:v1)) o
JOIN tweetlda.model_vocabulary(tweetlda.get_model(:v2)) n USING (term)
WHERE o.term_id <> n.term_id;

-- max_terms caps the vocabulary; below the model's size no term is added or dropped.
SELECT (tweetlda.model_info(tweetlda.lda_update(tweetlda.get_model(:v1), text,
            '{"max_terms": 1510, "max_iter": 2}'))->>'vocab_size')::int AS capped
FROM upd_new;
SELECT (tweetlda.model_info(tweetlda.lda_update(tweetlda.get_model(:v1), text,
            '{"max_terms": 10, "max_iter": 2}'))->>'vocab_size')::int AS not_shrunk
FROM upd_new;

-- Scoring with the updated model works, by id and by name.
SELECT count(*) AS scored,
       count(*) FILTER (WHERE abs((SELECT sum(x) FROM unnest(mix) x) - 1) < 1e-5) AS sum_one
FROM (SELECT tweetlda.topics('fam@2', text) AS mix FROM upd_new) s WHERE mix IS NOT NULL;
SELECT count(*) > 0 AS top_topics FROM upd_new WHERE tweetlda.top_topic(:v2, text) BETWEEN 1 AND 5;

-- Determinism: the same inputs and seed give the same model whatever the row order or the plan;
-- another seed gives another model.
CREATE TEMP TABLE upd_runs (run text, m tweetlda.lda_model);
INSERT INTO upd_runs SELECT 'serial', tweetlda.lda_update(tweetlda.get_model(:v1), text, '{"seed": 7}') FROM upd_new;
INSERT INTO upd_runs SELECT 'reversed', tweetlda.lda_update(tweetlda.get_model(:v1), text, '{"seed": 7}')
FROM (SELECT text FROM upd_new ORDER BY md5(text) DESC) s;
SET parallel_setup_cost = 0;
SET parallel_tuple_cost = 0;
SET min_parallel_table_scan_size = 0;
SET max_parallel_workers_per_gather = 2;
SET parallel_leader_participation = off;
EXPLAIN (COSTS OFF)
SELECT tweetlda.lda_update(tweetlda.get_model(:v1), text, lang, '{"seed": 7}') FROM upd_new;
INSERT INTO upd_runs SELECT 'parallel', tweetlda.lda_update(tweetlda.get_model(:v1), text, '{"seed": 7}') FROM upd_new;
RESET parallel_setup_cost;
RESET parallel_tuple_cost;
RESET min_parallel_table_scan_size;
RESET max_parallel_workers_per_gather;
RESET parallel_leader_participation;
INSERT INTO upd_runs SELECT 'seed 8', tweetlda.lda_update(tweetlda.get_model(:v1), text, '{"seed": 8}') FROM upd_new;
SELECT count(DISTINCT tweetlda.model_info(m)->>'fingerprint') AS fingerprints FROM upd_runs;
SELECT count(DISTINCT tweetlda.model_info(m)->>'fingerprint') AS same_seed_fingerprints
FROM upd_runs WHERE run <> 'seed 8';
-- update_model is deterministic too: a second update of version 1 equals version 2.
SELECT tweetlda.update_model('fam', 'SELECT text FROM upd_new') AS v3 \gset
SELECT name, version, parent_id = :v1 AS parent_is_v1,
       tweetlda.model_info(:v3)->>'fingerprint' = tweetlda.model_info(:v2)->>'fingerprint' AS same_as_v2
FROM tweetlda.models WHERE id = :v3;
-- Updating a later version continues its family; text and lang columns are accepted; max_terms
-- above the model's size admits new terms.
SELECT tweetlda.update_model('fam@2', 'SELECT text, lang FROM upd_new', max_iter => 2, seed => 3,
                             max_terms => 1600) AS v4 \gset
SELECT name, version, parent_id = :v2 AS parent_is_v2, origin,
       (tweetlda.model_info(:v4)->>'vocab_size')::int AS vocab_size,
       (tweetlda.model_info(:v4)->'training'->>'max_iter')::int AS max_iter,
       (tweetlda.model_info(:v4)->'training'->>'seed')::int AS seed
FROM tweetlda.models WHERE id = :v4;
-- The old versions stay (rollback): activate one of them.
SELECT tweetlda.activate('fam') = :v1 AS rolled_back;

-- Bad parameters get the training's messages; keys of training only are refused.
SELECT tweetlda.update_model('fam', 'SELECT text FROM upd_new', max_iter => 0);
SELECT tweetlda.update_model('fam', 'SELECT text FROM upd_new', max_terms => 0);
SELECT tweetlda.update_model('fam', 'SELECT text FROM upd_new', min_df => -1);
SELECT tweetlda.update_model('fam', 'SELECT text FROM upd_new', holdout => -1);
SELECT tweetlda.lda_update(tweetlda.get_model(:v1), text, '{"k": 3}') FROM upd_new;
SELECT tweetlda.lda_update(tweetlda.get_model(:v1), text, '{"max_iter": "x"}') FROM upd_new;
SELECT tweetlda.lda_update(tweetlda.get_model(:v1), text, '[1]') FROM upd_new;
-- NULLs: name, source, model; NULL documents are ignored.
SELECT tweetlda.update_model(NULL, 'SELECT text FROM upd_new');
SELECT tweetlda.update_model('fam', NULL);
SELECT tweetlda.update_model('nosuch', 'SELECT text FROM upd_new');
SELECT tweetlda.lda_update(NULL::tweetlda.lda_model, text, '{}') FROM upd_new;
SELECT tweetlda.model_info(tweetlda.lda_update(tweetlda.get_model(:v1), t, '{"seed": 7}'))->>'fingerprint' =
       (SELECT tweetlda.model_info(m)->>'fingerprint' FROM upd_runs WHERE run = 'serial') AS nulls_ignored
FROM (SELECT text AS t FROM upd_new UNION ALL SELECT NULL FROM generate_series(1, 5)) s;
-- The model must be the same for every row.
SELECT tweetlda.lda_update(CASE WHEN text < 'm' THEN tweetlda.get_model(:v1) ELSE tweetlda.get_model(:v2) END,
                           text, '{}') FROM upd_new;
-- Source: one text column or two; an empty source is an error (no version is stored).
SELECT tweetlda.update_model('fam', 'SELECT 1');
SELECT tweetlda.update_model('fam', 'SELECT text FROM upd_new WHERE false');
SELECT tweetlda.update_model('fam', 'SELECT NULL::text FROM upd_new', holdout => 0);
SELECT tweetlda.lda_update(tweetlda.get_model(:v1), text, '{}') FROM upd_new WHERE false;
SELECT count(*) AS versions FROM tweetlda.models WHERE family = 'fam';

-- clean up for the tests that follow
DELETE FROM tweetlda.models WHERE family = 'fam';
DROP TABLE upd_tweets, upd_old, upd_new, upd_runs;
