/*
 * reader.c
 *		Buffered reading of NDJSON lines and CSV records (RFC 4180: quoted
 *		fields may span lines).  Both readers look at every byte once, whatever
 *		the shape of the input, and never stop on a record: an over-long record
 *		or an unterminated quote is returned with a reason and reading goes on.
 */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "reader.h"

#define READ_CHUNK			65536

/* Open an input file ("-" is stdin) */
bool
reader_open(Reader *r, const char *name)
{
	memset(r, 0, sizeof(*r));
	r->name = name;
	r->line = 1;
	if (strcmp(name, "-") == 0)
		r->fd = STDIN_FILENO;
	else if ((r->fd = open(name, O_RDONLY)) < 0)
	{
		message("could not open \"%s\": %s", name, strerror(errno));
		return false;
	}
	r->cap = READ_CHUNK * 2;
	r->buf = xrealloc(NULL, r->cap);
	return true;
}

/* Close an input file */
void
reader_close(Reader *r)
{
	if (r->fd != STDIN_FILENO)
		close(r->fd);
	free(r->buf);
	r->buf = NULL;
}

/* Read more input into the buffer, waiting at most timeout_ms (-1: no limit) */
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
		r->buf = xrealloc(r->buf, r->cap);
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

/* Put bytes back in front of the unread input; they start at line number line */
static void
reader_unread(Reader *r, const char *s, size_t n, long line)
{
	size_t		rest = r->end - r->start;
	char	   *nb = xrealloc(NULL, n + rest + READ_CHUNK);

	memcpy(nb, s, n);
	memcpy(nb + n, r->buf + r->start, rest);
	free(r->buf);
	r->buf = nb;
	r->start = 0;
	r->end = n + rest;
	r->cap = n + rest + READ_CHUNK;
	r->line = line;
}

/* Discard input up to and including the next newline (blocking) */
static RecordStatus
skip_line(Reader *r)
{
	for (;;)
	{
		char	   *nl = memchr(r->buf + r->start, '\n', r->end - r->start);

		if (nl != NULL)
		{
			r->start = nl - r->buf + 1;
			r->line++;
			return REC_OK;
		}
		r->start = r->end;
		if (r->eof)
			return REC_OK;
		if (reader_fill(r, -1) == REC_ERROR)
			return REC_ERROR;
	}
}

/* Mark a record as too long, keeping the first REJECT_PREFIX bytes */
static void
too_long(Record *rec)
{
	if (rec->data.len > REJECT_PREFIX)
	{
		rec->data.len = REJECT_PREFIX;
		rec->data.data[REJECT_PREFIX] = '\0';
	}
	rec->reason = "record longer than --max-record";
}

/*
 * Read one NDJSON line (without its newline).  A line longer than
 * --max-record comes back with a reason and its first bytes.
 */
RecordStatus
read_ndjson_record(Reader *r, Record *rec, int timeout_ms)
{
	rec->data.len = 0;
	buf_reserve(&rec->data, 0);
	rec->data.data[0] = '\0';
	rec->reason = NULL;
	for (;;)
	{
		char	   *nl = memchr(r->buf + r->start, '\n', r->end - r->start);
		size_t		avail = r->end - r->start;

		if (nl != NULL || (r->eof && avail > 0))
		{
			size_t		len = nl ? (size_t) (nl - (r->buf + r->start)) : avail;

			rec->line = r->line;
			if (len > opt.max_record)
			{
				buf_append(&rec->data, r->buf + r->start, len < REJECT_PREFIX ? len : REJECT_PREFIX);
				too_long(rec);
			}
			else
				buf_append(&rec->data, r->buf + r->start, len);
			r->start += len + (nl ? 1 : 0);
			r->line++;
			return REC_OK;
		}
		if (r->eof)
			return REC_EOF;
		if (avail > opt.max_record)
		{
			/* an over-long line: keep its start, discard the rest */
			rec->line = r->line;
			buf_append(&rec->data, r->buf + r->start, avail < REJECT_PREFIX ? avail : REJECT_PREFIX);
			too_long(rec);
			r->start = r->end;
			return skip_line(r) == REC_ERROR ? REC_ERROR : REC_OK;
		}
		{
			RecordStatus st = reader_fill(r, avail > 0 ? -1 : timeout_ms);

			if (st != REC_OK)
				return st;
		}
	}
}

/* The state of the CSV scanner inside one record */
typedef struct
{
	bool		field_start;	/* at the start of a field */
	bool		in_quotes;		/* inside a quoted field */
	bool		quote_seen;		/* a quote inside a quoted field: closes it or doubles */
} CsvState;

/* Feed one byte to the CSV scanner; true when it ends the record (an unquoted newline) */
static inline bool
csv_step(CsvState *st, char c)
{
	if (st->in_quotes)
	{
		if (st->quote_seen)
		{
			st->quote_seen = false;
			if (c == '"')
				return false;	/* "" is a quote inside the field */
			st->in_quotes = false;	/* the quote closed the field: c is outside */
		}
		else
		{
			st->quote_seen = c == '"';
			return false;
		}
	}
	if (c == '\n')
		return true;
	if (c == '"' && st->field_start)
		st->in_quotes = true;
	st->field_start = c == ',';
	return false;
}

/*
 * The record ran over --max-record: reject it and go on at the line after its
 * first line (its other lines may be records of their own when a quote was
 * never closed).
 */
static RecordStatus
csv_resync(Reader *r, Record *rec)
{
	char	   *nl = memchr(rec->data.data, '\n', rec->data.len);

	if (nl != NULL)
		reader_unread(r, nl + 1, rec->data.len - (nl + 1 - rec->data.data), rec->line + 1);
	too_long(rec);
	if (nl == NULL)
		return skip_line(r) == REC_ERROR ? REC_ERROR : REC_OK;
	return REC_OK;
}

/*
 * The input ended inside a quoted field: reject the record and, once per
 * input (so that the input is read at most twice), read again from the line
 * after its first line, so that the records after a stray quote still land.
 */
static RecordStatus
csv_unterminated(Reader *r, Record *rec)
{
	char	   *nl = memchr(rec->data.data, '\n', rec->data.len);

	if (nl != NULL && !r->resynced)
	{
		r->resynced = true;
		r->eof = true;
		reader_unread(r, nl + 1, rec->data.len - (nl + 1 - rec->data.data), rec->line + 1);
		rec->data.len = nl - rec->data.data;
		rec->data.data[rec->data.len] = '\0';
	}
	rec->reason = "unterminated quoted CSV field";
	return REC_OK;
}

/*
 * Read one CSV record (RFC 4180: quoted fields may span lines), without its
 * final newline.  Every byte is looked at once.  An unterminated quote at the
 * end of the input, or a record longer than --max-record, comes back with a
 * reason.
 */
RecordStatus
read_csv_record(Reader *r, Record *rec, int timeout_ms)
{
	CsvState	st = {.field_start = true};
	bool		started = false;

	rec->data.len = 0;
	buf_reserve(&rec->data, 0);
	rec->data.data[0] = '\0';
	rec->reason = NULL;
	rec->line = r->line;
	for (;;)
	{
		while (r->start < r->end)
		{
			char		c = r->buf[r->start++];

			started = true;
			if (c == '\n')
				r->line++;
			if (csv_step(&st, c))
				return REC_OK;
			buf_putc(&rec->data, c);
			if (rec->data.len > opt.max_record)
				return csv_resync(r, rec);
		}
		if (r->eof)
		{
			if (!started)
				return REC_EOF;
			if (st.in_quotes && !st.quote_seen)
				return csv_unterminated(r, rec);
			return REC_OK;
		}
		{
			RecordStatus s = reader_fill(r, started ? -1 : timeout_ms);

			if (s != REC_OK)
				return s;
		}
	}
}

/*
 * Wait for the first non-blank byte of the input, without consuming it: '{'
 * or '[' means NDJSON, anything else CSV (an empty input: NDJSON).
 */
Format
reader_detect_format(Reader *r)
{
	size_t		checked = 0;	/* bytes after r->start known to be blank */

	for (;;)
	{
		for (; r->start + checked < r->end; checked++)
		{
			char		c = r->buf[r->start + checked];

			if (!isspace((unsigned char) c))
				return c == '{' || c == '[' ? FMT_NDJSON : FMT_CSV;
		}
		if (r->eof || interrupted || reader_fill(r, 1000) == REC_ERROR)
			return FMT_NDJSON;
	}
}
