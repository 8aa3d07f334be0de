/*
 * textlang.h
 *		The language of each tweet for the text configuration's
 *		language => 'auto' (and its "languages" restriction): a fixed table of
 *		languages, indexed from 0 ("und", unknown), each with its ISO 639-1
 *		code and the name under which tweetlda.stopwords and libstemmer know
 *		it; sets of languages as bitmaps over that table.
 *
 * Typical use (the tokenizer):
 *
 *		int lang = TextLangOfTweet(text, len, iso, isolen);   (iso NULL: detect)
 *		const char *name = TextLangName(lang);		   ("spanish"; "" for und)
 */
#ifndef TEXTLANG_H
#define TEXTLANG_H

#define TEXTLANG_UNKNOWN	0		/* "und": no language known */
#define TEXTLANG_MAX		128		/* languages in the table (a TextLangSet holds them all) */

/* A set of languages of the table */
typedef struct TextLangSet
{
	uint64		bits[TEXTLANG_MAX / 64];
} TextLangSet;

/* Number of languages in the table (indexes 0 .. TextLangCount() - 1) */
extern int	TextLangCount(void);

/*
 * The language of a code as Twitter's lang field or an ISO 639-1 code gives
 * it ("en", "pt-BR", "in", "iw"): lowercased primary subtag, legacy codes
 * mapped; TEXTLANG_UNKNOWN for "und", "zxx", Twitter's "q.." codes (media,
 * hashtags only, ...), and codes the table does not have; -1 when the code is
 * not of the form of a language code (2 or 3 letters, optionally -region).
 */
extern int	TextLangFromCode(const char *code, int len);

/* The language of a tweet: its lang field when given (non-NULL, non-empty), else detected */
extern int	TextLangOfTweet(const char *text, int len, const char *iso, int isolen);

/* The canonical ISO code of a language ("und" for TEXTLANG_UNKNOWN) */
extern const char *TextLangCode(int lang);

/* The stopword list and stemmer name of a language ("english"); "" for TEXTLANG_UNKNOWN */
extern const char *TextLangName(int lang);

/* The language whose stopword list name is name, or -1 */
extern int	TextLangFromName(const char *name);

/* Set operations */
static inline void
TextLangSetAdd(TextLangSet *s, int lang)
{
	s->bits[lang / 64] |= UINT64CONST(1) << (lang % 64);
}

static inline bool
TextLangSetHas(const TextLangSet *s, int lang)
{
	return (s->bits[lang / 64] >> (lang % 64)) & 1;
}

static inline void
TextLangSetUnion(TextLangSet *dst, const TextLangSet *src)
{
	for (int i = 0; i < TEXTLANG_MAX / 64; i++)
		dst->bits[i] |= src->bits[i];
}

static inline bool
TextLangSetEmpty(const TextLangSet *s)
{
	for (int i = 0; i < TEXTLANG_MAX / 64; i++)
		if (s->bits[i] != 0)
			return false;
	return true;
}

static inline bool
TextLangSetEqual(const TextLangSet *a, const TextLangSet *b)
{
	for (int i = 0; i < TEXTLANG_MAX / 64; i++)
		if (a->bits[i] != b->bits[i])
			return false;
	return true;
}

/* The codes of a set (table order, "und" last) into codes[]; returns how many */
extern int	TextLangSetCodes(const TextLangSet *s, const char **codes);

/* "en, es, und": the set's codes in the order above, for messages */
extern char *TextLangSetToString(const TextLangSet *s);

#endif							/* TEXTLANG_H */
