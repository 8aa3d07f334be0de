-- Bad input: NULL, empty, very long texts, control characters and odd code points never crash.
SET client_min_messages = warning;
CREATE EXTENSION IF NOT EXISTS tweetlda;
RESET client_min_messages;

SELECT tweetlda.sentiment(NULL) IS NULL AS null_in, tweetlda.polarity(NULL) IS NULL AS null_polarity;
SELECT * FROM tweetlda.sentiment('');
SELECT * FROM tweetlda.sentiment('   ');
SELECT * FROM tweetlda.sentiment(E'\n\n\r\n\t');
-- 1 MB texts: many words, one word, only punctuation, only newlines, only emoticons
SELECT length(t), round((s).polarity::numeric, 12) AS polarity, round((s).subjectivity::numeric, 12) AS subjectivity
FROM (SELECT t, tweetlda.sentiment(t) AS s FROM (VALUES
  (repeat('very good :) not bad (!) ', 42000)),
  (repeat('x', 1048576)),
  (repeat('good!', 210000)),
  (repeat('!', 1048576)),
  (repeat('.', 1048576)),
  (repeat(E'\n', 1048576)),
  (repeat(' ', 1048576)),
  (repeat(': ) ', 262144)),
  (repeat('''', 1048576)),
  (repeat('n''t', 349525)),
  (repeat(U&'\0130', 524288))) v(t)) x;
-- every control character, alone and between words
SELECT count(*) AS texts,
       count(*) FILTER (WHERE (s).polarity = 0.7) AS good_found
FROM (SELECT tweetlda.sentiment('good' || chr(i) || 'x') AS s FROM generate_series(1, 31) i
      UNION ALL SELECT tweetlda.sentiment(chr(i)) FROM generate_series(1, 31) i) x;
-- separators as Python's str.isspace() sees them: U+001C..U+001F, U+0085, U+00A0, U+2000.. split words
SELECT i, tweetlda.polarity('good' || chr(i) || 'x') AS polarity
FROM unnest(ARRAY[28, 31, 133, 160, 5760, 8192, 8202, 8203, 8232, 8239, 8287, 12288, 65279]) i;
-- odd code points: noncharacters, private use, the last code point, replacement character,
-- emoji sequences with joiners, variation selectors and lone regional indicators
SELECT tweetlda.polarity(t) AS polarity, tweetlda.subjectivity(t) AS subjectivity
FROM (VALUES (U&'good \FFFF \FFFE \+10FFFF \+0FFFFD'),
             (U&'\FFFD good \FFFD'),
             (U&'\+01F468\200D\+01F469\200D\+01F467 good \+01F600\FE0F'),
             (U&'\+01F1FA good \+01F1F8 \+01F1FA'),
             (U&'good\0301 g\0300ood'),
             (U&'\00A0good\00A0'),
             (U&'\+01F600:)\+01F600 :)')) v(t);
-- every code point of the Basic Multilingual Plane (except surrogates) in one text
SELECT (tweetlda.sentiment(string_agg(chr(i), ' '))).* FROM generate_series(1, 65535) i
WHERE i NOT BETWEEN 55296 AND 57343;
SELECT (tweetlda.sentiment(string_agg(chr(i), ''))).* FROM generate_series(1, 200000) i
WHERE i NOT BETWEEN 55296 AND 57343;

-- a database that does not use UTF8 is refused
SELECT current_database() AS regress_db \gset
CREATE DATABASE sentiment_sql_ascii ENCODING 'SQL_ASCII' LC_COLLATE 'C' LC_CTYPE 'C' TEMPLATE template0;
\c sentiment_sql_ascii
SET client_min_messages = warning;
CREATE EXTENSION tweetlda;
RESET client_min_messages;
SELECT tweetlda.polarity('good');
\c :regress_db
DROP DATABASE sentiment_sql_ascii;
