-- tweetlda.termvec: type modifier, casts, accessors, equality, storage, binary send.
SET client_min_messages = warning;
CREATE EXTENSION IF NOT EXISTS tweetlda;
RESET client_min_messages;
SET search_path = tweetlda, public;

-- Type modifier: the dimension.
SELECT '{1:1}/5'::termvec(5);
SELECT '{1:1}/5'::termvec(4);
SELECT '{}/3'::termvec(0);
SELECT '{}/3'::termvec(1000000001);
SELECT '{}/3'::termvec(1, 2);
CREATE TABLE termvec_t (id int, v termvec(3));
INSERT INTO termvec_t VALUES (1, '{1:1,3:2}/3'), (2, '{}/3'), (3, NULL);
INSERT INTO termvec_t VALUES (4, '{1:1}/4');
INSERT INTO termvec_t VALUES (4, ARRAY[1,0,0,4]);
INSERT INTO termvec_t VALUES (4, ARRAY[1,0,2.5]::real[]);
SELECT id, v, dims(v), nnz(v), l2_norm(v) FROM termvec_t ORDER BY id;
SELECT format_type(atttypid, atttypmod) FROM pg_attribute
WHERE attrelid = 'termvec_t'::regclass AND attname = 'v';

-- Casts from dense arrays (zeros dropped) and back.
SELECT ARRAY[0, 1.5, 0, 2]::real[]::termvec;
SELECT ARRAY[0, 1.5, 0, 2]::float8[]::termvec;
SELECT ARRAY[0, 3, 0]::int[]::termvec;
SELECT ARRAY[]::real[]::termvec;
SELECT ARRAY[0, 0]::real[]::termvec;
SELECT ARRAY[1, 2]::real[]::termvec(3);
SELECT ARRAY[1, NULL]::real[]::termvec;
SELECT ARRAY[[1, 2], [3, 4]]::real[]::termvec;
SELECT ARRAY[1, 'NaN']::real[]::termvec;
SELECT ARRAY[1, 'Infinity']::float8[]::termvec;
SELECT ARRAY[1, 1e300]::float8[]::termvec;
SELECT '{2:1.5,4:2}/4'::termvec::real[];
SELECT '{2:1.5,4:2}/4'::termvec::float8[];
SELECT '{}/0'::termvec::real[], '{}/2'::termvec::real[];
SELECT '{}/1000000000'::termvec::real[];
SELECT '{2:1.5,4:2}/4'::termvec::real[]::termvec = '{2:1.5,4:2}/4'::termvec;

-- Accessors.
SELECT dims('{1:3,2:4}/10'), nnz('{1:3,2:4}/10'), l2_norm('{1:3,2:4}/10');
SELECT dims('{}/0'), nnz('{}/0'), l2_norm('{}/0');
SELECT l2_norm('{1:3e38,2:3e38}/2');
SELECT dims(NULL::termvec), nnz(NULL::termvec), l2_norm(NULL::termvec);
SELECT * FROM termvec_elements('{7:-1,2:1.5,4:2}/10');
SELECT * FROM termvec_elements('{}/10');
SELECT * FROM termvec_elements(NULL);
SELECT t.id, e.* FROM termvec_t t, termvec_elements(t.v) e ORDER BY 1, 2;

-- Inner product and cosine similarity; different dimensions are an error.
SELECT inner_product('{1:1,3:2,5:3}/5', '{3:4,4:7,5:0.5}/5'),
       cosine_similarity('{1:1,3:2}/5', '{1:2,3:4}/5'),
       cosine_similarity('{1:1}/5', '{2:1}/5'),
       cosine_similarity('{1:1}/5', '{1:-3}/5');
SELECT inner_product('{}/5', '{1:1}/5'), cosine_similarity('{}/5', '{1:1}/5');
SELECT inner_product('{1:1}/3', '{1:1}/4');
SELECT cosine_similarity('{1:1}/3', '{1:1}/4');
SELECT inner_product('{1:3e38}/1', '{1:3e38}/1');
SELECT inner_product(NULL, '{1:1}/4') IS NULL AS is_null;

-- Equality: same dimension and same elements.
SELECT '{1:1}/3'::termvec = '{1:1}/3', '{1:1}/3'::termvec = '{1:1}/4',
       '{1:1}/3'::termvec = '{1:2}/3', '{1:1}/3'::termvec <> '{2:1}/3',
       '{1:1,2:0}/3'::termvec = '{1:1}/3';

-- Hashing: DISTINCT, GROUP BY and joins (the planner may hash).
SELECT v, count(*) FROM (VALUES ('{1:1}/3'::termvec), ('{1:1,2:0}/3'), ('{1:1}/4'), ('{}/3'), ('{1:1}/3'))
  s(v) GROUP BY v ORDER BY v::text;
SELECT count(*) FROM (SELECT DISTINCT v FROM (VALUES ('{1:1}/3'::termvec), ('{1:1}/3'), ('{2:1}/3')) s(v)) d;
SELECT termvec_hash('{1:1}/3') = termvec_hash('{1:1,2:0}/3') AS same_hash;
SET enable_mergejoin = off;
SET enable_nestloop = off;
EXPLAIN (COSTS OFF) SELECT count(*) FROM termvec_t a JOIN termvec_t b ON a.v = b.v;
SELECT count(*) FROM termvec_t a JOIN termvec_t b ON a.v = b.v;
RESET enable_mergejoin;
RESET enable_nestloop;

-- Stored values (also compressed / out of line) read back unchanged.
CREATE TABLE termvec_big (v termvec);
INSERT INTO termvec_big SELECT ('{' || string_agg(i || ':' || (i * 0.5), ',') || '}/100000')::termvec
FROM generate_series(1, 20000) i;
SELECT dims(v), nnz(v), l2_norm(v)::numeric(20, 6), pg_column_size(v) > 100000 AS big FROM termvec_big;
SELECT v = v::text::termvec FROM termvec_big;

-- Binary send form: int32 dim, int32 nnz, int32 reserved, 0-based indices, float4 values
-- (corrupt binary input is tested with COPY BINARY in test/t/020_vec_binary.pl).
SELECT termvec_send('{2:1.5,4:2}/4');
SELECT termvec_send('{}/0');
DROP TABLE termvec_t, termvec_big;
