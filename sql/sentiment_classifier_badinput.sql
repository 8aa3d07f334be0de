-- Trained sentiment classifiers, bad input: label sets, empty input, parameters, names, and
-- hostile model values (mutated binary encodings through the text form: every one refused).
SET client_min_messages = warning;
CREATE EXTENSION IF NOT EXISTS tweetlda;
RESET client_min_messages;
\set VERBOSITY default
\i test/fixtures/sentiment_airline.sql

-- label sets
SELECT tweetlda.sentiment_classifier(doc, 'positive') FROM airline;
SELECT tweetlda.sentiment_classifier(doc, label)
FROM (SELECT doc, label FROM airline UNION ALL SELECT 'meh', 'mixed') x;
SELECT tweetlda.sentiment_classifier(doc, label)
FROM (SELECT doc, label FROM airline UNION ALL SELECT 'meh', '') x;
SELECT tweetlda.sentiment_classifier(doc, label)
FROM (SELECT doc, label FROM airline UNION ALL SELECT 'meh', repeat('x', 201)) x;
-- the text as the label: too many classes, said at once
SELECT tweetlda.sentiment_classifier(label, doc) FROM airline;
-- a class only in the held-out slice
SELECT tweetlda.sentiment_classifier(doc, label, '{"holdout": 0.9}')
FROM (SELECT doc, label FROM airline UNION ALL SELECT 'meh ' || i, 'mixed' FROM generate_series(1, 2) i) x;

-- empty and all-NULL sets
SELECT tweetlda.sentiment_classifier(doc, label) FROM airline WHERE false;
SELECT tweetlda.sentiment_classifier(NULL::text, label) FROM airline;
SELECT tweetlda.sentiment_classifier(doc, NULL) FROM airline;
-- rows with a NULL are counted and skipped
SELECT tweetlda.sentiment_model_info(tweetlda.sentiment_classifier(doc, CASE WHEN id % 10 = 0 THEN NULL ELSE label END))#>'{training,skipped}' AS skipped
FROM airline;

-- absurd parameters
SELECT tweetlda.sentiment_classifier_check_params('{"l2": -1}');
SELECT tweetlda.sentiment_classifier_check_params('{"l2": "big"}');
SELECT tweetlda.sentiment_classifier_check_params('{"max_iter": 0}');
SELECT tweetlda.sentiment_classifier_check_params('{"max_iter": 1.5}');
SELECT tweetlda.sentiment_classifier_check_params('{"tolerance": 0}');
SELECT tweetlda.sentiment_classifier_check_params('{"holdout": 0.95}');
SELECT tweetlda.sentiment_classifier_check_params('{"cv_folds": 1}');
SELECT tweetlda.sentiment_classifier_check_params('{"cv_folds": 1000}');
SELECT tweetlda.sentiment_classifier_check_params('{"hash_bits": 40}');
SELECT tweetlda.sentiment_classifier_check_params('{"char_ngrams": [5, 2]}');
SELECT tweetlda.sentiment_classifier_check_params('{"char_ngrams": [1, 2, 3]}');
SELECT tweetlda.sentiment_classifier_check_params('{"char_ngrams": 3}');
SELECT tweetlda.sentiment_classifier_check_params('{"class_weight": "heavy"}');
SELECT tweetlda.sentiment_classifier_check_params('{"seed": 1e30}');
SELECT tweetlda.sentiment_classifier_check_params('{"text_config": {"language": "klingon"}}');
SELECT tweetlda.sentiment_classifier_check_params('{"text_config": 3}');
SELECT tweetlda.sentiment_classifier_check_params('{"learning_rate": 0.1}');
SELECT tweetlda.sentiment_classifier_check_params('[1, 2]');
SELECT tweetlda.sentiment_classifier(doc, label, '{"l2": -1}') FROM airline;
SELECT tweetlda.sentiment_classifier_check_params('{"l2": 0, "max_iter": 10000, "tolerance": 1, "holdout": 0, "cv_folds": 20, "seed": -5, "char_ngrams": false, "hash_bits": 10, "bigrams": false, "social": false, "class_weight": "none", "text_config": {"stem": true}}');

-- train_sentiment: names and arguments
SELECT tweetlda.train_sentiment('social', 'SELECT doc, label FROM airline');
SELECT tweetlda.train_sentiment('  ', 'SELECT doc, label FROM airline');
SELECT tweetlda.train_sentiment(repeat('n', 64), 'SELECT doc, label FROM airline');
SELECT tweetlda.train_sentiment(NULL, 'SELECT doc, label FROM airline');
SELECT tweetlda.train_sentiment('a', 'SELECT doc, label FROM airline', holdout => 2);
SELECT tweetlda.train_sentiment('a', 'SELECT doc, label FROM airline', class_weight => 'x');
SELECT tweetlda.train_sentiment('a', 'SELECT doc FROM airline');
SELECT tweetlda.train_sentiment('a', 'SELECT doc, label FROM airline WHERE false');
SELECT (tweetlda.train_sentiment('a', 'SELECT doc, label FROM airline'))->'examples' AS examples;
SELECT tweetlda.train_sentiment('a', 'SELECT doc, label FROM airline');
\set VERBOSITY terse
INSERT INTO tweetlda.sentiment_models (name, model) SELECT 'textblob', model FROM tweetlda.sentiment_models;
\set VERBOSITY default

-- scoring with names that are no model
SELECT tweetlda.polarity('delayed', 'nosuchmodel');
SELECT tweetlda.sentiment_label('delayed', 'nosuchmodel');
SELECT * FROM tweetlda.sentiment_probabilities('delayed', 'nosuchmodel');
SELECT * FROM tweetlda.sentiment_explain('delayed', 'nosuchmodel');
SELECT * FROM tweetlda.sentiment_probabilities('delayed', 'social');
-- evaluation with labels the model does not know
SELECT tweetlda.evaluate_sentiment('a', $$VALUES ('delayed', 'furious')$$);
SELECT tweetlda.evaluate_sentiment('a', $$SELECT doc, label FROM airline WHERE false$$)->'examples' AS none;
SELECT * FROM tweetlda.sentiment_uncertain('a', 'SELECT doc FROM airline', -1);
-- labelled queries of the wrong shape are refused before they run, in the caller's terms
SELECT tweetlda.train_sentiment('b', 'SELECT doc FROM airline');
SELECT tweetlda.train_sentiment('b', 'SELECT doc, label, id FROM airline');
SELECT tweetlda.train_sentiment('b', 'SELECT id, label FROM airline');
SELECT tweetlda.evaluate_sentiment('a', 'SELECT doc FROM airline; SELECT 1');

-- text form: garbage, bad base64, a summary that does not match the data
SELECT 'hello'::tweetlda.sentiment_model;
SELECT 'SENT1 classes=3'::tweetlda.sentiment_model;
SELECT 'SENT1 classes=3 features=1 examples=1 data=@@@'::tweetlda.sentiment_model;
SELECT regexp_replace(model::text, 'classes=3', 'classes=4')::tweetlda.sentiment_model
FROM tweetlda.sentiment_models;

-- hostile binary encodings (through the text form, which decodes and runs recv's checks): every
-- single-byte change, truncation or extension of a valid model is refused with a clear error
CREATE FUNCTION mutate(n int) RETURNS TABLE (sqlstate text, message text, cnt bigint)
LANGUAGE plpgsql AS $$
DECLARE
    bin bytea;
    hdr text;
    v text;
    errs text[] := '{}';
    oks int := 0;
    st text;
    msg text;
BEGIN
    SELECT decode(substr(model::text, position('data=' IN model::text) + 5), 'base64'),
           substr(model::text, 1, position('data=' IN model::text) + 4)
    INTO bin, hdr FROM tweetlda.sentiment_models WHERE name = 'a';
    FOR i IN 0 .. n - 1 LOOP
        DECLARE
            pos int := (i * 7919) % length(bin);
            m bytea;
        BEGIN
            IF i % 3 = 0 THEN
                m := set_byte(bin, pos, (get_byte(bin, pos) + 1 + i % 255) % 256);
            ELSIF i % 3 = 1 THEN
                m := substr(bin, 1, pos);
            ELSE
                m := bin || '\x00'::bytea;
            END IF;
            v := hdr || translate(encode(m, 'base64'), E'\n', '');
            PERFORM v::tweetlda.sentiment_model;
            oks := oks + 1;
        EXCEPTION WHEN OTHERS THEN
            GET STACKED DIAGNOSTICS st = RETURNED_SQLSTATE, msg = MESSAGE_TEXT;
            errs := errs || (st || ' ' || msg);
        END;
    END LOOP;
    RETURN QUERY SELECT 'accepted', 'mutated model accepted', oks::bigint;
    RETURN QUERY SELECT split_part(e, ' ', 1), substr(e, 7), count(*) FROM unnest(errs) e GROUP BY 1, 2 ORDER BY 1, 2;
END;
$$;
SELECT * FROM mutate(600);

-- parameters must be the same in every row
SELECT tweetlda.sentiment_classifier(doc, label, jsonb_build_object('seed', id)) FROM airline;
SELECT tweetlda.sentiment_classifier(doc, label, CASE WHEN id > 5 THEN '{}'::jsonb END) FROM airline;

-- label errors of big training sets are raised while the helper thread counts the training
-- buckets (it is stopped and joined first); the session goes on
SELECT tweetlda.sentiment_classifier('text number ' || g, CASE WHEN g = 1 THEN 'rare' ELSE 'common' END)
FROM generate_series(1, 6000) g;
SELECT tweetlda.sentiment_classifier('text number ' || g, 'same') FROM generate_series(1, 6000) g;
SELECT tweetlda.sentiment_model_info(tweetlda.sentiment_classifier('text number ' || g || CASE WHEN g % 2 = 0 THEN ' good' ELSE ' bad' END,
                                                                   CASE WHEN g % 2 = 0 THEN 'pos' ELSE 'neg' END))->'classes' AS classes
FROM generate_series(1, 6000) g;

-- hostile texts of up to 4096 bytes (the longest that are featurized in batches, their social
-- signals in fixed buffers of a helper thread) train as they do one at a time (padded past
-- 4096 bytes with white space, which changes no feature): same model
CREATE TABLE hostile AS
SELECT t || ' ' || n AS doc, CASE WHEN n % 2 = 0 THEN 'positive' ELSE 'negative' END AS label
FROM (VALUES (repeat(':)', 2047)), (repeat('!', 4090)), (repeat('#a', 2045)), (repeat('&amp;', 817)),
             (repeat('😀', 1022)), (repeat('a ', 2045)), (repeat('NOT ', 1022)), (repeat('haha', 1022)),
             (repeat('gooood ', 584)), (repeat('#NotGoodAtAll', 314)), (repeat(':-( ', 1022)),
             (repeat('( ) ', 1022)), (repeat(E'\n', 4090)), (repeat('é', 2045)), (repeat('x', 4090)),
             (repeat('but ', 1022)), (repeat('@u ', 1363)), (repeat('http://x.y/z ', 314))) AS s(t),
     generate_series(1, 4) n;
SELECT count(*) AS texts, max(octet_length(doc)) <= 4096 AS batched FROM hostile;
SELECT tweetlda.sentiment_model_fingerprint(tweetlda.sentiment_classifier(doc, label, '{"holdout": 0, "min_df": 1}'))
       = tweetlda.sentiment_model_fingerprint(tweetlda.sentiment_classifier(doc || repeat(' ', 4100), label,
                                                                            '{"holdout": 0, "min_df": 1}'))
       AS same_model
FROM hostile;

DELETE FROM tweetlda.sentiment_models;
DROP TABLE airline, hostile;
DROP FUNCTION mutate(int);
