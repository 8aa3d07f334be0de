-- tweetlda install script, part 00: the schema.
-- The schema "tweetlda" is named in tweetlda.control and created by CREATE EXTENSION when it
-- does not exist; as for every extension with a fixed schema, DROP EXTENSION leaves it (empty).

COMMENT ON SCHEMA tweetlda IS 'tweetlda: tweet topics (LDA) and sentiment';


-- Statement-level trigger function for user-editable tables (stopwords, lexicons, models):
-- it makes every backend drop its cached copy of the table, so that edits take effect for new
-- statements without reconnecting. Attach it with
--   CREATE TRIGGER ... AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON tweetlda.<table>
--   FOR EACH STATEMENT EXECUTE FUNCTION tweetlda.table_changed();
CREATE FUNCTION tweetlda.table_changed() RETURNS trigger
    AS 'MODULE_PATHNAME', 'table_changed'
    LANGUAGE C VOLATILE CALLED ON NULL INPUT PARALLEL UNSAFE;

-- Every role may use the schema; tables grant their own privileges (least privilege), and
-- functions are executable by PUBLIC as usual.
GRANT USAGE ON SCHEMA tweetlda TO PUBLIC;
