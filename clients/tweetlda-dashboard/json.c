/*
 * json.c
 *		The growable buffer and JSON output: strings escaped for any input
 *		(tweet text is hostile: quotes, control characters, invalid UTF-8,
 *		"</script>", U+2028), and query results as arrays of objects.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dashboard.h"

/* type OIDs printed as JSON numbers or booleans (pg_type.h is a server header) */
#define BOOLOID		16
#define INT8OID		20
#define INT2OID		21
#define INT4OID		23
#define OIDOID		26
#define FLOAT4OID	700
#define FLOAT8OID	701
#define NUMERICOID	1700

/* Start an empty buffer */
void
buf_init(Buf *b)
{
	b->cap = 256;
	b->len = 0;
	b->data = malloc(b->cap);
	if (!b->data)
		abort();
	b->data[0] = '\0';
}

/* Release a buffer */
void
buf_free(Buf *b)
{
	free(b->data);
	b->data = NULL;
	b->len = b->cap = 0;
}

/* Append n bytes */
void
buf_append(Buf *b, const char *s, size_t n)
{
	if (b->len + n + 1 > b->cap)
	{
		while (b->len + n + 1 > b->cap)
			b->cap *= 2;
		b->data = realloc(b->data, b->cap);
		if (!b->data)
			abort();
	}
	memcpy(b->data + b->len, s, n);
	b->len += n;
	b->data[b->len] = '\0';
}

/* Append a C string */
void
buf_puts(Buf *b, const char *s)
{
	buf_append(b, s, strlen(s));
}

/* Append formatted text */
void
buf_printf(Buf *b, const char *fmt,...)
{
	char		small[256];
	va_list		ap;
	int			n;

	va_start(ap, fmt);
	n = vsnprintf(small, sizeof(small), fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	if ((size_t) n < sizeof(small))
	{
		buf_append(b, small, n);
		return;
	}
	{
		char	   *big = malloc(n + 1);

		if (!big)
			abort();
		va_start(ap, fmt);
		vsnprintf(big, n + 1, fmt, ap);
		va_end(ap);
		buf_append(b, big, n);
		free(big);
	}
}

/* Length of the valid UTF-8 sequence at s (1 to 4), or 0 when it is not valid */
static size_t
utf8_valid(const unsigned char *s)
{
	if (s[0] < 0x80)
		return 1;
	if (s[0] >= 0xC2 && s[0] <= 0xDF)
		return (s[1] & 0xC0) == 0x80 ? 2 : 0;
	if (s[0] >= 0xE0 && s[0] <= 0xEF)
	{
		if ((s[1] & 0xC0) != 0x80 || (s[2] & 0xC0) != 0x80)
			return 0;
		if ((s[0] == 0xE0 && s[1] < 0xA0) || (s[0] == 0xED && s[1] > 0x9F))
			return 0;			/* overlong, or a surrogate */
		return 3;
	}
	if (s[0] >= 0xF0 && s[0] <= 0xF4)
	{
		if ((s[1] & 0xC0) != 0x80 || (s[2] & 0xC0) != 0x80 || (s[3] & 0xC0) != 0x80)
			return 0;
		if ((s[0] == 0xF0 && s[1] < 0x90) || (s[0] == 0xF4 && s[1] > 0x8F))
			return 0;
		return 4;
	}
	return 0;
}

/*
 * Append s as a JSON string.  Linear in its length; escapes quotes, backslashes,
 * every control character, <, >, & and U+2028/U+2029 (so the output is also
 * safe inside HTML or a script), and replaces invalid UTF-8 with U+FFFD.
 */
void
json_string(Buf *b, const char *s)
{
	const unsigned char *p = (const unsigned char *) s;

	buf_append(b, "\"", 1);
	while (*p)
	{
		size_t		run = 0;

		/* copy the longest run of bytes that need no escape at once */
		while (p[run] >= 0x20 && p[run] < 0x80 && p[run] != '"' && p[run] != '\\' &&
			   p[run] != '<' && p[run] != '>' && p[run] != '&')
			run++;
		if (run)
		{
			buf_append(b, (const char *) p, run);
			p += run;
			continue;
		}
		if (*p == '"')
			buf_append(b, "\\\"", 2), p++;
		else if (*p == '\\')
			buf_append(b, "\\\\", 2), p++;
		else if (*p < 0x80)
		{
			buf_printf(b, "\\u%04x", *p);
			p++;
		}
		else
		{
			size_t		n = utf8_valid(p);

			if (n == 0)
			{
				buf_puts(b, "\\ufffd");
				p++;
			}
			else if (n == 3 && p[0] == 0xE2 && p[1] == 0x80 && (p[2] == 0xA8 || p[2] == 0xA9))
			{
				buf_puts(b, p[2] == 0xA8 ? "\\u2028" : "\\u2029");
				p += 3;
			}
			else
			{
				buf_append(b, (const char *) p, n);
				p += n;
			}
		}
	}
	buf_append(b, "\"", 1);
}

/* Whether a column of this type is written as a JSON number */
static bool
is_number_type(Oid type)
{
	return type == INT8OID || type == INT2OID || type == INT4OID || type == OIDOID ||
		type == FLOAT4OID || type == FLOAT8OID || type == NUMERICOID;
}

/* Append one field of a result */
static void
json_field(Buf *b, const PGresult *res, int row, int col)
{
	const char *v = PQgetvalue(res, row, col);
	Oid			type = PQftype(res, col);

	if (PQgetisnull(res, row, col))
		buf_puts(b, "null");
	else if (type == BOOLOID)
		buf_puts(b, v[0] == 't' ? "true" : "false");
	else if (is_number_type(type))
	{
		/* NaN and Infinity are not JSON */
		if (strspn(v, "0123456789+-.eE") != strlen(v) || v[0] == '\0')
			buf_puts(b, "null");
		else
			buf_puts(b, v);
	}
	else
		json_string(b, v);
}

/* Append a query result as an array of objects, one per row, keyed by column name */
void
json_result(Buf *b, const PGresult *res)
{
	int			rows = PQntuples(res);
	int			cols = PQnfields(res);

	buf_puts(b, "[");
	for (int r = 0; r < rows; r++)
	{
		buf_puts(b, r ? ",{" : "{");
		for (int c = 0; c < cols; c++)
		{
			if (c)
				buf_puts(b, ",");
			json_string(b, PQfname(res, c));
			buf_puts(b, ":");
			json_field(b, res, r, c);
		}
		buf_puts(b, "}");
	}
	buf_puts(b, "]");
}

/* Append {"error": message} */
void
json_error(Buf *b, const char *message)
{
	buf_puts(b, "{\"error\":");
	json_string(b, message);
	buf_puts(b, "}");
}
