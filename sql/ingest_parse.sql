-- Ingest: parsing raw records into the landing fields, without raising errors for bad input.
SET client_min_messages = warning;
CREATE EXTENSION IF NOT EXISTS tweetlda;
RESET client_min_messages;

-- parse_json: (doc, NULL) for JSON, (NULL, message) for anything else
SELECT * FROM tweetlda.parse_json('{"id": 1, "text": "a"}');
SELECT * FROM tweetlda.parse_json('{"id": 1, "text": "a"');
SELECT * FROM tweetlda.parse_json('');
SELECT * FROM tweetlda.parse_json('{"text": "\u0000"}');
SELECT v, (tweetlda.parse_json(v)).* FROM unnest(ARRAY[
    '["\u0000"]', '["\\u0000 is an escaped backslash"]', '["\ud83d\ude00"]', '["\ud83d"]',
    '["\ud83d x"]', '["\ude00"]', '["\ud83d\u0041"]', '["\u00e9\"\n"]', '["\q"]', '["\u12"]']) v;
SELECT * FROM tweetlda.parse_json('{"n": 1e999999}');
SELECT * FROM tweetlda.parse_json('{"n": "1e999999 inside a string is fine"}');
SELECT (p).error, length(s) FROM (SELECT tweetlda.parse_json(s) p, s FROM repeat('[', 100000) s) x;
SELECT (p).doc IS NOT NULL AS parsed FROM (SELECT tweetlda.parse_json(repeat('[', 900) || repeat(']', 900)) p) x;
SELECT * FROM tweetlda.parse_json(NULL);

-- try_timestamptz: the v1.1, v2 and ISO forms; NULL for anything else, never an error
SELECT v, tweetlda.try_timestamptz(v)
FROM unnest(ARRAY['Wed Dec 16 17:34:59 +0000 2015', '2015-12-16T17:34:59.000Z',
                  '2012-06-08T10:23:20Z', '2012-06-08 10:23:20+02', 'now', 'yesterday',
                  'today 12:00', 'epoch', 'infinity', '2015-01-01 America/New_York',
                  '2015-01-01 foo-bar', '2015-13-45', 'garbage', '', NULL]) v;

-- v1.1 status objects: text, full_text, extended_tweet.full_text; author = user.screen_name
SELECT * FROM tweetlda.tweet_fields('{"created_at": "Wed Dec 16 17:34:59 +0000 2015", "id": 677180133447372800, "id_str": "677180133447372800", "text": "short…", "truncated": true, "extended_tweet": {"full_text": "short and then the rest"}, "user": {"screen_name": "negatendo"}, "lang": "en"}');
SELECT * FROM tweetlda.tweet_fields('{"id_str": "850413178534211584", "full_text": "the full text", "text": "the", "user": {"screen_name": "a"}}');
-- a v1.1 retweet keeps its marker and the original's full text
SELECT text FROM tweetlda.tweet_fields('{"id_str": "2", "text": "RT @orig: the original is cut…", "user": {"screen_name": "rt"}, "retweeted_status": {"id_str": "1", "text": "the original is cut…", "extended_tweet": {"full_text": "the original is cut nowhere"}, "user": {"screen_name": "orig"}}}');
-- id_str wins over a rounded numeric id
SELECT id FROM tweetlda.tweet_fields('{"id": 677180133447372800, "id_str": "677180133447372801", "text": "x"}');

-- API v2: {"data", "includes"}, also the filtered-stream form with matching_rules
SELECT * FROM tweetlda.tweet_fields('{"data": {"id": "1445880548472328192", "text": "hello v2", "author_id": "2244994945", "created_at": "2021-10-06T22:15:29.000Z", "lang": "en"}, "includes": {"users": [{"id": "2244994945", "name": "Twitter Dev", "username": "TwitterDev"}]}}');
SELECT * FROM tweetlda.tweet_fields('{"data": {"id": "20", "text": "RT @orig: long original trunc…", "author_id": "9", "referenced_tweets": [{"type": "retweeted", "id": "10"}]}, "includes": {"users": [{"id": "9", "username": "rt"}, {"id": "8", "username": "orig"}], "tweets": [{"id": "10", "author_id": "8", "text": "long original trunc…", "note_tweet": {"text": "long original truncated nowhere"}}]}, "matching_rules": [{"id": "1", "tag": "cats"}]}');
SELECT id, author, text FROM tweetlda.tweet_fields('{"data": {"id": "21", "text": "no includes", "author_id": "9"}}');
SELECT id, text FROM tweetlda.tweet_fields('{"data": {"id": "22", "text": "short", "note_tweet": {"text": "a long post over 280 characters"}}}');

-- minimal objects: id as number or string, created_at optional, author optional
SELECT * FROM tweetlda.tweet_fields('{"id": 5, "text": "five", "created_at": "2012-06-08T10:23:20Z"}');
SELECT * FROM tweetlda.tweet_fields('{"id": "9223372036854775807", "text": "max", "created_at": null, "author": "me"}');

-- not tweets: the reason and the SQLSTATE
SELECT d, f.error, f.sqlstate
FROM unnest(ARRAY['[1, 2]', '"text"', '{"text": "no id"}', '{"id": 1}', '{"id": 1, "text": 5}',
                  '{"id": 1.5, "text": "x"}', '{"id": -1, "text": "x"}',
                  '{"id": "9223372036854775808", "text": "x"}', '{"id": {"a": 1}, "text": "x"}',
                  '{"id": 1, "text": "x", "created_at": "not a date"}',
                  '{"id": 1, "text": "x", "created_at": 1449941699}',
                  '{"delete": {"status": {"id": 1, "id_str": "1"}}}',
                  '{"errors": [{"title": "operational-disconnect"}]}']) d,
     LATERAL tweetlda.tweet_fields(d::jsonb) f;
SELECT * FROM tweetlda.tweet_fields(NULL);

-- parse_tweet: raw text to fields, or the JSON error
SELECT id, text, error, sqlstate FROM tweetlda.parse_tweet('{"id": 7, "text": "seven"}');
SELECT id, text, error, sqlstate FROM tweetlda.parse_tweet('{"id": 7, "text": ');
SELECT id, text, error, sqlstate FROM tweetlda.parse_tweet(NULL);

-- real v1.1 objects (test/fixtures/ingest/PROVENANCE.md), read line by line
CREATE TEMP TABLE v11 (raw text);
\copy v11 FROM 'test/fixtures/ingest/v11_sample.jsonl' WITH (FORMAT csv, QUOTE e'\x01', DELIMITER e'\x02')
SELECT f.id, f.created_at, f.lang, f.author, f.text, f.error
FROM v11, LATERAL tweetlda.parse_tweet(v11.raw) f ORDER BY f.id;
