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
#include "utils/builtins.h"
#include "utils/lsyscache.h"
#include "utils/memutils.h"
#include "utils/snapmgr.h"

#include "tablecache.h"
#include "textconf.h"

/* The words of one language, lowercased, sorted and unique */
typedef struct StopwordList
{
	char	   *language;
	int			nwords;
	char	  **words;
} StopwordList;

static TableCache stopwords_table = {"stopwords", InvalidOid, false};
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

/* Read every row of the table into the cache context; returns the row count */
static int
ReadRows(StopwordRow **rows_out)
{
	Relation	rel = table_open(stopwords_table.relid, AccessShareLock);
	AttrNumber	lang_att = get_attnum(stopwords_table.relid, "language");
	AttrNumber	word_att = get_attnum(stopwords_table.relid, "word");
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
		rows[n].language = MemoryContextStrdup(stopwords_cxt,
											   TextLower(VARDATA_ANY(lt), VARSIZE_ANY_EXHDR(lt), &llen));
		wt = DatumGetTextPP(word);
		rows[n].word = MemoryContextStrdup(stopwords_cxt,
										   TextLower(VARDATA_ANY(wt), VARSIZE_ANY_EXHDR(wt), &wlen));
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

/* Reload the cache from the table */
static void
LoadStopwords(void)
{
	StopwordRow *rows;
	int			n;

	if (stopwords_cxt == NULL)
		stopwords_cxt = AllocSetContextCreate(CacheMemoryContext, "tweetlda stopwords",
											  ALLOCSET_DEFAULT_SIZES);
	MemoryContextReset(stopwords_cxt);
	lists = NULL;
	nlists = 0;
	generation++;
	/* valid before reading, so that a change committed meanwhile marks it stale again */
	stopwords_table.valid = true;
	PG_TRY();
	{
		n = ReadRows(&rows);
		/* lowercasing may have made rows equal or unordered: sort again */
		qsort(rows, n, sizeof(StopwordRow), CompareRows);
		BuildLists(rows, n);
	}
	PG_CATCH();
	{
		stopwords_table.valid = false;
		lists = NULL;
		nlists = 0;
		PG_RE_THROW();
	}
	PG_END_TRY();
}

/* The current generation of the cache, reloading it first if the table changed */
uint64
StopwordsGeneration(void)
{
	static bool registered = false;

	if (!registered)
	{
		TableCacheRegister(&stopwords_table);
		registered = true;
	}
	if (TableCacheIsStale(&stopwords_table))
		LoadStopwords();
	return generation;
}

/* The words of one language (valid until the next reload); none for unknown languages */
char **
StopwordsForLanguage(const char *language, int *nwords)
{
	StopwordsGeneration();
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
