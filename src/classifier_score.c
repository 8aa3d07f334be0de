/*
 * classifier_score.c
 *		Scoring with trained sentiment classifiers (sentiment_classifier.h): a
 *		backend cache of the models of tweetlda.sentiment_models by name, the
 *		analyzer hook that sentiment(), polarity() and subjectivity() use for a
 *		model name, and the SQL functions sentiment_probabilities(),
 *		sentiment_label(text, name), sentiment_margin(), sentiment_explain()
 *		and the evaluation helper.
 *
 * A scorer is a model prepared for scoring: its featurizer (tokenizer rebuilt
 * from the model's text configuration), and the indexes of the usual classes.
 * Scorers are cached per backend by model name and dropped when
 * tweetlda.sentiment_models changes in any session (tablecache.h).
 *
 * For the usual labels (positive, negative, neutral; any case):
 *		polarity = P(positive) - P(negative)
 *		subjectivity = 1 - P(neutral), or P(positive) + P(negative) without a
 *		neutral class
 * A model with other labels has polarity 0: use sentiment_label() and
 * sentiment_probabilities() with it.
 */
#include "postgres.h"

#include <math.h>

#include "catalog/pg_type.h"
#include "executor/spi.h"
#include "fmgr.h"
#include "funcapi.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/memutils.h"
#include "utils/tuplestore.h"

#include "sentiment_classifier.h"
#include "tablecache.h"
#include "tweetlda.h"

#define CLF_CACHE_SIZE 16

struct ClfScorer
{
	MemoryContext cxt;
	char	   *name;
	ClfModel   *model;
	ClfFeaturizer *fz;
	ClfDoc		doc;
	double	   *p;				/* K probabilities of the last text */
	double	   *z;
	int			pos,
				neg,
				neu;			/* class indexes, -1 when absent */
	/* open-addressing index bucket -> feature (keys are bucket + 1; 0 is empty) */
	uint32	   *slot_key;
	int32	   *slot_val;
	uint32		slot_mask;
	/* the last text scored (p holds its probabilities), so that a second call on it is free */
	char	   *last;
	int			lastlen;		/* -1: none */
	int			lastcap;
	int			lastbest;
};

static void FlushClfCache(void);

static TableCache clf_table = TABLE_CACHE(FlushClfCache, "sentiment_models");
static ClfScorer *clf_cache[CLF_CACHE_SIZE];
static int	clf_count = 0;

/* Register the table cache (from _PG_init) */
void
ClfScoreInit(void)
{
	TableCacheRegister(&clf_table);
}

/* Forget every cached scorer */
static void
FlushClfCache(void)
{
	for (int i = 0; i < clf_count; i++)
		MemoryContextDelete(clf_cache[i]->cxt);
	clf_count = 0;
}

/* Index of the class whose label is name (any case), -1 if none */
static int
FindClass(const ClfModel *m, const char *name)
{
	for (int c = 0; c < m->nclasses; c++)
		if (pg_strcasecmp(ClfLabel(m, c), name) == 0)
			return c;
	return -1;
}

/* Slot of a bucket in the index (multiplicative hashing, then linear probing) */
static inline uint32
Slot(uint32 b, uint32 mask)
{
	return (uint32) ((b * UINT64CONST(0x9E3779B97F4A7C15)) >> 32) & mask;
}

/* Index the model's buckets: a table of at least twice as many slots, in the scorer's context */
static void
BuildIndex(ClfScorer *s)
{
	const ClfModel *m = s->model;
	const uint32 *b = CLF_BUCKETS(m);
	Size		n = 16;

	while (n < (Size) m->nfeatures * 2)
		n *= 2;
	s->slot_mask = (uint32) (n - 1);
	s->slot_key = MemoryContextAllocZero(s->cxt, sizeof(uint32) * n);
	s->slot_val = MemoryContextAlloc(s->cxt, sizeof(int32) * n);
	for (int i = 0; i < m->nfeatures; i++)
	{
		uint32		j = Slot(b[i], s->slot_mask);

		while (s->slot_key[j] != 0)
			j = (j + 1) & s->slot_mask;
		s->slot_key[j] = b[i] + 1;
		s->slot_val[j] = i;
	}
}

/* Build a scorer for a model in a new context under parent */
static ClfScorer *
ScorerCreate(const ClfModel *m, const char *name, MemoryContext parent)
{
	MemoryContext cxt = AllocSetContextCreate(parent, "tweetlda sentiment classifier",
											  ALLOCSET_DEFAULT_SIZES);
	MemoryContext old = MemoryContextSwitchTo(cxt);
	ClfScorer  *s = palloc0(sizeof(ClfScorer));

	ClfModelCheck(m, VARSIZE(m));
	s->cxt = cxt;
	s->name = pstrdup(name);
	s->model = MemoryContextAllocHuge(cxt, VARSIZE(m));
	memcpy(s->model, m, VARSIZE(m));
	s->fz = ClfFeaturizerCreate(&m->feat, TextConfigDeserialize(CLF_TEXTCONF(s->model),
																s->model->textconf_len));
	s->p = palloc(sizeof(double) * m->nclasses);
	s->z = palloc(sizeof(double) * m->nclasses);
	s->pos = FindClass(m, "positive");
	s->neg = FindClass(m, "negative");
	s->neu = FindClass(m, "neutral");
	s->lastlen = -1;
	BuildIndex(s);
	MemoryContextSwitchTo(old);
	return s;
}

/* Read a model row by name with SPI; NULL when there is none */
static ClfScorer *
LoadScorer(const char *name)
{
	Oid			argtypes[1] = {TEXTOID};
	Datum		args[1];
	bool		isnull;
	Datum		d;
	ClfScorer  *s = NULL;

	args[0] = CStringGetTextDatum(name);
	SPI_connect();
	if (SPI_execute_with_args("SELECT model FROM tweetlda.sentiment_models WHERE name OPERATOR(pg_catalog.=) $1",
							  1, argtypes, args, NULL, true, 1) != SPI_OK_SELECT)
		elog(ERROR, "could not read tweetlda.sentiment_models");
	if (SPI_processed == 1)
	{
		d = SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1, &isnull);
		if (!isnull)
		{
			if (clf_count == CLF_CACHE_SIZE)
				FlushClfCache();
			s = ScorerCreate(DatumGetClfModel(d), name, CurrentMemoryContext);
			MemoryContextSetParent(s->cxt, TopMemoryContext);
			clf_cache[clf_count++] = s;
		}
	}
	SPI_finish();
	return s;
}

/* The scorer of the model called name; NULL (missing_ok) or an error when there is none */
ClfScorer *
ClfScorerByName(const char *name, bool missing_ok)
{
	ClfScorer  *s = NULL;

	TableCacheGet(&clf_table);
	for (int i = 0; i < clf_count; i++)
		if (strcmp(clf_cache[i]->name, name) == 0)
			return clf_cache[i];
	s = LoadScorer(name);
	if (s == NULL && !missing_ok)
		ereport(ERROR,
				(errcode(ERRCODE_UNDEFINED_OBJECT),
				 errmsg("sentiment model \"%s\" does not exist", name),
				 errhint("Trained models are listed in tweetlda.sentiment_models.")));
	return s;
}

/* True when a trained model of that name exists */
bool
ClfModelExists(const char *name)
{
	return ClfScorerByName(name, true) != NULL;
}

/* Weights of bucket b in the scorer's model, NULL when it has none */
static inline const float *
BucketWeights(const ClfScorer *s, uint32 b)
{
	uint32		j = Slot(b, s->slot_mask);

	for (; s->slot_key[j] != 0; j = (j + 1) & s->slot_mask)
		if (s->slot_key[j] == b + 1)
			return CLF_WEIGHTS(s->model) + (Size) s->slot_val[j] * s->model->nclasses;
	return NULL;
}

/* Remember the text whose probabilities s->p holds (short texts only: tweets) */
static void
Remember(ClfScorer *s, const char *text, int len, int best)
{
	s->lastlen = -1;
	if (len > 4096)
		return;
	if (len > s->lastcap)
	{
		s->last = s->last ? repalloc(s->last, len) : MemoryContextAlloc(s->cxt, Max(len, 64));
		s->lastcap = Max(len, 64);
	}
	memcpy(s->last, text, len);
	s->lastlen = len;
	s->lastbest = best;
}

static int	ComputeScores(ClfScorer *s, const char *text, int len, bool names);

/*
 * Features of the text into s->doc (unless it is the last text scored and
 * names are not needed), probabilities into s->p; the best class
 */
static int
ScoreText(ClfScorer *s, const char *text, int len, bool names)
{
	int			best;

	if (!names && len == s->lastlen && memcmp(text, s->last, len) == 0)
		return s->lastbest;
	best = ComputeScores(s, text, len, names);
	Remember(s, text, len, best);
	return best;
}

/* Features of the text into s->doc, then probabilities into s->p; the best class */
static int
ComputeScores(ClfScorer *s, const char *text, int len, bool names)
{
	const ClfModel *m = s->model;
	int			K = m->nclasses;
	double		xv,
				mx,
				sum = 0;
	int			best = 0;

	ClfExtract(s->fz, text, len, &s->doc, names);
	xv = s->doc.n > 0 ? 1.0 / sqrt((double) s->doc.n) : 0;
	for (int c = 0; c < K; c++)
		s->z[c] = m->bias[c];
	for (int i = 0; i < s->doc.n; i++)
	{
		const float *w = BucketWeights(s, s->doc.ids[i]);

		if (w)
			for (int c = 0; c < K; c++)
				s->z[c] += xv * w[c];
	}
	for (int d = 0; d < m->ndense; d++)
		for (int c = 0; c < K; c++)
			s->z[c] += s->doc.dense[d] * CLF_DENSE(m)[d * K + c];
	mx = s->z[0];
	for (int c = 1; c < K; c++)
		mx = Max(mx, s->z[c]);
	for (int c = 0; c < K; c++)
		sum += (s->p[c] = exp(s->z[c] - mx));
	for (int c = 0; c < K; c++)
	{
		s->p[c] /= sum;
		if (s->p[c] > s->p[best])
			best = c;
	}
	return best;
}

/* The analyzer contract (sentiment.h) for a trained model */
void
ClfScorerAnalyze(ClfScorer *s, const char *text, int len, SentimentScore *out)
{
	double		pp,
				pn;

	ScoreText(s, text, len, false);
	pp = s->pos >= 0 ? s->p[s->pos] : 0;
	pn = s->neg >= 0 ? s->p[s->neg] : 0;
	out->polarity = pp - pn;
	out->subjectivity = s->neu >= 0 ? 1.0 - s->p[s->neu] : (s->pos >= 0 || s->neg >= 0 ? pp + pn : 0);
}

/* The scorer named by argument argno (text) */
static ClfScorer *
ArgScorer(FunctionCallInfo fcinfo, int argno)
{
	CheckDatabaseEncoding();
	return ClfScorerByName(text_to_cstring(PG_GETARG_TEXT_PP(argno)), false);
}

PG_FUNCTION_INFO_V1(sentiment_classify);
/* The most probable class of a text under a trained model (sentiment_label(text, name)) */
Datum
sentiment_classify(PG_FUNCTION_ARGS)
{
	text	   *doc = PG_GETARG_TEXT_PP(0);
	ClfScorer  *s = ArgScorer(fcinfo, 1);
	int			best = ScoreText(s, VARDATA_ANY(doc), VARSIZE_ANY_EXHDR(doc), false);

	PG_RETURN_TEXT_P(cstring_to_text(ClfLabel(s->model, best)));
}

PG_FUNCTION_INFO_V1(sentiment_margin);
/* P(best class) - P(second best): small when the model is unsure */
Datum
sentiment_margin(PG_FUNCTION_ARGS)
{
	text	   *doc = PG_GETARG_TEXT_PP(0);
	ClfScorer  *s = ArgScorer(fcinfo, 1);
	int			best = ScoreText(s, VARDATA_ANY(doc), VARSIZE_ANY_EXHDR(doc), false);
	double		second = 0;

	for (int c = 0; c < s->model->nclasses; c++)
		if (c != best)
			second = Max(second, s->p[c]);
	PG_RETURN_FLOAT8(s->p[best] - second);
}

PG_FUNCTION_INFO_V1(sentiment_probabilities);
/* tweetlda.sentiment_probabilities(doc, model): one row per class */
Datum
sentiment_probabilities(PG_FUNCTION_ARGS)
{
	text	   *doc = PG_GETARG_TEXT_PP(0);
	ClfScorer  *s = ArgScorer(fcinfo, 1);
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;

	InitMaterializedSRF(fcinfo, 0);
	ScoreText(s, VARDATA_ANY(doc), VARSIZE_ANY_EXHDR(doc), false);
	for (int c = 0; c < s->model->nclasses; c++)
	{
		Datum		values[2];
		bool		nulls[2] = {false, false};

		values[0] = CStringGetTextDatum(ClfLabel(s->model, c));
		values[1] = Float8GetDatum(s->p[c]);
		tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
	}
	return (Datum) 0;
}

/* One explained feature */
typedef struct Explained
{
	const char *name;
	const char *kind;
	double		value;
	double		contribution;
} Explained;

/* Order: largest |contribution| first, then by name */
static int
CompareExplained(const void *a, const void *b)
{
	const Explained *x = a,
			   *y = b;

	if (fabs(x->contribution) != fabs(y->contribution))
		return fabs(x->contribution) > fabs(y->contribution) ? -1 : 1;
	return strcmp(x->name, y->name);
}

/* w[c] - mean_k w[k] */
static inline double
Relative(const float *w, int K, int c)
{
	double		mean = 0;

	for (int k = 0; k < K; k++)
		mean += w[k];
	return w[c] - mean / K;
}

/* The features of the last scored text with their push toward class c */
static Explained *
ExplainFeatures(ClfScorer *s, int c, int *n)
{
	const ClfModel *m = s->model;
	int			K = m->nclasses;
	Explained  *e = palloc(sizeof(Explained) * (s->doc.n + m->ndense + 1));
	double		xv = s->doc.n > 0 ? 1.0 / sqrt((double) s->doc.n) : 0;
	int			k = 0;

	for (int i = 0; i < s->doc.n; i++)
	{
		const float *w = BucketWeights(s, s->doc.ids[i]);
		const char *nm = s->doc.names[i];

		if (w == NULL)
			continue;
		e[k].kind = nm[0] == 'u' ? "word" : nm[0] == 'b' ? "bigram" : "characters";
		e[k].name = nm + 1;
		e[k].value = xv;
		e[k++].contribution = xv * Relative(w, K, c);
	}
	for (int d = 0; d < m->ndense; d++)
	{
		if (s->doc.dense[d] == 0)
			continue;
		e[k].kind = "social";
		e[k].name = ClfDenseName(d);
		e[k].value = s->doc.dense[d];
		e[k++].contribution = s->doc.dense[d] * Relative(CLF_DENSE(m) + d * K, K, c);
	}
	e[k].kind = "bias";
	e[k].name = "(bias)";
	e[k].value = 1;
	e[k++].contribution = Relative(m->bias, K, c);
	qsort(e, k, sizeof(Explained), CompareExplained);
	*n = k;
	return e;
}

PG_FUNCTION_INFO_V1(sentiment_explain);
/*
 * tweetlda.sentiment_explain(doc, model): the features of the text that the
 * model knows, with their push toward the predicted class (weight of that
 * class minus the mean weight of all classes, times the feature's value);
 * the pushes and the bias add up to z[predicted] - mean(z).
 */
Datum
sentiment_explain(PG_FUNCTION_ARGS)
{
	text	   *doc = PG_GETARG_TEXT_PP(0);
	ClfScorer  *s = ArgScorer(fcinfo, 1);
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	MemoryContext cxt = AllocSetContextCreate(CurrentMemoryContext, "sentiment_explain",
											  ALLOCSET_DEFAULT_SIZES);
	MemoryContext old;
	int			best,
				n;
	Explained  *e;
	Datum		cls;

	InitMaterializedSRF(fcinfo, 0);
	old = MemoryContextSwitchTo(cxt);
	best = ScoreText(s, VARDATA_ANY(doc), VARSIZE_ANY_EXHDR(doc), true);
	e = ExplainFeatures(s, best, &n);
	cls = CStringGetTextDatum(ClfLabel(s->model, best));
	for (int i = 0; i < n; i++)
	{
		Datum		values[5];
		bool		nulls[5] = {false, false, false, false, false};

		values[0] = CStringGetTextDatum(e[i].name);
		values[1] = CStringGetTextDatum(e[i].kind);
		values[2] = Float8GetDatum(e[i].value);
		values[3] = cls;
		values[4] = Float8GetDatum(e[i].contribution);
		tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
	}
	MemoryContextSwitchTo(old);
	MemoryContextDelete(cxt);
	return (Datum) 0;
}

/* The elements of a text[] as C strings (NULL elements stay NULL) */
static char **
TextArray(ArrayType *a, int *n)
{
	Datum	   *elems;
	bool	   *nulls;
	char	  **out;

	if (ARR_NDIM(a) > 1)
		ereport(ERROR,
				(errcode(ERRCODE_ARRAY_SUBSCRIPT_ERROR),
				 errmsg("array must have one dimension")));
	deconstruct_array(a, TEXTOID, -1, false, TYPALIGN_INT, &elems, &nulls, n);
	out = palloc(sizeof(char *) * Max(*n, 1));
	for (int i = 0; i < *n; i++)
		out[i] = nulls[i] ? NULL : TextDatumGetCString(elems[i]);
	return out;
}

PG_FUNCTION_INFO_V1(sentiment_evaluate_texts);
/*
 * tweetlda.sentiment_evaluate_texts(model, docs, labels): score each text and
 * compare with its label; the metrics of ClfMetricsJsonb.  Pairs with a NULL
 * are skipped; a label that is not a class of the model is an error.
 */
Datum
sentiment_evaluate_texts(PG_FUNCTION_ARGS)
{
	ClfScorer  *s = ArgScorer(fcinfo, 0);
	int			nd,
				nl,
				K;
	char	  **docs = TextArray(PG_GETARG_ARRAYTYPE_P(1), &nd);
	char	  **labels = TextArray(PG_GETARG_ARRAYTYPE_P(2), &nl);
	int64	   *conf;
	char	  **names;

	if (nd != nl)
		ereport(ERROR,
				(errcode(ERRCODE_ARRAY_SUBSCRIPT_ERROR),
				 errmsg("texts and labels must have the same length")));
	K = s->model->nclasses;
	conf = palloc0(sizeof(int64) * K * K);
	names = palloc(sizeof(char *) * K);
	for (int c = 0; c < K; c++)
		names[c] = (char *) ClfLabel(s->model, c);
	for (int i = 0; i < nd; i++)
	{
		int			gold = -1;

		if (docs[i] == NULL || labels[i] == NULL)
			continue;
		for (int c = 0; c < K && gold < 0; c++)
			if (strcmp(names[c], labels[i]) == 0)
				gold = c;
		if (gold < 0)
			ereport(ERROR,
					(errcode(ERRCODE_DATA_EXCEPTION),
					 errmsg("label \"%s\" is not a class of sentiment model \"%s\"", labels[i], s->name),
					 errhint("The classes are listed by tweetlda.sentiment_model_info(model).")));
		conf[gold * K + ScoreText(s, docs[i], strlen(docs[i]), false)]++;
		/* ScoreText may have reloaded nothing: s stays valid (no table access in between) */
	}
	PG_RETURN_JSONB_P(ClfMetricsJsonb(K, names, conf));
}
