/*
 * stream.c
 *		The stream worker: a background worker that scores landed tweets in
 *		micro-batches by calling tweetlda.process_pending() every trigger interval.
 *
 * Two ways to run it:
 *
 *	- dynamic: tweetlda.start_stream() (see src/sql/60_stream.sql) calls
 *	  tweetlda.stream_launch(), which registers a dynamic background worker for
 *	  the current database.  This needs no shared_preload_libraries.
 *	- static: when the library is preloaded, one worker per database listed in
 *	  tweetlda.stream_databases is registered at postmaster start; it runs when
 *	  the server starts unless tweetlda.stop_stream() was called in that database.
 *
 * Security (doc/security.md): the worker connects as the bootstrap superuser
 * (PostgreSQL 15 starts no background worker as a NOLOGIN role), pins
 * search_path to pg_catalog, pg_temp, and before it runs any SQL becomes the
 * NOLOGIN role tweetlda_stream inside a security-restricted operation.  Every
 * statement it runs names its functions and operators with their schema.
 *
 * All state lives in the table tweetlda.stream_state (desired state, trigger
 * interval, batch size, counters, last error, the running worker's pid), so
 * that it survives restarts and tweetlda.stream_status() works without shared
 * memory.  At most one worker runs per database: a worker records its pid in
 * stream_state.worker_pid, unless a live stream worker of the database (a
 * background worker of type "tweetlda stream") is recorded there already.
 *
 * A worker exits with code 0, and is not restarted, whenever it does not serve
 * the stream: stopped, extension missing, another worker running, SIGTERM
 * (pg_terminate_backend, DROP DATABASE ... WITH (FORCE)), or an error outside a
 * batch (read-only database, missing privilege).  Only a crash restarts it (the
 * postmaster, after bgw_restart_time, or at once after a crash-restart cycle).
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
#include <signal.h>

#include "access/xact.h"
#include "catalog/namespace.h"
#include "catalog/pg_authid.h"
#include "commands/dbcommands.h"
#include "executor/spi.h"
#include "fmgr.h"
#include "miscadmin.h"
#include "pgstat.h"
#include "postmaster/bgworker.h"
#include "postmaster/interrupt.h"
#include "storage/ipc.h"
#include "storage/latch.h"
#include "storage/proc.h"
#include "storage/procarray.h"
#include "tcop/tcopprot.h"
#include "utils/acl.h"
#include "utils/array.h"
#include "utils/backend_status.h"
#include "utils/builtins.h"
#include "utils/guc.h"
#include "utils/memutils.h"
#include "utils/snapmgr.h"
#include "utils/syscache.h"
#include "utils/timestamp.h"
#include "utils/lsyscache.h"
#include "utils/varlena.h"

#include "stream.h"
#include "tweetlda.h"

/* The role every statement of the worker runs as (created by src/sql/60_stream.sql) */
#define STREAM_ROLE				"tweetlda_stream"

/* bgw_type of the worker: how tweetlda.stream_backend_is_worker() recognizes it */
#define STREAM_BGW_TYPE			"tweetlda stream"

/* The worker's search_path: no schema that a database owner or a plain role can create in */
#define STREAM_SEARCH_PATH		"pg_catalog, pg_temp"

/* The advisory lock key of 0.1.0, used only while the extension's schema is still 0.1.0 */
#define STREAM_LOCK_KEY_V010	"7412390451"

/* Seconds before the postmaster restarts a crashed worker */
#define STREAM_RESTART_SECONDS	5

/* Longest sleep between two looks at tweetlda.stream_state */
#define STREAM_POLL_MS			1000

/* How long a new worker tries to take over from one that is stopping, and how often */
#define STREAM_TAKEOVER_MS		3000
#define STREAM_TAKEOVER_STEP_MS 100

/* An unchanged error is logged again only after this many milliseconds */
#define STREAM_ERROR_RELOG_MS	60000

#define STREAM_MAX_DATABASES	32

/* Limits of stream_state.batch_size (as start_stream() and the table's CHECK say) */
#define STREAM_MIN_BATCH		1
#define STREAM_MAX_BATCH		1000000

/* What the worker gets in bgw_extra */
typedef struct StreamWorkerArgs
{
	bool		is_static;		/* registered at postmaster start */
	Oid			dboid;			/* dynamic: database to connect to */
	Oid			roleoid;		/* dynamic: role that called start_stream() */
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
	int32		worker_pid;		/* the worker recorded in stream_state (0: none) */
	int64		interval_ms;
	int32		batch_size;
} StreamConfig;

/* One micro-batch: its size and the rows it scored */
typedef struct StreamBatch
{
	int32		batch_size;
	int32		rows;
} StreamBatch;

/* A step of the worker, run in a transaction of its own by StreamTry() */
typedef void (*StreamStep) (void *arg);

/* GUC: databases whose stream starts with the server (preloaded library only) */
static char *stream_databases = NULL;

/* The worker's database name, for its log messages */
static char stream_dbname[NAMEDATALEN];

/*
 * Whether the extension's schema records the worker in stream_state.worker_pid
 * (0.2.0 on); with the 0.1.0 schema the worker uses 0.1.0's advisory lock.
 */
static bool stream_claims = true;

/* Set by the worker's signal handlers */
static volatile sig_atomic_t stream_terminate = false;	/* SIGTERM: end the worker */
static volatile sig_atomic_t stream_recheck = false;	/* SIGUSR2: stop_stream() committed */
static volatile sig_atomic_t stream_in_sql = false;	/* a transaction of the worker runs */

/* The last error written to the log, and when (a repeat is logged once a minute) */
static char *stream_last_error = NULL;
static TimestampTz stream_last_logged = 0;

/* In a backend that called stream_notify_stop(): the worker to signal at commit */
static pid_t stream_stop_pid = 0;
static bool stream_callback_registered = false;

PGDLLEXPORT void StreamWorkerMain(Datum main_arg);

static Oid	StreamStateRelid(void);

PG_FUNCTION_INFO_V1(stream_launch);
PG_FUNCTION_INFO_V1(stream_backend_is_worker);
PG_FUNCTION_INFO_V1(stream_notify_stop);

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
	strlcpy(worker->bgw_type, STREAM_BGW_TYPE, BGW_MAXLEN);
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

/* Register a dynamic stream worker for this database; return its pid */
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

/*
 * Whether pid is a stream worker of this database: a background worker of type
 * "tweetlda stream", which no role can start but through this library.  This
 * is the worker's identity (0.1.0 used an advisory lock, which any role can take).
 */
static bool
StreamBackendIsWorker(int pid)
{
	PGPROC	   *proc = BackendPidGetProc(pid);
	const char *type;

	if (proc == NULL || proc->databaseId != MyDatabaseId)
		return false;
	type = GetBackgroundWorkerTypeByPid((pid_t) pid);
	return type != NULL && strcmp(type, STREAM_BGW_TYPE) == 0;
}

/* SQL: whether pid is a running stream worker of this database */
Datum
stream_backend_is_worker(PG_FUNCTION_ARGS)
{
	PG_RETURN_BOOL(StreamBackendIsWorker(PG_GETARG_INT32(0)));
}

/* At commit of stop_stream(): tell the worker to read tweetlda.stream_state now */
static void
StreamStopCallback(XactEvent event, void *arg)
{
	if (stream_stop_pid == 0)
		return;
	if (event == XACT_EVENT_COMMIT && StreamBackendIsWorker(stream_stop_pid))
		(void) kill(stream_stop_pid, SIGUSR2);
	if (event == XACT_EVENT_COMMIT || event == XACT_EVENT_ABORT ||
		event == XACT_EVENT_PARALLEL_COMMIT || event == XACT_EVENT_PARALLEL_ABORT ||
		event == XACT_EVENT_PREPARE)
		stream_stop_pid = 0;
}

/*
 * SQL: when this transaction commits, make the stream worker pid end its
 * batch and read tweetlda.stream_state again (stop_stream() acts at once, even
 * in the middle of a long batch, whose claim is undone).  False when pid is
 * not a stream worker of this database.
 */
Datum
stream_notify_stop(PG_FUNCTION_ARGS)
{
	int32		pid = PG_GETARG_INT32(0);
	Oid			relid = StreamStateRelid();

	/* else any role could cancel every batch, and the stream would never score */
	if (!OidIsValid(relid) || pg_class_aclcheck(relid, GetUserId(), ACL_UPDATE) != ACLCHECK_OK)
		ereport(ERROR,
				(errcode(ERRCODE_INSUFFICIENT_PRIVILEGE),
				 errmsg("permission denied to signal the tweetlda stream worker"),
				 errdetail("Only roles that may update tweetlda.stream_state may stop the stream.")));
	if (!StreamBackendIsWorker(pid))
		PG_RETURN_BOOL(false);
	if (!stream_callback_registered)
	{
		RegisterXactCallback(StreamStopCallback, NULL);
		stream_callback_registered = true;
	}
	stream_stop_pid = (pid_t) pid;
	PG_RETURN_BOOL(true);
}

/*
 * The worker's signals.  SIGTERM does not use die(): die() ends the worker with
 * FATAL, that is exit code 1, which the postmaster answers with a restart (after
 * DROP DATABASE ... WITH (FORCE), forever).  Instead, a signal that must end the
 * running transaction sets the flags of a query cancel, so that the next
 * CHECK_FOR_INTERRUPTS() (the executor checks per row; the text functions
 * check while they work) raises an error that the worker catches: the batch
 * ends within about a second, its claim is undone, and the worker exits with
 * code 0 (SIGTERM) or reads its state again (SIGUSR2).  plpgsql's WHEN OTHERS
 * does not catch a query cancel, so process_pending() cannot swallow it.
 */
static void
StreamInterrupt(void)
{
	if (stream_in_sql)
	{
		QueryCancelPending = true;
		InterruptPending = true;
	}
	SetLatch(MyLatch);
}

/* SIGTERM (pg_terminate_backend, DROP DATABASE ... WITH (FORCE), shutdown): end promptly */
static void
StreamSigterm(SIGNAL_ARGS)
{
	int			save_errno = errno;

	stream_terminate = true;
	StreamInterrupt();
	errno = save_errno;
}

/* SIGUSR2 (stop_stream() committed): end the batch and read the state again */
static void
StreamSigusr2(SIGNAL_ARGS)
{
	int			save_errno = errno;

	stream_recheck = true;
	StreamInterrupt();
	errno = save_errno;
}

/* SIGINT (pg_cancel_backend): cancel the running batch, never the worker itself */
static void
StreamSigint(SIGNAL_ARGS)
{
	int			save_errno = errno;

	StreamInterrupt();
	errno = save_errno;
}

/* End the worker for good: exit code 0, so that the postmaster does not restart it */
static void
StreamExit(const char *why)
{
	if (why != NULL)
		ereport(LOG,
				(errmsg("tweetlda stream worker stopped in database \"%s\"", stream_dbname),
				 errdetail_internal("%s", why)));
	proc_exit(0);
}

/* Sleep on the latch for at most ms milliseconds (or until it is set) */
static void
StreamSleep(long ms)
{
	(void) WaitLatch(MyLatch, WL_LATCH_SET | WL_TIMEOUT | WL_EXIT_ON_PM_DEATH,
					 Max(ms, 1), PG_WAIT_EXTENSION);
	ResetLatch(MyLatch);
	CHECK_FOR_INTERRUPTS();
	if (stream_terminate)
		StreamExit("The worker received SIGTERM.");
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
	stream_in_sql = true;
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
	stream_in_sql = false;
	/* a cancel that came too late for this transaction must not hit the next one */
	QueryCancelPending = false;
	pgstat_report_stat(false);
	pgstat_report_activity(STATE_IDLE, NULL);
}

/* Whether an error caught by StreamTry() goes to the log now */
static bool
StreamShouldLog(const ErrorData *edata)
{
	TimestampTz now = GetCurrentTimestamp();

	/* the cancel that SIGTERM or stop_stream() asked for is not an error */
	if (edata->sqlerrcode == ERRCODE_QUERY_CANCELED && (stream_terminate || stream_recheck))
		return false;
	if (stream_last_error != NULL && strcmp(stream_last_error, edata->message) == 0 &&
		!TimestampDifferenceExceeds(stream_last_logged, now, STREAM_ERROR_RELOG_MS))
		return false;
	if (stream_last_error != NULL)
		pfree(stream_last_error);
	stream_last_error = MemoryContextStrdup(TopMemoryContext, edata->message);
	stream_last_logged = now;
	return true;
}

/*
 * Run step in a transaction of its own, catching any error the way autovacuum
 * does: log it (unless it repeats the last one within a minute), abort the
 * transaction.  Returns NULL on success, else a copy of the error in the
 * caller's memory context.
 */
static ErrorData *
StreamTry(StreamStep step, void *arg, const char *activity)
{
	MemoryContext cxt = CurrentMemoryContext;
	ErrorData  *volatile edata = NULL;

	PG_TRY();
	{
		StreamBeginTx(activity);
		step(arg);
		StreamCommitTx();
	}
	PG_CATCH();
	{
		HOLD_INTERRUPTS();
		stream_in_sql = false;
		MemoryContextSwitchTo(cxt);
		edata = CopyErrorData();
		if (StreamShouldLog(edata))
			EmitErrorReport();
		FlushErrorState();
		AbortOutOfAnyTransaction();
		QueryCancelPending = false;
		pgstat_report_activity(STATE_IDLE, NULL);
		RESUME_INTERRUPTS();
	}
	PG_END_TRY();
	MemoryContextSwitchTo(cxt);
	return edata;
}

/* Whether an error is the cancel that stop_stream() asked for (then: read the state again) */
static bool
StreamIsRecheck(const ErrorData *edata)
{
	return stream_recheck && edata->sqlerrcode == ERRCODE_QUERY_CANCELED;
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

/* The OID of tweetlda.stream_state, InvalidOid when the extension is not installed */
static Oid
StreamStateRelid(void)
{
	Oid			nsp = get_namespace_oid("tweetlda", true);

	return OidIsValid(nsp) ? get_relname_relid("stream_state", nsp) : InvalidOid;
}

/* Whether the extension's schema has stream_state.worker_pid (0.2.0 on) */
static bool
StreamSchemaClaims(Oid relid)
{
	return OidIsValid(relid) && get_attnum(relid, "worker_pid") != InvalidAttrNumber;
}

/* An interval in milliseconds, months counted as 30 days like extract(epoch ...) */
static int64
StreamIntervalMs(const Interval *iv)
{
	int64		days = (int64) iv->month * DAYS_PER_MONTH + iv->day;

	/* far beyond the 1 day that start_stream() allows, and no overflow below */
	days = Max(Min(days, 1000000), -1000000);

	return (days * USECS_PER_DAY + iv->time) / 1000;
}

/*
 * Step: read the configuration.  The query names no function and no operator
 * (the interval is converted here), so nothing of the search_path can run.
 */
static void
StreamReadConfigStep(void *arg)
{
	StreamConfig *cfg = (StreamConfig *) arg;
	Oid			relid = StreamStateRelid();
	Datum		d;
	bool		isnull;
	HeapTuple	tup;
	TupleDesc	desc;

	memset(cfg, 0, sizeof(*cfg));
	if (!OidIsValid(relid))
		return;
	if (!stream_claims && StreamSchemaClaims(relid))
	{
		/* ALTER EXTENSION tweetlda UPDATE ran: restart as the 0.2.0 worker */
		ereport(LOG,
				(errmsg("tweetlda was updated in database \"%s\": the stream worker restarts",
						stream_dbname)));
		proc_exit(1);
	}
	if (SPI_execute(stream_claims ?
					"SELECT enabled, trigger_interval, batch_size, worker_pid "
					"FROM tweetlda.stream_state" :
					"SELECT enabled, trigger_interval, batch_size, NULL::pg_catalog.int4 "
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
	cfg->interval_ms = isnull ? 1000 : StreamIntervalMs(DatumGetIntervalP(d));
	d = SPI_getbinval(tup, desc, 3, &isnull);
	cfg->batch_size = isnull ? 10000 : DatumGetInt32(d);
	d = SPI_getbinval(tup, desc, 4, &isnull);
	cfg->worker_pid = isnull ? 0 : DatumGetInt32(d);
	if (cfg->batch_size < STREAM_MIN_BATCH || cfg->batch_size > STREAM_MAX_BATCH)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("invalid batch_size in tweetlda.stream_state: %d", cfg->batch_size),
				 errhint("Call tweetlda.start_stream() with a batch size between %d and %d.",
						 STREAM_MIN_BATCH, STREAM_MAX_BATCH)));
	if (cfg->interval_ms < 1)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("invalid trigger_interval in tweetlda.stream_state"),
				 errhint("Call tweetlda.start_stream() with an interval between 1 millisecond and 1 day.")));
}

/*
 * Read the configuration in a transaction of its own; false after an error
 * (logged).  A read cut short by stop_stream()'s signal is simply done again.
 */
static bool
StreamReadConfig(StreamConfig *cfg)
{
	for (;;)
	{
		ErrorData  *edata = StreamTry(StreamReadConfigStep, cfg,
									  "tweetlda stream: reading tweetlda.stream_state");

		if (edata == NULL)
			return true;
		if (stream_terminate)
			StreamExit("The worker received SIGTERM.");
		if (!StreamIsRecheck(edata))
			return false;
		stream_recheck = false;
	}
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

/* Run one UPDATE of tweetlda.stream_state with arguments (SPI raises its own errors) */
static void
StreamStateUpdate(const char *sql, int nargs, Oid *argtypes, Datum *values)
{
	if (SPI_execute_with_args(sql, nargs, argtypes, values, NULL, false, 0) != SPI_OK_UPDATE)
		elog(ERROR, "could not update tweetlda.stream_state");
}

/*
 * Step: become the one stream worker of this database: record this pid in
 * stream_state.worker_pid unless a live stream worker is recorded there.  The
 * UPDATE re-checks its condition on a row that a concurrent claim changed, so
 * two workers never both succeed.  Only roles that may update stream_state can
 * take or block the claim (0.1.0's advisory lock could be taken by any role).
 */
static void
StreamClaimStep(void *arg)
{
	bool	   *got = (bool *) arg;
	Oid			argtypes[1] = {INT4OID};
	Datum		values[1];
	Datum		d;

	values[0] = Int32GetDatum(MyProcPid);
	if (!stream_claims)
	{
		*got = StreamQueryDatum("SELECT pg_catalog.pg_try_advisory_lock("
								STREAM_LOCK_KEY_V010 ")", 0, NULL, NULL, &d) &&
			DatumGetBool(d);
		return;
	}
	StreamStateUpdate("UPDATE tweetlda.stream_state SET worker_pid = $1 "
					  "WHERE worker_pid IS NULL "
					  "OR worker_pid OPERATOR(pg_catalog.=) $1 "
					  "OR NOT tweetlda.stream_backend_is_worker(worker_pid)",
					  1, argtypes, values);
	*got = SPI_processed == 1;
}

/* Step: give the stream up (clear worker_pid if it is this worker) */
static void
StreamReleaseStep(void *arg)
{
	Oid			argtypes[1] = {INT4OID};
	Datum		values[1];

	if (!stream_claims)
		return;
	values[0] = Int32GetDatum(MyProcPid);
	StreamStateUpdate("UPDATE tweetlda.stream_state SET worker_pid = NULL "
					  "WHERE worker_pid OPERATOR(pg_catalog.=) $1",
					  1, argtypes, values);
}

/*
 * Take over the stream; a worker that finds another one running tries again
 * for a few seconds (that one may be stopping, see start_stream()) and then
 * gives up.  False when another worker runs or the claim failed (logged).
 */
static bool
StreamTakeOver(void)
{
	TimestampTz deadline = TimestampTzPlusMilliseconds(GetCurrentTimestamp(),
													   STREAM_TAKEOVER_MS);

	for (;;)
	{
		bool		got = false;
		ErrorData  *edata = StreamTry(StreamClaimStep, &got,
									  "tweetlda stream: taking over the stream");

		if (stream_terminate)
			StreamExit(NULL);
		if (edata != NULL && !StreamIsRecheck(edata))
			return false;
		if (got)
			return true;
		if (GetCurrentTimestamp() >= deadline)
			return false;
		StreamSleep(STREAM_TAKEOVER_STEP_MS);
	}
}

/* Step: score one micro-batch and count it, in one transaction */
static void
StreamRunBatchStep(void *arg)
{
	StreamBatch *batch = (StreamBatch *) arg;
	Oid			argtypes[2] = {INT4OID, INT8OID};
	Datum		values[2];
	Datum		d;
	TimestampTz start = GetCurrentTimestamp();

	values[0] = Int32GetDatum(batch->batch_size);
	if (!StreamQueryDatum("SELECT tweetlda.process_pending($1)", 1, argtypes, values, &d))
		elog(ERROR, "tweetlda.process_pending returned no value");
	batch->rows = DatumGetInt32(d);
	if (batch->rows <= 0)
		return;
	values[0] = Int32GetDatum(batch->rows);
	values[1] = Int64GetDatum((GetCurrentTimestamp() - start) / 1000);
	StreamStateUpdate("UPDATE tweetlda.stream_state SET "
					  "batches = batches OPERATOR(pg_catalog.+) 1, "
					  "rows_scored = rows_scored OPERATOR(pg_catalog.+) $1, "
					  "last_batch_at = pg_catalog.now(), last_batch_rows = $1, "
					  "last_batch_ms = $2, last_error = NULL, last_error_at = NULL",
					  2, argtypes, values);
}

/* Step: record a batch error in tweetlda.stream_state */
static void
StreamRecordErrorStep(void *arg)
{
	Oid			argtypes[1] = {TEXTOID};
	Datum		values[1];

	values[0] = CStringGetTextDatum((const char *) arg);
	StreamStateUpdate("UPDATE tweetlda.stream_state SET "
					  "errors = errors OPERATOR(pg_catalog.+) 1, "
					  "last_error = $1, last_error_at = pg_catalog.now()",
					  1, argtypes, values);
}

/*
 * Run one batch; an error is logged and recorded in stream_state.last_error
 * (when recording fails too, that is logged and the worker goes on).  Returns
 * the rows scored, -1 after an error.
 */
static int32
StreamRunBatch(int32 batch_size)
{
	StreamBatch batch = {batch_size, 0};
	ErrorData  *edata = StreamTry(StreamRunBatchStep, &batch,
								  "SELECT tweetlda.process_pending($1)");

	if (edata == NULL)
		return batch.rows;
	if (stream_terminate)
		StreamExit("The worker received SIGTERM; the claim of its last batch was undone.");
	if (!StreamIsRecheck(edata))
		(void) StreamTry(StreamRecordErrorStep, edata->message,
						 "tweetlda stream: recording an error");
	return -1;
}

/* Connect to the worker's database (as the bootstrap superuser, see StreamBecomeRole) */
static void
StreamConnect(const StreamWorkerArgs *args)
{
	if (args->is_static)
		BackgroundWorkerInitializeConnection(args->dbname, NULL, 0);
	else
		BackgroundWorkerInitializeConnectionByOid(args->dboid, BOOTSTRAP_SUPERUSERID, 0);
	StartTransactionCommand();
	strlcpy(stream_dbname, get_database_name(MyDatabaseId), NAMEDATALEN);
	CommitTransactionCommand();
}

/*
 * Pin the session's search_path (ALTER DATABASE/ROLE ... SET search_path was
 * applied at connection): only pg_catalog and the worker's own temporary
 * schema, so that no function, operator or type that a database owner creates
 * can capture a name in the SQL the worker runs (CVE-2018-1058).
 */
static void
StreamPinSearchPath(void)
{
	SetConfigOption("search_path", STREAM_SEARCH_PATH, PGC_SUSET, PGC_S_SESSION);
}

/*
 * Make roleid the session and current user of the worker, inside a
 * security-restricted operation (as VACUUM runs index expressions as the table
 * owner): SET ROLE, SET SESSION AUTHORIZATION and RESET of them are refused
 * there, so nothing the worker runs can get the connecting superuser back.
 * pg_stat_activity shows the role.
 */
static void
StreamSwitchRole(Oid roleid)
{
	SetSessionAuthorization(roleid, superuser_arg(roleid));
	SetUserIdAndSecContext(roleid, SECURITY_RESTRICTED_OPERATION);
	MyProc->roleId = roleid;
	if (MyBEEntry != NULL)
	{
		PGSTAT_BEGIN_WRITE_ACTIVITY(MyBEEntry);
		MyBEEntry->st_userid = roleid;
		PGSTAT_END_WRITE_ACTIVITY(MyBEEntry);
	}
}

/*
 * Choose the role the worker runs as, and switch to it before any SQL runs.
 * With the 0.2.0 schema: the NOLOGIN role tweetlda_stream, which holds exactly
 * the privileges scoring needs (PostgreSQL 15 cannot start a background worker
 * as a NOLOGIN role, so the worker connects as the bootstrap superuser and
 * switches at once; only catalog lookups run before).  With the 0.1.0 schema
 * (before ALTER EXTENSION UPDATE), as 0.1.0 did: the role that called
 * start_stream(), the bootstrap superuser for a static worker.  Ends the
 * worker when the extension or the role is missing, or the role is a superuser.
 */
static void
StreamBecomeRole(const StreamWorkerArgs *args)
{
	Oid			relid;
	Oid			roleid;
	const char *why = NULL;

	StartTransactionCommand();
	relid = StreamStateRelid();
	stream_claims = StreamSchemaClaims(relid);
	roleid = stream_claims ? get_role_oid(STREAM_ROLE, true) :
		(args->is_static ? BOOTSTRAP_SUPERUSERID : args->roleoid);
	if (!OidIsValid(relid))
		why = "The extension tweetlda is not installed in this database.";
	else if (!OidIsValid(roleid) || !SearchSysCacheExists1(AUTHOID, ObjectIdGetDatum(roleid)))
		why = "The role of the worker does not exist.";
	else if (stream_claims && superuser_arg(roleid))
		why = "The role tweetlda_stream is a superuser: the worker refuses to run as a superuser.";
	else
		StreamSwitchRole(roleid);
	CommitTransactionCommand();
	if (why != NULL)
		StreamExit(args->is_static ? why : NULL);
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

/* The main loop: a batch each trigger interval, at once after a full batch; why it ended */
static const char *
StreamLoop(const StreamWorkerArgs *args, MemoryContext loopcxt)
{
	StreamConfig cfg;
	TimestampTz next_batch = 0;

	for (;;)
	{
		TimestampTz now;
		int32		rows;

		MemoryContextReset(loopcxt);
		MemoryContextSwitchTo(loopcxt);
		stream_recheck = false;
		if (!StreamReadConfig(&cfg))
			return "Its configuration could not be read.";
		if (!StreamShouldRun(args, &cfg))
			return "The stream was stopped.";
		if (stream_claims && cfg.worker_pid != MyProcPid)
			return "Another worker was recorded in tweetlda.stream_state.worker_pid.";
		now = GetCurrentTimestamp();
		if (now < next_batch)
		{
			StreamSleep(Min((next_batch - now) / 1000, STREAM_POLL_MS));
			continue;
		}
		next_batch = now + cfg.interval_ms * 1000;
		rows = StreamRunBatch(cfg.batch_size);
		if (rows >= cfg.batch_size)
			next_batch = 0;
		CHECK_FOR_INTERRUPTS();
		if (stream_terminate)
			StreamExit("The worker received SIGTERM.");
	}
}

/*
 * Entry point of the stream worker.  It runs only while the stream should run
 * (extension installed, stream enabled, no other worker): otherwise, and after
 * stop_stream(), SIGTERM or an error outside a batch, it exits with code 0 and
 * is not restarted, so that it never holds a connection to a database that it
 * does not serve (DROP DATABASE) and never restarts in a loop.  Only a crash
 * (kill -9, a server crash-restart cycle) restarts it.
 */
void
StreamWorkerMain(Datum main_arg)
{
	StreamWorkerArgs args;
	StreamConfig cfg;
	MemoryContext loopcxt;
	const char *why;

	memcpy(&args, MyBgworkerEntry->bgw_extra, sizeof(args));
	pqsignal(SIGHUP, SignalHandlerForConfigReload);
	pqsignal(SIGTERM, StreamSigterm);
	pqsignal(SIGINT, StreamSigint);
	pqsignal(SIGUSR2, StreamSigusr2);
	BackgroundWorkerUnblockSignals();

	StreamConnect(&args);
	StreamPinSearchPath();
	pgstat_report_appname("tweetlda stream");
	if (!args.is_static)
		StreamWaitForStarter(args.starter_xid);
	StreamBecomeRole(&args);

	loopcxt = AllocSetContextCreate(TopMemoryContext, "tweetlda stream loop",
									ALLOCSET_DEFAULT_SIZES);
	MemoryContextSwitchTo(loopcxt);
	if (!StreamReadConfig(&cfg))
		StreamExit(args.is_static ? "Its configuration could not be read." : NULL);
	if (!StreamShouldRun(&args, &cfg))
		StreamExit(args.is_static ? "The stream is stopped or tweetlda is not installed; "
				   "tweetlda.start_stream() starts it again." : NULL);
	if (!StreamTakeOver())
		StreamExit(NULL);
	ereport(LOG, (errmsg("tweetlda stream worker started in database \"%s\"",
						 stream_dbname)));
	why = StreamLoop(&args, loopcxt);
	(void) StreamTry(StreamReleaseStep, NULL, "tweetlda stream: giving up the stream");
	StreamExit(why);
}
