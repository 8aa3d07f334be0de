/*
 * api.c
 *		The JSON endpoints, one per panel of the page.  Query parameters are
 *		checked here (400 with a message when one is bad or unknown) and bound
 *		as parameters of constant SQL text: nothing from the request is ever
 *		spliced into SQL.  Every query reads the views of schema tweetlda_bi.
 *
 *		Parameters: from, to (epoch milliseconds; default the last 24 hours),
 *		topic (a topic number, or 0 for "no topic"), sentiment (positive,
 *		neutral, negative), limit (latest only, 1 to 200, default 25).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dashboard.h"

#define NPARAMS		5

/* $1 from, $2 to (epoch ms as text), $3 topic, $4 sentiment, $5 limit */
#define FROM_TS "coalesce(pg_catalog.to_timestamp($1::float8 / 1000), " \
	"pg_catalog.now() - '24 hours'::interval)"
#define TO_TS	"coalesce(pg_catalog.to_timestamp($2::float8 / 1000), 'infinity'::timestamptz)"
/* hourly buckets that overlap [from, to) */
#define BUCKET_RANGE(b) b " >= pg_catalog.date_bin('1 hour'::interval, " FROM_TS ", " \
	"'2000-01-01 00:00:00+00'::timestamptz) AND " b " < " TO_TS
#define TOPIC_IS(t) "($3::int IS NULL OR " t " = $3::int OR ($3::int = 0 AND " t " IS NULL))"
#define SENTIMENT_IS(s) "($4::text IS NULL OR " s " = $4::text)"

/* per topic of the serving model in the range: counts, polarity, labels */
#define PER_TOPIC(select_list) \
	"WITH c AS (" \
	"  SELECT h.topic, sum(h.tweets) AS tweets, sum(h.polarity_sum) AS polarity_sum," \
	"         sum(h.tweets) FILTER (WHERE h.sentiment = 'positive') AS positive," \
	"         sum(h.tweets) FILTER (WHERE h.sentiment = 'neutral') AS neutral," \
	"         sum(h.tweets) FILTER (WHERE h.sentiment = 'negative') AS negative" \
	"  FROM tweetlda_bi.topic_sentiment_hourly h" \
	"  WHERE " BUCKET_RANGE("h.bucket") " AND " TOPIC_IS("h.topic") \
	"    AND " SENTIMENT_IS("h.sentiment") \
	"  GROUP BY h.topic)," \
	"t AS (" \
	"  SELECT l.topic, l.label FROM tweetlda_bi.topic_labels l" \
	"  WHERE l.serving AND " TOPIC_IS("l.topic") \
	"  UNION ALL SELECT NULL, 'no topic' WHERE EXISTS (SELECT FROM c WHERE c.topic IS NULL))" \
	"SELECT " select_list " FROM t LEFT JOIN c ON c.topic IS NOT DISTINCT FROM t.topic" \
	" ORDER BY t.topic NULLS LAST"

static const char sql_topics[] =
	PER_TOPIC("t.topic, t.label, coalesce(c.tweets, 0)::bigint AS tweets");
static const char sql_sentiment[] =
	PER_TOPIC("t.topic, t.label, coalesce(c.positive, 0)::bigint AS positive,"
			  " coalesce(c.neutral, 0)::bigint AS neutral,"
			  " coalesce(c.negative, 0)::bigint AS negative");
static const char sql_polarity[] =
	PER_TOPIC("t.topic, t.label, c.polarity_sum / nullif(c.tweets, 0) AS avg_polarity,"
			  " coalesce(c.tweets, 0)::bigint AS tweets");

static const char sql_timeline[] =
	"SELECT (extract(epoch FROM h.bucket) * 1000)::bigint AS t, h.topic, min(h.label) AS label,"
	"       sum(h.tweets)::bigint AS tweets"
	" FROM tweetlda_bi.topic_sentiment_hourly h"
	" WHERE " BUCKET_RANGE("h.bucket") " AND " TOPIC_IS("h.topic")
	"   AND " SENTIMENT_IS("h.sentiment")
	" GROUP BY h.bucket, h.topic ORDER BY h.bucket, h.topic NULLS LAST";

static const char sql_words[] =
	"SELECT w.topic, w.label, w.rank, w.word, w.weight FROM tweetlda_bi.topic_words w"
	" WHERE w.serving AND " TOPIC_IS("w.topic") " ORDER BY w.topic, w.rank";

static const char sql_latest[] =
	"SELECT s.tweet_id::text AS tweet_id,"
	"       (extract(epoch FROM s.created_at) * 1000)::bigint AS created_ms,"
	"       (extract(epoch FROM s.scored_at) * 1000)::bigint AS scored_ms,"
	"       s.author, s.text, s.topic, s.label, s.topic_weight, s.polarity, s.sentiment"
	" FROM tweetlda_bi.scored_tweets s"
	" WHERE s.created_at >= " FROM_TS " AND s.created_at < " TO_TS
	"   AND " TOPIC_IS("s.topic") " AND " SENTIMENT_IS("s.sentiment")
	" ORDER BY s.scored_at DESC, s.tweet_id DESC LIMIT $5::int";

static const char sql_status[] = STATUS_SQL;

/* An endpoint: path, SQL, whether it takes limit */
typedef struct
{
	const char *path;
	const char *sql;
	bool		takes_limit;
	bool		single_row;
} Endpoint;

static const Endpoint endpoints[] = {
	{"/api/topics", sql_topics, false, false},
	{"/api/sentiment", sql_sentiment, false, false},
	{"/api/polarity", sql_polarity, false, false},
	{"/api/timeline", sql_timeline, false, false},
	{"/api/words", sql_words, false, false},
	{"/api/latest", sql_latest, true, false},
	{"/api/status", sql_status, false, true},
};

/* The parsed query parameters, as text for libpq (NULL: not given) */
typedef struct
{
	const Endpoint *ep;
	const char *values[NPARAMS];
	char		storage[NPARAMS][32];
	char		error[200];
} Args;

/* Whether s is a decimal integer in [lo, hi]; its value in *out */
static bool
parse_int(const char *s, long long lo, long long hi, long long *out)
{
	char	   *end;
	long long	v;

	if (!s || !*s || strspn(s, "0123456789-") != strlen(s) || strlen(s) > 19)
		return false;
	errno = 0;
	v = strtoll(s, &end, 10);
	if (errno || *end || v < lo || v > hi)
		return false;
	*out = v;
	return true;
}

/* Check one parameter and store it; false with a message in a->error */
static bool
take_arg(Args *a, const char *name, const char *value)
{
	long long	v;
	/* epoch ms up to the year 9999 */
	const long long max_ms = 253402300799999LL;

	if (strcmp(name, "from") == 0 || strcmp(name, "to") == 0)
	{
		int			i = name[0] == 'f' ? 0 : 1;

		if (!parse_int(value, 0, max_ms, &v))
			return snprintf(a->error, sizeof(a->error),
							"parameter \"%s\" must be a time in milliseconds since 1970-01-01 UTC",
							name), false;
		snprintf(a->storage[i], sizeof(a->storage[i]), "%lld", v);
		a->values[i] = a->storage[i];
	}
	else if (strcmp(name, "topic") == 0)
	{
		if (!parse_int(value, 0, 100000, &v))
			return snprintf(a->error, sizeof(a->error),
							"parameter \"topic\" must be a topic number (0: no topic)"), false;
		snprintf(a->storage[2], sizeof(a->storage[2]), "%lld", v);
		a->values[2] = a->storage[2];
	}
	else if (strcmp(name, "sentiment") == 0)
	{
		if (!value || (strcmp(value, "positive") && strcmp(value, "neutral") &&
					   strcmp(value, "negative")))
			return snprintf(a->error, sizeof(a->error),
							"parameter \"sentiment\" must be positive, neutral or negative"), false;
		snprintf(a->storage[3], sizeof(a->storage[3]), "%s", value);
		a->values[3] = a->storage[3];
	}
	else if (strcmp(name, "limit") == 0 && a->ep->takes_limit)
	{
		if (!parse_int(value, 1, 200, &v))
			return snprintf(a->error, sizeof(a->error),
							"parameter \"limit\" must be a number from 1 to 200"), false;
		snprintf(a->storage[4], sizeof(a->storage[4]), "%lld", v);
		a->values[4] = a->storage[4];
	}
	else if (strcmp(name, "_") != 0)	/* "_": a cache buster, ignored */
		return snprintf(a->error, sizeof(a->error), "unknown parameter \"%.100s\"", name), false;
	return true;
}

/* MHD iterator over the query string: stops at the first bad parameter */
static enum MHD_Result
arg_iterator(void *cls, enum MHD_ValueKind kind, const char *key, const char *value)
{
	(void) kind;
	return take_arg((Args *) cls, key, value) ? MHD_YES : MHD_NO;
}

/* Check the from/to order once both are known */
static bool
check_range(Args *a)
{
	if (a->values[0] && a->values[1] && atoll(a->values[0]) >= atoll(a->values[1]))
	{
		snprintf(a->error, sizeof(a->error), "parameter \"from\" must be before \"to\"");
		return false;
	}
	return true;
}

/* Fill the reply from a query outcome */
static void
reply_result(ApiReply *reply, DbStatus st, PGresult *res, bool single_row)
{
	switch (st)
	{
		case DB_OK:
			reply->status = MHD_HTTP_OK;
			if (single_row && PQntuples(res) == 1)
			{
				Buf			tmp;

				buf_init(&tmp);
				json_result(&tmp, res);
				/* "[{...}]" -> "{...}" */
				buf_append(&reply->body, tmp.data + 1, tmp.len - 2);
				buf_free(&tmp);
			}
			else
				json_result(&reply->body, res);
			break;
		case DB_UNAVAILABLE:
			reply->status = MHD_HTTP_SERVICE_UNAVAILABLE;
			json_error(&reply->body, "the database is not available; retrying");
			break;
		case DB_TIMEOUT:
			reply->status = MHD_HTTP_SERVICE_UNAVAILABLE;
			json_error(&reply->body, "the query took too long (statement_timeout)");
			break;
		case DB_ERROR:
			reply->status = MHD_HTTP_INTERNAL_SERVER_ERROR;
			json_error(&reply->body, "the query failed; see the dashboard's log");
			break;
	}
}

/*
 * Answer path if it is an API endpoint (false: not one).  The reply holds the
 * HTTP status and a JSON body.
 */
bool
api_handle(const char *path, struct MHD_Connection *conn, ApiReply *reply)
{
	Args		a;
	const Endpoint *ep = NULL;
	PGresult   *res = NULL;
	DbStatus	st;

	for (size_t i = 0; i < sizeof(endpoints) / sizeof(endpoints[0]); i++)
		if (strcmp(path, endpoints[i].path) == 0)
			ep = &endpoints[i];
	if (!ep)
		return false;
	memset(&a, 0, sizeof(a));
	a.ep = ep;
	a.values[4] = "25";
	buf_init(&reply->body);
	MHD_get_connection_values(conn, MHD_GET_ARGUMENT_KIND, arg_iterator, &a);
	if (a.error[0] || !check_range(&a))
	{
		reply->status = MHD_HTTP_BAD_REQUEST;
		json_error(&reply->body, a.error);
		return true;
	}
	st = db_query(ep->sql, NPARAMS, a.values, &res);
	reply_result(reply, st, res, ep->single_row);
	PQclear(res);
	return true;
}
