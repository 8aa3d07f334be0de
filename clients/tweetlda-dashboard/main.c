/*
 * main.c
 *		tweetlda-dashboard: a small HTTP server (GNU libmicrohttpd) that shows the
 *		stream's topics and sentiment live in a browser.  It reads the database
 *		with libpq as a read-only role, through the views of schema tweetlda_bi,
 *		and serves one page, JSON endpoints per panel and a server-sent events
 *		channel.  This file: options, startup and shutdown.  See doc/dashboard.md.
 *
 * Exit codes: 0 stopped by SIGINT/SIGTERM, 1 usage error, 2 cannot listen,
 * 3 a file of the page or Chart.js is missing.
 */
#include <arpa/inet.h>
#include <getopt.h>
#include <netdb.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "dashboard.h"
#include "http.h"

#ifndef DASHBOARD_ASSETS
#define DASHBOARD_ASSETS "/usr/share/postgresql/15/tweetlda/dashboard"
#endif
#define DEFAULT_CHARTJS "/usr/share/javascript/chart.js/chart.min.js"

Options		opt = {
	.conninfo = "",
	.listen = "127.0.0.1:8080",
	.assets = DASHBOARD_ASSETS,
	.chartjs = DEFAULT_CHARTJS,
	.statement_timeout_ms = 5000,
	.pool_size = 4,
	.poll_ms = 1000,
};
volatile sig_atomic_t stopping = 0;

/* Print a message with a time stamp on stderr */
void
logmsg(const char *fmt,...)
{
	char		stamp[32];
	time_t		now = time(NULL);
	va_list		ap;
	size_t		n;

	strftime(stamp, sizeof(stamp), "%Y-%m-%d %H:%M:%S", localtime(&now));
	fprintf(stderr, "%s %s: ", stamp, PROGNAME);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	n = strlen(fmt);
	if (n == 0 || fmt[n - 1] != '\n')
		fputc('\n', stderr);
}

/* SIGINT, SIGTERM: stop */
static void
on_signal(int sig)
{
	(void) sig;
	stopping = 1;
}

/* Print the usage */
static void
usage(FILE *f)
{
	fprintf(f,
			"%s shows tweetlda's topics and sentiment live in a browser.\n\n"
			"Usage: %s [OPTION]... [CONNINFO]\n\n"
			"CONNINFO is a libpq connection string or URI (default: the PG* variables, as psql).\n"
			"Connect as a role in tweetlda_dashboard: the program only reads schema tweetlda_bi.\n\n"
			"Options:\n"
			"  -d, --dbname=CONNINFO        the database (as CONNINFO)\n"
			"  -l, --listen=HOST:PORT       address to listen on (default 127.0.0.1:8080;\n"
			"                               [::1]:8080 for IPv6)\n"
			"      --assets=DIR             the page's files (default %s)\n"
			"      --chartjs=FILE           Chart.js (default %s)\n"
			"      --statement-timeout=MS   per query (default 5000)\n"
			"      --pool=N                 database connections (default 4)\n"
			"      --poll-interval=MS       how often the live channel polls (default 1000)\n"
			"  -q, --quiet                  no startup line\n"
			"  -V, --version                print the version\n"
			"  -h, --help                   this help\n",
			PROGNAME, PROGNAME, DASHBOARD_ASSETS, DEFAULT_CHARTJS);
}

/* An integer option in [lo, hi], or exit 1 */
static int
int_arg(const char *name, const char *s, int lo, int hi)
{
	char	   *end;
	long		v = strtol(s, &end, 10);

	if (*s == '\0' || *end || v < lo || v > hi)
	{
		fprintf(stderr, "%s: %s must be a number from %d to %d\n", PROGNAME, name, lo, hi);
		exit(1);
	}
	return (int) v;
}

/* Split HOST:PORT ([V6]:PORT) into host and port; false when malformed */
static bool
split_listen(const char *s, char *host, size_t hostlen, char *port, size_t portlen)
{
	const char *colon = strrchr(s, ':');
	size_t		n;

	if (!colon || colon[1] == '\0' || strspn(colon + 1, "0123456789") != strlen(colon + 1) ||
		strlen(colon + 1) >= portlen)
		return false;
	n = colon - s;
	if (n >= 2 && s[0] == '[' && s[n - 1] == ']')
		s++, n -= 2;
	if (n == 0 || n >= hostlen)
		return false;
	memcpy(host, s, n);
	host[n] = '\0';
	strcpy(port, colon + 1);
	return true;
}

/* Whether an address is a loopback address */
static bool
is_loopback(const struct sockaddr *sa)
{
	if (sa->sa_family == AF_INET)
		return (ntohl(((const struct sockaddr_in *) sa)->sin_addr.s_addr) >> 24) == 127;
	if (sa->sa_family == AF_INET6)
		return IN6_IS_ADDR_LOOPBACK(&((const struct sockaddr_in6 *) sa)->sin6_addr);
	return false;
}

/* Start the HTTP daemon on --listen; exits 1 or 2 on failure */
static struct MHD_Daemon *
start_daemon(void)
{
	char		host[256],
				port[8];
	struct addrinfo hints = {0},
			   *ai;
	struct MHD_Daemon *d;
	unsigned	flags = MHD_USE_THREAD_PER_CONNECTION | MHD_USE_INTERNAL_POLLING_THREAD |
		MHD_USE_ERROR_LOG;
	int			rc;

	if (!split_listen(opt.listen, host, sizeof(host), port, sizeof(port)))
	{
		fprintf(stderr, "%s: --listen must be HOST:PORT, e.g. 127.0.0.1:8080\n", PROGNAME);
		exit(1);
	}
	hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV;
	hints.ai_socktype = SOCK_STREAM;
	if ((rc = getaddrinfo(host, port, &hints, &ai)) != 0)
	{
		fprintf(stderr, "%s: cannot resolve %s: %s\n", PROGNAME, host, gai_strerror(rc));
		exit(1);
	}
	if (ai->ai_family == AF_INET6)
		flags |= MHD_USE_IPv6;
	http_set_listen(is_loopback(ai->ai_addr), port);
	d = MHD_start_daemon(flags, 0, NULL, NULL, http_handle, NULL,
						 MHD_OPTION_SOCK_ADDR, ai->ai_addr,
						 MHD_OPTION_CONNECTION_LIMIT, (unsigned) 64,
						 MHD_OPTION_CONNECTION_TIMEOUT, (unsigned) 60,
						 MHD_OPTION_END);
	freeaddrinfo(ai);
	if (!d)
	{
		fprintf(stderr, "%s: cannot listen on %s (in use, or not an address of this machine)\n",
				PROGNAME, opt.listen);
		exit(2);
	}
	return d;
}

/* Parse the command line into opt */
static void
parse_options(int argc, char **argv)
{
	static const struct option longopts[] = {
		{"dbname", required_argument, NULL, 'd'},
		{"listen", required_argument, NULL, 'l'},
		{"assets", required_argument, NULL, 1},
		{"chartjs", required_argument, NULL, 2},
		{"statement-timeout", required_argument, NULL, 3},
		{"pool", required_argument, NULL, 4},
		{"poll-interval", required_argument, NULL, 5},
		{"quiet", no_argument, NULL, 'q'},
		{"version", no_argument, NULL, 'V'},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0}
	};
	int			c;

	while ((c = getopt_long(argc, argv, "d:l:qVh", longopts, NULL)) != -1)
	{
		switch (c)
		{
			case 'd': opt.conninfo = optarg; break;
			case 'l': opt.listen = optarg; break;
			case 1: opt.assets = optarg; break;
			case 2: opt.chartjs = optarg; break;
			case 3: opt.statement_timeout_ms = int_arg("--statement-timeout", optarg, 1, 3600000); break;
			case 4: opt.pool_size = int_arg("--pool", optarg, 1, 32); break;
			case 5: opt.poll_ms = int_arg("--poll-interval", optarg, 100, 60000); break;
			case 'q': opt.quiet = true; break;
			case 'V': printf("%s %s\n", PROGNAME, DASHBOARD_VERSION); exit(0);
			case 'h': usage(stdout); exit(0);
			default: usage(stderr); exit(1);
		}
	}
	if (optind < argc)
		opt.conninfo = argv[optind++];
	if (optind < argc)
	{
		fprintf(stderr, "%s: too many arguments\n", PROGNAME);
		exit(1);
	}
}

int
main(int argc, char **argv)
{
	struct MHD_Daemon *d;
	struct sigaction sa = {0};

	parse_options(argc, argv);
	if (getenv("TWEETLDA_DASHBOARD_ASSETS") && opt.assets == (const char *) DASHBOARD_ASSETS)
		opt.assets = getenv("TWEETLDA_DASHBOARD_ASSETS");
	if (!http_load_files())
		return 3;
	sa.sa_handler = on_signal;
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
	db_init();
	d = start_daemon();
	sse_start();
	if (!opt.quiet)
	{
		printf("%s: listening on http://%s/\n", PROGNAME, opt.listen);
		fflush(stdout);
	}
	while (!stopping)
		pause();
	sse_stop();
	MHD_stop_daemon(d);
	return 0;
}
