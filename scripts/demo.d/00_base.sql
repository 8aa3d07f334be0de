-- Demo part 00, run first by scripts/demo in one psql session with the later parts (re-runnable).
\pset footer off
DROP EXTENSION IF EXISTS tweetlda CASCADE;
CREATE EXTENSION tweetlda;

-- The bundled sample: 4,000 real CrisisLex tweets (data/sample/PROVENANCE.md).
DROP TABLE IF EXISTS public.sample_tweets;
CREATE TABLE public.sample_tweets (
    corpus text, tweet_id bigint, created_at timestamptz, lang text, text text, source_ref text);
\set copy '\\copy public.sample_tweets FROM ' :'sample' ' WITH (FORMAT csv, HEADER true)'
:copy
SELECT count(*) AS sample_tweets FROM public.sample_tweets;
