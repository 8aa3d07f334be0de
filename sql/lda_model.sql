-- The tweetlda.lda_model type: text form, round trips, corrupt input.
SET client_min_messages = warning;
CREATE EXTENSION IF NOT EXISTS tweetlda;
CREATE TABLE lda_m_tweets (corpus text, tweet_id bigint, created_at timestamptz, lang text,
                           text text, source_ref text);
\copy lda_m_tweets FROM 'data/sample/tweets_sample.csv' WITH (FORMAT csv, HEADER true)
CREATE TABLE lda_m AS
  SELECT tweetlda.lda(text, (SELECT tweetlda.vocabulary(tweetlda.tokenize(text, tweetlda.text_config()), 5, 0.5, 500)
                             FROM lda_m_tweets), '{"k": 3, "max_iter": 5, "weighting": "tf"}') AS m
  FROM lda_m_tweets;

-- The text form starts with a readable summary, then the full encoding.
SELECT substring(m::text FROM '^LDA1 k=\d+ terms=\d+ weighting=\w+ docs=\d+ data=') AS summary,
       length(m::text) > 10000 AS long FROM lda_m;
-- Text and binary round trips keep everything (same fingerprint and content).
SELECT (m::text::tweetlda.lda_model)::text = m::text AS text_round_trip,
       tweetlda.model_info(m::text::tweetlda.lda_model) = tweetlda.model_info(m) AS same_info,
       length(tweetlda.lda_model_send(m)) > 6 * 3 * 500 AS send_size
FROM lda_m;
-- A model survives a table round trip (TOAST, external storage) and scores identically.
CREATE TABLE lda_m_copy AS SELECT m::text::tweetlda.lda_model AS m FROM lda_m;
SELECT tweetlda.topics(a.m, 'flood in queensland') = tweetlda.topics(b.m, 'flood in queensland') AS same_scores
FROM lda_m a, lda_m_copy b;

-- Corrupt text forms are errors, never crashes.
SELECT 'garbage'::tweetlda.lda_model;
SELECT ''::tweetlda.lda_model;
SELECT 'LDA1 k=3'::tweetlda.lda_model;
SELECT 'LDA1 k=3 terms=500 weighting=tf docs=10 data=!!!!'::tweetlda.lda_model;
SELECT 'LDA1 k=3 terms=500 weighting=tf docs=10 data='::tweetlda.lda_model;
SELECT 'LDA1 k=3 terms=500 weighting=tf docs=10 data=AAAA'::tweetlda.lda_model;
-- the summary must agree with the data
SELECT replace(m::text, 'k=3 ', 'k=4 ')::tweetlda.lda_model FROM lda_m;
SELECT replace(m::text, 'weighting=tf ', 'weighting=tfidf ')::tweetlda.lda_model FROM lda_m;
-- truncated data
SELECT left(m::text, length(m::text) - 400)::tweetlda.lda_model FROM lda_m;
-- Flip one base64 character at several places (header, alpha, topic-word, vocabulary):
-- every variant is rejected with an error that names the problem.
CREATE FUNCTION lda_m_flip(t text, pos int) RETURNS text LANGUAGE sql AS $$
  SELECT overlay(t PLACING (CASE WHEN substr(t, pos, 1) = 'A' THEN 'B' ELSE 'A' END) FROM pos FOR 1) $$;
CREATE FUNCTION lda_m_try(t text) RETURNS text LANGUAGE plpgsql AS $$
DECLARE
  detail text;
BEGIN
  PERFORM t::tweetlda.lda_model;
  RETURN 'accepted';
EXCEPTION WHEN OTHERS THEN
  GET STACKED DIAGNOSTICS detail = PG_EXCEPTION_DETAIL;
  RETURN SQLSTATE || ' ' || SQLERRM || ': ' || detail;
END $$;
-- (base64 character c encodes byte 3c/4 of the portable encoding; negative: from the end)
SELECT p.name, lda_m_try(lda_m_flip(m::text, CASE WHEN p.off > 0 THEN strpos(m::text, 'data=') + 5 + p.off
                                                  ELSE length(m::text) + p.off END)) AS result
FROM lda_m, (VALUES (1, 'magic', 1), (2, 'version', 7), (3, 'k', 13), (4, 'vocab_size', 33),
                    (5, 'eta', 62), (6, 'training metadata', 130), (7, 'alpha', 300),
                    (8, 'topic-word', 2000), (9, 'vocabulary text', -100)) AS p(i, name, off)
ORDER BY p.i;
SELECT count(*) FILTER (WHERE r = 'accepted') AS accepted, count(*) AS variants
FROM lda_m, generate_series(1, 400) i,
     LATERAL (SELECT lda_m_try(lda_m_flip(m::text, strpos(m::text, 'data=') + 5 + i * 37)) AS r) s;

-- Output of a model never loses precision: alpha survives the text form exactly.
SELECT tweetlda.model_info(m)->'alpha' = tweetlda.model_info(m::text::tweetlda.lda_model)->'alpha' AS alpha_exact
FROM lda_m;

DROP FUNCTION lda_m_try(text);
DROP FUNCTION lda_m_flip(text, int);
DROP TABLE lda_m, lda_m_copy, lda_m_tweets;
