-- Demo part 30: train a k=5 LDA topic model on the bundled sample and show it (doc/lda.md).
\echo
\echo '== LDA: train a k=5 topic model on the sample tweets (word counts, the default weighting)'
-- 4,000 tweets are few for online variational Bayes with Spark's learning_offset of 1024 (its
-- updates stay small): 50 full passes of batch variational Bayes give sharper topics here.
SET client_min_messages = warning;
DELETE FROM tweetlda.models WHERE name = 'demo_k5';
SELECT tweetlda.train('demo_k5', 'SELECT text FROM public.sample_tweets', k => 5,
                      optimizer => 'batch', max_iter => 50) AS model_id;
RESET client_min_messages;
SELECT name, k, active, metrics->'documents' AS documents, metrics->'vocab_size' AS vocabulary,
       round((metrics->>'seconds')::numeric, 2) AS seconds
FROM tweetlda.models WHERE name = 'demo_k5';

\echo '== Each topic: its label and its most relevant words (relevance, lambda 0.6; words, not stems)'
SELECT topic, tweetlda.topic_label('demo_k5', topic) AS label,
       string_agg(word, ' ' ORDER BY rank) AS top_words
FROM tweetlda.topic_terms('demo_k5', 10) GROUP BY topic ORDER BY topic;

\echo '== Quality measured at training on the held-out slice (model_info, doc/lda.md)'
SELECT q->'heldout_documents' AS heldout, round((q->>'perplexity')::numeric, 1) AS perplexity,
       round((q->>'npmi')::numeric, 3) AS npmi, round((q->>'diversity')::numeric, 3) AS diversity,
       round((q->>'no_word_share')::numeric, 4) AS no_word_share
FROM (SELECT tweetlda.model_info('demo_k5')->'quality' AS q) s;

\echo '== A few tweets with their most likely topic and topic mix'
SELECT tweetlda.top_topic('demo_k5', text) AS topic,
       (SELECT array_agg(round(x::numeric, 2)) FROM unnest(tweetlda.topics('demo_k5', text)) x) AS mix,
       left(regexp_replace(text, '\s+', ' ', 'g'), 70) AS tweet
FROM public.sample_tweets ORDER BY tweet_id LIMIT 8;

\echo '== Tweets per topic (NULL: no known word, no topic), and the per-token log perplexity (Spark''s meaning)'
SELECT tweetlda.top_topic('demo_k5', text) AS topic, count(*) AS tweets
FROM public.sample_tweets GROUP BY 1 ORDER BY 1;
SELECT round(tweetlda.log_perplexity('demo_k5', 'SELECT text FROM public.sample_tweets')::numeric, 3)
       AS log_perplexity;
