/*
 * sentiment_social.c
 *		The 'social' sentiment analyzer: a rule-based scorer made for tweets.
 *
 * It starts from the idea of VADER (Hutto & Gilbert 2014: a human-rated
 * valence lexicon plus rules for the words around each sentiment word) and
 * works in four steps over one text:
 *
 *   1. clean: a copy of the text with HTML entities decoded, typographic
 *      apostrophes and spaces folded, control characters and any malformed
 *      UTF-8 turned into spaces (so nothing later can read a partial sequence);
 *   2. tokenize: words, hashtags (segmented when needed), emoticons, emoji and
 *      clause punctuation; @mentions, URLs and "RT" are dropped;
 *   3. score every sentiment token with the rules of its clause: negation
 *      (scope up to the clause end, double negation, "no" as determiner or
 *      interjection, "not only", "never so"), boosters and dampeners, ALL-CAPS
 *      emphasis in mixed-case text, letter elongation, "least", counterfactual
 *      modals and wishes ("should have been", "I wish it was"), irrealis
 *      (questions, desires, conditions), rhetorical negative questions, part of
 *      speech of "like"/"kind"/"well", then contrast ("but": the clause after
 *      it dominates; "although": its clause is weakened), surprise
 *      interjections, laughter as a softener, and sarcasm hashtags;
 *   4. sum, add "!"/"??" emphasis, and normalize: polarity = s / sqrt(s^2 + 15)
 *      (VADER's compound), intensity = a / sqrt(a^2 + 15) where a is the sum of
 *      the absolute contributions.
 *
 * Each step is in its own file (see social_doc.h for the map); this file runs
 * them over one text.  The lexicons come from social_lexicon.c.  Only
 * [text, text + len) is read, and the work is linear in the length of the text
 * whatever its content (every look-around is bounded; contrast and concession
 * apply once per sentence); every loop over the text or its tokens checks for
 * interrupts (text_interrupts.h).
 */
#include "postgres.h"

#include "utils/memutils.h"

#include "sentiment.h"
#include "social_doc.h"
#include "text_interrupts.h"

/* Prepare the buffers of a document for len bytes of text */
static void
InitDoc(SocialDoc *doc, int len)
{
	memset(doc, 0, sizeof(*doc));
	doc->cb = MemoryContextAllocHuge(CurrentMemoryContext, (Size) len + 1);
	doc->nbcap = len + 16;
	doc->nb = MemoryContextAllocHuge(CurrentMemoryContext, (Size) doc->nbcap);
	doc->maxtoks = Min(len / 4 + 64, len + 2);
	doc->toks = palloc(sizeof(SocialToken) * doc->maxtoks);
}

/* Clean, tokenize and score one text */
void
SocialAnalyzeDoc(SocialDoc *doc, const char *text, int len)
{
	SocialLexiconEnsureLoaded();
	InitDoc(doc, len);
	SocialCleanText(doc, text, len);
	SocialTokenize(doc);
	SocialScoreTokens(doc);
}

/* Clean, tokenize and score a text of 1 .. SOCIAL_SCRATCH_MAX bytes in scratch buffers */
void
SocialAnalyzeScratch(SocialDoc *doc, SocialScratch *scratch, const char *text, int len)
{
	StaticAssertStmt(SOCIAL_SCRATCH_MAX < TEXT_INTERRUPT_INTERVAL,
					 "scratch texts must not reach an interrupt check");
	Assert(len > 0 && len <= SOCIAL_SCRATCH_MAX);
	memset(doc, 0, sizeof(*doc));
	doc->cb = scratch->cb;
	doc->nbcap = len + 16;
	doc->nb = scratch->nb;
	doc->maxtoks = len + 2;
	doc->toks = scratch->toks;
	doc->fixed = true;
	SocialCleanText(doc, text, len);
	SocialTokenize(doc);
	SocialScoreTokens(doc);
}

/* Free the buffers of a document */
void
SocialFreeDoc(SocialDoc *doc)
{
	pfree(doc->cb);
	pfree(doc->nb);
	pfree(doc->toks);
}

/* The 'social' analyzer (sentiment.h): polarity in [-1, 1], intensity in [0, 1] */
void
SocialAnalyze(const char *text, int len, SentimentScore *out)
{
	SocialDoc	doc;

	out->polarity = 0;
	out->subjectivity = 0;
	if (len <= 0)
		return;
	SocialAnalyzeDoc(&doc, text, len);
	SocialSummarize(&doc, out);
	SocialFreeDoc(&doc);
}
