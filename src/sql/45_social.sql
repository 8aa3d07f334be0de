-- tweetlda install script, part 45: the lexicons of the 'social' sentiment analyzer.
-- Both tables are user-editable: insert, update or delete rows and the next statement in every
-- session uses the new values (the trigger makes each backend drop its cached copy).

-- Words, slang, emoticons and phrases (up to a few words separated by single spaces) with their
-- valence on VADER's scale, -4 (most negative) to 4 (most positive). Tokens are looked up
-- lowercased, as the analyzer normalizes them.
CREATE TABLE tweetlda.social_lexicon (
    token   text PRIMARY KEY
            CONSTRAINT social_lexicon_token_check CHECK (
                token <> '' AND octet_length(token) <= 100
                AND token = lower(token)
                AND token = btrim(token, ' ')
                AND strpos(token, '  ') = 0
                AND token !~ '[\t\n\r]'),
    valence float8 NOT NULL
            CONSTRAINT social_lexicon_valence_check CHECK (valence BETWEEN -4 AND 4),
    source  text NOT NULL DEFAULT 'user'
);
COMMENT ON TABLE tweetlda.social_lexicon IS
    'Lexicon of the social sentiment analyzer: VADER (MIT), tweetlda additions and user entries';

-- Emoji (one or more code points, matched longest first) with their valence on the same scale.
CREATE TABLE tweetlda.social_emoji (
    emoji       text PRIMARY KEY
                CONSTRAINT social_emoji_emoji_check CHECK (
                    octet_length(emoji) BETWEEN 2 AND 100 AND ascii(emoji) > 127),
    description text NOT NULL DEFAULT '',
    valence     float8 NOT NULL
                CONSTRAINT social_emoji_valence_check CHECK (valence BETWEEN -4 AND 4),
    source      text NOT NULL DEFAULT 'user'
);
COMMENT ON TABLE tweetlda.social_emoji IS
    'Emoji of the social sentiment analyzer: VADER''s emoji descriptions (MIT) with valences';

-- @load data/vader_lexicon.tsv INTO tweetlda.social_lexicon (token, valence, source)
-- @load data/social_extra.tsv INTO tweetlda.social_lexicon (token, valence, source)
-- @load data/vader_emoji.tsv INTO tweetlda.social_emoji (emoji, description, valence, source)

CREATE TRIGGER social_lexicon_changed
    AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON tweetlda.social_lexicon
    FOR EACH STATEMENT EXECUTE FUNCTION tweetlda.table_changed();
CREATE TRIGGER social_emoji_changed
    AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON tweetlda.social_emoji
    FOR EACH STATEMENT EXECUTE FUNCTION tweetlda.table_changed();

-- User rows (source 'user') are kept by pg_dump; the rows shipped with the extension are
-- recreated by CREATE EXTENSION.
SELECT pg_catalog.pg_extension_config_dump('tweetlda.social_lexicon', 'WHERE source = ''user''');
SELECT pg_catalog.pg_extension_config_dump('tweetlda.social_emoji', 'WHERE source = ''user''');

-- The tokens of the social analyzer and what each contributes to the polarity: a debugging aid
-- (valence is NULL for tokens without sentiment; rules lists what changed a token's valence).
CREATE FUNCTION tweetlda.social_explain(doc text,
    OUT pos int, OUT token text, OUT kind text, OUT valence float8, OUT rules text)
    RETURNS SETOF record
    AS 'MODULE_PATHNAME', 'social_explain'
    LANGUAGE C STABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION tweetlda.social_explain(text) IS
    'Tokens of the social sentiment analyzer with their contributions and the rules applied';
