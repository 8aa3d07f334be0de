/*
 * ingest_json.c
 *		Raw text to jsonb for the ingest path, without raising an error for bad
 *		input.  The core parsers raise errors that would abort a whole batch
 *		(nesting too deep, numeric overflow, \u0000, strings or documents that
 *		jsonb cannot hold, too many elements), so one linear pre-scan checks for
 *		all of them first, calling CHECK_FOR_INTERRUPTS as it goes; then the
 *		core lexer validates the syntax and jsonb_in builds the document.  Large
 *		records (where memory could run out) are converted inside a
 *		subtransaction as a second line of defence: a data, limit or
 *		out-of-memory error rejects the record instead of the batch.
 */
#include "postgres.h"

#include <ctype.h>

#include "access/xact.h"
#include "common/jsonapi.h"
#include "mb/pg_wchar.h"
#include "miscadmin.h"
#include "utils/builtins.h"
#include "utils/fmgrprotos.h"
#include "utils/jsonb.h"
#include "utils/memutils.h"
#include "utils/resowner.h"

#include "ingest.h"

/*
 * Limits checked before the JSON parsers run.  The element limits are those of
 * jsonb_util.c (JSONB_MAX_ELEMS, JSONB_MAX_PAIRS), which are not exported.
 */
#define INGEST_MAX_DEPTH			1000
#define INGEST_MAX_NUMBER_DIGITS	1000
#define INGEST_MAX_EXPONENT			1000
#define INGEST_MAX_ELEMS	((int64) Min(MaxAllocSize / sizeof(JsonbValue), JB_CMASK))
#define INGEST_MAX_PAIRS	((int64) Min(MaxAllocSize / sizeof(JsonbPair), JB_CMASK))
#define INGEST_MAX_JSONB	((uint64) JENTRY_OFFLENMASK)
/* records longer than this are converted inside a subtransaction */
#define INGEST_GUARD_BYTES			(4 * 1024 * 1024)

/* The state of the pre-scan */
typedef struct JsonScan
{
	const char *s;
	size_t		len;
	size_t		pos;
	size_t		next_cfi;		/* position of the next CHECK_FOR_INTERRUPTS */
	int			depth;
	int64		count[INGEST_MAX_DEPTH + 1];	/* values and keys per open container */
	bool		object[INGEST_MAX_DEPTH + 1];
	uint64		bound;			/* upper bound of the jsonb size of the document */
} JsonScan;

/* Call CHECK_FOR_INTERRUPTS every INGEST_CFI_INTERVAL bytes of the scan */
static inline void
ScanInterrupts(JsonScan *js)
{
	if (js->pos >= js->next_cfi)
	{
		CHECK_FOR_INTERRUPTS();
		js->next_cfi = js->pos + INGEST_CFI_INTERVAL;
	}
}

/* The value of 4 hex digits at s (the lexer checks that they are hex digits), or -1 */
static int
HexValue(const char *s, size_t len)
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

/* Check one \u escape at s[i] ('u'); advance *i past it and add its UTF-8 length to *bytes */
static const char *
CheckUnicodeEscape(const char *s, size_t len, size_t *i, uint64 *bytes)
{
	int			cp = HexValue(s + *i + 1, len - *i - 1);

	if (cp < 0)
		return NULL;			/* a syntax error the lexer reports */
	*i += 4;
	if (cp == 0)
		return "\\u0000 cannot be converted to text.";
	if (cp >= 0xDC00 && cp <= 0xDFFF)
		return "Unicode low surrogate must follow a high surrogate.";
	if (cp >= 0xD800 && cp <= 0xDBFF)
	{
		int			lo = (*i + 2 < len && s[*i + 1] == '\\' && s[*i + 2] == 'u') ?
			HexValue(s + *i + 3, len - *i - 3) : -1;

		if (lo < 0xDC00 || lo > 0xDFFF)
			return "Unicode high surrogate must not follow a high surrogate or end the string.";
		*i += 6;
		*bytes += 4;
	}
	else
		*bytes += cp < 0x80 ? 1 : cp < 0x800 ? 2 : 3;
	if (cp > 0x7F && GetDatabaseEncoding() != PG_UTF8)
		return "Unicode escape values cannot be used for code points above 007F when the server encoding is not UTF8.";
	return NULL;
}

/*
 * Skip the JSON string at the scan position (the opening quote), checking the
 * \u escapes that jsonb cannot store but the lexer accepts when it does not
 * de-escape, and the de-escaped length.  Returns an error message or NULL.
 */
static const char *
ScanString(JsonScan *js)
{
	const char *s = js->s;
	size_t		i = js->pos + 1;
	uint64		bytes = 0;

	for (; i < js->len && s[i] != '"'; i++)
	{
		const char *err;

		if ((i & (INGEST_CFI_INTERVAL - 1)) == 0)
			CHECK_FOR_INTERRUPTS();
		bytes++;
		if (s[i] != '\\')
			continue;
		if (++i >= js->len || s[i] != 'u')
			continue;
		bytes--;
		if ((err = CheckUnicodeEscape(s, js->len, &i, &bytes)) != NULL)
			return err;
	}
	js->pos = i + 1;
	if (bytes > INGEST_MAX_JSONB)
		return "JSON string is longer than jsonb can store (256 MB).";
	js->bound += 4 + bytes;
	return NULL;
}

/* Skip one JSON number token; returns an error message if numeric cannot hold it */
static const char *
ScanNumber(JsonScan *js)
{
	const char *s = js->s;
	size_t		i = js->pos;
	int64		digits = 0;
	long		exponent = 0;

	if (s[i] == '-')
		i++;
	for (; i < js->len && (isdigit((unsigned char) s[i]) || s[i] == '.'); i++)
		digits += s[i] != '.';
	if (i < js->len && (s[i] == 'e' || s[i] == 'E'))
	{
		i++;
		if (i < js->len && (s[i] == '+' || s[i] == '-'))
			i++;
		for (; i < js->len && isdigit((unsigned char) s[i]); i++)
			if (exponent <= INGEST_MAX_EXPONENT)
				exponent = exponent * 10 + (s[i] - '0');
	}
	js->pos = Max(i, js->pos + 1);
	if (digits > INGEST_MAX_NUMBER_DIGITS || exponent > INGEST_MAX_EXPONENT)
		return "JSON number is out of range";
	js->bound += 4 + 3 + 12 + digits;
	return NULL;
}

/* Count one value (or key) in the innermost open container */
static inline void
CountValue(JsonScan *js)
{
	js->count[js->depth]++;
}

/* Open a container; returns an error message when nesting is too deep */
static const char *
OpenContainer(JsonScan *js, bool object)
{
	CountValue(js);
	if (++js->depth > INGEST_MAX_DEPTH)
		return "JSON nesting is deeper than 1000 levels";
	js->count[js->depth] = 0;
	js->object[js->depth] = object;
	js->bound += 4 + 3 + 4;
	js->pos++;
	return NULL;
}

/* Close a container; returns an error message when it has more members than jsonb allows */
static const char *
CloseContainer(JsonScan *js)
{
	js->pos++;
	if (js->depth == 0)
		return NULL;			/* unbalanced: a syntax error the lexer reports */
	if (js->object[js->depth] ? js->count[js->depth] / 2 > INGEST_MAX_PAIRS
		: js->count[js->depth] > INGEST_MAX_ELEMS)
		return "JSON object or array has more members than jsonb allows.";
	js->depth--;
	return NULL;
}

/*
 * Scan the text for what the core parsers would raise an error for: nesting
 * deeper than INGEST_MAX_DEPTH, numbers that numeric cannot hold, \u escapes
 * jsonb cannot store, strings, containers and documents larger than jsonb
 * allows.  Linear in the input; returns an error message or NULL.
 */
static const char *
PrecheckJson(const char *s, size_t len)
{
	JsonScan   *js = palloc0(sizeof(JsonScan));
	const char *err = NULL;

	js->s = s;
	js->len = len;
	while (js->pos < len && err == NULL)
	{
		char		c = s[js->pos];

		ScanInterrupts(js);
		if (c == '"')
		{
			CountValue(js);
			err = ScanString(js);
		}
		else if (c == '[' || c == '{')
			err = OpenContainer(js, c == '{');
		else if (c == ']' || c == '}')
			err = CloseContainer(js);
		else if (c == '-' || isdigit((unsigned char) c))
		{
			CountValue(js);
			err = ScanNumber(js);
		}
		else
		{
			if (c == 't' || c == 'f' || c == 'n')
			{
				CountValue(js);
				js->bound += 4;
			}
			js->pos++;
		}
	}
	if (err == NULL && js->bound > INGEST_MAX_JSONB)
		err = "JSON document is too large for jsonb (its stored form could exceed 256 MB).";
	pfree(js);
	return err;
}

/* True for errors that concern one record (bad data, limits, memory), not the session */
static bool
RecordLevelError(int sqlerrcode)
{
	int			category = ERRCODE_TO_CATEGORY(sqlerrcode);

	return category == ERRCODE_DATA_EXCEPTION ||
		category == ERRCODE_PROGRAM_LIMIT_EXCEEDED ||
		sqlerrcode == ERRCODE_OUT_OF_MEMORY;
}

/*
 * jsonb_in inside a subtransaction: a record-level error (see above) sets
 * *error and returns NULL; any other error (cancel, shutdown) is re-thrown.
 */
static Jsonb *
JsonbInGuarded(const char *str, char **error)
{
	MemoryContext oldcxt = CurrentMemoryContext;
	ResourceOwner oldowner = CurrentResourceOwner;
	Jsonb	   *volatile result = NULL;

	BeginInternalSubTransaction(NULL);
	MemoryContextSwitchTo(oldcxt);
	PG_TRY();
	{
		result = DatumGetJsonbP(DirectFunctionCall1(jsonb_in, CStringGetDatum(str)));
		ReleaseCurrentSubTransaction();
		MemoryContextSwitchTo(oldcxt);
		CurrentResourceOwner = oldowner;
	}
	PG_CATCH();
	{
		ErrorData  *edata;

		MemoryContextSwitchTo(oldcxt);
		edata = CopyErrorData();
		FlushErrorState();
		RollbackAndReleaseCurrentSubTransaction();
		MemoryContextSwitchTo(oldcxt);
		CurrentResourceOwner = oldowner;
		if (!RecordLevelError(edata->sqlerrcode))
			ReThrowError(edata);
		*error = pstrdup(edata->message);
		FreeErrorData(edata);
	}
	PG_END_TRY();
	return result;
}

/*
 * Parse text (NUL-terminated, len bytes) as jsonb without raising an error
 * for bad input: return the document, or NULL and set *error to a message
 * saying what is wrong.
 */
Jsonb *
IngestParseJsonb(const char *str, size_t len, char **error)
{
	JsonLexContext *lex;
	JsonParseErrorType result;
	const char *precheck;

	*error = NULL;
	precheck = PrecheckJson(str, len);
	if (precheck != NULL)
	{
		*error = pstrdup(precheck);
		return NULL;
	}
	/* the escapes jsonb cannot store were checked above: validate without de-escaping */
	lex = makeJsonLexContextCstringLen(unconstify(char *, str), len,
									   GetDatabaseEncoding(), false);
	result = pg_parse_json(lex, &nullSemAction);
	if (result != JSON_SUCCESS)
	{
		*error = json_errdetail(result, lex);
		return NULL;
	}
	CHECK_FOR_INTERRUPTS();
	if (len > INGEST_GUARD_BYTES && !IsInParallelMode())
		return JsonbInGuarded(str, error);
	return DatumGetJsonbP(DirectFunctionCall1(jsonb_in, CStringGetDatum(str)));
}
