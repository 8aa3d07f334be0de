/*
 * sentiment_textblob.h
 *		Internal API of the 'textblob' analyzer shared with the lexicon cache
 *		(lexicon.c): the lowercasing that TextBlob applies to every token.
 */
#ifndef SENTIMENT_TEXTBLOB_H
#define SENTIMENT_TEXTBLOB_H

/* Longest lexicon word in bytes after lowercasing (100 characters of at most 4 bytes) */
#define TEXTBLOB_MAX_KEY 400

/*
 * Lowercase a UTF-8 word as Python's str.lower() does; out needs room for
 * 3 * len / 2 + 4 bytes.  Returns the bytes written; *ncp receives the number
 * of code points of the result (Python's len() of the lowercased word).
 */
extern int	TextBlobLower(const char *s, int len, char *out, int *ncp);

#endif							/* SENTIMENT_TEXTBLOB_H */
