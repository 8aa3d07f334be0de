/*
 * ingest.c
 *		The SQL entry points of the ingest parsers and the extraction of the
 *		landing fields of a tweet object: a batch of raw tweets must never stop
 *		on one bad record, so these functions report bad input as NULL (or an
 *		error message) instead of raising an error.  The JSON and timestamp
 *		parsers are in ingest_json.c and ingest_time.c, the staging triggers in
 *		ingest_stash.c; the table side (tweetlda.tweets, ingest(),
 *		ingest_batch(), retention) is SQL in src/sql/50_ingest.sql.
 */
#include "postgres.h"

#include <ctype.h>

#include "access/htup_details.h"
#include "fmgr.h"
#include "funcapi.h"
#include "lib/stringinfo.h"
#include "mb/pg_wchar.h"
#include "miscadmin.h"
#include "utils/builtins.h"
#include "utils/fmgrprotos.h"
#include "utils/jsonb.h"
#include "utils/numeric.h"
#include "utils/timestamp.h"

#include "ingest.h"
#include "tweetlda.h"

PG_FUNCTION_INFO_V1(ingest_parse_json);
PG_FUNCTION_INFO_V1(ingest_try_timestamptz);
PG_FUNCTION_INFO_V1(ingest_tweet_fields);
PG_FUNCTION_INFO_V1(ingest_parse_tweet);

/* A copy of s clipped to at most maxbytes bytes, never inside a multibyte character */
char *
IngestClip(const char *s, size_t len, int maxbytes)
{
	int			n = len > (size_t) maxbytes ? pg_mbcliplen(s, maxbytes, maxbytes) : (int) len;

	return pnstrdup(s, n);
}

/* Parse a text datum as jsonb, or NULL and *error */
static Jsonb *
ParseJsonbNoError(text *raw, char **error)
{
	char	   *str = text_to_cstring(raw);

	return IngestParseJsonb(str, strlen(str), error);
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

/* Convert text to timestamptz like a cast, but NULL instead of an error for bad input */
Datum
ingest_try_timestamptz(PG_FUNCTION_ARGS)
{
	text	   *t = PG_GETARG_TEXT_PP(0);
	TimestampTz result;

	if (!IngestParseTimestamp(VARDATA_ANY(t), VARSIZE_ANY_EXHDR(t), &result))
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
	bool		equal = v != NULL && want != NULL && v->val.string.len == want->val.string.len &&
		memcmp(v->val.string.val, want->val.string.val, v->val.string.len) == 0;

	if (v != NULL)
		pfree(v);
	return equal;
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
		JsonbValue *v = getIthJsonbValueFromContainer(array, i);
		JsonbContainer *elem = ValueContainer(v, true);

		if ((i & 0xFFFF) == 0)
			CHECK_FOR_INTERRUPTS();
		if (elem != NULL && KeyEquals(elem, key, want))
			return elem;
		pfree(v);				/* a long array must not leave one copy per element */
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
		SetError(f, "22P02", "invalid id: %s", IngestClip(id_text, strlen(id_text), INGEST_MAX_ECHO));
	else if (f->text == NULL)
		SetError(f, "22000", "missing text", NULL);
	else if (created == NULL || created->type == jbvNull)
		return;
	else if (created->type != jbvString)
		SetError(f, "22P02", "invalid created_at: not a string", NULL);
	else if (!IngestParseTimestamp(created->val.string.val, created->val.string.len,
								   &f->created_at))
		SetError(f, "22P02", "invalid created_at: %s",
				 IngestClip(created->val.string.val, created->val.string.len, INGEST_MAX_ECHO));
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
		SetError(&f, "22P02", "invalid JSON: %s", IngestClip(error, strlen(error), 2 * INGEST_MAX_ECHO));
	}
	else
		ExtractTweetFields(doc, &f);
	PG_RETURN_DATUM(TweetFieldsDatum(fcinfo, &f, doc, true));
}
