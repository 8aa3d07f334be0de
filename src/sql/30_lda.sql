-- tweetlda install script, part 30: LDA topic models (doc/lda.md): the model type, the training
-- aggregate, the model registry with train() and activate(), scoring, inspection, evaluation.

-- The model type: self-contained (text configuration, vocabulary with IDF, weighting, k, alpha,
-- eta, topic-word parameters, training metadata).  Text form: a readable summary followed by the
-- full base64 encoding, so that COPY, pg_dump and pg_restore round-trip models.
CREATE TYPE tweetlda.lda_model;

CREATE FUNCTION tweetlda.lda_model_in(cstring) RETURNS tweetlda.lda_model
    AS 'MODULE_PATHNAME', 'lda_model_in'
    LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE FUNCTION tweetlda.lda_model_out(tweetlda.lda_model) RETURNS cstring
    AS 'MODULE_PATHNAME', 'lda_model_out'
    LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE FUNCTION tweetlda.lda_model_recv(internal) RETURNS tweetlda.lda_model
    AS 'MODULE_PATHNAME', 'lda_model_recv'
    LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE FUNCTION tweetlda.lda_model_send(tweetlda.lda_model) RETURNS bytea
    AS 'MODULE_PATHNAME', 'lda_model_send'
    LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

-- STORAGE external: no compression (the floats hardly compress), so that reading the header
-- of a stored model (scoring caches) fetches one TOAST chunk.
CREATE TYPE tweetlda.lda_model (
    INPUT     = tweetlda.lda_model_in,
    OUTPUT    = tweetlda.lda_model_out,
    RECEIVE   = tweetlda.lda_model_recv,
    SEND      = tweetlda.lda_model_send,
    ALIGNMENT = double,
    STORAGE   = external
);

COMMENT ON TYPE tweetlda.lda_model IS
    'LDA topic model; text form "LDA1 k=... terms=... weighting=... docs=... data=<base64>"';

-- The training aggregate: lda(doc, vocab [, params]).  The transition function tokenizes and
-- looks up the vocabulary (in parallel workers when the plan has them); the final function trains.
CREATE FUNCTION tweetlda.lda_transfn(internal, text, tweetlda.vocab) RETURNS internal
    AS 'MODULE_PATHNAME', 'lda_agg_transfn'
    LANGUAGE C STABLE CALLED ON NULL INPUT PARALLEL SAFE;

CREATE FUNCTION tweetlda.lda_transfn(internal, text, tweetlda.vocab, jsonb) RETURNS internal
    AS 'MODULE_PATHNAME', 'lda_agg_transfn'
    LANGUAGE C STABLE CALLED ON NULL INPUT PARALLEL SAFE;

CREATE FUNCTION tweetlda.lda_transfn(internal, text[], tweetlda.vocab) RETURNS internal
    AS 'MODULE_PATHNAME', 'lda_agg_tokens_transfn'
    LANGUAGE C STABLE CALLED ON NULL INPUT PARALLEL SAFE;

CREATE FUNCTION tweetlda.lda_transfn(internal, text[], tweetlda.vocab, jsonb) RETURNS internal
    AS 'MODULE_PATHNAME', 'lda_agg_tokens_transfn'
    LANGUAGE C STABLE CALLED ON NULL INPUT PARALLEL SAFE;

CREATE FUNCTION tweetlda.lda_combinefn(internal, internal) RETURNS internal
    AS 'MODULE_PATHNAME', 'lda_agg_combinefn'
    LANGUAGE C IMMUTABLE CALLED ON NULL INPUT PARALLEL SAFE;

CREATE FUNCTION tweetlda.lda_serialfn(internal) RETURNS bytea
    AS 'MODULE_PATHNAME', 'lda_agg_serialfn'
    LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE FUNCTION tweetlda.lda_deserialfn(bytea, internal) RETURNS internal
    AS 'MODULE_PATHNAME', 'lda_agg_deserialfn'
    LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

-- Volatile: the model records when it was trained and training reports progress.
CREATE FUNCTION tweetlda.lda_finalfn(internal) RETURNS tweetlda.lda_model
    AS 'MODULE_PATHNAME', 'lda_agg_finalfn'
    LANGUAGE C VOLATILE CALLED ON NULL INPUT PARALLEL SAFE;

CREATE AGGREGATE tweetlda.lda(doc text, vocab tweetlda.vocab) (
    SFUNC        = tweetlda.lda_transfn,
    STYPE        = internal,
    FINALFUNC    = tweetlda.lda_finalfn,
    COMBINEFUNC  = tweetlda.lda_combinefn,
    SERIALFUNC   = tweetlda.lda_serialfn,
    DESERIALFUNC = tweetlda.lda_deserialfn,
    PARALLEL     = SAFE
);

CREATE AGGREGATE tweetlda.lda(doc text, vocab tweetlda.vocab, params jsonb) (
    SFUNC        = tweetlda.lda_transfn,
    STYPE        = internal,
    FINALFUNC    = tweetlda.lda_finalfn,
    COMBINEFUNC  = tweetlda.lda_combinefn,
    SERIALFUNC   = tweetlda.lda_serialfn,
    DESERIALFUNC = tweetlda.lda_deserialfn,
    PARALLEL     = SAFE
);

-- The same over documents already tokenized (tweetlda.tokenize with the text configuration of
-- params, which the model records for scoring raw text).
CREATE AGGREGATE tweetlda.lda(tokens text[], vocab tweetlda.vocab) (
    SFUNC        = tweetlda.lda_transfn,
    STYPE        = internal,
    FINALFUNC    = tweetlda.lda_finalfn,
    COMBINEFUNC  = tweetlda.lda_combinefn,
    SERIALFUNC   = tweetlda.lda_serialfn,
    DESERIALFUNC = tweetlda.lda_deserialfn,
    PARALLEL     = SAFE
);

CREATE AGGREGATE tweetlda.lda(tokens text[], vocab tweetlda.vocab, params jsonb) (
    SFUNC        = tweetlda.lda_transfn,
    STYPE        = internal,
    FINALFUNC    = tweetlda.lda_finalfn,
    COMBINEFUNC  = tweetlda.lda_combinefn,
    SERIALFUNC   = tweetlda.lda_serialfn,
    DESERIALFUNC = tweetlda.lda_deserialfn,
    PARALLEL     = SAFE
);

-- Training from raw text alone: the aggregate also builds the vocabulary (params keys min_df,
-- max_df, max_terms with tweetlda.vocabulary's semantics; tweet defaults 3, 0.5, 20000), so
-- the documents are read and tokenized once.
CREATE FUNCTION tweetlda.lda_from_text_transfn(internal, text) RETURNS internal
    AS 'MODULE_PATHNAME', 'lda_agg_own_transfn'
    LANGUAGE C STABLE CALLED ON NULL INPUT PARALLEL SAFE;

CREATE FUNCTION tweetlda.lda_from_text_transfn(internal, text, jsonb) RETURNS internal
    AS 'MODULE_PATHNAME', 'lda_agg_own_transfn'
    LANGUAGE C STABLE CALLED ON NULL INPUT PARALLEL SAFE;

CREATE AGGREGATE tweetlda.lda_from_text(doc text) (
    SFUNC        = tweetlda.lda_from_text_transfn,
    STYPE        = internal,
    FINALFUNC    = tweetlda.lda_finalfn,
    COMBINEFUNC  = tweetlda.lda_combinefn,
    SERIALFUNC   = tweetlda.lda_serialfn,
    DESERIALFUNC = tweetlda.lda_deserialfn,
    PARALLEL     = SAFE
);

CREATE AGGREGATE tweetlda.lda_from_text(doc text, params jsonb) (
    SFUNC        = tweetlda.lda_from_text_transfn,
    STYPE        = internal,
    FINALFUNC    = tweetlda.lda_finalfn,
    COMBINEFUNC  = tweetlda.lda_combinefn,
    SERIALFUNC   = tweetlda.lda_serialfn,
    DESERIALFUNC = tweetlda.lda_deserialfn,
    PARALLEL     = SAFE
);

-- Training from raw text with each tweet's language (its lang field: 'en', 'pt-BR', 'und'; NULL
-- to detect it): with text_config language 'auto' each tweet is tokenized with its own
-- language's stopwords and stemmer; with a "languages" restriction the tweets of other languages
-- are skipped (a NOTICE counts them). The model's configuration keeps the languages it was
-- trained on, so that tweets of other languages score as having no known word.
CREATE FUNCTION tweetlda.lda_from_text_transfn(internal, text, text, jsonb) RETURNS internal
    AS 'MODULE_PATHNAME', 'lda_agg_own_lang_transfn'
    LANGUAGE C STABLE CALLED ON NULL INPUT PARALLEL SAFE;

CREATE AGGREGATE tweetlda.lda_from_text(doc text, lang text, params jsonb) (
    SFUNC        = tweetlda.lda_from_text_transfn,
    STYPE        = internal,
    FINALFUNC    = tweetlda.lda_finalfn,
    COMBINEFUNC  = tweetlda.lda_combinefn,
    SERIALFUNC   = tweetlda.lda_serialfn,
    DESERIALFUNC = tweetlda.lda_deserialfn,
    PARALLEL     = SAFE
);

-- The same, where rows with fit false count for the vocabulary but are not trained on (train()
-- holds out a slice this way, so that its vocabulary is the one of all the tweets).
CREATE FUNCTION tweetlda.lda_from_text_transfn(internal, text, text, jsonb, boolean) RETURNS internal
    AS 'MODULE_PATHNAME', 'lda_agg_own_lang_transfn'
    LANGUAGE C STABLE CALLED ON NULL INPUT PARALLEL SAFE;

CREATE AGGREGATE tweetlda.lda_from_text(doc text, lang text, params jsonb, fit boolean) (
    SFUNC        = tweetlda.lda_from_text_transfn,
    STYPE        = internal,
    FINALFUNC    = tweetlda.lda_finalfn,
    COMBINEFUNC  = tweetlda.lda_combinefn,
    SERIALFUNC   = tweetlda.lda_serialfn,
    DESERIALFUNC = tweetlda.lda_deserialfn,
    PARALLEL     = SAFE
);

-- The model registry.  At most one model is active (the one stream scoring uses).
CREATE TABLE tweetlda.models (
    id serial PRIMARY KEY,
    name text NOT NULL UNIQUE,
    created_at timestamptz NOT NULL DEFAULT pg_catalog.now(),
    k integer NOT NULL,
    params jsonb NOT NULL DEFAULT '{}',
    metrics jsonb NOT NULL DEFAULT '{}',
    model tweetlda.lda_model NOT NULL,
    active boolean NOT NULL DEFAULT false,
    -- model versions (doc/lifecycle.md): a retraining or an update of a model stores a new
    -- version of its family, named family@version; the first version is named like the family
    family text NOT NULL,
    version integer NOT NULL DEFAULT 1,
    parent_id integer,
    origin text NOT NULL DEFAULT 'train',
    -- models are referred to by name: an empty or blank name is refused
    CONSTRAINT models_name_check CHECK (name OPERATOR(pg_catalog.~) '[^[:space:]]'),
    CONSTRAINT models_family_version_key UNIQUE (family, version),
    CONSTRAINT models_parent_id_fkey FOREIGN KEY (parent_id) REFERENCES tweetlda.models (id)
        ON DELETE SET NULL,
    CONSTRAINT models_version_check CHECK (version OPERATOR(pg_catalog.>=) 1),
    CONSTRAINT models_origin_check CHECK (origin OPERATOR(pg_catalog.=) ANY (ARRAY['train', 'retrain', 'update']))
);
CREATE UNIQUE INDEX models_one_active ON tweetlda.models (active) WHERE active;
COMMENT ON COLUMN tweetlda.models.family IS
    'the model family (versions of one model: retrained or updated); defaults to the name';
COMMENT ON COLUMN tweetlda.models.version IS 'version in the family, from 1';
COMMENT ON COLUMN tweetlda.models.parent_id IS
    'the model this version was retrained or updated from (its topics are matched to the parent''s)';
COMMENT ON COLUMN tweetlda.models.origin IS 'how the version was made: train, retrain or update';

-- A model inserted without a family is the first version of its own family.
CREATE FUNCTION tweetlda.models_default_family() RETURNS trigger
    LANGUAGE plpgsql VOLATILE PARALLEL UNSAFE
    SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    NEW.family := coalesce(NEW.family, NEW.name);
    RETURN NEW;
END
$$;
REVOKE ALL ON FUNCTION tweetlda.models_default_family() FROM PUBLIC;
CREATE TRIGGER models_default_family
    BEFORE INSERT ON tweetlda.models
    FOR EACH ROW EXECUTE FUNCTION tweetlda.models_default_family();

-- pg_dump saves the models (the text form of lda_model is a full encoding).
SELECT pg_catalog.pg_extension_config_dump('tweetlda.models', '');
SELECT pg_catalog.pg_extension_config_dump('tweetlda.models_id_seq', '');

-- Scoring caches in every backend are dropped when a model row changes.
CREATE TRIGGER models_changed
    AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON tweetlda.models
    FOR EACH STATEMENT EXECUTE FUNCTION tweetlda.table_changed();

-- The model with this id or name (an error when there is none).
CREATE FUNCTION tweetlda.get_model(model integer) RETURNS tweetlda.lda_model
    LANGUAGE plpgsql STABLE STRICT PARALLEL SAFE
    SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    result tweetlda.lda_model;
BEGIN
    SELECT m.model INTO result FROM tweetlda.models m WHERE m.id = get_model.model;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'LDA model % does not exist', model
            USING ERRCODE = 'undefined_object', HINT = 'Models are listed in tweetlda.models.';
    END IF;
    RETURN result;
END;
$$;

CREATE FUNCTION tweetlda.get_model(model text) RETURNS tweetlda.lda_model
    LANGUAGE plpgsql STABLE STRICT PARALLEL SAFE
    SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    result tweetlda.lda_model;
BEGIN
    SELECT m.model INTO result FROM tweetlda.models m WHERE m.name = get_model.model;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'LDA model "%" does not exist', model
            USING ERRCODE = 'undefined_object', HINT = 'Models are listed in tweetlda.models.';
    END IF;
    RETURN result;
END;
$$;

-- The id of the active model, NULL when there is none.
CREATE FUNCTION tweetlda.active_model() RETURNS integer
    LANGUAGE sql STABLE PARALLEL SAFE
    RETURN (SELECT m.id FROM tweetlda.models m WHERE m.active);

-- Error unless the query source (parsed, not run) returns one text column (train() and the
-- evaluation functions read "one text column": say so instead of naming an internal function).
CREATE FUNCTION tweetlda.lda_check_source(source text) RETURNS void
    AS 'MODULE_PATHNAME', 'lda_check_source'
    LANGUAGE C VOLATILE STRICT PARALLEL UNSAFE;

-- Error unless the query source (parsed, not run) returns one text column, or two (the text and
-- its language); true for two.
CREATE FUNCTION tweetlda.lda_check_training_source(source text) RETURNS boolean
    AS 'MODULE_PATHNAME', 'lda_check_training_source'
    LANGUAGE C VOLATILE STRICT PARALLEL UNSAFE;

-- Build the vocabulary, train, and store the model under a name; returns its id.
-- source is a query returning one text column (the tweets), or two: the text and its language
-- (Twitter's lang field; NULL to detect it). languages (ISO codes) restricts training to tweets
-- of those languages.  method 'dmm' trains a Dirichlet multinomial mixture (one topic per
-- tweet; k is an upper bound, doc_concentration is its alpha and topic_concentration its beta,
-- 0.1 when NULL; max_iter NULL means 20 for LDA and 15 Gibbs sweeps for dmm; doc/dmm.md).
CREATE FUNCTION tweetlda.train(
    name text,
    source text,
    k integer DEFAULT 10,
    max_iter integer DEFAULT NULL,
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
    language text DEFAULT 'auto',
    text_config jsonb DEFAULT NULL,
    languages text[] DEFAULT NULL,
    holdout integer DEFAULT 2000,
    method text DEFAULT 'lda') RETURNS integer
    LANGUAGE plpgsql VOLATILE PARALLEL UNSAFE
AS $$
DECLARE
    cfg jsonb;
    params jsonb;
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
    IF train.languages IS NOT NULL THEN
        cfg := tweetlda.validate_text_config(cfg OPERATOR(pg_catalog.||)
                                             pg_catalog.jsonb_build_object('languages', train.languages));
    END IF;
    params := pg_catalog.jsonb_build_object(
        'k', train.k,
        'max_iter', coalesce(train.max_iter, CASE WHEN train.method IS DISTINCT FROM 'dmm' THEN 20 END),
        'doc_concentration', train.doc_concentration,
        'topic_concentration', train.topic_concentration,
        'learning_offset', train.learning_offset, 'learning_decay', train.learning_decay,
        'subsampling_rate', train.subsampling_rate,
        'optimize_doc_concentration', train.optimize_doc_concentration,
        'seed', train.seed, 'optimizer', train.optimizer, 'weighting', train.weighting,
        'text_config', cfg);
    params := params OPERATOR(pg_catalog.||) pg_catalog.jsonb_build_object(
        'min_df', train.min_df, 'max_df', train.max_df, 'max_terms', train.max_terms);
    IF train.method IS DISTINCT FROM 'lda' THEN
        params := params OPERATOR(pg_catalog.||) pg_catalog.jsonb_build_object('method', train.method);
    END IF;
    RETURN tweetlda.train_model(train.name, train.source, params, train.holdout);
END;
$$;

-- The held-out slice of a training query, as a condition on s.doc (the query aliased as
-- source_alias): the documents whose text hashes to 0 modulo 20 (5%), at most holdout of them (the
-- lowest hashes, then texts), so the same tweets give the same slice whatever the row order;
-- 'false' for holdout 0. train_model(), update_model() and retrain() hold out with it. No
-- search_path of its own: it runs the caller's query as the caller would.
CREATE FUNCTION tweetlda.heldout_condition(source text, source_alias text, holdout integer)
    RETURNS text
    LANGUAGE plpgsql VOLATILE PARALLEL UNSAFE
AS $$
DECLARE
    cut_h bigint;
    cut_doc text;
    slice text := 'pg_catalog.hashtextextended(s.doc::text, 10) OPERATOR(pg_catalog.%) 20 OPERATOR(pg_catalog.=) 0';
BEGIN
    IF heldout_condition.holdout IS NULL OR heldout_condition.holdout OPERATOR(pg_catalog.<=) 0 THEN
        RETURN 'false';
    END IF;
    EXECUTE pg_catalog.format(
        'SELECT h, doc FROM (SELECT pg_catalog.hashtextextended(s.doc::text, 10) AS h, s.doc::text AS doc FROM (%s) AS %s) AS q '
        'WHERE h OPERATOR(pg_catalog.%%) 20 OPERATOR(pg_catalog.=) 0 '
        'ORDER BY h, doc COLLATE "C" OFFSET %s LIMIT 1', heldout_condition.source,
        heldout_condition.source_alias, heldout_condition.holdout OPERATOR(pg_catalog.-) 1)
        INTO cut_h, cut_doc;
    IF cut_h IS NULL THEN
        RETURN slice;
    END IF;
    RETURN pg_catalog.format(
        '(%s AND (pg_catalog.hashtextextended(s.doc::text, 10), s.doc::text COLLATE "C") OPERATOR(pg_catalog.<=) (%s::bigint, %L COLLATE "C"))',
        slice, cut_h, cut_doc);
END;
$$;

-- Train on a query's tweets with training parameters as jsonb (the keys of the lda aggregate
-- and of tweetlda.models.params, as train() builds them), and store the model; returns its id.
-- family, parent and origin store it as a new version of a family (retrain(), update_model());
-- the name is then family@version unless given.  holdout as for train().
CREATE FUNCTION tweetlda.train_model(
    name text,
    source text,
    params jsonb,
    holdout integer DEFAULT 2000,
    family text DEFAULT NULL,
    parent integer DEFAULT NULL,
    origin text DEFAULT 'train') RETURNS integer
    LANGUAGE plpgsql VOLATILE PARALLEL UNSAFE
AS $$
DECLARE
    has_lang boolean;
    p jsonb := train_model.params;
    result tweetlda.lda_model;
    quality jsonb;
    new_id integer;
    heldout_filter text;
    heldout_docs text[];
    heldout_langs text[];
    source_alias text;
BEGIN
    IF train_model.source IS NULL OR train_model.params IS NULL
       OR (train_model.name IS NULL AND train_model.family IS NULL) THEN
        RAISE EXCEPTION 'source, params and a name or family of tweetlda.train_model() must not be NULL'
            USING ERRCODE = 'null_value_not_allowed';
    END IF;
    IF pg_catalog.jsonb_typeof(p) OPERATOR(pg_catalog.<>) 'object' THEN
        RAISE EXCEPTION 'training parameters must be a jsonb object'
            USING ERRCODE = 'invalid_parameter_value',
                  HINT = 'Pass the parameters as tweetlda.models.params stores them.';
    END IF;
    IF train_model.name IS NOT NULL
       AND EXISTS (SELECT 1 FROM tweetlda.models m WHERE m.name OPERATOR(pg_catalog.=) train_model.name) THEN
        RAISE EXCEPTION 'LDA model "%" already exists', train_model.name
            USING ERRCODE = 'unique_violation',
                  HINT = 'Choose another name or delete the model from tweetlda.models.';
    END IF;
    -- check the parameters and the query's result type before reading the corpus
    IF p OPERATOR(pg_catalog.?) 'text_config' THEN
        p := pg_catalog.jsonb_set(p, '{text_config}',
                                  tweetlda.validate_text_config(p OPERATOR(pg_catalog.->) 'text_config'));
    END IF;
    PERFORM tweetlda.lda_check_params(p);
    has_lang := tweetlda.lda_check_training_source(train_model.source);
    source_alias := CASE WHEN has_lang THEN 's(doc, lang)' ELSE 's(doc)' END;
    IF train_model.holdout IS NULL OR train_model.holdout OPERATOR(pg_catalog.<) 0 THEN
        RAISE EXCEPTION 'holdout must be a number of documents >= 0'
            USING ERRCODE = 'invalid_parameter_value',
                  HINT = '0 trains on every document and measures no quality figures.';
    END IF;
    -- the held-out slice (tweetlda.heldout_condition's rule: deterministic, whatever the row
    -- order), read with its texts in one scan: the lowest (hash, text) of the 5% whose text hashes
    -- to 0 modulo 20, holdout of them and the copies of the last; the filter keeps them out of
    -- training, and they are evaluated from the arrays without reading the source again
    heldout_filter := 'false';
    IF train_model.holdout OPERATOR(pg_catalog.>) 0 THEN
        EXECUTE pg_catalog.format(
            'SELECT pg_catalog.array_agg(q.doc ORDER BY q.h, q.doc COLLATE "C"), '
            'pg_catalog.array_agg(q.lang ORDER BY q.h, q.doc COLLATE "C") FROM ('
            'SELECT r.h, r.doc, r.lang FROM (SELECT pg_catalog.hashtextextended(s.doc::text, 10) AS h, '
            's.doc::text AS doc, %s AS lang FROM (%s) AS %s) AS r '
            'WHERE r.h OPERATOR(pg_catalog.%%) 20 OPERATOR(pg_catalog.=) 0 '
            'ORDER BY r.h, r.doc COLLATE "C" FETCH FIRST %s ROWS WITH TIES) AS q',
            CASE WHEN has_lang THEN 's.lang' ELSE 'NULL::text' END, train_model.source, source_alias,
            train_model.holdout)
            INTO heldout_docs, heldout_langs;
        heldout_filter := 'pg_catalog.hashtextextended(s.doc::text, 10) OPERATOR(pg_catalog.%) 20 OPERATOR(pg_catalog.=) 0';
        IF pg_catalog.cardinality(heldout_docs) OPERATOR(pg_catalog.>=) train_model.holdout THEN
            heldout_filter := pg_catalog.format(
                '(%s AND (pg_catalog.hashtextextended(s.doc::text, 10), s.doc::text COLLATE "C") OPERATOR(pg_catalog.<=) (%s::bigint, %L COLLATE "C"))',
                heldout_filter, pg_catalog.hashtextextended(heldout_docs[pg_catalog.cardinality(heldout_docs)], 10),
                heldout_docs[pg_catalog.cardinality(heldout_docs)]);
        END IF;
    END IF;
    -- one pass over the corpus: the aggregate builds the vocabulary (as tweetlda.vocabulary
    -- would, over all the tweets) and trains on it, without the held-out slice
    EXECUTE pg_catalog.format('SELECT tweetlda.lda_from_text(s.doc, %s, $1, (%s) IS NOT TRUE) FROM (%s) AS %s',
                              CASE WHEN has_lang THEN 's.lang' ELSE 'NULL::text' END,
                              heldout_filter, train_model.source, source_alias)
        INTO result USING p;
    IF heldout_docs IS NOT NULL THEN
        -- quality figures and the drift baseline (src/sql/80_lifecycle.sql) of the slice
        IF has_lang THEN
            SELECT tweetlda.lda_evaluation(result, d.doc, d.lang) INTO quality
            FROM ROWS FROM (pg_catalog.unnest(heldout_docs), pg_catalog.unnest(heldout_langs)) AS d(doc, lang);
        ELSE
            SELECT tweetlda.lda_evaluation(result, d.doc) INTO quality
            FROM pg_catalog.unnest(heldout_docs) AS d(doc);
        END IF;
        quality := quality OPERATOR(pg_catalog.||) tweetlda.drift_baseline(result, heldout_docs, heldout_langs);
        IF quality IS NOT NULL THEN
            result := tweetlda.lda_model_with_quality(result,
                (quality OPERATOR(pg_catalog.->>) 'log_perplexity')::double precision,
                (quality OPERATOR(pg_catalog.->>) 'npmi')::double precision,
                (quality OPERATOR(pg_catalog.->>) 'diversity')::double precision,
                (quality OPERATOR(pg_catalog.->>) 'no_word_share')::double precision,
                (quality OPERATOR(pg_catalog.->>) 'documents')::bigint);
        END IF;
    END IF;
    new_id := tweetlda.drift_keep_baseline(tweetlda.store_model(train_model.name, result, p, train_model.family,
                                NULL, train_model.origin), quality OPERATOR(pg_catalog.->) 'drift_baseline');
    -- a new version of a family takes its parent's topic numbers after its drift baseline is
    -- stored, so that inherit_topics() renumbers the baseline's topic counts with the topics
    IF train_model.parent IS NOT NULL THEN
        UPDATE tweetlda.models m SET parent_id = train_model.parent
        WHERE m.id OPERATOR(pg_catalog.=) new_id;
        PERFORM tweetlda.inherit_topics(new_id);
    END IF;
    RETURN new_id;
END;
$$;

-- Store a model in the registry (active when no model is); returns its id.  With a family, it is
-- that family's next version, named family@version unless a name is given; parent is the model
-- it was retrained or updated from: the new model's topics are then renumbered to the parent's
-- (tweetlda.inherit_topics(), doc/lifecycle.md "Topic identity").
CREATE FUNCTION tweetlda.store_model(
    name text,
    model tweetlda.lda_model,
    params jsonb DEFAULT '{}',
    family text DEFAULT NULL,
    parent integer DEFAULT NULL,
    origin text DEFAULT 'train') RETURNS integer
    LANGUAGE plpgsql VOLATILE PARALLEL UNSAFE
    SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    info jsonb;
    fam text;
    ver integer := 1;
    model_name text := store_model.name;
    new_id integer;
BEGIN
    IF store_model.model IS NULL OR (model_name IS NULL AND store_model.family IS NULL) THEN
        RAISE EXCEPTION 'model and a name or family of tweetlda.store_model() must not be NULL'
            USING ERRCODE = 'null_value_not_allowed';
    END IF;
    LOCK TABLE tweetlda.models IN SHARE ROW EXCLUSIVE MODE;
    fam := coalesce(store_model.family, model_name);
    IF store_model.family IS NOT NULL THEN
        SELECT coalesce(max(m.version) OPERATOR(pg_catalog.+) 1, 1) INTO ver
        FROM tweetlda.models m WHERE m.family OPERATOR(pg_catalog.=) fam;
        model_name := coalesce(model_name, CASE WHEN ver OPERATOR(pg_catalog.=) 1 THEN fam
                                                ELSE fam OPERATOR(pg_catalog.||) '@' OPERATOR(pg_catalog.||) ver::text END);
    END IF;
    IF model_name OPERATOR(pg_catalog.!~) '[^[:space:]]' THEN
        RAISE EXCEPTION 'LDA model name must not be empty or blank'
            USING ERRCODE = 'invalid_parameter_value',
                  HINT = 'Models are referred to by name, as in tweetlda.topics(name, doc).';
    END IF;
    IF EXISTS (SELECT 1 FROM tweetlda.models m WHERE m.name OPERATOR(pg_catalog.=) model_name) THEN
        RAISE EXCEPTION 'LDA model "%" already exists', model_name
            USING ERRCODE = 'unique_violation',
                  HINT = 'Choose another name or delete the model from tweetlda.models.';
    END IF;
    info := tweetlda.model_info(store_model.model);
    INSERT INTO tweetlda.models (name, k, params, metrics, model, active, family, version,
                                 parent_id, origin)
    VALUES (model_name, (info OPERATOR(pg_catalog.->>) 'k')::integer, coalesce(store_model.params, '{}'),
            pg_catalog.jsonb_build_object(
                'vocab_size', info OPERATOR(pg_catalog.->) 'vocab_size',
                'documents', info OPERATOR(pg_catalog.#>) '{training,documents}',
                'empty_documents', info OPERATOR(pg_catalog.#>) '{training,empty_documents}',
                'tokens', info OPERATOR(pg_catalog.#>) '{training,tokens}',
                'passes', info OPERATOR(pg_catalog.#>) '{training,passes}',
                'bound_per_token', info OPERATOR(pg_catalog.#>) '{training,bound_per_token}',
                'seconds', info OPERATOR(pg_catalog.#>) '{training,seconds}',
                'quality', info OPERATOR(pg_catalog.->) 'quality'),
            store_model.model,
            NOT EXISTS (SELECT 1 FROM tweetlda.models m WHERE m.active),
            fam, ver, store_model.parent, coalesce(store_model.origin, 'train'))
    RETURNING id INTO new_id;
    -- a new version keeps its parent's topic numbers and names (doc/lifecycle.md)
    IF store_model.parent IS NOT NULL THEN
        PERFORM tweetlda.inherit_topics(new_id);
    END IF;
    RETURN new_id;
END;
$$;

-- Make a model the active one (atomically: exactly one model is active afterwards).  New tweets
-- are scored with it at once; the views go on showing the model served so far until the
-- scored tweets of the recent window (stream_state.rescore_window) are rescored with it in the
-- background (tweetlda.rescore_step), then switch.  A rollback to the previous model, whose
-- scores are kept, is served at once.  Ingestion is never blocked (doc/lifecycle.md).
CREATE FUNCTION tweetlda.activate(name text) RETURNS integer
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
    PERFORM tweetlda.activate_model(new_id);
    RETURN new_id;
END;
$$;

-- Make a version of a model family the active model (as activate(name)); returns its id.
CREATE FUNCTION tweetlda.activate(family text, version integer) RETURNS integer
    LANGUAGE plpgsql VOLATILE CALLED ON NULL INPUT PARALLEL UNSAFE
    SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    new_id integer;
BEGIN
    IF activate.family IS NULL OR activate.version IS NULL THEN
        RAISE EXCEPTION 'the family and version of tweetlda.activate() must not be NULL'
            USING ERRCODE = 'null_value_not_allowed',
                  HINT = 'Versions are listed in tweetlda.models (columns family and version).';
    END IF;
    LOCK TABLE tweetlda.models IN SHARE ROW EXCLUSIVE MODE;
    SELECT m.id INTO new_id FROM tweetlda.models m
    WHERE m.family = activate.family AND m.version = activate.version;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'LDA model family "%" has no version %', activate.family, activate.version
            USING ERRCODE = 'undefined_object',
                  HINT = 'Versions are listed in tweetlda.models (columns family and version).';
    END IF;
    PERFORM tweetlda.activate_model(new_id);
    RETURN new_id;
END;
$$;

-- The work of activate(): switch the active flag and start the transition of the views (the
-- caller holds the lock on tweetlda.models).
CREATE FUNCTION tweetlda.activate_model(new_id integer) RETURNS void
    LANGUAGE plpgsql VOLATILE STRICT PARALLEL UNSAFE
    SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    st tweetlda.stream_state;
    from_id integer;
    since timestamptz;
    total bigint;
    first_id bigint;
    at_once boolean;
BEGIN
    -- waits for a running rescoring step (one batch) at most; ingestion takes no such lock
    SELECT * INTO st FROM tweetlda.stream_state FOR UPDATE;
    from_id := tweetlda.serving_model();
    UPDATE tweetlda.models m SET active = false WHERE m.active AND m.id <> new_id;
    UPDATE tweetlda.models m SET active = true WHERE m.id = new_id AND NOT m.active;
    since := now() - st.rescore_window;
    IF from_id IS NULL OR from_id = new_id THEN
        -- nothing served before, or the served model again: serve it, nothing to rescore
        UPDATE tweetlda.stream_state
        SET serving_model_id = new_id, rescore_model_id = new_id, rescore_from_id = from_id,
            rescore_since = since, rescore_cursor = NULL, rescore_total = 0, rescore_done = 0,
            rescore_started_at = now(), rescore_finished_at = now();
    ELSE
        SELECT count(*), min(s.tweet_id) INTO total, first_id FROM tweetlda.tweet_scores s
        WHERE s.model_id = from_id AND (since IS NULL OR s.created_at >= since);
        -- a rollback to the model served before, whose scores are kept: served at once, the
        -- tweets it lacks are rescored in the background
        at_once := new_id = st.previous_model_id
                   AND EXISTS (SELECT 1 FROM tweetlda.tweet_scores s WHERE s.model_id = new_id);
        UPDATE tweetlda.stream_state
        SET serving_model_id = CASE WHEN at_once THEN new_id ELSE from_id END,
            previous_model_id = CASE WHEN at_once THEN from_id ELSE previous_model_id END,
            rescore_model_id = new_id, rescore_from_id = from_id, rescore_since = since,
            rescore_cursor = first_id - 1,
            rescore_total = total, rescore_done = 0,
            rescore_started_at = now(), rescore_finished_at = NULL;
        IF total = 0 THEN
            -- no scored tweet in the window: the views switch at once
            PERFORM tweetlda.rescore_finish();
        END IF;
    END IF;
    PERFORM tweetlda.refresh_wide_views();
END;
$$;
-- Validate training parameters (the jsonb accepted by the lda aggregate); returns them.
CREATE FUNCTION tweetlda.lda_check_params(params jsonb) RETURNS jsonb
    AS 'MODULE_PATHNAME', 'lda_check_params'
    LANGUAGE C STABLE STRICT PARALLEL SAFE;

-- Scoring: the topic distribution of a tweet (float4[k], sums to 1) and its most likely topic
-- (numbered from 1).  NULL when the tweet has no term of the model's vocabulary.
CREATE FUNCTION tweetlda.topics(model integer, doc text) RETURNS real[]
    AS 'MODULE_PATHNAME', 'lda_topics_id'
    LANGUAGE C STABLE STRICT PARALLEL SAFE;

CREATE FUNCTION tweetlda.topics(model text, doc text) RETURNS real[]
    AS 'MODULE_PATHNAME', 'lda_topics_name'
    LANGUAGE C STABLE STRICT PARALLEL SAFE;

CREATE FUNCTION tweetlda.topics(model tweetlda.lda_model, doc text) RETURNS real[]
    AS 'MODULE_PATHNAME', 'lda_topics_model'
    LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE FUNCTION tweetlda.top_topic(model integer, doc text) RETURNS integer
    AS 'MODULE_PATHNAME', 'lda_top_topic_id'
    LANGUAGE C STABLE STRICT PARALLEL SAFE;

CREATE FUNCTION tweetlda.top_topic(model text, doc text) RETURNS integer
    AS 'MODULE_PATHNAME', 'lda_top_topic_name'
    LANGUAGE C STABLE STRICT PARALLEL SAFE;

CREATE FUNCTION tweetlda.top_topic(model tweetlda.lda_model, doc text) RETURNS integer
    AS 'MODULE_PATHNAME', 'lda_top_topic_model'
    LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

-- Scoring a tweet of a given language (its lang field; NULL to detect it when the model's text
-- configuration looks at languages). NULL when the model or the tweet is NULL, or when the tweet
-- has no known word, which includes tweets of a language the model was not trained on.
CREATE FUNCTION tweetlda.topics(model integer, doc text, lang text) RETURNS real[]
    AS 'MODULE_PATHNAME', 'lda_topics_lang_id'
    LANGUAGE C STABLE CALLED ON NULL INPUT PARALLEL SAFE;

CREATE FUNCTION tweetlda.topics(model text, doc text, lang text) RETURNS real[]
    AS 'MODULE_PATHNAME', 'lda_topics_lang_name'
    LANGUAGE C STABLE CALLED ON NULL INPUT PARALLEL SAFE;

CREATE FUNCTION tweetlda.topics(model tweetlda.lda_model, doc text, lang text) RETURNS real[]
    AS 'MODULE_PATHNAME', 'lda_topics_lang_model'
    LANGUAGE C IMMUTABLE CALLED ON NULL INPUT PARALLEL SAFE;

CREATE FUNCTION tweetlda.top_topic(model integer, doc text, lang text) RETURNS integer
    AS 'MODULE_PATHNAME', 'lda_top_topic_lang_id'
    LANGUAGE C STABLE CALLED ON NULL INPUT PARALLEL SAFE;

CREATE FUNCTION tweetlda.top_topic(model text, doc text, lang text) RETURNS integer
    AS 'MODULE_PATHNAME', 'lda_top_topic_lang_name'
    LANGUAGE C STABLE CALLED ON NULL INPUT PARALLEL SAFE;

CREATE FUNCTION tweetlda.top_topic(model tweetlda.lda_model, doc text, lang text) RETURNS integer
    AS 'MODULE_PATHNAME', 'lda_top_topic_lang_model'
    LANGUAGE C IMMUTABLE CALLED ON NULL INPUT PARALLEL SAFE;

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

CREATE FUNCTION tweetlda.topic_word(model tweetlda.lda_model,
        OUT topic integer, OUT term text, OUT weight double precision)
    RETURNS SETOF record
    AS 'MODULE_PATHNAME', 'lda_topic_word'
    LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE ROWS 10000;

CREATE FUNCTION tweetlda.topic_word(model integer)
    RETURNS TABLE (topic integer, term text, weight double precision)
    LANGUAGE sql STABLE STRICT PARALLEL SAFE ROWS 10000
AS $$ SELECT * FROM tweetlda.topic_word(tweetlda.get_model(model)) $$;

CREATE FUNCTION tweetlda.topic_word(model text)
    RETURNS TABLE (topic integer, term text, weight double precision)
    LANGUAGE sql STABLE STRICT PARALLEL SAFE ROWS 10000
AS $$ SELECT * FROM tweetlda.topic_word(tweetlda.get_model(model)) $$;

CREATE FUNCTION tweetlda.model_info(model tweetlda.lda_model) RETURNS jsonb
    AS 'MODULE_PATHNAME', 'lda_model_info'
    LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE FUNCTION tweetlda.model_info(model integer) RETURNS jsonb
    LANGUAGE sql STABLE STRICT PARALLEL SAFE
AS $$ SELECT tweetlda.model_info(tweetlda.get_model(model)) $$;

CREATE FUNCTION tweetlda.model_info(model text) RETURNS jsonb
    LANGUAGE sql STABLE STRICT PARALLEL SAFE
AS $$ SELECT tweetlda.model_info(tweetlda.get_model(model)) $$;

-- Evaluation building blocks: a document's part of the variational bound with the sum of its
-- term weights ({bound, weight}, NULL without known terms), and the topics' part of the bound.
CREATE FUNCTION tweetlda.lda_doc_bound(model tweetlda.lda_model, doc text) RETURNS double precision[]
    AS 'MODULE_PATHNAME', 'lda_doc_bound'
    LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE FUNCTION tweetlda.lda_topics_bound(model tweetlda.lda_model) RETURNS double precision
    AS 'MODULE_PATHNAME', 'lda_topics_bound'
    LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

-- Spark's logLikelihood: the variational lower bound of the log likelihood of the documents
-- returned by source (a query returning one text column), natural log.
CREATE FUNCTION tweetlda.log_likelihood(model tweetlda.lda_model, source text)
    RETURNS double precision
    LANGUAGE plpgsql STABLE STRICT PARALLEL UNSAFE
AS $$
DECLARE
    docs double precision;
BEGIN
    EXECUTE pg_catalog.format(
        'SELECT coalesce(pg_catalog.sum(b[1]), 0) FROM (SELECT tweetlda.lda_doc_bound($1, s.doc) AS b FROM (%s) AS s(doc)) AS q',
        source) INTO docs USING model;
    RETURN docs OPERATOR(pg_catalog.+) tweetlda.lda_topics_bound(model);
END;
$$;

-- Spark's logPerplexity: -log_likelihood / number of tokens (sum of the documents' term
-- weights, as the model sees them); NULL when no document has a known term.
CREATE FUNCTION tweetlda.log_perplexity(model tweetlda.lda_model, source text)
    RETURNS double precision
    LANGUAGE plpgsql STABLE STRICT PARALLEL UNSAFE
AS $$
DECLARE
    docs double precision;
    tokens double precision;
BEGIN
    EXECUTE pg_catalog.format(
        'SELECT coalesce(pg_catalog.sum(b[1]), 0), pg_catalog.sum(b[2]) FROM (SELECT tweetlda.lda_doc_bound($1, s.doc) AS b FROM (%s) AS s(doc)) AS q',
        source) INTO docs, tokens USING model;
    IF tokens IS NULL OR tokens OPERATOR(pg_catalog.=) 0 THEN
        RETURN NULL;
    END IF;
    RETURN OPERATOR(pg_catalog.-) (docs OPERATOR(pg_catalog.+) tweetlda.lda_topics_bound(model))
        OPERATOR(pg_catalog./) tokens;
END;
$$;

CREATE FUNCTION tweetlda.log_likelihood(model integer, source text) RETURNS double precision
    LANGUAGE sql STABLE STRICT PARALLEL UNSAFE
AS $$ SELECT tweetlda.log_likelihood(tweetlda.get_model(model), source) $$;

CREATE FUNCTION tweetlda.log_likelihood(model text, source text) RETURNS double precision
    LANGUAGE sql STABLE STRICT PARALLEL UNSAFE
AS $$ SELECT tweetlda.log_likelihood(tweetlda.get_model(model), source) $$;

CREATE FUNCTION tweetlda.log_perplexity(model integer, source text) RETURNS double precision
    LANGUAGE sql STABLE STRICT PARALLEL UNSAFE
AS $$ SELECT tweetlda.log_perplexity(tweetlda.get_model(model), source) $$;

CREATE FUNCTION tweetlda.log_perplexity(model text, source text) RETURNS double precision
    LANGUAGE sql STABLE STRICT PARALLEL UNSAFE
AS $$ SELECT tweetlda.log_perplexity(tweetlda.get_model(model), source) $$;

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

-- The same for tweets with their lang field (train() measures a source with a language column).
CREATE FUNCTION tweetlda.lda_evaluation_transfn(internal, tweetlda.lda_model, text, text) RETURNS internal
    AS 'MODULE_PATHNAME', 'lda_evaluation_transfn'
    LANGUAGE C STABLE CALLED ON NULL INPUT PARALLEL SAFE;

CREATE AGGREGATE tweetlda.lda_evaluation(model tweetlda.lda_model, doc text, lang text) (
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

-- The quality report of a model over the documents of source (a query returning one text column,
-- or two: the text and its language, as for train()).
CREATE FUNCTION tweetlda.evaluate(model tweetlda.lda_model, source text) RETURNS jsonb
    LANGUAGE plpgsql STABLE STRICT PARALLEL UNSAFE
AS $$
DECLARE
    result jsonb;
BEGIN
    IF tweetlda.lda_check_training_source(source) THEN
        EXECUTE pg_catalog.format('SELECT tweetlda.lda_evaluation($1, s.doc, s.lang) FROM (%s) AS s(doc, lang)', source)
            INTO result USING model;
    ELSE
        EXECUTE pg_catalog.format('SELECT tweetlda.lda_evaluation($1, s.doc) FROM (%s) AS s(doc)', source)
            INTO result USING model;
    END IF;
    RETURN result;
END;
$$;

CREATE FUNCTION tweetlda.evaluate(model integer, source text) RETURNS jsonb
    LANGUAGE sql STABLE STRICT PARALLEL UNSAFE
AS $$ SELECT tweetlda.evaluate(tweetlda.get_model(model), source) $$;

CREATE FUNCTION tweetlda.evaluate(model text, source text) RETURNS jsonb
    LANGUAGE sql STABLE STRICT PARALLEL UNSAFE
AS $$ SELECT tweetlda.evaluate(tweetlda.get_model(model), source) $$;
