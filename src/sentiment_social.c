/*
 * sentiment_social.c
 *		The 'social' sentiment analyzer: a rule-based scorer made for tweets.
 *
 * It starts from the idea of VADER (Hutto & Gilbert 2014: a human-rated
 * valence lexicon plus rules for the words around each sentiment word) and
 * works in four steps over one text:
 *
 *   1. clean: a copy of the text with HTML entities decoded, typographic
 *      apostrophes and spaces folded, control characters and any malformed
 *      UTF-8 turned into spaces (so nothing later can read a partial sequence);
 *   2. tokenize: words, hashtags (segmented when needed), emoticons, emoji and
 *      clause punctuation; @mentions, URLs and "RT" are dropped;
 *   3. score every sentiment token with the rules of its clause: negation
 *      (scope up to the clause end, double negation, "no" as determiner or
 *      interjection, "not only", "never so"), boosters and dampeners, ALL-CAPS
 *      emphasis in mixed-case text, letter elongation, "least", counterfactual
 *      modals and wishes ("should have been", "I wish it was"), irrealis
 *      (questions, desires, conditions), rhetorical negative questions, part of
 *      speech of "like"/"kind"/"well", then contrast ("but": the clause after
 *      it dominates; "although": its clause is weakened), surprise
 *      interjections, laughter as a softener, and sarcasm hashtags;
 *   4. sum, add "!"/"??" emphasis, and normalize: polarity = s / sqrt(s^2 + 15)
 *      (VADER's compound), intensity = a / sqrt(a^2 + 15) where a is the sum of
 *      the absolute contributions.
 *
 * The lexicons come from social_lexicon.c.  Only [text, text + len) is read,
 * and the work is linear in the length of the text (every look-around is
 * bounded; contrast and concession apply once per sentence).
 */
#include "postgres.h"

#include <math.h>

#include "fmgr.h"
#include "funcapi.h"
#include "mb/pg_wchar.h"
#include "utils/builtins.h"
#include "utils/tuplestore.h"

#include "sentiment.h"
#include "social_lexicon.h"
#include "tweetlda.h"

/* Constants of VADER's rules (empirically derived there from human ratings) */
#define N_SCALAR		(-0.74)	/* negation of a positive word */
#define N_SCALAR_NEG	(-0.5)	/* negation of a negative word: "not bad" is mildly good */
#define C_INCR			0.733	/* ALL-CAPS emphasis */
#define E_INCR			0.293	/* letter elongation, like one booster */
#define EXCL_INCR		0.292	/* each "!" up to four */
#define QUEST_INCR		0.18	/* each "?" when there are two or three */
#define QUEST_MAX		0.96
#define ALPHA			15.0	/* normalization: s / sqrt(s^2 + ALPHA) */
#define NEG_WINDOW		4		/* words a negator reaches within its clause */
#define BOOST_WINDOW	3		/* words a booster reaches */
#define COUNTERFACTUAL	(-0.5)	/* "should have been good" */
#define SARCASM_SCALAR	(-0.5)	/* "love mondays #sarcasm" */
#define LAUGH_SOFTENER	0.5		/* "lol" next to other sentiment words */
#define IRREALIS		0.5		/* sentiment words in questions and conditions */

/* Token kinds */
#define TK_WORD			1
#define TK_EMOTICON		2		/* emoticon or emoji */
#define TK_PUNCT		3
#define TK_ABSORBED		4		/* a later word of a lexicon phrase */

/* Token flags */
#define TF_CAPS			0x01	/* ALL CAPS, two letters or more */
#define TF_ELONG		0x02	/* a letter repeated three times or more */
#define TF_HASHTAG		0x04
#define TF_LETTERS		0x08	/* two letters or more: counts for the caps differential */
#define TF_EMOJI		0x10

/* Rules applied to a token (shown by tweetlda.social_explain) */
#define R_NEGATED		0x0001
#define R_BOOSTED		0x0002
#define R_DAMPENED		0x0004
#define R_CAPS			0x0008
#define R_ELONGATED		0x0010
#define R_BEFORE_BUT	0x0020
#define R_AFTER_BUT		0x0040
#define R_CONCESSION	0x0080
#define R_COUNTERFACT	0x0100
#define R_LAUGH_SOFT	0x0200
#define R_MODIFIER		0x0400	/* its own valence is not counted: it modifies */
#define R_PHRASE		0x0800
#define R_LEAST			0x1000
#define R_NEVER_SO		0x2000
#define R_NOT_VERB		0x4000	/* "like" as a preposition, "kind" as a noun */
#define R_IRREALIS		0x8000	/* in a question, a wish or a condition */
#define R_SURPRISE		0x10000	/* an interjection of surprise takes the text's sign */

typedef struct SocialToken
{
	int32		off;			/* normalized form at doc->nb + off */
	uint16		len;
	uint8		kind;
	uint8		flags;
	char		punct;			/* TK_PUNCT: '.', ',', '!', ... */
	uint8		run;			/* TK_PUNCT: how many marks in a row (at most 255) */
	uint32		rules;
	const SocialEntry *entry;	/* lexicon entry or NULL */
	float		valence;		/* contribution after the rules */
	float		weight;			/* contrast weight */
	int32		sstart;			/* first token of its sentence */
	int32		send;			/* its sentence's end mark (or ntoks) */
} SocialToken;

typedef struct SocialDoc
{
	char	   *cb;				/* cleaned text, NUL-terminated */
	int			clen;
	char	   *nb;				/* normalized token bytes */
	int			nlen;
	int			nbcap;			/* size of nb */
	SocialToken *toks;
	int			ntoks;
	int			maxtoks;
	int			nexcl;			/* "!" count */
	int			nquest;			/* "?" count */
	int			paren;			/* open parentheses seen */
	bool		sarcasm;
	bool		cap_diff;		/* some but not all words are ALL CAPS */
} SocialDoc;

/* ---------------------------------------------------------------- cleaning */

/* Length of the valid UTF-8 sequence at s (n bytes left) and its code point; 0 if malformed */
static inline int
DecodeUtf8(const unsigned char *s, int n, uint32 *cp)
{
	int			l;
	uint32		c;

	if (s[0] < 0x80)
	{
		*cp = s[0];
		return 1;
	}
	if (s[0] >= 0xC2 && s[0] <= 0xDF)
		l = 2, c = s[0] & 0x1F;
	else if (s[0] >= 0xE0 && s[0] <= 0xEF)
		l = 3, c = s[0] & 0x0F;
	else if (s[0] >= 0xF0 && s[0] <= 0xF4)
		l = 4, c = s[0] & 0x07;
	else
		return 0;
	if (l > n)
		return 0;
	for (int i = 1; i < l; i++)
	{
		if ((s[i] & 0xC0) != 0x80)
			return 0;
		c = (c << 6) | (s[i] & 0x3F);
	}
	if ((l == 3 && c < 0x800) || (l == 4 && (c < 0x10000 || c > 0x10FFFF)) ||
		(c >= 0xD800 && c <= 0xDFFF))
		return 0;
	*cp = c;
	return l;
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
static void
CleanText(SocialDoc *doc, const char *text, int len)
{
	const unsigned char *s = (const unsigned char *) text;
	char	   *o = doc->cb;
	int			i = 0;

	while (i < len)
	{
		uint32		cp;
		int			l,
					consumed;
		char		c;

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

/* -------------------------------------------------------------- tokenizing */

/* True for code points that join emoji sequences or modify them */
static inline bool
IsEmojiModifier(uint32 cp)
{
	return cp == 0xFE0F || cp == 0xFE0E || cp == 0x200D || cp == 0x20E3 ||
		(cp >= 0x1F3FB && cp <= 0x1F3FF) || (cp >= 0xE0020 && cp <= 0xE007F);
}

/* True for non-ASCII code points taken as letters (scripts), not symbols */
static inline bool
IsLetterCodePoint(uint32 cp)
{
	if (cp < 0x80)
		return isalnum((int) cp);
	if (cp < 0x2000)
		return cp >= 0xC0 && cp != 0xD7 && cp != 0xF7;
	if (cp < 0x3040)
		return false;			/* punctuation, symbols, arrows, dingbats, CJK punctuation */
	if (cp >= 0xFE00 && cp <= 0xFE0F)
		return false;
	if (cp >= 0xFF00 && cp <= 0xFF20)
		return false;
	if (cp >= 0x1F000 && cp <= 0x1FAFF)
		return false;			/* emoji and pictographs */
	return true;
}

/* Code point at doc->cb + i (the cleaned text is valid UTF-8); its length in *l */
static inline uint32
CodePointAt(const SocialDoc *doc, int i, int *l)
{
	uint32		cp = 0;

	*l = DecodeUtf8((const unsigned char *) doc->cb + i, doc->clen - i, &cp);
	if (*l == 0)
		*l = 1;
	return cp;
}

/* Double the token array (a text has at most one token per byte, usually far fewer) */
static void
GrowTokens(SocialDoc *doc)
{
	Size		newmax = (Size) doc->maxtoks * 2;

	if (newmax * sizeof(SocialToken) > MaxAllocSize)
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("text has too many tokens for the social sentiment analyzer"),
				 errdetail("The limit is %d tokens.", (int) (MaxAllocSize / sizeof(SocialToken)))));
	doc->toks = repalloc(doc->toks, newmax * sizeof(SocialToken));
	doc->maxtoks = (int) newmax;
}

/* Append a token whose normalized form is src[0..len) lowercased */
static SocialToken *
AddToken(SocialDoc *doc, int kind, const char *src, int len)
{
	SocialToken *t;

	if (doc->ntoks >= doc->maxtoks)
		GrowTokens(doc);
	if (len > doc->nbcap - doc->nlen)
		elog(ERROR, "social analyzer normalized-token buffer overflow");
	t = &doc->toks[doc->ntoks++];
	memset(t, 0, sizeof(*t));
	t->kind = kind;
	t->off = doc->nlen;
	t->len = Min(len, PG_UINT16_MAX);
	for (int i = 0; i < t->len; i++)
		doc->nb[doc->nlen++] = pg_ascii_tolower((unsigned char) src[i]);
	t->weight = 1.0f;
	return t;
}

/* Collapse runs of three or more equal letters of t to keep letters each */
static int
CollapseRuns(const char *s, int len, int keep, char *out)
{
	int			n = 0;

	for (int i = 0; i < len;)
	{
		int			j = i;

		while (j < len && s[j] == s[i])
			j++;
		for (int k = 0; k < ((j - i >= 3 && isalpha((unsigned char) s[i])) ? keep : j - i); k++)
			out[n++] = s[i];
		i = j;
	}
	return n;
}

/* Laughter spelled out ("hahahah", "hehehe"): at least four letters of h, a, e, i */
static bool
IsLaughter(const char *s, int len)
{
	int			h = 0;

	if (len < 4 || s[0] != 'h')
		return false;
	for (int i = 0; i < len; i++)
	{
		if (s[i] == 'h')
			h++;
		else if (s[i] != 'a' && s[i] != 'e' && s[i] != 'i')
			return false;
	}
	return h >= 2;
}

/* Replace the token's normalized form with a shorter one (in place) */
static void
SetTokenText(SocialDoc *doc, SocialToken *t, const char *s, int len)
{
	memmove(doc->nb + t->off, s, len);
	t->len = len;
}

/* Find the lexicon entry of a word: as written, de-elongated, laughter, possessive */
static void
LookupWordToken(SocialDoc *doc, SocialToken *t)
{
	char	   *w = doc->nb + t->off;
	char		buf[SOCIAL_MAX_KEY];
	int			n;

	if (t->len > SOCIAL_MAX_KEY)
		return;
	t->entry = SocialLookupWord(w, t->len);
	if (t->entry != NULL)
		return;
	if (t->flags & TF_ELONG)
	{
		for (int keep = 2; keep >= 1 && t->entry == NULL; keep--)
		{
			n = CollapseRuns(w, t->len, keep, buf);
			if ((t->entry = SocialLookupWord(buf, n)) != NULL)
				SetTokenText(doc, t, buf, n);
		}
		if (t->entry != NULL)
			return;
	}
	if (IsLaughter(w, t->len))
	{
		SetTokenText(doc, t, "haha", 4);
		t->entry = SocialLookupWord("haha", 4);
		return;
	}
	if (t->len > 3 && w[t->len - 2] == '\'' && w[t->len - 1] == 's')
		t->entry = SocialLookupWord(w, t->len - 2);
	else if (t->len > 4 && t->len < SOCIAL_MAX_KEY && w[t->len - 2] == 'i' && w[t->len - 1] == 'n')
	{
		/* dropped g: "lovin", "hatin" */
		memcpy(buf, w, t->len);
		buf[t->len] = 'g';
		t->entry = SocialLookupWord(buf, t->len + 1);
	}
}

/* Set the caps, letters and elongation flags of a word from its original bytes */
static void
SetWordFlags(SocialToken *t, const char *s, int len)
{
	int			upper = 0,
				lower = 0,
				run = 1;

	for (int i = 0; i < len; i++)
	{
		unsigned char c = s[i];

		if (c >= 'A' && c <= 'Z')
			upper++;
		else if (c >= 'a' && c <= 'z')
			lower++;
		if (i > 0 && isalpha(c) && pg_ascii_tolower(c) == pg_ascii_tolower((unsigned char) s[i - 1]))
		{
			if (++run >= 3)
				t->flags |= TF_ELONG;
		}
		else
			run = 1;
	}
	if (upper + lower >= 2)
		t->flags |= TF_LETTERS;
	if (upper >= 2 && lower == 0)
		t->flags |= TF_CAPS;
}

/* True when the entry is known to the segmenter (a lexicon or function word) */
static inline bool
KnownPiece(const SocialEntry *e, int len)
{
	if (e == NULL)
		return false;
	if (len < 2 && !(e->cls & SC_FUNCTION))
		return false;
	return e->has_valence || (e->cls & ~SC_PHRASE_HEAD) != 0;
}

/*
 * Split a hashtag into known words, fewest pieces first ("#epicfail" ->
 * epic fail, "#notgood" -> not good).  Returns the number of pieces (0 when
 * no split covers it) and their ends in ends[].
 */
#define MAX_SEGMENT 40
static int
SegmentHashtag(const char *w, int len, int *ends)
{
	int			best[MAX_SEGMENT + 1];
	int			prev[MAX_SEGMENT + 1];
	int			n;

	if (len < 4 || len > MAX_SEGMENT)
		return 0;
	best[0] = 0;
	for (int i = 1; i <= len; i++)
	{
		best[i] = INT_MAX;
		for (int j = Max(0, i - 20); j < i; j++)
		{
			if (best[j] == INT_MAX || best[j] + 1 >= best[i])
				continue;
			if (KnownPiece(SocialLookupWord(w + j, i - j), i - j))
			{
				best[i] = best[j] + 1;
				prev[i] = j;
			}
		}
	}
	if (best[len] == INT_MAX || best[len] < 2)
		return 0;
	n = best[len];
	for (int i = len, k = n - 1; i > 0; i = prev[i], k--)
		ends[k] = i;
	return n;
}

/*
 * Split a hashtag at its case changes ("#ThankYouNHS" -> Thank You NHS) when one
 * of the parts is a sentiment word.  Returns the number of parts (0: no split).
 */
static int
CamelSplit(const SocialDoc *doc, const char *s, int len, int *ends)
{
	int			n = 0,
				from = 0;
	bool		sentiment = false;

	if (len > MAX_SEGMENT)
		return 0;
	for (int i = 1; i <= len; i++)
	{
		bool		cut = i == len ||
			(isupper((unsigned char) s[i]) && islower((unsigned char) s[i - 1])) ||
			(isupper((unsigned char) s[i]) && isupper((unsigned char) s[i - 1]) &&
			 i + 1 < len && islower((unsigned char) s[i + 1]));

		if (!cut)
			continue;
		{
			char		piece[MAX_SEGMENT];
			const SocialEntry *e;

			for (int k = from; k < i; k++)
				piece[k - from] = pg_ascii_tolower((unsigned char) s[k]);
			e = SocialLookupWord(piece, i - from);
			sentiment |= e != NULL && e->has_valence && e->valence != 0;
		}
		ends[n++] = i;
		from = i;
	}
	return (n >= 2 && sentiment) ? n : 0;
}

/* Emit a word (or a hashtag's words) from cleaned bytes [start, end) */
static void
EmitWord(SocialDoc *doc, int start, int end, bool hashtag)
{
	const char *s = doc->cb + start;
	int			len = end - start;
	SocialToken *t = AddToken(doc, TK_WORD, s, len);
	int			ends[MAX_SEGMENT];
	char		word[MAX_SEGMENT];
	uint8		caps;
	int			n;

	SetWordFlags(t, s, len);
	LookupWordToken(doc, t);
	if (!hashtag)
		return;
	t->flags |= TF_HASHTAG;
	if (t->entry != NULL && (t->entry->cls & SC_SARCASM))
		doc->sarcasm = true;
	if (t->len == 3 && memcmp(doc->nb + t->off, "not", 3) == 0)
	{
		doc->sarcasm = true;	/* "#not" after a statement */
		t->entry = NULL;
		return;
	}
	if (t->entry != NULL && (t->entry->has_valence || t->entry->cls != 0))
		return;
	n = SegmentHashtag(doc->nb + t->off, t->len, ends);
	if (n == 0 && t->len == len)
		n = CamelSplit(doc, s, len, ends);
	if (n == 0)
		return;
	memcpy(word, doc->nb + t->off, t->len);
	caps = t->flags & TF_CAPS;
	doc->ntoks--;				/* replace the hashtag by its words */
	doc->nlen = t->off;
	for (int k = 0, from = 0; k < n; from = ends[k], k++)
	{
		SocialToken *p = AddToken(doc, TK_WORD, word + from, ends[k] - from);

		p->flags |= TF_HASHTAG | caps;
		p->entry = SocialLookupWord(doc->nb + p->off, p->len);
	}
}

/* True when the chunk [s, s + len) is a URL */
static bool
LooksLikeUrl(const char *s, int len)
{
	const char *slash;

	if (len >= 4 && pg_strncasecmp(s, "www.", 4) == 0)
		return true;
	for (int i = 0; i + 2 < len; i++)
		if (s[i] == ':' && s[i + 1] == '/' && s[i + 2] == '/')
			return true;
	/* bit.ly/xyz, pic.twitter.com/xyz: a dotted host name before a slash */
	slash = memchr(s, '/', len);
	if (slash != NULL && slash - s >= 4)
	{
		const char *dot = memchr(s, '.', slash - s);

		return dot != NULL && dot > s && slash - dot >= 3 &&
			isalpha((unsigned char) dot[1]) && isalnum((unsigned char) dot[-1]);
	}
	return false;
}

/*
 * Try an emoticon of the lexicon at cleaned offset i (chunk ends at end), the
 * longest first, or only one reaching the chunk's end when whole; its length or 0.
 */
static int
MatchEmoticon(SocialDoc *doc, int i, int end, int chunk_start, bool whole)
{
	char		buf[SOCIAL_MAX_KEY];
	int			maxl = Min(SocialMaxEmoticon(), end - i);
	int			minl = whole ? end - i : 2;

	if (maxl < 2 || !SocialEmoticonStart(pg_ascii_tolower((unsigned char) doc->cb[i]),
										  pg_ascii_tolower((unsigned char) doc->cb[i + 1])))
		return 0;
	for (int l = maxl; l >= minl; l--)
	{
		const SocialEntry *e;
		const char *s = doc->cb + i;
		bool		alnum_end = isalnum((unsigned char) s[l - 1]);
		bool		symbol = false;

		for (int k = 0; k < l; k++)
		{
			buf[k] = pg_ascii_tolower((unsigned char) s[k]);
			symbol |= !isalnum((unsigned char) s[k]) && s[k] != '\'' && s[k] != '-';
		}
		if (!symbol)
			continue;			/* a word, not an emoticon */
		e = SocialLookupWord(buf, l);
		if (e == NULL || !e->has_valence)
			continue;
		/* ":D" must not be the start of ":Does"; a word before ":)" is fine */
		if (alnum_end && i + l < end && isalnum((unsigned char) s[l]))
			continue;
		if (isalnum((unsigned char) s[0]) && i > chunk_start)
			continue;
		/* the ")" closing "(see above)" is not a frown */
		if (doc->paren > 0 && (s[0] == ')' || s[0] == ']' ||
							   (isalnum((unsigned char) s[0]) && s[l - 1] == ')')))
			continue;
		return l;
	}
	return 0;
}

/* Emit a punctuation token when c ends a clause or a sentence */
static void
EmitPunct(SocialDoc *doc, char c)
{
	if (c == '(')
		doc->paren++;
	else if (c == ')' && doc->paren > 0)
		doc->paren--;
	if (c == '!')
		doc->nexcl++;
	else if (c == '?')
		doc->nquest++;
	if (strchr(".,;:!?\n", c) != NULL)
	{
		SocialToken *t;

		/* one token per run of the same mark ("!!!" counts its marks above) */
		if (doc->ntoks > 0 && doc->toks[doc->ntoks - 1].kind == TK_PUNCT &&
			doc->toks[doc->ntoks - 1].punct == c)
		{
			t = &doc->toks[doc->ntoks - 1];
			t->run = Min(t->run + 1, 255);
			return;
		}
		t = AddToken(doc, TK_PUNCT, &c, 1);
		t->punct = c;
		t->run = 1;
	}
}

/* The end of the word starting at w: letters, and ' - . between letters ("don't", "no.1") */
static int
WordEnd(const SocialDoc *doc, int w, int end)
{
	const char *cb = doc->cb;
	int			j = w;

	while (j < end)
	{
		int			jl;
		uint32		jc = CodePointAt(doc, j, &jl);
		bool		inner = j > w && j + 1 < end && isalnum((unsigned char) cb[j - 1]);

		if (IsLetterCodePoint(jc) ||
			((jc == '\'' || jc == '-') && inner && isalnum((unsigned char) cb[j + 1])) ||
			(jc == '.' && inner && isdigit((unsigned char) cb[j + 1])))
			j += jl;
		else
			break;
	}
	return j;
}

/* Emit the longest emoji at i, if any; the bytes consumed (l: the code point's length) */
static int
EmitEmoji(SocialDoc *doc, int i, int end, uint32 cp, int l)
{
	const SocialEntry *e;
	int			m;
	SocialToken *t;

	if (!SocialEmojiStart(cp) || (e = SocialLookupEmoji(doc->cb + i, end - i, &m)) == NULL)
		return l;				/* modifiers, symbols: ignored */
	t = AddToken(doc, TK_EMOTICON, doc->cb + i, m);
	t->entry = e;
	t->flags |= TF_EMOJI;
	return m;
}

/* Tokenize one whitespace-delimited chunk [start, end) of the cleaned text */
static void
TokenizeChunk(SocialDoc *doc, int start, int end)
{
	const char *cb = doc->cb;
	int			i = start;
	int			l;

	if (LooksLikeUrl(cb + start, end - start) ||
		(end - start == 2 && cb[start] == 'R' && cb[start + 1] == 'T'))
		return;
	if ((l = MatchEmoticon(doc, start, end, start, true)) == end - start)
	{
		SocialToken *t = AddToken(doc, TK_EMOTICON, cb + start, l);

		t->entry = SocialLookupWord(doc->nb + t->off, t->len);
		return;
	}
	while (i < end)
	{
		unsigned char c = cb[i];
		uint32		cp = CodePointAt(doc, i, &l);

		if (c == '@' && i + 1 < end && (isalnum((unsigned char) cb[i + 1]) || cb[i + 1] == '_'))
		{
			for (i++; i < end && (isalnum((unsigned char) cb[i]) || cb[i] == '_'); i++)
				;
			continue;
		}
		if (IsLetterCodePoint(cp) || (c == '#' && i + 1 < end && isalnum((unsigned char) cb[i + 1])))
		{
			bool		hashtag = (c == '#');
			int			w = hashtag ? i + 1 : i;

			i = WordEnd(doc, w, end);
			EmitWord(doc, w, i, hashtag);
			continue;
		}
		if (c >= 0x80)
		{
			i += EmitEmoji(doc, i, end, cp, l);
			continue;
		}
		if ((l = MatchEmoticon(doc, i, end, start, false)) > 0)
		{
			SocialToken *t = AddToken(doc, TK_EMOTICON, cb + i, l);

			t->entry = SocialLookupWord(doc->nb + t->off, t->len);
			i += l;
			continue;
		}
		EmitPunct(doc, (char) c);
		i++;
	}
}

/* Split the cleaned text into chunks at white space and tokenize each */
static void
Tokenize(SocialDoc *doc)
{
	int			i = 0;

	while (i < doc->clen)
	{
		int			j;

		if (doc->cb[i] == '\n')
		{
			EmitPunct(doc, '\n');
			i++;
			continue;
		}
		if (doc->cb[i] == ' ' || doc->cb[i] == '\t')
		{
			i++;
			continue;
		}
		for (j = i; j < doc->clen && doc->cb[j] != ' ' && doc->cb[j] != '\t' && doc->cb[j] != '\n'; j++)
			;
		TokenizeChunk(doc, i, j);
		i = j;
	}
}

/* ----------------------------------------------------------------- scoring */

/* True when token i is the word w */
static inline bool
TokIs(const SocialDoc *doc, int i, const char *w)
{
	const SocialToken *t;
	int			l = strlen(w);

	if (i < 0 || i >= doc->ntoks)
		return false;
	t = &doc->toks[i];
	return t->kind == TK_WORD && t->len == l && memcmp(doc->nb + t->off, w, l) == 0;
}

/* Word classes of token i (0 for non-words and unknown words) */
static inline uint16
TokClass(const SocialDoc *doc, int i)
{
	const SocialToken *t;

	if (i < 0 || i >= doc->ntoks)
		return 0;
	t = &doc->toks[i];
	return (t->kind == TK_WORD && t->entry != NULL) ? t->entry->cls : 0;
}

/* True when token i ends a clause: punctuation, a contrast or a new clause */
static inline bool
ClauseBreak(const SocialDoc *doc, int i)
{
	if (doc->toks[i].kind == TK_PUNCT)
		return true;
	return (TokClass(doc, i) & (SC_CONTRAST | SC_CONCESSIVE | SC_SCOPE_END)) != 0;
}

/* True when token i has a lexicon valence (a sentiment word, emoticon or emoji) */
static inline bool
HasValence(const SocialDoc *doc, int i)
{
	const SocialToken *t = &doc->toks[i];

	return (t->kind == TK_WORD || t->kind == TK_EMOTICON) &&
		t->entry != NULL && t->entry->has_valence && t->entry->valence != 0;
}

/* True when token i is a negator: a negation word or any word ending in n't */
static bool
IsNegator(const SocialDoc *doc, int i)
{
	const SocialToken *t = &doc->toks[i];
	const char *w = doc->nb + t->off;

	if (t->kind != TK_WORD)
		return false;
	if (TokClass(doc, i) & SC_NEGATOR)
	{
		/* "not only", "not just": additive, not negation */
		if ((TokIs(doc, i, "not")) && (TokIs(doc, i + 1, "only") || TokIs(doc, i + 1, "just")))
			return false;
		/* "nothing but love" */
		if (TokIs(doc, i, "nothing") && TokIs(doc, i + 1, "but"))
			return false;
		return true;
	}
	return t->len > 3 && w[t->len - 3] == 'n' && w[t->len - 2] == '\'' && w[t->len - 1] == 't';
}

/* True when the sentence holding token i ends with a question mark (one: "???" is emphasis) */
static inline bool
InQuestion(const SocialDoc *doc, int i)
{
	int			e = doc->toks[i].send;

	return e < doc->ntoks && doc->toks[e].punct == '?' && doc->toks[e].run == 1 &&
		!(e + 1 < doc->ntoks && doc->toks[e + 1].kind == TK_PUNCT && doc->toks[e + 1].punct == '!');
}

/*
 * True when negator j opens a negative question ("don't you love it?", "isn't
 * it great", "how can you not love him?"): these expect agreement and do not
 * negate.
 */
static bool
RhetoricalNegation(const SocialDoc *doc, int j)
{
	static const char *const subjects[] = {"you", "ya", "u", "it", "that", "this", "they",
	"we", "he", "she", "i"};
	static const char *const auxiliaries[] = {"can", "could", "would", "will", "do", "does",
	"did", "is", "are", "was", "were", "should"};
	bool		subject_next = false;

	for (int k = 0; k < lengthof(subjects); k++)
		subject_next |= TokIs(doc, j + 1, subjects[k]);
	/* "Don't you love it", "Isn't it great": an n't word opening its clause */
	if (!TokIs(doc, j, "not") && subject_next)
		return j == 0 || ClauseBreak(doc, j - 1);
	/* "how can you not love him?": auxiliary, subject, not, in a question */
	if (TokIs(doc, j, "not") && InQuestion(doc, j))
		for (int k = 0; k < lengthof(auxiliaries); k++)
			if (TokIs(doc, j - 2, auxiliaries[k]))
				for (int m = 0; m < lengthof(subjects); m++)
					if (TokIs(doc, j - 1, subjects[m]))
						return true;
	return false;
}

/* True when "no" at i is a determiner ("no problem") rather than an interjection ("No!") */
static inline bool
NoIsDeterminer(const SocialDoc *doc, int i)
{
	return TokIs(doc, i, "no") && i + 1 < doc->ntoks && doc->toks[i + 1].kind == TK_WORD &&
		!ClauseBreak(doc, i + 1);
}

/* True when a sentiment word follows booster i closely in its clause */
static bool
ModifiesNext(const SocialDoc *doc, int i)
{
	for (int j = i + 1; j < doc->ntoks && j <= i + BOOST_WINDOW; j++)
	{
		if (ClauseBreak(doc, j))
			return false;
		if (doc->toks[j].kind == TK_WORD && HasValence(doc, j) &&
			!(TokClass(doc, j) & SC_BOOSTER))
			return true;
	}
	return false;
}

/* True when "like" at i is the verb: after a subject, auxiliary, negator or adverb */
static bool
LikeIsVerb(const SocialDoc *doc, int i)
{
	int			j = i - 1;

	if (j >= 0 && ((TokClass(doc, j) & SC_BOOSTER) || TokIs(doc, j, "also") ||
				   TokIs(doc, j, "just") || TokIs(doc, j, "still") || TokIs(doc, j, "actually") ||
				   TokIs(doc, j, "even") || TokIs(doc, j, "always") || TokIs(doc, j, "ever")))
		j--;
	if (j < 0 || doc->toks[j].kind != TK_WORD)
		return false;
	if (TokIs(doc, j, "i'm") || TokIs(doc, j, "im") || TokIs(doc, j, "was") ||
		TokIs(doc, j, "is") || TokIs(doc, j, "it's"))
		return false;			/* quotative "I'm like", "it's like" */
	return (TokClass(doc, j) & (SC_PRONOUN | SC_NEGATOR)) != 0 || IsNegator(doc, j);
}

/* The rule that makes word i a non-sentiment word in its context, or 0 */
static uint32
NeutralUse(const SocialDoc *doc, int i)
{
	if ((TokClass(doc, i) & SC_BOOSTER) && ModifiesNext(doc, i))
		return R_MODIFIER;		/* "pretty good": pretty is a dampener here */
	if (TokIs(doc, i, "no") && NoIsDeterminer(doc, i))
		return R_MODIFIER;		/* "no problems": no negates, it is not an interjection */
	if (TokIs(doc, i, "kind") &&
		(TokIs(doc, i + 1, "of") || (TokClass(doc, i - 1) & SC_DETERMINER)))
		return R_NOT_VERB;		/* "kind of", "what kind": not the adjective */
	if (TokIs(doc, i, "like") && !LikeIsVerb(doc, i))
		return R_NOT_VERB;		/* "looks like rain" */
	if (TokIs(doc, i, "doubt") && (TokIs(doc, i - 1, "no") || TokIs(doc, i - 1, "without") ||
								   (TokIs(doc, i - 1, "a") && TokIs(doc, i - 2, "without"))))
		return R_NOT_VERB;		/* "no doubt": certainly */
	if (TokIs(doc, i, "well") && (i == 0 || doc->toks[i - 1].kind == TK_PUNCT ||
								  TokIs(doc, i - 1, "as") || TokIs(doc, i - 1, "oh")))
		return R_NOT_VERB;		/* "as well", "Well, ...": not the adjective */
	return 0;
}

/* The lexicon valence of word i in context, 0 when it is not used as a sentiment word */
static double
ContextValence(SocialDoc *doc, int i)
{
	uint32		rule = NeutralUse(doc, i);

	if (rule != 0)
	{
		doc->toks[i].rules |= rule;
		return 0.0;
	}
	return doc->toks[i].entry->valence;
}

/* Add the boosters and dampeners before word i (VADER's distance decay) */
static double
ApplyBoosters(SocialDoc *doc, int i, double v)
{
	static const double decay[BOOST_WINDOW] = {1.0, 0.95, 0.9};
	double		mag = fabs(v);

	for (int d = 1; d <= BOOST_WINDOW && i - d >= 0; d++)
	{
		int			j = i - d;
		SocialToken *b = &doc->toks[j];
		double		s = 0;

		if (ClauseBreak(doc, j))
			break;
		if (TokClass(doc, j) & SC_BOOSTER)
			s = b->entry->boost;
		else if (TokIs(doc, j, "of") && (TokIs(doc, j - 1, "kind") || TokIs(doc, j - 1, "sort")))
			s = -0.293;
		if (s == 0)
			continue;
		if ((b->flags & TF_CAPS) && doc->cap_diff)
			s += (s > 0 ? C_INCR : -C_INCR);
		mag = Max(mag + s * decay[d - 1], 0.1 * fabs(v));
		doc->toks[i].rules |= (s > 0 ? R_BOOSTED : R_DAMPENED);
	}
	return v < 0 ? -mag : mag;
}

/* Negation of word i: the negators in its clause (odd count negates) */
static double
ApplyNegation(SocialDoc *doc, int i, double v)
{
	int			count = 0;
	int			words = 0;

	for (int j = i - 1; j >= 0 && words < NEG_WINDOW; j--)
	{
		if (ClauseBreak(doc, j))
			break;
		words++;
		if (!IsNegator(doc, j) || RhetoricalNegation(doc, j))
			continue;
		/* "no" as a determiner reaches only its noun phrase */
		if (TokIs(doc, j, "no") && i - j > 2 && !TokIs(doc, j + 1, "longer") &&
			!TokIs(doc, j + 1, "way"))
			continue;
		/* "never so good", "never been this happy": emphasis, not negation */
		if (TokIs(doc, j, "never") &&
			(TokIs(doc, j + 1, "so") || TokIs(doc, j + 1, "this") ||
			 TokIs(doc, i - 1, "so") || TokIs(doc, i - 1, "this")) && j + 1 < i)
		{
			doc->toks[i].rules |= R_NEVER_SO;
			return v * 1.25;
		}
		/* "without (a) doubt" */
		if (TokIs(doc, j, "without") && (TokIs(doc, j + 1, "doubt") || TokIs(doc, j + 2, "doubt")))
			continue;
		count++;
	}
	if (count % 2 == 1)
	{
		doc->toks[i].rules |= R_NEGATED;
		return v * (v > 0 ? N_SCALAR : N_SCALAR_NEG);
	}
	return v;
}

/* "least good" is negation, "at least good" is not */
static double
ApplyLeast(SocialDoc *doc, int i, double v)
{
	if (TokIs(doc, i - 1, "least") && !TokIs(doc, i - 2, "at") && !TokIs(doc, i - 2, "very"))
	{
		doc->toks[i].rules |= R_LEAST;
		return v * N_SCALAR;
	}
	return v;
}

/* True when "wish" at j introduces an unreal situation ("I wish I had", "wish it were") */
static bool
WishIsCounterfactual(const SocialDoc *doc, int j)
{
	static const char *const next[] = {"i", "we", "they", "he", "she", "it", "there", "that",
	"could", "would", "had", "was", "were", "i'd", "i'm", "my", "our", "this", "people"};
	static const char *const after_you[] = {"were", "was", "could", "would", "had", "'d",
	"knew", "would've", "did", "didn't", "wouldn't", "weren't"};

	if (!TokIs(doc, j, "wish") && !TokIs(doc, j, "wished") && !TokIs(doc, j, "wishing"))
		return false;
	for (int k = 0; k < lengthof(next); k++)
		if (TokIs(doc, j + 1, next[k]))
			return true;
	if (TokIs(doc, j + 1, "you") || TokIs(doc, j + 1, "u"))
		for (int k = 0; k < lengthof(after_you); k++)
			if (TokIs(doc, j + 2, after_you[k]))
				return true;
	return false;
}

/* "should have been great", "was supposed to be fun": the opposite happened */
static double
ApplyCounterfactual(SocialDoc *doc, int i, double v)
{
	for (int j = i - 1; j >= 0 && j >= i - 5; j--)
	{
		if (ClauseBreak(doc, j))
			break;
		if (WishIsCounterfactual(doc, j))
		{
			doc->toks[i].rules |= R_COUNTERFACT;
			return v * COUNTERFACTUAL;
		}
		if (!(TokClass(doc, j) & SC_MODAL))
			continue;
		if (doc->toks[j].entry->boost > 0 || TokIs(doc, j + 1, "have") ||
			TokIs(doc, j + 1, "of") || TokIs(doc, j + 1, "'ve"))
		{
			doc->toks[i].rules |= R_COUNTERFACT;
			return v * COUNTERFACTUAL;
		}
	}
	return v;
}

/*
 * True when word i is irrealis: after a desire or expectation ("I want a hug",
 * "hope it gets better") or in a condition ("if it is good").
 */
static bool
Irrealis(const SocialDoc *doc, int i)
{
	for (int j = i - 1; j >= 0 && j >= i - 8; j--)
	{
		if (ClauseBreak(doc, j))
			return TokIs(doc, j, "if") || TokIs(doc, j, "unless") || TokIs(doc, j, "whether");
		if ((TokClass(doc, j) & SC_DESIRE) && j >= i - 4)
			return true;
	}
	return false;
}

/* The valence of sentiment token i after the rules of its clause */
static double
ScoreToken(SocialDoc *doc, int i)
{
	SocialToken *t = &doc->toks[i];
	double		v;

	if (t->kind == TK_EMOTICON)
		return t->entry->valence;
	v = ContextValence(doc, i);
	if (v == 0)
		return 0;
	if ((t->flags & TF_CAPS) && doc->cap_diff)
	{
		v += (v > 0 ? C_INCR : -C_INCR);
		t->rules |= R_CAPS;
	}
	if (t->flags & TF_ELONG)
	{
		v += (v > 0 ? E_INCR : -E_INCR);
		t->rules |= R_ELONGATED;
	}
	v = ApplyBoosters(doc, i, v);
	if (WishIsCounterfactual(doc, i))
	{
		t->rules |= R_COUNTERFACT;
		return v * COUNTERFACTUAL;
	}
	v = ApplyNegation(doc, i, v);
	v = ApplyLeast(doc, i, v);
	v = ApplyCounterfactual(doc, i, v);
	if (InQuestion(doc, i) || Irrealis(doc, i))
	{
		t->rules |= R_IRREALIS;
		v *= IRREALIS;
	}
	return v;
}

/* Merge lexicon phrases ("can't stand", "yeah right") into their first word */
static void
MatchPhrases(SocialDoc *doc)
{
	int			maxw = SocialMaxPhraseWords();
	char		buf[SOCIAL_MAX_KEY + 1];

	for (int i = 0; maxw > 1 && i < doc->ntoks; i++)
	{
		if (!(TokClass(doc, i) & SC_PHRASE_HEAD))
			continue;
		for (int k = Min(maxw, doc->ntoks - i); k >= 2; k--)
		{
			int			n = 0;
			bool		ok = true;
			const SocialEntry *e;

			for (int j = i; j < i + k && ok; j++)
			{
				SocialToken *t = &doc->toks[j];

				ok = t->kind == TK_WORD && n + t->len + 1 <= SOCIAL_MAX_KEY;
				if (!ok)
					break;
				if (j > i)
					buf[n++] = ' ';
				memcpy(buf + n, doc->nb + t->off, t->len);
				n += t->len;
			}
			if (!ok || (e = SocialLookupWord(buf, n)) == NULL || !e->has_valence)
				continue;
			doc->toks[i].entry = e;
			doc->toks[i].rules |= R_PHRASE;
			for (int j = i + 1; j < i + k; j++)
				doc->toks[j].kind = TK_ABSORBED;
			i += k - 1;
			break;
		}
	}
}

/* True when token i ends a sentence */
static inline bool
SentenceMark(const SocialDoc *doc, int i)
{
	return doc->toks[i].kind == TK_PUNCT && strchr(".!?\n", doc->toks[i].punct) != NULL;
}

/* Record the sentence bounds of every token, in two linear passes */
static void
FindSentences(SocialDoc *doc)
{
	int			start = 0;
	int			end = doc->ntoks;

	for (int i = 0; i < doc->ntoks; i++)
	{
		doc->toks[i].sstart = start;
		if (SentenceMark(doc, i))
			start = i + 1;
	}
	for (int i = doc->ntoks - 1; i >= 0; i--)
	{
		if (SentenceMark(doc, i))
			end = i;
		doc->toks[i].send = end;
	}
}

/* "but": what comes before it in its sentence counts half, what follows it 1.5 times */
static void
ApplyContrast(SocialDoc *doc, int c)
{
	int			s = doc->toks[c].sstart;
	int			e = doc->toks[c].send;

	if (TokIs(doc, c + 1, "also") || TokIs(doc, c - 1, "nothing") || TokIs(doc, c - 1, "all"))
		return;
	for (int j = s; j < c; j++)
		if (TokIs(doc, j, "not") && (TokIs(doc, j + 1, "only") || TokIs(doc, j + 1, "just")))
			return;
	if (s == c && s > 0)		/* "But ..." opens a sentence: contrast with the last one */
		s = doc->toks[s - 1].sstart;
	for (int j = s; j < c; j++)
	{
		doc->toks[j].weight *= 0.5f;
		doc->toks[j].rules |= R_BEFORE_BUT;
	}
	for (int j = c + 1; j < e; j++)
	{
		doc->toks[j].weight *= 1.5f;
		doc->toks[j].rules |= R_AFTER_BUT;
	}
}

/* "although it rained, we loved it": the concessive clause counts half, the main one more */
static void
ApplyConcession(SocialDoc *doc, int c)
{
	int			e = c + 1;
	int			s = doc->toks[c].sstart;
	int			end = doc->toks[c].send;

	if (e >= doc->ntoks || doc->toks[e].kind == TK_PUNCT)
		return;					/* sentence-final "though": nothing to weaken */
	while (e < end && !(doc->toks[e].kind == TK_PUNCT && strchr(",;", doc->toks[e].punct)))
		e++;
	for (int j = c + 1; j < e; j++)
	{
		doc->toks[j].weight *= 0.5f;
		doc->toks[j].rules |= R_CONCESSION;
	}
	if (s == c)
		for (int j = e; j < end; j++)
		{
			doc->toks[j].weight *= 1.5f;
			doc->toks[j].rules |= R_AFTER_BUT;
		}
}

/* "wow", "omg" react to something: with other sentiment they take its sign, at half strength */
static void
ApplySurprise(SocialDoc *doc)
{
	double		others = 0;
	bool		any = false;

	for (int i = 0; i < doc->ntoks; i++)
	{
		if (TokClass(doc, i) & SC_SURPRISE)
			any = true;
		else
			others += doc->toks[i].valence;
	}
	if (!any || others == 0)
		return;
	for (int i = 0; i < doc->ntoks; i++)
		if ((TokClass(doc, i) & SC_SURPRISE) && doc->toks[i].valence != 0)
		{
			doc->toks[i].valence = (float) (0.5 * fabs(doc->toks[i].valence) * (others > 0 ? 1 : -1));
			doc->toks[i].rules |= R_SURPRISE;
		}
}

/* Score every token, then apply contrast weights and laughter softening */
static void
ScoreTokens(SocialDoc *doc)
{
	int			words = 0,
				caps = 0;
	bool		other_sentiment = false;

	for (int i = 0; i < doc->ntoks; i++)
		if (doc->toks[i].kind == TK_WORD && (doc->toks[i].flags & TF_LETTERS))
		{
			words++;
			if (doc->toks[i].flags & TF_CAPS)
				caps++;
		}
	doc->cap_diff = caps > 0 && caps < words;
	FindSentences(doc);
	MatchPhrases(doc);
	for (int i = 0; i < doc->ntoks; i++)
	{
		SocialToken *t = &doc->toks[i];

		if (HasValence(doc, i))
		{
			t->valence = (float) ScoreToken(doc, i);
			if (t->valence != 0 && t->kind == TK_WORD && !(t->entry->cls & SC_LAUGH))
				other_sentiment = true;
		}
	}
	ApplySurprise(doc);
	/* the last contrast of each sentence, the first concession (linear in the text) */
	for (int i = doc->ntoks - 1, seen = -1; i >= 0; i--)
		if ((TokClass(doc, i) & SC_CONTRAST) && doc->toks[i].sstart != seen)
		{
			seen = doc->toks[i].sstart;
			ApplyContrast(doc, i);
		}
	for (int i = 0, seen = -1; i < doc->ntoks; i++)
		if ((TokClass(doc, i) & SC_CONCESSIVE) && doc->toks[i].sstart != seen)
		{
			seen = doc->toks[i].sstart;
			ApplyConcession(doc, i);
		}
	for (int i = 0; i < doc->ntoks; i++)
		if ((TokClass(doc, i) & SC_LAUGH) && other_sentiment && doc->toks[i].valence != 0)
		{
			doc->toks[i].valence *= LAUGH_SOFTENER;
			doc->toks[i].rules |= R_LAUGH_SOFT;
		}
}

/* Sum the contributions into polarity and intensity */
static void
Summarize(SocialDoc *doc, SentimentScore *out)
{
	double		sum = 0,
				abs_sum = 0,
				emph = 0;

	for (int i = 0; i < doc->ntoks; i++)
	{
		double		c = (double) doc->toks[i].valence * doc->toks[i].weight;

		sum += c;
		abs_sum += fabs(c);
	}
	emph = Min(doc->nexcl, 4) * EXCL_INCR;
	if (doc->nquest > 1)
		emph += (doc->nquest <= 3) ? doc->nquest * QUEST_INCR : QUEST_MAX;
	if (!isfinite(sum) || !isfinite(abs_sum))
		elog(ERROR, "social analyzer produced a non-finite sum");
	if (doc->sarcasm && sum > 0)
		sum *= SARCASM_SCALAR;
	if (sum > 0)
		sum += emph;
	else if (sum < 0)
		sum -= emph;
	if (abs_sum > 0)
		abs_sum += emph;
	out->polarity = Max(-1.0, Min(1.0, sum / sqrt(sum * sum + ALPHA)));
	out->subjectivity = Min(1.0, abs_sum / sqrt(abs_sum * abs_sum + ALPHA));
}

/* Prepare the buffers of a document for len bytes of text */
static void
InitDoc(SocialDoc *doc, int len)
{
	memset(doc, 0, sizeof(*doc));
	doc->cb = MemoryContextAllocHuge(CurrentMemoryContext, (Size) len + 1);
	doc->nbcap = len + 16;
	doc->nb = MemoryContextAllocHuge(CurrentMemoryContext, (Size) doc->nbcap);
	doc->maxtoks = Min(len / 4 + 64, len + 2);
	doc->toks = palloc(sizeof(SocialToken) * doc->maxtoks);
}

/* Clean, tokenize and score one text */
static void
AnalyzeDoc(SocialDoc *doc, const char *text, int len)
{
	SocialLexiconEnsureLoaded();
	InitDoc(doc, len);
	CleanText(doc, text, len);
	Tokenize(doc);
	ScoreTokens(doc);
}

/* Free the buffers of a document */
static void
FreeDoc(SocialDoc *doc)
{
	pfree(doc->cb);
	pfree(doc->nb);
	pfree(doc->toks);
}

/* The 'social' analyzer (sentiment.h): polarity in [-1, 1], intensity in [0, 1] */
void
SocialAnalyze(const char *text, int len, SentimentScore *out)
{
	SocialDoc	doc;

	out->polarity = 0;
	out->subjectivity = 0;
	if (len <= 0)
		return;
	AnalyzeDoc(&doc, text, len);
	Summarize(&doc, out);
	FreeDoc(&doc);
}

/* The names of the rules applied to a token, comma-separated */
static void
RuleNames(uint32 rules, StringInfo buf)
{
	static const char *const names[] = {"negated", "boosted", "dampened", "caps",
		"elongated", "before but", "after but", "concession", "counterfactual",
		"laughter softened", "modifier", "phrase", "least", "never so", "not a verb",
	"irrealis", "surprise"};

	for (int b = 0; b < lengthof(names); b++)
		if (rules & (1 << b))
			appendStringInfo(buf, "%s%s", buf->len > 0 ? ", " : "", names[b]);
}

PG_FUNCTION_INFO_V1(social_explain);

/* tweetlda.social_explain(doc): the tokens of the 'social' analyzer and what each contributes */
Datum
social_explain(PG_FUNCTION_ARGS)
{
	text	   *doc_text = PG_GETARG_TEXT_PP(0);
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	SocialDoc	doc;
	int			pos = 0;

	CheckDatabaseEncoding();
	InitMaterializedSRF(fcinfo, 0);
	if (VARSIZE_ANY_EXHDR(doc_text) == 0)
		PG_RETURN_VOID();
	AnalyzeDoc(&doc, VARDATA_ANY(doc_text), VARSIZE_ANY_EXHDR(doc_text));
	for (int i = 0; i < doc.ntoks; i++)
	{
		SocialToken *t = &doc.toks[i];
		Datum		values[5];
		bool		nulls[5] = {false, false, false, false, false};
		StringInfoData rules;
		static const char *const kinds[] = {"", "word", "emoticon", "punctuation", ""};

		if (t->kind == TK_ABSORBED)
			continue;
		initStringInfo(&rules);
		RuleNames(t->rules, &rules);
		values[0] = Int32GetDatum(++pos);
		values[1] = PointerGetDatum(cstring_to_text_with_len(doc.nb + t->off, t->len));
		values[2] = CStringGetTextDatum((t->flags & TF_EMOJI) ? "emoji" :
										(t->flags & TF_HASHTAG) ? "hashtag" : kinds[t->kind]);
		values[3] = Float8GetDatum((double) t->valence * t->weight);
		values[4] = CStringGetTextDatum(rules.data);
		nulls[3] = !HasValence(&doc, i) && t->valence == 0;
		tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
	}
	FreeDoc(&doc);
	PG_RETURN_VOID();
}
