-- tweetlda upgrade from 0.1.0 to 0.2.0.
-- Every schema change of the 0.2.0 cycle goes here AND into the editable base src/sql/*.sql
-- (which builds the fresh tweetlda--0.2.0.sql); test/t/002_upgrade.pl checks that a 0.1.0
-- install updated by this script and a fresh 0.2.0 install have the same catalog.
\echo Use "ALTER EXTENSION tweetlda UPDATE TO '0.2.0'" to load this file. \quit

-- ---- Area: LDA and text findings of issue 9 (branch i9-findings) ----
-- Models are referred to by name: an empty or blank name is refused (train() and the table).
-- A 0.1.0 model with such a name is renamed "unnamed model <id>" so that the constraint holds.
UPDATE tweetlda.models SET name = 'unnamed model ' OPERATOR(pg_catalog.||) id
WHERE name OPERATOR(pg_catalog.!~) '[^[:space:]]';
ALTER TABLE tweetlda.models
    ADD CONSTRAINT models_name_check CHECK (name OPERATOR(pg_catalog.~) '[^[:space:]]');

-- train() checks what the training query returns (one text column) before running it.
CREATE FUNCTION tweetlda.lda_check_source(source text) RETURNS void
    AS 'MODULE_PATHNAME', 'lda_check_source'
    LANGUAGE C VOLATILE STRICT PARALLEL UNSAFE;

CREATE OR REPLACE FUNCTION tweetlda.train(
    name text,
    source text,
    k integer DEFAULT 10,
    max_iter integer DEFAULT 20,
    doc_concentration double precision DEFAULT NULL,
    topic_concentration double precision DEFAULT NULL,
    learning_offset double precision DEFAULT 1024,
    learning_decay double precision DEFAULT 0.51,
    subsampling_rate double precision DEFAULT 0.05,
    optimize_doc_concentration boolean DEFAULT true,
    seed bigint DEFAULT 42,
    optimizer text DEFAULT 'online',
    weighting text DEFAULT 'tfidf',
    min_df double precision DEFAULT 3,
    max_df double precision DEFAULT 0.5,
    max_terms integer DEFAULT 20000,
    language text DEFAULT 'english',
    text_config jsonb DEFAULT NULL) RETURNS integer
    LANGUAGE plpgsql VOLATILE PARALLEL UNSAFE
AS $$
DECLARE
    cfg jsonb;
    params jsonb;
    result tweetlda.lda_model;
    info jsonb;
    new_id integer;
BEGIN
    IF train.name IS NULL OR train.source IS NULL THEN
        RAISE EXCEPTION 'name and source of tweetlda.train() must not be NULL'
            USING ERRCODE = 'null_value_not_allowed';
    END IF;
    IF train.name OPERATOR(pg_catalog.!~) '[^[:space:]]' THEN
        RAISE EXCEPTION 'LDA model name must not be empty or blank'
            USING ERRCODE = 'invalid_parameter_value',
                  HINT = 'Models are referred to by name, as in tweetlda.topics(name, doc).';
    END IF;
    IF EXISTS (SELECT 1 FROM tweetlda.models m WHERE m.name OPERATOR(pg_catalog.=) train.name) THEN
        RAISE EXCEPTION 'LDA model "%" already exists', train.name
            USING ERRCODE = 'unique_violation',
                  HINT = 'Choose another name or delete the model from tweetlda.models.';
    END IF;
    cfg := tweetlda.validate_text_config(coalesce(train.text_config,
                                                  pg_catalog.jsonb_build_object('language', train.language)));
    params := pg_catalog.jsonb_build_object(
        'k', train.k, 'max_iter', train.max_iter,
        'doc_concentration', train.doc_concentration,
        'topic_concentration', train.topic_concentration,
        'learning_offset', train.learning_offset, 'learning_decay', train.learning_decay,
        'subsampling_rate', train.subsampling_rate,
        'optimize_doc_concentration', train.optimize_doc_concentration,
        'seed', train.seed, 'optimizer', train.optimizer, 'weighting', train.weighting,
        'text_config', cfg);
    params := params OPERATOR(pg_catalog.||) pg_catalog.jsonb_build_object(
        'min_df', train.min_df, 'max_df', train.max_df, 'max_terms', train.max_terms);
    -- check the parameters and the query's result type before reading the corpus
    PERFORM tweetlda.lda_check_params(params);
    PERFORM tweetlda.lda_check_source(train.source);
    -- one pass over the corpus: the aggregate builds the vocabulary (as tweetlda.vocabulary
    -- would) and trains on it
    EXECUTE pg_catalog.format('SELECT tweetlda.lda_from_text(s.doc, $1) FROM (%s) AS s(doc)', train.source)
        INTO result USING params;
    info := tweetlda.model_info(result);
    LOCK TABLE tweetlda.models IN SHARE ROW EXCLUSIVE MODE;
    INSERT INTO tweetlda.models (name, k, params, metrics, model, active)
    VALUES (train.name, (info OPERATOR(pg_catalog.->>) 'k')::integer, params,
            pg_catalog.jsonb_build_object(
                'vocab_size', info OPERATOR(pg_catalog.->) 'vocab_size',
                'documents', info OPERATOR(pg_catalog.#>) '{training,documents}',
                'empty_documents', info OPERATOR(pg_catalog.#>) '{training,empty_documents}',
                'tokens', info OPERATOR(pg_catalog.#>) '{training,tokens}',
                'passes', info OPERATOR(pg_catalog.#>) '{training,passes}',
                'bound_per_token', info OPERATOR(pg_catalog.#>) '{training,bound_per_token}',
                'seconds', info OPERATOR(pg_catalog.#>) '{training,seconds}'),
            result,
            NOT EXISTS (SELECT 1 FROM tweetlda.models m WHERE m.active))
    RETURNING id INTO new_id;
    RETURN new_id;
END;
$$;

-- activate(NULL) and create_wide_view(NULL) raise instead of returning NULL.
CREATE OR REPLACE FUNCTION tweetlda.activate(name text) RETURNS integer
    LANGUAGE plpgsql VOLATILE CALLED ON NULL INPUT PARALLEL UNSAFE
    SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    new_id integer;
BEGIN
    IF activate.name IS NULL THEN
        RAISE EXCEPTION 'the model name of tweetlda.activate() must not be NULL'
            USING ERRCODE = 'null_value_not_allowed', HINT = 'Models are listed in tweetlda.models.';
    END IF;
    LOCK TABLE tweetlda.models IN SHARE ROW EXCLUSIVE MODE;
    SELECT m.id INTO new_id FROM tweetlda.models m WHERE m.name = activate.name;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'LDA model "%" does not exist', activate.name
            USING ERRCODE = 'undefined_object', HINT = 'Models are listed in tweetlda.models.';
    END IF;
    UPDATE tweetlda.models m SET active = false WHERE m.active AND m.id <> new_id;
    UPDATE tweetlda.models m SET active = true WHERE m.id = new_id AND NOT m.active;
    RETURN new_id;
END;
$$;

CREATE OR REPLACE FUNCTION tweetlda.create_wide_view(view_name text DEFAULT 'public.scored_tweets_wide')
    RETURNS text
    LANGUAGE plpgsql VOLATILE CALLED ON NULL INPUT PARALLEL UNSAFE
    SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    model integer;
    k integer;
    cols text;
    target text;
    parts text[] := parse_ident(view_name);
BEGIN
    IF view_name IS NULL THEN
        RAISE EXCEPTION 'the view name of tweetlda.create_wide_view() must not be NULL'
            USING ERRCODE = 'null_value_not_allowed',
                  HINT = 'Call it without an argument for public.scored_tweets_wide.';
    END IF;
    SELECT m.id, m.k INTO model, k FROM tweetlda.models m WHERE m.active;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'no active model'
            USING ERRCODE = 'object_not_in_prerequisite_state',
                  HINT = 'Activate a model with tweetlda.activate() first.';
    END IF;
    IF cardinality(parts) NOT IN (1, 2) THEN
        RAISE EXCEPTION 'invalid view name: "%"', view_name
            USING ERRCODE = 'invalid_parameter_value',
                  HINT = 'Pass a view name, optionally schema-qualified.';
    END IF;
    -- an unqualified name goes to schema public (the function runs with a fixed search_path)
    target := quote_ident(CASE cardinality(parts) WHEN 2 THEN parts[1] ELSE 'public' END) || '.'
              || quote_ident(parts[cardinality(parts)]);
    SELECT string_agg(format('s.topics[%s] AS topic_%s', i, i), ', ' ORDER BY i) INTO cols
    FROM generate_series(1, k) AS i;
    IF to_regclass(target) IS NOT NULL THEN
        EXECUTE format('DROP VIEW %s', target);
    END IF;
    EXECUTE format('CREATE VIEW %s AS SELECT s.tweet_id, s.created_at, t.text, s.top_topic, %s, '
                   's.polarity, s.subjectivity, s.sentiment, s.model_id '
                   'FROM tweetlda.tweet_scores s '
                   'JOIN tweetlda.tweet_ids i ON i.id = s.tweet_id '
                   'JOIN tweetlda.tweets t ON t.id = i.id AND t.received_at = i.received_at '
                   'WHERE s.model_id = %s', target, cols, model);
    EXECUTE format('COMMENT ON VIEW %s IS %L', target,
                   format('scored tweets of tweetlda model %s, one column per topic', model));
    EXECUTE format('GRANT SELECT ON %s TO tweetlda_dashboard', target);
    RETURN target;
END
$$;
-- ---- end of area: LDA and text findings ----

-- ---- Area: readable topics, issue 10 (branch i10-topics) ----
-- issue 10: readable topics.  Models of 0.1.0 (format version 1) keep working: they are read as
-- they are (their words are their terms; relevance derives p(w) from their topic-word parameters).
-- train() defaults to weighting 'tf' and holds out a slice to measure quality (new parameter
-- holdout: the old signature is dropped); topic_terms ranks by relevance and returns the word
-- (new parameter lambda and column word: dropped and created again, with the view using it).
DROP VIEW tweetlda.topic_summary;
DROP FUNCTION tweetlda.topic_terms(tweetlda.lda_model, integer);
DROP FUNCTION tweetlda.topic_terms(integer, integer);
DROP FUNCTION tweetlda.topic_terms(text, integer);
DROP FUNCTION tweetlda.train(text, text, integer, integer, double precision, double precision,
    double precision, double precision, double precision, boolean, bigint, text, text,
    double precision, double precision, integer, text, jsonb);

-- The same, where rows with fit false count for the vocabulary but are not trained on (train()
-- holds out a slice this way, so that its vocabulary is the one of all the tweets).
CREATE FUNCTION tweetlda.lda_from_text_transfn(internal, text, jsonb, boolean) RETURNS internal
    AS 'MODULE_PATHNAME', 'lda_agg_own_transfn'
    LANGUAGE C STABLE CALLED ON NULL INPUT PARALLEL SAFE;

CREATE AGGREGATE tweetlda.lda_from_text(doc text, params jsonb, fit boolean) (
    SFUNC        = tweetlda.lda_from_text_transfn,
    STYPE        = internal,
    FINALFUNC    = tweetlda.lda_finalfn,
    COMBINEFUNC  = tweetlda.lda_combinefn,
    SERIALFUNC   = tweetlda.lda_serialfn,
    DESERIALFUNC = tweetlda.lda_deserialfn,
    PARALLEL     = SAFE
);

-- Build the vocabulary, train, and store the model under a name; returns its id.
-- source is a query returning one text column (the tweets).
CREATE FUNCTION tweetlda.train(
    name text,
    source text,
    k integer DEFAULT 10,
    max_iter integer DEFAULT 20,
    doc_concentration double precision DEFAULT NULL,
    topic_concentration double precision DEFAULT NULL,
    learning_offset double precision DEFAULT 1024,
    learning_decay double precision DEFAULT 0.51,
    subsampling_rate double precision DEFAULT 0.05,
    optimize_doc_concentration boolean DEFAULT true,
    seed bigint DEFAULT 42,
    optimizer text DEFAULT 'online',
    weighting text DEFAULT 'tf',
    min_df double precision DEFAULT 3,
    max_df double precision DEFAULT 0.5,
    max_terms integer DEFAULT 20000,
    language text DEFAULT 'english',
    text_config jsonb DEFAULT NULL,
    holdout integer DEFAULT 2000) RETURNS integer
    LANGUAGE plpgsql VOLATILE PARALLEL UNSAFE
AS $$
DECLARE
    cfg jsonb;
    params jsonb;
    result tweetlda.lda_model;
    info jsonb;
    quality jsonb;
    new_id integer;
    cut_h bigint;
    cut_doc text;
    heldout_filter text;
BEGIN
    IF train.name IS NULL OR train.source IS NULL THEN
        RAISE EXCEPTION 'name and source of tweetlda.train() must not be NULL'
            USING ERRCODE = 'null_value_not_allowed';
    END IF;
    IF train.name OPERATOR(pg_catalog.!~) '[^[:space:]]' THEN
        RAISE EXCEPTION 'LDA model name must not be empty or blank'
            USING ERRCODE = 'invalid_parameter_value',
                  HINT = 'Models are referred to by name, as in tweetlda.topics(name, doc).';
    END IF;
    IF EXISTS (SELECT 1 FROM tweetlda.models m WHERE m.name OPERATOR(pg_catalog.=) train.name) THEN
        RAISE EXCEPTION 'LDA model "%" already exists', train.name
            USING ERRCODE = 'unique_violation',
                  HINT = 'Choose another name or delete the model from tweetlda.models.';
    END IF;
    cfg := tweetlda.validate_text_config(coalesce(train.text_config,
                                                  pg_catalog.jsonb_build_object('language', train.language)));
    params := pg_catalog.jsonb_build_object(
        'k', train.k, 'max_iter', train.max_iter,
        'doc_concentration', train.doc_concentration,
        'topic_concentration', train.topic_concentration,
        'learning_offset', train.learning_offset, 'learning_decay', train.learning_decay,
        'subsampling_rate', train.subsampling_rate,
        'optimize_doc_concentration', train.optimize_doc_concentration,
        'seed', train.seed, 'optimizer', train.optimizer, 'weighting', train.weighting,
        'text_config', cfg);
    params := params OPERATOR(pg_catalog.||) pg_catalog.jsonb_build_object(
        'min_df', train.min_df, 'max_df', train.max_df, 'max_terms', train.max_terms);
    -- check the parameters and the query's result type before reading the corpus
    PERFORM tweetlda.lda_check_params(params);
    PERFORM tweetlda.lda_check_source(train.source);
    IF train.holdout IS NULL OR train.holdout OPERATOR(pg_catalog.<) 0 THEN
        RAISE EXCEPTION 'holdout must be a number of documents >= 0'
            USING ERRCODE = 'invalid_parameter_value',
                  HINT = '0 trains on every document and measures no quality figures.';
    END IF;
    -- the held-out slice: the documents whose text hashes to 0 modulo 20 (5%), at most holdout
    -- of them (the lowest hashes, then texts): deterministic, whatever the row order
    heldout_filter := 'false';
    IF train.holdout OPERATOR(pg_catalog.>) 0 THEN
        EXECUTE pg_catalog.format(
            'SELECT h, doc FROM (SELECT pg_catalog.hashtextextended(s.doc::text, 10) AS h, s.doc::text AS doc FROM (%s) AS s(doc)) AS q '
            'WHERE h OPERATOR(pg_catalog.%%) 20 OPERATOR(pg_catalog.=) 0 '
            'ORDER BY h, doc COLLATE "C" OFFSET %s LIMIT 1', train.source, train.holdout OPERATOR(pg_catalog.-) 1)
            INTO cut_h, cut_doc;
        heldout_filter := CASE WHEN cut_h IS NULL THEN
            'pg_catalog.hashtextextended(s.doc::text, 10) OPERATOR(pg_catalog.%) 20 OPERATOR(pg_catalog.=) 0'
        ELSE pg_catalog.format(
            '(pg_catalog.hashtextextended(s.doc::text, 10) OPERATOR(pg_catalog.%%) 20 OPERATOR(pg_catalog.=) 0 AND '
            '(pg_catalog.hashtextextended(s.doc::text, 10), s.doc::text COLLATE "C") OPERATOR(pg_catalog.<=) (%s::bigint, %L COLLATE "C"))',
            cut_h, cut_doc) END;
    END IF;
    -- one pass over the corpus: the aggregate builds the vocabulary (as tweetlda.vocabulary
    -- would, over all the tweets) and trains on it, without the held-out slice
    EXECUTE pg_catalog.format('SELECT tweetlda.lda_from_text(s.doc, $1, (%s) IS NOT TRUE) FROM (%s) AS s(doc)',
                              heldout_filter, train.source)
        INTO result USING params;
    IF train.holdout OPERATOR(pg_catalog.>) 0 THEN
        EXECUTE pg_catalog.format('SELECT tweetlda.lda_evaluation($1, s.doc) FROM (%s) AS s(doc) WHERE %s',
                                  train.source, heldout_filter)
            INTO quality USING result;
        IF quality IS NOT NULL THEN
            result := tweetlda.lda_model_with_quality(result,
                (quality OPERATOR(pg_catalog.->>) 'log_perplexity')::double precision,
                (quality OPERATOR(pg_catalog.->>) 'npmi')::double precision,
                (quality OPERATOR(pg_catalog.->>) 'diversity')::double precision,
                (quality OPERATOR(pg_catalog.->>) 'no_word_share')::double precision,
                (quality OPERATOR(pg_catalog.->>) 'documents')::bigint);
        END IF;
    END IF;
    info := tweetlda.model_info(result);
    LOCK TABLE tweetlda.models IN SHARE ROW EXCLUSIVE MODE;
    INSERT INTO tweetlda.models (name, k, params, metrics, model, active)
    VALUES (train.name, (info OPERATOR(pg_catalog.->>) 'k')::integer, params,
            pg_catalog.jsonb_build_object(
                'vocab_size', info OPERATOR(pg_catalog.->) 'vocab_size',
                'documents', info OPERATOR(pg_catalog.#>) '{training,documents}',
                'empty_documents', info OPERATOR(pg_catalog.#>) '{training,empty_documents}',
                'tokens', info OPERATOR(pg_catalog.#>) '{training,tokens}',
                'passes', info OPERATOR(pg_catalog.#>) '{training,passes}',
                'bound_per_token', info OPERATOR(pg_catalog.#>) '{training,bound_per_token}',
                'seconds', info OPERATOR(pg_catalog.#>) '{training,seconds}',
                'quality', info OPERATOR(pg_catalog.->) 'quality'),
            result,
            NOT EXISTS (SELECT 1 FROM tweetlda.models m WHERE m.active))
    RETURNING id INTO new_id;
    RETURN new_id;
END;
$$;

-- Inspection.  topic_terms ranks a topic's terms by relevance (Sievert & Shirley 2014):
-- lambda * log p(w|t) + (1 - lambda) * log(p(w|t) / p(w)), p(w) the corpus frequency kept in the
-- model; lambda => 1 ranks by probability.  weight is p(w|t); word is what a person reads (the
-- term's most frequent surface form in the training tweets), term what the model matches.
CREATE FUNCTION tweetlda.topic_terms(model tweetlda.lda_model, n integer DEFAULT 10,
        lambda double precision DEFAULT 0.6,
        OUT topic integer, OUT rank integer, OUT term text, OUT weight double precision,
        OUT word text)
    RETURNS SETOF record
    AS 'MODULE_PATHNAME', 'lda_topic_terms'
    LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE ROWS 100;

CREATE FUNCTION tweetlda.topic_terms(model integer, n integer DEFAULT 10,
        lambda double precision DEFAULT 0.6)
    RETURNS TABLE (topic integer, rank integer, term text, weight double precision, word text)
    LANGUAGE sql STABLE STRICT PARALLEL SAFE ROWS 100
AS $$ SELECT * FROM tweetlda.topic_terms(tweetlda.get_model(model), n, lambda) $$;

CREATE FUNCTION tweetlda.topic_terms(model text, n integer DEFAULT 10,
        lambda double precision DEFAULT 0.6)
    RETURNS TABLE (topic integer, rank integer, term text, weight double precision, word text)
    LANGUAGE sql STABLE STRICT PARALLEL SAFE ROWS 100
AS $$ SELECT * FROM tweetlda.topic_terms(tweetlda.get_model(model), n, lambda) $$;

-- The model's vocabulary: term (what the model matches), word (what a person reads: the term's
-- most frequent surface form in the training tweets), document frequency, and frequency (its
-- occurrences in the training tweets; NULL for models of format version 1, which lack it).
CREATE FUNCTION tweetlda.model_vocabulary(model tweetlda.lda_model,
        OUT term_id integer, OUT term text, OUT word text, OUT df bigint, OUT frequency bigint)
    RETURNS SETOF record
    AS 'MODULE_PATHNAME', 'lda_model_vocabulary'
    LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE ROWS 1000;

-- A short label of a topic: its n most relevant words, e.g. 'flood · queensland · australia'.
CREATE FUNCTION tweetlda.topic_label(model tweetlda.lda_model, topic integer, n integer DEFAULT 3)
    RETURNS text
    LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
AS $$
SELECT pg_catalog.string_agg(t.word, ' · ' ORDER BY t.rank)
FROM tweetlda.topic_terms(model, n) AS t
WHERE t.topic OPERATOR(pg_catalog.=) topic_label.topic
$$;

-- Names users give to topics (the views show the name when set, else the label).  pg_dump keeps
-- the rows; deleting a model deletes its names.
CREATE TABLE tweetlda.topic_names (
    model_id integer NOT NULL REFERENCES tweetlda.models (id) ON DELETE CASCADE,
    topic integer NOT NULL CHECK (topic OPERATOR(pg_catalog.>=) 1),
    name text NOT NULL CHECK (name OPERATOR(pg_catalog.~) '[^[:space:]]'),
    PRIMARY KEY (model_id, topic)
);
COMMENT ON TABLE tweetlda.topic_names IS 'names given to topics of a model (views show them instead of labels)';
SELECT pg_catalog.pg_extension_config_dump('tweetlda.topic_names', '');

-- The name a user gave a topic, else its label.
CREATE FUNCTION tweetlda.topic_label(model integer, topic integer, n integer DEFAULT 3)
    RETURNS text
    LANGUAGE sql STABLE STRICT PARALLEL SAFE
AS $$ SELECT coalesce((SELECT p.name FROM tweetlda.topic_names p
                       WHERE p.model_id = topic_label.model AND p.topic = topic_label.topic),
                      tweetlda.topic_label(tweetlda.get_model(model), topic, n)) $$;

CREATE FUNCTION tweetlda.topic_label(model text, topic integer, n integer DEFAULT 3)
    RETURNS text
    LANGUAGE sql STABLE STRICT PARALLEL SAFE
AS $$ SELECT coalesce((SELECT p.name FROM tweetlda.topic_names p JOIN tweetlda.models m ON m.id = p.model_id
                       WHERE m.name = topic_label.model AND p.topic = topic_label.topic),
                      tweetlda.topic_label(tweetlda.get_model(model), topic, n)) $$;

-- Evaluation: held-out log perplexity by document completion (topics inferred from the tokens at
-- even positions of each document, the tokens at odd positions scored), coherence (NPMI of each
-- topic's 10 most probable terms over the documents), topic diversity (distinct terms among the
-- topics' 25 most probable) and the share of documents without a known word (doc/lda.md).
CREATE FUNCTION tweetlda.lda_evaluation_transfn(internal, tweetlda.lda_model, text) RETURNS internal
    AS 'MODULE_PATHNAME', 'lda_evaluation_transfn'
    LANGUAGE C STABLE CALLED ON NULL INPUT PARALLEL SAFE;

CREATE FUNCTION tweetlda.lda_evaluation_finalfn(internal) RETURNS jsonb
    AS 'MODULE_PATHNAME', 'lda_evaluation_finalfn'
    LANGUAGE C STABLE CALLED ON NULL INPUT PARALLEL SAFE;

CREATE AGGREGATE tweetlda.lda_evaluation(model tweetlda.lda_model, doc text) (
    SFUNC     = tweetlda.lda_evaluation_transfn,
    STYPE     = internal,
    FINALFUNC = tweetlda.lda_evaluation_finalfn,
    PARALLEL  = SAFE
);

-- The model with the quality figures measured at training (train() calls it; model_info shows them).
CREATE FUNCTION tweetlda.lda_model_with_quality(model tweetlda.lda_model,
        log_perplexity double precision, npmi double precision, diversity double precision,
        no_word_share double precision, documents bigint) RETURNS tweetlda.lda_model
    AS 'MODULE_PATHNAME', 'lda_model_with_quality'
    LANGUAGE C IMMUTABLE CALLED ON NULL INPUT PARALLEL SAFE;

-- The quality report of a model over the documents of source (a query returning one text column).
CREATE FUNCTION tweetlda.evaluate(model tweetlda.lda_model, source text) RETURNS jsonb
    LANGUAGE plpgsql STABLE STRICT PARALLEL UNSAFE
AS $$
DECLARE
    result jsonb;
BEGIN
    PERFORM tweetlda.lda_check_source(source);
    EXECUTE pg_catalog.format('SELECT tweetlda.lda_evaluation($1, s.doc) FROM (%s) AS s(doc)', source)
        INTO result USING model;
    RETURN result;
END;
$$;

CREATE FUNCTION tweetlda.evaluate(model integer, source text) RETURNS jsonb
    LANGUAGE sql STABLE STRICT PARALLEL UNSAFE
AS $$ SELECT tweetlda.evaluate(tweetlda.get_model(model), source) $$;

CREATE FUNCTION tweetlda.evaluate(model text, source text) RETURNS jsonb
    LANGUAGE sql STABLE STRICT PARALLEL UNSAFE
AS $$ SELECT tweetlda.evaluate(tweetlda.get_model(model), source) $$;

-- One row per topic of the active model: top words (by relevance), tweets, share and sentiment,
-- and a last row with topic NULL ('no topic') for the scored tweets without a known word, so that
-- the tweets add up to the scored tweets; label is the topic's name when set, else its label.
CREATE VIEW tweetlda.topic_summary AS
WITH m AS (SELECT id, model FROM tweetlda.models WHERE active),
terms AS (
    SELECT tt.topic, array_agg(tt.word ORDER BY tt.rank) AS top_terms,
           string_agg(tt.word, ' · ' ORDER BY tt.rank) FILTER (WHERE tt.rank <= 3) AS label
    FROM m CROSS JOIN LATERAL tweetlda.topic_terms(m.model, 10) tt
    GROUP BY tt.topic
    UNION ALL
    SELECT NULL, NULL, 'no topic' FROM m),
counts AS (
    SELECT s.top_topic AS topic, count(*) AS tweets, avg(s.polarity) AS avg_polarity,
           count(*) FILTER (WHERE s.sentiment = 'positive') AS positive,
           count(*) FILTER (WHERE s.sentiment = 'neutral') AS neutral,
           count(*) FILTER (WHERE s.sentiment = 'negative') AS negative
    FROM tweetlda.tweet_scores s JOIN m ON s.model_id = m.id
    GROUP BY s.top_topic)
SELECT terms.topic, terms.top_terms,
       coalesce(c.tweets, 0) AS tweets,
       coalesce(c.tweets::double precision / nullif(sum(c.tweets) OVER (), 0), 0) AS share,
       c.avg_polarity,
       coalesce(c.positive, 0) AS positive,
       coalesce(c.neutral, 0) AS neutral,
       coalesce(c.negative, 0) AS negative,
       coalesce(n.name, terms.label) AS label
FROM terms
LEFT JOIN counts c ON c.topic IS NOT DISTINCT FROM terms.topic
LEFT JOIN tweetlda.topic_names n ON n.model_id = (SELECT id FROM m) AND n.topic = terms.topic;
COMMENT ON VIEW tweetlda.topic_summary IS
    'per topic of the active model (topic NULL: no known word): top words, tweets, share, average polarity, label counts, label';

-- Topic labels of the active model (name when set, else the three most relevant words), with
-- the row (NULL, 'no topic') for tweets without a known word.
CREATE VIEW tweetlda.topic_labels AS
WITH m AS (SELECT id, model FROM tweetlda.models WHERE active)
SELECT tt.topic, coalesce(n.name, string_agg(tt.word, ' · ' ORDER BY tt.rank)) AS label
FROM m CROSS JOIN LATERAL tweetlda.topic_terms(m.model, 3) tt
LEFT JOIN tweetlda.topic_names n ON n.model_id = m.id AND n.topic = tt.topic
GROUP BY tt.topic, n.name
UNION ALL
SELECT NULL, 'no topic' FROM m;
COMMENT ON VIEW tweetlda.topic_labels IS
    'label of every topic of the active model (its name when set), and (NULL, no topic)';

-- Tweets per topic of the active model and sentiment label (every combination, zeros included;
-- topic NULL: the tweets without a known word).
CREATE OR REPLACE VIEW tweetlda.topic_sentiment AS
WITH m AS (SELECT id, k FROM tweetlda.models WHERE active),
topics AS (SELECT g.topic FROM m CROSS JOIN LATERAL generate_series(1, m.k) AS g(topic)
           UNION ALL SELECT NULL FROM m),
counts AS (
    SELECT s.top_topic AS topic, s.sentiment, count(*) AS tweets
    FROM tweetlda.tweet_scores s JOIN m ON s.model_id = m.id
    GROUP BY 1, 2)
SELECT topics.topic, l.sentiment, coalesce(c.tweets, 0) AS tweets, tl.label
FROM topics
CROSS JOIN (VALUES ('positive'), ('neutral'), ('negative')) AS l(sentiment)
LEFT JOIN counts c ON c.topic IS NOT DISTINCT FROM topics.topic AND c.sentiment = l.sentiment
LEFT JOIN tweetlda.topic_labels tl ON tl.topic IS NOT DISTINCT FROM topics.topic;
COMMENT ON VIEW tweetlda.topic_sentiment IS
    'tweets per topic of the active model (topic NULL: no known word) and sentiment label';

-- Tweets and average polarity per hour (of the tweets' time) and topic of the active model
-- (topic NULL: the tweets without a known word).  A condition on bucket (WHERE bucket >= now() -
-- interval '24 hours') is answered from the index tweet_scores_timeline_idx.
CREATE OR REPLACE VIEW tweetlda.topic_timeline AS
WITH labels AS MATERIALIZED (SELECT l.topic, l.label FROM tweetlda.topic_labels l)
SELECT g.bucket, g.topic, g.tweets, g.avg_polarity,
       (SELECT l.label FROM labels l WHERE l.topic IS NOT DISTINCT FROM g.topic) AS label
FROM (SELECT pg_catalog.date_bin('1 hour'::interval, s.created_at,
                                 '2000-01-01 00:00:00+00'::timestamptz) AS bucket,
             s.top_topic AS topic, count(*) AS tweets, avg(s.polarity) AS avg_polarity
      FROM tweetlda.tweet_scores s
      WHERE s.model_id = (SELECT m.id FROM tweetlda.models m WHERE m.active)
      GROUP BY 1, 2) AS g;
COMMENT ON VIEW tweetlda.topic_timeline IS
    'tweets and average polarity per hour and topic of the active model (topic NULL: no known word)';

GRANT SELECT ON tweetlda.topic_summary, tweetlda.topic_labels TO tweetlda_dashboard;
-- ---- end of area: readable topics ----
