-- The text configuration (text_config, validate_text_config, freeze/thaw), languages() and stem().
SET client_min_messages = warning;
CREATE EXTENSION IF NOT EXISTS tweetlda;
RESET client_min_messages;

-- languages(): every libstemmer algorithm
SELECT string_agg(l, ', ' ORDER BY l) AS languages, count(*) FROM tweetlda.languages() AS l;

-- text_config(): defaults, named arguments, normalized language names
SELECT tweetlda.text_config();
SELECT tweetlda.text_config('French', min_length => 3, max_length => 20, stopwords => false,
                            noise_words => false, stem => false, split_hashtags => true);
SELECT tweetlda.text_config(language => 'porter') ->> 'language' AS language;
-- bad values
SELECT tweetlda.text_config('klingon');
SELECT tweetlda.text_config('');
SELECT tweetlda.text_config(min_length => 0);
SELECT tweetlda.text_config(min_length => 256);
SELECT tweetlda.text_config(min_length => 5, max_length => 4);
SELECT tweetlda.text_config(max_length => 1000);
SELECT tweetlda.text_config(stem => NULL);
SELECT tweetlda.text_config(language => NULL);
-- a string literal resolves to the language variant, with a hint
SELECT tweetlda.text_config('{"language": "french"}');

-- validate_text_config(): missing keys take defaults; keys and values are checked
SELECT tweetlda.validate_text_config('{}');
SELECT tweetlda.validate_text_config('{"language": "GERMAN", "min_length": 3, "stem": false}');
SELECT tweetlda.validate_text_config(tweetlda.text_config('dutch')) = tweetlda.text_config('dutch') AS round_trip;
SELECT tweetlda.validate_text_config(NULL) IS NULL AS strict;
SELECT tweetlda.validate_text_config('{"lang": "english"}');
SELECT tweetlda.validate_text_config('{"language": 1}');
SELECT tweetlda.validate_text_config('{"language": "xx"}');
SELECT tweetlda.validate_text_config('{"min_length": 2.5}');
SELECT tweetlda.validate_text_config('{"min_length": "2"}');
SELECT tweetlda.validate_text_config('{"min_length": 1e30}');
SELECT tweetlda.validate_text_config('{"min_length": -3}');
SELECT tweetlda.validate_text_config('{"max_length": 2.0, "min_length": 2}') ->> 'max_length' AS integral_float_ok;
SELECT tweetlda.validate_text_config('{"stem": "yes"}');
SELECT tweetlda.validate_text_config('{"stopwords": null}');
SELECT tweetlda.validate_text_config('{"split_hashtags": {"a": 1}}');
SELECT tweetlda.validate_text_config('[]');
SELECT tweetlda.validate_text_config('"english"');
SELECT tweetlda.validate_text_config('null');

-- tokenize() overloads: language text, config jsonb, frozen bytea; unknown literals are languages
SELECT tweetlda.tokenize('Running dogs');
SELECT tweetlda.tokenize('Running dogs', 'english');
SELECT tweetlda.tokenize('Running dogs', '{"stem": false}'::jsonb);
SELECT tweetlda.tokenize('Running dogs', '{"stem": false}');
SELECT tweetlda.tokenize('Running dogs', 'klingon');
SELECT tweetlda.tokenize('Running dogs', '{"bad": 1}'::jsonb);
SELECT tweetlda.tokenize('Running dogs', '[1]'::jsonb);
-- the same configuration gives the same tokens whichever way it is passed
SELECT tweetlda.tokenize('Les chats courent #ChatNoir', 'french') =
       tweetlda.tokenize('Les chats courent #ChatNoir', tweetlda.text_config('french')) AND
       tweetlda.tokenize('Les chats courent #ChatNoir', 'french') =
       tweetlda.tokenize('Les chats courent #ChatNoir', tweetlda.text_config_freeze(tweetlda.text_config('french')))
       AS same_tokens;
-- the per-call cache follows a configuration that changes from row to row
SELECT lang, tweetlda.tokenize('the running cats die Katzen laufen', lang)
FROM (VALUES ('english'), ('german'), ('english'), ('porter')) AS v(lang);
SELECT c, tweetlda.tokenize('#RunningCats fast', c)
FROM (VALUES ('{}'::jsonb), ('{"split_hashtags": true}'), ('{"min_length": 5}'), ('{}')) AS v(c);

-- frozen configurations: the binary form with a stopword snapshot
SELECT tweetlda.text_config_thaw(tweetlda.text_config_freeze(tweetlda.text_config('german', min_length => 3)));
SELECT cardinality(tweetlda.text_config_stopwords(tweetlda.text_config_freeze('{"language": "english"}'))) =
       (SELECT count(DISTINCT word) FROM tweetlda.stopwords WHERE language IN ('english', 'twitter')) AS snapshot_complete;
SELECT tweetlda.text_config_stopwords(tweetlda.text_config_freeze('{"stopwords": false}'));
SELECT tweetlda.text_config_stopwords(tweetlda.text_config_freeze('{"stopwords": false, "noise_words": false}'));
SELECT tweetlda.text_config_freeze('{"stopwords": false, "noise_words": false, "language": "dutch"}');
SELECT tweetlda.tokenize('RT the cats http', tweetlda.text_config_freeze('{}'));
-- hostile bytes: every field is checked, errors never crash
SELECT tweetlda.text_config_thaw('');
SELECT tweetlda.text_config_thaw('\x00');
SELECT tweetlda.text_config_thaw('\x544c544303');
SELECT tweetlda.text_config_thaw('\x544c544301ff');
SELECT tweetlda.text_config_thaw('\x544c54430100');
SELECT tweetlda.text_config_thaw('\x544c544301026162');
SELECT tweetlda.text_config_thaw('\x544c5443010564757400630000000200000028000000000000');
SELECT tweetlda.text_config_thaw('\x544c544301056475746368000000000000002800000000');
SELECT tweetlda.text_config_thaw('\x544c5443010564757463680000000200000028ff00000000');
SELECT tweetlda.text_config_thaw('\x544c54430105647574636800000002000000280000000001');
SELECT tweetlda.text_config_thaw('\x544c544301056475746368000000020000002800ffffffff');
SELECT tweetlda.text_config_thaw('\x544c544301056475746368000000020000002800000000020000');
SELECT tweetlda.text_config_thaw('\x544c5443010564757463680000000200000028000000000200016100');
SELECT tweetlda.text_config_thaw('\x544c54430105647574636800000002000000280000000002000162000161');
SELECT tweetlda.text_config_thaw('\x544c54430105647574636800000002000000280000000001000200ff');
SELECT tweetlda.text_config_thaw('\x544c544301056475746368000000020000002800000000010001c3');
SELECT tweetlda.text_config_thaw('\x544c54430105647574636800000002000000280000000001000161');
SELECT tweetlda.tokenize('x', '\x00'::bytea);
-- random corruption of a valid frozen configuration: errors or valid configurations, no crash
CREATE FUNCTION pg_temp.try_thaw(b bytea) RETURNS text LANGUAGE plpgsql AS $$
BEGIN
    PERFORM tweetlda.text_config_thaw(b);
    PERFORM tweetlda.tokenize('RT the running cats', b);
    RETURN 'ok';
EXCEPTION WHEN OTHERS THEN
    RETURN SQLSTATE;
END $$;
SELECT setseed(0.42);
SELECT tweetlda.text_config_freeze(tweetlda.text_config('english', split_hashtags => true)) AS frozen \gset
SELECT count(*) AS tries, count(*) FILTER (WHERE r IN ('ok', '22P03', '22023')) AS ok_or_clean_error
FROM (SELECT pg_temp.try_thaw(set_byte(:'frozen'::bytea, (random() * (length(:'frozen'::bytea) - 1))::int,
                                         (random() * 255)::int)) AS r
      FROM generate_series(1, 2000)) AS s;
SELECT count(*) AS tries, count(*) FILTER (WHERE r IN ('ok', '22P03', '22023')) AS ok_or_clean_error
FROM (SELECT pg_temp.try_thaw(substring(:'frozen'::bytea FROM 1 FOR n)) AS r
      FROM generate_series(0, length(:'frozen'::bytea)) AS n) AS s;

-- stem(): one word, lowercased first; unknown languages list the known ones
SELECT tweetlda.stem('running'), tweetlda.stem('Running'), tweetlda.stem('RUNNING', 'english'),
       tweetlda.stem('generously', 'porter'), tweetlda.stem('generously', 'english');
SELECT tweetlda.stem('Häuser', 'german'), tweetlda.stem('étudiantes', 'french'),
       tweetlda.stem('ΑΘΗΝΑΣ', 'greek'), tweetlda.stem('Москвы', 'russian'),
       tweetlda.stem('koşuyorum', 'turkish');
SELECT tweetlda.stem(''), tweetlda.stem(NULL) IS NULL AS null_word,
       tweetlda.stem('x', NULL) IS NULL AS null_language;
SELECT tweetlda.stem('running', 'klingon');
SELECT w, l, tweetlda.stem(w, l)
FROM (VALUES ('cats', 'english'), ('chats', 'french'), ('cats', 'english'), ('Katzen', 'german')) AS v(w, l);
SELECT tweetlda.stem(repeat('ab', 500000)) = repeat('ab', 500000) AS long_word;

-- more configurations than the per-call cache holds (32), cycling: entries are evicted and
-- rebuilt, and every call still gives the tokens of its own configuration
WITH c AS (SELECT i, tweetlda.text_config(max_length => 3 + i % 40, stem => i % 40 < 20) AS cfg
           FROM generate_series(0, 119) i)
SELECT count(*) AS calls, count(DISTINCT cfg) AS configs,
       count(DISTINCT tweetlda.tokenize('Runners RUN to #BostonStrong events www.x.org', cfg)) AS results,
       bool_and(tweetlda.tokenize('Runners RUN to #BostonStrong events www.x.org', cfg) =
                tweetlda.tokenize('Runners RUN to #BostonStrong events www.x.org',
                                  tweetlda.text_config_freeze(cfg))) AS same_as_frozen
FROM c;
SELECT l, tweetlda.tokenize('The runners are running to the stations', l)
FROM tweetlda.languages() l, generate_series(1, 2) r WHERE l IN ('english', 'porter', 'dutch') ORDER BY 1;

-- a frozen configuration is IMMUTABLE: usable in an index expression (the table-reading
-- variants are STABLE and are not)
CREATE TABLE tc_docs (doc text);
INSERT INTO tc_docs SELECT 'Flooding in Calgary ' || g FROM generate_series(1, 100) g;
INSERT INTO tc_docs VALUES ('Wildfire near Boulder');
SELECT tweetlda.text_config_freeze(tweetlda.text_config('english')) AS tc \gset
CREATE INDEX tc_docs_tokens ON tc_docs USING gin (tweetlda.tokenize(doc, :'tc'::bytea));
CREATE INDEX ON tc_docs USING gin (tweetlda.tokenize(doc));
SET enable_seqscan = off;
SELECT doc FROM tc_docs WHERE tweetlda.tokenize(doc, :'tc'::bytea) @> '{wildfir}';
RESET enable_seqscan;
DROP TABLE tc_docs;
