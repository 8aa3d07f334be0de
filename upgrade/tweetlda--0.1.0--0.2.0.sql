-- tweetlda upgrade from 0.1.0 to 0.2.0.
-- Every schema change of the 0.2.0 cycle goes here AND into the editable base src/sql/*.sql
-- (which builds the fresh tweetlda--0.2.0.sql); test/t/002_upgrade.pl checks that a 0.1.0
-- install updated by this script and a fresh 0.2.0 install have the same catalog.
\echo Use "ALTER EXTENSION tweetlda UPDATE TO '0.2.0'" to load this file. \quit

-- issue 10: language detection (src/sql/12_langdetect.sql)
-- The language of a tweet as an ISO 639-1 code ('en', 'es', 'ja', ...), detected by CLD2 after
-- removing URLs, @mentions, RT and hashtags (hashtags are used when nothing else is left): the
-- best guess whenever the text has letters, NULL when it has none (only emoji, URLs, digits).
CREATE FUNCTION tweetlda.detect_language(doc text) RETURNS text
    AS 'MODULE_PATHNAME', 'tweetlda_detect_language'
    LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION tweetlda.detect_language(text) IS
    'ISO 639-1 code of the tweet''s language (CLD2), NULL when the text has no letters';

-- The detected language with the share of the letters in it and CLD2's reliability verdict.
CREATE FUNCTION tweetlda.detect_language_details(doc text,
    OUT language text, OUT percent integer, OUT reliable boolean)
    AS 'MODULE_PATHNAME', 'tweetlda_detect_language_details'
    LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION tweetlda.detect_language_details(text) IS
    'detected language, percent of the letters in it, and whether CLD2 deems it reliable';

-- The Snowball algorithm (a tweetlda.languages() name) for an ISO 639-1 code, NULL when
-- libstemmer has none; accepts region subtags ('pt-BR') and Twitter's legacy 'in' and 'ji'.
CREATE FUNCTION tweetlda.language_name(iso text) RETURNS text
    AS 'MODULE_PATHNAME', 'tweetlda_language_name'
    LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION tweetlda.language_name(text) IS
    'Snowball stemmer name for an ISO 639-1 language code, NULL when there is none';
