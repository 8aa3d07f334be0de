/*
 * tweetlda-fuzz: send many mutated inputs to the extension's input, receive and text functions
 * through libpq, and report how the server answered.  Used by test/t/095_fuzz.pl.
 *
 * Usage: tweetlda-fuzz CONNINFO SEED [SCALE] < targets
 *
 * Each line of the targets file (fields separated by tabs) describes one target:
 *
 *   name  count  flags  nparams  seed-query  statement
 *
 * The seed query returns the valid values the mutations start from (first column; fetched in
 * binary when the target is binary, so that they are exactly what *_send produces).  Each input
 * fills the statement's nparams parameters with mutants and runs it:
 *
 *   bin     parameters in binary format: the server calls the type's receive function
 *   text    parameters in text format: the server calls the type's input function
 *   copybin the statement is COPY ... FROM STDIN (FORMAT binary); one tuple per input
 *   copytext the statement is COPY ... FROM STDIN; one line per input
 *   gen     besides mutants of the seeds, random texts built from hostile fragments
 *   strict  every input must succeed (text functions on valid UTF-8)
 *   check   the statement's first column must be true (e.g. "accepted values round-trip")
 *
 * The count is multiplied by SCALE (default 1).  The random generator is seeded from SEED and the
 * target's name, so a run is reproducible target by target.  Output: one line per target with
 * the counts of accepted inputs and of errors by SQLSTATE.  Exit status: 0 when the server
 * answered every input with a result or an ordinary error; 1 when an input raised an internal
 * error (XX000: elog, "invalid memory alloc request size"), ran out of memory, timed out, broke
 * a strict or check target; 2 when the connection was lost (a crashed backend).  The offending
 * input is written to fuzz-failure-<target>-<n>.bin in the current directory.
 */
#include <ctype.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "libpq-fe.h"

#define MAX_PARAMS 8
#define MAX_SEEDS 4096
#define MAX_STATES 32
#define MAX_INPUT (4 * 1024 * 1024)

typedef struct Buf
{
	unsigned char *data;
	size_t		len;
	size_t		cap;
} Buf;

typedef struct Target
{
	char	   *name;
	long		count;
	int			bin,
				copybin,
				copytext,
				textfmt,
				gen,
				strict,
				check;
	int			nparams;
	char	   *seedq;
	char	   *stmt;
	Buf			seeds[MAX_SEEDS];
	int			nseeds;
	/* results */
	long		accepted;
	char		states[MAX_STATES][6];
	long		nstate[MAX_STATES];
	int			nstates;
	long		failures;
} Target;

static uint64_t rng;

/* The next number of the xorshift64* generator */
static uint64_t
Rand(void)
{
	rng ^= rng >> 12;
	rng ^= rng << 25;
	rng ^= rng >> 27;
	return rng * 2685821657736338717ULL;
}

/* A random number in [0, n) */
static size_t
RandBelow(size_t n)
{
	return n == 0 ? 0 : (size_t) (Rand() % n);
}

/* Seed the generator from the run's seed and a name (FNV-1a) */
static void
SeedFor(uint64_t seed, const char *name)
{
	uint64_t	h = 1469598103934665603ULL;

	for (const char *p = name; *p; p++)
		h = (h ^ (unsigned char) *p) * 1099511628211ULL;
	rng = (seed ^ h) | 1;
	for (int i = 0; i < 8; i++)
		(void) Rand();
}

/* Make room for n more bytes */
static void
BufReserve(Buf *b, size_t n)
{
	if (b->len + n + 1 > b->cap)
	{
		b->cap = (b->len + n + 1) * 2;
		b->data = realloc(b->data, b->cap);
		if (b->data == NULL)
		{
			fprintf(stderr, "out of memory\n");
			exit(3);
		}
	}
}

/* Set a buffer to a copy of n bytes */
static void
BufSet(Buf *b, const void *data, size_t n)
{
	b->len = 0;
	BufReserve(b, n);
	memcpy(b->data, data, n);
	b->len = n;
}

/* Insert n bytes at position pos */
static void
BufInsert(Buf *b, size_t pos, const void *data, size_t n)
{
	BufReserve(b, n);
	memmove(b->data + pos + n, b->data + pos, b->len - pos);
	memcpy(b->data + pos, data, n);
	b->len += n;
}

/* Delete n bytes at position pos */
static void
BufDelete(Buf *b, size_t pos, size_t n)
{
	if (pos + n > b->len)
		n = b->len - pos;
	memmove(b->data + pos, b->data + pos + n, b->len - pos - n);
	b->len -= n;
}

/* Append a string */
static void
BufAppendStr(Buf *b, const char *s)
{
	BufInsert(b, b->len, s, strlen(s));
}

static const int64_t interesting_ints[] = {
	0, 1, -1, 2, 3, 7, 8, 16, 127, 128, 255, 256, 1000, 4096, 65535, 65536, 1000000, 1000001,
	10000000, 10000001, 1000000000, 1000000001, 0x3fffffff, 0x40000000, 0x7ffffffe, 0x7fffffff,
	-0x7fffffff - 1, -2, -1000000, 0xffff, 0x10000, INT64_MAX, INT64_MIN, 0x100000000LL,
};

static const uint32_t interesting_floats[] = {
	0x7fc00000,					/* NaN */
	0xffc00000,					/* -NaN */
	0x7f800000,					/* Inf */
	0xff800000,					/* -Inf */
	0x00000000,					/* 0 */
	0x80000000,					/* -0 */
	0x3f800000,					/* 1 */
	0xbf800000,					/* -1 */
	0x00000001,					/* denormal */
	0x7f7fffff,					/* FLT_MAX */
	0x4f000000,					/* 2^31 */
	0xcf000000,					/* -2^31 */
};

static const uint64_t interesting_doubles[] = {
	0x7ff8000000000000ULL, 0x7ff0000000000000ULL, 0xfff0000000000000ULL, 0,
	0x8000000000000000ULL, 0x3ff0000000000000ULL, 0xbff0000000000000ULL, 1,
	0x7fefffffffffffffULL, 0x41e0000000000000ULL,
};

/* Tokens spliced into text forms: numbers at the limits, syntax characters, keywords */
static const char *const interesting_tokens[] = {
	"-1", "0", "-0", "1", "2147483647", "2147483648", "-2147483648", "-2147483649",
	"4294967296", "9223372036854775807", "9223372036854775808", "99999999999999999999999",
	"1000000000", "1000000001", "1e38", "1e39", "-1e39", "1e309", "1e-46", "NaN", "nan",
	"Infinity", "-Infinity", "inf", "0x10", "1.5", ".", "e", "E", "+", "-", "{", "}", "[", "]",
	":", ",", "/", "\"", "\\", "'", " ", "\t", "\n", "null", "true", "false", "{}", "[]",
	"\"\"", "\\u0000", "\\ud800", "\\udc00", "\\\\", "\xc3\xa9", "\xf0\x9f\x98\x80", "=", "LDA1 ",
	"k=", "terms=", "data=", "AAAA", "////", "====", "2020-01-01 abc99999", "infinity",
	"-infinity", "epoch", "294277-01-01", "Sat Dec 05 08:00:00 +9999 2026",
	"Wed Dec 16 17:34:59 +0000 2015", "2015-12-16T17:34:59.000Z", "\"id_str\": \"1\"",
	"\"text\": ", "\"created_at\": ", "\"lang\": ", "\"user\": {}", "\"data\": {}",
	"\"language\": ", "\"min_length\": ", "\"max_length\": ", "\"stem\": ", "\"stopwords\": ",
	"\"split_hashtags\": ", "\"noise_words\": ", "\"english\"", "\"twitter\"", "\"xx\"",
};

/* Fragments of hostile tweets for the generated texts */
static const char *const fragments[] = {
	"a", "the", "not", "very", "VERY", "good", "bad", "love", "hate", "n't", "isn't", "never",
	"but", "so", "too", "kind of", "sort of", "flood", "storm", "queensland", "Brisbane",
	"#", "##", "#flood", "#QldFloods", "#a_b", "@", "@user", "@@", "&amp;", "&lt;3", "&gt;",
	"&", ";", "http://t.co/abc", "https://example.com/a.b?c=d#e", "www.", "www.a.b", "a.b.c",
	"a.", ".", "..", "...", "!", "!!!", "?", "?!", ",", ":", ";", "'", "\"", "(", ")", "(!)",
	":)", ":-)", ":(", ":-(", ";)", ":D", "<3", "</3", "xD", "^_^", "o_O", ":'(", "=)",
	"\xf0\x9f\x98\x80", "\xf0\x9f\x98\xa1", "\xf0\x9f\x91\x8d", "\xf0\x9f\x91\x8d\xf0\x9f\x8f\xbd",
	"\xf0\x9f\x87\xba\xf0\x9f\x87\xb8", "\xe2\x9d\xa4\xef\xb8\x8f",
	"\xf0\x9f\x91\xa8\xe2\x80\x8d\xf0\x9f\x91\xa9\xe2\x80\x8d\xf0\x9f\x91\xa7",
	"e\xcc\x81", "\xcc\x81\xcc\x81\xcc\x81", "\xe2\x80\x8b", "\xe2\x80\x8d", "\xef\xbb\xbf",
	"\xe2\x80\x8f", "\xd8\xa7\xd9\x84\xd8\xb3\xd9\x84\xd8\xa7\xd9\x85", "\xe6\x97\xa5\xe6\x9c\xac",
	"\xce\xa3\xcf\x82", "\xc3\x9f", "\xc4\xb0", "\xef\xbc\xa1", "\xf0\x90\x80\x80",
	"\t", "\n", "\r\n", " ", "  ", "0", "123", "3.14", "1e10", "RT", "RT @x:", "lol", "LOL",
	"soooooo", "goooood", "B", "b", "Mr.", "e.g.", "U.S.A.", "a-b", "a_b", "a/b", "x'y",
	"http://", "#1", "@1", "_", "-", "--", "~", "|", "\\", "*", "`", "%", "$", "^",
};

/* Write a big-endian integer of n bytes at position pos */
static void
PutInt(Buf *b, size_t pos, uint64_t v, int n)
{
	for (int i = n - 1; i >= 0 && pos + i < b->len; i--, v >>= 8)
		b->data[pos + i] = (unsigned char) v;
}

/* A random position (aligned to 4 bytes half of the time) */
static size_t
RandPos(Buf *b)
{
	size_t		p = RandBelow(b->len);

	return (Rand() & 1) ? p & ~(size_t) 3 : p;
}

/* Apply one random byte-level mutation */
static void
MutateBytes(Buf *b, Target *t)
{
	unsigned char tmp[64];
	size_t		pos,
				n;

	if (b->len == 0)
	{
		tmp[0] = (unsigned char) Rand();
		BufInsert(b, 0, tmp, 1);
		return;
	}
	pos = RandPos(b);
	switch (RandBelow(t->textfmt || t->copytext ? 16 : 13))
	{
		case 0:				/* random byte */
			b->data[pos] = (unsigned char) Rand();
			break;
		case 1:				/* bit flip */
			b->data[pos] ^= (unsigned char) (1 << RandBelow(8));
			break;
		case 2:				/* insert random bytes */
			n = 1 + RandBelow(8);
			for (size_t i = 0; i < n; i++)
				tmp[i] = (unsigned char) Rand();
			BufInsert(b, pos, tmp, n);
			break;
		case 3:				/* delete a range */
			BufDelete(b, pos, 1 + RandBelow(Rand() & 1 ? 4 : 64));
			break;
		case 4:				/* truncate */
			b->len = pos;
			break;
		case 5:				/* int32 at the limits */
			PutInt(b, pos, (uint64_t) interesting_ints[RandBelow(sizeof(interesting_ints) / sizeof(interesting_ints[0]))], 4);
			break;
		case 6:				/* int64 at the limits */
			PutInt(b, pos, (uint64_t) interesting_ints[RandBelow(sizeof(interesting_ints) / sizeof(interesting_ints[0]))], 8);
			break;
		case 7:				/* float4 NaN, Inf, -0, denormal ... */
			PutInt(b, pos, interesting_floats[RandBelow(sizeof(interesting_floats) / sizeof(interesting_floats[0]))], 4);
			break;
		case 8:				/* float8 likewise */
			PutInt(b, pos, interesting_doubles[RandBelow(sizeof(interesting_doubles) / sizeof(interesting_doubles[0]))], 8);
			break;
		case 9:				/* swap two 4-byte words (reordered indexes) */
			{
				size_t		q = RandPos(b);

				if (pos + 4 <= b->len && q + 4 <= b->len)
				{
					memcpy(tmp, b->data + pos, 4);
					memmove(b->data + pos, b->data + q, 4);
					memcpy(b->data + q, tmp, 4);
				}
			}
			break;
		case 10:				/* duplicate a chunk */
			n = 1 + RandBelow(b->len - pos < 64 ? b->len - pos : 64);
			memcpy(tmp, b->data + pos, n);
			BufInsert(b, RandBelow(b->len + 1), tmp, n);
			break;
		case 11:				/* small arithmetic on a byte or a count */
			b->data[pos] += (unsigned char) (RandBelow(5) - 2);
			break;
		case 12:				/* splice in a piece of another seed */
			{
				Buf		   *o = &t->seeds[RandBelow(t->nseeds)];

				if (o->len > 0)
				{
					size_t		from = RandBelow(o->len);

					n = 1 + RandBelow(o->len - from);
					if (n > 256)
						n = 256;
					b->len = pos;
					BufInsert(b, pos, o->data + from, n);
				}
			}
			break;
		case 13:				/* text: an interesting token */
		case 14:
			{
				const char *s = interesting_tokens[RandBelow(sizeof(interesting_tokens) / sizeof(interesting_tokens[0]))];

				if (Rand() & 1)
					BufDelete(b, pos, RandBelow(4));
				BufInsert(b, pos, s, strlen(s));
			}
			break;
		case 15:				/* text: replace a run of digits by an extreme number */
			{
				size_t		s = pos;
				const char *tok;

				while (s < b->len && !isdigit(b->data[s]))
					s++;
				n = 0;
				while (s + n < b->len && (isdigit(b->data[s + n]) || b->data[s + n] == '.'))
					n++;
				tok = interesting_tokens[RandBelow(21)];
				BufDelete(b, s, n);
				BufInsert(b, s, tok, strlen(tok));
			}
			break;
	}
}

/* Replace what is not valid UTF-8 (and NUL) by '?', so that the server passes text on */
static void
MakeValidUtf8(Buf *b)
{
	size_t		i = 0;

	while (i < b->len)
	{
		unsigned char c = b->data[i];
		int			n = c < 0x80 ? 1 : (c & 0xe0) == 0xc0 ? 2 : (c & 0xf0) == 0xe0 ? 3 : (c & 0xf8) == 0xf0 ? 4 : 0;
		int			ok = n > 0 && i + n <= b->len && c != 0;

		for (int k = 1; ok && k < n; k++)
			ok = (b->data[i + k] & 0xc0) == 0x80;
		if (ok && n == 2)
			ok = c >= 0xc2;
		if (ok && n == 3)
		{
			unsigned int cp = ((c & 0x0f) << 12) | ((b->data[i + 1] & 0x3f) << 6) | (b->data[i + 2] & 0x3f);

			ok = cp >= 0x800 && !(cp >= 0xd800 && cp <= 0xdfff);
		}
		if (ok && n == 4)
		{
			unsigned int cp = ((c & 0x07) << 18) | ((b->data[i + 1] & 0x3f) << 12) | ((b->data[i + 2] & 0x3f) << 6);

			ok = cp >= 0x10000 && cp <= 0x10ffff;
		}
		if (!ok)
		{
			b->data[i++] = '?';
			continue;
		}
		i += n;
	}
}

/* A random text of hostile fragments, seed words and repetitions */
static void
GenerateText(Buf *b, Target *t)
{
	size_t		pieces = Rand() % 16 == 0 ? 200 + RandBelow(3000) : 1 + RandBelow(60);

	b->len = 0;
	for (size_t i = 0; i < pieces && b->len < 64 * 1024; i++)
	{
		size_t		r = RandBelow(10);

		if (r < 5)
			BufAppendStr(b, fragments[RandBelow(sizeof(fragments) / sizeof(fragments[0]))]);
		else if (r < 7 && t->nseeds > 0)
		{
			/* a piece of a seed text */
			Buf		   *o = &t->seeds[RandBelow(t->nseeds)];

			if (o->len > 0)
			{
				size_t		from = RandBelow(o->len);

				BufInsert(b, b->len, o->data + from, RandBelow(o->len - from < 40 ? o->len - from : 40) + 1);
			}
		}
		else if (r == 7)
		{
			/* a long run of one fragment */
			const char *f = fragments[RandBelow(sizeof(fragments) / sizeof(fragments[0]))];
			size_t		reps = 2 + RandBelow(200);

			for (size_t k = 0; k < reps; k++)
				BufAppendStr(b, f);
		}
		else if (r == 8)
		{
			/* random printable or non-ASCII bytes */
			size_t		n = 1 + RandBelow(12);

			for (size_t k = 0; k < n; k++)
			{
				unsigned char c = (unsigned char) (Rand() % 4 ? 32 + RandBelow(95) : 128 + RandBelow(128));

				BufInsert(b, b->len, &c, 1);
			}
		}
		if (Rand() % 3)
			BufAppendStr(b, " ");
	}
	/* alternating case, sometimes */
	if (Rand() % 8 == 0)
		for (size_t i = 0; i < b->len; i++)
			if (b->data[i] < 128 && isalpha(b->data[i]))
				b->data[i] = (i & 1) ? toupper(b->data[i]) : tolower(b->data[i]);
}

/* One input for a parameter: a mutant of a seed, or a generated text */
static void
MakeInput(Buf *b, Target *t)
{
	int			ops;

	if (t->gen && (t->nseeds == 0 || Rand() % 2 == 0))
		GenerateText(b, t);
	else
	{
		Buf		   *s = &t->seeds[RandBelow(t->nseeds)];

		BufSet(b, s->data, s->len);
		/* a few valid seeds as they are, then 1 to 4 mutations (rarely up to 32) */
		ops = Rand() % 64 == 0 ? 0 : Rand() % 16 == 0 ? 1 + RandBelow(32) : 1 + RandBelow(4);
		for (int i = 0; i < ops && b->len < MAX_INPUT; i++)
			MutateBytes(b, t);
	}
	if (t->textfmt || t->copytext || t->gen)
	{
		/* text forms: valid UTF-8 nearly always (invalid text never reaches the functions) */
		if (!t->strict && Rand() % 32 == 0)
			for (size_t i = 0; i < b->len; i++)
				b->data[i] = b->data[i] ? b->data[i] : ' ';
		else
			MakeValidUtf8(b);
	}
	BufReserve(b, 1);
	b->data[b->len] = '\0';
}

/* Save an input that broke something, for a replay by hand */
static void
SaveFailure(Target *t, long n, Buf *in, int nin)
{
	char		path[256];
	FILE	   *f;

	snprintf(path, sizeof(path), "fuzz-failure-%s-%ld.bin", t->name, n);
	f = fopen(path, "wb");
	if (f == NULL)
		return;
	for (int i = 0; i < nin; i++)
	{
		uint32_t	len = (uint32_t) in[i].len;
		unsigned char hdr[4] = {len >> 24, len >> 16, len >> 8, len};

		fwrite(hdr, 1, 4, f);
		fwrite(in[i].data, 1, in[i].len, f);
	}
	fclose(f);
	fprintf(stderr, "  input saved to %s\n", path);
}

/* Count an error by its SQLSTATE */
static void
CountState(Target *t, const char *state)
{
	for (int i = 0; i < t->nstates; i++)
		if (strcmp(t->states[i], state) == 0)
		{
			t->nstate[i]++;
			return;
		}
	if (t->nstates < MAX_STATES)
	{
		snprintf(t->states[t->nstates], 6, "%s", state);
		t->nstate[t->nstates++] = 1;
	}
}

/* Run one COPY with one tuple (binary) or one line (text) */
static PGresult *
RunCopy(PGconn *conn, Target *t, Buf *in)
{
	Buf			data = {0};
	PGresult   *res = PQexec(conn, t->stmt);

	if (PQresultStatus(res) != PGRES_COPY_IN)
		return res;
	PQclear(res);
	if (t->copybin)
	{
		static const unsigned char header[] = "PGCOPY\n\377\r\n\0\0\0\0\0\0\0\0\0";
		unsigned char f[6];
		uint32_t	len = (uint32_t) in->len;

		BufInsert(&data, 0, header, 19);
		f[0] = 0;
		f[1] = 1;
		f[2] = len >> 24;
		f[3] = len >> 16;
		f[4] = len >> 8;
		f[5] = len;
		BufInsert(&data, data.len, f, 6);
		BufInsert(&data, data.len, in->data, in->len);
		BufInsert(&data, data.len, "\377\377", 2);
	}
	else
	{
		BufInsert(&data, 0, in->data, in->len);
		BufAppendStr(&data, "\n");
	}
	if (PQputCopyData(conn, (const char *) data.data, (int) data.len) != 1 ||
		PQputCopyEnd(conn, NULL) != 1)
	{
		free(data.data);
		return NULL;
	}
	free(data.data);
	res = PQgetResult(conn);
	/* drain */
	{
		PGresult   *more;

		while ((more = PQgetResult(conn)) != NULL)
			PQclear(more);
	}
	return res;
}

/* Run a target; returns 0, 1 (failures) or 2 (connection lost) */
static int
RunTarget(PGconn *conn, Target *t, uint64_t seed)
{
	Buf			in[MAX_PARAMS] = {{0}};
	const char *values[MAX_PARAMS];
	int			lengths[MAX_PARAMS];
	int			formats[MAX_PARAMS];
	PGresult   *res;
	time_t		start = time(NULL);

	SeedFor(seed, t->name);
	res = PQexecParams(conn, t->seedq, 0, NULL, NULL, NULL, NULL, t->bin || t->copybin);
	if (PQresultStatus(res) != PGRES_TUPLES_OK)
	{
		fprintf(stderr, "%s: seed query failed: %s", t->name, PQerrorMessage(conn));
		return 2;
	}
	for (int i = 0; i < PQntuples(res) && t->nseeds < MAX_SEEDS; i++)
		if (!PQgetisnull(res, i, 0))
			BufSet(&t->seeds[t->nseeds++], PQgetvalue(res, i, 0), PQgetlength(res, i, 0));
	PQclear(res);
	if (t->nseeds == 0 && !t->gen)
	{
		fprintf(stderr, "%s: no seed values\n", t->name);
		return 2;
	}
	if (!t->copybin && !t->copytext)
	{
		res = PQprepare(conn, "", t->stmt, t->nparams, NULL);
		if (PQresultStatus(res) != PGRES_COMMAND_OK)
		{
			fprintf(stderr, "%s: prepare failed: %s", t->name, PQerrorMessage(conn));
			return 2;
		}
		PQclear(res);
	}

	for (long n = 0; n < t->count; n++)
	{
		int			nin = t->copybin || t->copytext ? 1 : t->nparams;

		for (int p = 0; p < nin; p++)
		{
			MakeInput(&in[p], t);
			values[p] = (const char *) in[p].data;
			lengths[p] = (int) in[p].len;
			formats[p] = t->bin;
		}
		if (t->copybin || t->copytext)
			res = RunCopy(conn, t, &in[0]);
		else
			res = PQexecPrepared(conn, "", nin, values, lengths, formats, 0);
		if (res == NULL || PQstatus(conn) != CONNECTION_OK)
		{
			fprintf(stderr, "%s: input %ld: connection lost: %s", t->name, n, PQerrorMessage(conn));
			SaveFailure(t, n, in, nin);
			return 2;
		}
		if (PQresultStatus(res) == PGRES_TUPLES_OK || PQresultStatus(res) == PGRES_COMMAND_OK)
		{
			t->accepted++;
			if (t->check && PQntuples(res) > 0 && strcmp(PQgetvalue(res, 0, 0), "t") != 0)
			{
				fprintf(stderr, "%s: input %ld: check failed (first column is \"%s\")\n",
						t->name, n, PQgetvalue(res, 0, 0));
				SaveFailure(t, n, in, nin);
				t->failures++;
			}
		}
		else
		{
			const char *state = PQresultErrorField(res, PG_DIAG_SQLSTATE);

			state = state ? state : "?????";
			CountState(t, state);
			if (t->strict || strncmp(state, "XX", 2) == 0 || strcmp(state, "53200") == 0 ||
				strcmp(state, "57014") == 0)
			{
				if (t->failures < 5)
				{
					fprintf(stderr, "%s: input %ld: %s %s", t->name, n, state,
							PQresultErrorMessage(res));
					SaveFailure(t, n, in, nin);
				}
				t->failures++;
			}
		}
		PQclear(res);
	}
	printf("%s: %ld inputs, %ld accepted", t->name, t->count, t->accepted);
	for (int i = 0; i < t->nstates; i++)
		printf(", %s x%ld", t->states[i], t->nstate[i]);
	printf(", %ld failures, %ld s\n", t->failures, (long) (time(NULL) - start));
	fflush(stdout);
	for (int p = 0; p < MAX_PARAMS; p++)
		free(in[p].data);
	return t->failures > 0;
}

/* Parse one line of the targets file */
static int
ParseTarget(char *line, Target *t, double scale)
{
	char	   *f[6];
	char	   *flags;

	memset(t, 0, sizeof(*t));
	for (int i = 0; i < 6; i++)
	{
		f[i] = line;
		line = i < 5 ? strchr(line, '\t') : NULL;
		if (i < 5 && line == NULL)
			return 0;
		if (line)
			*line++ = '\0';
	}
	t->name = strdup(f[0]);
	t->count = (long) (atol(f[1]) * scale);
	if (t->count < 1)
		t->count = 1;
	flags = f[2];
	t->bin = strstr(flags, "bin") != NULL && strstr(flags, "copybin") == NULL;
	t->copybin = strstr(flags, "copybin") != NULL;
	t->copytext = strstr(flags, "copytext") != NULL;
	t->textfmt = !t->bin && !t->copybin && !t->copytext;
	t->gen = strstr(flags, "gen") != NULL;
	t->strict = strstr(flags, "strict") != NULL;
	t->check = strstr(flags, "check") != NULL;
	t->nparams = atoi(f[3]);
	if (t->nparams < 0 || t->nparams > MAX_PARAMS)
		return 0;
	t->seedq = strdup(f[4]);
	t->stmt = strdup(f[5]);
	t->stmt[strcspn(t->stmt, "\r\n")] = '\0';
	return 1;
}

/* Run the targets read from stdin against the server; see the header for the exit status */
int
main(int argc, char **argv)
{
	PGconn	   *conn;
	uint64_t	seed;
	double		scale = 1.0;
	char		line[65536];
	int			status = 0;
	long		total = 0;
	time_t		start = time(NULL);

	if (argc < 3)
	{
		fprintf(stderr, "usage: %s CONNINFO SEED [SCALE] < targets\n", argv[0]);
		return 3;
	}
	seed = strtoull(argv[2], NULL, 10);
	if (argc > 3)
		scale = atof(argv[3]);
	conn = PQconnectdb(argv[1]);
	if (PQstatus(conn) != CONNECTION_OK)
	{
		fprintf(stderr, "connection failed: %s", PQerrorMessage(conn));
		return 3;
	}
	PQclear(PQexec(conn, "SET client_min_messages = error"));
	PQclear(PQexec(conn, "SET statement_timeout = '20s'"));
	printf("seed %llu, scale %g\n", (unsigned long long) seed, scale);
	while (fgets(line, sizeof(line), stdin))
	{
		Target	   *t = calloc(1, sizeof(Target));
		int			r;

		if (line[0] == '#' || line[0] == '\n')
			continue;
		if (!ParseTarget(line, t, scale))
		{
			fprintf(stderr, "bad target line: %s", line);
			return 3;
		}
		r = RunTarget(conn, t, seed);
		total += t->count;
		if (r == 2)
			return 2;
		if (r > status)
			status = r;
		for (int i = 0; i < t->nseeds; i++)
			free(t->seeds[i].data);
		free(t);
	}
	printf("total: %ld inputs in %ld s\n", total, (long) (time(NULL) - start));
	PQfinish(conn);
	return status;
}
