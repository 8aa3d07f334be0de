/*
 * textblob_lower.h
 *		The lowercasing TextBlob applies to every token before the lexicon
 *		lookup (Python's str.lower()), shared by the 'textblob' analyzer and the
 *		lexicon cache, which lowercases the words of the table the same way.
 */
#ifndef TEXTBLOB_LOWER_H
#define TEXTBLOB_LOWER_H

/*
 * Lowercase a UTF-8 word as Python's str.lower() does; out needs room for
 * 3 * len / 2 + 4 bytes.  Returns the bytes written; *ncp receives the number
 * of code points of the result (Python's len() of the lowercased word).
 */
extern int	TextBlobLower(const char *s, int len, char *out, int *ncp);

#endif							/* TEXTBLOB_LOWER_H */
