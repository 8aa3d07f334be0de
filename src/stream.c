/*
 * stream.c
 *		The stream worker: a background worker that scores landed tweets in
 *		micro-batches by calling tweetlda.process_pending() every trigger interval.
 *
 * Two ways to run it:
 *
 *	- dynamic: tweetlda.start_stream() (see src/sql/60_stream.sql) calls
 *	  tweetlda.stream_launch(), which registers a dynamic background worker for
 *	  the current database, running as the calling role.  This needs no
 *	  shared_preload_libraries.  bgw_restart_time makes the postmaster restart the
 *	  worker after a crash (also after a crash-and-restart cycle of the whole
 *	  server), but not after a full server restart.
 *	- static: when the library is preloaded, one worker per database listed in
 *	  tweetlda.stream_databases is registered at postmaster start; it starts (and
 *	  restarts) with the server, and runs unless tweetlda.stop_stream() was called
 *	  in that database.
 *
 * All state lives in the table tweetlda.stream_state (desired state, trigger
 * interval, batch size, counters, last error), so that it survives restarts and
 * tweetlda.stream_status() works without shared memory.  At most one worker runs
 * per database: each worker holds a session-level advisory lock while it runs;
 * a dynamic worker that cannot get it exits, a static one waits for it.
 *
 * Each batch runs in its own transaction: the claim of pending tweets, their
 * scores and the counters commit together or not at all, which together with
 * the queue design of process_pending gives exactly-once scoring across crashes.
 * An error in a batch is caught, logged, recorded in stream_state.last_error, and
 * the worker goes on after the next interval (process_pending itself isolates a
 * tweet that cannot be scored and moves it to tweetlda.rejected).
 */
#include "postgres.h"

#include <math.h>

#include "access/xact.h"
#include "commands/dbcommands.h"
#include "executor/spi.h"
#include "fmgr.h"
#include "miscadmin.h"
#include "pgstat.h"
#include "postmaster/bgworker.h"
#include "postmaster/interrupt.h"
#include "storage/ipc.h"
#include "storage/latch.h"
#include "storage/procarray.h"
#include "tcop/tcopprot.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/guc.h"
#include "utils/memutils.h"
#include "utils/snapmgr.h"
#include "utils/timestamp.h"
#include "utils/lsyscache.h"
#include "utils/varlena.h"

#include "stream.h"
#include "tweetlda.h"

/* Advisory lock key (in the worker's database) held by the running stream worker */
#define STREAM_LOCK_KEY			"7412390451"

/* Seconds before the postmaster restarts a crashed worker */
#define STREAM_RESTART_SECONDS	5

/* Longest sleep between two looks at tweetlda.stream_state (stop requests) */
#define STREAM_POLL_MS			1000

/* How long a static worker waits before looking again for the extension or the lock */
#define STREAM_IDLE_MS			5000

/* An unchanged error is logged again only after this many milliseconds */
#define STREAM_ERROR_RELOG_MS	60000

#define STREAM_MAX_DATABASES	32

/* Number of the first topic (tweetlda.topics arrays are 1-based, like SQL arrays) */
#define TOPIC_FIRST				1

/* What the worker gets in bgw_extra */
typedef struct StreamWorkerArgs
{
	bool		is_static;		/* registered at postmaster start */
	Oid			dboid;			/* dynamic: database to connect to */
	Oid			roleoid;		/* dynamic: role to run as */
	TransactionId starter_xid;	/* dynamic: transaction of start_stream() */
	char		dbname[NAMEDATALEN];	/* static: database to connect to */
} StreamWorkerArgs;

StaticAssertDecl(sizeof(StreamWorkerArgs) <= BGW_EXTRALEN,
				 "StreamWorkerArgs must fit in bgw_extra");

/* The configuration read from tweetlda.stream_state */
typedef struct StreamConfig
{
	bool		present;		/* the extension is installed */
	bool		enabled;		/* desired state (NULL in the table counts as true) */
	bool		explicit_state; /* enabled was set by start_stream/stop_stream */
	int64		interval_ms;
	int32		batch_size;
} StreamConfig;

/* GUC: databases whose stream starts with the server (preloaded library only) */
static char *stream_databases = NULL;

/* The worker's database name, for its log messages */
static char stream_dbname[NAMEDATALEN];

PGDLLEXPORT void StreamWorkerMain(Datum main_arg);

PG_FUNCTION_INFO_V1(stream_launch);

/* Fill the parts of a worker registration common to static and dynamic workers */
static void
StreamFillWorker(BackgroundWorker *worker, const StreamWorkerArgs *args)
{
	memset(worker, 0, sizeof(*worker));
	worker->bgw_flags = BGWORKER_SHMEM_ACCESS | BGWORKER_BACKEND_DATABASE_CONNECTION;
	worker->bgw_start_time = BgWorkerStart_RecoveryFinished;
	worker->bgw_restart_time = STREAM_RESTART_SECONDS;
	strlcpy(worker->bgw_library_name, "tweetlda", BGW_MAXLEN);
	strlcpy(worker->bgw_function_name, "StreamWorkerMain", BGW_MAXLEN);
	strlcpy(worker->bgw_type, "tweetlda stream", BGW_MAXLEN);
	memcpy(worker->bgw_extra, args, sizeof(*args));
}

/* Register one static worker per database named in tweetlda.stream_databases */
static void
StreamRegisterStaticWorkers(void)
{
	char	   *copy;
	List	   *names;
	ListCell   *lc;

	if (stream_databases == NULL || stream_databases[0] == '\0')
		return;
	copy = pstrdup(stream_databases);
	if (!SplitIdentifierString(copy, ',', &names))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("invalid list syntax in parameter \"tweetlda.stream_databases\"")));
	foreach(lc, names)
	{
		BackgroundWorker worker;
		StreamWorkerArgs args;

		memset(&args, 0, sizeof(args));
		args.is_static = true;
		strlcpy(args.dbname, (char *) lfirst(lc), NAMEDATALEN);
		StreamFillWorker(&worker, &args);
		snprintf(worker.bgw_name, BGW_MAXLEN, "tweetlda stream for database \"%s\"",
				 args.dbname);
		RegisterBackgroundWorker(&worker);
	}
}

/* Check the syntax and length of tweetlda.stream_databases */
static bool
StreamCheckDatabases(char **newval, void **extra, GucSource source)
{
	char	   *copy;
	List	   *names;
	bool		ok;

	if (*newval == NULL)
		return true;
	copy = pstrdup(*newval);
	ok = SplitIdentifierString(copy, ',', &names);
	if (!ok)
		GUC_check_errdetail("List syntax is invalid.");
	else if (list_length(names) > STREAM_MAX_DATABASES)
	{
		GUC_check_errdetail("At most %d databases can be listed.", STREAM_MAX_DATABASES);
		ok = false;
	}
	list_free(names);
	pfree(copy);
	return ok;
}

/*
 * When preloaded, define tweetlda.stream_databases and register the static
 * workers; the GUC is PGC_POSTMASTER, so it exists only in a preloaded library.
 */
void
StreamInit(void)
{
	if (!process_shared_preload_libraries_in_progress)
		return;
	DefineCustomStringVariable("tweetlda.stream_databases",
							   "Databases whose tweet stream worker starts with the server.",
							   "Comma-separated database names; only used when tweetlda is "
							   "in shared_preload_libraries.",
							   &stream_databases,
							   "",
							   PGC_POSTMASTER,
							   GUC_LIST_INPUT,
							   StreamCheckDatabases, NULL, NULL);
	MarkGUCPrefixReserved("tweetlda");
	StreamRegisterStaticWorkers();
}

/* Register a dynamic stream worker for this database and role; return its pid */
Datum
stream_launch(PG_FUNCTION_ARGS)
{
	BackgroundWorker worker;
	BackgroundWorkerHandle *handle;
	StreamWorkerArgs args;
	pid_t		pid;

	memset(&args, 0, sizeof(args));
	args.is_static = false;
	args.dboid = MyDatabaseId;
	args.roleoid = GetUserId();
	args.starter_xid = GetTopTransactionId();
	StreamFillWorker(&worker, &args);
	snprintf(worker.bgw_name, BGW_MAXLEN, "tweetlda stream for database \"%s\"",
			 get_database_name(MyDatabaseId));
	worker.bgw_notify_pid = MyProcPid;

	if (!RegisterDynamicBackgroundWorker(&worker, &handle))
		ereport(ERROR,
				(errcode(ERRCODE_CONFIGURATION_LIMIT_EXCEEDED),
				 errmsg("could not register the tweetlda stream worker"),
				 errdetail("All background worker slots are in use."),
				 errhint("Raise max_worker_processes (needs a server restart).")));
	if (WaitForBackgroundWorkerStartup(handle, &pid) != BGWH_STARTED)
		ereport(ERROR,
				(errcode(ERRCODE_INSUFFICIENT_RESOURCES),
				 errmsg("could not start the tweetlda stream worker"),
				 errhint("See the server log for details.")));
	PG_RETURN_INT32((int32) pid);
}

/* Sleep on the latch for at most ms milliseconds (or until it is set) */
static void
StreamSleep(long ms)
{
	(void) WaitLatch(MyLatch, WL_LATCH_SET | WL_TIMEOUT | WL_EXIT_ON_PM_DEATH,
					 Max(ms, 1), PG_WAIT_EXTENSION);
	ResetLatch(MyLatch);
	CHECK_FOR_INTERRUPTS();
	if (ConfigReloadPending)
	{
		ConfigReloadPending = false;
		ProcessConfigFile(PGC_SIGHUP);
	}
}

/* Start a transaction with a snapshot and an SPI connection, as a query would */
static void
StreamBeginTx(const char *activity)
{
	SetCurrentStatementStartTimestamp();
	StartTransactionCommand();
	if (SPI_connect() != SPI_OK_CONNECT)
		elog(ERROR, "SPI_connect failed");
	PushActiveSnapshot(GetTransactionSnapshot());
	pgstat_report_activity(STATE_RUNNING, activity);
}

/* Commit what StreamBeginTx started */
static void
StreamCommitTx(void)
{
	SPI_finish();
	PopActiveSnapshot();
	CommitTransactionCommand();
	pgstat_report_stat(false);
	pgstat_report_activity(STATE_IDLE, NULL);
}

/* Run a query that returns one row of one column; true and *value if not NULL */
static bool
StreamQueryDatum(const char *sql, int nargs, Oid *argtypes, Datum *values, Datum *value)
{
	bool		isnull;

	if (SPI_execute_with_args(sql, nargs, argtypes, values, NULL, false, 0) < 0)
		elog(ERROR, "SPI_execute_with_args failed: %s", sql);
	if (SPI_processed != 1)
		return false;
	*value = SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1, &isnull);
	return !isnull;
}

/* Read the stream configuration (inside a transaction) */
static void
StreamReadConfig(StreamConfig *cfg)
{
	Datum		d;
	bool		isnull;
	HeapTuple	tup;
	TupleDesc	desc;

	memset(cfg, 0, sizeof(*cfg));
	if (!StreamQueryDatum("SELECT to_regclass('tweetlda.stream_state') IS NOT NULL",
						  0, NULL, NULL, &d) || !DatumGetBool(d))
		return;
	if (SPI_execute("SELECT enabled, "
					"(extract(epoch FROM trigger_interval) * 1000)::int8, batch_size "
					"FROM tweetlda.stream_state", true, 1) != SPI_OK_SELECT ||
		SPI_processed != 1)
		return;
	cfg->present = true;
	tup = SPI_tuptable->vals[0];
	desc = SPI_tuptable->tupdesc;
	d = SPI_getbinval(tup, desc, 1, &isnull);
	cfg->explicit_state = !isnull;
	cfg->enabled = isnull || DatumGetBool(d);
	d = SPI_getbinval(tup, desc, 2, &isnull);
	cfg->interval_ms = isnull ? 1000 : DatumGetInt64(d);
	d = SPI_getbinval(tup, desc, 3, &isnull);
	cfg->batch_size = isnull ? 10000 : DatumGetInt32(d);
}

/* Whether this worker should run now: dynamic workers need an explicit start */
static bool
StreamShouldRun(const StreamWorkerArgs *args, const StreamConfig *cfg)
{
	if (!cfg->present)
		return false;
	if (args->is_static)
		return cfg->enabled;
	return cfg->explicit_state && cfg->enabled;
}

/* Try to become the one stream worker of this database (session advisory lock) */
static bool
StreamTryLock(void)
{
	Datum		d;
	bool		got;

	StreamBeginTx("tweetlda stream: taking the stream lock");
	got = StreamQueryDatum("SELECT pg_catalog.pg_try_advisory_lock(" STREAM_LOCK_KEY ")",
						   0, NULL, NULL, &d) && DatumGetBool(d);
	StreamCommitTx();
	return got;
}

/* Wait until the transaction that called start_stream() has ended */
static void
StreamWaitForStarter(TransactionId xid)
{
	for (;;)
	{
		bool		running;

		StartTransactionCommand();
		running = TransactionIdIsValid(xid) && TransactionIdIsInProgress(xid);
		CommitTransactionCommand();
		if (!running)
			return;
		StreamSleep(10);
	}
}

/* Score one micro-batch and count it, in one transaction; return the rows scored */
static int32
StreamRunBatch(int32 batch_size)
{
	Oid			argtypes[2] = {INT4OID, INT8OID};
	Datum		values[2];
	Datum		d;
	int32		rows;
	TimestampTz start = GetCurrentTimestamp();

	StreamBeginTx("SELECT tweetlda.process_pending($1)");
	values[0] = Int32GetDatum(batch_size);
	if (!StreamQueryDatum("SELECT tweetlda.process_pending($1)", 1, argtypes, values, &d))
		elog(ERROR, "tweetlda.process_pending returned no value");
	rows = DatumGetInt32(d);
	if (rows > 0)
	{
		values[0] = Int32GetDatum(rows);
		values[1] = Int64GetDatum((GetCurrentTimestamp() - start) / 1000);
		if (SPI_execute_with_args("UPDATE tweetlda.stream_state SET "
								  "batches = batches + 1, rows_scored = rows_scored + $1, "
								  "last_batch_at = pg_catalog.now(), last_batch_rows = $1, "
								  "last_batch_ms = $2, last_error = NULL, last_error_at = NULL",
								  2, argtypes, values, NULL, false, 0) != SPI_OK_UPDATE)
			elog(ERROR, "could not update tweetlda.stream_state");
	}
	StreamCommitTx();
	return rows;
}

/* Record a batch error in tweetlda.stream_state (own transaction) */
static void
StreamRecordError(const char *message)
{
	Oid			argtypes[1] = {TEXTOID};
	Datum		values[1];

	StreamBeginTx("tweetlda stream: recording an error");
	values[0] = CStringGetTextDatum(message);
	if (SPI_execute_with_args("UPDATE tweetlda.stream_state SET errors = errors + 1, "
							  "last_error = $1, last_error_at = pg_catalog.now()",
							  1, argtypes, values, NULL, false, 0) != SPI_OK_UPDATE)
		elog(ERROR, "could not update tweetlda.stream_state");
	StreamCommitTx();
}

/*
 * Run one batch, catching any error the way autovacuum does: report it, abort
 * the transaction, record it.  Returns the rows scored, -1 after an error.
 */
static int32
StreamRunBatchSafely(int32 batch_size, MemoryContext loopcxt, char **last_error,
					 TimestampTz *last_logged)
{
	volatile int32 rows = -1;

	PG_TRY();
	{
		rows = StreamRunBatch(batch_size);
	}
	PG_CATCH();
	{
		ErrorData  *edata;
		TimestampTz now = GetCurrentTimestamp();
		bool		repeat;

		HOLD_INTERRUPTS();
		MemoryContextSwitchTo(loopcxt);
		edata = CopyErrorData();
		repeat = *last_error != NULL && strcmp(*last_error, edata->message) == 0 &&
			!TimestampDifferenceExceeds(*last_logged, now, STREAM_ERROR_RELOG_MS);
		if (!repeat)
		{
			EmitErrorReport();
			*last_logged = now;
		}
		AbortOutOfAnyTransaction();
		FlushErrorState();
		pgstat_report_activity(STATE_IDLE, NULL);
		RESUME_INTERRUPTS();
		if (*last_error)
			pfree(*last_error);
		*last_error = MemoryContextStrdup(TopMemoryContext, edata->message);
		StreamRecordError(edata->message);
		rows = -1;
	}
	PG_END_TRY();
	return rows;
}

/* Connect to the worker's database as its role */
static void
StreamConnect(const StreamWorkerArgs *args)
{
	if (args->is_static)
		BackgroundWorkerInitializeConnection(args->dbname, NULL, 0);
	else
		BackgroundWorkerInitializeConnectionByOid(args->dboid, args->roleoid, 0);
	StartTransactionCommand();
	strlcpy(stream_dbname, get_database_name(MyDatabaseId), NAMEDATALEN);
	CommitTransactionCommand();
}

/* Read the configuration in a short transaction of its own */
static void
StreamReadConfigTx(StreamConfig *cfg)
{
	StreamBeginTx("tweetlda stream: reading tweetlda.stream_state");
	StreamReadConfig(cfg);
	StreamCommitTx();
}

/*
 * Wait until this worker may run: the extension is installed, the stream is
 * enabled and no other stream worker holds the lock.  A dynamic worker that
 * finds the stream disabled or taken exits for good (exit code 0).
 */
static void
StreamWaitUntilRunnable(const StreamWorkerArgs *args, StreamConfig *cfg)
{
	for (;;)
	{
		StreamReadConfigTx(cfg);
		if (StreamShouldRun(args, cfg) && StreamTryLock())
			return;
		if (!args->is_static)
			proc_exit(0);
		StreamSleep(STREAM_IDLE_MS);
	}
}

/* The worker's main loop: a batch each trigger interval, at once after a full batch */
static void
StreamLoop(const StreamWorkerArgs *args)
{
	MemoryContext loopcxt;
	StreamConfig cfg;
	char	   *last_error = NULL;
	TimestampTz last_logged = 0;
	TimestampTz next_batch = 0;

	loopcxt = AllocSetContextCreate(TopMemoryContext, "tweetlda stream loop",
									ALLOCSET_DEFAULT_SIZES);
	StreamWaitUntilRunnable(args, &cfg);
	ereport(LOG, (errmsg("tweetlda stream worker started in database \"%s\"",
						 stream_dbname)));
	for (;;)
	{
		TimestampTz now;
		int32		rows;

		MemoryContextReset(loopcxt);
		MemoryContextSwitchTo(loopcxt);
		StreamReadConfigTx(&cfg);
		if (!StreamShouldRun(args, &cfg))
			break;
		now = GetCurrentTimestamp();
		if (now < next_batch)
		{
			StreamSleep(Min((next_batch - now) / 1000, STREAM_POLL_MS));
			continue;
		}
		next_batch = now + cfg.interval_ms * 1000;
		rows = StreamRunBatchSafely(cfg.batch_size, loopcxt, &last_error, &last_logged);
		if (rows >= 0 && last_error != NULL)
		{
			pfree(last_error);
			last_error = NULL;
		}
		if (rows >= cfg.batch_size)
			next_batch = 0;
		CHECK_FOR_INTERRUPTS();
	}
	ereport(LOG, (errmsg("tweetlda stream worker stopped in database \"%s\"",
						 stream_dbname)));
}

/* Entry point of the stream worker */
void
StreamWorkerMain(Datum main_arg)
{
	StreamWorkerArgs args;

	memcpy(&args, MyBgworkerEntry->bgw_extra, sizeof(args));
	pqsignal(SIGHUP, SignalHandlerForConfigReload);
	pqsignal(SIGTERM, die);
	BackgroundWorkerUnblockSignals();

	StreamConnect(&args);
	pgstat_report_appname("tweetlda stream");
	if (!args.is_static)
		StreamWaitForStarter(args.starter_xid);

	for (;;)
	{
		StreamLoop(&args);
		/* stopped by stop_stream(): a dynamic worker ends, a static one waits */
		if (!args.is_static)
			proc_exit(0);
		StreamBeginTx("tweetlda stream: releasing the stream lock");
		(void) SPI_execute("SELECT pg_catalog.pg_advisory_unlock(" STREAM_LOCK_KEY ")",
						   false, 0);
		StreamCommitTx();
	}
}

PG_FUNCTION_INFO_V1(topic_argmax);

/* The 1-based index of the largest element of a real[] (NULL elements skipped) */
Datum
topic_argmax(PG_FUNCTION_ARGS)
{
	ArrayType  *arr = PG_GETARG_ARRAYTYPE_P(0);
	Datum	   *elems;
	bool	   *nulls;
	int			n;
	int			best = -1;
	float4		bestval = 0;

	if (ARR_NDIM(arr) > 1)
		ereport(ERROR,
				(errcode(ERRCODE_ARRAY_SUBSCRIPT_ERROR),
				 errmsg("topic array must have one dimension"),
				 errdetail("The array has %d dimensions.", ARR_NDIM(arr))));
	deconstruct_array(arr, FLOAT4OID, sizeof(float4), true, TYPALIGN_INT,
					  &elems, &nulls, &n);
	for (int i = 0; i < n; i++)
	{
		float4		v = DatumGetFloat4(elems[i]);

		if (nulls[i] || isnan(v))
			continue;
		if (best < 0 || v > bestval)
		{
			best = i;
			bestval = v;
		}
	}
	if (best < 0)
		PG_RETURN_NULL();
	PG_RETURN_INT32(best + TOPIC_FIRST);
}
