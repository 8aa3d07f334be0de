/*
 * reader.h
 *		Reading records from an input (a file or standard input): NDJSON lines
 *		and CSV records, each with the number of the line where it starts.  A
 *		record that cannot be read (too long, an unterminated quote) comes back
 *		with a reason, so that it can be rejected instead of skipped.
 */
#ifndef TWEETLDA_INGEST_READER_H
#define TWEETLDA_INGEST_READER_H

#include "common.h"

/* Result of reading one record */
typedef enum
{
	REC_OK,						/* a record (maybe with a reason: unreadable) */
	REC_TIMEOUT,				/* no record started within the timeout */
	REC_EOF,					/* end of input */
	REC_ERROR					/* read error */
} RecordStatus;

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
	long		line;			/* number of the line that starts at buf[start] */
	bool		resynced;		/* read again after an unterminated quote at the end */
} Reader;

/* One record as read */
typedef struct
{
	Buf			data;			/* its bytes (at most --max-record, REJECT_PREFIX if too long) */
	long		line;			/* the line where it starts */
	const char *reason;			/* NULL, or why it cannot be read */
} Record;

extern bool reader_open(Reader *r, const char *name);
extern void reader_close(Reader *r);
extern RecordStatus read_ndjson_record(Reader *r, Record *rec, int timeout_ms);
extern RecordStatus read_csv_record(Reader *r, Record *rec, int timeout_ms);
extern Format reader_detect_format(Reader *r);

#endif							/* TWEETLDA_INGEST_READER_H */
