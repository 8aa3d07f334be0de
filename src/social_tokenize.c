/*
 * social_tokenize.c
 *		Stage 2 of the 'social' analyzer (social_doc.h): the cleaned text split
 *		into tokens.  Chunks between white space are split into words (with
 *		' - . inside: "don't", "no.1"), hashtags (segmented by
 *		social_hashtag.c), emoticons of the lexicon, emoji of the emoji table
 *		and clause punctuation (one token per run of the same mark);
 *		@mentions, URLs and "RT" are dropped.  Every word is looked up as
 *		written, de-elongated ("goooood"), as laughter, without a possessive
 *		and with a dropped g restored ("lovin").
 *
 * Each byte is looked at a bounded number of times: look-ups try at most
 * SOCIAL_MAX_KEY bytes (emoticons and emoji hash their prefixes once, from the
 * longest down), and words longer than that are never looked up.
 */
#include "postgres.h"

#include "mb/pg_wchar.h"
#include "utils/memutils.h"

#include "social_doc.h"
#include "text_interrupts.h"
#include "utf8.h"

/* True for non-ASCII code points taken as letters (scripts), not symbols */
static inline bool
IsLetterCodePoint(uint32 cp)
{
	if (cp < 0x80)
		return SocialIsAlnum((unsigned char) cp);
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

	*l = Utf8Decode((const unsigned char *) doc->cb + i, (const unsigned char *) doc->cb + doc->clen, &cp);
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
	{
		if (!doc->fixed)
			GrowTokens(doc);
		else
		{
			/* can't happen (a token per byte at most): stay in bounds, flag the result */
			doc->overflow = true;
			doc->ntoks = doc->maxtoks - 1;
		}
	}
	if (len > doc->nbcap - doc->nlen)
	{
		if (!doc->fixed)
			elog(ERROR, "social analyzer normalized-token buffer overflow");
		doc->overflow = true;
		doc->nlen = 0;
		len = Min(len, doc->nbcap);
	}
	t = &doc->toks[doc->ntoks++];
	memset(t, 0, sizeof(*t));
	t->kind = kind;
	t->off = doc->nlen;
	t->len = Min(len, PG_UINT16_MAX);
	for (int i = 0; i < t->len; i++)
		doc->nb[doc->nlen++] = SocialLowerAscii((unsigned char) src[i]);
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
		for (int k = 0; k < ((j - i >= 3 && SocialIsAlpha((unsigned char) s[i])) ? keep : j - i); k++)
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
		if (i > 0 && SocialIsAlpha(c) && SocialLowerAscii(c) == SocialLowerAscii((unsigned char) s[i - 1]))
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

/* Emit a word (or a hashtag's words) from cleaned bytes [start, end) */
static void
EmitWord(SocialDoc *doc, int start, int end, bool hashtag)
{
	const char *s = doc->cb + start;
	int			len = end - start;
	SocialToken *t = AddToken(doc, TK_WORD, s, len);
	int			ends[SOCIAL_MAX_SEGMENT];
	char		word[SOCIAL_MAX_SEGMENT];
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
	n = SocialSegmentHashtag(doc->nb + t->off, t->len, ends);
	if (n == 0 && t->len == len)
		n = SocialCamelSplit(s, len, ends);
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

	if (len >= 4 && SocialLowerAscii(s[0]) == 'w' && SocialLowerAscii(s[1]) == 'w' &&
		SocialLowerAscii(s[2]) == 'w' && s[3] == '.')
		return true;
	for (const char *c = memchr(s, ':', len); c != NULL;
		 c = memchr(c + 1, ':', len - (c + 1 - s)))
		if (c - s + 2 < len && c[1] == '/' && c[2] == '/')
			return true;
	/* bit.ly/xyz, pic.twitter.com/xyz: a dotted host name before a slash */
	slash = memchr(s, '/', len);
	if (slash != NULL && slash - s >= 4)
	{
		const char *dot = memchr(s, '.', slash - s);

		return dot != NULL && dot > s && slash - dot >= 3 &&
			SocialIsAlpha((unsigned char) dot[1]) && SocialIsAlnum((unsigned char) dot[-1]);
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
	uint32		hash[SOCIAL_MAX_KEY + 1];	/* hash[l]: the hash of buf[0..l) */
	bool		symbol[SOCIAL_MAX_KEY + 1]; /* symbol[l]: s[0..l) has a non-word byte */
	const char *s = doc->cb + i;
	int			maxl = Min(SocialMaxEmoticon(), end - i);
	int			minl = whole ? end - i : 2;

	if (maxl < 2 || maxl < minl ||
		!SocialEmoticonStart(SocialLowerAscii((unsigned char) s[0]),
							 SocialLowerAscii((unsigned char) s[1])))
		return 0;
	/* lowercase and hash every prefix in one pass, not once per length tried */
	hash[0] = SOCIAL_HASH_INIT;
	symbol[0] = false;
	for (int k = 0; k < maxl; k++)
	{
		buf[k] = SocialLowerAscii((unsigned char) s[k]);
		hash[k + 1] = SocialHashStep(hash[k], buf[k]);
		symbol[k + 1] = symbol[k] ||
			(!SocialIsAlnum((unsigned char) s[k]) && s[k] != '\'' && s[k] != '-');
	}
	for (int l = maxl; l >= minl; l--)
	{
		const SocialEntry *e;
		bool		alnum_end = SocialIsAlnum((unsigned char) s[l - 1]);

		if (!symbol[l])
			continue;			/* a word, not an emoticon */
		e = SocialLookupWordHashed(buf, l, hash[l]);
		if (e == NULL || !e->has_valence)
			continue;
		/* ":D" must not be the start of ":Does"; a word before ":)" is fine */
		if (alnum_end && i + l < end && SocialIsAlnum((unsigned char) s[l]))
			continue;
		if (SocialIsAlnum((unsigned char) s[0]) && i > chunk_start)
			continue;
		/* the ")" closing "(see above)" is not a frown */
		if (doc->paren > 0 && (s[0] == ')' || s[0] == ']' ||
							   (SocialIsAlnum((unsigned char) s[0]) && s[l - 1] == ')')))
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
		bool		inner = j > w && j + 1 < end && SocialIsAlnum((unsigned char) cb[j - 1]);

		if (IsLetterCodePoint(jc) ||
			((jc == '\'' || jc == '-') && inner && SocialIsAlnum((unsigned char) cb[j + 1])) ||
			(jc == '.' && inner && SocialIsDigit((unsigned char) cb[j + 1])))
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
	int64		next_check = start + TEXT_INTERRUPT_INTERVAL;

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

		TextCheckInterrupts(i, &next_check);
		if (c == '@' && i + 1 < end && (SocialIsAlnum((unsigned char) cb[i + 1]) || cb[i + 1] == '_'))
		{
			for (i++; i < end && (SocialIsAlnum((unsigned char) cb[i]) || cb[i] == '_'); i++)
				;
			continue;
		}
		if (IsLetterCodePoint(cp) || (c == '#' && i + 1 < end && SocialIsAlnum((unsigned char) cb[i + 1])))
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
void
SocialTokenize(SocialDoc *doc)
{
	int			i = 0;
	int64		next_check = TEXT_INTERRUPT_INTERVAL;

	while (i < doc->clen)
	{
		int			j;

		TextCheckInterrupts(i, &next_check);
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
		/* the cleaned text has no NUL before its end (control characters became spaces) */
		j = i + strcspn(doc->cb + i, " \t\n");
		TokenizeChunk(doc, i, j);
		i = j;
	}
}
