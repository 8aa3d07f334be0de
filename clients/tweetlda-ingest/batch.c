/*
 * batch.c
 *		Building batches and sending them.  A batch is one transaction: BEGIN;
 *		COPY tweetlda.ingest_staging_ext (raw, source, line, reason) FROM STDIN;
 *		the counts from tweetlda_ingest.last_batch; COMMIT.  It is sent in
 *		pieces of at most COPY_PIECE bytes (libpq takes an int length), and
 *		batches are cut at --max-batch-bytes.  On a lost connection the batch is
 *		sent again (the server ignores duplicate ids).  When the server refuses
 *		a batch with an error about its data (SQLSTATE class 22 or 54, out of
 *		memory), the batch is split in halves until the record at fault is
 *		alone; that record is then sent as a reject with the server's message,
 *		so one record never stops the producer.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "libpq-fe.h"

#include "batch.h"

#define COPY_PIECE			(1024 * 1024)

/* Outcome of one attempt to send rows */
typedef enum
{
	SEND_OK,					/* committed */
	SEND_RETRY,					/* connection-level failure: send again */
	SEND_RECORD,				/* refused for its data: split, or reject the record */
	SEND_FATAL					/* refused for a reason retrying cannot fix */
} SendResult;

Batch		batch;
static PGconn *conn = NULL;

/* Append s as a COPY text-format field */
static void
copy_field(Buf *out, const char *s, size_t len)
{
	buf_reserve(out, len * 2);
	for (size_t i = 0; i < len; i++)
	{
		char		c = s[i];
		char		esc = c == '\\' ? '\\' : c == '\n' ? 'n' : c == '\r' ? 'r' : c == '\t' ? 't' : 0;

		if (esc)
		{
			out->data[out->len++] = '\\';
			out->data[out->len++] = esc;
		}
		else
			out->data[out->len++] = c;
	}
	out->data[out->len] = '\0';
}

/* Append one record (raw, source, line, reason or NULL) as a COPY row */
void
batch_add(Batch *b, const char *raw, size_t len, const char *source, long line,
		  const char *reason)
{
	if (b->n == b->cap)
	{
		b->cap = b->cap ? b->cap * 2 : 1024;
		b->starts = xrealloc(b->starts, sizeof(size_t) * (b->cap + 1));
	}
	if (b->n == 0)
		b->started = now_seconds();
	b->starts[b->n++] = b->rows.len;
	copy_field(&b->rows, raw, len);
	buf_putc(&b->rows, '\t');
	copy_field(&b->rows, source, strlen(source));
	buf_printf(&b->rows, "\t%ld\t", line);
	if (reason)
		copy_field(&b->rows, reason, strlen(reason));
	else
		buf_append(&b->rows, "\\N", 2);
	buf_putc(&b->rows, '\n');
	b->starts[b->n] = b->rows.len;
}

/* True when a record of len bytes would take the batch over --max-batch-bytes */
bool
batch_would_overflow(const Batch *b, size_t len)
{
	return b->n > 0 && b->rows.len + 2 * len + 256 > opt.max_batch_bytes;
}

/* True when a failed connection attempt cannot succeed by trying again */
static bool
permanent_connect_error(const char *msg)
{
	return strstr(msg, "does not exist") || strstr(msg, "authentication failed") ||
		strstr(msg, "password") || strstr(msg, "pg_hba.conf") ||
		strstr(msg, "permission denied") || strstr(msg, "invalid");
}

/* Connect (-d is a database name, a connection string or a URI), retrying with backoff */
void
connect_with_retry(void)
{
	const char *keywords[] = {"dbname", "fallback_application_name", NULL};
	const char *values[] = {opt.conninfo, PROGNAME, NULL};
	double		deadline = now_seconds() + opt.retry_timeout;
	double		backoff = 0.1;
	bool		first = true;

	for (;;)
	{
		const char *msg;

		conn = PQconnectdbParams(keywords, values, 1);
		if (PQstatus(conn) == CONNECTION_OK)
			return;
		msg = PQerrorMessage(conn);
		if (permanent_connect_error(msg) || now_seconds() + backoff > deadline || interrupted)
		{
			message("could not connect: %s", msg);
			PQfinish(conn);
			exit(EXIT_CONNECTION);
		}
		if (first && !opt.quiet)
			message("could not connect, retrying for up to %.0f s: %s", opt.retry_timeout, msg);
		first = false;
		PQfinish(conn);
		conn = NULL;
		sleep_seconds(backoff);
		backoff = backoff * 2 > 5 ? 5 : backoff * 2;
	}
}

/* Close the connection */
void
disconnect(void)
{
	if (conn != NULL)
		PQfinish(conn);
	conn = NULL;
}

/* Classify a failed command */
static SendResult
classify(PGresult *res)
{
	const char *state;

	if (PQstatus(conn) != CONNECTION_OK)
		return SEND_RETRY;
	state = res ? PQresultErrorField(res, PG_DIAG_SQLSTATE) : NULL;
	if (state == NULL)
		return SEND_RETRY;		/* no SQLSTATE: a client-side (connection) failure */
	if (strncmp(state, "08", 2) == 0 || strncmp(state, "57P", 3) == 0 ||
		strcmp(state, "40001") == 0 || strcmp(state, "40P01") == 0 ||
		strcmp(state, "53300") == 0)
		return SEND_RETRY;
	if (strncmp(state, "22", 2) == 0 || strncmp(state, "54", 2) == 0 ||
		strcmp(state, "53200") == 0)
		return SEND_RECORD;
	return SEND_FATAL;
}

/* Run a command; false on failure (*res keeps the result for the caller) */
static bool
exec_ok(const char *sql, PGresult **res, ExecStatusType expect)
{
	*res = PQexec(conn, sql);
	return PQresultStatus(*res) == expect;
}

/* Send bytes of COPY data in pieces libpq can take */
static bool
put_copy_data(const char *data, size_t len)
{
	for (size_t off = 0; off < len; off += COPY_PIECE)
	{
		size_t		n = len - off < COPY_PIECE ? len - off : COPY_PIECE;

		if (PQputCopyData(conn, data + off, (int) n) != 1)
			return false;
	}
	return true;
}

/* Add the counts the staging trigger leaves in tweetlda_ingest.last_batch */
static void
add_batch_counts(const char *s)
{
	long		ing = 0,
				dup = 0,
				rej = 0;

	if (s != NULL && sscanf(s, "%ld %ld %ld", &ing, &dup, &rej) == 3)
	{
		cnt.ingested += ing;
		cnt.duplicates += dup;
		cnt.rejected += rej;
	}
}

/* Send rows [from, to) of a batch in one transaction; *err gets the message of a failure */
static SendResult
try_send(const Batch *b, long from, long to, char **err)
{
	PGresult   *res = NULL;
	char		counts[128] = "";
	SendResult	rc;

	if (!exec_ok("BEGIN", &res, PGRES_COMMAND_OK))
		goto fail;
	PQclear(res);
	if (!exec_ok("COPY tweetlda.ingest_staging_ext (raw, source, line, reason) FROM STDIN",
				 &res, PGRES_COPY_IN))
		goto fail;
	PQclear(res);
	res = NULL;
	if (!put_copy_data(b->rows.data + b->starts[from], b->starts[to] - b->starts[from]) ||
		PQputCopyEnd(conn, NULL) != 1)
		goto fail;
	res = PQgetResult(conn);
	if (PQresultStatus(res) != PGRES_COMMAND_OK)
		goto fail;
	PQclear(res);
	while ((res = PQgetResult(conn)) != NULL)
		PQclear(res);
	if (!exec_ok("SELECT pg_catalog.current_setting('tweetlda_ingest.last_batch', true)", &res,
				 PGRES_TUPLES_OK))
		goto fail;
	if (PQntuples(res) == 1 && !PQgetisnull(res, 0, 0))
		snprintf(counts, sizeof(counts), "%s", PQgetvalue(res, 0, 0));
	PQclear(res);
	if (!exec_ok("COMMIT", &res, PGRES_COMMAND_OK))
		goto fail;
	PQclear(res);
	add_batch_counts(counts);
	return SEND_OK;

fail:
	rc = classify(res);
	*err = strdup(res && *PQresultErrorMessage(res) ? PQresultErrorMessage(res) : PQerrorMessage(conn));
	if (res)
		PQclear(res);
	if (rc != SEND_RETRY)
	{
		/* leave the failed transaction so that the connection can be used again */
		res = PQexec(conn, "ROLLBACK");
		PQclear(res);
	}
	return rc;
}

static void send_rows(const Batch *b, long from, long to);

/* Send one row of a batch again as a reject, with the server's message as its reason */
static void
resend_as_reject(const Batch *b, long row, const char *err)
{
	Batch		one = {0};
	const char *s = b->rows.data + b->starts[row];
	const char *end = b->rows.data + b->starts[row + 1] - 1;	/* the newline */
	const char *last_tab = end;
	Buf			reason = {0};
	size_t		n;

	while (last_tab > s && *last_tab != '\t')
		last_tab--;
	if (end - (last_tab + 1) != 2 || memcmp(last_tab + 1, "\\N", 2) != 0)
	{
		/* a reject refused again: nothing more can be done for this record */
		message("a record could not be landed, not even as a reject: %s", err);
		return;
	}
	buf_printf(&reason, "refused by the server: ");
	n = strlen(err);
	while (n > 0 && (err[n - 1] == '\n' || err[n - 1] == ' '))
		n--;
	buf_append(&reason, err, n > 400 ? 400 : n);
	/* the same row with the reason in the last field */
	buf_append(&one.rows, s, last_tab + 1 - s);
	copy_field(&one.rows, reason.data, reason.len);
	buf_putc(&one.rows, '\n');
	one.starts = xrealloc(NULL, sizeof(size_t) * 2);
	one.starts[0] = 0;
	one.starts[1] = one.rows.len;
	one.n = 1;
	send_rows(&one, 0, 1);
	free(one.rows.data);
	free(one.starts);
	free(reason.data);
}

/* Send rows [from, to) until the server acknowledges them */
static void
send_rows(const Batch *b, long from, long to)
{
	double		backoff = 0.1;
	double		failing_since = 0;

	for (;;)
	{
		char	   *err = NULL;
		SendResult	rc;

		if (conn == NULL || PQstatus(conn) != CONNECTION_OK)
		{
			if (conn != NULL)
				cnt.reconnects++;
			disconnect();
			connect_with_retry();
		}
		rc = try_send(b, from, to, &err);
		if (rc == SEND_OK)
			return;
		if (rc == SEND_FATAL)
		{
			message("the server refused a batch: %s", err);
			exit(EXIT_SERVER);
		}
		if (rc == SEND_RECORD)
		{
			long		mid = from + (to - from) / 2;

			if (to - from == 1)
				resend_as_reject(b, from, err);
			else
			{
				cnt.splits++;
				send_rows(b, from, mid);
				send_rows(b, mid, to);
			}
			free(err);
			return;
		}
		if (failing_since == 0)
			failing_since = now_seconds();
		if (now_seconds() - failing_since > opt.retry_timeout)
		{
			message("giving up after %.0f s of failures: %s", opt.retry_timeout, err);
			exit(EXIT_CONNECTION);
		}
		if (!opt.quiet)
			message("batch failed, sending it again: %s", err);
		free(err);
		/* drop the connection: a new one starts with a clean state */
		disconnect();
		cnt.reconnects++;
		sleep_seconds(backoff);
		backoff = backoff * 2 > 5 ? 5 : backoff * 2;
	}
}

/* Send the batch until the server acknowledges it, then empty it */
void
send_batch(void)
{
	if (batch.n == 0)
		return;
	send_rows(&batch, 0, batch.n);
	batch.rows.len = 0;
	batch.n = 0;
}
