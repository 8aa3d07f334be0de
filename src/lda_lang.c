/*
 * lda_lang.c
 *		Training from a query with a language column: the check of train()'s
 *		source query, which may return (text) or (text, lang text).
 */
#include "postgres.h"

#include "catalog/pg_type.h"
#include "executor/spi.h"
#include "fmgr.h"
#include "parser/parse_coerce.h"
#include "utils/builtins.h"
#include "utils/plancache.h"

/* True when a column of the result can be read as text */
static bool
ColumnIsText(TupleDesc desc, int i)
{
	Oid			texttype = TEXTOID;
	Oid			coltype = TupleDescAttr(desc, i)->atttypid;

	return can_coerce_type(1, &coltype, &texttype, COERCION_IMPLICIT);
}

/* "1 column of type bigint", "3 columns (text, text, integer)" */
static char *
ColumnTypes(TupleDesc desc)
{
	StringInfoData buf;

	initStringInfo(&buf);
	if (desc == NULL || desc->natts == 0)
		appendStringInfoString(&buf, "no column");
	else if (desc->natts == 1)
		appendStringInfo(&buf, "1 column of type %s", format_type_be(TupleDescAttr(desc, 0)->atttypid));
	else
	{
		appendStringInfo(&buf, "%d columns (", desc->natts);
		for (int i = 0; i < desc->natts; i++)
			appendStringInfo(&buf, "%s%s", i > 0 ? ", " : "",
							 format_type_be(TupleDescAttr(desc, i)->atttypid));
		appendStringInfoChar(&buf, ')');
	}
	return buf.data;
}

PG_FUNCTION_INFO_V1(lda_check_training_source);

/*
 * lda_check_training_source(source): parse (not run) a training query; true
 * when it returns (text, lang text), false for one text column, an error
 * otherwise.
 */
Datum
lda_check_training_source(PG_FUNCTION_ARGS)
{
	char	   *query = text_to_cstring(PG_GETARG_TEXT_PP(0));
	SPIPlanPtr	plan;
	List	   *sources;
	TupleDesc	desc = NULL;
	bool		ok;

	SPI_connect();
	plan = SPI_prepare(query, 0, NULL);
	if (plan == NULL)
		elog(ERROR, "SPI_prepare failed: %s", SPI_result_code_string(SPI_result));
	sources = SPI_plan_get_plan_sources(plan);
	if (list_length(sources) == 1)
		desc = ((CachedPlanSource *) linitial(sources))->resultDesc;
	ok = desc != NULL && (desc->natts == 1 || desc->natts == 2);
	for (int i = 0; ok && i < desc->natts; i++)
		ok = ColumnIsText(desc, i);
	if (!ok)
		ereport(ERROR,
				(errcode(ERRCODE_DATATYPE_MISMATCH),
				 errmsg("training query must return one text column, or two: the text and its language"),
				 errdetail("The query %s.", list_length(sources) != 1 ?
						   "is not one statement" :
						   psprintf("returns %s", ColumnTypes(desc))),
				 errhint("Pass a query such as 'SELECT text FROM tweetlda.tweets' or 'SELECT text, lang FROM tweetlda.tweets'; cast a column with ::text if needed.")));
	ok = desc->natts == 2;
	SPI_freeplan(plan);
	SPI_finish();
	PG_RETURN_BOOL(ok);
}
