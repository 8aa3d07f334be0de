-- tweetlda.vocabulary: Spark CountVectorizer semantics, NULLs and empty input, parameters,
SET client_min_messages = warning;
CREATE EXTENSION IF NOT EXISTS tweetlda;
RESET client_min_messages;
-- determinism, and a parallel plan whose result equals the serial one.
SET search_path = tweetlda, public;

CREATE TABLE vocab_docs (id int, toks text[]);
INSERT INTO vocab_docs VALUES
    (1, '{flood,storm,flood,rain}'),
    (2, '{storm,wind}'),
    (3, '{flood,storm,help}'),
    (4, NULL),                         -- skipped: not a document
    (5, '{}'),                         -- a document without terms
    (6, '{rain,NULL,rain,rain}');      -- NULL elements are skipped

-- Defaults: every term, ids by total count desc, then document frequency desc, then term bytes.
SELECT vocabulary(toks) FROM vocab_docs;
SELECT v.* FROM vocab_terms((SELECT vocabulary(toks) FROM vocab_docs)) v;
SELECT vocab_size(vocabulary(toks)), vocab_documents(vocabulary(toks)) FROM vocab_docs;

-- Row order does not matter.
SELECT (SELECT vocabulary(toks) FROM (SELECT toks FROM vocab_docs ORDER BY id) s)::text
     = (SELECT vocabulary(toks) FROM (SELECT toks FROM vocab_docs ORDER BY id DESC) s)::text AS same;

-- min_df / max_df >= 1 are document counts, < 1 fractions of the 5 documents.
SELECT vocabulary(toks, 2, NULL, NULL) FROM vocab_docs;           -- df >= 2
SELECT vocabulary(toks, 0.5, NULL, NULL) FROM vocab_docs;         -- df >= 2.5
SELECT vocabulary(toks, 1, 2, NULL) FROM vocab_docs;              -- df <= 2
SELECT vocabulary(toks, 1, 0.5, NULL) FROM vocab_docs;            -- df <= 2.5
SELECT vocabulary(toks, 0, 1, NULL) FROM vocab_docs;              -- max_df 1 means one document
SELECT vocabulary(toks, 0, 'Infinity', 2) FROM vocab_docs;        -- the 2 most frequent terms
SELECT vocabulary(toks, 1, 1, 1000) FROM vocab_docs WHERE id IN (2, 5);
-- Ties are broken by term bytes: flood, help and wind have count 1 and df 1.
SELECT vocabulary(toks, 1, 1, 1) FROM vocab_docs WHERE id IN (2, 3);
SELECT vocabulary(toks, 1, NULL, 4) FROM (VALUES ('{b,a}'::text[]), ('{c,a}')) d(toks);

-- One vocabulary per group.
SELECT id % 2 AS g, vocabulary(toks) FROM vocab_docs GROUP BY 1 ORDER BY 1;

-- Empty input and only NULL arrays give NULL (like other aggregates); empty arrays count.
SELECT vocabulary(toks) IS NULL AS is_null FROM vocab_docs WHERE false;
SELECT vocabulary(toks) IS NULL AS is_null FROM vocab_docs WHERE id = 4;
SELECT vocabulary(toks) FROM vocab_docs WHERE id IN (4, 5);
SELECT vocabulary(toks, 2, NULL, NULL) FROM vocab_docs WHERE id IN (1, 2);
-- Empty strings are terms like any other; tokenizers do not produce them.
SELECT vocabulary(toks) FROM (VALUES ('{"",a,""}'::text[])) d(toks);

-- Bad parameters.
SELECT vocabulary(toks, -1, NULL, NULL) FROM vocab_docs;
SELECT vocabulary(toks, 'NaN', NULL, NULL) FROM vocab_docs;
SELECT vocabulary(toks, 1, -0.5, NULL) FROM vocab_docs;
SELECT vocabulary(toks, 1, 'NaN', NULL) FROM vocab_docs;
SELECT vocabulary(toks, 1, NULL, 0) FROM vocab_docs;
SELECT vocabulary(toks, 3, 2, NULL) FROM vocab_docs;
SELECT vocabulary(toks, 0.9, 0.1, NULL) FROM vocab_docs;
SELECT vocabulary(toks, id, NULL, NULL) FROM vocab_docs;
-- Multi-dimensional token arrays are read in storage order.
SELECT vocabulary(ARRAY[toks, toks]) FROM vocab_docs WHERE id IN (1, 2);

-- Real tweets (the bundled sample), tokens from a plain regexp split.
CREATE TABLE vocab_tweets (corpus text, tweet_id bigint, created_at timestamptz, lang text,
                           text text, source_ref text);
\copy vocab_tweets FROM 'data/sample/tweets_sample.csv' WITH (FORMAT csv, HEADER true)
ALTER TABLE vocab_tweets ADD COLUMN toks text[];
UPDATE vocab_tweets SET toks = array_remove(regexp_split_to_array(lower(text), '[^a-z]+'), '');
INSERT INTO vocab_tweets (toks) VALUES (NULL), ('{}');
VACUUM ANALYZE vocab_tweets;
SELECT count(*) FROM vocab_tweets;
SELECT term_id, term, df, round(idf::numeric, 6) AS idf
FROM vocab_terms((SELECT vocabulary(toks, 5, 0.5, 10) FROM vocab_tweets));
SELECT vocab_size(v), vocab_documents(v) FROM (SELECT vocabulary(toks) v FROM vocab_tweets) s;

-- Parallel workers build partial vocabularies; the result is the serial one.
SET parallel_setup_cost = 0;
SET parallel_tuple_cost = 0;
SET min_parallel_table_scan_size = 0;
SET max_parallel_workers_per_gather = 2;
SET parallel_leader_participation = off;
EXPLAIN (COSTS OFF) SELECT vocabulary(toks, 2, 0.9, 500) FROM vocab_tweets;
CREATE FUNCTION pg_temp.workers_launched(query text) RETURNS int LANGUAGE plpgsql AS $$
DECLARE
    line text;
BEGIN
    FOR line IN EXECUTE 'EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF, SUMMARY OFF) ' || query LOOP
        IF line ~ 'Workers Launched' THEN
            RETURN substring(line FROM 'Workers Launched: (\d+)')::int;
        END IF;
    END LOOP;
    RETURN 0;
END
$$;
SELECT pg_temp.workers_launched('SELECT vocabulary(toks, 2, 0.9, 500) FROM vocab_tweets') > 0 AS parallel;
CREATE TEMP TABLE vocab_parallel AS
SELECT vocabulary(toks, 2, 0.9, 500) AS v1, vocabulary(toks) AS v2 FROM vocab_tweets;
RESET parallel_leader_participation;
SET max_parallel_workers_per_gather = 0;
EXPLAIN (COSTS OFF) SELECT vocabulary(toks, 2, 0.9, 500) FROM vocab_tweets;
CREATE TEMP TABLE vocab_serial AS
SELECT vocabulary(toks, 2, 0.9, 500) AS v1, vocabulary(toks) AS v2 FROM vocab_tweets;
SELECT p.v1::text = s.v1::text AS same1, p.v2::text = s.v2::text AS same2,
       vocab_size(p.v1) AS size1, vocab_size(p.v2) = vocab_size(s.v2) AS size2
FROM vocab_parallel p, vocab_serial s;
-- Parallel with GROUP BY, too.
SET max_parallel_workers_per_gather = 2;
EXPLAIN (COSTS OFF) SELECT corpus, vocabulary(toks, 1, NULL, 50) FROM vocab_tweets GROUP BY corpus;
CREATE TEMP TABLE vocab_parallel_g AS
SELECT corpus, vocabulary(toks, 1, NULL, 50) AS v FROM vocab_tweets GROUP BY corpus;
SET max_parallel_workers_per_gather = 0;
SELECT count(*) AS groups, bool_and(p.v::text = s.v::text) AS same
FROM vocab_parallel_g p
JOIN (SELECT corpus, vocabulary(toks, 1, NULL, 50) AS v FROM vocab_tweets GROUP BY corpus) s
  ON p.corpus IS NOT DISTINCT FROM s.corpus;
RESET parallel_setup_cost;
RESET parallel_tuple_cost;
RESET min_parallel_table_scan_size;
RESET max_parallel_workers_per_gather;
DROP TABLE vocab_docs, vocab_tweets;
