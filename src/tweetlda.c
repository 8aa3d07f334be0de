/*
 * tweetlda.c
 *		Module entry point: the module magic block and _PG_init, which only calls
 *		each part's initialization function.
 */
#include "postgres.h"

#include "fmgr.h"

#include "lda_score.h"
#include "sentiment_classifier.h"
#include "social_lexicon.h"
#include "stream.h"
#include "tablecache.h"
#include "tweetlda.h"

PG_MODULE_MAGIC;

/* Initialize every part of the module when the library is loaded */
void
_PG_init(void)
{
	TableCacheInit();
	LdaScoreInit();
	ClfScoreInit();
	SocialLexiconInit();
	StreamInit();
}
