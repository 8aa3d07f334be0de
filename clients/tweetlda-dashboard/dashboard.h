/*
 * dashboard.h
 *		Declarations shared by the parts of tweetlda-dashboard: options, the
 *		growable buffer with JSON output, the connection pool, the API and the
 *		server-sent events channel.  See doc/dashboard.md.
 */
#ifndef TWEETLDA_DASHBOARD_H
#define TWEETLDA_DASHBOARD_H

#include <signal.h>
#include <stdbool.h>
#include <stddef.h>

#include <stdarg.h>
#include <stdint.h>
#include <sys/socket.h>
#include <sys/types.h>

#include <microhttpd.h>

#include "libpq-fe.h"

#define PROGNAME			"tweetlda-dashboard"
#define DASHBOARD_VERSION	"0.2.0"

/*
 * The stream panel's row (tweetlda_bi.stream_status), read by /api/status and
 * by the live channel's poll: times as epoch milliseconds.
 */
#define STATUS_SQL \
	"SELECT running, enabled, trigger_interval_s, batch_size, batches, rows_scored," \
	"       rows_per_second, pending, lag_s," \
	"       (extract(epoch FROM last_batch_at) * 1000)::bigint AS last_batch_ms_epoch," \
	"       last_batch_rows, last_batch_ms, errors, last_error," \
	"       (extract(epoch FROM last_scored_at) * 1000)::bigint AS last_scored_ms," \
	"       model_id, model_name, model_topics," \
	"       serving_model_id, serving_model_name, rescoring, rescore_model_id," \
	"       rescore_total, rescore_done," \
	"       (extract(epoch FROM rescore_started_at) * 1000)::bigint AS rescore_started_ms," \
	"       (extract(epoch FROM rescore_finished_at) * 1000)::bigint AS rescore_finished_ms," \
	"       (extract(epoch FROM drift_checked_at) * 1000)::bigint AS drift_checked_ms," \
	"       drifted, drift_status, drift_exceeded, drift_tweets, drift_sampled," \
	"       drift_log_perplexity_increase, drift_oov_rate_increase," \
	"       drift_no_word_share_increase, drift_topic_jsd, drift_sentiment_shift" \
	" FROM tweetlda_bi.stream_status"

/* Command line options */
typedef struct
{
	const char *conninfo;		/* libpq connection string ("" = PG* variables) */
	const char *listen;			/* host:port */
	const char *assets;			/* folder of index.html, app.js, app.css */
	const char *chartjs;		/* the Chart.js file (Debian libjs-chart.js) */
	int			statement_timeout_ms;
	int			pool_size;
	int			poll_ms;		/* live channel: how often the database is polled */
	bool		quiet;
} Options;

extern Options opt;
extern volatile sig_atomic_t stopping;

/* A growable byte buffer, always NUL-terminated */
typedef struct
{
	char	   *data;
	size_t		len;
	size_t		cap;
} Buf;

void		buf_init(Buf *b);
void		buf_free(Buf *b);
void		buf_append(Buf *b, const char *s, size_t n);
void		buf_puts(Buf *b, const char *s);
void		buf_printf(Buf *b, const char *fmt,...) __attribute__((format(printf, 2, 3)));
void		json_string(Buf *b, const char *s);
void		json_result(Buf *b, const PGresult *res);
void		json_error(Buf *b, const char *message);

/* Outcome of a query on the pool */
typedef enum
{
	DB_OK, DB_UNAVAILABLE, DB_TIMEOUT, DB_ERROR
} DbStatus;

void		db_init(void);
DbStatus	db_query(const char *sql, int nparams, const char *const *values, PGresult **res);

/* HTTP status and JSON body of an API call */
typedef struct
{
	unsigned	status;
	Buf			body;
} ApiReply;

bool		api_handle(const char *path, struct MHD_Connection *conn, ApiReply *reply);

void		sse_start(void);
void		sse_stop(void);
struct MHD_Response *sse_response(void);

void		logmsg(const char *fmt,...) __attribute__((format(printf, 1, 2)));

#endif
