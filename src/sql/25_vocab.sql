-- tweetlda install script, part 25: the vocabulary type tweetlda.vocab, the aggregate
-- tweetlda.vocabulary (Spark CountVectorizer semantics), tf / tfidf term vectors (doc/vectors.md).

CREATE TYPE tweetlda.vocab;

CREATE FUNCTION tweetlda.vocab_in(cstring) RETURNS tweetlda.vocab
    AS 'MODULE_PATHNAME', 'vocab_in'
    LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE FUNCTION tweetlda.vocab_out(tweetlda.vocab) RETURNS cstring
    AS 'MODULE_PATHNAME', 'vocab_out'
    LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE FUNCTION tweetlda.vocab_recv(internal) RETURNS tweetlda.vocab
    AS 'MODULE_PATHNAME', 'vocab_recv'
    LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE FUNCTION tweetlda.vocab_send(tweetlda.vocab) RETURNS bytea
    AS 'MODULE_PATHNAME', 'vocab_send'
    LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE TYPE tweetlda.vocab (
    INPUT     = tweetlda.vocab_in,
    OUTPUT    = tweetlda.vocab_out,
    RECEIVE   = tweetlda.vocab_recv,
    SEND      = tweetlda.vocab_send,
    ALIGNMENT = double,
    STORAGE   = extended
);

COMMENT ON TYPE tweetlda.vocab IS
    'vocabulary: terms with document frequencies and the number of documents; text form {"documents": N, "terms": [["term", df], ...]}';

CREATE FUNCTION tweetlda.vocab_size(tweetlda.vocab) RETURNS integer
    AS 'MODULE_PATHNAME', 'vocab_size'
    LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE FUNCTION tweetlda.vocab_documents(tweetlda.vocab) RETURNS bigint
    AS 'MODULE_PATHNAME', 'vocab_documents'
    LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE FUNCTION tweetlda.vocab_terms(vocab tweetlda.vocab,
        OUT term_id integer, OUT term text, OUT df bigint, OUT idf double precision)
    RETURNS SETOF record
    AS 'MODULE_PATHNAME', 'vocab_terms'
    LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE ROWS 1000;

CREATE FUNCTION tweetlda.tf(tokens text[], vocab tweetlda.vocab) RETURNS tweetlda.termvec
    AS 'MODULE_PATHNAME', 'vocab_tf'
    LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE FUNCTION tweetlda.tfidf(tokens text[], vocab tweetlda.vocab) RETURNS tweetlda.termvec
    AS 'MODULE_PATHNAME', 'vocab_tfidf'
    LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

-- The aggregate's support functions (state type internal, serialized for parallel workers).
CREATE FUNCTION tweetlda.vocabulary_transfn(internal, text[]) RETURNS internal
    AS 'MODULE_PATHNAME', 'vocabulary_transfn'
    LANGUAGE C IMMUTABLE CALLED ON NULL INPUT PARALLEL SAFE;

CREATE FUNCTION tweetlda.vocabulary_transfn(internal, text[], double precision, double precision, integer)
    RETURNS internal
    AS 'MODULE_PATHNAME', 'vocabulary_transfn'
    LANGUAGE C IMMUTABLE CALLED ON NULL INPUT PARALLEL SAFE;

CREATE FUNCTION tweetlda.vocabulary_combinefn(internal, internal) RETURNS internal
    AS 'MODULE_PATHNAME', 'vocabulary_combinefn'
    LANGUAGE C IMMUTABLE CALLED ON NULL INPUT PARALLEL SAFE;

CREATE FUNCTION tweetlda.vocabulary_serialfn(internal) RETURNS bytea
    AS 'MODULE_PATHNAME', 'vocabulary_serialfn'
    LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE FUNCTION tweetlda.vocabulary_deserialfn(bytea, internal) RETURNS internal
    AS 'MODULE_PATHNAME', 'vocabulary_deserialfn'
    LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE FUNCTION tweetlda.vocabulary_finalfn(internal) RETURNS tweetlda.vocab
    AS 'MODULE_PATHNAME', 'vocabulary_finalfn'
    LANGUAGE C IMMUTABLE CALLED ON NULL INPUT PARALLEL SAFE;

CREATE AGGREGATE tweetlda.vocabulary(tokens text[], min_df double precision,
                                     max_df double precision, max_terms integer) (
    SFUNC        = tweetlda.vocabulary_transfn,
    STYPE        = internal,
    FINALFUNC    = tweetlda.vocabulary_finalfn,
    COMBINEFUNC  = tweetlda.vocabulary_combinefn,
    SERIALFUNC   = tweetlda.vocabulary_serialfn,
    DESERIALFUNC = tweetlda.vocabulary_deserialfn,
    PARALLEL     = SAFE
);

CREATE AGGREGATE tweetlda.vocabulary(tokens text[]) (
    SFUNC        = tweetlda.vocabulary_transfn,
    STYPE        = internal,
    FINALFUNC    = tweetlda.vocabulary_finalfn,
    COMBINEFUNC  = tweetlda.vocabulary_combinefn,
    SERIALFUNC   = tweetlda.vocabulary_serialfn,
    DESERIALFUNC = tweetlda.vocabulary_deserialfn,
    PARALLEL     = SAFE
);
