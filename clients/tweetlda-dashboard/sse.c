/*
 * sse.c
 *		The live channel (server-sent events at /api/events).  One thread polls
 *		the database every --poll-interval (default 1 s) through the view
 *		tweetlda_bi.stream_status and publishes an event "status" each time,
 *		plus an event "scores" when the newest score changed (the page then
 *		reloads its panels), or "dberror" while the database is unreachable.
 *		Each browser's stream runs in its own connection thread (MHD's
 *		thread-per-connection mode) and waits for the next event; a comment
 *		line every 15 s keeps idle proxies from closing it.
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "dashboard.h"

static const char sql_poll[] = STATUS_SQL;

static pthread_mutex_t ev_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t ev_cond = PTHREAD_COND_INITIALIZER;
static Buf	ev_frames;			/* the frames of the latest tick */
static unsigned long ev_seq;	/* ticks published */
static pthread_t poller;
static bool poller_running;

/* One browser's stream */
typedef struct
{
	unsigned long seq;			/* last tick sent */
	Buf			out;			/* bytes not sent yet */
	size_t		sent;
} Client;

/* Append an SSE frame "event: name\ndata: json\n\n" (the JSON has no newline) */
static void
frame(Buf *b, const char *event, const char *json)
{
	buf_puts(b, "event: ");
	buf_puts(b, event);
	buf_puts(b, "\ndata: ");
	buf_puts(b, json);
	buf_puts(b, "\n\n");
}

/* Poll once and publish the frames */
static void
poll_once(char *last_scored, size_t last_len)
{
	PGresult   *res;
	DbStatus	st = db_query(sql_poll, 0, NULL, &res);
	Buf			frames,
				json;

	buf_init(&frames);
	buf_init(&json);
	if (st == DB_OK && PQntuples(res) == 1)
	{
		const char *scored = PQgetvalue(res, 0, PQfnumber(res, "last_scored_ms"));

		json_result(&json, res);
		json.data[json.len - 1] = '\0';		/* "[{...}]" -> "{...}" */
		frame(&frames, "status", json.data + 1);
		if (strcmp(scored, last_scored) != 0)
		{
			Buf			s;

			buf_init(&s);
			buf_puts(&s, "{\"last_scored_ms\":");
			buf_puts(&s, *scored ? scored : "null");
			buf_puts(&s, "}");
			frame(&frames, "scores", s.data);
			buf_free(&s);
			strncpy(last_scored, scored, last_len - 1);
			last_scored[last_len - 1] = '\0';
		}
	}
	else
	{
		json_error(&json, st == DB_OK ? "the stream status has no row"
				   : "the database is not available; retrying");
		frame(&frames, "dberror", json.data);
	}
	if (res)
		PQclear(res);
	pthread_mutex_lock(&ev_lock);
	buf_free(&ev_frames);
	ev_frames = frames;
	ev_seq++;
	pthread_cond_broadcast(&ev_cond);
	pthread_mutex_unlock(&ev_lock);
	buf_free(&json);
}

/* The poller thread */
static void *
poll_loop(void *arg)
{
	char		last_scored[64] = "?";

	(void) arg;
	while (!stopping)
	{
		struct timespec ts = {opt.poll_ms / 1000, (opt.poll_ms % 1000) * 1000000L};

		poll_once(last_scored, sizeof(last_scored));
		nanosleep(&ts, NULL);
	}
	return NULL;
}

/* Start the poller */
void
sse_start(void)
{
	buf_init(&ev_frames);
	if (pthread_create(&poller, NULL, poll_loop, NULL) == 0)
		poller_running = true;
}

/* Wake every stream so that it ends, and stop the poller */
void
sse_stop(void)
{
	pthread_mutex_lock(&ev_lock);
	pthread_cond_broadcast(&ev_cond);
	pthread_mutex_unlock(&ev_lock);
	if (poller_running)
		pthread_join(poller, NULL);
	poller_running = false;
}

/* Wait for the next tick (at most 15 s) and queue its frames, or a keep-alive comment */
static void
client_wait(Client *c)
{
	struct timespec deadline;

	clock_gettime(CLOCK_REALTIME, &deadline);
	deadline.tv_sec += 15;
	pthread_mutex_lock(&ev_lock);
	while (c->seq == ev_seq && !stopping)
		if (pthread_cond_timedwait(&ev_cond, &ev_lock, &deadline) != 0)
			break;
	buf_free(&c->out);
	buf_init(&c->out);
	c->sent = 0;
	if (c->seq != ev_seq)
	{
		buf_append(&c->out, ev_frames.data, ev_frames.len);
		c->seq = ev_seq;
	}
	else
		buf_puts(&c->out, ": keep-alive\n\n");
	pthread_mutex_unlock(&ev_lock);
}

/* MHD content reader: hand out queued bytes, waiting for the next tick when none are left */
static ssize_t
client_read(void *cls, uint64_t pos, char *buf, size_t max)
{
	Client	   *c = cls;
	size_t		n;

	(void) pos;
	if (stopping)
		return MHD_CONTENT_READER_END_OF_STREAM;
	if (c->sent >= c->out.len)
		client_wait(c);
	if (stopping)
		return MHD_CONTENT_READER_END_OF_STREAM;
	n = c->out.len - c->sent;
	if (n > max)
		n = max;
	memcpy(buf, c->out.data + c->sent, n);
	c->sent += n;
	return (ssize_t) n;
}

/* MHD callback: the browser went away */
static void
client_free(void *cls)
{
	Client	   *c = cls;

	buf_free(&c->out);
	free(c);
}

/* A new event stream: the retry delay, then the latest tick at once */
struct MHD_Response *
sse_response(void)
{
	Client	   *c = calloc(1, sizeof(Client));
	struct MHD_Response *r;

	if (!c)
		return NULL;
	buf_init(&c->out);
	buf_puts(&c->out, "retry: 2000\n\n");
	pthread_mutex_lock(&ev_lock);
	buf_append(&c->out, ev_frames.data, ev_frames.len);
	c->seq = ev_seq;
	pthread_mutex_unlock(&ev_lock);
	r = MHD_create_response_from_callback(MHD_SIZE_UNKNOWN, 4096, client_read, c, client_free);
	if (!r)
		client_free(c);
	return r;
}
