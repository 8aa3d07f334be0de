-- Multilingual tokenization (issue 10): language => 'auto', the lang argument, the languages
-- restriction, languages without a stemmer, 'und', frozen configurations.
SET client_min_messages = warning;
CREATE EXTENSION IF NOT EXISTS tweetlda;
CREATE TABLE ml_tweets (source text, tweet_id bigint, lang text, text text);
\copy ml_tweets FROM 'test/fixtures/multilang/tweets.csv' WITH (FORMAT csv, HEADER true)
UPDATE ml_tweets SET lang = NULL WHERE lang = '';
SELECT count(*) AS tweets, count(lang) AS with_lang FROM ml_tweets;

-- 'auto' is the default; a fixed language keeps 0.1.0's behaviour
SELECT tweetlda.text_config() ->> 'language' AS default_language,
       tweetlda.validate_text_config('{}') ->> 'language' AS jsonb_default;
SELECT tweetlda.tokenize('Los bomberos están en la calle con el terremoto', 'english') AS english,
       tweetlda.tokenize('Los bomberos están en la calle con el terremoto', 'auto') AS auto,
       tweetlda.tokenize('Los bomberos están en la calle con el terremoto') AS default_config;
SELECT tweetlda.tokenize('The firemen are in the street after the earthquake', 'auto') =
       tweetlda.tokenize('The firemen are in the street after the earthquake', 'english') AS english_unchanged;
SELECT tweetlda.tokenize('Il terremoto ha colpito la città di notte e noi siamo qui', 'AUTO') AS italian;

-- the lang argument: Twitter's code decides; NULL or '' means "detect"; a fixed language ignores it
SELECT lang, tweetlda.tokenize('Los bomberos están en la calle con el terremoto', 'auto', lang)
FROM (VALUES ('es'), ('ES'), ('es-419'), ('pt-BR'), ('it'), (NULL), ('')) AS v(lang);
SELECT tweetlda.tokenize('Los bomberos están en la calle', 'english', 'es') =
       tweetlda.tokenize('Los bomberos están en la calle', 'english') AS fixed_ignores_lang;
-- given differs from detected: this tweet says 'es' but CLD2 reads English
SELECT tweetlda.detect_language(text) AS detected, lang AS given,
       tweetlda.tokenize(text, 'auto') AS as_detected, tweetlda.tokenize(text, 'auto', lang) AS as_given
FROM ml_tweets WHERE tweet_id = (SELECT min(tweet_id) FROM ml_tweets
                                 WHERE lang = 'es' AND tweetlda.detect_language(text) = 'en');
-- legacy and special codes: in -> Indonesian, iw -> Hebrew; und, zxx, Twitter's q-codes and
-- malformed codes are the unknown language: no language's stopwords, no stemming, noise words only
SELECT lang, tweetlda.tokenize('saya dan kamu makan nasi goreng RT via amp', 'auto', lang)
FROM (VALUES ('in'), ('id'), ('und'), ('zxx'), ('qme'), ('qht'), ('x'), ('english'), ('e1'),
             ('en-'), ('xx')) AS v(lang);
SELECT tweetlda.tokenize('אבל זה היה יום ארוך', 'auto', 'iw') AS hebrew;

-- languages without a Snowball stemmer still lose their stopwords (lists from stopwords-iso)
SELECT lang, tweetlda.tokenize(text, 'auto', lang) AS tokens
FROM (VALUES ('tl', 'Ang mga tao sa Maynila ay nasa bubong ng kanilang bahay dahil sa baha'),
             ('pl', 'Nie wiem czy to jest dobry pomysł ale idziemy na koncert'),
             ('gl', 'Os bombeiros están na rúa coa auga do río'),
             ('cs', 'Povodně zasáhly celou jižní část země a lidé jsou bez vody'),
             ('ja', 'あの 地震 です'),
             ('sw', 'Watu wengi wamekufa baada ya mafuriko')) AS v(lang, text);
-- every stopword list (but the noise words and Porter) is reachable through 'auto'
WITH snap AS MATERIALIZED (
    SELECT unnest(tweetlda.text_config_stopwords(tweetlda.text_config_freeze('{"language": "auto"}'))) AS word)
SELECT array_agg(DISTINCT s.language ORDER BY s.language) AS unreachable
FROM tweetlda.stopwords s
WHERE s.language NOT IN ('twitter', 'porter') AND s.word NOT IN (SELECT word FROM snap);
-- stem => false, stopwords => false and noise_words => false apply to every language
SELECT tweetlda.tokenize('Los bomberos están en la calle', tweetlda.text_config(stem => false), 'es') AS no_stem,
       tweetlda.tokenize('Los bomberos están en la calle', tweetlda.text_config(stopwords => false), 'es') AS no_stopwords,
       tweetlda.tokenize('RT Los bomberos via', tweetlda.text_config(noise_words => false), 'es') AS no_noise;

-- the languages restriction: tweets of other languages give no token
SELECT tweetlda.text_config(languages => '{es,EN,in,und,pt-BR}') ->> 'languages' AS languages;
SELECT lang, tweetlda.tokenize('Los bomberos están en la calle', tweetlda.text_config(languages => '{es,und}'), lang)
FROM (VALUES ('es'), ('en'), ('und'), (NULL), ('qme')) AS v(lang);
-- also with a fixed language (the language is then only used to decide)
SELECT tweetlda.tokenize('Los bomberos están en la calle', tweetlda.text_config('english', languages => '{es}')) AS english_for_es,
       tweetlda.tokenize('The firemen are in the street', tweetlda.text_config('english', languages => '{es}')) AS english_skipped;
SELECT tweetlda.text_config(languages => '{}');
SELECT tweetlda.text_config(languages => '{en,NULL}');
SELECT tweetlda.text_config(languages => '{klingon}');
SELECT tweetlda.text_config(languages => '{xx}');
SELECT tweetlda.validate_text_config('{"languages": ["en", 3]}');
SELECT tweetlda.validate_text_config('{"languages": "en"}');
SELECT tweetlda.validate_text_config('{"languages": null}') ? 'languages' AS null_is_no_restriction;
SELECT tweetlda.text_config('klingon');

-- frozen configurations carry every language's stopwords (bounded) and round-trip
SELECT tweetlda.text_config_freeze(tweetlda.text_config()) AS auto_frozen \gset
SELECT tweetlda.text_config_thaw(:'auto_frozen');
SELECT length(:'auto_frozen'::bytea) < 200000 AS bounded,
       substr(:'auto_frozen'::bytea, 1, 5) AS magic_and_version,
       substr(tweetlda.text_config_freeze(tweetlda.text_config('english')), 1, 5) AS fixed_keeps_version_1;
SELECT tweetlda.text_config_thaw(tweetlda.text_config_freeze(
           tweetlda.text_config(language => 'auto', languages => '{pt,und,en}', min_length => 3)));
-- the frozen form tokenizes every fixture tweet exactly as the jsonb form, with and without lang
SELECT count(*) FILTER (WHERE tweetlda.tokenize(text, :'auto_frozen'::bytea, lang) =
                              tweetlda.tokenize(text, tweetlda.text_config(), lang)) AS same_given,
       count(*) FILTER (WHERE tweetlda.tokenize(text, :'auto_frozen'::bytea) =
                              tweetlda.tokenize(text, tweetlda.text_config())) AS same_detected,
       count(*) AS tweets
FROM ml_tweets;
-- ... and keeps its stopwords when the table changes
INSERT INTO tweetlda.stopwords (language, word) VALUES ('spanish', 'bomberos'), ('tagalog', 'baha');
SELECT tweetlda.tokenize('Los bomberos están en la calle', 'auto', 'es') AS table_now,
       tweetlda.tokenize('Los bomberos están en la calle', :'auto_frozen'::bytea, 'es') AS frozen,
       tweetlda.tokenize('nasa bubong dahil sa baha', 'auto', 'tl') AS tagalog_now;
DELETE FROM tweetlda.stopwords WHERE NOT builtin;
-- hostile bytes: a version 2 form is checked like version 1 (errors, never a crash)
CREATE FUNCTION pg_temp.try_thaw(b bytea) RETURNS text LANGUAGE plpgsql AS $$
BEGIN
    RETURN tweetlda.text_config_thaw(b)::text;
EXCEPTION WHEN invalid_binary_representation OR invalid_parameter_value THEN
    RETURN 'error';
END $$;
-- (a form with two language sections, so that every byte can be flipped and cut quickly)
BEGIN;
DELETE FROM tweetlda.stopwords WHERE language NOT IN ('spanish', 'tagalog', 'twitter');
SELECT tweetlda.text_config_freeze(tweetlda.text_config(languages => '{en,es}')) AS small \gset
ROLLBACK;
SELECT tweetlda.text_config_thaw(:'small') ->> 'languages' AS small_languages,
       cardinality(tweetlda.text_config_stopwords(:'small')) AS small_words;
SELECT count(*) AS flips, count(*) FILTER (WHERE r = 'error') AS rejected
FROM (SELECT pg_temp.try_thaw(set_byte(:'small'::bytea, i, (get_byte(:'small'::bytea, i) + 1) % 256)) AS r
      FROM generate_series(0, length(:'small'::bytea) - 1) AS i) AS q;
SELECT pg_temp.try_thaw(substr(:'small'::bytea, 1, n)) AS truncated, count(*) = length(:'small'::bytea) AS every_cut
FROM generate_series(0, length(:'small'::bytea) - 1) AS n GROUP BY 1;
-- a version 1 form may not be "auto"; sections need "auto"; restricted codes must be known
SELECT tweetlda.text_config_thaw('\x544c544301046175746f00000002000000280000000000'::bytea);
SELECT tweetlda.text_config_thaw(overlay(:'small'::bytea PLACING '\x7878'::bytea FROM 22 FOR 2));

-- the grammar words of each fixture tweet's own language among its tokens: 'english' keeps
-- them for the tweets in other languages, 'auto' removes them
CREATE TABLE ml_sw AS SELECT language, word FROM tweetlda.stopwords WHERE language <> 'twitter';
SELECT mode, count(*) FILTER (WHERE EXISTS (SELECT 1 FROM ml_sw s WHERE s.word = t.tok
                                           AND s.language = tweetlda.language_name(t.l))) AS own_grammar_words,
       count(*) AS tokens
FROM (SELECT 'english' AS mode, coalesce(lang, tweetlda.detect_language(text)) AS l,
             unnest(tweetlda.tokenize(text, 'english')) AS tok FROM ml_tweets
      UNION ALL
      SELECT 'auto', coalesce(lang, tweetlda.detect_language(text)),
             unnest(tweetlda.tokenize(text, 'auto', lang)) FROM ml_tweets) AS t
WHERE t.l NOT IN ('en', 'und')
GROUP BY mode ORDER BY mode;
