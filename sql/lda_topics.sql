-- Readable topics (issue 10): count weighting by default, relevance ranking, words (surface
-- forms) instead of stems, labels, evaluate() and the quality kept at training, reading models
-- of format version 1 (0.1.0), and the checks of the new fields of a model value.
SET client_min_messages = warning;
CREATE EXTENSION IF NOT EXISTS tweetlda;
SET extra_float_digits = 0;

-- A corpus whose terms have several surface forms: "hurricane" 3 times and "hurricanes" once
-- (term hurrican: the most frequent form wins); "flooding" and "flooded" twice each (term flood:
-- a tie, the smaller bytes win: flooded); "#sandy" 3 times and "sandy" twice (term sandi: the
-- hashtag wins and keeps its '#'); "storm" is its own word.
CREATE TABLE topics_docs (id int, doc text);
INSERT INTO topics_docs VALUES
  (1, 'Hurricane #Sandy storm'), (2, 'HURRICANE sandy flooding storm'),
  (3, 'hurricane #sandy flooded'), (4, 'Hurricanes #SANDY flooding storm'),
  (5, 'sandy flooded storm'), (6, 'storm only');
CREATE TABLE topics_forms AS
SELECT tweetlda.lda_from_text(doc, '{"k": 2, "min_df": 1, "max_df": 6, "max_iter": 3}' ORDER BY id) AS asc_model,
       tweetlda.lda_from_text(doc, '{"k": 2, "min_df": 1, "max_df": 6, "max_iter": 3}' ORDER BY id DESC) AS desc_model
FROM topics_docs;
SELECT term_id, term, word, df, frequency FROM topics_forms, tweetlda.model_vocabulary(asc_model)
ORDER BY term_id;
-- the words (and the model) do not depend on the row order
SELECT tweetlda.model_info(asc_model)->>'fingerprint' = tweetlda.model_info(desc_model)->>'fingerprint'
       AS same_model FROM topics_forms;
-- nor on parallel aggregation (partial states merged): the same vocabulary and words
CREATE TABLE topics_many AS
  SELECT i, d.doc FROM topics_docs d, generate_series(1, 3000) i;
ANALYZE topics_many;
SET parallel_setup_cost = 0; SET parallel_tuple_cost = 0; SET min_parallel_table_scan_size = 0;
SET max_parallel_workers_per_gather = 2;
EXPLAIN (COSTS OFF) SELECT tweetlda.lda_from_text(doc, '{"k": 2, "min_df": 1, "max_df": 20000, "max_iter": 1}') FROM topics_many;
CREATE TABLE topics_par AS
  SELECT tweetlda.lda_from_text(doc, '{"k": 2, "min_df": 1, "max_df": 20000, "max_iter": 1}') AS m FROM topics_many;
RESET max_parallel_workers_per_gather;
SELECT array_agg(word ORDER BY term_id) AS words, array_agg(frequency ORDER BY term_id) AS frequencies
FROM topics_par, tweetlda.model_vocabulary(m);
-- a given vocabulary gets words too (text input); token arrays have none (words are terms)
SELECT array_agg(v.word ORDER BY v.term_id) AS text_words
FROM (SELECT tweetlda.lda(doc, (SELECT tweetlda.vocabulary(tweetlda.tokenize(doc)) FROM topics_docs),
                          '{"k": 2, "max_iter": 2}') AS m FROM topics_docs) s,
     tweetlda.model_vocabulary(s.m) v;
SELECT array_agg(v.word ORDER BY v.term_id) AS token_words
FROM (SELECT tweetlda.lda(tweetlda.tokenize(doc), (SELECT tweetlda.vocabulary(tweetlda.tokenize(doc)) FROM topics_docs),
                          '{"k": 2, "max_iter": 2}') AS m FROM topics_docs) s,
     tweetlda.model_vocabulary(s.m) v;

-- Counts by default: the aggregates and train() use weighting tf unless told otherwise.
SELECT tweetlda.model_info(asc_model)->>'weighting' AS lda_from_text_default FROM topics_forms;
SELECT tweetlda.model_info(tweetlda.lda(doc, (SELECT tweetlda.vocabulary(tweetlda.tokenize(doc)) FROM topics_docs),
                                        '{"k": 2, "max_iter": 1}'))->>'weighting' AS lda_default
FROM topics_docs;
SELECT pg_get_function_arguments('tweetlda.train'::regproc) LIKE '%weighting text DEFAULT ''tf''::text%' AS train_default;

-- A real model: k=5 on the sample tweets, with the defaults.
CREATE TABLE topics_tweets (corpus text, tweet_id bigint, created_at timestamptz, lang text,
                            text text, source_ref text);
\copy topics_tweets FROM 'data/sample/tweets_sample.csv' WITH (FORMAT csv, HEADER true)
SELECT tweetlda.train('topics5', 'SELECT text FROM topics_tweets', k => 5) > 0 AS trained;

-- Relevance: the ranking is lambda * log p(w|t) + (1 - lambda) * log(p(w|t) / p(w)), p(w) the
-- corpus frequency kept in the model; recomputed here from topic_word and model_vocabulary.
CREATE TABLE topics_rel AS
WITH pw AS (SELECT term, frequency::float8 / sum(frequency) OVER () AS p
            FROM tweetlda.model_vocabulary(tweetlda.get_model('topics5'))),
r AS (SELECT w.topic, w.term, l.lambda,
             l.lambda * ln(w.weight) + (1 - l.lambda) * ln(w.weight / pw.p) AS relevance
      FROM tweetlda.topic_word('topics5') w JOIN pw USING (term),
           (VALUES (0.6::float8), (1.0), (0.0)) AS l(lambda))
SELECT topic, lambda, array_agg(term ORDER BY relevance DESC) FILTER (WHERE rk <= 10) AS terms
FROM (SELECT r.*, row_number() OVER (PARTITION BY topic, lambda ORDER BY relevance DESC) AS rk FROM r) q
GROUP BY topic, lambda;
SELECT l.lambda, bool_and(t.terms = r.terms) AS same_ranking
FROM (VALUES (0.6::float8), (1.0), (0.0)) AS l(lambda)
CROSS JOIN LATERAL (SELECT topic, array_agg(term ORDER BY rank) AS terms
                    FROM tweetlda.topic_terms('topics5', 10, l.lambda) GROUP BY topic) t
JOIN topics_rel r ON r.topic = t.topic AND r.lambda = l.lambda
GROUP BY l.lambda ORDER BY l.lambda;
-- the default is relevance with lambda 0.6; it differs from plain probability
SELECT (SELECT array_agg(term ORDER BY topic, rank) FROM tweetlda.topic_terms('topics5', 10)) =
       (SELECT array_agg(term ORDER BY topic, rank) FROM tweetlda.topic_terms('topics5', 10, 0.6)) AS default_is_06,
       (SELECT array_agg(term ORDER BY topic, rank) FROM tweetlda.topic_terms('topics5', 10)) <>
       (SELECT array_agg(term ORDER BY topic, rank) FROM tweetlda.topic_terms('topics5', 10, 1)) AS differs_from_probability;
SELECT * FROM tweetlda.topic_terms('topics5', 3, 1.5);
SELECT * FROM tweetlda.topic_terms('topics5', 3, 'NaN');

-- Words, not stems: the sample's hurricane and sandy tweets read as words.
SELECT term, word FROM tweetlda.model_vocabulary(tweetlda.get_model('topics5'))
WHERE term IN ('hurrican', 'sandi', 'peopl', 'yycflood', 'flood', 'bomb') ORDER BY term;
SELECT count(*) FILTER (WHERE word <> term) > 0 AS some_words_differ,
       bool_and(word = lower(word)) AS lowercase
FROM tweetlda.topic_terms('topics5', 10);

-- Labels: the three (or n) most relevant words joined by ' · '.
SELECT t.topic, tweetlda.topic_label('topics5', t.topic) =
       (SELECT string_agg(word, ' · ' ORDER BY rank) FROM tweetlda.topic_terms('topics5', 3) x WHERE x.topic = t.topic)
       AS label_is_top3,
       array_length(string_to_array(tweetlda.topic_label('topics5', t.topic, n => 5), ' · '), 1) AS n5
FROM generate_series(1, 5) AS t(topic) ORDER BY 1;
SELECT tweetlda.topic_label(tweetlda.get_model('topics5'), 6) IS NULL AS no_such_topic;
-- a name replaces the label; deleting the model deletes its names
INSERT INTO tweetlda.topic_names
  SELECT id, 1, 'my topic' FROM tweetlda.models WHERE name = 'topics5';
SELECT tweetlda.topic_label('topics5', 1) AS named, tweetlda.topic_label('topics5', 2) <> 'my topic' AS others_unnamed;
\set VERBOSITY terse
INSERT INTO tweetlda.topic_names SELECT id, 0, 'zero' FROM tweetlda.models WHERE name = 'topics5';
INSERT INTO tweetlda.topic_names VALUES (999999, 1, 'no such model');
\set VERBOSITY default
SELECT tweetlda.topic_label('no such model', 1);

-- evaluate(): held-out log perplexity by document completion, coherence, diversity, no-word share.
CREATE TABLE topics_eval AS
  SELECT tweetlda.evaluate('topics5', 'SELECT text FROM topics_tweets') AS e;
SELECT jsonb_object_keys(e) AS key FROM topics_eval ORDER BY 1;
-- documents and documents without a known word agree with scoring; scored documents are those
-- with at least two known tokens (recounted here through tokenize and the model's vocabulary)
WITH known AS (
  SELECT t.tweet_id, (SELECT count(*) FROM unnest(tweetlda.tokenize(t.text)) tok
                      WHERE tok IN (SELECT term FROM tweetlda.model_vocabulary(tweetlda.get_model('topics5')))) AS n
  FROM topics_tweets t)
SELECT (e->>'documents')::int = (SELECT count(*) FROM topics_tweets) AS documents,
       (e->>'no_word_documents')::int = (SELECT count(*) FROM topics_tweets WHERE tweetlda.topics('topics5', text) IS NULL) AS no_word,
       (e->>'no_word_share')::float8 = (e->>'no_word_documents')::float8 / (e->>'documents')::int AS share,
       (e->>'scored_documents')::int = (SELECT count(*) FROM known WHERE n >= 2) AS scored_documents,
       (e->>'scored_tokens')::int = (SELECT sum(n / 2) FROM known WHERE n >= 2) AS scored_tokens,
       abs((e->>'perplexity')::float8 - exp((e->>'log_perplexity')::float8)) < 1e-6 * (e->>'perplexity')::float8 AS perplexity,
       (e->>'log_perplexity')::float8 BETWEEN 3 AND 10 AS log_perplexity_range,
       jsonb_array_length(e->'coherence') = 5 AS coherence_per_topic,
       (SELECT bool_and(c::float8 BETWEEN -1 AND 1) FROM jsonb_array_elements_text(e->'coherence') c) AS npmi_range,
       abs((e->>'npmi')::float8 - (SELECT avg(c::float8) FROM jsonb_array_elements_text(e->'coherence') c)) < 1e-12 AS npmi_mean,
       (e->>'diversity')::float8 > 0 AND (e->>'diversity')::float8 <= 1 AS diversity_range
FROM topics_eval;
-- the topics beat the one-topic unigram model on held-out words: the unigram model's log
-- perplexity on the scored halves is computed here from the corpus frequencies
WITH v AS (SELECT term, frequency::float8 / sum(frequency) OVER () AS p
           FROM tweetlda.model_vocabulary(tweetlda.get_model('topics5'))),
toks AS (SELECT t.tweet_id, o.tok, o.i
         FROM topics_tweets t, unnest(tweetlda.tokenize(t.text)) WITH ORDINALITY AS o(tok, i)
         WHERE o.tok IN (SELECT term FROM v)),
pos AS (SELECT tweet_id, tok, row_number() OVER (PARTITION BY tweet_id ORDER BY i) AS k,
               count(*) OVER (PARTITION BY tweet_id) AS n FROM toks)
SELECT (SELECT -avg(ln(v.p)) FROM pos JOIN v ON v.term = pos.tok WHERE n >= 2 AND k % 2 = 0)
       > (e->>'log_perplexity')::float8 AS beats_unigram
FROM topics_eval;
-- deterministic, whatever the row order
SELECT tweetlda.evaluate('topics5', 'SELECT text FROM topics_tweets ORDER BY tweet_id DESC') = e AS deterministic
FROM topics_eval;
SELECT tweetlda.evaluate('topics5', 'SELECT text FROM topics_tweets WHERE false') AS no_documents;
SELECT tweetlda.evaluate('topics5', 'SELECT tweet_id FROM topics_tweets');
SELECT tweetlda.evaluate('no such model', 'SELECT text FROM topics_tweets');

-- The quality measured at training on the held-out slice (5% of the tweets by hash of the
-- text, at most holdout => 2000 of them) is kept in the model and in metrics.
SELECT (q->>'heldout_documents')::int AS heldout, q ?& ARRAY['log_perplexity', 'perplexity', 'npmi', 'diversity', 'no_word_share'] AS keys,
       (SELECT (metrics->'quality') = q FROM tweetlda.models WHERE name = 'topics5') AS in_metrics
FROM (SELECT tweetlda.model_info('topics5')->'quality' AS q) s;
-- the slice is what evaluate() reports over the held-out tweets
SELECT abs((tweetlda.evaluate('topics5', $$SELECT text FROM topics_tweets WHERE hashtextextended(text, 10) % 20 = 0$$)->>'log_perplexity')::float8
           - (tweetlda.model_info('topics5')->'quality'->>'log_perplexity')::float8) < 1e-12 AS same_as_evaluate;
-- holdout => 10 bounds the slice; holdout => 0 trains on everything and measures nothing
SELECT tweetlda.train('topics_h10', 'SELECT text FROM topics_tweets', k => 3, max_iter => 3, holdout => 10) > 0 AS h10;
SELECT tweetlda.train('topics_h0', 'SELECT text FROM topics_tweets', k => 3, max_iter => 3, holdout => 0) > 0 AS h0;
-- the vocabulary is built over all the tweets (the slice included), the model is trained on the
-- others: the same vocabulary whatever the holdout
SELECT name, tweetlda.model_info(name)->'quality'->'heldout_documents' AS heldout,
       (metrics->>'documents')::int + (metrics->>'empty_documents')::int AS trained_on,
       tweetlda.model_info(name)->'vocab_documents' AS vocabulary_from,
       (SELECT array_agg(term ORDER BY term_id) FROM tweetlda.model_vocabulary(model)) =
       (SELECT array_agg(term ORDER BY term_id) FROM tweetlda.model_vocabulary(tweetlda.get_model('topics5'))) AS same_vocabulary
FROM tweetlda.models WHERE name IN ('topics_h10', 'topics_h0') ORDER BY name;
SELECT tweetlda.train('topics_hneg', 'SELECT text FROM topics_tweets', holdout => -1);
SELECT tweetlda.lda_model_with_quality(tweetlda.get_model('topics_h0'), 1, 2, 0.5, 0.1, 10);

-- Models of format version 1 (written by 0.1.0, here a k=3 tfidf model over 150 terms) are read
-- as they are: they keep their weighting, their words are their terms, relevance derives p(w)
-- from the topic-word parameters, they score and evaluate; they have no quality figures.
CREATE TABLE topics_v1 (t text);
\copy topics_v1 FROM 'test/fixtures/lda_model_v1.txt'
CREATE TABLE topics_v1m AS SELECT t::tweetlda.lda_model AS m FROM topics_v1;
SELECT i->>'format_version' AS version, i->>'weighting' AS weighting, i->'k' AS k, i->'vocab_size' AS terms,
       i->'quality' AS quality
FROM topics_v1m, tweetlda.model_info(m) i;
SELECT m::text = (SELECT t FROM topics_v1) AS text_round_trip,
       tweetlda.model_info(m::text::tweetlda.lda_model) = tweetlda.model_info(m) AS same_info
FROM topics_v1m;
SELECT bool_and(word = term) AS words_are_terms, count(*) FILTER (WHERE frequency IS NULL) AS no_frequency
FROM topics_v1m, tweetlda.model_vocabulary(m);
-- lambda 1 ranks by probability (as topic_word orders the terms); relevance (derived p(w)) differs
SELECT (SELECT array_agg(term ORDER BY topic, rank) FROM tweetlda.topic_terms(m, 5, 1)) =
       (SELECT array_agg(term ORDER BY topic, rk) FROM
          (SELECT topic, term, row_number() OVER (PARTITION BY topic ORDER BY weight DESC, term) AS rk
           FROM tweetlda.topic_word(m)) w WHERE rk <= 5) AS probability_ranking,
       (SELECT array_agg(term ORDER BY topic, rank) FROM tweetlda.topic_terms(m, 5, 1)) <>
       (SELECT array_agg(term ORDER BY topic, rank) FROM tweetlda.topic_terms(m, 5)) AS relevance_differs
FROM topics_v1m;
SELECT count(*) = 3 * 5 AS relevance_rows,
       bool_and(word IS NOT NULL) AS words
FROM topics_v1m, tweetlda.topic_terms(m, 5);
SELECT tweetlda.topic_label(m, 1) LIKE '% · % · %' AS v1_label FROM topics_v1m;
SELECT array_length(tweetlda.topics(m, 'flood in queensland, hurricane sandy'), 1) AS v1_scores,
       (tweetlda.evaluate(m, 'SELECT text FROM topics_tweets')->>'documents')::int AS v1_evaluates
FROM topics_v1m;
SELECT tweetlda.lda_model_with_quality(m, 1, 0, 0.5, 0.1, 10) FROM topics_v1m;

-- A version 2 value is checked field by field on input (binary and text): quality figures,
-- corpus frequencies, word offsets and word text.
CREATE FUNCTION topics_try(t text) RETURNS text LANGUAGE plpgsql AS $$
DECLARE
  detail text;
BEGIN
  PERFORM t::tweetlda.lda_model;
  RETURN 'accepted';
EXCEPTION WHEN OTHERS THEN
  GET STACKED DIAGNOSTICS detail = PG_EXCEPTION_DETAIL;
  RETURN SQLSTATE || ' ' || SQLERRM || coalesce(': ' || nullif(detail, ''), '');
END $$;
-- bytes of the encoding: from the end, words (W bytes), word offsets (4 (n + 1)), words length
-- (4), corpus frequencies (8 n), quality (5 x 8)
CREATE TABLE topics_enc AS
SELECT split_part(m::text, ' data=', 1) AS prefix, decode(split_part(m::text, ' data=', 2), 'base64') AS b,
       (SELECT sum(octet_length(word)) FROM tweetlda.model_vocabulary(m))::int AS w,
       (tweetlda.model_info(m)->>'vocab_size')::int AS n
FROM (SELECT tweetlda.get_model('topics_h0') AS m) s;
CREATE FUNCTION topics_set(b bytea, pos int, v int) RETURNS bytea LANGUAGE sql AS
  $$ SELECT set_byte(b, pos, v) $$;
SELECT p.name, topics_try(prefix || ' data=' || replace(encode(p.b, 'base64'), E'\n', '')) AS result
FROM topics_enc e, LATERAL (VALUES
  (1, 'unchanged', e.b),
  (2, 'npmi out of range', topics_set(e.b, length(e.b) - e.w - 4 * (e.n + 1) - 4 - 8 * e.n - 32, 64)),
  (3, 'negative frequency', topics_set(e.b, length(e.b) - e.w - 4 * (e.n + 1) - 4 - 8 * e.n, 255)),
  (4, 'words length', topics_set(e.b, length(e.b) - e.w - 4 * (e.n + 1) - 1, 0)),
  (5, 'word offsets', topics_set(e.b, length(e.b) - e.w - 4 * (e.n + 1) + 4, 127)),
  (6, 'word text (not UTF-8)', topics_set(e.b, length(e.b) - e.w, 255)),
  (7, 'word text (another letter)', topics_set(e.b, length(e.b) - e.w, 120))) AS p(i, name, b)
ORDER BY p.i;

DROP FUNCTION topics_try(text);
DROP FUNCTION topics_set(bytea, int, int);
DELETE FROM tweetlda.models WHERE name LIKE 'topics%';
SELECT count(*) AS names_left FROM tweetlda.topic_names;
DROP TABLE topics_docs, topics_forms, topics_many, topics_par, topics_tweets, topics_rel, topics_eval,
  topics_v1, topics_v1m, topics_enc;
