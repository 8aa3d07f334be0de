/*
 * ingest_stash.c
 *		The COPY path of the ingest: rows inserted into tweetlda.ingest_staging
 *		are stashed in backend memory by a row trigger and landed by
 *		tweetlda.ingest_records, never stored in the staging table.
 *
 *		A BEFORE STATEMENT trigger empties the stash, a BEFORE ROW trigger
 *		appends the row (raw, source, line, reason) and skips it (so the staging
 *		table never gets a tuple: no heap writes, no dead tuples to vacuum), and
 *		the AFTER STATEMENT trigger (tweetlda.ingest_staged) lands the rest with
 *		tweetlda.staged_flush().  The stash lives in its own context, so that an
 *		aborted statement leaves nothing the next statement could see.
 */
#include "postgres.h"

#include "access/htup_details.h"
#include "catalog/pg_type.h"
#include "commands/trigger.h"
#include "executor/spi.h"
#include "fmgr.h"
#include "funcapi.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/lsyscache.h"
#include "utils/memutils.h"

#include "ingest.h"

/*
 * A statement with more records than this (or more bytes, counted detoasted)
 * lands them in chunks from the row trigger, so that a huge COPY does not hold
 * every record in memory; the counts of those chunks are added up.
 */
#define STASH_MAX_RECORDS	10000
#define STASH_MAX_BYTES		(64 * 1024 * 1024)

/* The columns of tweetlda.ingest_staging, in order (0.1.0 has only raw) */
#define STASH_NCOLS			4
static const Oid stash_types[STASH_NCOLS] = {TEXTOID, TEXTOID, INT8OID, TEXTOID};
static const char *const stash_names[STASH_NCOLS] = {"raw", "source", "line", "reason"};

/* One stashed row: raw, source, line, reason (NULL when absent) */
typedef struct StashRow
{
	Datum		values[STASH_NCOLS];
	bool		nulls[STASH_NCOLS];
} StashRow;

static MemoryContext StashContext = NULL;
static StashRow *Stash = NULL;
static int	StashCount = 0;
static int	StashNcols = STASH_NCOLS;	/* columns of the staging table (1 in 0.1.0) */
static Size StashBytes = 0;
static int64 FlushedCounts[3];

PG_FUNCTION_INFO_V1(ingest_stash_reset);
PG_FUNCTION_INFO_V1(ingest_stash_row);
PG_FUNCTION_INFO_V1(ingest_staged_flush);
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
	Stash = MemoryContextAlloc(StashContext, sizeof(StashRow) * STASH_MAX_RECORDS);
	StashCount = 0;
	StashBytes = 0;
}

/* Column col of the stash as an array (NULL elements kept) */
static ArrayType *
StashColumn(int col)
{
	Datum	   *elems = palloc(sizeof(Datum) * Max(StashCount, 1));
	bool	   *nulls = palloc(sizeof(bool) * Max(StashCount, 1));
	int			dims[1] = {StashCount};
	int			lbs[1] = {1};
	int16		typlen;
	bool		typbyval;
	char		typalign;

	if (StashCount == 0)
		return construct_empty_array(stash_types[col]);
	for (int i = 0; i < StashCount; i++)
	{
		elems[i] = Stash[i].values[col];
		nulls[i] = Stash[i].nulls[col];
	}
	get_typlenbyvalalign(stash_types[col], &typlen, &typbyval, &typalign);
	return construct_md_array(elems, nulls, 1, dims, lbs, stash_types[col],
							  typlen, typbyval, typalign);
}

/* Land the stash now with tweetlda.ingest_records, add up its counts, empty the stash */
static void
StashFlush(void)
{
	Oid			argtypes[STASH_NCOLS] = {TEXTARRAYOID, TEXTARRAYOID, INT8ARRAYOID, TEXTARRAYOID};
	Datum		values[STASH_NCOLS];

	if (StashCount == 0)
		return;
	for (int col = 0; col < STASH_NCOLS; col++)
		values[col] = PointerGetDatum(StashColumn(col));
	StashReset();
	if (SPI_connect() != SPI_OK_CONNECT)
		elog(ERROR, "SPI_connect failed");
	/* a 0.1.0 schema (not yet updated) has only raw and ingest_batch(text[]) */
	if (SPI_execute_with_args(StashNcols == 1 ?
							  "SELECT ingested, duplicates, rejected FROM tweetlda.ingest_batch($1)" :
							  "SELECT ingested, duplicates, rejected "
							  "FROM tweetlda.ingest_records($1, $2, $3, $4)",
							  StashNcols == 1 ? 1 : STASH_NCOLS, argtypes, values, NULL,
							  false, 0) != SPI_OK_SELECT ||
		SPI_processed != 1)
		elog(ERROR, "tweetlda.ingest_records did not return one row");
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

/* Check that the staging table has the expected columns (a prefix of them: 0.1.0 has raw only) */
static void
CheckStagingColumns(TupleDesc tupdesc)
{
	for (int col = 0; col < STASH_NCOLS && col < tupdesc->natts; col++)
	{
		Form_pg_attribute att = TupleDescAttr(tupdesc, col);

		if (att->attisdropped || att->atttypid != stash_types[col] ||
			strcmp(NameStr(att->attname), stash_names[col]) != 0)
			ereport(ERROR,
					(errcode(ERRCODE_DATATYPE_MISMATCH),
					 errmsg("the staging table does not have the columns (raw text[, source text, line bigint, reason text])"),
					 errhint("Reinstall the extension with DROP EXTENSION and CREATE EXTENSION.")));
	}
	if (tupdesc->natts < 1)
		ereport(ERROR,
				(errcode(ERRCODE_DATATYPE_MISMATCH),
				 errmsg("the staging table has no columns"),
				 errhint("Reinstall the extension with DROP EXTENSION and CREATE EXTENSION.")));
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

/* BEFORE INSERT FOR EACH ROW trigger: stash the row (detoasted) and skip it */
Datum
ingest_stash_row(PG_FUNCTION_ARGS)
{
	TriggerData *trigdata = CheckStashTrigger(fcinfo, true);
	HeapTuple	tuple = trigdata->tg_trigtuple;
	TupleDesc	tupdesc = trigdata->tg_relation->rd_att;
	StashRow   *row;
	MemoryContext old;

	CheckStagingColumns(tupdesc);
	StashNcols = Min(tupdesc->natts, STASH_NCOLS);
	if (StashContext == NULL)
		StashReset();
	row = &Stash[StashCount++];
	old = MemoryContextSwitchTo(StashContext);
	for (int col = 0; col < STASH_NCOLS; col++)
	{
		Datum		value = (Datum) 0;
		bool		isnull = true;

		if (col < tupdesc->natts)
			value = heap_getattr(tuple, col + 1, tupdesc, &isnull);
		row->nulls[col] = isnull;
		if (isnull)
			row->values[col] = (Datum) 0;
		else if (stash_types[col] == INT8OID)
			row->values[col] = value;
		else
		{
			/* count the detoasted size: a toast pointer is 18 bytes whatever it points to */
			row->values[col] = PointerGetDatum(DatumGetTextPCopy(value));
			StashBytes += VARSIZE(DatumGetPointer(row->values[col]));
		}
	}
	MemoryContextSwitchTo(old);
	if (StashCount >= STASH_MAX_RECORDS || StashBytes >= STASH_MAX_BYTES)
		StashFlush();
	return PointerGetDatum(NULL);
}

/*
 * Land what is left in the stash and return the counts (ingested, duplicates,
 * rejected) of the whole statement; resets them.
 */
Datum
ingest_staged_flush(PG_FUNCTION_ARGS)
{
	TupleDesc	tupdesc;
	Datum		values[3];
	bool		nulls[3] = {false, false, false};

	if (get_call_result_type(fcinfo, NULL, &tupdesc) != TYPEFUNC_COMPOSITE)
		elog(ERROR, "return type must be a row type");
	tupdesc = BlessTupleDesc(tupdesc);
	if (StashContext != NULL)
		StashFlush();
	for (int k = 0; k < 3; k++)
		values[k] = Int64GetDatum(FlushedCounts[k]);
	memset(FlushedCounts, 0, sizeof(FlushedCounts));
	PG_RETURN_DATUM(HeapTupleGetDatum(heap_form_tuple(tupdesc, values, nulls)));
}

/*
 * 0.1.0's tweetlda.staged_records(): the stashed raw records as text[],
 * emptying the stash.  Kept so that the 0.1.0 install script still loads.
 */
Datum
ingest_staged_records(PG_FUNCTION_ARGS)
{
	ArrayType  *raws;

	if (StashContext == NULL)
		StashReset();
	raws = StashColumn(0);
	StashReset();
	PG_RETURN_ARRAYTYPE_P(raws);
}

/* 0.1.0's tweetlda.staged_counts(): the counts of the chunks landed so far; resets them */
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
