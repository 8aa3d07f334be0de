-- Demo part 25: a vocabulary of the sample tweets and TF-IDF vectors (doc/vectors.md).
-- Tokens come from tweetlda.tokenize when the build has it, else from a plain regexp split.
SELECT CASE WHEN to_regprocedure('tweetlda.tokenize(text,text)') IS NOT NULL
            THEN 'tweetlda.tokenize(text)'
            ELSE 'array_remove(regexp_split_to_array(lower(text), ''[^[:alnum:]]+''), '''')'
       END AS demo_tokens \gset
\echo 'Vocabulary of the sample tweets: terms in at least 3 tweets and at most half of them, 2,000 most frequent'
\echo 'tokens: ' :demo_tokens
DROP TABLE IF EXISTS public.sample_vocab;
CREATE TABLE public.sample_vocab AS
SELECT tweetlda.vocabulary(:demo_tokens, 3, 0.5, 2000) AS vocab FROM public.sample_tweets;
SELECT tweetlda.vocab_size(vocab) AS terms, tweetlda.vocab_documents(vocab) AS tweets
FROM public.sample_vocab;
SELECT t.term_id, t.term, t.df, round(t.idf::numeric, 3) AS idf
FROM public.sample_vocab v, tweetlda.vocab_terms(v.vocab) t
ORDER BY t.term_id LIMIT 10;

\echo 'Three tweets as TF-IDF vectors (1-based term ids) and their heaviest terms'
SELECT left(s.text, 60) AS tweet, tweetlda.nnz(x.tfidf) AS terms,
       (SELECT string_agg(vt.term, ' ' ORDER BY e.value DESC, vt.term)
        FROM tweetlda.termvec_elements(x.tfidf) e
        JOIN tweetlda.vocab_terms(v.vocab) vt ON vt.term_id = e.index) AS by_weight
FROM (SELECT * FROM public.sample_tweets ORDER BY tweet_id LIMIT 3) s
CROSS JOIN public.sample_vocab v
CROSS JOIN LATERAL (SELECT tweetlda.tfidf(:demo_tokens, v.vocab) AS tfidf) x;
