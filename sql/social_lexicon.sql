-- The 'social' analyzer's lexicon tables: user edits take effect in the next statement.
SET client_min_messages = warning;
CREATE EXTENSION IF NOT EXISTS tweetlda;
RESET client_min_messages;

-- the shipped rows
SELECT source, count(*) FROM tweetlda.social_lexicon GROUP BY 1 ORDER BY 1;
SELECT source, count(*) FROM tweetlda.social_emoji GROUP BY 1 ORDER BY 1;
SELECT token, valence FROM tweetlda.social_lexicon WHERE token IN ('good', ':)', 'can''t stand', 'luv') ORDER BY 1;

-- a new word takes effect in the next statement
SELECT tweetlda.polarity('this is zorbtastic', 'social') AS before_insert;
INSERT INTO tweetlda.social_lexicon (token, valence) VALUES ('zorbtastic', 3.0);
SELECT round(tweetlda.polarity('this is zorbtastic', 'social')::numeric, 4) AS after_insert;
-- and the rules apply to it
SELECT tweetlda.polarity('this is not zorbtastic', 'social') < 0 AS negated;

-- an update and a delete, then a phrase
UPDATE tweetlda.social_lexicon SET valence = -3.0 WHERE token = 'zorbtastic';
SELECT tweetlda.polarity('this is zorbtastic', 'social') < 0 AS after_update;
DELETE FROM tweetlda.social_lexicon WHERE token = 'zorbtastic';
SELECT tweetlda.polarity('this is zorbtastic', 'social') AS after_delete;
INSERT INTO tweetlda.social_lexicon (token, valence) VALUES ('over the moon', 3.0);
SELECT tweetlda.polarity('I am over the moon', 'social') > 0.5 AS phrase;

-- a new emoticon and an emoji override
INSERT INTO tweetlda.social_lexicon (token, valence) VALUES ('(y)', 2.0);
SELECT tweetlda.polarity('(y)', 'social') > 0 AS emoticon;
SELECT tweetlda.polarity('💀', 'social') AS skull_before;
UPDATE tweetlda.social_emoji SET valence = 2.5 WHERE emoji = '💀';
SELECT tweetlda.polarity('💀', 'social') > 0 AS skull_after;

-- a change inside a transaction is seen by the transaction's next statement; a rollback undoes it
BEGIN;
UPDATE tweetlda.social_lexicon SET valence = -2.0 WHERE token = 'good';
SELECT tweetlda.polarity('good', 'social') < 0 AS in_transaction;
ROLLBACK;
SELECT tweetlda.polarity('good', 'social') > 0 AS after_rollback;

-- TRUNCATE empties the analyzer; reloading the shipped rows is a reinstall
BEGIN;
TRUNCATE tweetlda.social_lexicon;
SELECT tweetlda.polarity('good :)', 'social') AS truncated;
ROLLBACK;

-- CHECK constraints keep the tables usable by the analyzer
INSERT INTO tweetlda.social_lexicon (token, valence) VALUES ('Good', 1);
INSERT INTO tweetlda.social_lexicon (token, valence) VALUES ('', 1);
INSERT INTO tweetlda.social_lexicon (token, valence) VALUES (' spaced', 1);
INSERT INTO tweetlda.social_lexicon (token, valence) VALUES ('two  spaces', 1);
INSERT INTO tweetlda.social_lexicon (token, valence) VALUES ('great2', 4.5);
INSERT INTO tweetlda.social_lexicon (token, valence) VALUES ('great3', 'NaN');
INSERT INTO tweetlda.social_lexicon (token, valence) VALUES ('great4', NULL);
INSERT INTO tweetlda.social_lexicon (token, valence) VALUES (repeat('x', 101), 1);
INSERT INTO tweetlda.social_emoji (emoji, valence) VALUES (':)', 1);
INSERT INTO tweetlda.social_emoji (emoji, valence) VALUES ('😀', -5);

-- the analyzer works in parallel workers, which load the lexicon themselves
CREATE TABLE social_docs AS
SELECT format('tweet %s: %s', g, (ARRAY['I love it :)', 'not good at all', 'SO bad!!', '😂 #blessed',
                                      'meh', 'great but expensive'])[g % 6 + 1]) AS doc
FROM generate_series(1, 3000) g;
ANALYZE social_docs;
SET parallel_setup_cost = 0;
SET parallel_tuple_cost = 0;
SET min_parallel_table_scan_size = 0;
SET max_parallel_workers_per_gather = 2;
EXPLAIN (COSTS OFF) SELECT sum(tweetlda.polarity(doc, 'social')) FROM social_docs;
SELECT round(sum(tweetlda.polarity(doc, 'social'))::numeric, 6) AS parallel_sum FROM social_docs;
RESET max_parallel_workers_per_gather;
SET max_parallel_workers_per_gather = 0;
SELECT round(sum(tweetlda.polarity(doc, 'social'))::numeric, 6) AS serial_sum FROM social_docs;
SELECT tweetlda.sentiment_label(tweetlda.polarity(doc, 'social')) AS label, count(*)
FROM social_docs GROUP BY 1 ORDER BY 1;
DROP TABLE social_docs;

-- leave the shipped lexicon as it was
DELETE FROM tweetlda.social_lexicon WHERE source = 'user';
UPDATE tweetlda.social_emoji SET valence = 0 WHERE emoji = '💀';
SELECT tweetlda.polarity('💀 (y)', 'social') AS restored;
