/*
 * varint.h: unsigned integers in 7-bit groups, low bits first, the high bit
 * set on every byte but the last (LEB128), for the serialized aggregate states
 * workers hand to the leader: small numbers take one byte.
 */
#ifndef TWEETLDA_VARINT_H
#define TWEETLDA_VARINT_H

#include "postgres.h"

#include "lib/stringinfo.h"

#define VARINT_MAX_BYTES 10			/* a uint64 */

/* Bytes of v as a varint */
static inline int
VarintSize(uint64 v)
{
	int			n = 1;

	while (v >= 0x80)
	{
		v >>= 7;
		n++;
	}
	return n;
}

/* Append v as a varint */
static inline void
SendVarint(StringInfo buf, uint64 v)
{
	char		b[VARINT_MAX_BYTES];
	int			n = 0;

	while (v >= 0x80)
	{
		b[n++] = (char) (v & 0x7F) | 0x80;
		v >>= 7;
	}
	b[n++] = (char) v;
	appendBinaryStringInfo(buf, b, n);
}

/* Read a varint of at most max; false when the data ends, it is too long or above max */
static inline bool
GetVarint(StringInfo buf, uint64 max, uint64 *v)
{
	uint64		r = 0;

	for (int shift = 0; shift < 7 * VARINT_MAX_BYTES - 7; shift += 7)
	{
		uint8		c;

		if (buf->cursor >= buf->len)
			return false;
		c = (uint8) buf->data[buf->cursor++];
		r |= (uint64) (c & 0x7F) << shift;
		if ((c & 0x80) == 0)
		{
			*v = r;
			return r <= max;
		}
	}
	return false;
}

#endif
