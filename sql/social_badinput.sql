-- The 'social' analyzer on hostile input: it must never crash or read outside the text.
SET client_min_messages = warning;
CREATE EXTENSION IF NOT EXISTS tweetlda;
RESET client_min_messages;

CREATE FUNCTION pol(doc text) RETURNS numeric
    LANGUAGE sql STABLE AS $$ SELECT round(tweetlda.polarity(doc, 'social')::numeric, 4) $$;

-- NULL gives NULL, empty and blank text (0, 0)
SELECT tweetlda.sentiment(NULL, 'social') IS NULL AS null_row,
       tweetlda.polarity(NULL, 'social') IS NULL AS null_polarity,
       (tweetlda.sentiment('', 'social')).*;
SELECT (tweetlda.sentiment(E' \t\n\r ', 'social')).*;

-- an unknown analyzer is an error listing the analyzers
SELECT tweetlda.polarity('good', 'Social');

-- control characters are spaces, never part of a token
SELECT pol(E'good\x01bad') = pol('good bad') AS control_chars,
       pol(E'I\tlove\u000bit') = pol('I love it') AS tabs_and_vt;

-- odd code points: private use, noncharacters, the highest code point, combining marks,
-- replacement characters, lone emoji modifiers, variation selectors and joiners without a base
SELECT pol(U&'\E000\FFFF\+10FFFF\FFFD') AS odd, pol(U&'\0301\0301good') > 0 AS combining,
       pol(U&'\+01F3FB\FE0F\200D\20E3') AS lone_modifiers,
       pol(U&'\200D\+01F602\200D') > 0 AS joined_emoji,
       pol(U&'\+0E0067\+0E007F') AS lone_tag_chars;

-- emoji sequences cut short and regional indicators without a pair
SELECT pol(U&'\+01F3F4\+0E0067\+0E0062') AS truncated_tag_flag, pol(U&'\+01F1FA') AS half_flag,
       pol(U&'\+01F44D\+01F3FD\+01F3FD\FE0F\FE0F') > 0 AS doubled_modifiers;

-- typographic apostrophes, dashes and spaces are folded
SELECT pol('I don’t like it') = pol('I don''t like it') AS curly_apostrophe,
       pol(U&'good\00A0\2014\3000bad') = pol('good, bad') AS odd_spaces;

-- HTML entities: known ones decoded, broken ones left alone (no read past the end)
SELECT pol('&lt;3') > 0 AS heart, pol('&lt') AS cut_entity, pol('&') AS ampersand,
       pol('&amp;&amp;&quot;') AS entities_only, pol('good &#39;') > 0 AS apostrophe_entity;

-- punctuation and symbol floods, long words, long hashtags, many mentions
SELECT pol(repeat('!', 10000)) AS bangs, pol(repeat('?', 10000)) AS questions,
       pol(repeat(':', 5000) || ')') > 0 AS colon_run_then_smile,
       pol(repeat('a', 10000)) AS long_word, pol('#' || repeat('good', 500)) AS long_hashtag,
       pol(repeat('@', 1000) || 'good') AS at_signs_mention,
       pol(repeat('@ ', 1000) || 'good') > 0 AS lone_at_signs, pol('#') AS lone_hash, pol('@') AS lone_at;

-- texts of a megabyte and more work
SELECT octet_length(doc) AS bytes, pol(doc) > 0.99 AS positive
FROM (SELECT repeat('I love this, but not really :( 😂 #fail ', 30000) AS doc) d;
SELECT pol(repeat('love but ', 150000)) > 0 AS many_buts,
       pol(repeat('although love ', 100000)) > 0 AS many_concessions,
       pol(repeat('not ', 300000) || 'good') AS many_negators,
       pol(repeat('😂', 300000)) > 0.99 AS many_emoji,
       pol(repeat(U&'\FE0F', 400000)) AS many_selectors;

DROP FUNCTION pol(text);
