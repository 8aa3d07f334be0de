-- Demo part 10: the text pipeline on the bundled sample (public.sample_tweets from part 00).
\echo
\echo '== The 20 most frequent stemmed terms of the sample (tweetlda.tokenize: each tweet in its own language)'
SELECT term, count(*) AS tweets
FROM public.sample_tweets, LATERAL (SELECT DISTINCT t FROM unnest(tweetlda.tokenize(text)) t) AS u(term)
GROUP BY term
ORDER BY tweets DESC, term
LIMIT 20;

\echo '== A few tweets next to their tokens'
SELECT left(text, 90) AS tweet, tweetlda.tokenize(text) AS tokens
FROM public.sample_tweets
WHERE text ~ '&amp;|#[A-Z][a-z]+[A-Z]' AND text ~ 'http' AND text ~ '^RT @'
ORDER BY tweet_id
LIMIT 5;

\echo '== Many languages in one stream: English rules against each tweet''s own language (language => ''auto'')'
SELECT tweetlda.detect_language(text) AS lang, left(text, 60) AS tweet,
       tweetlda.tokenize(text, 'english') AS english, tweetlda.tokenize(text) AS auto
FROM public.sample_tweets
WHERE tweetlda.detect_language(text) IN ('es', 'it', 'pt', 'tl') AND length(text) < 90
ORDER BY tweetlda.detect_language(text), tweet_id
LIMIT 4;

\echo '== One text configuration for training and scoring: CamelCase hashtags split, no stemming'
SELECT tweetlda.text_config(split_hashtags => true, stem => false) AS config \gset
SELECT left(text, 90) AS tweet, tweetlda.tokenize(text, :'config'::jsonb) AS tokens
FROM public.sample_tweets
WHERE text ~ '#[A-Z][a-z]+[A-Z][a-z]+'
ORDER BY tweet_id
LIMIT 3;
