-- tweetlda install script, part 80: the model lifecycle (doc/lifecycle.md): drift checks of the
-- active model, retraining as a job, incremental updates, topic identity across versions.

-- Every drift check (tweetlda.drift()): which model, which window, the figures and the verdict.
CREATE TABLE tweetlda.drift_history (
    id bigserial PRIMARY KEY,
    checked_at timestamptz NOT NULL DEFAULT pg_catalog.now(),
    model_id integer NOT NULL,
    recent interval NOT NULL,
    drifted boolean NOT NULL,
    figures jsonb NOT NULL DEFAULT '{}'
);
COMMENT ON TABLE tweetlda.drift_history IS
    'every drift check of a model: the window, the figures and the drifted verdict';
CREATE INDEX drift_history_model_checked_idx ON tweetlda.drift_history (model_id, checked_at);
SELECT pg_catalog.pg_extension_config_dump('tweetlda.drift_history', '');
SELECT pg_catalog.pg_extension_config_dump('tweetlda.drift_history_id_seq', '');

-- ---- incremental update ----
-- tweetlda.lda_update(model, doc [, lang], params [, fit]): online variational Bayes goes on from
-- the model's topic-word parameters on new tweets (doc/lifecycle.md, "Incremental updates").
-- params keys: max_iter, seed, min_df, max_df, max_terms (the rest is the model's).  The state
-- is the one of lda_from_text (same combine, serialize and deserialize functions).
CREATE FUNCTION tweetlda.lda_update_transfn(internal, tweetlda.lda_model, text, jsonb) RETURNS internal
    AS 'MODULE_PATHNAME', 'lda_update_transfn'
    LANGUAGE C STABLE CALLED ON NULL INPUT PARALLEL SAFE;

CREATE FUNCTION tweetlda.lda_update_transfn(internal, tweetlda.lda_model, text, text, jsonb) RETURNS internal
    AS 'MODULE_PATHNAME', 'lda_update_transfn'
    LANGUAGE C STABLE CALLED ON NULL INPUT PARALLEL SAFE;

CREATE FUNCTION tweetlda.lda_update_transfn(internal, tweetlda.lda_model, text, text, jsonb, boolean)
    RETURNS internal
    AS 'MODULE_PATHNAME', 'lda_update_transfn'
    LANGUAGE C STABLE CALLED ON NULL INPUT PARALLEL SAFE;

-- Volatile: the model records when it was updated and the update reports progress.
CREATE FUNCTION tweetlda.lda_update_finalfn(internal) RETURNS tweetlda.lda_model
    AS 'MODULE_PATHNAME', 'lda_update_finalfn'
    LANGUAGE C VOLATILE CALLED ON NULL INPUT PARALLEL SAFE;

CREATE AGGREGATE tweetlda.lda_update(model tweetlda.lda_model, doc text, params jsonb) (
    SFUNC        = tweetlda.lda_update_transfn,
    STYPE        = internal,
    FINALFUNC    = tweetlda.lda_update_finalfn,
    COMBINEFUNC  = tweetlda.lda_combinefn,
    SERIALFUNC   = tweetlda.lda_serialfn,
    DESERIALFUNC = tweetlda.lda_deserialfn,
    PARALLEL     = SAFE
);

CREATE AGGREGATE tweetlda.lda_update(model tweetlda.lda_model, doc text, lang text, params jsonb) (
    SFUNC        = tweetlda.lda_update_transfn,
    STYPE        = internal,
    FINALFUNC    = tweetlda.lda_update_finalfn,
    COMBINEFUNC  = tweetlda.lda_combinefn,
    SERIALFUNC   = tweetlda.lda_serialfn,
    DESERIALFUNC = tweetlda.lda_deserialfn,
    PARALLEL     = SAFE
);

-- The same, where rows with fit false count for the vocabulary but are not trained on (the
-- held-out slice of update_model()).
CREATE AGGREGATE tweetlda.lda_update(model tweetlda.lda_model, doc text, lang text, params jsonb,
                                     fit boolean) (
    SFUNC        = tweetlda.lda_update_transfn,
    STYPE        = internal,
    FINALFUNC    = tweetlda.lda_update_finalfn,
    COMBINEFUNC  = tweetlda.lda_combinefn,
    SERIALFUNC   = tweetlda.lda_serialfn,
    DESERIALFUNC = tweetlda.lda_deserialfn,
    PARALLEL     = SAFE
);

-- Update the model with this name (any version) on the tweets of source (one text column, or the
-- text and its language, as for train()) and store the result as the next version of its family
-- (origin 'update', parent the model updated); returns the new model's id.  The model updated
-- stays (rollback: activate() it).  The new version is not activated (unless no model is active,
-- as for every stored model): call activate().  max_iter NULL: the model's number of passes over
-- the new tweets; max_terms, seed, min_df, max_df NULL: the model's training parameters.
-- holdout as for train(): up to that many of the new tweets (a hash slice) are held out to
-- measure the quality figures of the new version.  No new tweet is an error.
CREATE FUNCTION tweetlda.update_model(
    name text,
    source text,
    max_iter integer DEFAULT NULL,
    max_terms integer DEFAULT NULL,
    seed bigint DEFAULT NULL,
    min_df double precision DEFAULT NULL,
    max_df double precision DEFAULT NULL,
    holdout integer DEFAULT 2000) RETURNS integer
    LANGUAGE plpgsql VOLATILE PARALLEL UNSAFE
AS $$
DECLARE
    base_id integer;
    base_family text;
    base_params jsonb;
    base_model tweetlda.lda_model;
    has_lang boolean;
    p jsonb;
    result tweetlda.lda_model;
    quality jsonb;
    cut_h bigint;
    cut_doc text;
    heldout_filter text := 'false';
    source_alias text;
BEGIN
    IF update_model.name IS NULL OR update_model.source IS NULL THEN
        RAISE EXCEPTION 'name and source of tweetlda.update_model() must not be NULL'
            USING ERRCODE = 'null_value_not_allowed';
    END IF;
    SELECT m.id, m.family, m.params, m.model INTO base_id, base_family, base_params, base_model
    FROM tweetlda.models m WHERE m.name OPERATOR(pg_catalog.=) update_model.name;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'LDA model "%" does not exist', update_model.name
            USING ERRCODE = 'undefined_object', HINT = 'Models are listed in tweetlda.models.';
    END IF;
    IF update_model.holdout IS NULL OR update_model.holdout OPERATOR(pg_catalog.<) 0 THEN
        RAISE EXCEPTION 'holdout must be a number of documents >= 0'
            USING ERRCODE = 'invalid_parameter_value',
                  HINT = '0 updates on every document and measures no quality figures.';
    END IF;
    -- the update's parameters: given, else the model's training parameters (else the defaults)
    p := pg_catalog.jsonb_strip_nulls(pg_catalog.jsonb_build_object(
        'max_iter', update_model.max_iter,
        'seed', coalesce(update_model.seed::numeric, (base_params OPERATOR(pg_catalog.->>) 'seed')::numeric),
        'min_df', coalesce(update_model.min_df::numeric, (base_params OPERATOR(pg_catalog.->>) 'min_df')::numeric),
        'max_df', coalesce(update_model.max_df::numeric, (base_params OPERATOR(pg_catalog.->>) 'max_df')::numeric),
        'max_terms', coalesce(update_model.max_terms::numeric, (base_params OPERATOR(pg_catalog.->>) 'max_terms')::numeric)));
    has_lang := tweetlda.lda_check_training_source(update_model.source);
    source_alias := CASE WHEN has_lang THEN 's(doc, lang)' ELSE 's(doc)' END;
    -- the held-out slice, as train_model() chooses it: text hash 0 modulo 20, the lowest hashes
    IF update_model.holdout OPERATOR(pg_catalog.>) 0 THEN
        EXECUTE pg_catalog.format(
            'SELECT h, doc FROM (SELECT pg_catalog.hashtextextended(s.doc::text, 10) AS h, s.doc::text AS doc FROM (%s) AS %s) AS q '
            'WHERE h OPERATOR(pg_catalog.%%) 20 OPERATOR(pg_catalog.=) 0 '
            'ORDER BY h, doc COLLATE "C" OFFSET %s LIMIT 1', update_model.source, source_alias,
            update_model.holdout OPERATOR(pg_catalog.-) 1)
            INTO cut_h, cut_doc;
        heldout_filter := CASE WHEN cut_h IS NULL THEN
            'pg_catalog.hashtextextended(s.doc::text, 10) OPERATOR(pg_catalog.%) 20 OPERATOR(pg_catalog.=) 0'
        ELSE pg_catalog.format(
            '(pg_catalog.hashtextextended(s.doc::text, 10) OPERATOR(pg_catalog.%%) 20 OPERATOR(pg_catalog.=) 0 AND '
            '(pg_catalog.hashtextextended(s.doc::text, 10), s.doc::text COLLATE "C") OPERATOR(pg_catalog.<=) (%s::bigint, %L COLLATE "C"))',
            cut_h, cut_doc) END;
    END IF;
    EXECUTE pg_catalog.format('SELECT tweetlda.lda_update($1, s.doc, %s, $2, (%s) IS NOT TRUE) FROM (%s) AS %s',
                              CASE WHEN has_lang THEN 's.lang' ELSE 'NULL::text' END,
                              heldout_filter, update_model.source, source_alias)
        INTO result USING base_model, p;
    IF update_model.holdout OPERATOR(pg_catalog.>) 0 THEN
        EXECUTE pg_catalog.format('SELECT tweetlda.lda_evaluation($1, s.doc%s) FROM (%s) AS %s WHERE %s',
                                  CASE WHEN has_lang THEN ', s.lang' ELSE '' END,
                                  update_model.source, source_alias, heldout_filter)
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
    RETURN tweetlda.store_model(NULL, result, base_params, family => base_family,
                                parent => base_id, origin => 'update');
END;
$$;
-- ---- end of incremental update ----
