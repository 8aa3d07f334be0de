/*
 * tweetlda.h
 *		Declarations shared by every part of tweetlda: the init functions that
 *		_PG_init calls and small checks used across files.
 */
#ifndef TWEETLDA_H
#define TWEETLDA_H

#include "fmgr.h"
#include "mb/pg_wchar.h"

#define TWEETLDA_SCHEMA "tweetlda"

extern PGDLLEXPORT void _PG_init(void);

/* Reject databases whose encoding is not UTF8: every text function reads UTF-8 bytes */
static inline void
CheckDatabaseEncoding(void)
{
	if (GetDatabaseEncoding() != PG_UTF8)
		ereport(ERROR,
				(errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
				 errmsg("tweetlda requires a database with UTF8 encoding"),
				 errdetail("The current database encoding is %s.",
						   GetDatabaseEncodingName()),
				 errhint("Create the database with ENCODING 'UTF8'.")));
}

/* Aggregate memory context of an aggregate support function; an error when called directly */
static inline MemoryContext
AggregateContext(FunctionCallInfo fcinfo, const char *funcname)
{
	MemoryContext aggcxt;

	if (!AggCheckCallContext(fcinfo, &aggcxt))
		ereport(ERROR,
				(errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
				 errmsg("%s can only be called as an aggregate support function", funcname),
				 errhint("Call the aggregate instead.")));
	return aggcxt;
}

#endif							/* TWEETLDA_H */
