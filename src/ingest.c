/*
 * ingest.c
 *		Error-free parsing helpers for the ingest path: a batch of raw tweets must
 *		never stop on one bad record, so these functions report bad input as NULL
 *		(or an error message) instead of raising an error.  The table side
 *		(tweetlda.tweets, ingest(), ingest_batch(), retention) is SQL in
 *		src/sql/50_ingest.sql.
 */
#include "postgres.h"

#include <ctype.h>

#include "access/htup_details.h"
#include "catalog/pg_type.h"
#include "commands/trigger.h"
#include "executor/spi.h"
#include "common/jsonapi.h"
#include "fmgr.h"
#include "funcapi.h"
#include "mb/pg_wchar.h"
#include "lib/stringinfo.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/datetime.h"
#include "utils/fmgrprotos.h"
#include "utils/jsonb.h"
#include "utils/memutils.h"
#include "utils/numeric.h"
#include "utils/timestamp.h"

#include "tweetlda.h"

/*
 * Limits checked before the JSON parsers run: the core parsers raise errors
 * (stack depth, numeric overflow) that would abort a whole batch.
 */
#define INGEST_MAX_DEPTH		1000
#define INGEST_MAX_NUMBER_DIGITS	1000
#define INGEST_MAX_EXPONENT		1000
#define INGEST_MAX_TIMESTAMP_LEN	64

PG_FUNCTION_INFO_V1(ingest_parse_json);
PG_FUNCTION_INFO_V1(ingest_try_timestamptz);
PG_FUNCTION_INFO_V1(ingest_tweet_fields);
PG_FUNCTION_INFO_V1(ingest_parse_tweet);

/* Check one JSON number token starting at s; return its length, or -1 if it is out of range */
static int
CheckNumberToken(const char *s, int len)
{
	int			i = 0;
	int			digits = 0;
	long		exponent = 0;

	if (i < len && s[i] == '-')
		i++;
	while (i < len && (isdigit((unsigned char) s[i]) || s[i] == '.'))
	{
		if (s[i] != '.')
			digits++;
		i++;
	}
	if (i < len && (s[i] == 'e' || s[i] == 'E'))
	{
		i++;
		if (i < len && (s[i] == '+' || s[i] == '-'))
			i++;
		while (i < len && isdigit((unsigned char) s[i]))
		{
			if (exponent <= INGEST_MAX_EXPONENT)
				exponent = exponent * 10 + (s[i] - '0');
			i++;
		}
	}
	if (digits > INGEST_MAX_NUMBER_DIGITS || exponent > INGEST_MAX_EXPONENT)
		return -1;
	return i > 0 ? i : 1;
}

/* The value of 4 hex digits at s (the lexer checks that they are hex digits), or -1 */
static int
HexValue(const char *s, int len)
{
	int			v = 0;

	if (len < 4)
		return -1;
	for (int k = 0; k < 4; k++)
	{
		char		c = s[k];

		v <<= 4;
		if (c >= '0' && c <= '9')
			v |= c - '0';
		else if (c >= 'a' && c <= 'f')
			v |= c - 'a' + 10;
		else if (c >= 'A' && c <= 'F')
			v |= c - 'A' + 10;
		else
			return -1;
	}
	return v;
}

/*
 * Skip the JSON string starting at s[*pos] (the opening quote), checking the
 * \u escapes that jsonb cannot store but the lexer accepts when it does not
 * de-escape: \u0000, unpaired surrogates, and non-ASCII code points when the
 * database encoding is not UTF8.  Returns an error message or NULL.
 */
static const char *
CheckStringEscapes(const char *s, int len, int *pos)
{
	int			i = *pos + 1;
	bool		utf8 = GetDatabaseEncoding() == PG_UTF8;

	for (; i < len && s[i] != '"'; i++)
	{
		int			cp;

		if (s[i] != '\\')
			continue;
		i++;
		if (i >= len || s[i] != 'u')
			continue;
		cp = HexValue(s + i + 1, len - i - 1);
		if (cp < 0)
			continue;			/* a syntax error the lexer reports */
		i += 4;
		if (cp == 0)
			return "\\u0000 cannot be converted to text.";
		if (cp >= 0xDC00 && cp <= 0xDFFF)
			return "Unicode low surrogate must follow a high surrogate.";
		if (cp >= 0xD800 && cp <= 0xDBFF)
		{
			int			lo = (i + 2 < len && s[i + 1] == '\\' && s[i + 2] == 'u') ?
				HexValue(s + i + 3, len - i - 3) : -1;

			if (lo < 0xDC00 || lo > 0xDFFF)
				return "Unicode high surrogate must not follow a high surrogate or end the string.";
			i += 6;
		}
		if (cp > 0x7F && !utf8)
			return "Unicode escape values cannot be used for code points above 007F when the server encoding is not UTF8.";
	}
	*pos = i + 1;
	return NULL;
}

/*
 * Scan the text for nesting deeper than INGEST_MAX_DEPTH, for numbers that
 * numeric cannot hold and for \u escapes jsonb cannot store; return an error
 * message or NULL.  Brackets inside strings do not count.
 */
static const char *
PrecheckJson(const char *s, int len)
{
	int			depth = 0;
	int			i = 0;

	while (i < len)
	{
		char		c = s[i];

		if (c == '"')
		{
			const char *err = CheckStringEscapes(s, len, &i);

			if (err != NULL)
				return err;
		}
		else if (c == '[' || c == '{')
		{
			if (++depth > INGEST_MAX_DEPTH)
				return "JSON nesting is deeper than 1000 levels";
			i++;
		}
		else if (c == ']' || c == '}')
		{
			depth--;
			i++;
		}
		else if (c == '-' || isdigit((unsigned char) c))
		{
			int			n = CheckNumberToken(s + i, len - i);

			if (n < 0)
				return "JSON number is out of range";
			i += n;
		}
		else
			i++;
	}
	return NULL;
}

/*
 * Parse text as jsonb without raising an error for bad input: return the
 * document, or NULL and set *error to a message saying what is wrong.
 */
static Jsonb *
ParseJsonbNoError(text *raw, char **error)
{
	char	   *str = text_to_cstring(raw);
	int			len = strlen(str);
	JsonLexContext *lex;
	JsonParseErrorType result;
	const char *precheck;

	precheck = PrecheckJson(str, len);
	if (precheck != NULL)
	{
		*error = pstrdup(precheck);
		return NULL;
	}
	/* the escapes jsonb cannot store were checked above: validate without de-escaping */
	lex = makeJsonLexContextCstringLen(str, len, GetDatabaseEncoding(), false);
	result = pg_parse_json(lex, &nullSemAction);
	if (result != JSON_SUCCESS)
	{
		*error = json_errdetail(result, lex);
		return NULL;
	}
	*error = NULL;
	return DatumGetJsonbP(DirectFunctionCall1(jsonb_in, CStringGetDatum(str)));
}

/* Parse raw text as JSON: returns (doc jsonb, error text), one of them NULL */
Datum
ingest_parse_json(PG_FUNCTION_ARGS)
{
	text	   *raw = PG_GETARG_TEXT_PP(0);
	TupleDesc	tupdesc;
	Datum		values[2];
	bool		nulls[2] = {false, false};
	char	   *error;
	Jsonb	   *doc;

	if (get_call_result_type(fcinfo, NULL, &tupdesc) != TYPEFUNC_COMPOSITE)
		elog(ERROR, "return type must be a row type");
	tupdesc = BlessTupleDesc(tupdesc);

	doc = ParseJsonbNoError(raw, &error);
	if (doc != NULL)
	{
		values[0] = JsonbPGetDatum(doc);
		nulls[1] = true;
	}
	else
	{
		nulls[0] = true;
		values[1] = CStringGetTextDatum(error);
	}
	PG_RETURN_DATUM(HeapTupleGetDatum(heap_form_tuple(tupdesc, values, nulls)));
}

/*
 * Accept only text that looks like a tweet timestamp: a 4-digit year (so no
 * relative values such as "now"), and no time zone names ("America/New_York",
 * "foo-bar"), for which the core decoder raises an error when unknown: no '/',
 * and no letter followed by punctuation.
 */
static bool
TimestampCharsOk(const char *s, int len)
{
	int			run = 0;
	bool		year = false;

	for (int i = 0; i < len; i++)
	{
		run = isdigit((unsigned char) s[i]) ? run + 1 : 0;
		if (run >= 4)
			year = true;
	}
	/* relative values ("now", "today 12:00", "yesterday") have no 4-digit year */
	if (!year)
		return false;
	for (int i = 0; i < len; i++)
	{
		unsigned char c = (unsigned char) s[i];

		if (!(isalnum(c) || c == ' ' || c == ':' || c == '-' || c == '+' ||
			  c == '.' || c == ','))
			return false;
		if (isalpha(c) && i + 1 < len && strchr("-+.,:", s[i + 1]) != NULL)
			return false;
	}
	return true;
}

/*
 * Parse a tweet timestamp like timestamptz_in, without raising an error:
 * false for bad input and for special values (epoch, infinity, now).
 */
static bool
ParseTimestampNoError(const char *s, int len, TimestampTz *result)
{
	char		str[INGEST_MAX_TIMESTAMP_LEN + 1];
	char		workbuf[MAXDATELEN + MAXDATEFIELDS];
	char	   *field[MAXDATEFIELDS];
	int			ftype[MAXDATEFIELDS];
	int			nf;
	int			dtype;
	int			tz;
	fsec_t		fsec;
	struct pg_tm tt;

	if (len == 0 || len > INGEST_MAX_TIMESTAMP_LEN || !TimestampCharsOk(s, len))
		return false;
	memcpy(str, s, len);
	str[len] = '\0';
	return ParseDateTime(str, workbuf, sizeof(workbuf), field, ftype,
						 MAXDATEFIELDS, &nf) == 0 &&
		DecodeDateTime(field, ftype, nf, &dtype, &tt, &fsec, &tz) == 0 &&
		dtype == DTK_DATE &&
		tm2timestamp(&tt, fsec, &tz, result) == 0 &&
		IS_VALID_TIMESTAMP(*result);
}

/* Convert text to timestamptz like a cast, but NULL instead of an error for bad input */
Datum
ingest_try_timestamptz(PG_FUNCTION_ARGS)
{
	text	   *t = PG_GETARG_TEXT_PP(0);
	TimestampTz result;

	if (!ParseTimestampNoError(VARDATA_ANY(t), VARSIZE_ANY_EXHDR(t), &result))
		PG_RETURN_NULL();
	PG_RETURN_TIMESTAMPTZ(result);
}

/* ---- the landing fields of a tweet object ---- */

/* The landing fields of one tweet, or why the object is not a tweet */
typedef struct TweetFields
{
	int64		id;
	bool		has_created_at;
	TimestampTz created_at;
	text	   *lang;
	text	   *author;
	text	   *text;
	const char *error;			/* NULL for a tweet */
	const char *sqlstate;
} TweetFields;

/* The value of key in an object container, or NULL (also when c is NULL or not an object) */
static JsonbValue *
GetKey(JsonbContainer *c, const char *key)
{
	if (c == NULL || !JsonContainerIsObject(c))
		return NULL;
	return getKeyJsonValueFromContainer(c, key, strlen(key), NULL);
}

/* The container of a JSON object or array value, or NULL for anything else */
static JsonbContainer *
ValueContainer(JsonbValue *v, bool want_object)
{
	if (v == NULL || v->type != jbvBinary)
		return NULL;
	if (want_object ? !JsonContainerIsObject(v->val.binary.data)
		: !JsonContainerIsArray(v->val.binary.data))
		return NULL;
	return v->val.binary.data;
}

/* The object at key, or NULL */
static JsonbContainer *
GetObject(JsonbContainer *c, const char *key)
{
	return ValueContainer(GetKey(c, key), true);
}

/* The string value at key, or NULL for a missing key or a value of another type */
static JsonbValue *
GetString(JsonbContainer *c, const char *key)
{
	JsonbValue *v = GetKey(c, key);

	return (v != NULL && v->type == jbvString) ? v : NULL;
}

/* The string value at key as text, or NULL */
static text *
GetText(JsonbContainer *c, const char *key)
{
	JsonbValue *v = GetString(c, key);

	return v ? cstring_to_text_with_len(v->val.string.val, v->val.string.len) : NULL;
}

/* True when the string value at key equals the given JSON string value */
static bool
KeyEquals(JsonbContainer *c, const char *key, JsonbValue *want)
{
	JsonbValue *v = GetString(c, key);

	return v != NULL && want != NULL && v->val.string.len == want->val.string.len &&
		memcmp(v->val.string.val, want->val.string.val, v->val.string.len) == 0;
}

/* The first object of an array whose key equals want (a string value), or NULL */
static JsonbContainer *
FindInArray(JsonbContainer *array, const char *key, JsonbValue *want)
{
	uint32		n;

	if (array == NULL || want == NULL)
		return NULL;
	n = JsonContainerSize(array);
	for (uint32 i = 0; i < n; i++)
	{
		JsonbContainer *elem = ValueContainer(getIthJsonbValueFromContainer(array, i), true);

		if (elem != NULL && KeyEquals(elem, key, want))
			return elem;
	}
	return NULL;
}

/* "RT @author: text" */
static text *
RetweetText(JsonbValue *author, text *original)
{
	StringInfoData buf;

	initStringInfo(&buf);
	appendStringInfoString(&buf, "RT @");
	appendBinaryStringInfo(&buf, author->val.string.val, author->val.string.len);
	appendStringInfoString(&buf, ": ");
	appendBinaryStringInfo(&buf, VARDATA_ANY(original), VARSIZE_ANY_EXHDR(original));
	return cstring_to_text_with_len(buf.data, buf.len);
}

/* The first of the string values at the given keys of an object (NULL-terminated list) */
static text *
FirstText(JsonbContainer *c, const char *const *keys)
{
	for (; *keys != NULL; keys++)
	{
		text	   *t;

		if (strchr(*keys, '.') != NULL)
		{
			/* "outer.inner": a string inside a nested object */
			char		outer[64];
			const char *dot = strchr(*keys, '.');

			memcpy(outer, *keys, dot - *keys);
			outer[dot - *keys] = '\0';
			t = GetText(GetObject(c, outer), dot + 1);
		}
		else
			t = GetText(c, *keys);
		if (t != NULL)
			return t;
	}
	return NULL;
}

static const char *const v11_text_keys[] = {"extended_tweet.full_text", "full_text", "text", NULL};
static const char *const v2_text_keys[] = {"note_tweet.text", "text", NULL};

/* The text and author of a v1.1 status (or a minimal object) */
static void
V11TextAuthor(JsonbContainer *o, TweetFields *f)
{
	JsonbContainer *rs = GetObject(o, "retweeted_status");
	JsonbValue *rs_author = GetString(GetObject(rs, "user"), "screen_name");
	text	   *rs_text = FirstText(rs, v11_text_keys);

	/* a retweet keeps its marker and the original's full text (v1.1 truncates "text") */
	if (rs_author != NULL && rs_text != NULL)
		f->text = RetweetText(rs_author, rs_text);
	else
		f->text = FirstText(o, v11_text_keys);
	f->author = GetText(GetObject(o, "user"), "screen_name");
	if (f->author == NULL)
		f->author = GetText(o, "author");
}

/* The text and author of an API v2 object: data plus includes.users / includes.tweets */
static void
V2TextAuthor(JsonbContainer *doc, JsonbContainer *data, TweetFields *f)
{
	JsonbContainer *includes = GetObject(doc, "includes");
	JsonbContainer *users = ValueContainer(GetKey(includes, "users"), false);
	JsonbContainer *tweets = ValueContainer(GetKey(includes, "tweets"), false);
	JsonbContainer *refs = ValueContainer(GetKey(data, "referenced_tweets"), false);
	JsonbValue	retweeted = {.type = jbvString,.val.string = {.len = 9,.val = "retweeted"}};
	JsonbContainer *ref = FindInArray(refs, "type", &retweeted);
	JsonbContainer *orig = ref ? FindInArray(tweets, "id", GetString(ref, "id")) : NULL;
	JsonbContainer *orig_user = orig ? FindInArray(users, "id", GetString(orig, "author_id")) : NULL;
	JsonbValue *orig_author = GetString(orig_user, "username");
	text	   *orig_text = FirstText(orig, v2_text_keys);
	JsonbContainer *user = FindInArray(users, "id", GetString(data, "author_id"));

	if (orig_author != NULL && orig_text != NULL)
		f->text = RetweetText(orig_author, orig_text);
	else
		f->text = FirstText(data, v2_text_keys);
	f->author = GetText(user, "username");
}

/* The id as digits (id_str, or id as a string or a number), or NULL */
static char *
IdText(JsonbContainer *o)
{
	JsonbValue *v = GetString(o, "id_str");

	if (v == NULL)
		v = GetKey(o, "id");
	if (v == NULL)
		return NULL;
	if (v->type == jbvString)
		return pnstrdup(v->val.string.val, v->val.string.len);
	if (v->type == jbvNumeric)
		return DatumGetCString(DirectFunctionCall1(numeric_out,
												   NumericGetDatum(v->val.numeric)));
	return NULL;
}

/* Convert id digits to int64: 1 to 19 digits that fit a bigint */
static bool
ParseTweetId(const char *s, int64 *id)
{
	size_t		len = strlen(s);
	uint64		v = 0;

	if (len == 0 || len > 19)
		return false;
	for (size_t i = 0; i < len; i++)
	{
		if (!isdigit((unsigned char) s[i]))
			return false;
		v = v * 10 + (s[i] - '0');
	}
	if (v > (uint64) PG_INT64_MAX)
		return false;
	*id = (int64) v;
	return true;
}

/* Set the reason why an object is not a tweet */
static void
SetError(TweetFields *f, const char *sqlstate, const char *fmt, const char *arg)
{
	f->sqlstate = sqlstate;
	f->error = arg ? psprintf(fmt, arg) : fmt;
}

/* Extract the landing fields of one tweet object (v1.1, v2 or minimal); never raises for bad input */
static void
ExtractTweetFields(Jsonb *doc, TweetFields *f)
{
	JsonbContainer *root;
	JsonbContainer *data;
	JsonbContainer *o;
	JsonbValue *created;
	char	   *id_text;

	memset(f, 0, sizeof(*f));
	if (doc == NULL || !JB_ROOT_IS_OBJECT(doc))
	{
		SetError(f, "22000", "not a JSON object", NULL);
		return;
	}
	root = &doc->root;
	data = GetObject(root, "data");
	o = data ? data : root;
	if (data != NULL)
		V2TextAuthor(root, data, f);
	else
		V11TextAuthor(o, f);
	f->lang = GetText(o, "lang");
	created = GetKey(o, "created_at");
	id_text = IdText(o);

	if (id_text == NULL)
		SetError(f, "22000", "missing id", NULL);
	else if (!ParseTweetId(id_text, &f->id))
		SetError(f, "22P02", "invalid id: %.100s", id_text);
	else if (f->text == NULL)
		SetError(f, "22000", "missing text", NULL);
	else if (created == NULL || created->type == jbvNull)
		return;
	else if (created->type != jbvString)
		SetError(f, "22P02", "invalid created_at: not a string", NULL);
	else if (!ParseTimestampNoError(created->val.string.val, created->val.string.len,
									&f->created_at))
		SetError(f, "22P02", "invalid created_at: %s",
				 pnstrdup(created->val.string.val, Min(created->val.string.len, 100)));
	else
		f->has_created_at = true;
}

/* Form the result row: id, created_at, lang, author, text[, doc], error, sqlstate */
static Datum
TweetFieldsDatum(FunctionCallInfo fcinfo, TweetFields *f, Jsonb *doc, bool with_doc)
{
	TupleDesc	tupdesc;
	Datum		values[8];
	bool		nulls[8];
	int			i = 0;
	bool		ok = f->error == NULL;

	if (get_call_result_type(fcinfo, NULL, &tupdesc) != TYPEFUNC_COMPOSITE)
		elog(ERROR, "return type must be a row type");
	tupdesc = BlessTupleDesc(tupdesc);
	memset(nulls, true, sizeof(nulls));

	values[i] = Int64GetDatum(f->id);
	nulls[i++] = !ok && f->id == 0;
	values[i] = TimestampTzGetDatum(f->created_at);
	nulls[i++] = !f->has_created_at;
	values[i] = PointerGetDatum(f->lang);
	nulls[i++] = f->lang == NULL;
	values[i] = PointerGetDatum(f->author);
	nulls[i++] = f->author == NULL;
	values[i] = PointerGetDatum(f->text);
	nulls[i++] = f->text == NULL;
	if (with_doc)
	{
		values[i] = JsonbPGetDatum(doc);
		nulls[i++] = doc == NULL;
	}
	values[i] = f->error ? CStringGetTextDatum(f->error) : (Datum) 0;
	nulls[i++] = f->error == NULL;
	values[i] = f->sqlstate ? CStringGetTextDatum(f->sqlstate) : (Datum) 0;
	nulls[i++] = f->sqlstate == NULL;
	return HeapTupleGetDatum(heap_form_tuple(tupdesc, values, nulls));
}

/* The landing fields of a tweet object: (id, created_at, lang, author, text, error, sqlstate) */
Datum
ingest_tweet_fields(PG_FUNCTION_ARGS)
{
	Jsonb	   *doc = PG_ARGISNULL(0) ? NULL : PG_GETARG_JSONB_P(0);
	TweetFields f;

	ExtractTweetFields(doc, &f);
	PG_RETURN_DATUM(TweetFieldsDatum(fcinfo, &f, doc, false));
}

/* Parse a raw record: (id, created_at, lang, author, text, doc, error, sqlstate) */
Datum
ingest_parse_tweet(PG_FUNCTION_ARGS)
{
	TweetFields f;
	Jsonb	   *doc = NULL;
	char	   *error;

	if (PG_ARGISNULL(0))
	{
		memset(&f, 0, sizeof(f));
		SetError(&f, "22004", "null record", NULL);
	}
	else if ((doc = ParseJsonbNoError(PG_GETARG_TEXT_PP(0), &error)) == NULL)
	{
		memset(&f, 0, sizeof(f));
		SetError(&f, "22P02", "invalid JSON: %.200s", error);
	}
	else
		ExtractTweetFields(doc, &f);
	PG_RETURN_DATUM(TweetFieldsDatum(fcinfo, &f, doc, true));
}

/* ---- the COPY path: rows inserted into tweetlda.ingest_staging are stashed, not stored ---- */

/*
 * The raw records of the current INSERT/COPY into tweetlda.ingest_staging.  A
 * BEFORE STATEMENT trigger empties the stash, a BEFORE ROW trigger appends the
 * row's text and skips the row (so the staging table never gets a tuple: no
 * heap writes, no dead tuples to vacuum), and the AFTER STATEMENT trigger
 * takes the stash with tweetlda.staged_records() and lands it.  The stash
 * lives in its own context, so that an aborted statement leaves nothing the
 * next statement could see.
 */
static MemoryContext StashContext = NULL;
static List *Stash = NIL;
static Size StashBytes = 0;

/*
 * A statement with more records than this (or more bytes) lands them in
 * chunks from the row trigger, so that a huge COPY does not hold every record
 * in memory; the counts of those chunks are added up here.
 */
#define STASH_MAX_RECORDS	10000
#define STASH_MAX_BYTES		(64 * 1024 * 1024)
static int64 FlushedCounts[3];

PG_FUNCTION_INFO_V1(ingest_stash_reset);
PG_FUNCTION_INFO_V1(ingest_stash_row);
PG_FUNCTION_INFO_V1(ingest_staged_records);
PG_FUNCTION_INFO_V1(ingest_staged_counts);

/* Empty the stash */
static void
StashReset(void)
{
	if (StashContext == NULL)
		StashContext = AllocSetContextCreate(TopMemoryContext, "tweetlda ingest stash",
											 ALLOCSET_DEFAULT_SIZES);
	MemoryContextReset(StashContext);
	Stash = NIL;
	StashBytes = 0;
}

/* The stashed records as text[] (NULL elements kept); empties the stash */
static ArrayType *
StashTakeArray(void)
{
	int			n = list_length(Stash);
	Datum	   *elems = palloc(sizeof(Datum) * Max(n, 1));
	bool	   *nulls = palloc(sizeof(bool) * Max(n, 1));
	int			dims[1] = {n};
	int			lbs[1] = {1};
	ListCell   *lc;
	int			i = 0;
	ArrayType  *result;

	foreach(lc, Stash)
	{
		nulls[i] = lfirst(lc) == NULL;
		elems[i++] = PointerGetDatum(lfirst(lc));
	}
	result = n == 0 ? construct_empty_array(TEXTOID)
		: construct_md_array(elems, nulls, 1, dims, lbs, TEXTOID, -1, false, TYPALIGN_INT);
	StashReset();
	return result;
}

/* Land the stash now with tweetlda.ingest_batch and add up its counts */
static void
StashFlush(void)
{
	Oid			argtypes[1] = {TEXTARRAYOID};
	Datum		values[1];

	values[0] = PointerGetDatum(StashTakeArray());
	if (SPI_connect() != SPI_OK_CONNECT)
		elog(ERROR, "SPI_connect failed");
	if (SPI_execute_with_args("SELECT ingested, duplicates, rejected FROM tweetlda.ingest_batch($1)",
							  1, argtypes, values, NULL, false, 0) != SPI_OK_SELECT ||
		SPI_processed != 1)
		elog(ERROR, "tweetlda.ingest_batch did not return one row");
	for (int k = 0; k < 3; k++)
	{
		bool		isnull;
		Datum		d = SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, k + 1, &isnull);

		if (!isnull)
			FlushedCounts[k] += DatumGetInt64(d);
	}
	SPI_finish();
}

/* Check that a function is called as the expected kind of trigger */
static TriggerData *
CheckStashTrigger(FunctionCallInfo fcinfo, bool row)
{
	TriggerData *trigdata = (TriggerData *) fcinfo->context;

	if (!CALLED_AS_TRIGGER(fcinfo) || !TRIGGER_FIRED_BY_INSERT(trigdata->tg_event) ||
		!TRIGGER_FIRED_BEFORE(trigdata->tg_event) ||
		row != (TRIGGER_FIRED_FOR_ROW(trigdata->tg_event) != 0))
		ereport(ERROR,
				(errcode(ERRCODE_E_R_I_E_TRIGGER_PROTOCOL_VIOLATED),
				 errmsg("function must be called as a BEFORE INSERT %s trigger",
						row ? "FOR EACH ROW" : "FOR EACH STATEMENT")));
	return trigdata;
}

/* BEFORE INSERT FOR EACH STATEMENT trigger: start an empty stash */
Datum
ingest_stash_reset(PG_FUNCTION_ARGS)
{
	CheckStashTrigger(fcinfo, false);
	StashReset();
	memset(FlushedCounts, 0, sizeof(FlushedCounts));
	return PointerGetDatum(NULL);
}

/* BEFORE INSERT FOR EACH ROW trigger: stash the row's first column (text) and skip the row */
Datum
ingest_stash_row(PG_FUNCTION_ARGS)
{
	TriggerData *trigdata = CheckStashTrigger(fcinfo, true);
	HeapTuple	tuple = trigdata->tg_trigtuple;
	TupleDesc	tupdesc = trigdata->tg_relation->rd_att;
	bool		isnull;
	Datum		value;
	MemoryContext old;

	if (StashContext == NULL)
		StashReset();
	if (tupdesc->natts < 1 || TupleDescAttr(tupdesc, 0)->atttypid != TEXTOID)
		ereport(ERROR,
				(errcode(ERRCODE_DATATYPE_MISMATCH),
				 errmsg("the first column of the staging table must be of type text"),
				 errhint("Reinstall the extension with DROP EXTENSION and CREATE EXTENSION.")));
	value = heap_getattr(tuple, 1, tupdesc, &isnull);
	old = MemoryContextSwitchTo(StashContext);
	Stash = lappend(Stash, isnull ? NULL : DatumGetTextPCopy(value));
	MemoryContextSwitchTo(old);
	StashBytes += isnull ? 0 : VARSIZE_ANY(DatumGetPointer(value));
	if (list_length(Stash) >= STASH_MAX_RECORDS || StashBytes >= STASH_MAX_BYTES)
		StashFlush();
	return PointerGetDatum(NULL);
}

/* The stashed records of the current statement as text[] (NULL elements kept); empties the stash */
Datum
ingest_staged_records(PG_FUNCTION_ARGS)
{
	PG_RETURN_ARRAYTYPE_P(StashTakeArray());
}

/* The counts (ingested, duplicates, rejected) of the chunks landed during the statement; resets them */
Datum
ingest_staged_counts(PG_FUNCTION_ARGS)
{
	TupleDesc	tupdesc;
	Datum		values[3];
	bool		nulls[3] = {false, false, false};

	if (get_call_result_type(fcinfo, NULL, &tupdesc) != TYPEFUNC_COMPOSITE)
		elog(ERROR, "return type must be a row type");
	tupdesc = BlessTupleDesc(tupdesc);
	for (int k = 0; k < 3; k++)
		values[k] = Int64GetDatum(FlushedCounts[k]);
	memset(FlushedCounts, 0, sizeof(FlushedCounts));
	PG_RETURN_DATUM(HeapTupleGetDatum(heap_form_tuple(tupdesc, values, nulls)));
}
