-- The 'social' analyzer: the rules, each shown against its baseline sentence.
SET client_min_messages = warning;
CREATE EXTENSION IF NOT EXISTS tweetlda;
RESET client_min_messages;
\pset null '(null)'

CREATE FUNCTION pol(doc text) RETURNS numeric
    LANGUAGE sql STABLE AS $$ SELECT round(tweetlda.polarity(doc, 'social')::numeric, 4) $$;

-- the analyzer is listed
SELECT name FROM tweetlda.analyzers() WHERE name = 'social';

-- baseline, NULL and empty text
SELECT pol('The book was good.') AS good, pol(NULL) AS null_doc, pol('') AS empty,
       tweetlda.sentiment('', 'social') AS empty_row, pol('   ') AS blanks;

-- negation in all its forms: each negates "good" (polarity < 0)
SELECT doc, pol(doc) < 0 AS negative
FROM (VALUES ('The book is not good.'), ('The book isn''t good.'), ('The book isnt good.'),
             ('The book isn’t good.'), ('I don''t like it.'), ('I can''t say it is good.'),
             ('It was never good.'), ('It is no longer good.'), ('It is hardly good.'),
             ('Nothing good about it.'), ('I do not think it is good.')) v(doc);

-- negating a negative is mildly positive; double negation cancels
SELECT pol('It is not bad.') BETWEEN 0.05 AND 0.7 AS not_bad_mild,
       pol('It is bad.') < -0.5 AS bad,
       pol('Never not happy.') > 0 AS double_negation;

-- negation stops at the clause: punctuation and "but"
SELECT pol('Not today, I am happy.') > 0 AS comma_ends_scope,
       pol('It is not cheap but it is good.') > 0 AS but_ends_scope;

-- "not only", "never so", "without a doubt", negative questions do not negate
SELECT pol('Not only good but great.') > pol('Good and great.') - 0.3 AS not_only,
       pol('I have never been so happy.') > pol('I have been happy.') AS never_so,
       pol('Without a doubt, excellent.') > 0 AS without_doubt,
       pol('Don''t you love it?') > 0 AS negative_question,
       pol('How can you not love him?') > 0 AS how_can_you_not;

-- "no" as a determiner negates its noun phrase; as an interjection it is negative
SELECT pol('No problems at all.') > 0 AS no_problems, pol('No!') < 0 AS no_alone;

-- "least"
SELECT pol('It is the least funny show.') < 0 AS least, pol('At least it is funny.') > 0 AS at_least;

-- boosters and dampeners
SELECT pol('It is very good.') > pol('It is good.') AS booster,
       pol('It is extremely good.') > pol('It is good.') AS booster2,
       pol('It is kind of good.') < pol('It is good.') AS kind_of,
       pol('It is slightly good.') < pol('It is good.') AS dampener,
       pol('It is pretty good.') < pol('It is good.') AS pretty_dampens,
       pol('So pretty.') > 0 AS pretty_adjective;

-- ALL-CAPS emphasis only in mixed-case text
SELECT pol('The movie was GREAT.') > pol('The movie was great.') AS caps,
       pol('THE MOVIE WAS GREAT.') = pol('the movie was great.') AS all_caps_no_emphasis;

-- "but": the clause after it dominates
SELECT pol('The food was great but the service was terrible.') < 0 AS but_negative,
       pol('The service was terrible but the food was great.') > 0 AS but_positive,
       pol('The service was terrible. But the food was great.') > 0 AS sentence_but,
       pol('Although it rained, we loved it.') > 0 AS although;

-- letter elongation: the word is found and emphasized
SELECT pol('I loooove it') > pol('I love it') AS elongation,
       pol('sooooo good') > pol('good') AS elongated_booster,
       pol('goooood') > 0 AS goood;

-- repeated "!" and "?" add emphasis
SELECT pol('Good!!!') > pol('Good!') AND pol('Good!') > pol('Good') AS exclamation,
       pol('Bad???') < pol('Bad') AS questions_emphasize;

-- emoticons, HTML-escaped hearts, and emoticons glued to words
SELECT pol(':)') > 0 AS smile, pol(':-(') < 0 AS frown, pol('<3') > 0 AS heart,
       pol('xD') > 0 AS xd, pol('&lt;3') > 0 AS escaped_heart, pol('great:)') > pol('great') AS glued,
       pol('(see above)') = 0 AS parenthesis_not_frown, pol('at 3:30') = 0 AS time_not_emoticon;

-- emoji, with skin tones and variation selectors
SELECT pol('😂') > 0 AS tears_of_joy, pol('😭') < 0 AS crying, pol('👍🏽') > 0 AS thumbs_skin_tone,
       pol('❤️') > 0 AS heart_vs16, pol('💔') < 0 AS broken_heart, pol('🇺🇸') = 0 AS flag;

-- hashtags: the word is scored, compounds are split
SELECT pol('#fail') < 0 AS fail, pol('#blessed') > 0 AS blessed,
       pol('#notgood') < 0 AS notgood, pol('#epicfail') < 0 AS epicfail,
       pol('#ThankYouNHS') > 0 AS camel_case, pol('#xyzzyqq') = 0 AS unknown;

-- sarcasm hashtags flip a positive text
SELECT pol('I just love waiting in line') > 0 AS plain,
       pol('I just love waiting in line #sarcasm') < 0 AS sarcasm,
       pol('I just love waiting in line #not') < 0 AS hashtag_not;

-- mentions, URLs and RT are ignored
SELECT pol('@happy @love_you http://good.example/great RT') = 0 AS ignored,
       pol('@bob this is great http://t.co/xyz') = pol('this is great') AS same;

-- slang, phrases and parts of speech
SELECT pol('lol') > 0 AS lol, pol('luv it') > 0 AS luv, pol('fml') < 0 AS fml,
       pol('I can''t stand it') < 0 AS cant_stand, pol('can''t wait!') > 0 AS cant_wait,
       pol('yeah right') < 0 AS yeah_right, pol('hell yeah') > 0 AS hell_yeah,
       pol('my no.1') = 0 AS number_one, pol('It looks like rain') = 0 AS like_preposition,
       pol('I like rain') > 0 AS like_verb, pol('She doesn''t even like you') < 0 AS doesnt_even_like, pol('What kind of day') = 0 AS kind_noun;

-- counterfactual modals and wishes
SELECT pol('It should have been great.') < 0 AS should_have_been,
       pol('It could have been worse.') > 0 AS could_have_been_worse,
       pol('I wish it was good.') < 0 AS wish;

-- irrealis: questions, desires and conditions weaken; "no doubt" means certainly
SELECT pol('Is it good?') < pol('It is good.') AS question, pol('Is it good??') > pol('Is it good?') AS emphatic_question,
       pol('I want a hug') < pol('a hug') AS desire, pol('If it is good, I will buy it') < pol('It is good, I will buy it') AS condition,
       pol('It will no doubt rain') = 0 AS no_doubt;

-- surprise interjections take the sign of what they react to
SELECT pol('Wow! How disappointing!') < 0 AS wow_negative, pol('Wow!') > 0 AS wow_alone;

-- laughter softens next to other sentiment
SELECT pol('I failed my exam lol') < 0 AS laughter_softened;

-- polarity is in [-1, 1], intensity in [0, 1]; mixed text is intense but balanced
SELECT (s).polarity BETWEEN -1 AND 1 AND (s).subjectivity BETWEEN 0 AND 1 AS in_range,
       (s).subjectivity > 0.5 AS intense, abs((s).polarity) < 0.5 AS balanced
FROM (SELECT tweetlda.sentiment('I love it and I hate it.', 'social') AS s) v;
SELECT (tweetlda.sentiment('The train leaves at noon.', 'social')).*;

-- social_explain shows the tokens and the rules applied
SELECT pos, token, kind, round(valence::numeric, 4) AS valence, rules
FROM tweetlda.social_explain('@bob I don''t LOVE it, but the ending was sooo good!! :) #fail http://x.co');
SELECT count(*) FROM tweetlda.social_explain('');

DROP FUNCTION pol(text);
