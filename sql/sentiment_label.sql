-- sentiment_label(): 'positive' when polarity >= positive_threshold (default 0.05),
-- 'negative' when polarity <= negative_threshold (default -0.05), else 'neutral'.
SET client_min_messages = warning;
CREATE EXTENSION IF NOT EXISTS tweetlda;
RESET client_min_messages;

SELECT p, tweetlda.sentiment_label(p)
FROM unnest(ARRAY[-1, -0.05, -0.0499999, 0, 0.0499999, 0.05, 1, '-Infinity', 'Infinity']::float8[]) p;
-- overridden thresholds
SELECT tweetlda.sentiment_label(0.2, 0.3, -0.3) AS neutral_band,
       tweetlda.sentiment_label(0.3, 0.3, -0.3) AS at_positive,
       tweetlda.sentiment_label(-0.3, 0.3, -0.3) AS at_negative,
       tweetlda.sentiment_label(0.001, positive_threshold => 1e-12, negative_threshold => -1e-12) AS sign_only,
       tweetlda.sentiment_label(0, positive_threshold => 1e-12, negative_threshold => -1e-12) AS zero;
SELECT tweetlda.sentiment_label(tweetlda.polarity('I love it')) AS love,
       tweetlda.sentiment_label(tweetlda.polarity('this is the worst')) AS worst,
       tweetlda.sentiment_label(tweetlda.polarity('a table')) AS table_;
-- NULL in, NULL out
SELECT tweetlda.sentiment_label(NULL) IS NULL AS a, tweetlda.sentiment_label(0.5, NULL, -0.1) IS NULL AS b;
-- errors: NaN polarity, NaN or crossed thresholds
SELECT tweetlda.sentiment_label('NaN');
SELECT tweetlda.sentiment_label(0.1, 'NaN', -0.1);
SELECT tweetlda.sentiment_label(0.1, 0.1, 0.1);
SELECT tweetlda.sentiment_label(0.1, -0.2, 0.2);
-- immutable: usable in an index expression
CREATE TABLE sentiment_label_t (p float8);
CREATE INDEX ON sentiment_label_t (tweetlda.sentiment_label(p));
DROP TABLE sentiment_label_t;
