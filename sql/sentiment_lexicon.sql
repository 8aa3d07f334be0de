-- The lexicon table of the textblob analyzer: contents, CHECK constraints, user rows that extend
-- or override words, derived "-ly" adverbs, and changes taking effect for the next statement.
SET client_min_messages = warning;
CREATE EXTENSION IF NOT EXISTS tweetlda;
RESET client_min_messages;

SELECT count(*) AS rows, count(DISTINCT word) AS words, count(*) FILTER (WHERE builtin) AS builtin,
       min(id), max(id)
FROM tweetlda.sentiment_lexicon;
SELECT word, pos, polarity, subjectivity, intensity FROM tweetlda.sentiment_lexicon
WHERE word IN ('good', 'very', 'terrible') ORDER BY id;
-- user rows survive pg_dump, the built-in ones come back with CREATE EXTENSION
SELECT u.c::regclass AS config, u.cond
FROM pg_extension e, unnest(e.extconfig, e.extcondition) AS u(c, cond)
WHERE e.extname = 'tweetlda' AND u.c::regclass::text LIKE 'tweetlda.sentiment%' ORDER BY 1::text;

-- CHECK constraints keep values in range
\set VERBOSITY terse
INSERT INTO tweetlda.sentiment_lexicon (word, polarity, subjectivity) VALUES ('lit', 1.5, 0.5);
INSERT INTO tweetlda.sentiment_lexicon (word, polarity, subjectivity) VALUES ('lit', 0.5, -0.1);
INSERT INTO tweetlda.sentiment_lexicon (word, polarity, subjectivity, intensity) VALUES ('lit', 0.5, 0.5, 0);
INSERT INTO tweetlda.sentiment_lexicon (word, polarity, subjectivity) VALUES ('', 0.5, 0.5);
INSERT INTO tweetlda.sentiment_lexicon (word, polarity, subjectivity) VALUES (repeat('x', 101), 0.5, 0.5);
INSERT INTO tweetlda.sentiment_lexicon (word, polarity, subjectivity) VALUES ('lit', 'NaN', 0.5);
\set VERBOSITY default

-- extending: a new word counts from the next statement on (words are case-insensitive)
SELECT * FROM tweetlda.sentiment('this party is LIT');
INSERT INTO tweetlda.sentiment_lexicon (word, pos, polarity, subjectivity, intensity)
VALUES ('Lit', 'JJ', 0.9, 0.8, 1.5);
SELECT * FROM tweetlda.sentiment('this party is LIT');
-- the derived adverb (TextBlob's "-ly" rule) is a modifier with the adjective's intensity
SELECT * FROM tweetlda.sentiment('litly'), tweetlda.sentiment('litly good') t;
-- senses of a word are averaged per part of speech, then over parts of speech
INSERT INTO tweetlda.sentiment_lexicon (word, pos, polarity, subjectivity, intensity)
VALUES ('lit', 'JJ', 0.5, 0.4, 0.5);
INSERT INTO tweetlda.sentiment_lexicon (word, pos, polarity, subjectivity) VALUES ('lit', 'VB', 0.1, 0.2);
SELECT * FROM tweetlda.sentiment('lit');
-- overriding: the user rows of a word replace its built-in rows; the derived adverb follows
SELECT * FROM tweetlda.sentiment('sick'), tweetlda.sentiment('terribly good') t;
INSERT INTO tweetlda.sentiment_lexicon (word, polarity, subjectivity) VALUES ('sick', 0.6, 0.8);
INSERT INTO tweetlda.sentiment_lexicon (word, pos, polarity, subjectivity, intensity)
VALUES ('terrible', 'JJ', -0.5, 0.5, 2.0);
SELECT * FROM tweetlda.sentiment('sick'), tweetlda.sentiment('terribly good') t;
-- a user row for a derived adverb is not overwritten by the derivation
INSERT INTO tweetlda.sentiment_lexicon (word, pos, polarity, subjectivity, intensity)
VALUES ('terribly', 'RB', -0.9, 1.0, 1.0);
SELECT * FROM tweetlda.sentiment('terribly'), tweetlda.sentiment('terribly good') t;
-- changes inside a transaction are seen by its next statement, and undone by ROLLBACK
BEGIN;
DELETE FROM tweetlda.sentiment_lexicon WHERE NOT builtin;
SELECT * FROM tweetlda.sentiment('sick');
TRUNCATE tweetlda.sentiment_lexicon;
SELECT * FROM tweetlda.sentiment('good :)');   -- emoticons do not come from the table
ROLLBACK;
SELECT * FROM tweetlda.sentiment('sick');
UPDATE tweetlda.sentiment_lexicon SET polarity = -polarity WHERE word = 'sick' AND NOT builtin;
SELECT * FROM tweetlda.sentiment('sick');
DELETE FROM tweetlda.sentiment_lexicon WHERE NOT builtin;
SELECT * FROM tweetlda.sentiment('sick'), tweetlda.sentiment('terribly good') t;
SELECT count(*) AS user_rows FROM tweetlda.sentiment_lexicon WHERE NOT builtin;

-- any role may score texts (it reads the lexicon); editing needs privileges on the table
CREATE ROLE regress_sentiment_reader;
GRANT USAGE ON SCHEMA tweetlda TO regress_sentiment_reader;
INSERT INTO tweetlda.sentiment_lexicon (word, polarity, subjectivity) VALUES ('meh', -0.2, 0.4);
SET ROLE regress_sentiment_reader;
SELECT * FROM tweetlda.sentiment('meh, good');   -- loads the lexicon as this role
INSERT INTO tweetlda.sentiment_lexicon (word, polarity, subjectivity) VALUES ('yay', 0.5, 0.5);
RESET ROLE;
DELETE FROM tweetlda.sentiment_lexicon WHERE NOT builtin;
REVOKE USAGE ON SCHEMA tweetlda FROM regress_sentiment_reader;
DROP ROLE regress_sentiment_reader;
