-- tweetlda install script, part 20: the sparse term vector type tweetlda.termvec
-- (doc/vectors.md). Text form {index:value,...}/dim with 1-based indices, as pgvector's sparsevec.

CREATE TYPE tweetlda.termvec;

CREATE FUNCTION tweetlda.termvec_in(cstring, oid, integer) RETURNS tweetlda.termvec
    AS 'MODULE_PATHNAME', 'termvec_in'
    LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE FUNCTION tweetlda.termvec_out(tweetlda.termvec) RETURNS cstring
    AS 'MODULE_PATHNAME', 'termvec_out'
    LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE FUNCTION tweetlda.termvec_typmod_in(cstring[]) RETURNS integer
    AS 'MODULE_PATHNAME', 'termvec_typmod_in'
    LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE FUNCTION tweetlda.termvec_recv(internal, oid, integer) RETURNS tweetlda.termvec
    AS 'MODULE_PATHNAME', 'termvec_recv'
    LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE FUNCTION tweetlda.termvec_send(tweetlda.termvec) RETURNS bytea
    AS 'MODULE_PATHNAME', 'termvec_send'
    LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE TYPE tweetlda.termvec (
    INPUT     = tweetlda.termvec_in,
    OUTPUT    = tweetlda.termvec_out,
    TYPMOD_IN = tweetlda.termvec_typmod_in,
    RECEIVE   = tweetlda.termvec_recv,
    SEND      = tweetlda.termvec_send,
    STORAGE   = external
);

COMMENT ON TYPE tweetlda.termvec IS 'sparse term vector {index:value,...}/dim (1-based indices)';

-- Length coercion: checks the dimension against the type modifier termvec(dim).
CREATE FUNCTION tweetlda.termvec(tweetlda.termvec, integer, boolean) RETURNS tweetlda.termvec
    AS 'MODULE_PATHNAME', 'termvec'
    LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE FUNCTION tweetlda.array_to_termvec(real[], integer, boolean) RETURNS tweetlda.termvec
    AS 'MODULE_PATHNAME', 'array_to_termvec'
    LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE FUNCTION tweetlda.array_to_termvec(double precision[], integer, boolean) RETURNS tweetlda.termvec
    AS 'MODULE_PATHNAME', 'array_to_termvec'
    LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE FUNCTION tweetlda.array_to_termvec(integer[], integer, boolean) RETURNS tweetlda.termvec
    AS 'MODULE_PATHNAME', 'array_to_termvec'
    LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE FUNCTION tweetlda.termvec_to_float4(tweetlda.termvec, integer, boolean) RETURNS real[]
    AS 'MODULE_PATHNAME', 'termvec_to_float4'
    LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE FUNCTION tweetlda.termvec_to_float8(tweetlda.termvec, integer, boolean) RETURNS double precision[]
    AS 'MODULE_PATHNAME', 'termvec_to_float8'
    LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE FUNCTION tweetlda.dims(tweetlda.termvec) RETURNS integer
    AS 'MODULE_PATHNAME', 'termvec_dims'
    LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE FUNCTION tweetlda.nnz(tweetlda.termvec) RETURNS integer
    AS 'MODULE_PATHNAME', 'termvec_nnz'
    LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE FUNCTION tweetlda.l2_norm(tweetlda.termvec) RETURNS double precision
    AS 'MODULE_PATHNAME', 'termvec_l2_norm'
    LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE FUNCTION tweetlda.inner_product(tweetlda.termvec, tweetlda.termvec) RETURNS double precision
    AS 'MODULE_PATHNAME', 'termvec_inner_product'
    LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE FUNCTION tweetlda.cosine_similarity(tweetlda.termvec, tweetlda.termvec) RETURNS double precision
    AS 'MODULE_PATHNAME', 'termvec_cosine_similarity'
    LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE FUNCTION tweetlda.termvec_elements(tweetlda.termvec, OUT index integer, OUT value real)
    RETURNS SETOF record
    AS 'MODULE_PATHNAME', 'termvec_elements'
    LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE ROWS 20;

CREATE FUNCTION tweetlda.termvec_eq(tweetlda.termvec, tweetlda.termvec) RETURNS boolean
    AS 'MODULE_PATHNAME', 'termvec_eq'
    LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE FUNCTION tweetlda.termvec_ne(tweetlda.termvec, tweetlda.termvec) RETURNS boolean
    AS 'MODULE_PATHNAME', 'termvec_ne'
    LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE FUNCTION tweetlda.termvec_hash(tweetlda.termvec) RETURNS integer
    AS 'MODULE_PATHNAME', 'termvec_hash'
    LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE OPERATOR tweetlda.= (
    LEFTARG = tweetlda.termvec, RIGHTARG = tweetlda.termvec, PROCEDURE = tweetlda.termvec_eq,
    COMMUTATOR = OPERATOR(tweetlda.=), NEGATOR = OPERATOR(tweetlda.<>),
    RESTRICT = eqsel, JOIN = eqjoinsel, HASHES
);

CREATE OPERATOR tweetlda.<> (
    LEFTARG = tweetlda.termvec, RIGHTARG = tweetlda.termvec, PROCEDURE = tweetlda.termvec_ne,
    COMMUTATOR = OPERATOR(tweetlda.<>), NEGATOR = OPERATOR(tweetlda.=),
    RESTRICT = neqsel, JOIN = neqjoinsel
);

-- Hashing makes DISTINCT, GROUP BY, UNION and hash joins work on termvec.
CREATE OPERATOR CLASS tweetlda.termvec_hash_ops DEFAULT FOR TYPE tweetlda.termvec USING hash AS
    OPERATOR 1 tweetlda.=,
    FUNCTION 1 tweetlda.termvec_hash(tweetlda.termvec);

CREATE CAST (tweetlda.termvec AS tweetlda.termvec)
    WITH FUNCTION tweetlda.termvec(tweetlda.termvec, integer, boolean) AS IMPLICIT;

CREATE CAST (real[] AS tweetlda.termvec)
    WITH FUNCTION tweetlda.array_to_termvec(real[], integer, boolean) AS ASSIGNMENT;

CREATE CAST (double precision[] AS tweetlda.termvec)
    WITH FUNCTION tweetlda.array_to_termvec(double precision[], integer, boolean) AS ASSIGNMENT;

CREATE CAST (integer[] AS tweetlda.termvec)
    WITH FUNCTION tweetlda.array_to_termvec(integer[], integer, boolean) AS ASSIGNMENT;

CREATE CAST (tweetlda.termvec AS real[])
    WITH FUNCTION tweetlda.termvec_to_float4(tweetlda.termvec, integer, boolean);

CREATE CAST (tweetlda.termvec AS double precision[])
    WITH FUNCTION tweetlda.termvec_to_float8(tweetlda.termvec, integer, boolean);
