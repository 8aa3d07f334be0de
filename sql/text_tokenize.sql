-- tweetlda.tokenize: tweet-aware tokens (entities, URLs, mentions, RT, numbers, emoji,
-- punctuation, hashtags), Unicode lowercasing, stopwords, stemming, length limits.
SET client_min_messages = warning;
CREATE EXTENSION IF NOT EXISTS tweetlda;
RESET client_min_messages;
SET search_path = public;
\set nostem 'tweetlda.text_config(stem => false)'

-- NULL in, NULL out; empty and token-free text give '{}'
SELECT tweetlda.tokenize(NULL) IS NULL AS null_doc,
       tweetlda.tokenize('x', NULL::text) IS NULL AS null_language,
       tweetlda.tokenize('x', NULL::jsonb) IS NULL AS null_config,
       tweetlda.tokenize('x', NULL::bytea) IS NULL AS null_frozen;
SELECT tweetlda.tokenize('') AS empty, tweetlda.tokenize('   ') AS blank,
       tweetlda.tokenize('!!! 123 4.5 😀🔥 ... @user http://t.co/x RT') AS nothing_left,
       pg_typeof(tweetlda.tokenize('')) AS type,
       cardinality(tweetlda.tokenize('')) AS cardinality;

-- The default configuration: english, stopwords and noise words removed, Snowball stems
SELECT tweetlda.tokenize('The runners were running quickly through the flooded streets');
SELECT tweetlda.tokenize('The runners were running quickly', 'english') =
       tweetlda.tokenize('The runners were running quickly') AS default_is_english;

-- HTML entities are decoded before tokenizing
SELECT tweetlda.tokenize('Fish &amp; chips &lt;3 &quot;yum&quot; it&#39;s &gt; &apos;great&apos;', :nostem);
SELECT tweetlda.tokenize('caf&#233; caf&#xE9; caf&#XE9; &#72;ello na&#xEF;ve na&#xefve &nbsp;x', :nostem);
-- bad entities: unterminated, out of range, zero, surrogates, too many digits, empty
SELECT tweetlda.tokenize('&amp &amp;amp; &#99999999; &#1114112; &#0; &#xD800; &#x110000; &#123456789; &#; &#x; &bogus; word', :nostem);
SELECT tweetlda.tokenize('tail &', :nostem), tweetlda.tokenize('tail &#', :nostem),
       tweetlda.tokenize('tail &#65', :nostem), tweetlda.tokenize('&#x1F600;smile', :nostem);
-- noise words off: the leftovers of a broken entity stay
SELECT tweetlda.tokenize('&amp fish', tweetlda.text_config(stem => false, noise_words => false));

-- URLs (http, https, www., bare domains with a path such as t.co), mentions and RT are dropped
SELECT tweetlda.tokenize('RT @Some_User: read http://t.co/AbC123 and HTTPS://Example.com/x?y=1 or www.foo.org now', :nostem);
SELECT tweetlda.tokenize('links t.co/abc bit.ly/xyz pic.twitter.com/q12 youtu.be/v end', :nostem);
SELECT tweetlda.tokenize('not urls: version 1.5/10 and/or e.g. example.com hello.world', :nostem);
SELECT tweetlda.tokenize('mail me@example.com cc @a @_b @ c rt Rt RT: MT @x retweet', :nostem);

-- numbers are dropped, words with digits stay; emoji and punctuation separate words
SELECT tweetlda.tokenize('2012 3.14 1,000 #2013 2nd mh370 covid19 ٣٤٥ ७८ ２０', :nostem);
SELECT tweetlda.tokenize('love❤️it 🔥fire🔥 good👍 "quoted" (paren) [x] hyphen-ated snake_case a/b', :nostem);

-- hashtags keep their word; split_hashtags splits CamelCase, letter/digit boundaries, underscores
SELECT tweetlda.tokenize('#MachineLearning #NYCFire #Sandy2012 #high_park_fire #iPhone #ABC #', :nostem);
SELECT tweetlda.tokenize('#MachineLearning #NYCFire #Sandy2012 #high_park_fire #iPhone #ABC #ÉtéChaud',
                         tweetlda.text_config(split_hashtags => true, stem => false));
SELECT tweetlda.tokenize('#MachineLearning #RunningMan', '{"split_hashtags": true}'::jsonb);

-- full Unicode lowercasing, whatever the database locale (this one is C)
SELECT current_setting('lc_ctype') AS lc_ctype;
SELECT tweetlda.tokenize('ÜBER GRÖSSE STRAẞE Straße', tweetlda.text_config('german', stem => false, stopwords => false));
SELECT tweetlda.tokenize('ÉCOLE Élève ÇA Œuvre', tweetlda.text_config('french', stem => false, stopwords => false));
SELECT tweetlda.tokenize('ΣΟΦΊΑ Αθήνα ΟΔΟΣ', tweetlda.text_config('greek', stem => false, stopwords => false));
SELECT tweetlda.tokenize('МОСКВА Санкт-Петербург ЁЛКА', tweetlda.text_config('russian', stem => false, stopwords => false));
-- combining marks stay inside words (decomposed accents, Devanagari and Tamil signs)
SELECT tweetlda.tokenize(E'cafe\u0301 हिन्दी தமிழ்', tweetlda.text_config('hindi', stem => false, stopwords => false));

-- stemming and stopwords of other languages
SELECT tweetlda.tokenize('Der Bürgermeister übernimmt die Häuser und die Straßen', 'german');
SELECT tweetlda.tokenize('Les élèves étudient à l''école avec leurs professeurs', 'french');
SELECT tweetlda.tokenize('Η σοφία και οι φιλόσοφοι της Αθήνας', 'greek');
SELECT tweetlda.tokenize('Москва — столица России, и это большой город', 'russian');
SELECT tweetlda.tokenize('Terremoto in Emilia: la gente è ancora in strada', 'italian');
SELECT tweetlda.tokenize('El terremoto de México dejó muchos daños', 'Spanish');

-- min_length and max_length apply to the final (stemmed) token, in characters
SELECT tweetlda.tokenize('a bb ccc dddd eeeee', tweetlda.text_config(min_length => 3, max_length => 4, stopwords => false, stem => false));
SELECT tweetlda.tokenize('ab ÀÉ αβγ', tweetlda.text_config(min_length => 3, stopwords => false, stem => false));
SELECT tweetlda.tokenize('supercalifragilistic', tweetlda.text_config(max_length => 10, stem => false));
-- stopwords and noise words can be kept
SELECT tweetlda.tokenize('RT the cats via http amp', tweetlda.text_config(stopwords => false, noise_words => false, stem => false));

-- big inputs: 1 MB of text, a 1 MB word (too long: dropped), a huge hashtag to split
SELECT cardinality(tweetlda.tokenize(repeat('Flooding in Calgary #yycflood ', 35000))) AS tokens_1mb,
       octet_length(repeat('Flooding in Calgary #yycflood ', 35000)) AS bytes;
SELECT cardinality(tweetlda.tokenize(repeat('x', 1048576))) AS one_huge_word,
       tweetlda.tokenize(repeat('x', 300) || ' kept') AS long_word_dropped;
SELECT cardinality(tweetlda.tokenize(repeat('#aBcD', 200000), '{"split_hashtags": true}'::jsonb)) AS huge_hashtag;
SELECT cardinality(tweetlda.tokenize(repeat('é', 500000) || ' ok')) AS long_multibyte;

-- the result is an ordinary text[]: order and duplicates are kept
SELECT t, n FROM unnest(tweetlda.tokenize('fire fire FIRE flood Fire')) WITH ORDINALITY AS u(t, n);

-- real tweets from the bundled sample
CREATE TABLE text_sample (corpus text, tweet_id bigint, created_at timestamptz, lang text,
                          text text, source_ref text);
\copy text_sample FROM 'data/sample/tweets_sample.csv' WITH (FORMAT csv, HEADER true)
SELECT tweet_id, text, tweetlda.tokenize(text)
FROM text_sample ORDER BY tweet_id LIMIT 8;
SELECT tweet_id, tweetlda.tokenize(text)
FROM text_sample WHERE text ~ '&amp;|&gt;|&lt;' ORDER BY tweet_id LIMIT 5;
SELECT term, count(*) FROM text_sample, unnest(tweetlda.tokenize(text)) AS term
GROUP BY term ORDER BY 2 DESC, 1 LIMIT 10;
-- every token is lowercase, free of URL, mention and entity leftovers, and within the limits
SELECT count(*) AS tokens,
       count(*) FILTER (WHERE term ~ '[[:space:]@#&;/:]' OR term ~ '^[0-9]+$' OR term ~ 'http') AS bad,
       count(*) FILTER (WHERE char_length(term) NOT BETWEEN 2 AND 40) AS bad_length
FROM text_sample, unnest(tweetlda.tokenize(text)) AS term;

-- a parallel plan: workers tokenize (and load the stopwords) themselves
SET parallel_setup_cost = 0;
SET parallel_tuple_cost = 0;
SET min_parallel_table_scan_size = 0;
SET max_parallel_workers_per_gather = 2;
SET parallel_leader_participation = off;
EXPLAIN (COSTS OFF)
SELECT count(*), sum(cardinality(tweetlda.tokenize(text))) FROM text_sample;
SELECT count(*), sum(cardinality(tweetlda.tokenize(text))) FROM text_sample;
RESET parallel_leader_participation;
SET max_parallel_workers_per_gather = 0;
SELECT count(*), sum(cardinality(tweetlda.tokenize(text))) FROM text_sample;
RESET ALL;
DROP TABLE text_sample;
