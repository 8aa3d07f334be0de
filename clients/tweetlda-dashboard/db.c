/*
 * db.c
 *		A small pool of read-only libpq connections.  A connection is opened
 *		when first needed and opened again after the server went away, so the
 *		program reconnects by itself; while the server is down, queries report
 *		DB_UNAVAILABLE (HTTP 503).  Every session is read-only, has a
 *		statement_timeout and a pinned search_path.
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "dashboard.h"

#define TEXTOID		25
#define MAX_PARAMS	8

/* A slot of the pool */
typedef struct
{
	PGconn	   *conn;
	bool		busy;
} Slot;

static Slot *slots;
static pthread_mutex_t pool_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t pool_free = PTHREAD_COND_INITIALIZER;
static time_t last_failure_log;

/* Allocate the pool (connections open lazily) */
void
db_init(void)
{
	slots = calloc(opt.pool_size, sizeof(Slot));
	if (!slots)
		abort();
}

/* Take a free slot, waiting for one */
static Slot *
slot_take(void)
{
	Slot	   *s = NULL;

	pthread_mutex_lock(&pool_lock);
	while (!s)
	{
		for (int i = 0; i < opt.pool_size && !s; i++)
			if (!slots[i].busy)
				s = &slots[i];
		if (!s)
			pthread_cond_wait(&pool_free, &pool_lock);
	}
	s->busy = true;
	pthread_mutex_unlock(&pool_lock);
	return s;
}

/* Give a slot back */
static void
slot_give(Slot *s)
{
	pthread_mutex_lock(&pool_lock);
	s->busy = false;
	pthread_cond_signal(&pool_free);
	pthread_mutex_unlock(&pool_lock);
}

/* Log a connection failure, at most every 10 seconds */
static void
log_failure(const char *what, PGconn *conn)
{
	time_t		now = time(NULL);

	if (now - last_failure_log < 10)
		return;
	last_failure_log = now;
	logmsg("%s: %s", what, conn ? PQerrorMessage(conn) : "out of memory");
}

/* Set up a new session: read-only, statement_timeout, pinned search_path */
static bool
session_setup(PGconn *conn)
{
	char		sql[256];
	PGresult   *res;
	bool		ok;

	snprintf(sql, sizeof(sql),
			 "SET default_transaction_read_only = on; SET statement_timeout = %d; "
			 "SET search_path = pg_catalog, pg_temp; SET application_name = '" PROGNAME "'",
			 opt.statement_timeout_ms);
	res = PQexec(conn, sql);
	ok = PQresultStatus(res) == PGRES_COMMAND_OK;
	if (!ok)
		log_failure("session setup failed", conn);
	PQclear(res);
	return ok;
}

/* Make sure the slot holds a working connection; false when the server cannot be reached */
static bool
slot_connect(Slot *s)
{
	if (s->conn && PQstatus(s->conn) == CONNECTION_OK)
		return true;
	if (s->conn)
		PQfinish(s->conn);
	s->conn = PQconnectdb(opt.conninfo);
	if (!s->conn || PQstatus(s->conn) != CONNECTION_OK || !session_setup(s->conn))
	{
		if (s->conn && PQstatus(s->conn) != CONNECTION_OK)
			log_failure("cannot connect to the database", s->conn);
		PQfinish(s->conn);
		s->conn = NULL;
		return false;
	}
	return true;
}

/* Classify a failed result */
static DbStatus
failure_status(Slot *s, PGresult *res)
{
	const char *state = res ? PQresultErrorField(res, PG_DIAG_SQLSTATE) : NULL;

	if (PQstatus(s->conn) != CONNECTION_OK)
	{
		PQfinish(s->conn);
		s->conn = NULL;
		return DB_UNAVAILABLE;
	}
	if (state && strcmp(state, "57014") == 0)
		return DB_TIMEOUT;
	/* shutting down, cannot connect now, too many connections, ... */
	if (state && (strncmp(state, "57P", 3) == 0 || strncmp(state, "08", 2) == 0 ||
				  strcmp(state, "53300") == 0))
		return DB_UNAVAILABLE;
	logmsg("query failed: %s", res ? PQresultErrorMessage(res) : PQerrorMessage(s->conn));
	return DB_ERROR;
}

/*
 * Run a query with text parameters (bound, never spliced into the SQL) on a
 * pooled connection.  On DB_OK *res is the result, to PQclear.  A connection
 * that broke is dropped, and the query is tried once more on a new one.
 */
DbStatus
db_query(const char *sql, int nparams, const char *const *values, PGresult **res)
{
	Slot	   *s;
	DbStatus	st = DB_UNAVAILABLE;
	/* every parameter is text, so that a query need not use all of them */
	Oid			types[MAX_PARAMS];

	if (nparams > MAX_PARAMS)
		abort();
	for (int i = 0; i < nparams; i++)
		types[i] = TEXTOID;
	s = slot_take();

	*res = NULL;
	for (int attempt = 0; attempt < 2 && st == DB_UNAVAILABLE; attempt++)
	{
		PGresult   *r;

		if (!slot_connect(s))
			break;
		r = PQexecParams(s->conn, sql, nparams, types, values, NULL, NULL, 0);
		if (PQresultStatus(r) == PGRES_TUPLES_OK)
		{
			*res = r;
			st = DB_OK;
		}
		else
		{
			st = failure_status(s, r);
			PQclear(r);
		}
	}
	slot_give(s);
	return st;
}
