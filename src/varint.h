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

/* Write v as a varint at p (room for VARINT_MAX_BYTES); returns the byte after it */
static inline uint8 *
EncodeVarint(uint8 *p, uint64 v)
{
	while (v >= 0x80)
	{
		*p++ = (uint8) (v & 0x7F) | 0x80;
		v >>= 7;
	}
	*p++ = (uint8) v;
	return p;
}

/* Append v as a varint */
static inline void
SendVarint(StringInfo buf, uint64 v)
{
	uint8		b[VARINT_MAX_BYTES];

	appendBinaryStringInfo(buf, (const char *) b, EncodeVarint(b, v) - b);
}

/* Read a varint of at most max at *p (before end); false when the data ends, it is too long or above max */
static inline bool
DecodeVarint(const uint8 **p, const uint8 *end, uint64 max, uint64 *v)
{
	const uint8 *q = *p;
	uint64		r = 0;

	if (likely(q < end && *q < 0x80))
	{
		*v = *q;
		*p = q + 1;
		return *v <= max;
	}
	for (int shift = 0; shift < 7 * VARINT_MAX_BYTES - 7; shift += 7)
	{
		uint8		c;

		if (q >= end)
			return false;
		c = *q++;
		r |= (uint64) (c & 0x7F) << shift;
		if ((c & 0x80) == 0)
		{
			*v = r;
			*p = q;
			return r <= max;
		}
	}
	return false;
}

/* Read a varint of at most max from buf; false when the data ends, it is too long or above max */
static inline bool
GetVarint(StringInfo buf, uint64 max, uint64 *v)
{
	const uint8 *p = (const uint8 *) buf->data + buf->cursor;
	bool		ok = DecodeVarint(&p, (const uint8 *) buf->data + buf->len, max, v);

	buf->cursor = (const char *) p - buf->data;
	return ok;
}

#endif
