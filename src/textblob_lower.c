/*
 * textblob_lower.c
 *		Python's str.lower() on UTF-8 words, as TextBlob applies it to tokens:
 *		simple case mappings of Unicode 14.0 (sentiment_textblob_case.h), the
 *		two-code-point lowercase of U+0130 and the final sigma rule.  Linear in
 *		the word's length.
 */
#include "postgres.h"

#include "textblob_lower.h"
#include "sentiment_textblob_case.h"
#include "utf8.h"

/* Decode one UTF-8 character at s (before end); returns its length, at least 1 */
static inline int
DecodeChar(const uint8 *s, const uint8 *end, uint32 *cp)
{
	int			n = Utf8Decode(s, end, cp);

	if (n > 0)
		return n;
	*cp = 0xFFFD;				/* not reachable with valid UTF-8 */
	return 1;
}

/* The simple lowercase of a non-ASCII code point (binary search in the table) */
static uint32
LowerCodePoint(uint32 cp)
{
	int			lo = 0;
	int			hi = TEXTBLOB_NLOWER - 1;

	while (lo <= hi)
	{
		int			mid = (lo + hi) / 2;

		if (textblob_lower[mid][0] == cp)
			return textblob_lower[mid][1];
		if (textblob_lower[mid][0] < cp)
			lo = mid + 1;
		else
			hi = mid - 1;
	}
	return cp;
}

/* Whether a code point is a cased letter, for the final sigma (approximation) */
static bool
IsCasedLetter(uint32 cp)
{
	if (cp < 0x80)
		return (cp >= 'a' && cp <= 'z') || (cp >= 'A' && cp <= 'Z');
	return LowerCodePoint(cp) != cp || (cp >= 0x3B1 && cp <= 0x3C9);
}

/* Lowercase a UTF-8 word as Python's str.lower() does */
int
TextBlobLower(const char *s, int len, char *out, int *ncp)
{
	const uint8 *p = (const uint8 *) s;
	const uint8 *end = p + len;
	int			o = 0;
	int			n = 0;
	uint32		prev = 0;

	while (p < end)
	{
		uint32		cp;
		int			l;

		if (*p < 0x80)
		{
			out[o++] = (*p >= 'A' && *p <= 'Z') ? *p + ('a' - 'A') : *p;
			prev = *p++;
			n++;
			continue;
		}
		l = DecodeChar(p, end, &cp);
		if (l == 1 && cp == 0xFFFD)
		{
			out[o++] = *p++;	/* invalid byte: copied as it is */
			n++;
			continue;
		}
		p += l;
		if (cp == 0x130)
		{
			/* Latin capital I with dot above: "i" + combining dot above */
			out[o++] = 'i';
			o += Utf8Encode(0x307, out + o);
			n += 2;
			prev = cp;
			continue;
		}
		if (cp == 0x3A3 && prev != 0 && IsCasedLetter(prev))
		{
			uint32		next = 0;

			if (p < end)
				(void) DecodeChar(p, end, &next);
			/* final sigma when no cased letter follows */
			o += Utf8Encode((p < end && IsCasedLetter(next)) ? 0x3C3 : 0x3C2, out + o);
			n++;
			prev = cp;
			continue;
		}
		o += Utf8Encode(LowerCodePoint(cp), out + o);
		n++;
		prev = cp;
	}
	*ncp = n;
	return o;
}

