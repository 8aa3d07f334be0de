/*
 * social_hashtag.c
 *		Hashtag segmentation for the 'social' analyzer's tokenizer
 *		(social_tokenize.c): "#epicfail" -> epic fail by the fewest known words,
 *		"#ThankYouNHS" -> Thank You NHS at case changes.  Only hashtags of at
 *		most SOCIAL_MAX_SEGMENT bytes are segmented, so the work per hashtag is
 *		bounded.
 */
#include "postgres.h"

#include <limits.h>

#include "social_doc.h"

/* True when the entry is known to the segmenter (a lexicon or function word) */
static inline bool
KnownPiece(const SocialEntry *e, int len)
{
	if (e == NULL)
		return false;
	if (len < 2 && !(e->cls & SC_FUNCTION))
		return false;
	return e->has_valence || (e->cls & ~SC_PHRASE_HEAD) != 0;
}

/*
 * Split a hashtag into known words, fewest pieces first ("#epicfail" ->
 * epic fail, "#notgood" -> not good).  Returns the number of pieces (0 when
 * no split covers it) and their ends in ends[].
 */
int
SocialSegmentHashtag(const char *w, int len, int *ends)
{
	int			best[SOCIAL_MAX_SEGMENT + 1];
	int			prev[SOCIAL_MAX_SEGMENT + 1];
	int			n;

	if (len < 4 || len > SOCIAL_MAX_SEGMENT)
		return 0;
	best[0] = 0;
	for (int i = 1; i <= len; i++)
		best[i] = INT_MAX;
	/* from every reachable start, extend the piece one byte at a time (hash built as we go) */
	for (int j = 0; j < len; j++)
	{
		uint32		h = SOCIAL_HASH_INIT;

		if (best[j] == INT_MAX)
			continue;
		for (int i = j + 1; i <= len && i - j <= 20; i++)
		{
			h = SocialHashStep(h, w[i - 1]);
			if (best[j] + 1 >= best[i])
				continue;
			if (KnownPiece(SocialLookupWordHashed(w + j, i - j, h), i - j))
			{
				best[i] = best[j] + 1;
				prev[i] = j;
			}
		}
	}
	if (best[len] == INT_MAX || best[len] < 2)
		return 0;
	n = best[len];
	for (int i = len, k = n - 1; i > 0; i = prev[i], k--)
		ends[k] = i;
	return n;
}

/*
 * Split a hashtag at its case changes ("#ThankYouNHS" -> Thank You NHS) when one
 * of the parts is a sentiment word.  Returns the number of parts (0: no split).
 */
int
SocialCamelSplit(const char *s, int len, int *ends)
{
	int			n = 0,
				from = 0;
	bool		sentiment = false;

	if (len > SOCIAL_MAX_SEGMENT)
		return 0;
	for (int i = 1; i <= len; i++)
	{
		bool		cut = i == len ||
			(SocialIsUpper((unsigned char) s[i]) && SocialIsLower((unsigned char) s[i - 1])) ||
			(SocialIsUpper((unsigned char) s[i]) && SocialIsUpper((unsigned char) s[i - 1]) &&
			 i + 1 < len && SocialIsLower((unsigned char) s[i + 1]));

		if (!cut)
			continue;
		{
			char		piece[SOCIAL_MAX_SEGMENT];
			const SocialEntry *e;

			for (int k = from; k < i; k++)
				piece[k - from] = SocialLowerAscii((unsigned char) s[k]);
			e = SocialLookupWord(piece, i - from);
			sentiment |= e != NULL && e->has_valence && e->valence != 0;
		}
		ends[n++] = i;
		from = i;
	}
	return (n >= 2 && sentiment) ? n : 0;
}

