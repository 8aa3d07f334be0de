/*
 * batch.h
 *		Batches of records and their delivery: one COPY into
 *		tweetlda.ingest_staging_ext per transaction, resent after a lost
 *		connection, split when the server refuses it because of one record.
 */
#ifndef TWEETLDA_INGEST_BATCH_H
#define TWEETLDA_INGEST_BATCH_H

#include "common.h"

/* COPY text rows (raw, source, line, reason) and where each row starts */
typedef struct
{
	Buf			rows;
	size_t	   *starts;
	long		n;
	long		cap;
	double		started;		/* when the first row was added */
} Batch;

extern Batch batch;

extern void batch_add(Batch *b, const char *raw, size_t len, const char *source, long line,
					  const char *reason);
extern bool batch_would_overflow(const Batch *b, size_t len);
extern void send_batch(void);
extern void connect_with_retry(void);
extern void disconnect(void);

#endif							/* TWEETLDA_INGEST_BATCH_H */
