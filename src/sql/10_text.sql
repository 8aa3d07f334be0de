-- tweetlda install script, part 10: the text pipeline (text configuration, tokenize, stem,
-- languages, stopwords). Reference: doc/text.md.

-- Stopwords removed by tokenize(), per libstemmer language, plus the tweet noise words under
-- the language 'twitter'. User-editable: edits take effect for new statements in every session
-- (the trigger below invalidates each backend's cached copy). Rows shipped with the extension
-- have builtin = true; rows added by users (builtin = false) are included in pg_dump.
CREATE TABLE tweetlda.stopwords (
    language text NOT NULL,
    word text NOT NULL,
    builtin boolean NOT NULL DEFAULT true,
    PRIMARY KEY (language, word),
    CONSTRAINT stopwords_word_check
        CHECK (word OPERATOR(pg_catalog.<>) '' AND pg_catalog.octet_length(word) OPERATOR(pg_catalog.<=) 1024)
);
COMMENT ON TABLE tweetlda.stopwords IS
    'words removed by tweetlda.tokenize, per language; language ''twitter'' holds tweet noise words';

-- @load data/stopwords.tsv INTO tweetlda.stopwords (language, word)
ALTER TABLE tweetlda.stopwords ALTER COLUMN builtin SET DEFAULT false;

-- pg_dump saves the rows users added; the built-in rows come back with CREATE EXTENSION.
SELECT pg_catalog.pg_extension_config_dump('tweetlda.stopwords', 'WHERE NOT builtin');

CREATE TRIGGER stopwords_changed
    AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON tweetlda.stopwords
    FOR EACH STATEMENT EXECUTE FUNCTION tweetlda.table_changed();

-- Every language (Snowball algorithm) that libstemmer offers.
CREATE FUNCTION tweetlda.languages() RETURNS SETOF text
    AS 'MODULE_PATHNAME', 'tweetlda_languages'
    LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE ROWS 30;

-- A complete, validated text configuration (jsonb) for tokenize() and the models.
CREATE FUNCTION tweetlda.text_config(
    language text DEFAULT 'auto',
    min_length integer DEFAULT 2,
    max_length integer DEFAULT 40,
    stopwords boolean DEFAULT true,
    noise_words boolean DEFAULT true,
    stem boolean DEFAULT true,
    split_hashtags boolean DEFAULT false,
    languages text[] DEFAULT NULL) RETURNS jsonb
    AS 'MODULE_PATHNAME', 'tweetlda_text_config'
    LANGUAGE C IMMUTABLE CALLED ON NULL INPUT PARALLEL SAFE;
COMMENT ON FUNCTION tweetlda.text_config(text, integer, integer, boolean, boolean, boolean, boolean, text[]) IS
    'text configuration; language ''auto'' tokenizes each tweet in its own language, languages (ISO codes) keeps only those tweets';

-- Validate and complete a text configuration given as jsonb (missing keys take defaults).
-- Not an overload of text_config: a string literal would resolve to the language variant.
CREATE FUNCTION tweetlda.validate_text_config(config jsonb) RETURNS jsonb
    AS 'MODULE_PATHNAME', 'tweetlda_text_config_jsonb'
    LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

-- The tokens of a tweet, with the default configuration of a language ('auto': the tweet's own
-- language, detected).
CREATE FUNCTION tweetlda.tokenize(doc text, language text DEFAULT 'auto') RETURNS text[]
    AS 'MODULE_PATHNAME', 'tweetlda_tokenize'
    LANGUAGE C STABLE STRICT PARALLEL SAFE;

-- The tokens of a tweet, with a text configuration (see text_config).
CREATE FUNCTION tweetlda.tokenize(doc text, config jsonb) RETURNS text[]
    AS 'MODULE_PATHNAME', 'tweetlda_tokenize_config'
    LANGUAGE C STABLE STRICT PARALLEL SAFE;

-- A configuration frozen with a snapshot of the current stopwords (what a model stores):
-- tokenize(doc, frozen) tokenizes identically whatever later happens to tweetlda.stopwords.
CREATE FUNCTION tweetlda.text_config_freeze(config jsonb) RETURNS bytea
    AS 'MODULE_PATHNAME', 'tweetlda_text_config_freeze'
    LANGUAGE C STABLE STRICT PARALLEL SAFE;

-- The options of a frozen configuration (every byte validated).
CREATE FUNCTION tweetlda.text_config_thaw(frozen bytea) RETURNS jsonb
    AS 'MODULE_PATHNAME', 'tweetlda_text_config_thaw'
    LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

-- The stopword snapshot of a frozen configuration.
CREATE FUNCTION tweetlda.text_config_stopwords(frozen bytea) RETURNS text[]
    AS 'MODULE_PATHNAME', 'tweetlda_text_config_stopwords'
    LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

-- The tokens of a tweet, with a frozen configuration (no table access).
CREATE FUNCTION tweetlda.tokenize(doc text, frozen bytea) RETURNS text[]
    AS 'MODULE_PATHNAME', 'tweetlda_tokenize_frozen'
    LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

-- The tokens of a tweet whose language is given as its lang field ('en', 'pt-BR', 'und'; NULL or
-- '' to detect it): with language 'auto' it picks the stopwords and stemmer, with a languages
-- restriction it decides whether the tweet gives tokens at all; a fixed language ignores it.
CREATE FUNCTION tweetlda.tokenize(doc text, language text, lang text) RETURNS text[]
    AS 'MODULE_PATHNAME', 'tweetlda_tokenize_lang'
    LANGUAGE C STABLE CALLED ON NULL INPUT PARALLEL SAFE;

CREATE FUNCTION tweetlda.tokenize(doc text, config jsonb, lang text) RETURNS text[]
    AS 'MODULE_PATHNAME', 'tweetlda_tokenize_config_lang'
    LANGUAGE C STABLE CALLED ON NULL INPUT PARALLEL SAFE;

CREATE FUNCTION tweetlda.tokenize(doc text, frozen bytea, lang text) RETURNS text[]
    AS 'MODULE_PATHNAME', 'tweetlda_tokenize_frozen_lang'
    LANGUAGE C IMMUTABLE CALLED ON NULL INPUT PARALLEL SAFE;

-- The Snowball stem of one (lowercased) word.
CREATE FUNCTION tweetlda.stem(word text, language text DEFAULT 'english') RETURNS text
    AS 'MODULE_PATHNAME', 'tweetlda_stem'
    LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
