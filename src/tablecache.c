/*
 * tablecache.c
 *		Invalidation of backend-local caches of tweetlda's user-editable tables.
 */
#include "postgres.h"

#include "catalog/namespace.h"
#include "commands/trigger.h"
#include "fmgr.h"
#include "utils/inval.h"
#include "utils/lsyscache.h"
#include "utils/rel.h"

#include "tablecache.h"
#include "tweetlda.h"

#define MAX_TABLE_CACHES 8

static TableCache *caches[MAX_TABLE_CACHES];
static int	ncaches = 0;

/* Relcache callback: mark stale every cache of the changed table (all on a reset) */
static void
TableCacheCallback(Datum arg, Oid relid)
{
	for (int i = 0; i < ncaches; i++)
	{
		TableCache *c = caches[i];

		for (int t = 0; t < TABLECACHE_MAX_TABLES && c->relnames[t] != NULL; t++)
			if (relid == InvalidOid || c->relids[t] == InvalidOid || c->relids[t] == relid)
				c->valid = false;
	}
}

/* Register a cache so that changes of its tables invalidate it (once; later calls do nothing) */
void
TableCacheRegister(TableCache *cache)
{
	if (cache->registered)
		return;
	if (ncaches >= MAX_TABLE_CACHES)
		elog(ERROR, "too many tweetlda table caches");
	for (int t = 0; t < TABLECACHE_MAX_TABLES; t++)
		cache->relids[t] = InvalidOid;
	cache->valid = false;
	caches[ncaches++] = cache;
	cache->registered = true;
}

/* Resolve the OIDs of the cache's tables (they change with DROP and CREATE EXTENSION) */
static void
ResolveTables(TableCache *cache)
{
	Oid			nsp = get_namespace_oid(TWEETLDA_SCHEMA, false);

	for (int t = 0; t < TABLECACHE_MAX_TABLES && cache->relnames[t] != NULL; t++)
	{
		cache->relids[t] = get_relname_relid(cache->relnames[t], nsp);
		if (cache->relids[t] == InvalidOid)
			ereport(ERROR,
					(errcode(ERRCODE_UNDEFINED_TABLE),
					 errmsg("table \"%s.%s\" does not exist",
							TWEETLDA_SCHEMA, cache->relnames[t]),
					 errhint("Reinstall the extension with DROP EXTENSION and CREATE EXTENSION.")));
	}
}

/* Load the cache if it is new or one of its tables changed; true when it (re)loaded */
bool
TableCacheGet(TableCache *cache)
{
	TableCacheRegister(cache);
	if (cache->valid)
		return false;
	ResolveTables(cache);
	/* valid before loading, so that a change committed while loading marks it stale again */
	cache->valid = true;
	PG_TRY();
	{
		cache->load();
	}
	PG_CATCH();
	{
		cache->valid = false;
		PG_RE_THROW();
	}
	PG_END_TRY();
	return true;
}

/* Register the relcache callback once per backend */
void
TableCacheInit(void)
{
	CacheRegisterRelcacheCallback(TableCacheCallback, (Datum) 0);
}

PG_FUNCTION_INFO_V1(table_changed);

/* Statement-level trigger: tell every backend that the table's cached copy is stale */
Datum
table_changed(PG_FUNCTION_ARGS)
{
	TriggerData *trigdata = (TriggerData *) fcinfo->context;

	if (!CALLED_AS_TRIGGER(fcinfo))
		ereport(ERROR,
				(errcode(ERRCODE_E_R_I_E_TRIGGER_PROTOCOL_VIOLATED),
				 errmsg("table_changed() must be called as a trigger")));
	CacheInvalidateRelcache(trigdata->tg_relation);
	return PointerGetDatum(NULL);
}
