/*
 * sentiment.h
 *		The contract between the sentiment API (sentiment.c) and the analyzers
 *		(sentiment_textblob.c, sentiment_social.c).
 *
 * An analyzer scores one UTF-8 text of len bytes (not NUL-terminated) and fills
 * a SentimentScore: polarity in [-1, 1], subjectivity in [0, 1].  Analyzers may
 * load lexicons lazily (once per backend, again after the lexicon table changes)
 * and must never read outside [text, text + len).
 */
#ifndef SENTIMENT_H
#define SENTIMENT_H

typedef struct SentimentScore
{
	double		polarity;
	double		subjectivity;
} SentimentScore;

typedef void (*SentimentAnalyzeFn) (const char *text, int len, SentimentScore *out);

typedef struct SentimentAnalyzer
{
	const char *name;			/* as passed to tweetlda.sentiment(doc, analyzer) */
	const char *description;	/* one line, shown by tweetlda.analyzers() */
	SentimentAnalyzeFn analyze;
} SentimentAnalyzer;

/* Find an analyzer by name; an unknown name is an error whose hint lists them */
extern const SentimentAnalyzer *SentimentFindAnalyzer(const char *name);

/* The analyzers (each in its own file) */
extern void TextBlobAnalyze(const char *text, int len, SentimentScore *out);
extern void SocialAnalyze(const char *text, int len, SentimentScore *out);

#endif							/* SENTIMENT_H */
