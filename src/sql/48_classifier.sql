-- tweetlda install script, part 48: trained sentiment classifiers (doc/sentiment_training.md):
-- the model type, the training aggregate, the registry, training, scoring and evaluation.

-- A trained classifier (multinomial logistic regression over hashed words, bigrams and the social
-- analyzer's signals): self-contained (text configuration with its stopword snapshot, features,
-- weights, classes, training metadata). Its text form is a readable summary followed by the full
-- base64 encoding, so that COPY, pg_dump and pg_restore round-trip models.
CREATE TYPE tweetlda.sentiment_model;

CREATE FUNCTION tweetlda.sentiment_model_in(cstring) RETURNS tweetlda.sentiment_model
    AS 'MODULE_PATHNAME', 'sentiment_model_in'
    LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION tweetlda.sentiment_model_out(tweetlda.sentiment_model) RETURNS cstring
    AS 'MODULE_PATHNAME', 'sentiment_model_out'
    LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION tweetlda.sentiment_model_recv(internal) RETURNS tweetlda.sentiment_model
    AS 'MODULE_PATHNAME', 'sentiment_model_recv'
    LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION tweetlda.sentiment_model_send(tweetlda.sentiment_model) RETURNS bytea
    AS 'MODULE_PATHNAME', 'sentiment_model_send'
    LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE TYPE tweetlda.sentiment_model (
    INPUT = tweetlda.sentiment_model_in,
    OUTPUT = tweetlda.sentiment_model_out,
    RECEIVE = tweetlda.sentiment_model_recv,
    SEND = tweetlda.sentiment_model_send,
    INTERNALLENGTH = VARIABLE,
    ALIGNMENT = double,
    STORAGE = extended
);
COMMENT ON TYPE tweetlda.sentiment_model IS
    'a trained sentiment classifier (tweetlda.sentiment_classifier aggregate, tweetlda.train_sentiment)';

-- Everything about a model but its weights: classes, feature options, text configuration,
-- training metadata, held-out and cross-validation metrics.
CREATE FUNCTION tweetlda.sentiment_model_info(model tweetlda.sentiment_model) RETURNS jsonb
    AS 'MODULE_PATHNAME', 'sentiment_model_info'
    LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION tweetlda.sentiment_model_info(tweetlda.sentiment_model) IS
    'classes, features, training metadata and held-out metrics of a sentiment model';

-- A content hash (16 hex digits): equal training data and parameters give equal fingerprints.
CREATE FUNCTION tweetlda.sentiment_model_fingerprint(model tweetlda.sentiment_model) RETURNS text
    AS 'MODULE_PATHNAME', 'sentiment_model_fingerprint'
    LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

-- Error unless params is a valid parameter object of tweetlda.sentiment_classifier.
CREATE FUNCTION tweetlda.sentiment_classifier_check_params(params jsonb) RETURNS void
    AS 'MODULE_PATHNAME', 'sentiment_classifier_check_params'
    LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

-- The training aggregate: tweetlda.sentiment_classifier(text, label [, params]). The transition
-- extracts each row's features (in parallel workers under a parallel plan); the final function
-- trains (L-BFGS) on all of them in a fixed order, whatever the order of the rows.
CREATE FUNCTION tweetlda.sentiment_classifier_transfn(internal, text, text)
    RETURNS internal
    AS 'MODULE_PATHNAME', 'sentiment_classifier_transfn'
    LANGUAGE C STABLE PARALLEL SAFE;
CREATE FUNCTION tweetlda.sentiment_classifier_transfn(internal, text, text, jsonb)
    RETURNS internal
    AS 'MODULE_PATHNAME', 'sentiment_classifier_transfn'
    LANGUAGE C STABLE PARALLEL SAFE;
CREATE FUNCTION tweetlda.sentiment_classifier_finalfn(internal)
    RETURNS tweetlda.sentiment_model
    AS 'MODULE_PATHNAME', 'sentiment_classifier_finalfn'
    LANGUAGE C STABLE PARALLEL SAFE;
CREATE FUNCTION tweetlda.sentiment_classifier_combinefn(internal, internal)
    RETURNS internal
    AS 'MODULE_PATHNAME', 'sentiment_classifier_combinefn'
    LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION tweetlda.sentiment_classifier_serialfn(internal)
    RETURNS bytea
    AS 'MODULE_PATHNAME', 'sentiment_classifier_serialfn'
    LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION tweetlda.sentiment_classifier_deserialfn(bytea, internal)
    RETURNS internal
    AS 'MODULE_PATHNAME', 'sentiment_classifier_deserialfn'
    LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE AGGREGATE tweetlda.sentiment_classifier(doc text, label text) (
    SFUNC        = tweetlda.sentiment_classifier_transfn,
    STYPE        = internal,
    FINALFUNC    = tweetlda.sentiment_classifier_finalfn,
    COMBINEFUNC  = tweetlda.sentiment_classifier_combinefn,
    SERIALFUNC   = tweetlda.sentiment_classifier_serialfn,
    DESERIALFUNC = tweetlda.sentiment_classifier_deserialfn,
    PARALLEL     = SAFE
);
COMMENT ON AGGREGATE tweetlda.sentiment_classifier(text, text) IS
    'train a sentiment classifier on (text, label) rows with the default parameters';

CREATE AGGREGATE tweetlda.sentiment_classifier(doc text, label text, params jsonb) (
    SFUNC        = tweetlda.sentiment_classifier_transfn,
    STYPE        = internal,
    FINALFUNC    = tweetlda.sentiment_classifier_finalfn,
    COMBINEFUNC  = tweetlda.sentiment_classifier_combinefn,
    SERIALFUNC   = tweetlda.sentiment_classifier_serialfn,
    DESERIALFUNC = tweetlda.sentiment_classifier_deserialfn,
    PARALLEL     = SAFE
);
COMMENT ON AGGREGATE tweetlda.sentiment_classifier(text, text, jsonb) IS
    'train a sentiment classifier on (text, label) rows; params: l2, class_weight, max_iter, tolerance, holdout, cv_folds, seed, bigrams, char_ngrams, hash_bits, social, text_config';

-- The registry of trained classifiers: each is an analyzer under its name.
CREATE TABLE tweetlda.sentiment_models (
    name text PRIMARY KEY,
    created_at timestamptz NOT NULL DEFAULT pg_catalog.now(),
    source text,
    params jsonb NOT NULL DEFAULT '{}',
    metrics jsonb NOT NULL DEFAULT '{}',
    model tweetlda.sentiment_model NOT NULL,
    -- names are analyzer names: not blank, not a built-in analyzer, at most 63 bytes
    CONSTRAINT sentiment_models_name_check
        CHECK (name OPERATOR(pg_catalog.~) '[^[:space:]]'
               AND name OPERATOR(pg_catalog.<>) ALL (ARRAY['textblob', 'social'])
               AND pg_catalog.octet_length(name) OPERATOR(pg_catalog.<=) 63)
);
COMMENT ON TABLE tweetlda.sentiment_models IS
    'trained sentiment classifiers; each is a sentiment analyzer under its name';
-- Models are stored uncompressed: their float weights do not compress (pglz tried and gave up
-- after spending some 5 ms per 16,000-tweet model, the same bytes on disk).
ALTER TABLE tweetlda.sentiment_models ALTER COLUMN model SET STORAGE EXTERNAL;

-- pg_dump saves the models (the text form of sentiment_model is a full encoding).
SELECT pg_catalog.pg_extension_config_dump('tweetlda.sentiment_models', '');

-- Every user who may call the sentiment functions reads the models (as the lexicons).
GRANT SELECT ON tweetlda.sentiment_models TO PUBLIC;

-- Scoring caches in every backend are dropped when a model row changes.
CREATE TRIGGER sentiment_models_changed
    AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON tweetlda.sentiment_models
    FOR EACH STATEMENT EXECUTE FUNCTION tweetlda.table_changed();

-- The functions that run a query of the caller (train_sentiment, evaluate_sentiment,
-- sentiment_uncertain) keep the caller's search_path, as tweetlda.train() does, so that the
-- query sees the caller's tables; their own SQL is schema-qualified throughout.

-- Error unless the query source (parsed, not run) returns two columns: the text and its
-- label, of any type (train_sentiment and evaluate_sentiment say so instead of a column-alias error).
CREATE FUNCTION tweetlda.sentiment_check_source(source text) RETURNS void
    AS 'MODULE_PATHNAME', 'sentiment_check_source'
    LANGUAGE C VOLATILE STRICT PARALLEL UNSAFE;

-- Train a classifier on source, a query returning (text, label) rows, and store it under name;
-- returns its metrics (held-out accuracy, macro-F1, per-class precision and recall, confusion).
-- holdout: the share of the texts (chosen by a hash of each text and the seed) kept out of
-- training and measured; cv_folds: k-fold cross-validation on the training share as well.
CREATE FUNCTION tweetlda.train_sentiment(
    name text,
    source text,
    holdout double precision DEFAULT 0.2,
    l2 double precision DEFAULT 1.0,
    class_weight text DEFAULT 'balanced',
    cv_folds integer DEFAULT 0,
    seed bigint DEFAULT 42,
    params jsonb DEFAULT '{}',
    replace boolean DEFAULT false) RETURNS jsonb
    LANGUAGE plpgsql VOLATILE PARALLEL UNSAFE
AS $$
DECLARE
    p jsonb;
    result tweetlda.sentiment_model;
    info jsonb;
    metrics jsonb;
BEGIN
    IF train_sentiment.name IS NULL OR train_sentiment.source IS NULL THEN
        RAISE EXCEPTION 'name and source of tweetlda.train_sentiment() must not be NULL'
            USING ERRCODE = 'null_value_not_allowed';
    END IF;
    IF train_sentiment.name OPERATOR(pg_catalog.!~) '[^[:space:]]'
       OR pg_catalog.octet_length(train_sentiment.name) OPERATOR(pg_catalog.>) 63 THEN
        RAISE EXCEPTION 'invalid sentiment model name "%"', train_sentiment.name
            USING ERRCODE = 'invalid_parameter_value',
                  DETAIL = 'A model name must not be blank and may have at most 63 bytes.',
                  HINT = 'The name is the analyzer name, as in tweetlda.sentiment(doc, name).';
    END IF;
    IF train_sentiment.name OPERATOR(pg_catalog.=) ANY (ARRAY['textblob', 'social']) THEN
        RAISE EXCEPTION 'sentiment model name "%" is a built-in analyzer', train_sentiment.name
            USING ERRCODE = 'invalid_parameter_value', HINT = 'Choose another name.';
    END IF;
    IF NOT coalesce(train_sentiment.replace, false) AND EXISTS
        (SELECT 1 FROM tweetlda.sentiment_models m WHERE m.name OPERATOR(pg_catalog.=) train_sentiment.name) THEN
        RAISE EXCEPTION 'sentiment model "%" already exists', train_sentiment.name
            USING ERRCODE = 'unique_violation',
                  HINT = 'Choose another name, pass replace => true, or delete it from tweetlda.sentiment_models.';
    END IF;
    p := coalesce(train_sentiment.params, '{}'::jsonb) OPERATOR(pg_catalog.||) pg_catalog.jsonb_strip_nulls(
        pg_catalog.jsonb_build_object('holdout', train_sentiment.holdout, 'l2', train_sentiment.l2,
                                      'class_weight', train_sentiment.class_weight,
                                      'cv_folds', train_sentiment.cv_folds, 'seed', train_sentiment.seed));
    PERFORM tweetlda.sentiment_classifier_check_params(p);
    PERFORM tweetlda.sentiment_check_source(train_sentiment.source);
    EXECUTE pg_catalog.format('SELECT tweetlda.sentiment_classifier(s.doc::text, s.label::text, $1) FROM (%s) AS s(doc, label)',
                              train_sentiment.source)
        INTO result USING p;
    info := tweetlda.sentiment_model_info(result);
    metrics := pg_catalog.jsonb_build_object(
        'holdout', info OPERATOR(pg_catalog.->) 'holdout',
        'cross_validation', info OPERATOR(pg_catalog.->) 'cross_validation',
        'examples', info OPERATOR(pg_catalog.#>) '{training,examples}',
        'holdout_examples', info OPERATOR(pg_catalog.#>) '{training,holdout_examples}',
        'skipped', info OPERATOR(pg_catalog.#>) '{training,skipped}',
        'iterations', info OPERATOR(pg_catalog.#>) '{training,iterations}',
        'seconds', info OPERATOR(pg_catalog.#>) '{training,seconds}',
        'fingerprint', info OPERATOR(pg_catalog.->) 'fingerprint');
    INSERT INTO tweetlda.sentiment_models AS m (name, source, params, metrics, model)
    VALUES (train_sentiment.name, train_sentiment.source, p, metrics, result)
    ON CONFLICT ON CONSTRAINT sentiment_models_pkey DO UPDATE
        SET created_at = pg_catalog.now(), source = excluded.source, params = excluded.params,
            metrics = excluded.metrics, model = excluded.model;
    RETURN metrics;
END;
$$;
COMMENT ON FUNCTION tweetlda.train_sentiment(text, text, double precision, double precision, text, integer, bigint, jsonb, boolean) IS
    'train a sentiment classifier on a (text, label) query and store it in tweetlda.sentiment_models';

-- Scoring. sentiment(), polarity(), subjectivity() and sentiment_label(doc, analyzer) take a
-- model name as analyzer (src/sql/40_sentiment.sql); these are specific to trained models.
CREATE FUNCTION tweetlda.sentiment_probabilities(doc text, model text,
                                                 OUT label text, OUT probability float8)
    RETURNS SETOF record
    AS 'MODULE_PATHNAME', 'sentiment_probabilities'
    LANGUAGE C STABLE STRICT PARALLEL SAFE ROWS 3;
COMMENT ON FUNCTION tweetlda.sentiment_probabilities(text, text) IS
    'the probability of each class of a trained sentiment model for a text';

-- P(most probable class) - P(second): the model is unsure when it is small.
CREATE FUNCTION tweetlda.sentiment_margin(doc text, model text) RETURNS float8
    AS 'MODULE_PATHNAME', 'sentiment_margin'
    LANGUAGE C STABLE STRICT PARALLEL SAFE;

-- The features of a text that moved the decision of a trained model: their push toward the
-- predicted class (its weight minus the mean over the classes, times the feature value).
CREATE FUNCTION tweetlda.sentiment_explain(doc text, model text,
                                           OUT feature text, OUT kind text, OUT value float8,
                                           OUT predicted text, OUT contribution float8)
    RETURNS SETOF record
    AS 'MODULE_PATHNAME', 'sentiment_explain'
    LANGUAGE C STABLE STRICT PARALLEL SAFE ROWS 30;
COMMENT ON FUNCTION tweetlda.sentiment_explain(text, text) IS
    'the features of a text with their push toward the class a trained sentiment model predicts';

CREATE FUNCTION tweetlda.sentiment_evaluate_texts(model text, docs text[], labels text[]) RETURNS jsonb
    AS 'MODULE_PATHNAME', 'sentiment_evaluate_texts'
    LANGUAGE C STABLE STRICT PARALLEL SAFE;

-- Accuracy, macro-F1, per-class precision / recall / F1 / support and the confusion matrix of a
-- trained model on source, a query returning (text, label) rows.
CREATE FUNCTION tweetlda.evaluate_sentiment(name text, source text) RETURNS jsonb
    LANGUAGE plpgsql STABLE STRICT PARALLEL UNSAFE
AS $$
DECLARE
    docs text[];
    labels text[];
BEGIN
    PERFORM tweetlda.sentiment_check_source(evaluate_sentiment.source);
    EXECUTE pg_catalog.format('SELECT pg_catalog.array_agg(s.doc::text), pg_catalog.array_agg(s.label::text) FROM (%s) AS s(doc, label)',
                              evaluate_sentiment.source)
        INTO docs, labels;
    RETURN tweetlda.sentiment_evaluate_texts(evaluate_sentiment.name, coalesce(docs, '{}'),
                                             coalesce(labels, '{}'));
END;
$$;
COMMENT ON FUNCTION tweetlda.evaluate_sentiment(text, text) IS
    'accuracy, macro-F1, per-class precision and recall and the confusion matrix of a trained sentiment model on (text, label) rows';

-- Active learning: the n texts of source (a query whose first column is the text) the model is
-- least sure about (smallest margin between its two most probable classes), to label next.
CREATE FUNCTION tweetlda.sentiment_uncertain(name text, source text, n integer DEFAULT 100)
    RETURNS TABLE (doc text, predicted text, margin float8)
    LANGUAGE plpgsql STABLE STRICT PARALLEL UNSAFE
AS $$
BEGIN
    IF n OPERATOR(pg_catalog.<) 0 THEN
        RAISE EXCEPTION 'n must not be negative' USING ERRCODE = 'invalid_parameter_value';
    END IF;
    RETURN QUERY EXECUTE pg_catalog.format(
        'SELECT u.doc, tweetlda.sentiment_label(u.doc, $1), u.margin
         FROM (SELECT s.doc::text AS doc, tweetlda.sentiment_margin(s.doc::text, $1) AS margin
               FROM (%s) AS s(doc) WHERE s.doc IS NOT NULL) u
         ORDER BY u.margin, u.doc COLLATE pg_catalog."C" LIMIT $2', sentiment_uncertain.source)
        USING sentiment_uncertain.name, sentiment_uncertain.n;
END;
$$;
COMMENT ON FUNCTION tweetlda.sentiment_uncertain(text, text, integer) IS
    'the texts a trained sentiment model is least sure about (active learning: label these next)';

-- The label of a text: the most probable class of a trained model, or for a built-in analyzer
-- the label of its polarity (sentiment_label(polarity) with the default thresholds).
CREATE FUNCTION tweetlda.sentiment_label(doc text, analyzer text) RETURNS text
    AS 'MODULE_PATHNAME', 'sentiment_label_text'
    LANGUAGE C STABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION tweetlda.sentiment_label(text, text) IS
    'label of a text: the most probable class of a trained model, or positive / neutral / negative from a built-in analyzer''s polarity';
