/*
 * textconf.h
 *		The text configuration (how a tweet becomes tokens) and the tokenizer
 *		that applies it.  Training and scoring must tokenize identically, so a
 *		model stores its TextConfig (TextConfigSerialize, which includes a
 *		snapshot of the stopword list) and rebuilds the tokenizer from it at
 *		scoring time (TextConfigDeserialize, TokenizerCreate) with no table
 *		access.
 *
 * Typical use from C:
 *
 *		TextConfig *cfg = TextConfigFromJsonb(jb);	   (or TextConfigDefault("english"))
 *		Tokenizer  *tok = TokenizerCreate(cfg);		   (in a long-lived context)
 *		TokenizeText(tok, VARDATA_ANY(t), VARSIZE_ANY_EXHDR(t), my_sink, my_arg);
 *
 * Memory: every function allocates in CurrentMemoryContext.  A Tokenizer owns
 * a Snowball stemmer (malloc'ed by libstemmer) that is freed by a reset
 * callback of the context it was created in.
 *
 * Threads: none of this is thread-safe (palloc, ereport, and a Tokenizer
 * mutates its stemmer and memo): call it from the backend's own thread only.
 * Parallel workers are processes and may each build their own Tokenizer.
 */
#ifndef TEXTCONF_H
#define TEXTCONF_H

#include "fmgr.h"
#include "lib/stringinfo.h"
#include "utils/array.h"
#include "utils/jsonb.h"

#include "textlang.h"

/* Limits, enforced by every entry point */
#define TEXTCONF_MAX_LANGUAGE	31		/* bytes of a libstemmer algorithm name */
#define TEXTCONF_MAX_TOKEN_LEN	255		/* max_length can not exceed this */
#define TEXTCONF_MAX_STOPWORDS	100000	/* stopwords in one snapshot */
#define TEXTCONF_MAX_WORD_BYTES 1024	/* bytes of one stopword */

/* Language whose stopword rows are the tweet noise words (rt, amp, via, http...) */
#define TEXTCONF_NOISE_LANGUAGE "twitter"

/* The language of the configurations that tokenize each tweet in its own language */
#define TEXTCONF_AUTO_LANGUAGE	"auto"

/* Bound of an auto snapshot: languages with a stopword list (the words count in MAX_STOPWORDS) */
#define TEXTCONF_MAX_SECTIONS	TEXTLANG_MAX

/* Defaults of tweetlda.text_config() */
#define TEXTCONF_DEFAULT_LANGUAGE	TEXTCONF_AUTO_LANGUAGE	/* 0.1.0: "english" */
#define TEXTCONF_DEFAULT_MIN_LENGTH 2
#define TEXTCONF_DEFAULT_MAX_LENGTH 40

/* The stopwords of one language in the snapshot of an auto configuration */
typedef struct TextConfigSection
{
	int			lang;			/* index in the textlang.h table */
	int32		nwords;
	char	  **words;			/* sorted, unique */
} TextConfigSection;

typedef struct TextConfig
{
	char		language[TEXTCONF_MAX_LANGUAGE + 1];	/* libstemmer algorithm, or "auto" */
	int32		min_length;		/* final tokens with fewer characters are dropped */
	int32		max_length;		/* final tokens with more characters are dropped */
	bool		stopwords;		/* remove the language's stopwords */
	bool		noise_words;	/* remove the tweet noise words ('twitter' set) */
	bool		stem;			/* apply the language's Snowball stemmer */
	bool		split_hashtags; /* #MachineLearning -> machine, learning */

	/*
	 * language "auto": each tweet is tokenized with its own language's
	 * stopwords and stemmer (its lang field, else the detected language).
	 * restrict_languages: tweets of other languages than these give no token
	 * (for any language setting; the language is then resolved per tweet).
	 */
	bool		auto_language;
	bool		restrict_languages;
	TextLangSet languages;

	/*
	 * Stopword snapshot: when has_snapshot is true, the tokenizer uses exactly
	 * these words (sorted, unique; stopwords and noise words together) and
	 * never reads tweetlda.stopwords.  When false, the tokenizer reads the
	 * current contents of the table (cached per backend).  For an auto
	 * configuration words holds the noise words only and sections the
	 * stopwords of every language that has a list (when stopwords is set).
	 */
	bool		has_snapshot;
	int32		nwords;
	char	  **words;
	int32		nsections;
	TextConfigSection *sections;
} TextConfig;

typedef struct Tokenizer Tokenizer;

/* Receives each token: UTF-8 bytes, not NUL-terminated, valid during the call */
typedef void (*TokenSink) (void *arg, const char *tok, int len);

/*
 * Receives each token with its surface form: the word as the text wrote it,
 * lowercased, before stopword removal and stemming (form, formlen, valid
 * during the call); hashtag is true when the form is a whole hashtag (written
 * with '#', not split), which a reader shows as "#form".
 */
typedef void (*TokenFormSink) (void *arg, const char *tok, int len,
							   const char *form, int formlen, bool hashtag);

/* The default configuration of a language (error if the language is unknown) */
extern TextConfig *TextConfigDefault(const char *language);

/* Parse and validate the jsonb form (text_config()); missing keys take defaults */
extern TextConfig *TextConfigFromJsonb(Jsonb *jb);

/* The complete jsonb form: the options only, not the stopword snapshot */
extern Jsonb *TextConfigToJsonb(const TextConfig *cfg);

/* Copy the current stopwords (table cache) into cfg; a no-op if it has a snapshot */
extern void TextConfigTakeSnapshot(TextConfig *cfg);

/*
 * The same for a snapshot that leaves the backend (frozen form, model): also
 * checks that the user may SELECT from tweetlda.stopwords (tokenizing with the
 * table's words needs no privilege; copying the list out does).
 */
extern void TextConfigExportSnapshot(TextConfig *cfg);

/*
 * Append the self-contained binary form, with the stopword snapshot (taken
 * from the table now by TextConfigExportSnapshot if cfg has none), to buf; this is what
 * tweetlda.text_config_freeze() returns.  TextConfigDeserialize checks every
 * byte (ERRCODE_INVALID_BINARY_REPRESENTATION, never a crash) and returns a
 * configuration with has_snapshot set.
 */
extern void TextConfigSerialize(StringInfo buf, const TextConfig *cfg);
extern TextConfig *TextConfigDeserialize(const char *data, Size len);

/* Languages: error (INVALID_PARAMETER_VALUE, hint lists them) unless known */
extern const char *CheckLanguage(const char *language);

/* The same, also accepting "auto" (the language of a text configuration) */
extern const char *CheckConfigLanguage(const char *language);

/*
 * Prepare a tokenizer (stemmer, stopword hash, memo) in CurrentMemoryContext.
 * With a snapshot it never reads the table; without one it uses the table's
 * current stopwords (and TokenizerForCall rebuilds it when they change).
 * Errors if the database encoding is not UTF8.
 */
extern Tokenizer *TokenizerCreate(const TextConfig *cfg);

/*
 * Tokenize len bytes of UTF-8 text, calling sink once per token, in order.
 * An auto (or language-restricted) tokenizer detects the tweet's language.
 */
extern void TokenizeText(Tokenizer *tok, const char *text, int len,
						 TokenSink sink, void *arg);

/* The same, handing each token's surface form too (TokenFormSink) */
extern void TokenizeTextForms(Tokenizer *tok, const char *text, int len,
							  TokenFormSink sink, void *arg);
/* What TokenizeTweet did besides tokenizing */
#define TOKENIZE_NO_LANGUAGE	(-1)	/* the configuration needs no language */
#define TOKENIZE_SKIPPED		(-2)	/* the language is not allowed: no token */

/*
 * Tokenize a tweet whose lang field is iso (isolen bytes; NULL or empty:
 * detect the language when the configuration needs it).  Returns the
 * tweet's language (a textlang.h index) when the configuration resolved it,
 * TOKENIZE_NO_LANGUAGE for a fixed language without restriction, or
 * TOKENIZE_SKIPPED when the configuration's languages exclude the tweet.
 */
extern int	TokenizeTweet(Tokenizer *tok, const char *text, int len,
						  const char *iso, int isolen, TokenSink sink, void *arg);

/* The same, handing each token's surface form too (TokenFormSink) */
extern int	TokenizeTweetForms(Tokenizer *tok, const char *text, int len,
							   const char *iso, int isolen, TokenFormSink sink, void *arg);

/* True when the configuration looks at each tweet's language */
static inline bool
TextConfigNeedsLanguage(const TextConfig *cfg)
{
	return cfg->auto_language || cfg->restrict_languages;
}

/* Replace the configuration's language restriction with langs (in its binary form) */
extern void TextConfigRestrictSerialized(StringInfo buf, const TextLangSet *langs);

/* Parse a language list (ISO codes) into a set; error on an unknown code */
extern void TextLangSetFromCodes(TextLangSet *set, char **codes, int n, const char *what);

/* Tokenize into a text[] (empty array when no token is left) */
extern ArrayType *TokenizeToArray(Tokenizer *tok, const char *text, int len);

/* A tokenizer cached in flinfo->fn_extra, rebuilt when cfg or the stopwords change */
extern Tokenizer *TokenizerForCall(FmgrInfo *flinfo, const TextConfig *cfg);

/* Changes whenever the stopword cache is reloaded (reloads it first if stale) */
extern uint64 StopwordsGeneration(void);

/*
 * Stopwords of tweetlda.stopwords for one language, from the cache as the last
 * StopwordsGeneration() left it (it never reloads): call that first; the array
 * is valid until the next StopwordsGeneration().
 */
extern char **StopwordsLookup(const char *language, int *nwords);

/* Error (INSUFFICIENT_PRIVILEGE) unless the current user may SELECT from tweetlda.stopwords */
extern void StopwordsCheckReadable(void);

/* Full Unicode lowercase of UTF-8 text (whatever the database locale), NUL-terminated */
extern char *TextLower(const char *s, int len, int *outlen);

#endif							/* TEXTCONF_H */
