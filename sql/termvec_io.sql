-- tweetlda.termvec: text input and output, normalization, every malformed input.
SET client_min_messages = warning;
CREATE EXTENSION IF NOT EXISTS tweetlda;
RESET client_min_messages;
SET search_path = tweetlda, public;

-- Round trips; indices are 1-based; whitespace is allowed between tokens.
SELECT '{1:1.5,3:2}/5'::termvec;
SELECT ' { 1 : 1.5 , 3 : -2e-3 } / 5 '::termvec;
SELECT '{}/5'::termvec, '{ }/1'::termvec;
-- A dimension of 0 is the vector of an empty vocabulary.
SELECT '{}/0'::termvec;
-- Unsorted input is sorted (as pgvector's sparsevec); zeros are validated, then dropped.
SELECT '{5:3,1:1,3:2}/5'::termvec;
SELECT '{1:0,2:1,3:-0}/3'::termvec;
-- float4 precision: the shortest text that reads back the same float4.
SELECT '{1:0.1,2:3.4028235e38,3:1.4e-45}/3'::termvec;
SELECT '{1:0.1,2:3.4028235e38,3:1.4e-45}/3'::termvec::text::termvec = '{1:0.1,2:3.4028235e38,3:1.4e-45}/3'::termvec;
SELECT NULL::termvec;

-- Malformed text: SQLSTATE 22P02 with the position.
\set VERBOSITY default
SELECT ''::termvec;
SELECT '1:1}/5'::termvec;
SELECT '{1:1/5'::termvec;
SELECT '{1:1}'::termvec;
SELECT '{1:1}/'::termvec;
SELECT '{1:1}/5x'::termvec;
SELECT '{1:1}/5/5'::termvec;
SELECT '{a:1}/5'::termvec;
SELECT '{1.5:1}/5'::termvec;
SELECT '{1:}/5'::termvec;
SELECT '{1 1}/5'::termvec;
SELECT '{1:1,}/5'::termvec;
SELECT '{,}/5'::termvec;
SELECT '{1:1;2:2}/5'::termvec;
SELECT '{1:x}/5'::termvec;
SELECT '{1:1}/five'::termvec;
-- Positions count characters, not bytes.
SELECT '{é:1}/5'::termvec;
\set VERBOSITY sqlstate
SELECT '{1:1,}/5'::termvec;
\set VERBOSITY default

-- Bad indices: 0, negative, beyond the dimension, duplicated.
SELECT '{0:1}/5'::termvec;
SELECT '{-1:1}/5'::termvec;
SELECT '{6:1}/5'::termvec;
SELECT '{1:1}/0'::termvec;
SELECT '{99999999999999999999:1}/5'::termvec;
SELECT '{1:1,2:1,1:2}/5'::termvec;
SELECT '{2:0,2:0}/5'::termvec;
-- Non-finite and out-of-range values.
SELECT '{1:NaN}/5'::termvec;
SELECT '{1:Infinity}/5'::termvec;
SELECT '{1:-inf}/5'::termvec;
SELECT '{1:1e39}/5'::termvec;
SELECT '{1:1e-50}/5'::termvec;
-- Dimension limits.
SELECT '{}/-1'::termvec;
SELECT '{}/1000000000'::termvec;
SELECT '{}/1000000001'::termvec;
SELECT '{}/99999999999999999999'::termvec;
-- Element limit: 1,000,000 elements work, one more is refused before anything is allocated.
SELECT nnz(('{' || string_agg(i || ':1', ',') || '}/1000000')::termvec) FROM generate_series(1, 1000000) i;
SELECT ('{' || string_agg(i || ':1', ',') || '}/2000000')::termvec FROM generate_series(1, 1000001) i;

-- The SQLSTATEs.
DO $$
DECLARE
    lit text;
BEGIN
    FOREACH lit IN ARRAY ARRAY['{1:1', '{0:1}/5', '{1:NaN}/5', '{}/1000000001', '{1:1e39}/5'] LOOP
        BEGIN
            PERFORM lit::tweetlda.termvec;
        EXCEPTION WHEN OTHERS THEN
            RAISE NOTICE '% -> %', lit, SQLSTATE;
        END;
    END LOOP;
END
$$;
