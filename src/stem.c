/*
 * stem.c
 *		tweetlda.stem(): the Snowball stem of one word, lowercased first with
 *		the same Unicode rules as the tokenizer.
 */
#include "postgres.h"

#include <libstemmer.h>

#include "fmgr.h"
#include "utils/builtins.h"
#include "utils/memutils.h"

#include "textconf.h"
#include "tweetlda.h"

/*
 * Longest word passed to the Snowball stemmer, in bytes.  libstemmer cannot be
 * interrupted, and stemming 1 MB takes well under a second; longer "words"
 * (the tokenizer drops tokens over 1,024 bytes anyway) are returned lowercased
 * but not stemmed.
 */
#define STEM_MAX_BYTES (1024 * 1024)

/* The stemmer of one call site, kept in fn_extra */
typedef struct StemCache
{
	MemoryContext cxt;			/* reset (freeing the stemmer) on a language change */
	char		language[TEXTCONF_MAX_LANGUAGE + 1];
	struct sb_stemmer *stemmer;
} StemCache;

/* Memory context callback: free the malloc'ed Snowball stemmer */
static void
FreeStemmer(void *arg)
{
	sb_stemmer_delete((struct sb_stemmer *) arg);
}

/* The call site's stemmer for a language, created when the language changes */
static struct sb_stemmer *
GetStemmer(FmgrInfo *flinfo, const char *language)
{
	StemCache  *sc = (StemCache *) flinfo->fn_extra;
	MemoryContextCallback *cb;
	const char *canonical;

	if (sc == NULL)
	{
		sc = MemoryContextAllocZero(flinfo->fn_mcxt, sizeof(StemCache));
		sc->cxt = AllocSetContextCreate(flinfo->fn_mcxt, "tweetlda stemmer",
										ALLOCSET_SMALL_SIZES);
		flinfo->fn_extra = sc;
	}
	if (sc->stemmer != NULL && strcmp(sc->language, language) == 0)
		return sc->stemmer;
	canonical = CheckLanguage(language);
	sc->stemmer = NULL;
	MemoryContextReset(sc->cxt);
	cb = MemoryContextAlloc(sc->cxt, sizeof(MemoryContextCallback));
	cb->func = FreeStemmer;
	cb->arg = sb_stemmer_new(canonical, "UTF_8");
	if (cb->arg == NULL)
		ereport(ERROR,
				(errcode(ERRCODE_OUT_OF_MEMORY),
				 errmsg("could not create the Snowball stemmer for \"%s\"", canonical)));
	MemoryContextRegisterResetCallback(sc->cxt, cb);
	sc->stemmer = cb->arg;
	strlcpy(sc->language, language, sizeof(sc->language));
	return sc->stemmer;
}

PG_FUNCTION_INFO_V1(tweetlda_stem);

/* stem(word text, language text): the Snowball stem of the lowercased word */
Datum
tweetlda_stem(PG_FUNCTION_ARGS)
{
	text	   *word = PG_GETARG_TEXT_PP(0);
	char	   *language = text_to_cstring(PG_GETARG_TEXT_PP(1));
	struct sb_stemmer *stemmer;
	const sb_symbol *out;
	char	   *lower;
	int			len;

	CheckDatabaseEncoding();
	stemmer = GetStemmer(fcinfo->flinfo, language);
	lower = TextLower(VARDATA_ANY(word), VARSIZE_ANY_EXHDR(word), &len);
	if (len > STEM_MAX_BYTES)
		PG_RETURN_TEXT_P(cstring_to_text_with_len(lower, len));
	out = sb_stemmer_stem(stemmer, (const sb_symbol *) lower, len);
	if (out == NULL)
		ereport(ERROR,
				(errcode(ERRCODE_OUT_OF_MEMORY),
				 errmsg("out of memory in the Snowball stemmer")));
	PG_RETURN_TEXT_P(cstring_to_text_with_len((const char *) out, sb_stemmer_length(stemmer)));
}
