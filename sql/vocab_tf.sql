-- tweetlda.tf / tweetlda.tfidf: term counts and Spark TF-IDF over a vocabulary.
SET client_min_messages = warning;
CREATE EXTENSION IF NOT EXISTS tweetlda;
RESET client_min_messages;
SET search_path = tweetlda, public;

CREATE TABLE tf_docs (id int, toks text[]);
INSERT INTO tf_docs VALUES
    (1, '{flood,storm,flood,rain}'),
    (2, '{storm,wind}'),
    (3, '{flood,storm,help}'),
    (4, '{}'),
    (5, '{rain,NULL,rain,oov}');
CREATE TABLE tf_vocab AS SELECT vocabulary(toks) AS v FROM tf_docs;
SELECT * FROM vocab_terms((SELECT v FROM tf_vocab));

-- Counts; out-of-vocabulary tokens and NULL elements are dropped; an empty array gives {}/dim.
SELECT d.id, tf(d.toks, t.v), tfidf(d.toks, t.v) FROM tf_docs d, tf_vocab t ORDER BY d.id;
-- Spark's IDF: ln((N + 1) / (df + 1)); storm is in 3 of 5 documents.
SELECT value, ln(6.0 / 4.0)::real AS expected
FROM termvec_elements(tfidf('{storm}', (SELECT v FROM tf_vocab)));
-- A term in every document has IDF 0: it is absent from TF-IDF vectors (no stored zeros).
SELECT tf('{a,b,a}', v), tfidf('{a,b,a}', v)
FROM (SELECT vocabulary(toks) v FROM (VALUES ('{a,b}'::text[]), ('{a}')) s(toks)) s;
-- Spark's IDF on an explicit vocabulary.
SELECT tfidf('{x,y,y,z}', '{"documents": 3, "terms": [["x", 0], ["y", 1], ["z", 3]]}');

-- NULL in, NULL out.
SELECT tf(NULL, v) IS NULL AS a, tf('{a}', NULL) IS NULL AS b,
       tfidf(NULL, v) IS NULL AS c, tfidf('{a}', NULL) IS NULL AS d FROM tf_vocab;
-- Only NULL or unknown tokens; an empty vocabulary gives dimension 0.
SELECT tf('{NULL,NULL}', v), tf('{unknown}', v) FROM tf_vocab;
SELECT tf('{a,b}', '{"documents": 0, "terms": []}'), tfidf('{}', '{"documents": 0, "terms": []}');
-- Multi-dimensional token arrays are read in storage order.
SELECT tf('{{flood,storm},{flood,wind}}', v) FROM tf_vocab;
-- Tokens are compared as bytes: case and normalization matter.
SELECT tf('{Flood,FLOOD,flood}', v) FROM tf_vocab;
-- A large document (a 1 MB text's worth of tokens).
SELECT octet_length(array_to_string(toks, ' ')) AS bytes, tf(toks, v), tfidf(toks, v)
FROM (SELECT array_agg(CASE i % 3 WHEN 0 THEN 'flood' WHEN 1 THEN 'storm' ELSE 'unknown' END) AS toks
      FROM generate_series(1, 200000) i) d, tf_vocab;

-- Term ids follow the vocabulary: the same tokens over different vocabularies in one query
-- (the per-call-site index is rebuilt when the vocabulary changes).
SELECT n, tf('{a,b,c,c}', v)
FROM (VALUES (1, '{"documents": 1, "terms": [["a", 1], ["c", 1]]}'::vocab),
             (2, '{"documents": 1, "terms": [["c", 1], ["b", 1], ["a", 1]]}'),
             (3, '{"documents": 1, "terms": [["a", 1], ["c", 1]]}'),
             (4, '{"documents": 9, "terms": [["a", 1], ["c", 1]]}')) s(n, v)
ORDER BY n;

-- Real tweets: a stored (toasted) vocabulary and one from a subquery give the same vectors.
CREATE TABLE tf_tweets (corpus text, tweet_id bigint, created_at timestamptz, lang text,
                        text text, source_ref text);
\copy tf_tweets FROM 'data/sample/tweets_sample.csv' WITH (FORMAT csv, HEADER true)
ALTER TABLE tf_tweets ADD COLUMN toks text[];
UPDATE tf_tweets SET toks = array_remove(regexp_split_to_array(lower(text), '[^a-z]+'), '');
CREATE TABLE tf_model (name text, v vocab);
INSERT INTO tf_model SELECT 'all', vocabulary(toks, 2, 0.5, 5000) FROM tf_tweets;
INSERT INTO tf_model SELECT 'small', vocabulary(toks, 2, 0.5, 10) FROM tf_tweets;
SELECT name, vocab_size(v), pg_column_size(v) > 2000 AS toasted FROM tf_model ORDER BY name;
SELECT count(*) AS tweets,
       count(*) FILTER (WHERE tf(t.toks, m.v) = tf(t.toks, (SELECT v FROM tf_model WHERE name = 'all'))) AS same,
       sum(nnz(tf(t.toks, m.v))) AS elements,
       round(sum(l2_norm(tfidf(t.toks, m.v)))::numeric, 3) AS tfidf_norms
FROM tf_tweets t, tf_model m WHERE m.name = 'all';
-- Alternating vocabularies in one scan.
SELECT m.name, sum(nnz(tf(t.toks, m.v))) AS elements, max(dims(tf(t.toks, m.v))) AS dims
FROM tf_tweets t CROSS JOIN tf_model m GROUP BY m.name ORDER BY m.name;
-- tf agrees with a SQL computation over vocab_terms (both ways).
CREATE TEMP TABLE tf_c AS
SELECT t.tweet_id, e.index, e.value FROM tf_tweets t, tf_model m, termvec_elements(tf(t.toks, m.v)) e
WHERE m.name = 'all';
CREATE TEMP TABLE tf_sql AS
SELECT t.tweet_id, vt.term_id AS index, count(*)::real AS value
FROM tf_tweets t, tf_model m, vocab_terms(m.v) vt, unnest(t.toks) tok
WHERE m.name = 'all' AND tok = vt.term GROUP BY 1, 2;
SELECT (SELECT count(*) FROM (TABLE tf_c EXCEPT ALL TABLE tf_sql) a) AS only_c,
       (SELECT count(*) FROM (TABLE tf_sql EXCEPT ALL TABLE tf_c) b) AS only_sql,
       (SELECT count(*) FROM tf_sql) AS elements;
-- tfidf agrees with vocab_terms' idf.
SELECT count(*) AS mismatches
FROM tf_tweets t, tf_model m, termvec_elements(tfidf(t.toks, m.v)) e,
     termvec_elements(tf(t.toks, m.v)) f, vocab_terms(m.v) vt
WHERE m.name = 'all' AND e.index = f.index AND vt.term_id = e.index
  AND e.value <> (f.value * vt.idf)::real;
-- tf and tfidf are parallel safe: workers build their own index and give the same vectors.
ANALYZE tf_tweets, tf_model;
CREATE TEMP TABLE tf_check AS
SELECT count(*) AS n, sum(hashtext(tfidf(toks, (SELECT v FROM tf_model WHERE name = 'all'))::text)) AS h
FROM tf_tweets;
SET parallel_setup_cost = 0;
SET parallel_tuple_cost = 0;
SET min_parallel_table_scan_size = 0;
SET max_parallel_workers_per_gather = 2;
SET parallel_leader_participation = off;
EXPLAIN (COSTS OFF)
SELECT count(*), sum(hashtext(tfidf(toks, (SELECT v FROM tf_model WHERE name = 'all'))::text))
FROM tf_tweets;
SELECT c.n AS tweets, p.h = c.h AS same
FROM tf_check c,
     (SELECT sum(hashtext(tfidf(toks, (SELECT v FROM tf_model WHERE name = 'all'))::text)) AS h
      FROM tf_tweets) p;
RESET parallel_setup_cost;
RESET parallel_tuple_cost;
RESET min_parallel_table_scan_size;
RESET max_parallel_workers_per_gather;
RESET parallel_leader_participation;
DROP TABLE tf_docs, tf_vocab, tf_tweets, tf_model;
