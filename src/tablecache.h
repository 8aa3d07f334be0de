/*
 * tablecache.h
 *		Backend-local caches of user-editable tables (stopwords, lexicons, models)
 *		that are dropped when the table changes, in every backend.
 *
 * A statement-level trigger on the table calls tweetlda.table_changed(), which
 * queues a relcache invalidation for the table; at commit every backend receives
 * it and the callback registered here marks the cache stale.  The cache owns
 * its refresh: TableCacheGet() registers it on first use, resolves the tables'
 * OIDs again (DROP and CREATE EXTENSION give them new ones), marks it valid and
 * then calls its loader, so that a change committed while the loader reads
 * (taking a lock processes invalidation messages) marks it stale again instead
 * of being lost; a loader that fails leaves it stale.
 *
 * Typical use:
 *
 *		static void MyLoad(void);
 *		static TableCache my_cache = TABLE_CACHE(MyLoad, "my_table");
 *		...
 *		TableCacheGet(&my_cache);		(reloads only when the table changed)
 *
 * Memory a loader builds stays valid until the next TableCacheGet() of the
 * same cache: callers that need two lookups to agree take them after one
 * TableCacheGet() and with no other call in between that could reload.
 */
#ifndef TABLECACHE_H
#define TABLECACHE_H

#define TABLECACHE_MAX_TABLES 2

/* Reads the cache's tables (their OIDs are in cache->relids) */
typedef void (*TableCacheLoader) (void);

typedef struct TableCache
{
	const char *relnames[TABLECACHE_MAX_TABLES];	/* tables in schema tweetlda (NULL: unused) */
	TableCacheLoader load;		/* builds the cache from the tables */
	Oid			relids[TABLECACHE_MAX_TABLES];	/* resolved by TableCacheGet */
	bool		valid;			/* false until loaded and after any change */
	bool		registered;		/* known to the relcache callback */
} TableCache;

/* Static initializer: TABLE_CACHE(loader, "table" [, "second_table"]) */
#define TABLE_CACHE(loader, ...) {{__VA_ARGS__}, (loader)}

/* Load the cache if it is new or one of its tables changed; true when it (re)loaded */
extern bool TableCacheGet(TableCache *cache);

/* Register a cache for invalidations ahead of its first use (TableCacheGet does it too) */
extern void TableCacheRegister(TableCache *cache);

extern void TableCacheInit(void);

#endif							/* TABLECACHE_H */
