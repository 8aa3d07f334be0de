/*
 * langdetect.h
 *		The language of a tweet (CLD2 behind langdetect_cld2.cpp) and the
 *		mapping from ISO 639-1 codes to the Snowball stemmers tweetlda uses.
 *
 * Typical use from C (the tokenizer's language => 'auto'):
 *
 *		LangDetection ld;
 *		const char *stemmer = NULL;
 *
 *		if (DetectTweetLanguage(VARDATA_ANY(t), VARSIZE_ANY_EXHDR(t), false, &ld))
 *			stemmer = LanguageForIsoCode(ld.code);	   (NULL: no stemmer)
 *
 * Both run in the backend's thread only (CHECK_FOR_INTERRUPTS, ereport on
 * out of memory); neither allocates with palloc.
 */
#ifndef LANGDETECT_H
#define LANGDETECT_H

/*
 * Bytes of cleaned text (URLs, mentions, RT and entities removed) given to
 * CLD2: a tweet has at most 280 characters (1,120 bytes), so this bounds the
 * detector's work on hostile input without changing any real tweet's answer.
 */
#define LANGDETECT_MAX_BYTES	4096

/* Bytes of LangDetection.code, with its NUL */
#define LANGDETECT_CODE_SIZE	8

/* The detected language of one text */
typedef struct LangDetection
{
	char		code[LANGDETECT_CODE_SIZE];	/* ISO 639-1 code ("en"), or "" when none */
	int			percent;		/* share (0..100) of the letters in that language */
	bool		reliable;		/* CLD2 deems it reliable (only with check_reliable) */
} LangDetection;

/*
 * Detect the language of a tweet (UTF-8): CLD2's best guess; false (code "")
 * when the text has no letters.  check_reliable sets result->reliable, at the
 * cost of a second CLD2 run.
 */
extern bool DetectTweetLanguage(const char *text, int len, bool check_reliable,
								LangDetection *result);

/* The libstemmer algorithm ("english") for an ISO 639-1 code ("en", "pt-BR"), or NULL */
extern const char *LanguageForIsoCode(const char *iso);

#endif							/* LANGDETECT_H */
