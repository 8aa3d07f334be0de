/*
 * ingest.h
 *		The parsers of the ingest path, shared by the SQL entry points (ingest.c)
 *		and the staging triggers (ingest_stash.c).  None of them raises an error
 *		for bad input: a batch must never stop on one record.
 */
#ifndef INGEST_H
#define INGEST_H

#include "utils/jsonb.h"
#include "utils/timestamp.h"

/* Interrupts are checked at least every this many bytes (or steps) of a scan */
#define INGEST_CFI_INTERVAL		(1 << 20)

/* Clip a message argument to at most this many bytes (whole characters) */
#define INGEST_MAX_ECHO			100

/* ingest_json.c: text to jsonb, NULL and *error (a message) for anything jsonb cannot hold */
extern Jsonb *IngestParseJsonb(const char *str, size_t len, char **error);

/* ingest_time.c: a tweet timestamp (v1.1, ISO 8601, corpus CSV forms), false for anything else */
extern bool IngestParseTimestamp(const char *s, size_t len, TimestampTz *result);

/* ingest.c: a copy of s clipped to at most maxbytes bytes at a character boundary */
extern char *IngestClip(const char *s, size_t len, int maxbytes);

#endif							/* INGEST_H */
