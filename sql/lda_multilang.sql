-- Training and scoring with each tweet's language (issue 10): a lang column in the training
-- query, train(languages => ...), lda_from_text(doc, lang, params), topics/top_topic with lang,
-- the model's languages, and the stream passing the landed tweet's lang.
SET client_min_messages = warning;
CREATE EXTENSION IF NOT EXISTS tweetlda;
CREATE TABLE mlt (source text, tweet_id bigint, lang text, text text);
\copy mlt FROM 'test/fixtures/multilang/tweets.csv' WITH (FORMAT csv, HEADER true)
UPDATE mlt SET lang = NULL WHERE lang = '';
-- the languages of the fixture: Twitter's field, else the detected one
CREATE TABLE mlt_lang AS
    SELECT l, count(*) AS tweets
    FROM (SELECT coalesce(lang, tweetlda.detect_language(text), 'und') AS l FROM mlt) AS q GROUP BY l;
SELECT string_agg(l || ':' || tweets, ' ' ORDER BY tweets DESC, l) AS fixture_languages FROM mlt_lang;

-- train() with a lang column (NULL: detected) and the default text configuration ('auto');
-- the model keeps the languages it saw
SET client_min_messages = warning;
SELECT tweetlda.train('ml_auto', 'SELECT text, lang FROM mlt', k => 3, min_df => 2,
                      optimizer => 'batch', max_iter => 30) > 0 AS trained;
SELECT tweetlda.model_info('ml_auto') #>> '{text_config,language}' AS language,
       tweetlda.model_info('ml_auto') #> '{text_config,languages}' AS languages;
-- the same tweets trained as English only, for contrast
SELECT tweetlda.train('ml_english', 'SELECT text FROM mlt', k => 3, min_df => 2,
                      optimizer => 'batch', max_iter => 30, language => 'english') > 0 AS trained;
SELECT tweetlda.model_info('ml_english') #> '{text_config}' ? 'languages' AS english_restricted;

-- grammar words of the fixture's languages (those with 3 tweets or more) among the top terms:
-- many in the English model; in the auto model only those of Spanish tweets that CLD2 reads as
-- Italian or Portuguese (the CrisisLex tweets carry no lang field)
CREATE TABLE mlt_grammar AS
    SELECT DISTINCT s.word FROM tweetlda.stopwords s
    JOIN mlt_lang m ON s.language = tweetlda.language_name(m.l) AND m.tweets >= 3;
SELECT m AS model, count(*) FILTER (WHERE t.term IN (SELECT word FROM mlt_grammar)) AS grammar_words,
       string_agg(t.term, ' ' ORDER BY t.topic, t.rank) FILTER (WHERE t.term IN (SELECT word FROM mlt_grammar)) AS which
FROM (VALUES ('ml_auto'), ('ml_english')) AS v(m), tweetlda.topic_terms(v.m, 10) AS t
GROUP BY m ORDER BY m;

-- languages => restricts training; the other tweets are skipped and counted in a NOTICE (and
-- left out of the held-out measure: trained, empty and held-out documents are the en and es ones)
SET client_min_messages = notice;
SELECT tweetlda.train('ml_enes', 'SELECT text, lang FROM mlt', k => 3, min_df => 2,
                      optimizer => 'batch', max_iter => 5, languages => '{en,es}') > 0 AS trained;
SET client_min_messages = warning;
SELECT tweetlda.model_info('ml_enes') #> '{text_config,languages}' AS languages,
       (tweetlda.model_info('ml_enes') #>> '{training,documents}')::int +
       (tweetlda.model_info('ml_enes') #>> '{training,empty_documents}')::int +
       (tweetlda.model_info('ml_enes') #>> '{quality,heldout_documents}')::int AS documents,
       (SELECT sum(tweets) FROM mlt_lang WHERE l IN ('en', 'es')) AS en_es_tweets;
-- evaluate() reads a language column too: with it, the tweets of languages the model was not
-- trained on are not scored (documents counts the en and es tweets only)
SELECT (tweetlda.evaluate('ml_enes', 'SELECT text, lang FROM mlt')->>'documents')::int AS with_lang,
       (tweetlda.evaluate('ml_enes', 'SELECT text FROM mlt')->>'documents')::int AS without_lang,
       (SELECT sum(tweets) FROM mlt_lang WHERE l IN ('en', 'es')) AS en_es_tweets;
SELECT tweetlda.evaluate('ml_enes', 'SELECT text, lang, lang FROM mlt');
SELECT tweetlda.train('ml_bad', 'SELECT text, lang FROM mlt', languages => '{en,klingon}');
SELECT tweetlda.train('ml_bad', 'SELECT text, lang FROM mlt', languages => '{}');

-- scoring with lang: a language the model never saw scores as "no known word" (NULL), whether
-- the language is given or detected; its own languages score
CREATE TABLE mlt_probe (lang text, text text);
INSERT INTO mlt_probe VALUES
    ('es', 'Terremoto en Guatemala: los bomberos buscan sobrevivientes'),
    ('en', 'Earthquake in Guatemala: firefighters search for survivors'),
    ('fr', 'Tremblement de terre au Guatemala : les pompiers cherchent des survivants'),
    ('und', 'Guatemala terremoto earthquake'),
    ('qme', 'Guatemala terremoto earthquake');
SELECT p.lang, tweetlda.top_topic('ml_enes', p.text, p.lang) IS NOT NULL AS given_scored,
       tweetlda.top_topic('ml_enes', p.text, NULL) IS NOT NULL AS detected_scored,
       tweetlda.top_topic('ml_enes', p.text) IS NOT NULL AS two_argument_scored,
       tweetlda.topics('ml_enes', p.text, p.lang) IS NOT NULL AS topics_scored,
       tweetlda.top_topic(tweetlda.get_model('ml_enes'), p.text, p.lang) IS NOT NULL AS by_value,
       tweetlda.top_topic((SELECT id FROM tweetlda.models WHERE name = 'ml_enes'), p.text, p.lang)
           IS NOT NULL AS by_id
FROM mlt_probe p ORDER BY p.lang;
-- the auto model saw French tweets (detected in the CrisisLex sample), not Swedish ones
SELECT tweetlda.top_topic('ml_auto', 'Tremblement de terre au Guatemala', 'fr') IS NOT NULL AS fr_scored,
       tweetlda.top_topic('ml_auto', 'Guatemala terremoto earthquake', 'sv') IS NULL AS sv_unscored,
       tweetlda.top_topic('ml_auto', 'Guatemala terremoto earthquake', 'es') IS NOT NULL AS es_scored;
-- an English-only model of 0.1.0's kind ignores lang (it never looked at languages)
SELECT tweetlda.top_topic('ml_english', 'Guatemala earthquake', 'ko') =
       tweetlda.top_topic('ml_english', 'Guatemala earthquake') AS english_ignores_lang;
-- NULL model or text: NULL
SELECT tweetlda.top_topic('ml_enes', NULL, 'en') IS NULL AS null_doc,
       tweetlda.topics(NULL::text, 'x', 'en') IS NULL AS null_model;

-- the aggregate directly, serially and with parallel workers: same model languages and counts
SELECT tweetlda.lda_from_text(text, lang, '{"k": 2, "min_df": 2, "optimizer": "batch", "max_iter": 3}')
    AS serial_model FROM mlt \gset
SET parallel_setup_cost = 0;
SET parallel_tuple_cost = 0;
SET min_parallel_table_scan_size = 0;
SET max_parallel_workers_per_gather = 2;
SET parallel_leader_participation = off;
EXPLAIN (COSTS OFF) SELECT tweetlda.lda_from_text(text, lang, '{"k": 2}') FROM mlt;
SELECT tweetlda.lda_from_text(text, lang, '{"k": 2, "min_df": 2, "optimizer": "batch", "max_iter": 3}')
    AS parallel_model FROM mlt \gset
RESET parallel_setup_cost;
RESET parallel_tuple_cost;
RESET min_parallel_table_scan_size;
RESET max_parallel_workers_per_gather;
RESET parallel_leader_participation;
SELECT tweetlda.model_info(:'serial_model'::tweetlda.lda_model) -> 'text_config' =
       tweetlda.model_info(:'parallel_model'::tweetlda.lda_model) -> 'text_config' AS same_languages,
       tweetlda.model_info(:'serial_model'::tweetlda.lda_model) #> '{training,documents}' =
       tweetlda.model_info(:'parallel_model'::tweetlda.lda_model) #> '{training,documents}' AS same_documents;
-- the params must be the same on every row, as for lda_from_text(doc, params)
SELECT tweetlda.lda_from_text(text, lang, jsonb_build_object('k', 2 + (tweet_id % 2)::int)) FROM mlt;

-- the stream scores each landed tweet with its lang field
TRUNCATE tweetlda.pending, tweetlda.tweet_scores;
UPDATE tweetlda.models SET active = (name = 'ml_enes');
SELECT tweetlda.ingest_batch(ARRAY(
    SELECT jsonb_build_object('id', 9000000000 + row_number() OVER (ORDER BY lang), 'text', text,
                              'lang', lang)::text
    FROM mlt_probe)) AS landed;
SELECT tweetlda.process_pending() AS scored;
SELECT t.lang, s.top_topic IS NOT NULL AS has_topic
FROM tweetlda.tweet_scores s JOIN tweetlda.tweets t ON t.id = s.tweet_id
WHERE t.id >= 9000000000 ORDER BY t.lang;

-- leave no model, landed tweet or score behind for the other tests
TRUNCATE tweetlda.pending, tweetlda.tweet_scores;
DELETE FROM tweetlda.tweet_ids WHERE id >= 9000000000;
DELETE FROM tweetlda.tweets WHERE id >= 9000000000;
DELETE FROM tweetlda.models WHERE name LIKE 'ml\_%';
SELECT count(*) AS models_left FROM tweetlda.models WHERE name LIKE 'ml\_%';
