/*
 * social_clean.c
 *		Stage 1 of the 'social' analyzer (social_doc.h): a cleaned copy of the
 *		text, with HTML entities decoded, typographic apostrophes and spaces
 *		folded, combining marks dropped, control characters and any malformed
 *		UTF-8 turned into spaces (so no later stage can read a partial sequence).
 *		One pass; the copy is never longer than the text.
 */
#include "postgres.h"

#include "social_doc.h"
#include "text_interrupts.h"
#include "utf8.h"

/* Length of the valid UTF-8 sequence at s (n bytes left) and its code point; 0 if malformed */
static inline int
DecodeUtf8(const unsigned char *s, int n, uint32 *cp)
{
	return Utf8Decode(s, s + n, cp);
}

/* Replacement of an HTML entity at s (n bytes left); its length in *consumed, or 0 */
static inline char
DecodeEntity(const char *s, int n, int *consumed)
{
	static const struct
	{
		const char *name;
		char		c;
	}			entities[] = {{"&amp;", '&'}, {"&lt;", '<'}, {"&gt;", '>'},
	{"&quot;", '"'}, {"&#39;", '\''}, {"&apos;", '\''}};

	for (int i = 0; i < lengthof(entities); i++)
	{
		int			l = strlen(entities[i].name);

		if (l <= n && pg_strncasecmp(s, entities[i].name, l) == 0)
		{
			*consumed = l;
			return entities[i].c;
		}
	}
	return 0;
}

/* ASCII replacement of a non-ASCII code point that is punctuation or space, or 0 */
static inline char
FoldCodePoint(uint32 cp)
{
	switch (cp)
	{
		case 0x2018:			/* typographic apostrophes and primes */
		case 0x2019:
		case 0x02BC:
		case 0x2032:
		case 0x00B4:
		case 0xFF07:
			return '\'';
		case 0x201C:
		case 0x201D:
			return '"';
		case 0x2013:			/* dashes separate clauses */
		case 0x2014:
			return ',';
		case 0x2026:			/* ellipsis */
			return '.';
		case 0xFF01:
			return '!';
		case 0xFF1F:
			return '?';
		case 0x00A0:
		case 0x1680:
		case 0x2028:
		case 0x2029:
		case 0x202F:
		case 0x205F:
		case 0x3000:
		case 0xFEFF:
			return ' ';
	}
	if (cp >= 0x2000 && cp <= 0x200B)
		return ' ';
	return 0;
}

/* True for combining marks (decomposed accents), which are dropped */
static inline bool
IsCombiningMark(uint32 cp)
{
	return (cp >= 0x0300 && cp <= 0x036F) || (cp >= 0x1AB0 && cp <= 0x1AFF) ||
		(cp >= 0x1DC0 && cp <= 0x1DFF) || (cp >= 0x20D0 && cp <= 0x20DF) ||
		(cp >= 0xFE20 && cp <= 0xFE2F);
}

/* Copy text into doc->cb: entities decoded, punctuation folded, bad bytes blanked */
void
SocialCleanText(SocialDoc *doc, const char *text, int len)
{
	const unsigned char *s = (const unsigned char *) text;
	char	   *o = doc->cb;
	int			i = 0;
	int64		next_check = TEXT_INTERRUPT_INTERVAL;

	while (i < len)
	{
		uint32		cp;
		int			l,
					consumed;
		char		c;

		TextCheckInterrupts(i, &next_check);
		if (s[i] == '&' && (c = DecodeEntity(text + i, len - i, &consumed)) != 0)
		{
			*o++ = c;
			i += consumed;
			continue;
		}
		if (s[i] < 0x80)
		{
			c = (char) s[i++];
			*o++ = (c == '\n' || c == '\r') ? '\n' : ((uint8) c < 0x20 || c == 0x7F) ? ' ' : c;
			continue;
		}
		l = DecodeUtf8(s + i, len - i, &cp);
		if (l == 0)
		{
			*o++ = ' ';			/* malformed: never read it as a sequence */
			i++;
			continue;
		}
		if (IsCombiningMark(cp))
			;					/* accents of decomposed letters: the lexicon is unaccented */
		else if ((c = FoldCodePoint(cp)) != 0)
			*o++ = c;
		else
		{
			memcpy(o, s + i, l);
			o += l;
		}
		i += l;
	}
	*o = '\0';
	doc->clen = o - doc->cb;
}
