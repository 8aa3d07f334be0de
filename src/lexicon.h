/*
 * lexicon.h
 *		The pattern sentiment lexicon (table tweetlda.sentiment_lexicon) as a
 *		backend-local hash of lowercased words, built the way TextBlob builds it
 *		from en-sentiment.xml: senses averaged per part of speech, parts of speech
 *		averaged per word, "-ly" adverbs derived from adjectives.
 */
#ifndef LEXICON_H
#define LEXICON_H

typedef struct LexiconEntry
{
	const char *word;			/* lowercased, not NUL-terminated */
	int32		len;			/* bytes of word */
	uint32		hash;
	double		polarity;		/* averages over the word's parts of speech */
	double		subjectivity;
	double		intensity;
	bool		modifier;		/* has an adverb (RB) sense: it modifies the next word */
} LexiconEntry;

/* Load the lexicon when this backend has none or the table changed */
extern void LexiconEnsureLoaded(void);

/* Look up a lowercased word; NULL when it is not in the lexicon */
extern const LexiconEntry *LexiconLookup(const char *word, int len);

#endif							/* LEXICON_H */
