/*
 * options.c
 *		The shared reader of jsonb option objects (options.h).
 */
#include "postgres.h"

#include <math.h>

#include "fmgr.h"
#include "lib/stringinfo.h"
#include "utils/builtins.h"
#include "utils/jsonb.h"
#include "utils/numeric.h"

#include "options.h"

/* Error: the value of key is not what it must be */
void
OptionBadValue(const OptionSet *set, const char *key, const char *detail)
{
	ereport(ERROR,
			(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
			 errmsg("invalid value for %s \"%s\"", set->what, key),
			 errdetail("The value must be %s.", detail)));
}

/* Error: key is not one of set->keys */
void
OptionUnknown(const OptionSet *set, const char *key)
{
	StringInfoData keys;

	initStringInfo(&keys);
	for (const char *const *k = set->keys; *k != NULL; k++)
		appendStringInfo(&keys, "%s%s", keys.len > 0 ? ", " : "", *k);
	ereport(ERROR,
			(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
			 errmsg("unknown %s \"%s\"", set->what, key),
			 errhint("Valid keys: %s.", keys.data)));
}

/* Call apply for every key of the object jb */
void
OptionsParse(Jsonb *jb, const OptionSet *set, OptionApply apply, void *arg)
{
	JsonbIterator *it;
	JsonbValue	v;
	JsonbIteratorToken r;

	if (!JB_ROOT_IS_OBJECT(jb))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("%s must be a JSON object", set->object),
				 set->hint ? errhint("%s", set->hint) : 0));
	it = JsonbIteratorInit(&jb->root);
	while ((r = JsonbIteratorNext(&it, &v, true)) != WJB_DONE)
	{
		char	   *key;

		if (r != WJB_KEY)
			continue;
		key = pnstrdup(v.val.string.val, v.val.string.len);
		r = JsonbIteratorNext(&it, &v, true);
		if (r != WJB_VALUE)
			elog(ERROR, "unexpected jsonb iterator token %d", (int) r);
		apply(arg, key, &v);
	}
}

/* numeric a <= b */
static inline bool
NumericLe(Datum a, Datum b)
{
	return DatumGetBool(DirectFunctionCall2(numeric_le, a, b));
}

/* The numeric of a JSON integer, in [lo, hi] (range_detail says so otherwise) */
static Datum
IntegerInRange(const OptionSet *set, const char *key, JsonbValue *v,
			   int64 lo, int64 hi, const char *range_detail)
{
	Datum		d;

	if (v->type != jbvNumeric)
		OptionBadValue(set, key, "an integer");
	d = NumericGetDatum(v->val.numeric);
	if (numeric_is_nan(v->val.numeric) || numeric_is_inf(v->val.numeric) ||
		!DatumGetBool(DirectFunctionCall2(numeric_eq, d,
										  DirectFunctionCall2(numeric_round, d, Int32GetDatum(0)))))
		OptionBadValue(set, key, "an integer");
	if (!NumericLe(NumericGetDatum(int64_to_numeric(lo)), d) ||
		!NumericLe(d, NumericGetDatum(int64_to_numeric(hi))))
		OptionBadValue(set, key, range_detail);
	return d;
}

/* A JSON integer in the range of int64, exact */
int64
OptionInt64(const OptionSet *set, const char *key, JsonbValue *v)
{
	Datum		d = IntegerInRange(set, key, v, PG_INT64_MIN, PG_INT64_MAX,
								   "an integer in the range of bigint");

	return DatumGetInt64(DirectFunctionCall1(numeric_int8, d));
}

/* A JSON integer in [lo, hi] */
int32
OptionInt(const OptionSet *set, const char *key, JsonbValue *v, int32 lo, int32 hi)
{
	Datum		d = IntegerInRange(set, key, v, lo, hi,
								   psprintf("an integer between %d and %d", lo, hi));

	return DatumGetInt32(DirectFunctionCall1(numeric_int4, d));
}

/* A finite JSON number in [lo, hi] */
double
OptionFloat(const OptionSet *set, const char *key, JsonbValue *v, double lo, double hi)
{
	double		x;

	if (v->type != jbvNumeric)
		OptionBadValue(set, key, "a number");
	x = DatumGetFloat8(DirectFunctionCall1(numeric_float8, NumericGetDatum(v->val.numeric)));
	if (!isfinite(x))
		OptionBadValue(set, key, "a finite number");
	if (x < lo || x > hi)
	{
		if (isinf(hi))
			OptionBadValue(set, key, psprintf("a number of at least %g", lo));
		if (isinf(lo))
			OptionBadValue(set, key, psprintf("a number of at most %g", hi));
		OptionBadValue(set, key, psprintf("a number between %g and %g", lo, hi));
	}
	return x;
}

/* A JSON boolean */
bool
OptionBool(const OptionSet *set, const char *key, JsonbValue *v)
{
	if (v->type != jbvBool)
		OptionBadValue(set, key, "true or false");
	return v->val.boolean;
}

/* A JSON string, NUL-terminated */
char *
OptionText(const OptionSet *set, const char *key, JsonbValue *v)
{
	if (v->type != jbvString)
		OptionBadValue(set, key, "a string");
	if (memchr(v->val.string.val, '\0', v->val.string.len) != NULL)
		OptionBadValue(set, key, "a string without NUL characters");
	return pnstrdup(v->val.string.val, v->val.string.len);
}

/* A JSON array of strings */
int
OptionTextArray(const OptionSet *set, const char *key, JsonbValue *v, char ***items)
{
	JsonbIterator *it;
	JsonbValue	e;
	JsonbIteratorToken r;
	int			n = 0,
				cap = 8;

	if (v->type != jbvBinary || !JsonContainerIsArray(v->val.binary.data) ||
		JsonContainerIsScalar(v->val.binary.data))
		OptionBadValue(set, key, "an array of strings");
	*items = palloc(sizeof(char *) * cap);
	it = JsonbIteratorInit(v->val.binary.data);
	while ((r = JsonbIteratorNext(&it, &e, true)) != WJB_DONE)
	{
		if (r != WJB_ELEM)
			continue;
		if (e.type != jbvString)
			OptionBadValue(set, key, "an array of strings");
		if (n == cap)
		{
			cap *= 2;
			*items = repalloc(*items, sizeof(char *) * cap);
		}
		(*items)[n++] = OptionText(set, key, &e);
	}
	return n;
}
