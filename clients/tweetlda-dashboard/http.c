/*
 * http.c
 *		The HTTP side: the page and its files, the API and the event stream;
 *		GET and HEAD only; security headers on every response; on a loopback
 *		address, requests naming another host are refused (DNS rebinding).
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dashboard.h"
#include "http.h"

/* A file served from memory */
typedef struct
{
	const char *path;
	const char *type;
	char	   *data;
	size_t		len;
} StaticFile;

static StaticFile files[] = {
	{"/", "text/html; charset=utf-8", NULL, 0},
	{"/app.js", "text/javascript; charset=utf-8", NULL, 0},
	{"/app.css", "text/css; charset=utf-8", NULL, 0},
	{"/chart.js", "text/javascript; charset=utf-8", NULL, 0},
};
#define NFILES (sizeof(files) / sizeof(files[0]))

static const char csp[] =
	"default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; "
	"img-src 'self' data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

static bool loopback_only;
static char listen_port[8];

/* Read a whole file; false with a message */
static bool
read_file(const char *name, char **data, size_t *len)
{
	FILE	   *f = fopen(name, "rb");
	Buf			b;
	char		chunk[65536];
	size_t		n;

	if (!f)
	{
		logmsg("cannot open %s: %m", name);
		return false;
	}
	buf_init(&b);
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
		buf_append(&b, chunk, n);
	fclose(f);
	*data = b.data;
	*len = b.len;
	return true;
}

/* Load the page, its files and Chart.js; false when one is missing */
bool
http_load_files(void)
{
	const char *names[] = {"index.html", "app.js", "app.css"};
	char		path[4096];
	bool		ok = true;

	for (int i = 0; i < 3; i++)
	{
		snprintf(path, sizeof(path), "%s/%s", opt.assets, names[i]);
		ok = read_file(path, &files[i].data, &files[i].len) && ok;
	}
	if (!read_file(opt.chartjs, &files[3].data, &files[3].len))
	{
		logmsg("Chart.js comes from the Debian package libjs-chart.js (or --chartjs FILE)");
		ok = false;
	}
	return ok;
}

/* Remember how we listen, for the Host check */
void
http_set_listen(bool loopback, const char *port)
{
	loopback_only = loopback;
	snprintf(listen_port, sizeof(listen_port), "%s", port);
}

/* Whether the Host header names this server (checked on loopback addresses only) */
static bool
host_allowed(struct MHD_Connection *conn)
{
	const char *host = MHD_lookup_connection_value(conn, MHD_HEADER_KIND, MHD_HTTP_HEADER_HOST);
	const char *names[] = {"localhost", "127.0.0.1", "[::1]"};

	if (!loopback_only)
		return true;
	if (!host)
		return false;
	for (int i = 0; i < 3; i++)
	{
		size_t		n = strlen(names[i]);

		if (strncasecmp(host, names[i], n) == 0 &&
			(host[n] == '\0' || (host[n] == ':' && strcmp(host + n + 1, listen_port) == 0)))
			return true;
	}
	return false;
}

/* Add the headers every response carries */
static void
common_headers(struct MHD_Response *r, const char *type, bool cache)
{
	MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, type);
	MHD_add_response_header(r, "X-Content-Type-Options", "nosniff");
	MHD_add_response_header(r, "Referrer-Policy", "no-referrer");
	MHD_add_response_header(r, "X-Frame-Options", "DENY");
	MHD_add_response_header(r, "Content-Security-Policy", csp);
	MHD_add_response_header(r, MHD_HTTP_HEADER_CACHE_CONTROL, cache ? "max-age=300" : "no-store");
}

/* Queue a body copied from memory */
static enum MHD_Result
send_body(struct MHD_Connection *conn, unsigned status, const char *type,
		  const char *data, size_t len, bool cache)
{
	struct MHD_Response *r =
		MHD_create_response_from_buffer(len, (void *) data, MHD_RESPMEM_MUST_COPY);
	enum MHD_Result ret;

	if (!r)
		return MHD_NO;
	common_headers(r, type, cache);
	if (status == MHD_HTTP_METHOD_NOT_ALLOWED)
		MHD_add_response_header(r, MHD_HTTP_HEADER_ALLOW, "GET, HEAD");
	ret = MHD_queue_response(conn, status, r);
	MHD_destroy_response(r);
	return ret;
}

/* Queue a JSON error */
static enum MHD_Result
send_error(struct MHD_Connection *conn, unsigned status, const char *message)
{
	Buf			b;
	enum MHD_Result ret;

	buf_init(&b);
	json_error(&b, message);
	ret = send_body(conn, status, "application/json", b.data, b.len, false);
	buf_free(&b);
	return ret;
}

/* Queue the event stream */
static enum MHD_Result
send_events(struct MHD_Connection *conn)
{
	struct MHD_Response *r = sse_response();
	enum MHD_Result ret;

	if (!r)
		return MHD_NO;
	common_headers(r, "text/event-stream", false);
	ret = MHD_queue_response(conn, MHD_HTTP_OK, r);
	MHD_destroy_response(r);
	return ret;
}

/* MHD access handler: one call per request (GET and HEAD have no body) */
enum MHD_Result
http_handle(void *cls, struct MHD_Connection *conn, const char *url, const char *method,
			const char *version, const char *upload_data, size_t *upload_size, void **state)
{
	static int	first_call;
	ApiReply	reply;
	enum MHD_Result ret;

	(void) cls;
	(void) version;
	(void) upload_data;
	if (*state == NULL)
	{
		/* the headers are in; answer on the next call */
		*state = &first_call;
		if (strcmp(method, "GET") != 0 && strcmp(method, "HEAD") != 0)
			return send_error(conn, MHD_HTTP_METHOD_NOT_ALLOWED, "only GET and HEAD are served");
		return MHD_YES;
	}
	if (*upload_size)
		return send_error(conn, MHD_HTTP_BAD_REQUEST, "a request body is not expected");
	if (!host_allowed(conn))
		return send_error(conn, MHD_HTTP_FORBIDDEN, "unknown Host header");
	for (size_t i = 0; i < NFILES; i++)
		if (strcmp(url, files[i].path) == 0)
			return send_body(conn, MHD_HTTP_OK, files[i].type, files[i].data, files[i].len,
							 i == 3);
	if (strcmp(url, "/api/events") == 0)
		return send_events(conn);
	if (!api_handle(url, conn, &reply))
		return send_error(conn, MHD_HTTP_NOT_FOUND, "no such page");
	ret = send_body(conn, reply.status, "application/json", reply.body.data, reply.body.len, false);
	buf_free(&reply.body);
	return ret;
}
