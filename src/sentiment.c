/*
 * sentiment.c
 *		The sentiment SQL API: tweetlda.sentiment(), polarity(), subjectivity(),
 *		sentiment_label() and analyzers(), dispatching to the analyzers listed
 *		in one static table (see sentiment.h for their contract) or, for any
 *		other name, to the trained classifier of that name in
 *		tweetlda.sentiment_models (classifier_score.c).
 */
#include "postgres.h"

#include <math.h>

#include "access/htup_details.h"
#include "fmgr.h"
#include "funcapi.h"
#include "lib/stringinfo.h"
#include "executor/spi.h"
#include "utils/builtins.h"
#include "utils/tuplestore.h"

#include "sentiment.h"
#include "sentiment_classifier.h"
#include "tweetlda.h"

/* Every analyzer, in the order tweetlda.analyzers() lists them */
static const SentimentAnalyzer sentiment_analyzers[] = {
	{"textblob", "TextBlob 0.18 PatternAnalyzer: pattern's lexicon, numerically identical", TextBlobAnalyze},
	{"social", "made for tweets: VADER's lexicon and emoji with rules for negation, contrast, emphasis, slang, hashtags", SocialAnalyze},
};

#define SENTIMENT_MAX_ANALYZER_NAME 63

/*
 * Per-call-site cache: the last analyzer looked up (NULL with classifier set:
 * a trained model, looked up by name in its own cache on every call), and the
 * result row type
 */
typedef struct SentimentCallCache
{
	int			namelen;
	char		name[SENTIMENT_MAX_ANALYZER_NAME + 1];
	const SentimentAnalyzer *analyzer;
	char	   *classifier;
	TupleDesc	tupdesc;
} SentimentCallCache;

/* The names of all analyzers, comma-separated, for error hints */
static char *
AnalyzerNames(void)
{
	StringInfoData buf;

	initStringInfo(&buf);
	for (int i = 0; i < lengthof(sentiment_analyzers); i++)
		appendStringInfo(&buf, "%s%s", i > 0 ? ", " : "", sentiment_analyzers[i].name);
	return buf.data;
}

/* The built-in analyzer of that name, NULL when there is none */
static const SentimentAnalyzer *
BuiltinAnalyzer(const char *name)
{
	for (int i = 0; i < lengthof(sentiment_analyzers); i++)
	{
		if (strcmp(sentiment_analyzers[i].name, name) == 0)
			return &sentiment_analyzers[i];
	}
	return NULL;
}

/* Error: no analyzer and no trained model has that name */
static void
pg_attribute_noreturn()
UnknownAnalyzer(const char *name)
{
	ereport(ERROR,
			(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
			 errmsg("unknown sentiment analyzer \"%s\"", name),
			 errhint("The analyzers are: %s, and the trained models of tweetlda.sentiment_models (see tweetlda.analyzers()).",
					 AnalyzerNames())));
}

/* Find a built-in analyzer by name; an unknown name is an error whose hint lists them */
const SentimentAnalyzer *
SentimentFindAnalyzer(const char *name)
{
	const SentimentAnalyzer *a = BuiltinAnalyzer(name);

	if (a == NULL)
		UnknownAnalyzer(name);
	return a;
}

/* The call-site cache, created on the first call (checks the encoding once) */
static SentimentCallCache *
GetCallCache(FunctionCallInfo fcinfo)
{
	SentimentCallCache *cache = (SentimentCallCache *) fcinfo->flinfo->fn_extra;

	if (cache == NULL)
	{
		CheckDatabaseEncoding();
		cache = MemoryContextAllocZero(fcinfo->flinfo->fn_mcxt, sizeof(SentimentCallCache));
		cache->namelen = -1;
		fcinfo->flinfo->fn_extra = cache;
	}
	return cache;
}

/*
 * The analyzer named by a text argument, looked up once per distinct name; a
 * name that is no built-in analyzer is a trained model: NULL is returned and
 * *classifier set to its name.
 */
static const SentimentAnalyzer *
GetAnalyzer(FunctionCallInfo fcinfo, text *name, const char **classifier)
{
	SentimentCallCache *cache = GetCallCache(fcinfo);
	int			len = VARSIZE_ANY_EXHDR(name);
	char	   *cname;

	if (len == cache->namelen && memcmp(cache->name, VARDATA_ANY(name), len) == 0)
	{
		*classifier = cache->classifier;
		return cache->analyzer;
	}
	cname = text_to_cstring(name);
	cache->analyzer = BuiltinAnalyzer(cname);
	if (cache->classifier)
		pfree(cache->classifier);
	cache->classifier = NULL;
	if (cache->analyzer == NULL)
	{
		if (!ClfModelExists(cname))
			UnknownAnalyzer(cname);
		cache->classifier = MemoryContextStrdup(fcinfo->flinfo->fn_mcxt, cname);
	}
	cache->namelen = -1;
	if (len <= SENTIMENT_MAX_ANALYZER_NAME)
	{
		memcpy(cache->name, VARDATA_ANY(name), len);
		cache->namelen = len;
	}
	*classifier = cache->classifier;
	return cache->analyzer;
}

/* Score a document with the analyzer given as argument 1 */
static void
ScoreArgs(FunctionCallInfo fcinfo, SentimentScore *score)
{
	text	   *doc = PG_GETARG_TEXT_PP(0);
	const char *classifier;
	const SentimentAnalyzer *analyzer = GetAnalyzer(fcinfo, PG_GETARG_TEXT_PP(1), &classifier);
	int			len = VARSIZE_ANY_EXHDR(doc);

	score->polarity = 0.0;
	score->subjectivity = 0.0;
	if (analyzer == NULL)
		ClfScorerAnalyze(ClfScorerByName(classifier, false), VARDATA_ANY(doc), len, score);
	else if (len > 0)
		analyzer->analyze(VARDATA_ANY(doc), len, score);
}

PG_FUNCTION_INFO_V1(sentiment);

/* tweetlda.sentiment(doc, analyzer): (polarity, subjectivity) */
Datum
sentiment(PG_FUNCTION_ARGS)
{
	SentimentScore score;
	SentimentCallCache *cache;
	Datum		values[2];
	bool		nulls[2] = {false, false};

	ScoreArgs(fcinfo, &score);
	cache = GetCallCache(fcinfo);
	if (cache->tupdesc == NULL)
	{
		TupleDesc	td;
		MemoryContext old;

		if (get_call_result_type(fcinfo, NULL, &td) != TYPEFUNC_COMPOSITE)
			elog(ERROR, "return type must be a row type");
		old = MemoryContextSwitchTo(fcinfo->flinfo->fn_mcxt);
		cache->tupdesc = BlessTupleDesc(CreateTupleDescCopy(td));
		MemoryContextSwitchTo(old);
	}
	values[0] = Float8GetDatum(score.polarity);
	values[1] = Float8GetDatum(score.subjectivity);
	PG_RETURN_DATUM(HeapTupleGetDatum(heap_form_tuple(cache->tupdesc, values, nulls)));
}

PG_FUNCTION_INFO_V1(sentiment_polarity);

/* tweetlda.polarity(doc, analyzer) */
Datum
sentiment_polarity(PG_FUNCTION_ARGS)
{
	SentimentScore score;

	ScoreArgs(fcinfo, &score);
	PG_RETURN_FLOAT8(score.polarity);
}

PG_FUNCTION_INFO_V1(sentiment_subjectivity);

/* tweetlda.subjectivity(doc, analyzer) */
Datum
sentiment_subjectivity(PG_FUNCTION_ARGS)
{
	SentimentScore score;

	ScoreArgs(fcinfo, &score);
	PG_RETURN_FLOAT8(score.subjectivity);
}

/* Thresholds must be numbers with negative_threshold < positive_threshold */
static inline void
CheckLabelThresholds(double positive, double negative)
{
	if (isnan(positive) || isnan(negative) || !(negative < positive))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("invalid sentiment label thresholds"),
				 errdetail("negative_threshold (%g) must be lower than positive_threshold (%g), and neither may be NaN.",
						   negative, positive),
				 errhint("The defaults are 0.05 and -0.05.")));
}

PG_FUNCTION_INFO_V1(sentiment_label);

/* tweetlda.sentiment_label(polarity, positive_threshold, negative_threshold) */
Datum
sentiment_label(PG_FUNCTION_ARGS)
{
	double		polarity = PG_GETARG_FLOAT8(0);
	double		positive = PG_GETARG_FLOAT8(1);
	double		negative = PG_GETARG_FLOAT8(2);

	CheckLabelThresholds(positive, negative);
	if (isnan(polarity))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("polarity must not be NaN")));
	if (polarity >= positive)
		PG_RETURN_TEXT_P(cstring_to_text("positive"));
	if (polarity <= negative)
		PG_RETURN_TEXT_P(cstring_to_text("negative"));
	PG_RETURN_TEXT_P(cstring_to_text("neutral"));
}

/* Add a row per trained model of tweetlda.sentiment_models, by name */
static void
ListTrainedModels(ReturnSetInfo *rsinfo)
{
	SPI_connect();
	if (SPI_execute("SELECT name, model FROM tweetlda.sentiment_models ORDER BY name COLLATE pg_catalog.\"C\"",
					true, 0) != SPI_OK_SELECT)
		elog(ERROR, "could not read tweetlda.sentiment_models");
	for (uint64 r = 0; r < SPI_processed; r++)
	{
		Datum		values[2];
		bool		nulls[2] = {false, false};
		bool		isnull;
		Datum		m = SPI_getbinval(SPI_tuptable->vals[r], SPI_tuptable->tupdesc, 2, &isnull);

		values[0] = SPI_getbinval(SPI_tuptable->vals[r], SPI_tuptable->tupdesc, 1, &nulls[0]);
		if (isnull)
			nulls[1] = true;
		else
			values[1] = CStringGetTextDatum(ClfDescribe(DatumGetClfModel(m)));
		tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
	}
	SPI_finish();
}

PG_FUNCTION_INFO_V1(sentiment_analyzers_list);

/* tweetlda.analyzers(): name and description of every analyzer */
Datum
sentiment_analyzers_list(PG_FUNCTION_ARGS)
{
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;

	InitMaterializedSRF(fcinfo, 0);
	for (int i = 0; i < lengthof(sentiment_analyzers); i++)
	{
		Datum		values[2];
		bool		nulls[2] = {false, false};

		values[0] = CStringGetTextDatum(sentiment_analyzers[i].name);
		values[1] = CStringGetTextDatum(sentiment_analyzers[i].description);
		tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
	}
	ListTrainedModels(rsinfo);
	return (Datum) 0;
}

PG_FUNCTION_INFO_V1(sentiment_label_text);

/*
 * tweetlda.sentiment_label(doc, analyzer): the most probable class of a
 * trained model; for a built-in analyzer, the label of its polarity with the
 * default thresholds.
 */
Datum
sentiment_label_text(PG_FUNCTION_ARGS)
{
	text	   *doc = PG_GETARG_TEXT_PP(0);
	const char *classifier;
	const SentimentAnalyzer *analyzer = GetAnalyzer(fcinfo, PG_GETARG_TEXT_PP(1), &classifier);
	SentimentScore score = {0, 0};

	if (analyzer == NULL)
		PG_RETURN_DATUM(DirectFunctionCall2(sentiment_classify, PointerGetDatum(doc),
											CStringGetTextDatum(classifier)));
	if (VARSIZE_ANY_EXHDR(doc) > 0)
		analyzer->analyze(VARDATA_ANY(doc), VARSIZE_ANY_EXHDR(doc), &score);
	PG_RETURN_TEXT_P(cstring_to_text(score.polarity >= 0.05 ? "positive" :
									 score.polarity <= -0.05 ? "negative" : "neutral"));
}
