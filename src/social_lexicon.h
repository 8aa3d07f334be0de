/*
 * social_lexicon.h
 *		The lexicons of the 'social' sentiment analyzer: the user-editable tables
 *		tweetlda.social_lexicon (words, slang, emoticons, phrases) and
 *		tweetlda.social_emoji, merged with the built-in word classes (negators,
 *		boosters, contrast conjunctions, ...) into one hash per backend.
 */
#ifndef SOCIAL_LEXICON_H
#define SOCIAL_LEXICON_H

/* Word classes (bits of SocialEntry.cls) */
#define SC_NEGATOR		0x0001	/* not, never, n't words, without, ... */
#define SC_BOOSTER		0x0002	/* very, so, kinda, ...: SocialEntry.boost */
#define SC_CONTRAST		0x0004	/* but, however: the clause after it dominates */
#define SC_CONCESSIVE	0x0008	/* although, though, despite: its clause is weakened */
#define SC_SCOPE_END	0x0010	/* and, because, when, ...: ends a negation scope */
#define SC_PRONOUN		0x0020	/* subject pronouns: "I like" is the verb like */
#define SC_DETERMINER	0x0040	/* this, what, any, ...: "what kind" is the noun kind */
#define SC_MODAL		0x0080	/* should, could, would: "should have been good" */
#define SC_FUNCTION		0x0100	/* common function word (hashtag segmentation) */
#define SC_SARCASM		0x0200	/* #sarcasm, #not: flips a positive text */
#define SC_PHRASE_HEAD	0x0400	/* first word of a phrase in the lexicon */
#define SC_LAUGH		0x0800	/* lol, haha: laughter */
#define SC_SURPRISE		0x1000	/* wow, omg: takes the polarity of what it reacts to */
#define SC_DESIRE		0x2000	/* want, need, hope: what follows is not (yet) real */

#define SOCIAL_MAX_KEY	100		/* longest token looked up, in bytes */

typedef struct SocialEntry
{
	const char *key;			/* normalized token, not NUL-terminated */
	uint32		hash;
	uint16		len;
	uint16		cls;			/* SC_* bits */
	bool		has_valence;	/* listed in the lexicon table */
	uint8		phrase_words;	/* SC_PHRASE_HEAD: most words of its phrases */
	float		valence;		/* -4 .. 4 when has_valence */
	float		boost;			/* booster (> 0) or dampener (< 0) scalar */
} SocialEntry;

/* Load the lexicons when they are missing or their tables changed (and SocialCtype) */
extern void SocialLexiconEnsureLoaded(void);

/*
 * The classes of single bytes under the backend's LC_CTYPE (isalnum(), isalpha(),
 * isdigit(), isupper(), islower()), read once by SocialLexiconEnsureLoaded():
 * the analyzer tests every byte, and each libc call looked up the locale's table.
 */
#define SCT_ALNUM	0x01
#define SCT_ALPHA	0x02
#define SCT_DIGIT	0x04
#define SCT_UPPER	0x08
#define SCT_LOWER	0x10

extern uint8 SocialCtype[256];

/* True when byte c has any of the classes cls (SCT_* bits) */
static inline bool
SocialByteIs(unsigned char c, uint8 cls)
{
	return (SocialCtype[c] & cls) != 0;
}

#define SocialIsAlnum(c)	SocialByteIs((c), SCT_ALNUM)
#define SocialIsAlpha(c)	SocialByteIs((c), SCT_ALPHA)
#define SocialIsDigit(c)	SocialByteIs((c), SCT_DIGIT)
#define SocialIsUpper(c)	SocialByteIs((c), SCT_UPPER)
#define SocialIsLower(c)	SocialByteIs((c), SCT_LOWER)

/* ASCII lowercase (pg_ascii_tolower(), inlined) */
static inline char
SocialLowerAscii(unsigned char c)
{
	return (char) ((c >= 'A' && c <= 'Z') ? c + ('a' - 'A') : c);
}

#define SOCIAL_HASH_INIT 2166136261u

/* One step of the FNV-1a hash of the lexicon keys */
static inline uint32
SocialHashStep(uint32 h, char c)
{
	return (h ^ (uint8) c) * 16777619u;
}

/* Look up a normalized word, emoticon or phrase; NULL when unknown */
extern const SocialEntry *SocialLookupWord(const char *key, int len);

/* The same, with the key's hash already computed by SocialHashStep */
extern const SocialEntry *SocialLookupWordHashed(const char *key, int len, uint32 hash);

/* Longest emoji at s (at most len bytes); its byte length in *matched, or NULL */
extern const SocialEntry *SocialLookupEmoji(const char *s, int len, int *matched);

/* True when bytes c1 c2 (lowercased) start some emoticon of the lexicon */
extern bool SocialEmoticonStart(unsigned char c1, unsigned char c2);

/* True when code point cp starts some emoji of the emoji table */
extern bool SocialEmojiStart(uint32 cp);

/* Longest emoticon in the lexicon, in bytes; most words in a phrase */
extern int	SocialMaxEmoticon(void);
extern int	SocialMaxPhraseWords(void);

extern void SocialLexiconInit(void);

#endif							/* SOCIAL_LEXICON_H */
