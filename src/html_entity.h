/*
 * html_entity.h
 *		The HTML entities of tweet text (the API escapes &, < and > as &amp;,
 *		&lt; and &gt;), shared by the tokenizer and the language detector's
 *		cleaner.
 */
#ifndef HTML_ENTITY_H
#define HTML_ENTITY_H

#include <string.h>

/*
 * Decode an HTML entity at p ('&'): a named one (&amp; &lt; &gt; &quot;
 * &apos; &nbsp;) or a numeric one of at most 8 digits (&#233; &#xE9;).
 * Returns the bytes consumed (0 if there is none) and sets *cp; invalid code
 * points (NUL, surrogates, beyond U+10FFFF) decode as 0.  Reads at most 13
 * bytes from p, so a scan over a text stays linear.
 */
static inline int
HtmlEntityDecode(const unsigned char *p, const unsigned char *end, uint32 *cp)
{
	static const struct
	{
		const char *name;
		uint32		cp;
	}			named[] = {
		{"&amp;", '&'}, {"&lt;", '<'}, {"&gt;", '>'}, {"&quot;", '"'},
		{"&apos;", '\''}, {"&nbsp;", 0xA0}
	};
	const unsigned char *q = p + 2;
	int			base = 10,
				ndigits = 0;
	uint64		v = 0;

	if (end - p < 4)
		return 0;
	if (p[1] != '#')
	{
		for (int i = 0; i < lengthof(named); i++)
		{
			int			len = strlen(named[i].name);

			if (end - p >= len && memcmp(p, named[i].name, len) == 0)
			{
				*cp = named[i].cp;
				return len;
			}
		}
		return 0;
	}
	if ((*q | 0x20) == 'x')
		base = 16, q++;
	for (; q < end && ndigits <= 8; q++, ndigits++)
	{
		int			d = (*q >= '0' && *q <= '9') ? *q - '0' :
			(base == 16 && (*q | 0x20) >= 'a' && (*q | 0x20) <= 'f') ? (*q | 0x20) - 'a' + 10 : -1;

		if (d < 0)
			break;
		v = v * base + d;
	}
	if (ndigits == 0 || ndigits > 8 || q >= end || *q != ';')
		return 0;
	*cp = (v == 0 || v > 0x10FFFF || (v >= 0xD800 && v <= 0xDFFF)) ? 0 : (uint32) v;
	return q + 1 - p;
}

#endif							/* HTML_ENTITY_H */
