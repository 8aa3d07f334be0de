/*
 * options.h
 *		One reader for the jsonb option objects of the extension (text
 *		configurations, LDA training parameters): the same type rules and the
 *		same error messages everywhere.
 *
 * Typical use:
 *
 *		static const char *const my_keys[] = {"k", "seed", NULL};
 *		static const OptionSet my_set = {"LDA parameter", "LDA parameters", NULL, my_keys};
 *
 *		static void
 *		ApplyOne(void *arg, const char *key, JsonbValue *v)
 *		{
 *			if (strcmp(key, "k") == 0)
 *				((MyParams *) arg)->k = OptionInt(&my_set, key, v, 1, 1000);
 *			else
 *				OptionUnknown(&my_set, key);
 *		}
 *		...
 *		OptionsParse(jb, &my_set, ApplyOne, &params);
 *
 * Errors are INVALID_PARAMETER_VALUE: "invalid value for <what> "<key>"" with a
 * detail saying what the value must be, and "unknown <what> "<key>"" with the
 * valid keys in the hint.
 */
#ifndef OPTIONS_H
#define OPTIONS_H

#include "utils/jsonb.h"

typedef struct OptionSet
{
	const char *what;			/* "text configuration key", "LDA parameter" */
	const char *object;			/* "a text configuration", "LDA parameters" */
	const char *hint;			/* hint when it is not an object, or NULL */
	const char *const *keys;	/* the valid keys, NULL-terminated (for the hint) */
} OptionSet;

/* Called for every key of the object, with its value (nested objects as jbvBinary) */
typedef void (*OptionApply) (void *arg, const char *key, JsonbValue *v);

/* Call apply for every key of the object jb (an error if jb is not an object) */
extern void OptionsParse(Jsonb *jb, const OptionSet *set, OptionApply apply, void *arg);

/* Error: key is not one of set->keys */
extern void OptionUnknown(const OptionSet *set, const char *key) pg_attribute_noreturn();

/* Error: the value of key is not what it must be ("an integer", "true or false", ...) */
extern void OptionBadValue(const OptionSet *set, const char *key, const char *detail) pg_attribute_noreturn();

/* A JSON integer in [lo, hi] (1.0 is an integer, 1.5 is not) */
extern int32 OptionInt(const OptionSet *set, const char *key, JsonbValue *v, int32 lo, int32 hi);

/* A JSON integer in the range of int64, exact (read from the numeric, never through float8) */
extern int64 OptionInt64(const OptionSet *set, const char *key, JsonbValue *v);

/* A finite JSON number in [lo, hi] (pass -INFINITY / INFINITY for no bound) */
extern double OptionFloat(const OptionSet *set, const char *key, JsonbValue *v, double lo, double hi);

/* A JSON boolean */
extern bool OptionBool(const OptionSet *set, const char *key, JsonbValue *v);

/* A JSON string, NUL-terminated (an error if it contains a NUL) */
extern char *OptionText(const OptionSet *set, const char *key, JsonbValue *v);

/* A JSON array of strings; returns the count and sets *items */
extern int	OptionTextArray(const OptionSet *set, const char *key, JsonbValue *v, char ***items);

#endif							/* OPTIONS_H */
