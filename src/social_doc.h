/*
 * social_doc.h
 *		The document model of the 'social' analyzer, shared by its stages:
 *
 *		social_clean.c     1. a cleaned copy of the text (entities, folding)
 *		social_tokenize.c  2. tokens: words, hashtags, emoticons, emoji, marks
 *		social_hashtag.c      (hashtag segmentation)
 *		social_rules.c     3. the valence of each sentiment token in its clause
 *		social_score.c     4. phrases, sentences, contrast, surprise, the sum
 *		sentiment_social.c    the analyzer: the stages over one text
 *		social_explain.c      tweetlda.social_explain(): the tokens and rules
 *
 * Every stage is linear in the length of the text: look-arounds are bounded
 * windows, and contrast and concession apply once per sentence.
 */
#ifndef SOCIAL_DOC_H
#define SOCIAL_DOC_H

#include "sentiment.h"
#include "social_lexicon.h"

/* Token kinds */
#define TK_WORD			1
#define TK_EMOTICON		2		/* emoticon or emoji */
#define TK_PUNCT		3
#define TK_ABSORBED		4		/* a later word of a lexicon phrase */

/* Token flags */
#define TF_CAPS			0x01	/* ALL CAPS, two letters or more */
#define TF_ELONG		0x02	/* a letter repeated three times or more */
#define TF_HASHTAG		0x04
#define TF_LETTERS		0x08	/* two letters or more: counts for the caps differential */
#define TF_EMOJI		0x10

/* Rules applied to a token (shown by tweetlda.social_explain) */
#define R_NEGATED		0x0001
#define R_BOOSTED		0x0002
#define R_DAMPENED		0x0004
#define R_CAPS			0x0008
#define R_ELONGATED		0x0010
#define R_BEFORE_BUT	0x0020
#define R_AFTER_BUT		0x0040
#define R_CONCESSION	0x0080
#define R_COUNTERFACT	0x0100
#define R_LAUGH_SOFT	0x0200
#define R_MODIFIER		0x0400	/* its own valence is not counted: it modifies */
#define R_PHRASE		0x0800
#define R_LEAST			0x1000
#define R_NEVER_SO		0x2000
#define R_NOT_VERB		0x4000	/* "like" as a preposition, "kind" as a noun */
#define R_IRREALIS		0x8000	/* in a question, a wish or a condition */
#define R_SURPRISE		0x10000	/* an interjection of surprise takes the text's sign */

typedef struct SocialToken
{
	int32		off;			/* normalized form at doc->nb + off */
	uint16		len;
	uint8		kind;
	uint8		flags;
	char		punct;			/* TK_PUNCT: '.', ',', '!', ... */
	uint8		run;			/* TK_PUNCT: how many marks in a row (at most 255) */
	uint16		cls;			/* TokClass(), set by stage 4 (SetTokenClasses) */
	uint32		rules;
	const SocialEntry *entry;	/* lexicon entry or NULL */
	float		valence;		/* contribution after the rules */
	float		weight;			/* contrast weight */
	int32		sstart;			/* first token of its sentence */
	int32		send;			/* its sentence's end mark (or ntoks) */
} SocialToken;

typedef struct SocialDoc
{
	char	   *cb;				/* cleaned text, NUL-terminated */
	int			clen;
	char	   *nb;				/* normalized token bytes */
	int			nlen;
	int			nbcap;			/* size of nb */
	SocialToken *toks;
	int			ntoks;
	int			maxtoks;
	int			nexcl;			/* "!" count */
	int			nquest;			/* "?" count */
	int			paren;			/* open parentheses seen */
	bool		sarcasm;
	bool		cap_diff;		/* some but not all words are ALL CAPS */
	bool		fixed;			/* scratch buffers: never grown (SocialAnalyzeScratch) */
	bool		overflow;		/* fixed buffers would have overflowed: discard the result */
} SocialDoc;

/* Longest hashtag that is segmented into words, in bytes */
#define SOCIAL_MAX_SEGMENT 40

/* Stage 1: copy text into doc->cb, entities decoded, punctuation folded, bad bytes blanked */
extern void SocialCleanText(SocialDoc *doc, const char *text, int len);

/* Stage 2: split the cleaned text into tokens */
extern void SocialTokenize(SocialDoc *doc);

/* Split a hashtag into known words; the number of pieces (0: none) and their ends */
extern int	SocialSegmentHashtag(const char *w, int len, int *ends);

/* Split a hashtag at its case changes when a part is a sentiment word; the parts (0: none) */
extern int	SocialCamelSplit(const char *s, int len, int *ends);

/* Stage 3: the valence of sentiment token i after the rules of its clause */
extern double SocialScoreToken(SocialDoc *doc, int i);

/* Stage 4: score every token, then apply contrast weights and laughter softening */
extern void SocialScoreTokens(SocialDoc *doc);

/* Sum the contributions into polarity and intensity */
extern void SocialSummarize(SocialDoc *doc, SentimentScore *out);

/* Sum the contributions into polarity and intensity; false (out unset) when not finite */
extern bool SocialSummarizeSums(const SocialDoc *doc, SentimentScore *out);

/* Raise the error of sums that are not finite */
extern void SocialNonFiniteSum(void) pg_attribute_noreturn();

/* Clean, tokenize and score one text (len > 0); SocialFreeDoc() frees its buffers */
extern void SocialAnalyzeDoc(SocialDoc *doc, const char *text, int len);
extern void SocialFreeDoc(SocialDoc *doc);

/*
 * Buffers in which texts of at most SOCIAL_SCRATCH_MAX bytes are analyzed
 * without allocating.  That bound is below TEXT_INTERRUPT_INTERVAL, so no
 * stage reaches an interrupt check either, and a text has at most one token
 * per byte, so the token array never grows (were it to, doc->overflow is set
 * instead and the result must be discarded): SocialAnalyzeScratch() calls no
 * PostgreSQL function and may run in a helper thread (helper_thread.h) once
 * SocialLexiconEnsureLoaded() has run in the backend.
 */
#define SOCIAL_SCRATCH_MAX 4096

typedef struct SocialScratch
{
	char		cb[SOCIAL_SCRATCH_MAX + 1];
	char		nb[SOCIAL_SCRATCH_MAX + 16];
	SocialToken toks[SOCIAL_SCRATCH_MAX + 2];
} SocialScratch;

/* Clean, tokenize and score a text of 1 .. SOCIAL_SCRATCH_MAX bytes in scratch buffers */
extern void SocialAnalyzeScratch(SocialDoc *doc, SocialScratch *scratch, const char *text, int len);

/* True when token i is the word w */
static inline bool
TokIs(const SocialDoc *doc, int i, const char *w)
{
	const SocialToken *t;
	int			l = strlen(w);

	if (i < 0 || i >= doc->ntoks)
		return false;
	t = &doc->toks[i];
	return t->kind == TK_WORD && t->len == l && memcmp(doc->nb + t->off, w, l) == 0;
}

/* Word classes of token t (0 for non-words and unknown words), from its entry */
static inline uint16
TokEntryClass(const SocialToken *t)
{
	return (t->kind == TK_WORD && t->entry != NULL) ? t->entry->cls : 0;
}

/* Word classes of token i, as stage 4 recorded them (0 outside the text) */
static inline uint16
TokClass(const SocialDoc *doc, int i)
{
	if (i < 0 || i >= doc->ntoks)
		return 0;
	return doc->toks[i].cls;
}

/* True when token i ends a clause: punctuation, a contrast or a new clause */
static inline bool
ClauseBreak(const SocialDoc *doc, int i)
{
	if (doc->toks[i].kind == TK_PUNCT)
		return true;
	return (TokClass(doc, i) & (SC_CONTRAST | SC_CONCESSIVE | SC_SCOPE_END)) != 0;
}

/* True when token i has a lexicon valence (a sentiment word, emoticon or emoji) */
static inline bool
HasValence(const SocialDoc *doc, int i)
{
	const SocialToken *t = &doc->toks[i];

	return (t->kind == TK_WORD || t->kind == TK_EMOTICON) &&
		t->entry != NULL && t->entry->has_valence && t->entry->valence != 0;
}

#endif							/* SOCIAL_DOC_H */
