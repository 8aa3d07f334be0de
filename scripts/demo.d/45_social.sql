-- Demo part 45: the 'social' sentiment analyzer on the bundled sample.
\echo
\echo 'The social analyzer (made for tweets): labels of the sample, and its average polarity'
SELECT tweetlda.sentiment_label(tweetlda.polarity(text, 'social')) AS label, count(*) AS tweets,
       round(avg(tweetlda.polarity(text, 'social'))::numeric, 4) AS avg_polarity
FROM public.sample_tweets GROUP BY 1 ORDER BY 1;

\echo 'The most positive and the most negative tweets by the social analyzer'
(SELECT round(tweetlda.polarity(text, 'social')::numeric, 3) AS polarity, left(text, 90) AS tweet
 FROM public.sample_tweets ORDER BY tweetlda.polarity(text, 'social') DESC, tweet_id LIMIT 3)
UNION ALL
(SELECT round(tweetlda.polarity(text, 'social')::numeric, 3), left(text, 90)
 FROM public.sample_tweets ORDER BY tweetlda.polarity(text, 'social'), tweet_id LIMIT 3);

\echo 'Why: tweetlda.social_explain() shows what each token contributes'
SELECT token, kind, round(valence::numeric, 3) AS valence, rules
FROM tweetlda.social_explain('Not bad at all, but the ending was sooo GOOD!! 😂 #blessed @friend http://t.co/x')
WHERE valence IS NOT NULL;
