/*
 * tablecache.h
 *		Backend-local caches of user-editable tables (stopwords, lexicons, models)
 *		that are dropped when the table changes, in every backend.
 *
 * A statement-level trigger on the table calls tweetlda.table_changed(), which
 * queues a relcache invalidation for the table; at commit every backend receives
 * it and the callback registered here marks the cache stale.  The next statement
 * that needs the cache reloads it.  A loader sets valid = true before it reads
 * the table, so that a change committed while it reads marks the cache stale again.
 */
#ifndef TABLECACHE_H
#define TABLECACHE_H

typedef struct TableCache
{
	const char *relname;		/* table name in schema tweetlda */
	Oid			relid;			/* resolved lazily; InvalidOid until then */
	bool		valid;			/* false until loaded and after any change */
} TableCache;

/* Register a cache so that changes of its table (or a relcache reset) invalidate it */
extern void TableCacheRegister(TableCache *cache);

/* True when the cache must be (re)loaded; resolves the table's OID on first use */
extern bool TableCacheIsStale(TableCache *cache);

extern void TableCacheInit(void);

#endif							/* TABLECACHE_H */
