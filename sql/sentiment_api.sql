-- Sentiment API: sentiment(), polarity(), subjectivity(), analyzers(), and TextBlob parity on
-- hand-made cases whose expected values come from TextBlob 0.18 itself (Python repr floats).
SET client_min_messages = warning;
CREATE EXTENSION IF NOT EXISTS tweetlda;
RESET client_min_messages;

SELECT * FROM tweetlda.analyzers() WHERE name = 'textblob';
SELECT * FROM tweetlda.sentiment('I love this phone');
SELECT * FROM tweetlda.sentiment('I love this phone', 'textblob');
SELECT tweetlda.polarity('not good'), tweetlda.subjectivity('not good'),
       tweetlda.polarity('not good', 'textblob'), tweetlda.subjectivity('not good', 'textblob');
SELECT pg_typeof(tweetlda.sentiment('good'));

-- TextBlob's values, compared exactly (float8in reads Python's repr exactly)
CREATE TABLE sentiment_cases (doc text, polarity float8, subjectivity float8);
INSERT INTO sentiment_cases VALUES
  ('I love this phone', 0.5, 0.6),
  ('not good', -0.35, 0.6000000000000001),
  ('very good!', 1.0, 0.7800000000000001),
  ('really not good', -0.35, 0.6000000000000001),
  ('not very good', -0.26923076923076916, 0.46153846153846156),
  ('this isn''t good', 0.7, 0.6000000000000001),
  ('great (!)', 0.4, 0.875),
  ('good ( ! )', 0.35, 0.8),
  ('good :-)', 0.6, 0.8),
  ('good:)', 0.6, 0.8),
  (': )', 0.5, 1.0),
  ('8 )', 0.5, 1.0),
  ('x D', 0.0, 0.0),
  ('Mr. Smith is good.', 0.7, 0.6000000000000001),
  ('It is good...really', 0.0, 0.0),
  (E'good.\n\nbad', 5.551115123125783e-17, 0.6333333333333333),
  ('END-OF-SENTENCE good', 0.7, 0.6000000000000001),
  ('happily', 0.8, 1.0),
  ('terribly good', 0.7, 0.6000000000000001),
  ('The food is good, but the service is bad', 5.551115123125783e-17, 0.6333333333333333),
  ('GOOD', 0.7, 0.6000000000000001),
  (':''(', -1.0, 1.0),
  (U&'\212Aind', 0.6, 0.9),
  (U&'\0130 good', 0.7, 0.6000000000000001),
  (U&'<3 \2665', 1.0, 1.0),
  ('never happy', -0.4, 1.0),
  ('not a good idea', -0.35, 0.6000000000000001),
  ('not the best idea', 1.0, 0.3),
  ('very !good', 0.9099999999999999, 0.7800000000000001),
  ('nothing here', 0.0, 0.0);
SELECT doc, (s).polarity = c.polarity AS polarity_ok, (s).subjectivity = c.subjectivity AS subjectivity_ok
FROM (SELECT c, tweetlda.sentiment(c.doc) AS s FROM sentiment_cases c) x, LATERAL (SELECT (x.c).*) c;
DROP TABLE sentiment_cases;

-- the assessments behind a score, as TextBlob's sentiment_assessments
SELECT * FROM tweetlda.textblob_assessments('really not good! very very good :) (!) not very bad damn');
SELECT * FROM tweetlda.textblob_assessments('crap, very crap');
SELECT count(*) AS none FROM tweetlda.textblob_assessments('');
SELECT count(*) AS none FROM tweetlda.textblob_assessments(NULL);
SELECT (SELECT avg(polarity) FROM tweetlda.textblob_assessments(d)) = tweetlda.polarity(d) AS mean_is_polarity
FROM (VALUES ('good, great and bad :( !')) v(d);

-- unknown analyzers are errors listing the analyzers; NULL gives NULL
SELECT tweetlda.polarity('good', 'vader');
SELECT tweetlda.sentiment('good', '');
SELECT tweetlda.sentiment(NULL) IS NULL AS null_doc, tweetlda.polarity('good', NULL) IS NULL AS null_analyzer;

-- volatility, strictness and parallel safety
SELECT p.oid::regprocedure, p.provolatile, p.proisstrict, p.proparallel
FROM pg_proc p
WHERE p.pronamespace = 'tweetlda'::regnamespace
  AND p.proname IN ('sentiment', 'polarity', 'subjectivity', 'sentiment_label', 'analyzers',
                    'textblob_assessments')
ORDER BY 1::text;

-- a parallel plan over the bundled sample: workers load the lexicon themselves
CREATE TABLE sentiment_tweets (corpus text, tweet_id bigint, created_at timestamptz, lang text,
                               text text, source_ref text);
\copy sentiment_tweets FROM 'data/sample/tweets_sample.csv' WITH (FORMAT csv, HEADER true)
SET parallel_setup_cost = 0;
SET parallel_tuple_cost = 0;
SET min_parallel_table_scan_size = 0;
SET max_parallel_workers_per_gather = 2;
SET parallel_leader_participation = off;
EXPLAIN (COSTS OFF) SELECT count(tweetlda.polarity(text)), sum(tweetlda.polarity(text)) FROM sentiment_tweets;
CREATE TABLE sentiment_parallel AS
  SELECT count(tweetlda.polarity(text)) AS n, sum(tweetlda.polarity(text)) AS p,
         sum(tweetlda.subjectivity(text)) AS s FROM sentiment_tweets;
RESET ALL;
CREATE TABLE sentiment_serial AS
  SELECT count(tweetlda.polarity(text)) AS n, sum(tweetlda.polarity(text)) AS p,
         sum(tweetlda.subjectivity(text)) AS s FROM sentiment_tweets;
SELECT n, round(p::numeric, 6) AS p, round(s::numeric, 6) AS s FROM sentiment_serial;
SELECT a.n = b.n AS same_count, abs(a.p - b.p) < 1e-9 AS same_polarity, abs(a.s - b.s) < 1e-9 AS same_subjectivity
FROM sentiment_parallel a, sentiment_serial b;
SELECT tweetlda.sentiment_label(tweetlda.polarity(text)) AS label, count(*)
FROM sentiment_tweets GROUP BY 1 ORDER BY 1;
-- every analyzer: NULL -> NULL, empty -> (0, 0), results in range on real tweets
SELECT a.name, tweetlda.sentiment(NULL, a.name) IS NULL AS null_null,
       tweetlda.sentiment('', a.name) = ROW(0, 0)::tweetlda.sentiment_score AS empty_zero,
       bool_and(tweetlda.polarity(t.text, a.name) BETWEEN -1 AND 1
                AND tweetlda.subjectivity(t.text, a.name) BETWEEN 0 AND 1) AS in_range,
       count(*) FILTER (WHERE tweetlda.polarity(t.text, a.name) <> 0) > 1000 AS finds_sentiment
FROM tweetlda.analyzers() a, sentiment_tweets t GROUP BY a.name ORDER BY a.name;
DROP TABLE sentiment_tweets, sentiment_parallel, sentiment_serial;
