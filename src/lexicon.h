/*
 * lexicon.h
 *		The pattern sentiment lexicon (table tweetlda.sentiment_lexicon) as a
 *		backend-local hash of lowercased words, built the way TextBlob builds it
 *		from en-sentiment.xml: senses averaged per part of speech, parts of speech
 *		averaged per word, "-ly" adverbs derived from adjectives.
 */
#ifndef LEXICON_H
#define LEXICON_H

/* Longest lexicon word in bytes after lowercasing (100 characters of at most 4 bytes) */
#define LEXICON_MAX_KEY 400

typedef struct LexiconEntry
{
	const char *word;			/* lowercased, not NUL-terminated */
	int32		len;			/* bytes of word */
	uint32		hash;
	double		polarity;		/* averages over the word's parts of speech */
	double		subjectivity;
	double		intensity;
	bool		modifier;		/* has an adverb (RB) sense: it modifies the next word */
	const char *label;			/* pattern's label ("profanity") or NULL */
} LexiconEntry;

/* Hash of a lowercased word (FNV-1a with a final mix; computed while lowercasing tokens) */
static inline uint32
LexiconHashStep(uint32 h, unsigned char c)
{
	return (h ^ c) * 16777619u;
}

#define LEXICON_HASH_INIT 2166136261u

/* Finish a hash computed with LexiconHashStep */
static inline uint32
LexiconHashFinish(uint32 h)
{
	h ^= h >> 15;
	h *= 0x2c1b3c6du;
	h ^= h >> 12;
	return h;
}

/* Hash a whole lowercased word */
static inline uint32
LexiconHash(const char *s, int len)
{
	uint32		h = LEXICON_HASH_INIT;

	for (int i = 0; i < len; i++)
		h = LexiconHashStep(h, (unsigned char) s[i]);
	return LexiconHashFinish(h);
}

/* Load the lexicon when this backend has none or the table changed */
extern void LexiconEnsureLoaded(void);

/* Look up a lowercased word with its LexiconHash(); NULL when it is not in the lexicon */
extern const LexiconEntry *LexiconLookup(const char *word, int len, uint32 hash);

#endif							/* LEXICON_H */
