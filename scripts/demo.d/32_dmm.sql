-- Demo part 32: a GSDMM model (one topic per tweet, doc/dmm.md) of the same sample, next to the
-- LDA model of part 30.  It is stored but not activated: the stream keeps scoring with demo_k5.
\echo
\echo '== GSDMM: method => ''dmm'', one topic per tweet; k = 10 is an upper bound, empty clusters are dropped'
SET client_min_messages = warning;
DELETE FROM tweetlda.models WHERE name = 'demo_dmm';
SELECT tweetlda.train('demo_dmm', 'SELECT text FROM public.sample_tweets', k => 10,
                      method => 'dmm') AS model_id;
RESET client_min_messages;
SELECT name, k AS topics, active, i->'clusters' AS clusters,
       (SELECT array_agg(round(w::numeric, 2)) FROM jsonb_array_elements_text(i->'weights') w) AS weights,
       round((metrics->>'seconds')::numeric, 2) AS seconds
FROM tweetlda.models, tweetlda.model_info(model) i WHERE name = 'demo_dmm';

\echo '== DMM topics next to LDA topics (most relevant words)'
SELECT coalesce(d.topic, l.topic) AS topic, l.words AS lda_demo_k5, d.words AS dmm_demo_dmm
FROM (SELECT topic, string_agg(word, ' ' ORDER BY rank) AS words
      FROM tweetlda.topic_terms('demo_dmm', 7) GROUP BY topic) d
FULL JOIN (SELECT topic, string_agg(word, ' ' ORDER BY rank) AS words
           FROM tweetlda.topic_terms('demo_k5', 7) GROUP BY topic) l USING (topic)
ORDER BY 1;

\echo '== Held-out quality of both (measured at training; lower perplexity, higher NPMI are better)'
SELECT name, i->>'method' AS method, k,
       round((i->'quality'->>'perplexity')::numeric, 1) AS perplexity,
       round((i->'quality'->>'npmi')::numeric, 3) AS npmi
FROM tweetlda.models, tweetlda.model_info(model) i WHERE name IN ('demo_k5', 'demo_dmm') ORDER BY name DESC;

\echo '== A few tweets: the DMM posterior is peaked (one topic per tweet)'
SELECT tweetlda.top_topic('demo_dmm', text) AS dmm_topic,
       round(((tweetlda.topics('demo_dmm', text))[tweetlda.top_topic('demo_dmm', text)])::numeric, 2) AS p,
       tweetlda.top_topic('demo_k5', text) AS lda_topic,
       left(regexp_replace(text, '\s+', ' ', 'g'), 60) AS tweet
FROM public.sample_tweets ORDER BY tweet_id LIMIT 8;
