/*
 * common.h
 *		Declarations shared by the parts of the producer tweetlda-ingest: the
 *		options, the counters, a growable buffer, messages and clocks.
 */
#ifndef TWEETLDA_INGEST_COMMON_H
#define TWEETLDA_INGEST_COMMON_H

#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define PROGNAME			"tweetlda-ingest"
#define PRODUCER_VERSION	"0.2.0"

#define EXIT_USAGE			1
#define EXIT_CONNECTION		2
#define EXIT_INPUT			3
#define EXIT_SERVER			4

/* bytes of an over-long record kept in tweetlda.rejected */
#define REJECT_PREFIX		1024

/* A growable byte buffer (always NUL-terminated) */
typedef struct
{
	char	   *data;
	size_t		len;
	size_t		cap;
} Buf;

/* Input format */
typedef enum
{
	FMT_AUTO, FMT_NDJSON, FMT_CSV
} Format;

/* Command line options */
typedef struct
{
	const char *conninfo;
	Format		format;
	long		batch_size;
	size_t		max_batch_bytes;
	double		rate;
	bool		loop_input;
	uint64_t	id_offset;
	bool		quiet;
	long		flush_ms;
	double		retry_timeout;
	size_t		max_record;
} Options;

/* What happened to the records so far */
typedef struct
{
	long		read;
	long		ingested;
	long		duplicates;
	long		rejected;		/* by the server, including the records sent as rejects */
	long		unreadable;		/* of those: records this program could not read */
	long		reconnects;
	long		splits;			/* batches split (too large, or refused for one record) */
} Counters;

extern Options opt;
extern Counters cnt;
extern uint64_t pass;
extern volatile sig_atomic_t interrupted;

extern void message(const char *fmt,...) __attribute__((format(printf, 1, 2)));
extern void *xrealloc(void *p, size_t n);
extern double now_seconds(void);
extern void sleep_seconds(double s);
extern void buf_reserve(Buf *b, size_t n);
extern void buf_append(Buf *b, const char *s, size_t n);
extern void buf_putc(Buf *b, char c);
extern void buf_printf(Buf *b, const char *fmt,...) __attribute__((format(printf, 2, 3)));

#endif							/* TWEETLDA_INGEST_COMMON_H */
