/*
 * source_query.c
 *		Checks of the queries that training and evaluation functions read
 *		(train(), evaluate(), train_sentiment(), evaluate_sentiment()): the query
 *		is parsed, not run, and a wrong result shape is reported in the caller's
 *		terms instead of as an error of an internal aggregate call.
 */
#include "postgres.h"

#include "catalog/pg_type.h"
#include "executor/spi.h"
#include "fmgr.h"
#include "parser/parse_coerce.h"
#include "utils/builtins.h"
#include "utils/plancache.h"

/* The result shape of a query */
typedef struct SourceShape
{
	bool		one_statement;
	TupleDesc	desc;			/* NULL unless one statement returning rows */
} SourceShape;

/* Parse a query and copy its result description (call inside SPI) */
static SourceShape
SourceQueryShape(const char *query)
{
	SourceShape shape = {false, NULL};
	SPIPlanPtr	plan = SPI_prepare(query, 0, NULL);
	List	   *sources;

	if (plan == NULL)
		elog(ERROR, "SPI_prepare failed: %s", SPI_result_code_string(SPI_result));
	sources = SPI_plan_get_plan_sources(plan);
	shape.one_statement = list_length(sources) == 1;
	if (shape.one_statement && ((CachedPlanSource *) linitial(sources))->resultDesc != NULL)
		shape.desc = CreateTupleDescCopy(((CachedPlanSource *) linitial(sources))->resultDesc);
	SPI_freeplan(plan);
	return shape;
}

/* True when column i of the result can be read as text */
static bool
ColumnIsText(TupleDesc desc, int i)
{
	Oid			texttype = TEXTOID;
	Oid			coltype = TupleDescAttr(desc, i)->atttypid;

	return can_coerce_type(1, &coltype, &texttype, COERCION_IMPLICIT);
}

/* True when the result has between min and max columns, all readable as text */
static bool
ShapeIsText(const SourceShape *shape, int min, int max)
{
	TupleDesc	desc = shape->desc;

	if (desc == NULL || desc->natts < min || desc->natts > max)
		return false;
	for (int i = 0; i < desc->natts; i++)
		if (!ColumnIsText(desc, i))
			return false;
	return true;
}

/* "is not one statement", "returns 1 column of type bigint", "returns 3 columns (text, text, integer)" */
static char *
DescribeShape(const SourceShape *shape)
{
	StringInfoData buf;
	TupleDesc	desc = shape->desc;

	initStringInfo(&buf);
	if (!shape->one_statement)
		appendStringInfoString(&buf, "is not one statement");
	else if (desc == NULL || desc->natts == 0)
		appendStringInfoString(&buf, "returns no column");
	else if (desc->natts == 1)
		appendStringInfo(&buf, "returns 1 column of type %s",
						 format_type_be(TupleDescAttr(desc, 0)->atttypid));
	else
	{
		appendStringInfo(&buf, "returns %d columns (", desc->natts);
		for (int i = 0; i < desc->natts; i++)
			appendStringInfo(&buf, "%s%s", i > 0 ? ", " : "",
							 format_type_be(TupleDescAttr(desc, i)->atttypid));
		appendStringInfoChar(&buf, ')');
	}
	return buf.data;
}

/* The shape of the query in argument 0, parsed inside its own SPI connection */
static SourceShape
ArgShape(FunctionCallInfo fcinfo)
{
	char	   *query = text_to_cstring(PG_GETARG_TEXT_PP(0));
	SourceShape shape;

	SPI_connect();
	shape = SourceQueryShape(query);
	SPI_finish();
	return shape;
}

PG_FUNCTION_INFO_V1(lda_check_source);
/* lda_check_source(source): error unless the query returns one text column */
Datum
lda_check_source(PG_FUNCTION_ARGS)
{
	SourceShape shape = ArgShape(fcinfo);

	if (!ShapeIsText(&shape, 1, 1))
		ereport(ERROR,
				(errcode(ERRCODE_DATATYPE_MISMATCH),
				 errmsg("training query must return one text column"),
				 errdetail("The query %s.", DescribeShape(&shape)),
				 errhint("Pass a query such as 'SELECT text FROM tweetlda.tweets'; cast the column with ::text if needed.")));
	PG_RETURN_VOID();
}

PG_FUNCTION_INFO_V1(lda_check_training_source);
/* lda_check_training_source(source): true for (text, lang), false for (text), else an error */
Datum
lda_check_training_source(PG_FUNCTION_ARGS)
{
	SourceShape shape = ArgShape(fcinfo);

	if (!ShapeIsText(&shape, 1, 2))
		ereport(ERROR,
				(errcode(ERRCODE_DATATYPE_MISMATCH),
				 errmsg("training query must return one text column, or two: the text and its language"),
				 errdetail("The query %s.", DescribeShape(&shape)),
				 errhint("Pass a query such as 'SELECT text FROM tweetlda.tweets' or 'SELECT text, lang FROM tweetlda.tweets'; cast a column with ::text if needed.")));
	PG_RETURN_BOOL(shape.desc->natts == 2);
}

PG_FUNCTION_INFO_V1(sentiment_check_source);
/* sentiment_check_source(source): error unless the query returns (text, label of any type) */
Datum
sentiment_check_source(PG_FUNCTION_ARGS)
{
	SourceShape shape = ArgShape(fcinfo);

	/* the label may be of any type (labels 0, 2, 4 are common): it is read as text */
	if (shape.desc == NULL || shape.desc->natts != 2 || !ColumnIsText(shape.desc, 0))
		ereport(ERROR,
				(errcode(ERRCODE_DATATYPE_MISMATCH),
				 errmsg("labelled query must return two columns: the text and its label"),
				 errdetail("The query %s.", DescribeShape(&shape)),
				 errhint("Pass a query such as 'SELECT text, label FROM my_labels'; cast the text column with ::text if needed.")));
	PG_RETURN_VOID();
}
