/*
 * social_score.c
 *		Stage 4 of the 'social' analyzer (social_doc.h): lexicon phrases merged
 *		into their first word, sentence bounds, every sentiment token scored
 *		(social_rules.c), then contrast ("but": the clause after it dominates),
 *		concession ("although": its clause is weakened), surprise interjections,
 *		laughter as a softener, and the sum: "!"/"??" emphasis, sarcasm
 *		hashtags, and the normalization polarity = s / sqrt(s^2 + 15) (VADER's
 *		compound), intensity = a / sqrt(a^2 + 15) where a is the sum of the
 *		absolute contributions.
 *
 * Linear in the number of tokens: phrases are at most SocialMaxPhraseWords()
 * words, and contrast and concession apply once per sentence.
 */
#include "postgres.h"

#include <math.h>

#include "social_doc.h"
#include "text_interrupts.h"

/* Constants of VADER's rules (empirically derived there from human ratings) */
#define EXCL_INCR		0.292	/* each "!" up to four */
#define QUEST_INCR		0.18	/* each "?" when there are two or three */
#define QUEST_MAX		0.96
#define ALPHA			15.0	/* normalization: s / sqrt(s^2 + ALPHA) */
#define SARCASM_SCALAR	(-0.5)	/* "love mondays #sarcasm" */
#define LAUGH_SOFTENER	0.5		/* "lol" next to other sentiment words */

/*
 * Merge lexicon phrases ("can't stand", "yeah right") into their first word:
 * the longest phrase of the lexicon at each phrase head, tried from the most
 * words its phrases have down to two; the words are joined and hashed once.
 */
static void
MatchPhrases(SocialDoc *doc)
{
	char		buf[SOCIAL_MAX_KEY + 1];
	uint32		hash[PG_UINT8_MAX + 1];	/* hash[k]: of the first k words joined */
	int			ends[PG_UINT8_MAX + 1]; /* ends[k]: their length in buf */
	int64		next_check = TEXT_INTERRUPT_INTERVAL;

	for (int i = 0; SocialMaxPhraseWords() > 1 && i < doc->ntoks; i++)
	{
		int			maxk,
					k,
					n = 0;
		uint32		h = SOCIAL_HASH_INIT;

		TextCheckInterrupts(i, &next_check);
		if (!(TokClass(doc, i) & SC_PHRASE_HEAD))
			continue;
		maxk = Min(doc->toks[i].entry->phrase_words, doc->ntoks - i);
		/* join the words while they are words and fit a key */
		for (k = 0; k < maxk; k++)
		{
			SocialToken *t = &doc->toks[i + k];
			const char *w = doc->nb + t->off;

			if (t->kind != TK_WORD || n + t->len + 1 > SOCIAL_MAX_KEY)
				break;
			if (k > 0)
			{
				buf[n++] = ' ';
				h = SocialHashStep(h, ' ');
			}
			for (int b = 0; b < t->len; b++)
				h = SocialHashStep(h, w[b]);
			memcpy(buf + n, w, t->len);
			n += t->len;
			hash[k + 1] = h;
			ends[k + 1] = n;
		}
		for (; k >= 2; k--)
		{
			const SocialEntry *e = SocialLookupWordHashed(buf, ends[k], hash[k]);

			if (e == NULL || !e->has_valence)
				continue;
			doc->toks[i].entry = e;
			doc->toks[i].cls = TokEntryClass(&doc->toks[i]);
			doc->toks[i].rules |= R_PHRASE;
			for (int j = i + 1; j < i + k; j++)
			{
				doc->toks[j].kind = TK_ABSORBED;
				doc->toks[j].cls = 0;
			}
			i += k - 1;
			break;
		}
	}
}

/* True when token i ends a sentence */
static inline bool
SentenceMark(const SocialDoc *doc, int i)
{
	return doc->toks[i].kind == TK_PUNCT && strchr(".!?\n", doc->toks[i].punct) != NULL;
}

/* Record the sentence bounds of every token, in two linear passes */
static void
FindSentences(SocialDoc *doc)
{
	int			start = 0;
	int			end = doc->ntoks;

	for (int i = 0; i < doc->ntoks; i++)
	{
		doc->toks[i].sstart = start;
		if (SentenceMark(doc, i))
			start = i + 1;
	}
	for (int i = doc->ntoks - 1; i >= 0; i--)
	{
		if (SentenceMark(doc, i))
			end = i;
		doc->toks[i].send = end;
	}
}

/* "but": what comes before it in its sentence counts half, what follows it 1.5 times */
static void
ApplyContrast(SocialDoc *doc, int c)
{
	int			s = doc->toks[c].sstart;
	int			e = doc->toks[c].send;

	if (TokIs(doc, c + 1, "also") || TokIs(doc, c - 1, "nothing") || TokIs(doc, c - 1, "all"))
		return;
	for (int j = s; j < c; j++)
		if (TokIs(doc, j, "not") && (TokIs(doc, j + 1, "only") || TokIs(doc, j + 1, "just")))
			return;
	if (s == c && s > 0)		/* "But ..." opens a sentence: contrast with the last one */
		s = doc->toks[s - 1].sstart;
	for (int j = s; j < c; j++)
	{
		doc->toks[j].weight *= 0.5f;
		doc->toks[j].rules |= R_BEFORE_BUT;
	}
	for (int j = c + 1; j < e; j++)
	{
		doc->toks[j].weight *= 1.5f;
		doc->toks[j].rules |= R_AFTER_BUT;
	}
}

/* "although it rained, we loved it": the concessive clause counts half, the main one more */
static void
ApplyConcession(SocialDoc *doc, int c)
{
	int			e = c + 1;
	int			s = doc->toks[c].sstart;
	int			end = doc->toks[c].send;

	if (e >= doc->ntoks || doc->toks[e].kind == TK_PUNCT)
		return;					/* sentence-final "though": nothing to weaken */
	while (e < end && !(doc->toks[e].kind == TK_PUNCT && strchr(",;", doc->toks[e].punct)))
		e++;
	for (int j = c + 1; j < e; j++)
	{
		doc->toks[j].weight *= 0.5f;
		doc->toks[j].rules |= R_CONCESSION;
	}
	if (s == c)
		for (int j = e; j < end; j++)
		{
			doc->toks[j].weight *= 1.5f;
			doc->toks[j].rules |= R_AFTER_BUT;
		}
}

/* "wow", "omg" react to something: with other sentiment they take its sign, at half strength */
static void
ApplySurprise(SocialDoc *doc)
{
	double		others = 0;
	bool		any = false;

	for (int i = 0; i < doc->ntoks; i++)
	{
		if (TokClass(doc, i) & SC_SURPRISE)
			any = true;
		else
			others += doc->toks[i].valence;
	}
	if (!any || others == 0)
		return;
	for (int i = 0; i < doc->ntoks; i++)
		if ((TokClass(doc, i) & SC_SURPRISE) && doc->toks[i].valence != 0)
		{
			doc->toks[i].valence = (float) (0.5 * fabs(doc->toks[i].valence) * (others > 0 ? 1 : -1));
			doc->toks[i].rules |= R_SURPRISE;
		}
}

/* Score every token, then apply contrast weights and laughter softening */
void
SocialScoreTokens(SocialDoc *doc)
{
	int			words = 0,
				caps = 0;
	bool		other_sentiment = false;
	int64		next_check = TEXT_INTERRUPT_INTERVAL;

	for (int i = 0; i < doc->ntoks; i++)
	{
		SocialToken *t = &doc->toks[i];

		/* the word classes, read from the lexicon once (every rule asks for them) */
		t->cls = TokEntryClass(t);
		if (t->kind == TK_WORD && (t->flags & TF_LETTERS))
		{
			words++;
			if (t->flags & TF_CAPS)
				caps++;
		}
	}
	doc->cap_diff = caps > 0 && caps < words;
	FindSentences(doc);
	MatchPhrases(doc);
	for (int i = 0; i < doc->ntoks; i++)
	{
		SocialToken *t = &doc->toks[i];

		TextCheckInterrupts(i, &next_check);
		if (HasValence(doc, i))
		{
			t->valence = (float) SocialScoreToken(doc, i);
			if (t->valence != 0 && t->kind == TK_WORD && !(t->entry->cls & SC_LAUGH))
				other_sentiment = true;
		}
	}
	ApplySurprise(doc);
	/* the last contrast of each sentence, the first concession (linear in the text) */
	for (int i = doc->ntoks - 1, seen = -1; i >= 0; i--)
		if ((TokClass(doc, i) & SC_CONTRAST) && doc->toks[i].sstart != seen)
		{
			seen = doc->toks[i].sstart;
			ApplyContrast(doc, i);
		}
	for (int i = 0, seen = -1; i < doc->ntoks; i++)
		if ((TokClass(doc, i) & SC_CONCESSIVE) && doc->toks[i].sstart != seen)
		{
			seen = doc->toks[i].sstart;
			ApplyConcession(doc, i);
		}
	for (int i = 0; i < doc->ntoks; i++)
		if ((TokClass(doc, i) & SC_LAUGH) && other_sentiment && doc->toks[i].valence != 0)
		{
			doc->toks[i].valence *= LAUGH_SOFTENER;
			doc->toks[i].rules |= R_LAUGH_SOFT;
		}
}

/* Sum the contributions into polarity and intensity; false (out unset) when not finite */
bool
SocialSummarizeSums(const SocialDoc *doc, SentimentScore *out)
{
	double		sum = 0,
				abs_sum = 0,
				emph = 0;

	for (int i = 0; i < doc->ntoks; i++)
	{
		double		c = (double) doc->toks[i].valence * doc->toks[i].weight;

		sum += c;
		abs_sum += fabs(c);
	}
	emph = Min(doc->nexcl, 4) * EXCL_INCR;
	if (doc->nquest > 1)
		emph += (doc->nquest <= 3) ? doc->nquest * QUEST_INCR : QUEST_MAX;
	if (!isfinite(sum) || !isfinite(abs_sum))
		return false;
	if (doc->sarcasm && sum > 0)
		sum *= SARCASM_SCALAR;
	if (sum > 0)
		sum += emph;
	else if (sum < 0)
		sum -= emph;
	if (abs_sum > 0)
		abs_sum += emph;
	out->polarity = Max(-1.0, Min(1.0, sum / sqrt(sum * sum + ALPHA)));
	out->subjectivity = Min(1.0, abs_sum / sqrt(abs_sum * abs_sum + ALPHA));
	return true;
}

/* Error: a text's sums are not finite (can't happen: every contribution is bounded) */
void
SocialNonFiniteSum(void)
{
	elog(ERROR, "social analyzer produced a non-finite sum");
}

/* Sum the contributions into polarity and intensity */
void
SocialSummarize(SocialDoc *doc, SentimentScore *out)
{
	if (!SocialSummarizeSums(doc, out))
		SocialNonFiniteSum();
}
