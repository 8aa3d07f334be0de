/*
 * record.h
 *		Checks and conversions of one record before it is batched: valid UTF-8
 *		without NUL bytes, CSV fields and header, the JSON object a CSV record
 *		becomes.
 */
#ifndef TWEETLDA_INGEST_RECORD_H
#define TWEETLDA_INGEST_RECORD_H

#include "common.h"

/* The columns of a CSV input (from its header, or the corpus layout) */
typedef struct
{
	char	  **names;			/* JSON keys */
	int			ncols;
	bool		known;			/* header read (or layout decided) */
} CsvLayout;

extern const char *check_utf8(const char *s, size_t len, Buf *reason);
extern void sanitize(Buf *out, const char *s, size_t len);
extern bool csv_header(CsvLayout *layout, const char *s, size_t len, const char *name, long line);
extern const char *csv_to_json(CsvLayout *layout, const char *s, size_t len, Buf *out, Buf *reason);

#endif							/* TWEETLDA_INGEST_RECORD_H */
