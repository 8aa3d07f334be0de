-- A database whose encoding is not UTF8 gets a clear error from every text function;
-- in UTF8 databases the tokens do not depend on the database's locale or collation.
\set regress_db :DBNAME
SET client_min_messages = warning;
CREATE EXTENSION IF NOT EXISTS tweetlda;
RESET client_min_messages;
\set probe 'İSTANBUL IRMAK ÉCOLE Straße ΣΟΦΟΣ МОСКВА'
SELECT tweetlda.tokenize(:'probe', tweetlda.text_config(stem => false, stopwords => false)) AS tokens_c \gset
SELECT :'tokens_c' AS tokens_in_c_database;
CREATE DATABASE tweetlda_text_icu ENCODING 'UTF8' LC_COLLATE 'C.UTF-8' LC_CTYPE 'C.UTF-8'
    LOCALE_PROVIDER icu ICU_LOCALE 'tr-TR' TEMPLATE template0;
\c tweetlda_text_icu
CREATE EXTENSION tweetlda;
SELECT current_setting('lc_ctype') AS lc_ctype, datlocprovider, daticulocale
FROM pg_database WHERE datname = current_database();
SELECT lower('IRMAK') AS turkish_lower,
       tweetlda.tokenize(:'probe', tweetlda.text_config(stem => false, stopwords => false))::text
       = :'tokens_c' AS same_tokens;
\c :regress_db
DROP DATABASE tweetlda_text_icu;
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
