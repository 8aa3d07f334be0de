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
#include "common/jsonapi.h"
#include "fmgr.h"
#include "funcapi.h"
#include "mb/pg_wchar.h"
#include "utils/builtins.h"
#include "utils/datetime.h"
#include "utils/fmgrprotos.h"
#include "utils/jsonb.h"
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

/*
 * Scan the text for nesting deeper than INGEST_MAX_DEPTH and for numbers that
 * numeric cannot hold; return an error message or NULL.  Strings are skipped
 * (escapes included), so brackets inside strings do not count.
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
			for (i++; i < len && s[i] != '"'; i++)
				if (s[i] == '\\')
					i++;
			i++;
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
	/* need_escapes = true makes the lexer reject \u0000, which jsonb cannot store */
	lex = makeJsonLexContextCstringLen(str, len, GetDatabaseEncoding(), true);
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
 * Convert text to timestamptz like timestamptz_in, but return NULL instead of
 * raising an error; special values (epoch, infinity, now) are not accepted.
 */
Datum
ingest_try_timestamptz(PG_FUNCTION_ARGS)
{
	text	   *t = PG_GETARG_TEXT_PP(0);
	int			len = VARSIZE_ANY_EXHDR(t);
	char		str[INGEST_MAX_TIMESTAMP_LEN + 1];
	char		workbuf[MAXDATELEN + MAXDATEFIELDS];
	char	   *field[MAXDATEFIELDS];
	int			ftype[MAXDATEFIELDS];
	int			nf;
	int			dtype;
	int			tz;
	fsec_t		fsec;
	struct pg_tm tt;
	TimestampTz result;

	if (len == 0 || len > INGEST_MAX_TIMESTAMP_LEN ||
		!TimestampCharsOk(VARDATA_ANY(t), len))
		PG_RETURN_NULL();
	memcpy(str, VARDATA_ANY(t), len);
	str[len] = '\0';

	if (ParseDateTime(str, workbuf, sizeof(workbuf), field, ftype,
					  MAXDATEFIELDS, &nf) != 0 ||
		DecodeDateTime(field, ftype, nf, &dtype, &tt, &fsec, &tz) != 0 ||
		dtype != DTK_DATE ||
		tm2timestamp(&tt, fsec, &tz, &result) != 0 ||
		!IS_VALID_TIMESTAMP(result))
		PG_RETURN_NULL();
	PG_RETURN_TIMESTAMPTZ(result);
}
