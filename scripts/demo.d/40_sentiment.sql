-- Demo part 40: sentiment of the bundled sample with every analyzer (doc/sentiment.md).
\echo
\echo 'Sentiment of the sample: average polarity and subjectivity, and labels, per analyzer'
SELECT a.name AS analyzer, count(*) AS tweets,
       round(avg(tweetlda.polarity(t.text, a.name))::numeric, 4) AS avg_polarity,
       round(avg(tweetlda.subjectivity(t.text, a.name))::numeric, 4) AS avg_subjectivity,
       count(*) FILTER (WHERE tweetlda.sentiment_label(tweetlda.polarity(t.text, a.name)) = 'positive') AS positive,
       count(*) FILTER (WHERE tweetlda.sentiment_label(tweetlda.polarity(t.text, a.name)) = 'neutral') AS neutral,
       count(*) FILTER (WHERE tweetlda.sentiment_label(tweetlda.polarity(t.text, a.name)) = 'negative') AS negative
FROM tweetlda.analyzers() a CROSS JOIN public.sample_tweets t
GROUP BY a.name ORDER BY a.name;

\echo 'TextBlob-exact scores (the textblob analyzer) of a few sample tweets'
SELECT round(s.polarity::numeric, 3) AS polarity, round(s.subjectivity::numeric, 3) AS subjectivity,
       left(t.text, 80) AS tweet
FROM public.sample_tweets t, tweetlda.sentiment(t.text) s
WHERE s.polarity <> 0
ORDER BY t.tweet_id LIMIT 5;
