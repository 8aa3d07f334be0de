/*
 * stopwords.c
 *		Backend-local cache of the table tweetlda.stopwords, loaded once and
 *		reloaded after any change of the table (tablecache.h), also in
 *		parallel workers.
 */
#include "postgres.h"

#include "access/heapam.h"
#include "access/table.h"
#include "access/tableam.h"
#include "access/xact.h"
#include "miscadmin.h"
#include "utils/acl.h"
#include "utils/builtins.h"
#include "utils/lsyscache.h"
#include "utils/memutils.h"
#include "utils/snapmgr.h"

#include "tablecache.h"
#include "textconf.h"
#include "tweetlda.h"

/* The words of one language, lowercased, sorted and unique */
typedef struct StopwordList
{
	char	   *language;
	int			nwords;
	char	  **words;
} StopwordList;

static void LoadStopwords(void);

static TableCache stopwords_table = TABLE_CACHE(LoadStopwords, "stopwords");
static MemoryContext stopwords_cxt = NULL;
static StopwordList *lists = NULL;
static int	nlists = 0;
static uint64 generation = 0;

/* One row of the table while loading */
typedef struct StopwordRow
{
	char	   *language;
	char	   *word;
} StopwordRow;

/* qsort comparator: by language, then word, in byte order */
static int
CompareRows(const void *a, const void *b)
{
	const StopwordRow *x = a;
	const StopwordRow *y = b;
	int			c = strcmp(x->language, y->language);

	return c != 0 ? c : strcmp(x->word, y->word);
}

/*
 * The lowercase of t, copied into the cache context.  TextLower's buffer (at
 * least 1 kB) is freed at once: the table has thousands of rows, and keeping
 * the buffers cost megabytes of fresh pages in every process that loads it
 * (each parallel worker of a training query does).
 */
static char *
LowerCopy(text *t, int *len)
{
	char	   *lower = TextLower(VARDATA_ANY(t), VARSIZE_ANY_EXHDR(t), len);
	char	   *copy = MemoryContextStrdup(stopwords_cxt, lower);

	pfree(lower);
	return copy;
}

/* Read every row of the table into the cache context; returns the row count */
static int
ReadRows(StopwordRow **rows_out)
{
	Oid			relid = stopwords_table.relids[0];
	Relation	rel = table_open(relid, AccessShareLock);
	AttrNumber	lang_att = get_attnum(relid, "language");
	AttrNumber	word_att = get_attnum(relid, "word");
	Snapshot	snap = IsInParallelMode() ? GetActiveSnapshot() : GetLatestSnapshot();
	TableScanDesc scan;
	HeapTuple	tup;
	int			n = 0,
				cap = 1024;
	StopwordRow *rows = MemoryContextAlloc(stopwords_cxt, sizeof(StopwordRow) * cap);

	if (lang_att == InvalidAttrNumber || word_att == InvalidAttrNumber)
		ereport(ERROR,
				(errcode(ERRCODE_UNDEFINED_COLUMN),
				 errmsg("table tweetlda.stopwords lacks column \"language\" or \"word\""),
				 errhint("Restore the columns, or reinstall the extension with DROP EXTENSION and CREATE EXTENSION.")));
	snap = RegisterSnapshot(snap);
	scan = table_beginscan(rel, snap, 0, NULL);
	while ((tup = heap_getnext(scan, ForwardScanDirection)) != NULL)
	{
		bool		null1,
					null2;
		Datum		lang = heap_getattr(tup, lang_att, RelationGetDescr(rel), &null1);
		Datum		word = heap_getattr(tup, word_att, RelationGetDescr(rel), &null2);
		text	   *lt;
		text	   *wt;
		int			llen;
		int			wlen;

		if (null1 || null2)
			continue;
		if (n == cap)
		{
			cap *= 2;
			rows = repalloc(rows, sizeof(StopwordRow) * cap);
		}
		/* language names match case-insensitively, like CheckLanguage() */
		lt = DatumGetTextPP(lang);
		rows[n].language = LowerCopy(lt, &llen);
		wt = DatumGetTextPP(word);
		rows[n].word = LowerCopy(wt, &wlen);
		n++;
	}
	table_endscan(scan);
	UnregisterSnapshot(snap);
	table_close(rel, AccessShareLock);
	*rows_out = rows;
	return n;
}

/* Group sorted rows into per-language lists, dropping duplicate words */
static void
BuildLists(StopwordRow *rows, int n)
{
	lists = MemoryContextAlloc(stopwords_cxt, sizeof(StopwordList) * (n + 1));
	nlists = 0;
	for (int i = 0; i < n; i++)
	{
		StopwordList *l = nlists > 0 ? &lists[nlists - 1] : NULL;

		if (l == NULL || strcmp(l->language, rows[i].language) != 0)
		{
			l = &lists[nlists++];
			l->language = rows[i].language;
			l->nwords = 0;
			l->words = MemoryContextAlloc(stopwords_cxt, sizeof(char *) * (n - i));
		}
		if (l->nwords == 0 || strcmp(l->words[l->nwords - 1], rows[i].word) != 0)
			l->words[l->nwords++] = rows[i].word;
	}
}

/* Reload the cache from the table (the loader of stopwords_table) */
static void
LoadStopwords(void)
{
	StopwordRow *rows;
	int			n;

	if (stopwords_cxt == NULL)
		stopwords_cxt = AllocSetContextCreate(CacheMemoryContext, "tweetlda stopwords",
											  ALLOCSET_DEFAULT_SIZES);
	/* the lists handed out before are gone from here on (see StopwordsLookup) */
	MemoryContextReset(stopwords_cxt);
	lists = NULL;
	nlists = 0;
	generation++;
	n = ReadRows(&rows);
	/* lowercasing may have made rows equal or unordered: sort again */
	qsort(rows, n, sizeof(StopwordRow), CompareRows);
	BuildLists(rows, n);
}

/* The current generation of the cache, reloading it first if the table changed */
uint64
StopwordsGeneration(void)
{
	TableCacheGet(&stopwords_table);
	return generation;
}

/*
 * The words of one language in the cache as StopwordsGeneration() last loaded
 * it (none for unknown languages).  It never reloads: lookups made after one
 * StopwordsGeneration() agree, and their arrays stay valid until the next call
 * of StopwordsGeneration(), which may free them.
 */
char **
StopwordsLookup(const char *language, int *nwords)
{
	for (int i = 0; i < nlists; i++)
	{
		if (strcmp(lists[i].language, language) == 0)
		{
			*nwords = lists[i].nwords;
			return lists[i].words;
		}
	}
	*nwords = 0;
	return NULL;
}

/* Error unless the current user may read tweetlda.stopwords (SELECT privilege) */
void
StopwordsCheckReadable(void)
{
	Oid			relid;

	TableCacheGet(&stopwords_table);
	relid = stopwords_table.relids[0];
	if (pg_class_aclcheck(relid, GetUserId(), ACL_SELECT) != ACLCHECK_OK)
		ereport(ERROR,
				(errcode(ERRCODE_INSUFFICIENT_PRIVILEGE),
				 errmsg("permission denied for table %s.stopwords", TWEETLDA_SCHEMA),
				 errdetail("Freezing a text configuration (tweetlda.text_config_freeze, training a model) copies the stopword list out of the table."),
				 errhint("Grant SELECT on tweetlda.stopwords to the role, or set \"stopwords\" and \"noise_words\" to false in the text configuration.")));
}
