-- tweetlda install script, part 40: sentiment (doc/sentiment.md).

-- The result of tweetlda.sentiment().
CREATE TYPE tweetlda.sentiment_score AS (
    polarity     float8,    -- -1 (negative) .. 1 (positive)
    subjectivity float8     -- 0 (objective) .. 1 (subjective)
);
COMMENT ON TYPE tweetlda.sentiment_score IS 'polarity in [-1, 1] and subjectivity in [0, 1] of a text';

-- The lexicon of the 'textblob' analyzer: pattern's en-sentiment.xml, one row per word sense,
-- in file order (id). Users extend it with their own rows (builtin = false); the user rows of a
-- word replace its built-in rows. Changes take effect for the next statement in every session.
CREATE SEQUENCE tweetlda.sentiment_lexicon_id_seq AS bigint;
CREATE TABLE tweetlda.sentiment_lexicon (
    id           bigint PRIMARY KEY DEFAULT nextval('tweetlda.sentiment_lexicon_id_seq'),
    word         text NOT NULL CHECK (length(word) BETWEEN 1 AND 100),
    pos          text,
    polarity     float8 NOT NULL CHECK (polarity BETWEEN -1 AND 1),
    subjectivity float8 NOT NULL CHECK (subjectivity BETWEEN 0 AND 1),
    intensity    float8 NOT NULL DEFAULT 1.0 CHECK (intensity > 0 AND intensity <= 10),
    label        text,
    wordnet_id   text,
    sense        text,
    builtin      boolean NOT NULL DEFAULT true     -- false for user rows (the default after the load below)
);
ALTER SEQUENCE tweetlda.sentiment_lexicon_id_seq OWNED BY tweetlda.sentiment_lexicon.id;
COMMENT ON TABLE tweetlda.sentiment_lexicon IS
    'word senses of the textblob analyzer (pattern en-sentiment.xml, BSD-3); rows with builtin = false are user rows and replace the built-in rows of their word';
CREATE INDEX sentiment_lexicon_word_idx ON tweetlda.sentiment_lexicon (word);

-- @load data/en-sentiment.tsv INTO tweetlda.sentiment_lexicon (id, word, pos, polarity, subjectivity, intensity, label, wordnet_id, sense)
ALTER TABLE tweetlda.sentiment_lexicon ALTER COLUMN builtin SET DEFAULT false;
SELECT pg_catalog.setval('tweetlda.sentiment_lexicon_id_seq', 1000000);

-- pg_dump keeps the user rows (the built-in rows come back with CREATE EXTENSION) and the
-- sequence; edits of built-in rows are not kept: override a word with user rows instead.
SELECT pg_catalog.pg_extension_config_dump('tweetlda.sentiment_lexicon', 'WHERE NOT builtin');
SELECT pg_catalog.pg_extension_config_dump('tweetlda.sentiment_lexicon_id_seq', '');

-- Every user who may call the sentiment functions reads the lexicon; who may edit it is up to
-- the administrator (GRANT INSERT, UPDATE, DELETE ON tweetlda.sentiment_lexicon TO ...).
GRANT SELECT ON tweetlda.sentiment_lexicon TO PUBLIC;

CREATE TRIGGER sentiment_lexicon_changed
    AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON tweetlda.sentiment_lexicon
    FOR EACH STATEMENT EXECUTE FUNCTION tweetlda.table_changed();

-- Score a text: (polarity, subjectivity). STABLE: the textblob analyzer reads the lexicon table.
CREATE FUNCTION tweetlda.sentiment(doc text, analyzer text DEFAULT 'textblob')
    RETURNS tweetlda.sentiment_score
    AS 'MODULE_PATHNAME', 'sentiment'
    LANGUAGE C STABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION tweetlda.sentiment(text, text) IS
    'sentiment of a text: (polarity in [-1, 1], subjectivity in [0, 1]); analyzers: see tweetlda.analyzers()';

CREATE FUNCTION tweetlda.polarity(doc text, analyzer text DEFAULT 'textblob')
    RETURNS float8
    AS 'MODULE_PATHNAME', 'sentiment_polarity'
    LANGUAGE C STABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION tweetlda.polarity(text, text) IS 'polarity of a text in [-1, 1]';

CREATE FUNCTION tweetlda.subjectivity(doc text, analyzer text DEFAULT 'textblob')
    RETURNS float8
    AS 'MODULE_PATHNAME', 'sentiment_subjectivity'
    LANGUAGE C STABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION tweetlda.subjectivity(text, text) IS 'subjectivity of a text in [0, 1]';

-- 'positive' when polarity >= positive_threshold, 'negative' when polarity <= negative_threshold,
-- else 'neutral' (the defaults are VADER's conventional +-0.05).
CREATE FUNCTION tweetlda.sentiment_label(polarity float8,
                                         positive_threshold float8 DEFAULT 0.05,
                                         negative_threshold float8 DEFAULT -0.05)
    RETURNS text
    AS 'MODULE_PATHNAME', 'sentiment_label'
    LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION tweetlda.sentiment_label(float8, float8, float8) IS
    'positive / neutral / negative label of a polarity';

CREATE FUNCTION tweetlda.analyzers(OUT name text, OUT description text)
    RETURNS SETOF record
    AS 'MODULE_PATHNAME', 'sentiment_analyzers_list'
    LANGUAGE C STABLE STRICT PARALLEL SAFE ROWS 2;
COMMENT ON FUNCTION tweetlda.analyzers() IS 'the sentiment analyzers';

-- The textblob analyzer's assessments of a text, as TextBlob's sentiment_assessments: one row per
-- assessment (the words it covers, its polarity and subjectivity, its label: 'mood' for
-- emoticons, 'irony' for "(!)", or the lexicon's label). sentiment() is the mean of these rows.
CREATE FUNCTION tweetlda.textblob_assessments(doc text, OUT words text[], OUT polarity float8,
                                              OUT subjectivity float8, OUT label text)
    RETURNS SETOF record
    AS 'MODULE_PATHNAME', 'textblob_assessments'
    LANGUAGE C STABLE STRICT PARALLEL SAFE ROWS 5;
COMMENT ON FUNCTION tweetlda.textblob_assessments(text) IS
    'the assessments behind the textblob analyzer''s score of a text (TextBlob''s sentiment_assessments)';
