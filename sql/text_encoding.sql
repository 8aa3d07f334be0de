-- A database whose encoding is not UTF8 gets a clear error from every text function.
\set regress_db :DBNAME
CREATE DATABASE tweetlda_text_latin1 ENCODING 'LATIN1' LC_COLLATE 'C' LC_CTYPE 'C' TEMPLATE template0;
\c tweetlda_text_latin1
SET client_encoding = 'UTF8';
CREATE EXTENSION tweetlda;
SELECT tweetlda.tokenize('The flooded streets');
SELECT tweetlda.tokenize('The flooded streets', '{}'::jsonb);
SELECT tweetlda.tokenize('x', '\x00'::bytea);
SELECT tweetlda.stem('running');
SELECT tweetlda.text_config_freeze('{}');
-- functions that read no text still work
SELECT tweetlda.text_config('german') ->> 'language' AS language;
SELECT count(*) FROM tweetlda.languages();
\c :regress_db
DROP DATABASE tweetlda_text_latin1;
