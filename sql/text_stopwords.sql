-- tweetlda.stopwords: seeded for every libstemmer language plus tweet noise words ('twitter'),
-- user-editable, edits visible to the next statement, user rows kept by pg_dump.
SET client_min_messages = warning;
CREATE EXTENSION IF NOT EXISTS tweetlda;
RESET client_min_messages;

-- every language has stopwords; 'twitter' holds the noise words
SELECT l.language, count(s.word) AS words
FROM tweetlda.languages() AS l(language)
LEFT JOIN tweetlda.stopwords s USING (language)
GROUP BY l.language ORDER BY l.language;
SELECT string_agg(word, ' ' ORDER BY word) AS noise_words FROM tweetlda.stopwords WHERE language = 'twitter';
SELECT count(*) AS rows, bool_and(builtin) AS all_builtin,
       count(*) FILTER (WHERE word <> lower(word) COLLATE "C" AND word ~ '^[A-Za-z]+$') AS ascii_upper
FROM tweetlda.stopwords;
SELECT language, word FROM tweetlda.stopwords
WHERE (language, word) IN (('english', 'the'), ('german', 'und'), ('french', 'les'), ('greek', 'και'),
                           ('russian', 'и'), ('serbian', 'и'), ('serbian', 'i'), ('hindi', 'और'),
                           ('tamil', 'மற்றும்'), ('yiddish', 'און'), ('porter', 'the'))
ORDER BY 1, 2;

-- constraints
INSERT INTO tweetlda.stopwords (language, word) VALUES ('english', '');
INSERT INTO tweetlda.stopwords (language, word) VALUES ('english', NULL);
INSERT INTO tweetlda.stopwords (language, word) VALUES ('english', 'the');
INSERT INTO tweetlda.stopwords (language, word) VALUES ('english', repeat('x', 1025));

-- edits take effect for the next statement (the trigger invalidates every backend's cache);
-- all in one transaction that is rolled back at the end, leaving the seeded table
BEGIN;
SELECT tweetlda.tokenize('the flood hits Calgary and Boston');
INSERT INTO tweetlda.stopwords (language, word) VALUES ('english', 'Calgary'), ('english', 'BOSTON');
SELECT tweetlda.tokenize('the flood hits Calgary and Boston');
SELECT builtin, count(*) FROM tweetlda.stopwords GROUP BY builtin ORDER BY builtin;
UPDATE tweetlda.stopwords SET word = 'flood' WHERE language = 'english' AND word = 'Calgary';
SELECT tweetlda.tokenize('the flood hits Calgary and Boston');
DELETE FROM tweetlda.stopwords WHERE language = 'english' AND word IN ('the', 'and');
SELECT tweetlda.tokenize('the flood hits Calgary and Boston', tweetlda.text_config(stem => false));
-- undone by a rollback
SAVEPOINT s;
INSERT INTO tweetlda.stopwords (language, word) VALUES ('english', 'hits');
SELECT tweetlda.tokenize('the flood hits Calgary and Boston');
ROLLBACK TO SAVEPOINT s;
SELECT tweetlda.tokenize('the flood hits Calgary and Boston');
-- a frozen configuration keeps its own snapshot whatever happens to the table
SELECT tweetlda.text_config_freeze('{}') AS frozen \gset
DELETE FROM tweetlda.stopwords WHERE language = 'twitter';
SELECT tweetlda.tokenize('RT via amp fire', :'frozen'::bytea) AS frozen,
       tweetlda.tokenize('RT via amp fire') AS current;
-- a language of its own, used by no stemmer, is fine in the table
INSERT INTO tweetlda.stopwords (language, word) VALUES ('klingon', 'qapla');
-- language names match case-insensitively
INSERT INTO tweetlda.stopwords (language, word) VALUES ('English', 'fire');
SELECT tweetlda.tokenize('RT via amp fire');
-- parallel workers load the current stopwords too
CREATE TABLE sw_docs AS SELECT 'the flood hits Calgary and Boston via amp ' || g AS doc FROM generate_series(1, 500) g;
SET parallel_setup_cost = 0;
SET parallel_tuple_cost = 0;
SET min_parallel_table_scan_size = 0;
SET max_parallel_workers_per_gather = 2;
SET parallel_leader_participation = off;
EXPLAIN (COSTS OFF) SELECT DISTINCT tweetlda.tokenize(doc)::text FROM sw_docs WHERE doc <> '';
SELECT count(*), count(DISTINCT t) FROM sw_docs, unnest(tweetlda.tokenize(doc)) t WHERE t !~ '^[0-9]';
SELECT DISTINCT t FROM sw_docs, unnest(tweetlda.tokenize(doc)) t WHERE t !~ '^[0-9]' ORDER BY 1;
INSERT INTO tweetlda.stopwords (language, word) VALUES ('twitter', 'via');
SELECT DISTINCT t FROM sw_docs, unnest(tweetlda.tokenize(doc)) t WHERE t !~ '^[0-9]' ORDER BY 1;
RESET parallel_setup_cost;
RESET parallel_tuple_cost;
RESET min_parallel_table_scan_size;
RESET max_parallel_workers_per_gather;
RESET parallel_leader_participation;
TRUNCATE tweetlda.stopwords;
SELECT tweetlda.tokenize('the flood hits Calgary and Boston via amp');
ROLLBACK;
-- the rollback restored the table, and the caches follow
SELECT count(*) AS rows, bool_and(builtin) AS all_builtin FROM tweetlda.stopwords;
SELECT tweetlda.tokenize('the flood hits Calgary and Boston via amp');

-- pg_dump keeps the rows users added: the table is an extension configuration table
SELECT c.relname, u.extcondition
FROM pg_extension e, unnest(e.extconfig, e.extcondition) AS u(cfg, extcondition)
JOIN pg_class c ON c.oid = u.cfg
WHERE e.extname = 'tweetlda' AND c.relname = 'stopwords';
SELECT tgname, pg_get_triggerdef(t.oid) FROM pg_trigger t
WHERE tgrelid = 'tweetlda.stopwords'::regclass AND NOT tgisinternal;

-- privileges: copying the stopword list out of the table (a frozen configuration, a model)
-- needs SELECT on tweetlda.stopwords; tokenizing with the words only uses them
CREATE ROLE regress_stopwords_reader;
CREATE ROLE regress_stopwords_nobody;
GRANT SELECT ON tweetlda.stopwords TO regress_stopwords_reader;
SET ROLE regress_stopwords_nobody;
SELECT * FROM tweetlda.stopwords LIMIT 1;
SELECT tweetlda.text_config_stopwords(tweetlda.text_config_freeze('{}'));
SELECT tweetlda.text_config_freeze('{"noise_words": false}');
SELECT tweetlda.lda_from_text(d, '{"k": 2, "min_df": 1, "max_df": 1.0}')
FROM (VALUES ('fire smoke'), ('flood water')) v(d);
-- allowed: no stopwords at all, tokenizing, and a configuration frozen by someone else
SELECT pg_catalog.array_length(tweetlda.text_config_stopwords(
    tweetlda.text_config_freeze('{"stopwords": false, "noise_words": false}')), 1) AS no_words;
SELECT tweetlda.tokenize('the flood via Boston');
RESET ROLE;
SELECT tweetlda.text_config_freeze('{}') AS frozen_by_owner \gset
SET ROLE regress_stopwords_nobody;
SELECT tweetlda.tokenize('the flood via Boston', :'frozen_by_owner'::bytea);
SET ROLE regress_stopwords_reader;
SELECT pg_catalog.array_length(tweetlda.text_config_stopwords(tweetlda.text_config_freeze('{}')), 1) > 100 AS reader_can;
RESET ROLE;
REVOKE SELECT ON tweetlda.stopwords FROM regress_stopwords_reader;
DROP ROLE regress_stopwords_reader;
DROP ROLE regress_stopwords_nobody;
