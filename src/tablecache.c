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
		if (relid == InvalidOid || caches[i]->relid == InvalidOid ||
			caches[i]->relid == relid)
			caches[i]->valid = false;
	}
}

/* Register a cache so that changes of its table invalidate it */
void
TableCacheRegister(TableCache *cache)
{
	if (ncaches >= MAX_TABLE_CACHES)
		elog(ERROR, "too many tweetlda table caches");
	cache->relid = InvalidOid;
	cache->valid = false;
	caches[ncaches++] = cache;
}

/* True when the cache must be reloaded; resolves the table's OID again whenever stale */
bool
TableCacheIsStale(TableCache *cache)
{
	Oid			nsp;

	if (cache->valid)
		return false;
	/* the table may have been dropped and created again (DROP/CREATE EXTENSION) */
	nsp = get_namespace_oid(TWEETLDA_SCHEMA, false);
	cache->relid = get_relname_relid(cache->relname, nsp);
	if (cache->relid == InvalidOid)
		ereport(ERROR,
				(errcode(ERRCODE_UNDEFINED_TABLE),
				 errmsg("table \"%s.%s\" does not exist",
						TWEETLDA_SCHEMA, cache->relname),
				 errhint("Reinstall the extension with DROP EXTENSION and CREATE EXTENSION.")));
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
