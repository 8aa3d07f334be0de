/*
 * lexicon.c
 *		Backend-local cache of tweetlda.sentiment_lexicon, the pattern lexicon of
 *		the 'textblob' analyzer.
 *
 * The table holds one row per word sense, in the order of pattern's
 * en-sentiment.xml (column id).  TextBlob builds its dictionary from that file
 * as follows, and so do we, summing in the same order so that every average is
 * the same IEEE double:
 *
 *	1. the senses of a word are averaged per part of speech (pos), in file order;
 *	2. those per-pos averages are averaged again, in order of first appearance,
 *	   giving the values used for every token (TextBlob never tags tokens);
 *	3. every word with an adjective (JJ) sense yields an adverb: "terrible" ->
 *	   "terribly", "happy" -> "happily", whose values (the JJ average) overwrite
 *	   any existing entry of that adverb; words are visited in order of first
 *	   appearance, so the last adjective wins when two yield the same adverb.
 *
 * A word is a modifier (an intensifier such as "very") when it has an RB sense
 * or is such a derived adverb.
 *
 * User rows (builtin = false) override: when a word has any user row, its
 * built-in rows are ignored, and derived adverbs never overwrite it.  Words are
 * lowercased when loaded, since tokens are lowercased before lookup.
 *
 * The hash is rebuilt when the table changes (trigger tweetlda.table_changed(),
 * see tablecache.h), never per row.
 */
#include "postgres.h"

#include <math.h>

#include "executor/spi.h"
#include "miscadmin.h"
#include "utils/builtins.h"
#include "utils/memutils.h"

#include "lexicon.h"
#include "textblob_lower.h"
#include "tablecache.h"

/* One part of speech of a word while loading: running sums in row order */
typedef struct PosGroup
{
	char	   *pos;			/* NULL for a NULL pos (distinct from '') */
	double		sum[3];			/* polarity, subjectivity, intensity */
	int			count;
	struct PosGroup *next;
} PosGroup;

/* One word while loading */
typedef struct WordBuild
{
	char	   *key;			/* lowercased */
	int			len;
	uint32		hash;
	bool		has_user;		/* some row has builtin = false */
	PosGroup   *groups;			/* in order of first appearance */
	double		value[3];		/* the values used for tokens */
	double		jj[3];			/* the average of the JJ senses */
	bool		has_jj;
	bool		modifier;
	bool		has_value;
	char	   *label;			/* the last label of the word's rows, or NULL */
} WordBuild;

/* An open-addressing hash of words, used while loading and for lookups */
typedef struct WordIndex
{
	uint32	   *slots;			/* word number + 1; 0 when empty */
	uint32		mask;
} WordIndex;

static void LexiconLoad(void);

static TableCache lexicon_cache = TABLE_CACHE(LexiconLoad, "sentiment_lexicon");
static MemoryContext lexicon_context = NULL;
static LexiconEntry *entries = NULL;
static WordIndex lexicon_index;

/* Allocate an empty index with room for at least n words at half load */
static void
WordIndexInit(WordIndex *ix, int n, MemoryContext cxt)
{
	uint32		size = 64;

	while (size < (uint32) n * 2)
		size <<= 1;
	ix->slots = MemoryContextAllocZero(cxt, size * sizeof(uint32));
	ix->mask = size - 1;
}

/* Look up a build word by key; -1 when absent (*slot receives the free slot) */
static int
WordIndexFind(WordIndex *ix, WordBuild *words, const char *key, int len,
			  uint32 hash, uint32 *slot)
{
	uint32		i = hash & ix->mask;

	while (ix->slots[i] != 0)
	{
		WordBuild  *w = &words[ix->slots[i] - 1];

		if (w->hash == hash && w->len == len && memcmp(w->key, key, len) == 0)
			return ix->slots[i] - 1;
		i = (i + 1) & ix->mask;
	}
	*slot = i;
	return -1;
}

/* Find a word or append it (the caller guarantees room in words[]) */
static int
WordFindOrAdd(WordIndex *ix, WordBuild *words, int *nwords, const char *key,
			  int len, MemoryContext cxt)
{
	uint32		hash = LexiconHash(key, len);
	uint32		slot;
	int			w = WordIndexFind(ix, words, key, len, hash, &slot);

	if (w >= 0)
		return w;
	w = (*nwords)++;
	memset(&words[w], 0, sizeof(WordBuild));
	words[w].key = MemoryContextAlloc(cxt, len + 1);
	memcpy(words[w].key, key, len);
	words[w].key[len] = '\0';
	words[w].len = len;
	words[w].hash = hash;
	ix->slots[slot] = w + 1;
	return w;
}

/* Add one sense to the group of its part of speech, creating the group */
static void
WordAddSense(WordBuild *w, const char *pos, const double *v, MemoryContext cxt)
{
	PosGroup  **link = &w->groups;
	PosGroup   *g;

	for (g = w->groups; g != NULL; link = &g->next, g = g->next)
	{
		if ((g->pos == NULL && pos == NULL) ||
			(g->pos != NULL && pos != NULL && strcmp(g->pos, pos) == 0))
			break;
	}
	if (g == NULL)
	{
		g = MemoryContextAllocZero(cxt, sizeof(PosGroup));
		g->pos = pos ? MemoryContextStrdup(cxt, pos) : NULL;
		*link = g;
	}
	/* a running sum in row order is Python's sum() over the senses in file order */
	for (int k = 0; k < 3; k++)
		g->sum[k] += v[k];
	g->count++;
}

/* Average the per-pos averages (step 2); note the RB sense and the JJ average */
static void
WordFinish(WordBuild *w)
{
	double		sum[3] = {0.0, 0.0, 0.0};
	int			ngroups = 0;

	for (PosGroup *g = w->groups; g != NULL; g = g->next)
	{
		double		avg[3];

		for (int k = 0; k < 3; k++)
		{
			avg[k] = g->sum[k] / (double) g->count;
			sum[k] += avg[k];
		}
		ngroups++;
		if (g->pos != NULL && strcmp(g->pos, "RB") == 0)
			w->modifier = true;
		if (g->pos != NULL && strcmp(g->pos, "JJ") == 0)
		{
			memcpy(w->jj, avg, sizeof(avg));
			w->has_jj = true;
		}
	}
	if (ngroups > 0)
	{
		for (int k = 0; k < 3; k++)
			w->value[k] = sum[k] / (double) ngroups;
		w->has_value = true;
	}
}

/* The adverb TextBlob derives from an adjective: terrible -> terribly, happy -> happily */
static int
DerivedAdverb(const WordBuild *w, char *out)
{
	int			len = w->len;

	memcpy(out, w->key, len);
	if (len >= 1 && out[len - 1] == 'y')
		out[len - 1] = 'i';
	if (len >= 2 && out[len - 2] == 'l' && out[len - 1] == 'e')
		len -= 2;
	out[len++] = 'l';
	out[len++] = 'y';
	return len;
}

/* Read the table (in id order) into build words; returns the number of words */
static int
LexiconReadTable(WordBuild **wordsp, WordIndex *ix, MemoryContext cxt)
{
	uint64		nrows;
	int			nwords = 0;
	WordBuild  *words;
	char	  **keys;
	int		   *keylens;

	if (SPI_connect() != SPI_OK_CONNECT)
		elog(ERROR, "SPI_connect failed");
	if (SPI_execute("SELECT word, pos, polarity, subjectivity, intensity, builtin, label "
					"FROM tweetlda.sentiment_lexicon ORDER BY id", true, 0) != SPI_OK_SELECT)
		elog(ERROR, "could not read tweetlda.sentiment_lexicon");
	nrows = SPI_processed;
	if (nrows > (uint64) (MaxAllocSize / sizeof(WordBuild) / 2 - 1))
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("too many rows in tweetlda.sentiment_lexicon")));

	/* room for every row's word and its derived adverb */
	words = MemoryContextAlloc(cxt, sizeof(WordBuild) * (2 * nrows + 1));
	keys = MemoryContextAlloc(cxt, sizeof(char *) * (nrows + 1));
	keylens = MemoryContextAlloc(cxt, sizeof(int) * (nrows + 1));
	WordIndexInit(ix, 2 * nrows + 1, cxt);

	/* pass 1: words in order of first appearance, and which ones users own */
	for (uint64 r = 0; r < nrows; r++)
	{
		HeapTuple	tup = SPI_tuptable->vals[r];
		TupleDesc	td = SPI_tuptable->tupdesc;
		bool		isnull;
		Datum		wordd = SPI_getbinval(tup, td, 1, &isnull);
		text	   *word = isnull ? NULL : DatumGetTextPP(wordd);
		int			len = isnull ? 0 : VARSIZE_ANY_EXHDR(word);
		char		lower[LEXICON_MAX_KEY * 2];
		int			ncp;
		int			w;

		if (len == 0 || len > LEXICON_MAX_KEY)
			ereport(ERROR,
					(errcode(ERRCODE_DATA_EXCEPTION),
					 errmsg("invalid word in tweetlda.sentiment_lexicon"),
					 errdetail("Words must have 1 to 100 characters.")));
		keylens[r] = TextBlobLower(VARDATA_ANY(word), len, lower, &ncp);
		if (keylens[r] > LEXICON_MAX_KEY)
			keylens[r] = LEXICON_MAX_KEY;	/* too long to match any token anyway */
		keys[r] = MemoryContextAlloc(cxt, keylens[r] + 1);
		memcpy(keys[r], lower, keylens[r]);
		w = WordFindOrAdd(ix, words, &nwords, lower, keylens[r], cxt);
		if (!DatumGetBool(SPI_getbinval(tup, td, 6, &isnull)))
			words[w].has_user = true;
	}

	/* pass 2: senses into per-pos groups, skipping built-in rows of user-owned words */
	for (uint64 r = 0; r < nrows; r++)
	{
		HeapTuple	tup = SPI_tuptable->vals[r];
		TupleDesc	td = SPI_tuptable->tupdesc;
		bool		isnull;
		uint32		slot;
		int			w = WordIndexFind(ix, words, keys[r], keylens[r],
									  LexiconHash(keys[r], keylens[r]), &slot);
		bool		builtin = DatumGetBool(SPI_getbinval(tup, td, 6, &isnull));
		Datum		posd = SPI_getbinval(tup, td, 2, &isnull);
		char	   *pos = isnull ? NULL : text_to_cstring(DatumGetTextPP(posd));
		double		v[3];

		Assert(w >= 0);
		if (builtin && words[w].has_user)
			continue;
		for (int k = 0; k < 3; k++)
		{
			v[k] = DatumGetFloat8(SPI_getbinval(tup, td, 3 + k, &isnull));
			/* the CHECK constraints guarantee this unless a user dropped them */
			if (isnull || isnan(v[k]) || (k == 2 && !(v[k] > 0.0)))
				ereport(ERROR,
						(errcode(ERRCODE_DATA_EXCEPTION),
						 errmsg("invalid value in tweetlda.sentiment_lexicon for word \"%s\"",
								words[w].key),
						 errdetail("Polarity, subjectivity and intensity must be numbers, the intensity positive.")));
		}
		WordAddSense(&words[w], pos, v, cxt);
		/* TextBlob's labeler: the last label given to the word */
		posd = SPI_getbinval(tup, td, 7, &isnull);
		if (!isnull)
			words[w].label = MemoryContextStrdup(cxt, TextDatumGetCString(posd));
	}
	SPI_finish();
	*wordsp = words;
	return nwords;
}

/* Steps 2 and 3: per-word values, then the derived adverbs */
static int
LexiconDerive(WordBuild *words, int nwords, WordIndex *ix, MemoryContext cxt)
{
	int			total = nwords;

	for (int w = 0; w < nwords; w++)
		WordFinish(&words[w]);
	/* as TextBlob's load(): visit the words in order, the last adjective wins */
	for (int w = 0; w < nwords; w++)
	{
		char		adverb[LEXICON_MAX_KEY + 8];
		int			alen;
		int			t;

		if (!words[w].has_jj)
			continue;
		alen = DerivedAdverb(&words[w], adverb);
		t = WordFindOrAdd(ix, words, &total, adverb, alen, cxt);
		if (words[t].has_user)
			continue;
		memcpy(words[t].value, words[w].jj, sizeof(words[w].jj));
		words[t].modifier = true;
		words[t].has_value = true;
	}
	return total;
}

/* Build the lookup hash in the cache context from the build words */
static void
LexiconPublish(WordBuild *words, int nwords)
{
	int			n = 0;

	if (lexicon_context == NULL)
		lexicon_context = AllocSetContextCreate(TopMemoryContext,
												"tweetlda sentiment lexicon",
												ALLOCSET_DEFAULT_SIZES);
	else
		MemoryContextReset(lexicon_context);
	entries = NULL;
	entries = MemoryContextAlloc(lexicon_context, sizeof(LexiconEntry) * (nwords + 1));
	WordIndexInit(&lexicon_index, nwords, lexicon_context);
	for (int w = 0; w < nwords; w++)
	{
		LexiconEntry *e;
		uint32		i;

		if (!words[w].has_value)
			continue;
		e = &entries[n];
		e->word = MemoryContextAlloc(lexicon_context, words[w].len + 1);
		memcpy((char *) e->word, words[w].key, words[w].len + 1);
		e->len = words[w].len;
		e->hash = words[w].hash;
		e->polarity = words[w].value[0];
		e->subjectivity = words[w].value[1];
		e->intensity = words[w].value[2];
		e->modifier = words[w].modifier;
		e->label = words[w].label ? MemoryContextStrdup(lexicon_context, words[w].label) : NULL;
		for (i = e->hash & lexicon_index.mask; lexicon_index.slots[i] != 0;
			 i = (i + 1) & lexicon_index.mask)
			;
		lexicon_index.slots[i] = ++n;
	}
}

/* Build the whole lexicon from the table */
static void
LexiconLoad(void)
{
	MemoryContext build = AllocSetContextCreate(CurrentMemoryContext,
												"tweetlda sentiment lexicon build",
												ALLOCSET_DEFAULT_SIZES);
	WordBuild  *words;
	WordIndex	ix;
	int			nwords;

	nwords = LexiconReadTable(&words, &ix, build);
	nwords = LexiconDerive(words, nwords, &ix, build);
	LexiconPublish(words, nwords);
	MemoryContextDelete(build);
}

/* Load the lexicon when this backend has none or the table changed */
void
LexiconEnsureLoaded(void)
{
	TableCacheGet(&lexicon_cache);
}

/* Look up a lowercased word with its LexiconHash(); NULL when it is not in the lexicon */
const LexiconEntry *
LexiconLookup(const char *word, int len, uint32 hash)
{
	uint32		i;

	if (entries == NULL || len > LEXICON_MAX_KEY)
		return NULL;
	for (i = hash & lexicon_index.mask; lexicon_index.slots[i] != 0;
		 i = (i + 1) & lexicon_index.mask)
	{
		const LexiconEntry *e = &entries[lexicon_index.slots[i] - 1];

		if (e->hash == hash && e->len == len && memcmp(e->word, word, len) == 0)
			return e;
	}
	return NULL;
}
