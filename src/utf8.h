/*
 * utf8.h
 *		UTF-8 decoding and encoding shared by the tokenizer and the analyzers.
 *
 * Text from a UTF8 database is valid UTF-8, but the scanners also read bytes
 * they produced themselves and must never read past the end of a buffer, so
 * the decoder checks every byte and bound.
 */
#ifndef UTF8_H
#define UTF8_H

/* Decode one sequence at p (p < end): its length, or 0 if invalid, truncated, overlong or a surrogate */
static inline int
Utf8Decode(const unsigned char *p, const unsigned char *end, uint32 *cp)
{
	int			len;
	uint32		c;

	if (p[0] < 0x80)
	{
		*cp = p[0];
		return 1;
	}
	if (p[0] >= 0xC2 && p[0] <= 0xDF)
		len = 2, c = p[0] & 0x1F;
	else if (p[0] >= 0xE0 && p[0] <= 0xEF)
		len = 3, c = p[0] & 0x0F;
	else if (p[0] >= 0xF0 && p[0] <= 0xF4)
		len = 4, c = p[0] & 0x07;
	else
		return 0;
	if (end - p < len)
		return 0;
	for (int i = 1; i < len; i++)
	{
		if ((p[i] & 0xC0) != 0x80)
			return 0;
		c = (c << 6) | (p[i] & 0x3F);
	}
	if ((len == 3 && c < 0x800) || (len == 4 && (c < 0x10000 || c > 0x10FFFF)) ||
		(c >= 0xD800 && c <= 0xDFFF))
		return 0;
	*cp = c;
	return len;
}

/* Encode one code point (at most U+10FFFF) as UTF-8 into out; returns its length */
static inline int
Utf8Encode(uint32 cp, char *out)
{
	if (cp < 0x80)
	{
		out[0] = (char) cp;
		return 1;
	}
	if (cp < 0x800)
	{
		out[0] = (char) (0xC0 | (cp >> 6));
		out[1] = (char) (0x80 | (cp & 0x3F));
		return 2;
	}
	if (cp < 0x10000)
	{
		out[0] = (char) (0xE0 | (cp >> 12));
		out[1] = (char) (0x80 | ((cp >> 6) & 0x3F));
		out[2] = (char) (0x80 | (cp & 0x3F));
		return 3;
	}
	out[0] = (char) (0xF0 | (cp >> 18));
	out[1] = (char) (0x80 | ((cp >> 12) & 0x3F));
	out[2] = (char) (0x80 | ((cp >> 6) & 0x3F));
	out[3] = (char) (0x80 | (cp & 0x3F));
	return 4;
}

#endif							/* UTF8_H */
