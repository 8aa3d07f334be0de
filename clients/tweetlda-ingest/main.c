/*
 * main.c
 *		The tweetlda producer: reads tweets (NDJSON, one tweet object per line, or
 *		CSV with a header naming its columns, or the layout of the tweetlda
 *		corpora) from files or stdin and lands them with COPY into
 *		tweetlda.ingest_staging_ext, one transaction per batch.  Records it
 *		cannot read go to tweetlda.rejected too, with the input name and line.
 *		This file: options, the read loop, pacing and progress.  See
 *		doc/ingest.md.
 *
 * Exit codes: 0 done, 1 usage error, 2 connection failed permanently, 3 input
 * error (a file cannot be opened or read, a CSV header is not valid), 4 the
 * server refused a batch for a reason that is not one of its records.
 */
#include <ctype.h>
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "libpq-fe.h"

#include "batch.h"
#include "reader.h"
#include "record.h"

Options		opt = {
	.conninfo = "",
	.format = FMT_AUTO,
	.batch_size = 1000,
	.max_batch_bytes = 64 * 1024 * 1024,
	.flush_ms = 200,
	.retry_timeout = 60,
	.max_record = 16 * 1024 * 1024,
};
Counters	cnt;
uint64_t	pass = 0;			/* pass over the input, from 0 (--loop) */
volatile sig_atomic_t interrupted = 0;

/* records over this could not be stored: jsonb holds 256 MB */
#define MAX_RECORD_LIMIT	268435456

static double t_start;
static double t_last_progress;
static long last_progress_rows;

/* Print the progress line */
static void
progress(bool final)
{
	double		t = now_seconds();
	long		landed = cnt.ingested + cnt.duplicates + cnt.rejected;

	if (opt.quiet)
		return;
	if (final)
		fprintf(stderr, "%s: done: %ld read, %ld ingested, %ld duplicates, %ld rejected, "
				"%ld unreadable, %ld reconnects, %ld splits, %.1f s, %.0f rows/s\n",
				PROGNAME, cnt.read, cnt.ingested, cnt.duplicates, cnt.rejected,
				cnt.unreadable, cnt.reconnects, cnt.splits, t - t_start,
				(t > t_start) ? landed / (t - t_start) : 0.0);
	else
		fprintf(stderr, "%s: %ld read, %ld ingested, %ld duplicates, %ld rejected, "
				"%ld unreadable, %.0f rows/s\n",
				PROGNAME, cnt.read, cnt.ingested, cnt.duplicates, cnt.rejected,
				cnt.unreadable, (landed - last_progress_rows) / (t - t_last_progress));
	t_last_progress = t;
	last_progress_rows = landed;
}

/* Pace the replay: wait until record number cnt.read is due at the requested rate */
static void
pace(void)
{
	double		due;

	if (opt.rate <= 0)
		return;
	due = t_start + cnt.read / opt.rate;
	for (;;)
	{
		double		t = now_seconds();
		double		flush_at = batch.started + opt.flush_ms / 1000.0;

		if (t >= due)
			return;
		if (batch.n > 0 && flush_at <= due)
		{
			sleep_seconds(flush_at - t);
			send_batch();
			continue;
		}
		sleep_seconds(due - t);
	}
}

/* Add one record to the batch (sending the batch first when it would grow too large) */
static void
add_record(const char *data, size_t len, const char *name, long line, const char *reason)
{
	static Buf	shown;

	cnt.read++;
	pace();
	if (reason != NULL)
	{
		/* a record this program cannot read: rejected, with a printable copy */
		cnt.unreadable++;
		sanitize(&shown, data, len);
		data = shown.data;
		len = shown.len;
	}
	if (batch_would_overflow(&batch, len))
	{
		cnt.splits++;
		send_batch();
	}
	batch_add(&batch, data, len, name, line, reason);
}

/* Handle one NDJSON record */
static void
handle_ndjson(Record *rec, const char *name)
{
	static Buf	reason;
	size_t		len = rec->data.len;
	const char *why = rec->reason;

	while (len > 0 && (rec->data.data[len - 1] == '\r' || rec->data.data[len - 1] == ' '))
		len--;
	if (len == 0 && why == NULL)
		return;					/* blank lines (stream keep-alives) are not records */
	if (why == NULL)
		why = check_utf8(rec->data.data, len, &reason);
	add_record(rec->data.data, len, name, rec->line, why);
}

/* Handle one CSV record; the first one of an input may be its header */
static void
handle_csv(Record *rec, const char *name, CsvLayout *layout)
{
	static Buf	reason;
	static Buf	json;
	const char *why = rec->reason;

	if (why == NULL && rec->data.len == 0)
		return;
	if (why == NULL)
		why = check_utf8(rec->data.data, rec->data.len, &reason);
	if (why == NULL && !layout->known &&
		csv_header(layout, rec->data.data, rec->data.len, name, rec->line))
		return;
	if (why == NULL && !layout->known)
		why = "CSV input without a header";
	if (why == NULL)
		why = csv_to_json(layout, rec->data.data, rec->data.len, &json, &reason);
	if (why != NULL)
		add_record(rec->data.data, rec->data.len, name, rec->line, why);
	else
		add_record(json.data, json.len, name, rec->line, NULL);
}

/* Milliseconds to wait for input: until the partial batch is due, at most 1 s */
static int
read_timeout(void)
{
	int			timeout = -1;

	if (batch.n > 0)
	{
		double		left = batch.started + opt.flush_ms / 1000.0 - now_seconds();

		timeout = left > 0 ? (int) (left * 1000) + 1 : 0;
	}
	if (timeout < 0 || timeout > 1000)
		timeout = 1000;			/* wake up for the progress line */
	return timeout;
}

/* Read one input to its end, sending batches as they fill; returns an exit code */
static int
ingest_input(const char *name)
{
	Reader		r;
	Record		rec = {0};
	Format		fmt = opt.format;
	CsvLayout	layout = {0};
	const char *shown = strcmp(name, "-") == 0 ? "(stdin)" : name;

	if (!reader_open(&r, name))
		return EXIT_INPUT;
	while (!interrupted)
	{
		RecordStatus st;

		if (now_seconds() - t_last_progress >= 1.0)
			progress(false);
		if (fmt == FMT_AUTO)
			fmt = reader_detect_format(&r);
		st = fmt == FMT_CSV ? read_csv_record(&r, &rec, read_timeout())
			: read_ndjson_record(&r, &rec, read_timeout());
		if (st == REC_EOF)
			break;
		if (st == REC_ERROR)
		{
			reader_close(&r);
			return EXIT_INPUT;
		}
		if (st == REC_TIMEOUT)
		{
			if (batch.n > 0 && now_seconds() >= batch.started + opt.flush_ms / 1000.0)
				send_batch();
			continue;
		}
		if (fmt == FMT_CSV)
			handle_csv(&rec, shown, &layout);
		else
			handle_ndjson(&rec, shown);
		/* a full batch, or a slow stream whose first record has waited long enough */
		if (batch.n >= opt.batch_size ||
			(batch.n > 0 && now_seconds() >= batch.started + opt.flush_ms / 1000.0))
			send_batch();
	}
	reader_close(&r);
	free(rec.data.data);
	return 0;
}

/* Print the usage text */
static void
usage(FILE *f)
{
	fprintf(f,
			"%s lands tweets in PostgreSQL (tweetlda) with COPY.\n\n"
			"Usage:\n  %s [OPTION]... [FILE]...\n\n"
			"Reads NDJSON (one tweet object per line: Twitter API v1.1, API v2 or\n"
			"{\"id\",\"text\",\"created_at\"}) or CSV with a header naming tweet_id (or id) and text\n"
			"(or no header and the layout corpus,tweet_id,created_at_utc,lang,text,source_ref)\n"
			"from the FILEs, or from standard input when there is none or FILE is \"-\".\n\n"
			"Options:\n"
			"  -d, --dbname=CONNINFO      connection string or database name (default: the PG*\n"
			"                             environment variables, like psql)\n"
			"  -f, --format=FORMAT        ndjson, csv or auto (default: auto)\n"
			"  -b, --batch-size=N         records per COPY transaction (default: 1000)\n"
			"  -r, --rate=N               replay at N records per second (default: as fast as possible)\n"
			"  -l, --loop                 read the FILEs again and again until interrupted\n"
			"      --id-offset=N          with --loop, add pass*N to the ids of CSV records (new\n"
			"                             tweets on every pass; the first pass is pass 0)\n"
			"      --flush-interval=MS    send a partial batch after MS milliseconds (default: 200)\n"
			"      --retry-timeout=S      keep reconnecting for S seconds before giving up (default: 60)\n"
			"      --max-record=BYTES     reject records longer than this (default: 16777216, at most 268435456)\n"
			"      --max-batch-bytes=BYTES  send a batch before it grows beyond this (default: 67108864)\n"
			"  -q, --quiet                no progress lines\n"
			"  -V, --version              print the version and exit\n"
			"  -h, --help                 print this help and exit\n\n"
			"Records that cannot be read (invalid UTF-8, NUL bytes, too long, an unterminated\n"
			"CSV quote, a wrong number of CSV fields) go to tweetlda.rejected with the input\n"
			"name and line number.\n\n"
			"Exit status: 0 done, 1 usage error, 2 connection failed permanently,\n"
			"3 input error (unreadable file, invalid CSV header), 4 the server refused a batch\n"
			"for a reason other than its records (e.g. the extension is missing).\n",
			PROGNAME, PROGNAME);
}

/* Parse a positive number option or exit with a usage error */
static double
number_arg(const char *opt, const char *arg, double min)
{
	char	   *end;
	double		v;

	errno = 0;
	v = strtod(arg, &end);
	if (errno != 0 || end == arg || *end != '\0' || v < min || v > 1e12)
	{
		message("invalid value \"%s\" for %s", arg, opt);
		exit(EXIT_USAGE);
	}
	return v;
}

/* Stop reading at SIGINT/SIGTERM: the current batch is still sent */
static void
on_signal(int sig)
{
	(void) sig;
	interrupted = 1;
}

/* Parse the command line; returns the index of the first file argument */
static int
parse_options(int argc, char **argv)
{
	static struct option longopts[] = {
		{"dbname", required_argument, NULL, 'd'},
		{"format", required_argument, NULL, 'f'},
		{"batch-size", required_argument, NULL, 'b'},
		{"rate", required_argument, NULL, 'r'},
		{"loop", no_argument, NULL, 'l'},
		{"quiet", no_argument, NULL, 'q'},
		{"flush-interval", required_argument, NULL, 1},
		{"retry-timeout", required_argument, NULL, 2},
		{"max-record", required_argument, NULL, 3},
		{"id-offset", required_argument, NULL, 4},
		{"max-batch-bytes", required_argument, NULL, 5},
		{"version", no_argument, NULL, 'V'},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0}
	};
	int			c;

	while ((c = getopt_long(argc, argv, "d:f:b:r:lqVh", longopts, NULL)) != -1)
	{
		switch (c)
		{
			case 'd':
				opt.conninfo = optarg;
				break;
			case 'f':
				if (strcmp(optarg, "ndjson") == 0 || strcmp(optarg, "json") == 0)
					opt.format = FMT_NDJSON;
				else if (strcmp(optarg, "csv") == 0)
					opt.format = FMT_CSV;
				else if (strcmp(optarg, "auto") == 0)
					opt.format = FMT_AUTO;
				else
				{
					message("invalid format \"%s\" (ndjson, csv or auto)", optarg);
					exit(EXIT_USAGE);
				}
				break;
			case 'b':
				opt.batch_size = (long) number_arg("--batch-size", optarg, 1);
				break;
			case 'r':
				opt.rate = number_arg("--rate", optarg, 0.001);
				break;
			case 'l':
				opt.loop_input = true;
				break;
			case 'q':
				opt.quiet = true;
				break;
			case 1:
				opt.flush_ms = (long) number_arg("--flush-interval", optarg, 1);
				break;
			case 2:
				opt.retry_timeout = number_arg("--retry-timeout", optarg, 0);
				break;
			case 3:
				opt.max_record = (size_t) number_arg("--max-record", optarg, 16);
				if (opt.max_record > MAX_RECORD_LIMIT)
				{
					message("--max-record cannot be more than %d", MAX_RECORD_LIMIT);
					exit(EXIT_USAGE);
				}
				break;
			case 4:
				{
					char	   *end;

					errno = 0;
					opt.id_offset = strtoull(optarg, &end, 10);
					if (errno != 0 || end == optarg || *end != '\0' || !isdigit((unsigned char) *optarg) ||
						opt.id_offset > INT64_MAX)
					{
						message("invalid value \"%s\" for --id-offset", optarg);
						exit(EXIT_USAGE);
					}
				}
				break;
			case 5:
				opt.max_batch_bytes = (size_t) number_arg("--max-batch-bytes", optarg, 1024);
				break;
			case 'V':
				printf("%s (tweetlda) %s\n", PROGNAME, PRODUCER_VERSION);
				exit(0);
			case 'h':
				usage(stdout);
				exit(0);
			default:
				fprintf(stderr, "Try \"%s --help\" for more information.\n", PROGNAME);
				exit(EXIT_USAGE);
		}
	}
	return optind;
}

/* Read every input (again and again with --loop), then send the last batch */
int
main(int argc, char **argv)
{
	int			first = parse_options(argc, argv);
	int			nfiles = argc - first;
	int			rc = 0;

	if (strchr(opt.conninfo, '=') != NULL || strncmp(opt.conninfo, "postgres", 8) == 0)
	{
		char	   *errmsg = NULL;
		PQconninfoOption *opts = PQconninfoParse(opt.conninfo, &errmsg);

		if (opts == NULL)
		{
			message("invalid connection string: %s", errmsg ? errmsg : "out of memory");
			exit(EXIT_USAGE);
		}
		PQconninfoFree(opts);
	}
	if (opt.loop_input)
	{
		for (int i = first; i < argc; i++)
			if (strcmp(argv[i], "-") == 0)
				nfiles = 0;
		if (nfiles == 0)
		{
			message("--loop needs input files (standard input cannot be read again)");
			exit(EXIT_USAGE);
		}
	}
	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);
	signal(SIGPIPE, SIG_IGN);
	t_start = t_last_progress = now_seconds();
	connect_with_retry();

	do
	{
		if (nfiles == 0)
			rc = ingest_input("-");
		for (int i = first; i < argc && rc == 0 && !interrupted; i++)
			rc = ingest_input(argv[i]);
		pass++;
	} while (opt.loop_input && rc == 0 && !interrupted);

	send_batch();
	progress(true);
	disconnect();
	return rc;
}
