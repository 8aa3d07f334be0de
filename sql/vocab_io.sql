-- tweetlda.vocab: text form (JSON, round-trips), every malformed input, binary send form.
SET client_min_messages = warning;
CREATE EXTENSION IF NOT EXISTS tweetlda;
RESET client_min_messages;
SET search_path = tweetlda, public;

-- The text form is JSON: the term's position is its id, the number its document frequency.
SELECT '{"documents": 3, "terms": [["storm", 2], ["flood", 1]]}'::vocab;
SELECT '{"terms":[["storm",2],["flood",0]],"documents":3}'::vocab;
SELECT '{"documents": 0, "terms": []}'::vocab;
SELECT '{"documents": 2.0, "terms": [["a", 2e0]]}'::vocab;
-- Escapes and non-ASCII terms round-trip.
SELECT '{"documents": 9, "terms": [["quote\"back\\slash", 1], ["tab\there", 2], ["caf\u00e9", 3], ["τυφώνας", 4], ["", 5]]}'::vocab;
SELECT v::text::vocab::text = v::text AS round_trip, v::text::jsonb -> 'terms' -> 2 ->> 0 AS term3
FROM (SELECT '{"documents": 9, "terms": [["quote\"back\\slash", 1], ["tab\there", 2], ["caf\u00e9", 3]]}'::vocab v) s;
SELECT * FROM vocab_terms('{"documents": 9, "terms": [["τυφώνας", 4], ["storm", 9], ["rare", 0]]}');
SELECT vocab_size('{"documents": 9, "terms": [["a", 4]]}'), vocab_documents('{"documents": 9, "terms": [["a", 4]]}');
SELECT * FROM vocab_terms('{"documents": 0, "terms": []}');
SELECT vocab_terms(NULL), vocab_size(NULL), vocab_documents(NULL);

-- Malformed input.
SELECT ''::vocab;
SELECT '{"documents": 3, "terms": [["a", 1]]'::vocab;
SELECT '[]'::vocab;
SELECT '{"documents": 3}'::vocab;
SELECT '{"documents": 3, "terms": [], "extra": 1}'::vocab;
SELECT '{"docs": 3, "terms": []}'::vocab;
SELECT '{"documents": "3", "terms": []}'::vocab;
SELECT '{"documents": 1.5, "terms": []}'::vocab;
SELECT '{"documents": -1, "terms": []}'::vocab;
SELECT '{"documents": 1e30, "terms": []}'::vocab;
SELECT '{"documents": 3, "terms": {}}'::vocab;
SELECT '{"documents": 3, "terms": ["a"]}'::vocab;
SELECT '{"documents": 3, "terms": [["a"]]}'::vocab;
SELECT '{"documents": 3, "terms": [["a", 1, 2]]}'::vocab;
SELECT '{"documents": 3, "terms": [[1, 1]]}'::vocab;
SELECT '{"documents": 3, "terms": [["a", "1"]]}'::vocab;
SELECT '{"documents": 3, "terms": [["a", 1], ["b", 0.5]]}'::vocab;
SELECT '{"documents": 3, "terms": [["a", 1], ["b", 4]]}'::vocab;
SELECT '{"documents": 3, "terms": [["a", -1]]}'::vocab;
SELECT '{"documents": 3, "terms": [["a", 1], ["b", 1], ["a", 2]]}'::vocab;
SELECT '{"documents": 3, "terms": [["a\u0000b", 1]]}'::vocab;

-- A table with a vocab column dumps and restores through the text form.
CREATE TABLE vocab_store (id int, v vocab);
INSERT INTO vocab_store
SELECT 1, vocabulary(ARRAY['term' || (i % 3000), 'w' || (i % 7)]) FROM generate_series(1, 20000) i;
INSERT INTO vocab_store VALUES (2, '{"documents": 0, "terms": []}'), (3, NULL);
SELECT id, vocab_size(v), vocab_documents(v), pg_column_size(v) < octet_length(v::text) AS compressed
FROM vocab_store ORDER BY id;
CREATE TABLE vocab_restore (id int, v vocab);
INSERT INTO vocab_restore SELECT id, v::text::vocab FROM vocab_store;
SELECT count(*) FILTER (WHERE r.v::text = s.v::text) AS same, count(*) AS total
FROM vocab_store s JOIN vocab_restore r USING (id);

-- Binary send form: int32 version 1, int64 documents, int32 terms, per term int64 df,
-- int32 length and bytes (corrupt binary input is tested in test/t/020_vec_binary.pl).
SELECT vocab_send('{"documents": 3, "terms": [["ab", 2]]}');
DROP TABLE vocab_store, vocab_restore;
