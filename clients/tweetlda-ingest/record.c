/*
 * record.c
 *		Checks and conversions of one record: valid UTF-8 without NUL bytes
 *		(as strictly as the server checks), a printable copy of a record that
 *		is not, the CSV header and fields, and the minimal tweet object a CSV
 *		record becomes.  Every function is linear in the record.
 */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "record.h"

/* Length of the valid UTF-8 sequence at s[i] (without NUL), or 0 */
static int
utf8_seq(const unsigned char *s, size_t len, size_t i)
{
	unsigned char c = s[i];
	int			n;
	unsigned char lo = 0x80,
				hi = 0xBF;

	if (c == 0)
		return 0;
	if (c < 0x80)
		return 1;
	if (c >= 0xC2 && c <= 0xDF)
		n = 1;
	else if (c >= 0xE0 && c <= 0xEF)
	{
		n = 2;
		lo = c == 0xE0 ? 0xA0 : lo;
		hi = c == 0xED ? 0x9F : hi;
	}
	else if (c >= 0xF0 && c <= 0xF4)
	{
		n = 3;
		lo = c == 0xF0 ? 0x90 : lo;
		hi = c == 0xF4 ? 0x8F : hi;
	}
	else
		return 0;
	if (i + n >= len || s[i + 1] < lo || s[i + 1] > hi)
		return 0;
	for (int k = 2; k <= n; k++)
		if (s[i + k] < 0x80 || s[i + k] > 0xBF)
			return 0;
	return n + 1;
}

/* Check that s is valid UTF-8 without NUL bytes; NULL, or the reason (in *reason) */
const char *
check_utf8(const char *s, size_t len, Buf *reason)
{
	const unsigned char *u = (const unsigned char *) s;

	for (size_t i = 0; i < len;)
	{
		int			n = utf8_seq(u, len, i);

		if (n == 0)
		{
			reason->len = 0;
			buf_printf(reason, u[i] == 0 ? "NUL byte at byte %zu" :
					   "invalid UTF-8 at byte %zu", i + 1);
			return reason->data;
		}
		i += n;
	}
	return NULL;
}

/* A printable copy of s: invalid UTF-8 bytes and NUL as \xNN */
void
sanitize(Buf *out, const char *s, size_t len)
{
	const unsigned char *u = (const unsigned char *) s;

	out->len = 0;
	buf_reserve(out, 0);
	out->data[0] = '\0';
	for (size_t i = 0; i < len;)
	{
		int			n = utf8_seq(u, len, i);

		if (n == 0)
		{
			buf_printf(out, "\\x%02X", u[i]);
			i++;
			continue;
		}
		buf_append(out, s + i, n);
		i += n;
	}
}

/* A list of CSV fields */
typedef struct
{
	Buf		   *f;
	int			n;
	int			cap;
} Fields;

/* Start the next field */
static Buf *
next_field(Fields *fl)
{
	if (fl->n == fl->cap)
	{
		int			cap = fl->cap ? fl->cap * 2 : 16;

		fl->f = xrealloc(fl->f, sizeof(Buf) * cap);
		memset(fl->f + fl->cap, 0, sizeof(Buf) * (cap - fl->cap));
		fl->cap = cap;
	}
	fl->f[fl->n].len = 0;
	buf_reserve(&fl->f[fl->n], 0);
	fl->f[fl->n].data[0] = '\0';
	return &fl->f[fl->n++];
}

/* Split one CSV record (RFC 4180) into fields; false when a closing quote is followed by junk */
static bool
csv_split(const char *s, size_t len, Fields *fl)
{
	size_t		i = 0;

	fl->n = 0;
	if (len > 0 && s[len - 1] == '\r')
		len--;					/* CRLF line ends */
	for (;;)
	{
		Buf		   *f = next_field(fl);

		if (i < len && s[i] == '"')
		{
			for (i++; i < len; i++)
			{
				if (s[i] == '"' && !(i + 1 < len && s[i + 1] == '"'))
					break;
				if (s[i] == '"')
					i++;
				buf_putc(f, s[i]);
			}
			i++;				/* the closing quote */
			if (i < len && s[i] != ',')
				return false;
		}
		else
		{
			size_t		j = i;

			while (j < len && s[j] != ',')
				j++;
			buf_append(f, s + i, j - i);
			i = j;
		}
		if (i >= len)
			return true;
		i++;					/* the comma */
	}
}

/* The fields of the last record split (reused, so that records allocate nothing) */
static Fields fields;

/* The corpus layout, used when an input has no header */
static const char *corpus_names[] = {"corpus", "tweet_id", "created_at_utc", "lang", "text", "source_ref"};

/* The JSON key of a CSV column: the corpus names map to the minimal tweet object's keys */
static const char *
json_key(const char *name)
{
	if (strcmp(name, "tweet_id") == 0)
		return "id";
	if (strcmp(name, "created_at_utc") == 0)
		return "created_at";
	return name;
}

/* True for 1 to 19 digits */
static bool
is_id(const Buf *f)
{
	if (f->len == 0 || f->len > 19)
		return false;
	for (size_t i = 0; i < f->len; i++)
		if (!isdigit((unsigned char) f->data[i]))
			return false;
	return true;
}

/* Set the layout's keys from a list of column names */
static void
set_layout(CsvLayout *layout, const char *const *names, int n)
{
	layout->names = xrealloc(NULL, sizeof(char *) * n);
	for (int i = 0; i < n; i++)
		layout->names[i] = strdup(json_key(names[i]));
	layout->ncols = n;
	layout->known = true;
}

/*
 * Read the first record of a CSV input.  A record of the corpus layout (6
 * fields, the second an id) is data: the corpus layout is assumed and false
 * is returned.  Anything else is a header: it must name the columns id (or
 * tweet_id) and text, each name once; otherwise the input is refused (exit).
 * Returns true when the record was the header.
 */
bool
csv_header(CsvLayout *layout, const char *s, size_t len, const char *name, long line)
{
	bool		has_id = false,
				has_text = false,
				ok;
	const char **names;

	ok = csv_split(s, len, &fields);
	if (ok && fields.n == 6 && is_id(&fields.f[1]))
	{
		set_layout(layout, corpus_names, 6);
		return false;
	}
	names = xrealloc(NULL, sizeof(char *) * fields.n);
	for (int i = 0; ok && i < fields.n; i++)
	{
		const char *key = json_key(fields.f[i].data);

		names[i] = fields.f[i].data;
		ok = fields.f[i].len > 0;
		for (int k = 0; ok && k < i; k++)
			ok = strcmp(json_key(names[k]), key) != 0;
		has_id |= strcmp(key, "id") == 0;
		has_text |= strcmp(key, "text") == 0;
	}
	if (!ok || !has_id || !has_text)
	{
		Buf			shown = {0};

		sanitize(&shown, s, len > 200 ? 200 : len);
		message("%s: line %ld: the CSV header must name the columns tweet_id (or id) and text, "
				"each column once and none empty; found \"%s\"", name, line, shown.data);
		message("expected a header like \"corpus,tweet_id,created_at_utc,lang,text,source_ref\"");
		exit(EXIT_INPUT);
	}
	set_layout(layout, names, fields.n);
	free(names);
	return true;
}

/* Append s as a JSON string literal */
static void
json_string(Buf *out, const char *s, size_t len)
{
	buf_putc(out, '"');
	for (size_t i = 0; i < len; i++)
	{
		unsigned char c = (unsigned char) s[i];

		if (c == '"' || c == '\\')
		{
			buf_putc(out, '\\');
			buf_putc(out, c);
		}
		else if (c < 0x20)
			buf_printf(out, "\\u%04x", c);
		else
			buf_putc(out, c);
	}
	buf_putc(out, '"');
}

/*
 * Append the id of a CSV record shifted by pass * --id-offset, so that each
 * pass of --loop lands new tweets; an id that is not a number, or whose
 * shifted value does not fit a bigint, is sent as it is.
 */
static void
shifted_id(Buf *out, const Buf *field)
{
	char	   *end;
	unsigned long long id;
	char		num[32];

	errno = 0;
	id = strtoull(field->data, &end, 10);
	if (errno != 0 || end == field->data || *end != '\0' ||
		!isdigit((unsigned char) field->data[0]) || id > INT64_MAX ||
		opt.id_offset > (INT64_MAX - id) / pass)
	{
		json_string(out, field->data, field->len);
		return;
	}
	snprintf(num, sizeof(num), "%llu", (unsigned long long) (id + pass * opt.id_offset));
	json_string(out, num, strlen(num));
}

/*
 * Turn one CSV record into a minimal tweet object {"id": "...", "created_at":
 * "...", "text": "...", other columns as strings}; empty fields are left out.
 * Returns NULL, or why the record cannot be converted (in *reason).
 */
const char *
csv_to_json(CsvLayout *layout, const char *s, size_t len, Buf *out, Buf *reason)
{
	bool		any = false;

	reason->len = 0;
	if (!csv_split(s, len, &fields))
		return buf_printf(reason, "invalid CSV: text after a closing quote"), reason->data;
	if (fields.n != layout->ncols)
		return buf_printf(reason, "CSV record has %d fields, the header names %d",
						  fields.n, layout->ncols), reason->data;
	out->len = 0;
	buf_putc(out, '{');
	for (int i = 0; i < fields.n; i++)
	{
		const char *key = layout->names[i];

		if (fields.f[i].len == 0)
			continue;
		if (any)
			buf_putc(out, ',');
		json_string(out, key, strlen(key));
		buf_putc(out, ':');
		if (strcmp(key, "id") == 0 && pass > 0 && opt.id_offset > 0)
			shifted_id(out, &fields.f[i]);
		else
			json_string(out, fields.f[i].data, fields.f[i].len);
		any = true;
	}
	buf_putc(out, '}');
	return NULL;
}
