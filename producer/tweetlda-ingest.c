/*
 * tweetlda-ingest.c
 *		The tweetlda producer: reads tweets (NDJSON, one tweet object per line, or
 *		the CSV layout of the tweetlda corpora) from files or stdin and lands them
 *		with COPY into tweetlda.ingest_staging, one transaction per batch.  On a
 *		lost connection it reconnects with backoff and sends the unacknowledged
 *		batch again (the server ignores duplicate ids), so every tweet is landed
 *		exactly once.  See doc/ingest.md.
 *
 * Exit codes: 0 done, 1 usage error, 2 connection failed permanently, 3 input
 * error (a file cannot be opened or read), 4 the server refused a batch.
 */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "libpq-fe.h"

#define PROGNAME			"tweetlda-ingest"
#define PRODUCER_VERSION	"0.1.0"

#define EXIT_USAGE			1
#define EXIT_CONNECTION		2
#define EXIT_INPUT			3
#define EXIT_SERVER			4

#define READ_CHUNK			65536

/* Result of reading one record */
typedef enum
{
	REC_OK,						/* a record is in the output buffer */
	REC_TIMEOUT,				/* no complete record within the timeout */
	REC_EOF,					/* end of input */
	REC_TOO_LONG,				/* a record longer than --max-record was skipped */
	REC_ERROR					/* read error */
} RecordStatus;

/* A growable byte buffer */
typedef struct
{
	char	   *data;
	size_t		len;
	size_t		cap;
} Buf;

/* Buffered input with lines of any length and reads that can time out */
typedef struct
{
	int			fd;
	const char *name;
	char	   *buf;
	size_t		start;
	size_t		end;
	size_t		cap;
	bool		eof;
	bool		skipping;		/* discarding the rest of an over-long line */
} Reader;

/* Input format */
typedef enum
{
	FMT_AUTO, FMT_NDJSON, FMT_CSV
} Format;

/* Options */
static const char *conninfo = "";
static Format format = FMT_AUTO;
static long batch_size = 1000;
static double rate = 0;
static bool loop_input = false;
static uint64_t id_offset = 0;
static uint64_t pass = 0;		/* pass over the input, from 0 (--loop) */
static bool quiet = false;
static long flush_ms = 200;
static double retry_timeout = 60;
static size_t max_record = 16 * 1024 * 1024;

/* State */
static PGconn *conn = NULL;
static Buf batch;				/* COPY text lines of the batch being built */
static long batch_rows = 0;
static double batch_started = 0;

/* Counters */
static long n_read = 0;
static long n_ingested = 0;
static long n_duplicates = 0;
static long n_rejected = 0;		/* rejected by the server */
static long n_skipped = 0;		/* rejected here: too long, invalid UTF-8 */
static long n_reconnects = 0;
static double t_start;
static double t_last_progress;
static long last_progress_rows;
static volatile sig_atomic_t interrupted = 0;

/* CSV column names (from the header, or the default layout) */
static char **csv_names = NULL;
static int	csv_ncols = 0;
static const char *default_csv_names[] = {
	"corpus", "tweet_id", "created_at_utc", "lang", "text", "source_ref"
};

static void message(const char *fmt,...) __attribute__((format(printf, 1, 2)));

/* Print a message prefixed with the program name to stderr */
static void
message(const char *fmt,...)
{
	va_list		ap;

	fprintf(stderr, "%s: ", PROGNAME);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

/* Current time in seconds (monotonic) */
static double
now_seconds(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* Sleep for a number of seconds (interrupted by signals) */
static void
sleep_seconds(double s)
{
	struct timespec ts;

	if (s <= 0)
		return;
	ts.tv_sec = (time_t) s;
	ts.tv_nsec = (long) ((s - ts.tv_sec) * 1e9);
	nanosleep(&ts, NULL);
}

/* Make room for n more bytes in a buffer */
static void
buf_reserve(Buf *b, size_t n)
{
	if (b->len + n + 1 > b->cap)
	{
		size_t		cap = b->cap ? b->cap : 4096;

		while (b->len + n + 1 > cap)
			cap *= 2;
		b->data = realloc(b->data, cap);
		if (b->data == NULL)
		{
			message("out of memory");
			exit(EXIT_INPUT);
		}
		b->cap = cap;
	}
}

/* Append bytes to a buffer */
static void
buf_append(Buf *b, const char *s, size_t n)
{
	buf_reserve(b, n);
	memcpy(b->data + b->len, s, n);
	b->len += n;
	b->data[b->len] = '\0';
}

/* Append one character to a buffer */
static void
buf_putc(Buf *b, char c)
{
	buf_reserve(b, 1);
	b->data[b->len++] = c;
	b->data[b->len] = '\0';
}

/* Open an input file ("-" is stdin) */
static bool
reader_open(Reader *r, const char *name)
{
	memset(r, 0, sizeof(*r));
	r->name = name;
	if (strcmp(name, "-") == 0)
		r->fd = STDIN_FILENO;
	else if ((r->fd = open(name, O_RDONLY)) < 0)
	{
		message("could not open \"%s\": %s", name, strerror(errno));
		return false;
	}
	r->cap = READ_CHUNK * 2;
	r->buf = malloc(r->cap);
	if (r->buf == NULL)
	{
		message("out of memory");
		exit(EXIT_INPUT);
	}
	return true;
}

/* Close an input file */
static void
reader_close(Reader *r)
{
	if (r->fd != STDIN_FILENO)
		close(r->fd);
	free(r->buf);
	r->buf = NULL;
}

/* Read more input into the reader's buffer, waiting at most timeout_ms; false on timeout */
static RecordStatus
reader_fill(Reader *r, int timeout_ms)
{
	ssize_t		n;

	if (timeout_ms >= 0)
	{
		struct pollfd pfd = {.fd = r->fd,.events = POLLIN};
		int			rc = poll(&pfd, 1, timeout_ms);

		if (rc == 0 || (rc < 0 && errno == EINTR))
			return REC_TIMEOUT;
	}
	if (r->start > 0)
	{
		memmove(r->buf, r->buf + r->start, r->end - r->start);
		r->end -= r->start;
		r->start = 0;
	}
	if (r->cap - r->end < READ_CHUNK)
	{
		r->cap *= 2;
		r->buf = realloc(r->buf, r->cap);
		if (r->buf == NULL)
		{
			message("out of memory");
			exit(EXIT_INPUT);
		}
	}
	do
		n = read(r->fd, r->buf + r->end, r->cap - r->end);
	while (n < 0 && errno == EINTR && !interrupted);
	if (n < 0)
	{
		message("could not read \"%s\": %s", r->name, strerror(errno));
		return REC_ERROR;
	}
	if (n == 0)
		r->eof = true;
	r->end += n;
	return REC_OK;
}

/*
 * Read one line (without its newline) into out.  Lines longer than
 * max_record are skipped whole and reported as REC_TOO_LONG.
 */
static RecordStatus
read_line(Reader *r, Buf *out, int timeout_ms)
{
	for (;;)
	{
		char	   *nl = memchr(r->buf + r->start, '\n', r->end - r->start);

		if (nl != NULL || (r->eof && r->end > r->start))
		{
			size_t		len = nl ? (size_t) (nl - (r->buf + r->start)) : r->end - r->start;
			bool		skipped = r->skipping;

			if (!skipped && len <= max_record)
			{
				out->len = 0;
				buf_append(out, r->buf + r->start, len);
			}
			r->start += len + (nl ? 1 : 0);
			r->skipping = false;
			return (skipped || len > max_record) ? REC_TOO_LONG : REC_OK;
		}
		if (r->eof)
			return REC_EOF;
		if (r->end - r->start > max_record)
		{
			/* an over-long line: drop what we have and skip to its end */
			r->skipping = true;
			r->start = r->end;
		}
		{
			RecordStatus st = reader_fill(r, timeout_ms);

			if (st != REC_OK)
				return st;
		}
	}
}

/* True when a CSV record so far has an open quoted field (an odd number of quotes) */
static bool
csv_open_quote(const Buf *b)
{
	size_t		quotes = 0;

	for (size_t i = 0; i < b->len; i++)
		if (b->data[i] == '"')
			quotes++;
	return quotes % 2 == 1;
}

/* Read one CSV record, which may span lines inside quoted fields */
static RecordStatus
read_csv_record(Reader *r, Buf *out, int timeout_ms)
{
	static Buf	line;
	RecordStatus st = read_line(r, out, timeout_ms);

	if (st != REC_OK)
		return st;
	while (csv_open_quote(out))
	{
		/* the rest of the record has been written already: wait for it */
		st = read_line(r, &line, -1);
		if (st == REC_EOF)
			return REC_OK;		/* unterminated quote: the parser copes */
		if (st != REC_OK)
			return st;
		if (out->len + line.len + 1 > max_record)
			return REC_TOO_LONG;
		buf_putc(out, '\n');
		buf_append(out, line.data, line.len);
	}
	return REC_OK;
}

/* Split one CSV record (RFC 4180) into fields; returns the number of fields */
static int
csv_split(const char *s, size_t len, Buf *fields, int maxf)
{
	int			nf = 0;
	size_t		i = 0;

	for (;;)
	{
		Buf		   *f = &fields[nf < maxf ? nf : maxf - 1];

		f->len = 0;
		buf_reserve(f, 0);
		f->data[0] = '\0';
		if (i < len && s[i] == '"')
		{
			for (i++; i < len; i++)
			{
				if (s[i] == '"')
				{
					if (i + 1 < len && s[i + 1] == '"')
						i++;
					else
					{
						i++;
						break;
					}
				}
				buf_putc(f, s[i]);
			}
			while (i < len && s[i] != ',')
				buf_putc(f, s[i++]);
		}
		else
		{
			while (i < len && s[i] != ',')
				buf_putc(f, s[i++]);
			if (f->len > 0 && f->data[f->len - 1] == '\r' && i == len)
				f->data[--f->len] = '\0';
		}
		nf++;
		if (i >= len)
			break;
		i++;					/* the comma */
	}
	return nf;
}

/* Append s as a JSON string literal */
static void
json_string(Buf *out, const char *s, size_t len)
{
	buf_putc(out, '"');
	for (size_t i = 0; i < len; i++)
	{
		unsigned char c = (unsigned char) s[i];

		if (c == '"' || c == '\\')
		{
			buf_putc(out, '\\');
			buf_putc(out, c);
		}
		else if (c < 0x20)
		{
			char		esc[8];

			snprintf(esc, sizeof(esc), "\\u%04x", c);
			buf_append(out, esc, 6);
		}
		else
			buf_putc(out, c);
	}
	buf_putc(out, '"');
}

/* The JSON key of a CSV column: the corpus names map to the minimal tweet object's keys */
static const char *
csv_json_key(const char *name)
{
	if (strcmp(name, "tweet_id") == 0)
		return "id";
	if (strcmp(name, "created_at_utc") == 0)
		return "created_at";
	return name;
}

/* Remember the CSV column names of a header record */
static void
csv_set_names(Buf *fields, int nf)
{
	if (csv_names != NULL && csv_names != (char **) default_csv_names)
	{
		for (int i = 0; i < csv_ncols; i++)
			free(csv_names[i]);
		free(csv_names);
	}
	csv_names = calloc(nf, sizeof(char *));
	for (int i = 0; i < nf; i++)
		csv_names[i] = strdup(fields[i].data);
	csv_ncols = nf;
}

/*
 * Append the id of a CSV record shifted by pass * --id-offset, so that each
 * pass of --loop lands new tweets; an id that is not a number, or whose
 * shifted value does not fit a bigint, is sent as it is.
 */
static void
shifted_id(Buf *out, const Buf *field)
{
	char	   *end;
	unsigned long long id;
	char		num[32];

	errno = 0;
	id = strtoull(field->data, &end, 10);
	if (errno != 0 || end == field->data || *end != '\0' || !isdigit((unsigned char) field->data[0]) ||
		id_offset > (INT64_MAX - id) / pass)
	{
		json_string(out, field->data, field->len);
		return;
	}
	snprintf(num, sizeof(num), "%llu", (unsigned long long) (id + pass * id_offset));
	json_string(out, num, strlen(num));
}

/*
 * Turn one CSV record into a minimal tweet object: {"id": "...", "created_at":
 * "...", "text": "...", other columns as strings}; empty fields are left out.
 * The first record is taken as the header when it names a text column.
 */
static bool
csv_to_json(const Buf *rec, Buf *out, bool first)
{
	static Buf	fields[64];
	int			nf = csv_split(rec->data, rec->len, fields, 64);
	bool		any = false;

	if (first)
	{
		for (int i = 0; i < nf; i++)
			if (strcmp(fields[i].data, "text") == 0)
			{
				csv_set_names(fields, nf);
				return false;
			}
	}
	if (csv_names == NULL)
		csv_names = (char **) default_csv_names, csv_ncols = 6;
	out->len = 0;
	buf_putc(out, '{');
	for (int i = 0; i < nf && i < 64; i++)
	{
		char		key[32];
		const char *name;

		if (fields[i].len == 0)
			continue;
		if (i < csv_ncols)
			name = csv_json_key(csv_names[i]);
		else
		{
			snprintf(key, sizeof(key), "column%d", i + 1);
			name = key;
		}
		if (any)
			buf_putc(out, ',');
		json_string(out, name, strlen(name));
		buf_putc(out, ':');
		if (strcmp(name, "id") == 0 && pass > 0 && id_offset > 0)
			shifted_id(out, &fields[i]);
		else
			json_string(out, fields[i].data, fields[i].len);
		any = true;
	}
	buf_putc(out, '}');
	return true;
}

/* Check that s is valid UTF-8 without NUL bytes, as strictly as the server does */
static bool
valid_utf8(const unsigned char *s, size_t len)
{
	size_t		i = 0;

	while (i < len)
	{
		unsigned char c = s[i];
		int			n;
		unsigned char lo = 0x80,
					hi = 0xBF;

		if (c == 0)
			return false;
		if (c < 0x80)
		{
			i++;
			continue;
		}
		if (c >= 0xC2 && c <= 0xDF)
			n = 1;
		else if (c >= 0xE0 && c <= 0xEF)
		{
			n = 2;
			if (c == 0xE0)
				lo = 0xA0;
			if (c == 0xED)
				hi = 0x9F;
		}
		else if (c >= 0xF0 && c <= 0xF4)
		{
			n = 3;
			if (c == 0xF0)
				lo = 0x90;
			if (c == 0xF4)
				hi = 0x8F;
		}
		else
			return false;
		if (i + n >= len)
			return false;
		if (s[i + 1] < lo || s[i + 1] > hi)
			return false;
		for (int k = 2; k <= n; k++)
			if (s[i + k] < 0x80 || s[i + k] > 0xBF)
				return false;
		i += n + 1;
	}
	return true;
}

/* Append one record to the batch as a COPY text-format line */
static void
batch_add(const char *s, size_t len)
{
	if (batch_rows == 0)
		batch_started = now_seconds();
	buf_reserve(&batch, len * 2 + 1);
	for (size_t i = 0; i < len; i++)
	{
		char		c = s[i];

		switch (c)
		{
			case '\\':
				batch.data[batch.len++] = '\\';
				batch.data[batch.len++] = '\\';
				break;
			case '\n':
				batch.data[batch.len++] = '\\';
				batch.data[batch.len++] = 'n';
				break;
			case '\r':
				batch.data[batch.len++] = '\\';
				batch.data[batch.len++] = 'r';
				break;
			case '\t':
				batch.data[batch.len++] = '\\';
				batch.data[batch.len++] = 't';
				break;
			default:
				batch.data[batch.len++] = c;
		}
	}
	batch.data[batch.len++] = '\n';
	batch.data[batch.len] = '\0';
	batch_rows++;
}

/* Print the progress line */
static void
progress(bool final)
{
	double		t = now_seconds();
	long		landed = n_ingested + n_duplicates + n_rejected;

	if (quiet)
		return;
	if (final)
		fprintf(stderr, "%s: done: %ld read, %ld ingested, %ld duplicates, %ld rejected, "
				"%ld skipped, %ld reconnects, %.1f s, %.0f rows/s\n",
				PROGNAME, n_read, n_ingested, n_duplicates, n_rejected, n_skipped,
				n_reconnects, t - t_start,
				(t > t_start) ? landed / (t - t_start) : 0.0);
	else
		fprintf(stderr, "%s: %ld read, %ld ingested, %ld duplicates, %ld rejected, "
				"%ld skipped, %.0f rows/s\n",
				PROGNAME, n_read, n_ingested, n_duplicates, n_rejected, n_skipped,
				(landed - last_progress_rows) / (t - t_last_progress));
	t_last_progress = t;
	last_progress_rows = landed;
}

/* True for connection-level failures and errors worth retrying the batch for */
static bool
retryable(PGresult *res)
{
	const char *state;

	if (PQstatus(conn) != CONNECTION_OK)
		return true;
	state = res ? PQresultErrorField(res, PG_DIAG_SQLSTATE) : NULL;
	if (state == NULL)
		return true;			/* no SQLSTATE: a client-side (connection) failure */
	return strncmp(state, "08", 2) == 0 || strncmp(state, "57P", 3) == 0 ||
		strcmp(state, "40001") == 0 || strcmp(state, "40P01") == 0 ||
		strcmp(state, "53300") == 0;
}

/* True when a failed connection attempt cannot succeed by trying again */
static bool
permanent_connect_error(const char *msg)
{
	return strstr(msg, "does not exist") || strstr(msg, "authentication failed") ||
		strstr(msg, "password") || strstr(msg, "pg_hba.conf") ||
		strstr(msg, "permission denied") || strstr(msg, "invalid");
}

/* Open one connection: -d is a database name, a connection string or a URI, as for psql */
static PGconn *
connect_once(void)
{
	const char *keywords[] = {"dbname", "fallback_application_name", NULL};
	const char *values[] = {conninfo, PROGNAME, NULL};

	return PQconnectdbParams(keywords, values, 1);
}

/* Connect, retrying with exponential backoff for up to retry_timeout seconds */
static void
connect_with_retry(void)
{
	double		deadline = now_seconds() + retry_timeout;
	double		backoff = 0.1;
	bool		first = true;

	for (;;)
	{
		const char *msg;

		conn = connect_once();
		if (PQstatus(conn) == CONNECTION_OK)
			return;
		msg = PQerrorMessage(conn);
		if (permanent_connect_error(msg) || now_seconds() + backoff > deadline || interrupted)
		{
			message("could not connect: %s", msg);
			PQfinish(conn);
			exit(EXIT_CONNECTION);
		}
		if (first && !quiet)
			message("could not connect, retrying for up to %.0f s: %s", retry_timeout, msg);
		first = false;
		PQfinish(conn);
		conn = NULL;
		sleep_seconds(backoff);
		backoff = backoff * 2 > 5 ? 5 : backoff * 2;
	}
}

/* Run a command that returns no rows; false on failure (*res keeps the result for the caller) */
static bool
exec_ok(const char *sql, PGresult **res, ExecStatusType expect)
{
	*res = PQexec(conn, sql);
	return PQresultStatus(*res) == expect;
}

/* Parse the counts the staging trigger leaves in tweetlda_ingest.last_batch */
static void
add_batch_counts(const char *s)
{
	long		ing = 0,
				dup = 0,
				rej = 0;

	if (s != NULL && sscanf(s, "%ld %ld %ld", &ing, &dup, &rej) == 3)
	{
		n_ingested += ing;
		n_duplicates += dup;
		n_rejected += rej;
	}
}

/*
 * Send the batch in one transaction: BEGIN, COPY, read the counts, COMMIT.
 * Returns 0 when committed, 1 when the batch must be sent again, 2 on a
 * server error that retrying cannot fix (*err is its message).
 */
static int
try_send(char **err)
{
	PGresult   *res = NULL;
	char		counts[128] = "";
	int			rc = 1;

	if (!exec_ok("BEGIN", &res, PGRES_COMMAND_OK))
		goto fail;
	PQclear(res);
	if (!exec_ok("COPY tweetlda.ingest_staging (raw) FROM STDIN", &res, PGRES_COPY_IN))
		goto fail;
	PQclear(res);
	if (PQputCopyData(conn, batch.data, (int) batch.len) != 1 ||
		PQputCopyEnd(conn, NULL) != 1)
	{
		res = NULL;
		goto fail;
	}
	res = PQgetResult(conn);
	if (PQresultStatus(res) != PGRES_COMMAND_OK)
		goto fail;
	PQclear(res);
	while ((res = PQgetResult(conn)) != NULL)
		PQclear(res);
	if (!exec_ok("SELECT current_setting('tweetlda_ingest.last_batch', true)", &res,
				 PGRES_TUPLES_OK))
		goto fail;
	if (PQntuples(res) == 1 && !PQgetisnull(res, 0, 0))
		snprintf(counts, sizeof(counts), "%s", PQgetvalue(res, 0, 0));
	PQclear(res);
	if (!exec_ok("COMMIT", &res, PGRES_COMMAND_OK))
		goto fail;
	PQclear(res);
	add_batch_counts(counts);
	return 0;

fail:
	rc = retryable(res) ? 1 : 2;
	*err = strdup(res ? PQresultErrorMessage(res) : PQerrorMessage(conn));
	if (**err == '\0')
	{
		free(*err);
		*err = strdup(PQerrorMessage(conn));
	}
	if (res)
		PQclear(res);
	return rc;
}

/* Send the batch until the server acknowledges it (COPY and COMMIT succeeded) */
static void
send_batch(void)
{
	double		backoff = 0.1;
	double		failing_since = 0;

	if (batch_rows == 0)
		return;
	for (;;)
	{
		char	   *err = NULL;
		int			rc;

		if (conn == NULL || PQstatus(conn) != CONNECTION_OK)
		{
			if (conn != NULL)
			{
				PQfinish(conn);
				n_reconnects++;
			}
			conn = NULL;
			connect_with_retry();
		}
		rc = try_send(&err);
		if (rc == 0)
			break;
		if (rc == 2)
		{
			message("the server refused a batch: %s", err);
			exit(EXIT_SERVER);
		}
		if (failing_since == 0)
			failing_since = now_seconds();
		if (now_seconds() - failing_since > retry_timeout)
		{
			message("giving up after %.0f s of failures: %s", retry_timeout, err);
			exit(EXIT_CONNECTION);
		}
		if (!quiet)
			message("batch failed, sending it again: %s", err);
		free(err);
		/* drop the connection: a new one starts with a clean state */
		PQfinish(conn);
		conn = NULL;
		n_reconnects++;
		sleep_seconds(backoff);
		backoff = backoff * 2 > 5 ? 5 : backoff * 2;
	}
	batch.len = 0;
	batch_rows = 0;
}

/* Pace the replay: wait until record number n_read is due at the requested rate */
static void
pace(void)
{
	double		due;

	if (rate <= 0)
		return;
	due = t_start + n_read / rate;
	for (;;)
	{
		double		t = now_seconds();
		double		flush_at = batch_started + flush_ms / 1000.0;

		if (t >= due)
			return;
		if (batch_rows > 0 && flush_at <= due)
		{
			sleep_seconds(flush_at - t);
			send_batch();
			continue;
		}
		sleep_seconds(due - t);
	}
}

/* Decide the format from the first record: JSON objects start with '{' */
static Format
detect_format(const Buf *first)
{
	for (size_t i = 0; i < first->len; i++)
		if (!isspace((unsigned char) first->data[i]))
			return first->data[i] == '{' || first->data[i] == '[' ? FMT_NDJSON : FMT_CSV;
	return FMT_NDJSON;
}

/* Handle one record read from the input */
static void
handle_record(Buf *rec, Format fmt, bool first)
{
	static Buf	json;

	if (fmt == FMT_NDJSON)
	{
		size_t		len = rec->len;

		while (len > 0 && (rec->data[len - 1] == '\r' || rec->data[len - 1] == ' '))
			len--;
		if (len == 0)
			return;				/* blank lines (stream keep-alives) are not records */
		if (!valid_utf8((unsigned char *) rec->data, len))
		{
			n_read++;
			n_skipped++;
			return;
		}
		n_read++;
		pace();
		batch_add(rec->data, len);
	}
	else
	{
		if (rec->len == 0 || !csv_to_json(rec, &json, first))
			return;
		if (!valid_utf8((unsigned char *) json.data, json.len))
		{
			n_read++;
			n_skipped++;
			return;
		}
		n_read++;
		pace();
		batch_add(json.data, json.len);
	}
}

/* Read one input to its end, sending batches as they fill; returns an exit code */
static int
ingest_input(const char *name)
{
	Reader		r;
	Buf			rec = {0};
	Format		fmt = format;
	bool		first = true;

	if (!reader_open(&r, name))
		return EXIT_INPUT;
	while (!interrupted)
	{
		RecordStatus st;
		double		t = now_seconds();
		int			timeout = -1;

		if (batch_rows > 0)
		{
			double		left = batch_started + flush_ms / 1000.0 - t;

			timeout = left > 0 ? (int) (left * 1000) + 1 : 0;
		}
		if (t - t_last_progress >= 1.0)
			progress(false);
		if (timeout < 0 || timeout > 1000)
			timeout = 1000;		/* wake up for the progress line */
		st = (fmt == FMT_CSV) ? read_csv_record(&r, &rec, timeout) : read_line(&r, &rec, timeout);
		if (st == REC_EOF)
			break;
		if (st == REC_ERROR)
		{
			reader_close(&r);
			return EXIT_INPUT;
		}
		if (st == REC_TOO_LONG)
		{
			n_read++;
			n_skipped++;
			continue;
		}
		if (st == REC_TIMEOUT)
		{
			if (batch_rows > 0 && now_seconds() >= batch_started + flush_ms / 1000.0)
				send_batch();
			continue;
		}
		if (fmt == FMT_AUTO)
		{
			fmt = detect_format(&rec);
			if (fmt == FMT_CSV && csv_open_quote(&rec))
			{
				/* the first CSV record continues on the next lines */
				Buf			more = {0};

				while (csv_open_quote(&rec) && read_line(&r, &more, -1) == REC_OK)
				{
					buf_putc(&rec, '\n');
					buf_append(&rec, more.data, more.len);
				}
				free(more.data);
			}
		}
		handle_record(&rec, fmt, first);
		first = false;
		/* a full batch, or a slow stream whose first record has waited long enough */
		if (batch_rows >= batch_size ||
			(batch_rows > 0 && now_seconds() >= batch_started + flush_ms / 1000.0))
			send_batch();
	}
	reader_close(&r);
	free(rec.data);
	return 0;
}

/* Print the usage text */
static void
usage(FILE *f)
{
	fprintf(f,
			"%s lands tweets in PostgreSQL (tweetlda) with COPY.\n\n"
			"Usage:\n  %s [OPTION]... [FILE]...\n\n"
			"Reads NDJSON (one tweet object per line: Twitter API v1.1, API v2 or\n"
			"{\"id\",\"text\",\"created_at\"}) or CSV (corpus,tweet_id,created_at_utc,lang,text,source_ref)\n"
			"from the FILEs, or from standard input when there is none or FILE is \"-\".\n\n"
			"Options:\n"
			"  -d, --dbname=CONNINFO      connection string or database name (default: the PG*\n"
			"                             environment variables, like psql)\n"
			"  -f, --format=FORMAT        ndjson, csv or auto (default: auto)\n"
			"  -b, --batch-size=N         records per COPY transaction (default: 1000)\n"
			"  -r, --rate=N               replay at N records per second (default: as fast as possible)\n"
			"  -l, --loop                 read the FILEs again and again until interrupted\n"
			"      --id-offset=N          with --loop, add pass*N to the ids of CSV records (new\n"
			"                             tweets on every pass; the first pass is pass 0)\n"
			"      --flush-interval=MS    send a partial batch after MS milliseconds (default: 200)\n"
			"      --retry-timeout=S      keep reconnecting for S seconds before giving up (default: 60)\n"
			"      --max-record=BYTES     skip (and count) records longer than this (default: 16777216)\n"
			"  -q, --quiet                no progress lines\n"
			"  -V, --version              print the version and exit\n"
			"  -h, --help                 print this help and exit\n\n"
			"Exit status: 0 done, 1 usage error, 2 connection failed permanently,\n"
			"3 input error, 4 the server refused a batch.\n",
			PROGNAME, PROGNAME);
}

/* Parse a positive number option or exit with a usage error */
static double
number_arg(const char *opt, const char *arg, double min)
{
	char	   *end;
	double		v;

	errno = 0;
	v = strtod(arg, &end);
	if (errno != 0 || end == arg || *end != '\0' || v < min || v > 1e12)
	{
		message("invalid value \"%s\" for %s", arg, opt);
		exit(EXIT_USAGE);
	}
	return v;
}

/* Stop reading at SIGINT/SIGTERM: the current batch is still sent */
static void
on_signal(int sig)
{
	(void) sig;
	interrupted = 1;
}

/* Parse the command line; returns the index of the first file argument */
static int
parse_options(int argc, char **argv)
{
	static struct option longopts[] = {
		{"dbname", required_argument, NULL, 'd'},
		{"format", required_argument, NULL, 'f'},
		{"batch-size", required_argument, NULL, 'b'},
		{"rate", required_argument, NULL, 'r'},
		{"loop", no_argument, NULL, 'l'},
		{"quiet", no_argument, NULL, 'q'},
		{"flush-interval", required_argument, NULL, 1},
		{"retry-timeout", required_argument, NULL, 2},
		{"max-record", required_argument, NULL, 3},
		{"id-offset", required_argument, NULL, 4},
		{"version", no_argument, NULL, 'V'},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0}
	};
	int			c;

	while ((c = getopt_long(argc, argv, "d:f:b:r:lqVh", longopts, NULL)) != -1)
	{
		switch (c)
		{
			case 'd':
				conninfo = optarg;
				break;
			case 'f':
				if (strcmp(optarg, "ndjson") == 0 || strcmp(optarg, "json") == 0)
					format = FMT_NDJSON;
				else if (strcmp(optarg, "csv") == 0)
					format = FMT_CSV;
				else if (strcmp(optarg, "auto") == 0)
					format = FMT_AUTO;
				else
				{
					message("invalid format \"%s\" (ndjson, csv or auto)", optarg);
					exit(EXIT_USAGE);
				}
				break;
			case 'b':
				batch_size = (long) number_arg("--batch-size", optarg, 1);
				break;
			case 'r':
				rate = number_arg("--rate", optarg, 0.001);
				break;
			case 'l':
				loop_input = true;
				break;
			case 'q':
				quiet = true;
				break;
			case 1:
				flush_ms = (long) number_arg("--flush-interval", optarg, 1);
				break;
			case 2:
				retry_timeout = number_arg("--retry-timeout", optarg, 0);
				break;
			case 3:
				max_record = (size_t) number_arg("--max-record", optarg, 16);
				break;
			case 4:
				{
					char	   *end;

					errno = 0;
					id_offset = strtoull(optarg, &end, 10);
					if (errno != 0 || end == optarg || *end != '\0' || !isdigit((unsigned char) *optarg) ||
						id_offset > INT64_MAX)
					{
						message("invalid value \"%s\" for --id-offset", optarg);
						exit(EXIT_USAGE);
					}
				}
				break;
			case 'V':
				printf("%s (tweetlda) %s\n", PROGNAME, PRODUCER_VERSION);
				exit(0);
			case 'h':
				usage(stdout);
				exit(0);
			default:
				fprintf(stderr, "Try \"%s --help\" for more information.\n", PROGNAME);
				exit(EXIT_USAGE);
		}
	}
	return optind;
}

/* Read every input (again and again with --loop), then send the last batch */
int
main(int argc, char **argv)
{
	int			first = parse_options(argc, argv);
	int			nfiles = argc - first;
	int			rc = 0;

	if (strchr(conninfo, '=') != NULL || strncmp(conninfo, "postgres", 8) == 0)
	{
		char	   *errmsg = NULL;
		PQconninfoOption *opts = PQconninfoParse(conninfo, &errmsg);

		if (opts == NULL)
		{
			message("invalid connection string: %s", errmsg ? errmsg : "out of memory");
			exit(EXIT_USAGE);
		}
		PQconninfoFree(opts);
	}
	if (loop_input)
	{
		for (int i = first; i < argc; i++)
			if (strcmp(argv[i], "-") == 0)
				nfiles = 0;
		if (nfiles == 0)
		{
			message("--loop needs input files (standard input cannot be read again)");
			exit(EXIT_USAGE);
		}
	}
	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);
	signal(SIGPIPE, SIG_IGN);
	t_start = t_last_progress = now_seconds();
	connect_with_retry();

	do
	{
		if (nfiles == 0)
			rc = ingest_input("-");
		for (int i = first; i < argc && rc == 0 && !interrupted; i++)
			rc = ingest_input(argv[i]);
		pass++;
	} while (loop_input && rc == 0 && !interrupted);

	send_batch();
	progress(true);
	PQfinish(conn);
	return rc;
}
