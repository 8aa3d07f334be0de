-- tweetlda.detect_language, detect_language_details (CLD2 on cleaned tweets) and
-- language_name (ISO 639-1 code -> Snowball stemmer).
SET client_min_messages = warning;
CREATE EXTENSION IF NOT EXISTS tweetlda;
RESET client_min_messages;
SET search_path = public;

-- Declared IMMUTABLE STRICT PARALLEL SAFE
SELECT p.oid::regprocedure AS function, p.provolatile, p.proisstrict, p.proparallel
FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
WHERE n.nspname = 'tweetlda' AND p.proname IN ('detect_language', 'detect_language_details', 'language_name')
ORDER BY 1::text;

-- Real tweets (raw_tweets_v11_json of the shared corpus; Twitter's lang in the first column)
SELECT lang, tweetlda.detect_language(tweet) AS detected
FROM (VALUES
  ('es', $$Del único lado que encontré sensibilidad cuando estuve en la mala, fue del peronismo. Soy de tradición radical y vo… https://t.co/ihncW0qD3c$$),
  ('es', $$@tinogatti @dieschwartzman @rogerfederer Correcto comentario..Por donde le busquen no hay deporte más desgastante… https://t.co/xSzHDC2JT0$$),
  ('fr', $$RT @armand_leste: Quand t'as pas fait tes devoirs mais que t'apprends que c'est noté https://t.co/d9k6HXz9ZX$$),
  ('pt', $$RT @camilaismylifee: A melhor coisa que eu fiz na minha vida foi amar vocês. #WeAreHereFifthHarmony https://t.co/tVHz5TTifw$$),
  ('it', $$la vigilanza in sardegna, è un "accompagnatore" più che affidabile, ma forse tagliare ancora sulla pelle degli oper… https://t.co/uTTVRYEcmV$$),
  ('de', $$@Kerem_Han @myeneroglu @bodoramelow Macht er diese mal einen Fehler gehen über Russland, dann ist er auch sich alle… https://t.co/JKRpIntY2u$$),
  ('in', $$badan lelah, ngantuk juga bela belain malem mingguan ketemu pacar. giliran di ajak ke pengajian mah jawabannya mend… https://t.co/LvF7KrVzAJ$$),
  ('tr', $$RT @halilefeyigit: Özledim lan manyak gibi varya neyse... https://t.co/HdPitr5Uz0$$),
  ('ru', $$@VRSoloviev На Западе,как только кинут клич-папа с папой,мама с мамой,мужик с женщиной ни ни,так тут сразу появляют… https://t.co/yUD6FVpZIS$$),
  ('el', $$Από εκεί που ο Θοδωρής κατηγορούσε Ροδάνθες, Βιργινίες ότι είναι πρόβατα, ξαφνικά έγινε ο ίδιος γιδοβοσκός και τις… https://t.co/07CQLmXbGC$$),
  ('ar', $$وزير الداخلية التونسىى يؤكد: استمرار حظر التجوال حتى تهدأ الأوضاع https://t.co/52uC3YBPfE https://t.co/tzHMIeC6a1$$),
  ('ja', $$【FateGO】今日のデイリーは竜だって？ https://t.co/mS8AqO0F5p https://t.co/G1nB3GLpaV$$),
  ('ko', $$얀데레카와가 납치/감금/집착하면 얼마나 쩌는지 아십니까... 악ㄱ 소유욕 쩌는 토오루...흑흑 거기다가 행동(?)말은 다정한데$$),
  ('th', $$@kratai_2202 ไม่แน่ใจว่ามันนับมั้ยอะ คือมีพี่คนนึงแกติดเงาแล้วหลายๆคนก็บอกให้แกรีเยอะๆ จะได้โดนเช็คพาส แต่ว่าไม่อยา… https://t.co/y2MEzLtLYQ$$),
  ('en', $$is upset that he can't update his Facebook by texting it... and might cry as a result  School today also. Blah!$$)
) AS t(lang, tweet);

-- NULL in, NULL out; no letters (empty, blank, digits, punctuation, emoji, URLs, mentions,
-- RT, entities) gives NULL, and details say (NULL, NULL, false)
SELECT tweetlda.detect_language(NULL) IS NULL AS null_doc,
       tweetlda.detect_language('') IS NULL AS empty,
       tweetlda.detect_language(E' \t\n ') IS NULL AS blank,
       tweetlda.detect_language('123 4.5 !!! ... :-) <3') IS NULL AS digits_punctuation,
       tweetlda.detect_language('😀🔥👍🏽 ❤️') IS NULL AS emoji,
       tweetlda.detect_language('https://t.co/AbCdEf http://example.com/page www.example.org/x t.co/xyz bit.ly/abc') IS NULL AS urls,
       tweetlda.detect_language('RT @someone: @another_user @Third_User_Name https://t.co/x') IS NULL AS rt_mentions_url,
       tweetlda.detect_language('&amp; &lt; &gt; &quot; &#39; &#x1F600; &nbsp;') IS NULL AS entities;
SELECT * FROM tweetlda.detect_language_details('@user https://t.co/x 😀');

-- Details: the language, the share of the letters in it, and a reliability verdict
SELECT * FROM tweetlda.detect_language_details($$Hoy es un día muy bonito para salir a pasear con los amigos por el parque$$);
-- mixed text: the majority language, with less than all of the letters
SELECT language, percent < 90 AS mixed, percent > 50 AS majority
FROM tweetlda.detect_language_details($$Ich habe heute den ganzen Tag im Garten gearbeitet und bin jetzt sehr müde. I spent the whole day working in the garden and now I am tired.$$);
-- very short text: CLD2's best guess, not reliable
SELECT * FROM tweetlda.detect_language_details('lol');

-- Mentions, URLs and RT are removed before detection: English user names and links do not
-- outvote a short French sentence
SELECT tweetlda.detect_language($$RT @TheOfficialEnglishNewsChannel: @breaking_news_from_the_united_kingdom Je suis très content de te voir https://www.theguardian.com/world/live/updates-from-the-newsroom-today$$) AS fr;
-- hashtags are left out while the tweet has other words (a real tweet, lang es: its English
-- hashtags would outvote the Spanish words, as the same words without '#' do) ...
SELECT tweetlda.detect_language($$Suscribite a nuestro canal de YouTube https://t.co/CQnNjciq5A #BigData #MachineLearning #IoT #DevOps #DataOps$$) AS es,
       tweetlda.detect_language($$Suscribite a nuestro canal de YouTube https://t.co/CQnNjciq5A BigData MachineLearning IoT DevOps DataOps$$) AS same_words_no_hash;
-- ... and used when it has nothing else
SELECT tweetlda.detect_language('#terremoto #emergencia #ayuda #tenemosquehablar https://t.co/x') AS es_from_hashtags,
       tweetlda.detect_language('#a') AS one_letter_hashtag;
-- HTML entities are decoded (a Spanish word written with numeric entities)
SELECT tweetlda.detect_language('Ma&#241;ana vamos a la playa con mi familia &amp; mis amigos') AS es;

-- Valid UTF-8 that CLD2 rejects (C1 controls from mojibake, noncharacters) is turned into
-- spaces, here and as an entity (a real crisislex tweet, then every such code point)
SELECT tweetlda.detect_language(E'Toll from flash floods in Italy\u0092s Sardinia rises to 14') AS c1_control,
       tweetlda.detect_language(E'Quebec police: 5 dead in oil train derailment \u00e2\u0080\u0094 As firefighters doused still burning') AS mojibake,
       tweetlda.detect_language(E'Buenos d\u00edas \u0080\u009f\ufdd0\ufdef\ufffe\uffff\U0001fffe\U0010ffff a todos mis amigos &#128; &#xFFFF;') AS noncharacters;

-- Long input: only the first LANGDETECT_MAX_BYTES (4096) bytes of cleaned text count ...
SELECT tweetlda.detect_language(repeat('Bonjour à tous, je suis très content de vous voir. ', 100) ||
                                repeat('Hola a todos, estoy muy contento de veros hoy. ', 1000)) AS first_4kb_french;
-- ... cut at a character boundary (a cut after 4096 bytes would split a 3-byte character)
SELECT tweetlda.detect_language('a ' || repeat('日本語のテキストです', 500)) AS ja_cut_at_boundary,
       tweetlda.detect_language('ab ' || repeat('Привет, как дела? ', 400)) AS ru_cut_at_boundary;
-- ... and skipped content (URLs, mentions, blanks) costs one pass, however long
SELECT tweetlda.detect_language(repeat('https://t.co/abcdef @user_name ', 200000) ||
                                'Questa è una frase italiana molto semplice da capire') AS it_after_6mb_of_links,
       tweetlda.detect_language(repeat(' ', 5000000) || 'Dit is een Nederlandse zin over het weer vandaag') AS nl_after_blanks,
       tweetlda.detect_language(repeat('@', 3000000)) IS NULL AS only_ats,
       tweetlda.detect_language(repeat('#', 3000000)) IS NULL AS only_hashes,
       tweetlda.detect_language(repeat('&#', 3000000)) IS NULL AS broken_entities;
SELECT tweetlda.detect_language(repeat('The quick brown fox jumps over the lazy dog. ', 200000)) AS en_9mb;

-- language_name: ISO 639-1 code (any case, region subtags, Twitter's legacy codes) to the
-- Snowball algorithm; NULL when there is no stemmer
SELECT iso, tweetlda.language_name(iso)
FROM (VALUES ('en'), ('EN'), ('es'), ('pt-BR'), ('pt_PT'), ('zh-cn'), ('ar'), ('in'), ('id'),
             ('nb'), ('he'), ('iw'), ('ja'), ('und'), (''), ('e'), ('english'), ('en-')) AS t(iso);
SELECT tweetlda.language_name(NULL) IS NULL AS null_iso;
-- every stopword language that has a stemmer (but Porter) is reachable from an ISO code, and
-- every name language_name returns is a libstemmer algorithm (the lists of languages without a
-- stemmer are reached through language 'auto', see text_multilang)
WITH codes(iso) AS (
  VALUES ('ar'), ('ca'), ('da'), ('de'), ('el'), ('en'), ('es'), ('eu'), ('fi'), ('fr'), ('ga'),
         ('hi'), ('hu'), ('hy'), ('id'), ('in'), ('it'), ('ji'), ('lt'), ('nb'), ('ne'), ('nl'),
         ('nn'), ('no'), ('pt'), ('ro'), ('ru'), ('sr'), ('sv'), ('ta'), ('tr'), ('yi'))
SELECT (SELECT array_agg(DISTINCT language ORDER BY language) FROM tweetlda.stopwords
        WHERE language NOT IN ('twitter', 'porter')
          AND language IN (SELECT tweetlda.languages())
          AND language NOT IN (SELECT tweetlda.language_name(iso) FROM codes)) AS unreachable,
       (SELECT array_agg(iso ORDER BY iso) FROM codes
        WHERE tweetlda.language_name(iso) IS NULL
           OR tweetlda.language_name(iso) NOT IN (SELECT tweetlda.languages())) AS not_a_stemmer;
-- the detector's codes map to stemmers for the tweets above
SELECT tweetlda.language_name(tweetlda.detect_language('Quand t''as pas fait tes devoirs mais que t''apprends que c''est noté')) AS french_stemmer;
