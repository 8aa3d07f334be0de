/*
 * lda_score.c
 *		Scoring text with an LDA model: tweetlda.topics() and tweetlda.top_topic()
 *		for a model given by id, by name or as a value, and the per-document
 *		variational bound used by log_likelihood() and log_perplexity(); and
 *		topic_argmax(), the same choice over a stored topics array.
 *
 * A "scorer" is a model prepared for scoring: the tokenizer rebuilt from the
 * model's text configuration, the vocabulary index, the term weights and
 * exp(E[log beta]) in term-major layout.  It is built once and cached:
 *
 *	- by id or name: in a backend-wide cache keyed by model id, emptied when
 *	  tweetlda.models changes (tablecache.h); each call site also remembers its
 *	  scorer and the cache generation it came from in fn_extra, so the common
 *	  path does no lookup at all;
 *	- by value: in fn_extra, keyed by the model's fingerprint and size, read from
 *	  a slice of the value's header (no full detoasting per row).
 *
 * Scoring is deterministic (lda_infer.c starts gamma from alpha plus an even
 * share of the document's weight).  A document without any vocabulary term
 * (or whose terms all have weight zero) has no topic: the result is NULL.
 */
#include "postgres.h"

#include <math.h>

#include "access/detoast.h"
#include "catalog/pg_type.h"
#include "executor/spi.h"
#include "fmgr.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/memutils.h"

#include "lda_infer.h"
#include "lda_model.h"
#include "lda_score.h"
#include "tablecache.h"
#include "textconf.h"
#include "vocab.h"

#define SCORER_CACHE_SIZE 16
#define SCORER_CACHE_CELLS	(2 * LDA_MAX_CELLS)	/* k x vocabulary summed over cached models */

/* One backend cache entry: model id -> scorer */
typedef struct ScorerEntry
{
	int32		id;
	char	   *name;
	LdaScorer  *scorer;
} ScorerEntry;

static void FlushScorerCache(void);

/* Its "loader" empties the scorer cache: scorers are built again on demand */
static TableCache models_table = TABLE_CACHE(FlushScorerCache, "models");
static ScorerEntry scorer_cache[SCORER_CACHE_SIZE];
static int	scorer_count = 0;
static uint64 scorer_generation = 1;

/* What a call site remembers in fn_extra */
typedef struct CallSite
{
	uint64		generation;		/* of the backend cache (id/name overloads) */
	int32		id;
	char	   *name;
	uint64		fingerprint;	/* value overload */
	Size		size;
	LdaScorer  *scorer;
	MemoryContext own;			/* value overload: the scorer's context */
} CallSite;

/* Register the models table cache (from _PG_init) */
void
LdaScoreInit(void)
{
	TableCacheRegister(&models_table);
}

/* Build a scorer for model m in a new context under parent */
LdaScorer *
LdaScorerCreate(const LdaModel *m, MemoryContext parent)
{
	MemoryContext cxt = AllocSetContextCreate(parent, "tweetlda LDA scorer",
											  ALLOCSET_DEFAULT_SIZES);
	MemoryContext old = MemoryContextSwitchTo(cxt);
	LdaScorer  *s = palloc0(sizeof(LdaScorer));
	Size		cells = (Size) m->k * m->nterms;
	const float *lambda = LDA_LAMBDA(m);
	double	   *tmp;

	LdaModelCheck(m, VARSIZE(m));
	s->cxt = cxt;
	s->k = m->k;
	s->nterms = m->nterms;
	s->fingerprint = m->fingerprint;
	s->model = palloc(VARSIZE(m));
	memcpy(s->model, m, VARSIZE(m));
	s->alpha = s->model->alpha;
	s->tok = TokenizerCreate(TextConfigDeserialize(LDA_TEXTCONF(s->model), s->model->textconf_len));
	s->index = VocabIndexCreate(LDA_VOCAB(s->model));
	s->termWeight = palloc(sizeof(double) * m->nterms);
	for (int w = 0; w < m->nterms; w++)
		s->termWeight[w] = m->info.weighting == LDA_WEIGHTING_TFIDF ?
			VocabIdf(LDA_VOCAB(s->model), w) : 1.0;
	s->method = m->info.method;
	tmp = MemoryContextAllocHuge(cxt, sizeof(double) * cells);
	for (Size i = 0; i < cells; i++)
		tmp[i] = lambda[i];
	if (s->method == LDA_METHOD_DMM)
	{
		/* the mixture's posterior needs lambda itself and its column sums */
		s->mixLambda = tmp;
		s->mixColsum = palloc0(sizeof(double) * m->k);
		for (Size i = 0; i < cells; i++)
			s->mixColsum[i % m->k] += tmp[i];
	}
	else
	{
		s->expElogbeta = MemoryContextAllocHuge(cxt, sizeof(double) * cells);
		LdaExpDirichletExpectation(m->k, m->nterms, tmp, s->expElogbeta, NULL);
		pfree(tmp);
	}
	s->scratch.k = m->k;
	s->scratch.gamma = palloc(sizeof(double) * m->k);
	s->scratch.expElogtheta = palloc(sizeof(double) * m->k);
	s->scratch.gammaOld = palloc(sizeof(double) * m->k);
	s->cap = 64;
	s->scratch.maxterms = s->cap;
	s->scratch.phinorm = palloc(sizeof(double) * s->cap);
	s->ids = palloc(sizeof(uint32) * s->cap);
	s->wts = palloc(sizeof(double) * s->cap);
	MemoryContextSwitchTo(old);
	return s;
}

/* Elogbeta of a scorer, computed on first use (for bounds) from the model's lambda */
const double *
LdaScorerElogbeta(LdaScorer *s)
{
	if (s->Elogbeta == NULL)
	{
		Size		cells = (Size) s->k * s->nterms;
		const float *lambda = LDA_LAMBDA(s->model);
		double	   *tmp = MemoryContextAllocHuge(s->cxt, sizeof(double) * cells);
		double	   *e = MemoryContextAllocHuge(s->cxt, sizeof(double) * cells);

		for (Size i = 0; i < cells; i++)
			tmp[i] = lambda[i];
		LdaExpDirichletExpectation(s->k, s->nterms, tmp, NULL, e);
		pfree(tmp);
		s->Elogbeta = e;
	}
	return s->Elogbeta;
}

/*
 * Infer the topics of a document (distinct terms ids with weights wts, count
 * tokens) into s->scratch.gamma: the one place where the model's method
 * chooses the inference.  LDA: the variational E-step (gamma, unnormalized);
 * mixture: the exact posterior over the clusters (normalized), the document's
 * log evidence in s->logEvidence.
 */
void
LdaScorerPosterior(LdaScorer *s, int n, const uint32 *ids, const double *wts,
				   double count, bool interruptible)
{
	if (s->method == LDA_METHOD_DMM)
	{
		double		prior = 0.0;

		for (int t = 0; t < s->k; t++)
			prior += s->alpha[t];
		s->logEvidence = LdaMixturePosterior(s->k, s->alpha, s->mixLambda, s->mixColsum,
											 n, ids, wts, s->scratch.gamma) - log(prior);
		return;
	}
	LdaInferDoc(&s->scratch, s->alpha, s->expElogbeta, n, ids, wts,
				LdaDocTolerance(n, wts, count), interruptible);
}

/* Token sink: append the id of every vocabulary term */
static void
ScorerToken(void *arg, const char *tok, int len)
{
	LdaScorer  *s = (LdaScorer *) arg;
	int			id = VocabIndexLookup(s->index, tok, len);

	if (id < 0)
		return;
	if (s->n == s->cap)
	{
		s->cap *= 2;
		s->ids = repalloc(s->ids, sizeof(uint32) * s->cap);
		s->wts = repalloc(s->wts, sizeof(double) * s->cap);
		s->scratch.phinorm = repalloc(s->scratch.phinorm, sizeof(double) * s->cap);
		s->scratch.maxterms = s->cap;
	}
	s->ids[s->n++] = (uint32) id;
}

/* qsort comparator for term ids */
static int
CompareTermIds(const void *a, const void *b)
{
	uint32		x = *(const uint32 *) a,
				y = *(const uint32 *) b;

	return (x > y) - (x < y);
}

/*
 * Tokenize doc and infer its topic mix into s->scratch.gamma; false when the
 * document has no term of the vocabulary (or only zero-weight terms).
 * Afterwards s->ids[0..s->n) and s->wts hold the document's terms and weights.
 */
bool
LdaScorerInfer(LdaScorer *s, text *doc)
{
	return LdaScorerInferLang(s, doc, NULL);
}

/*
 * LdaScorerInfer for a tweet whose lang field is lang (NULL: detected when
 * the model's text configuration looks at languages).  A tweet of a language
 * the model was not trained on gives no token, hence false.
 */
bool
LdaScorerInferLang(LdaScorer *s, text *doc, text *lang)
{
	int			n = 0;
	double		total = 0.0;
	double		count;

	s->n = 0;
	(void) TokenizeTweet(s->tok, VARDATA_ANY(doc), VARSIZE_ANY_EXHDR(doc),
						 lang ? VARDATA_ANY(lang) : NULL, lang ? VARSIZE_ANY_EXHDR(lang) : 0,
						 ScorerToken, s);
	if (s->n == 0)
		return false;
	count = s->n;
	if (s->n > 1)
		qsort(s->ids, s->n, sizeof(uint32), CompareTermIds);
	for (int i = 0; i < s->n; i++)
	{
		if (n > 0 && s->ids[n - 1] == s->ids[i])
		{
			s->wts[n - 1] += s->termWeight[s->ids[i]];
			continue;
		}
		s->ids[n] = s->ids[i];
		s->wts[n] = s->termWeight[s->ids[i]];
		n++;
	}
	s->n = n;
	for (int i = 0; i < n; i++)
		total += s->wts[i];
	if (total <= 0.0)
		return false;
	LdaScorerPosterior(s, n, s->ids, s->wts, count, true);
	return true;
}

/* Forget every cached scorer (the models table changed) */
static void
FlushScorerCache(void)
{
	for (int i = 0; i < scorer_count; i++)
	{
		MemoryContextDelete(scorer_cache[i].scorer->cxt);
		if (scorer_cache[i].name)
			pfree(scorer_cache[i].name);
	}
	scorer_count = 0;
	scorer_generation++;
}

/* Check the table cache, flushing the scorers when tweetlda.models changed */
static void
RefreshScorerCache(void)
{
	TableCacheGet(&models_table);
}

/* Report a model that does not exist */
static void
pg_attribute_noreturn()
NoSuchModel(int32 id, const char *name)
{
	if (name)
		ereport(ERROR,
				(errcode(ERRCODE_UNDEFINED_OBJECT),
				 errmsg("LDA model \"%s\" does not exist", name),
				 errhint("Models are listed in tweetlda.models.")));
	ereport(ERROR,
			(errcode(ERRCODE_UNDEFINED_OBJECT),
			 errmsg("LDA model %d does not exist", id),
			 errhint("Models are listed in tweetlda.models.")));
}

/* Sum of k x vocabulary over the cached scorers */
static int64
CachedCells(void)
{
	int64		cells = 0;

	for (int i = 0; i < scorer_count; i++)
		cells += (int64) scorer_cache[i].scorer->k * scorer_cache[i].scorer->nterms;
	return cells;
}

/* Read a model row by id or by name with SPI and build its scorer in the backend cache */
static ScorerEntry *
LoadScorer(int32 id, const char *name)
{
	Oid			argtypes[1] = {name ? TEXTOID : INT4OID};
	Datum		args[1];
	ScorerEntry *e;
	bool		isnull;
	int32		gotid;
	Datum		d;
	LdaModel   *m;

	args[0] = name ? CStringGetTextDatum(name) : Int32GetDatum(id);
	SPI_connect();
	if (SPI_execute_with_args(name ?
							  "SELECT id, model FROM tweetlda.models WHERE name OPERATOR(pg_catalog.=) $1" :
							  "SELECT id, model FROM tweetlda.models WHERE id OPERATOR(pg_catalog.=) $1",
							  1, argtypes, args, NULL, true, 1) != SPI_OK_SELECT)
		elog(ERROR, "could not read tweetlda.models");
	if (SPI_processed == 0)
		NoSuchModel(id, name);
	gotid = DatumGetInt32(SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1, &isnull));
	d = SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 2, &isnull);
	if (isnull)
		NoSuchModel(id, name);
	m = DatumGetLdaModel(d);
	/* bounded memory: start afresh when the cache is full (models, or their total size) */
	if (scorer_count == SCORER_CACHE_SIZE ||
		CachedCells() + (int64) m->k * m->nterms > SCORER_CACHE_CELLS)
		FlushScorerCache();
	e = &scorer_cache[scorer_count];
	/* built under the current context, kept only once complete (nothing leaks on error) */
	e->scorer = LdaScorerCreate(m, CurrentMemoryContext);
	MemoryContextSetParent(e->scorer->cxt, TopMemoryContext);
	e->id = gotid;
	e->name = name ? MemoryContextStrdup(TopMemoryContext, name) : NULL;
	scorer_count++;
	SPI_finish();
	return e;
}

/* The scorer of a model by id (name NULL) or by name, from the call site or the backend cache */
static LdaScorer *
ScorerByKey(FunctionCallInfo fcinfo, int32 id, const char *name)
{
	CallSite   *cs = (CallSite *) fcinfo->flinfo->fn_extra;

	RefreshScorerCache();
	if (cs && cs->generation == scorer_generation &&
		(name ? (cs->name && strcmp(cs->name, name) == 0) : (cs->name == NULL && cs->id == id)))
		return cs->scorer;
	if (cs == NULL)
		cs = fcinfo->flinfo->fn_extra = MemoryContextAllocZero(fcinfo->flinfo->fn_mcxt, sizeof(CallSite));
	cs->scorer = NULL;
	for (int i = 0; i < scorer_count; i++)
	{
		ScorerEntry *e = &scorer_cache[i];

		if (name ? (e->name && strcmp(e->name, name) == 0) : (e->name == NULL && e->id == id))
		{
			cs->scorer = e->scorer;
			break;
		}
	}
	if (cs->scorer == NULL)
		cs->scorer = LoadScorer(id, name)->scorer;
	if (cs->name)
		pfree(cs->name);
	cs->name = name ? MemoryContextStrdup(fcinfo->flinfo->fn_mcxt, name) : NULL;
	cs->id = id;
	cs->generation = scorer_generation;
	return cs->scorer;
}

/* The scorer of a model passed as a value, cached at the call site by fingerprint */
LdaScorer *
LdaScorerForValue(FunctionCallInfo fcinfo, int argno)
{
	CallSite   *cs = (CallSite *) fcinfo->flinfo->fn_extra;
	Datum		d = PG_GETARG_DATUM(argno);
	LdaModel   *hdr = (LdaModel *) PG_DETOAST_DATUM_SLICE(d, 0, offsetof(LdaModel, alpha) - VARHDRSZ);
	Size		size = toast_raw_datum_size(d);

	if (cs && cs->scorer && cs->fingerprint == hdr->fingerprint && cs->size == size)
		return cs->scorer;
	if (cs == NULL)
		cs = fcinfo->flinfo->fn_extra = MemoryContextAllocZero(fcinfo->flinfo->fn_mcxt, sizeof(CallSite));
	if (cs->own)
		MemoryContextDelete(cs->own);
	cs->scorer = NULL;
	cs->own = NULL;
	cs->scorer = LdaScorerCreate(DatumGetLdaModel(d), fcinfo->flinfo->fn_mcxt);
	cs->own = cs->scorer->cxt;
	cs->fingerprint = hdr->fingerprint;
	cs->size = size;
	return cs->scorer;
}

/* The topic mix of the last inferred document as float4[k], summing to 1 */
static ArrayType *
TopicArray(const LdaScorer *s)
{
	Datum	   *elems = palloc(sizeof(Datum) * s->k);
	double		sum = 0.0;

	for (int t = 0; t < s->k; t++)
		sum += s->scratch.gamma[t];
	for (int t = 0; t < s->k; t++)
		elems[t] = Float4GetDatum((float4) (s->scratch.gamma[t] / sum));
	return construct_array(elems, s->k, FLOAT4OID, sizeof(float4), true, TYPALIGN_INT);
}

/* The most likely topic (1-based; the lowest number wins a tie) */
static int32
TopTopic(const LdaScorer *s)
{
	int			best = 0;

	for (int t = 1; t < s->k; t++)
		if (s->scratch.gamma[t] > s->scratch.gamma[best])
			best = t;
	return best + 1;
}

/* The scorer for argument 0 of a topics/top_topic overload (kind: 'i' id, 'n' name, 'v' value) */
static LdaScorer *
ScorerForArg(FunctionCallInfo fcinfo, char kind)
{
	if (kind == 'i')
		return ScorerByKey(fcinfo, PG_GETARG_INT32(0), NULL);
	if (kind == 'n')
	{
		char	   *name = text_to_cstring(PG_GETARG_TEXT_PP(0));

		return ScorerByKey(fcinfo, 0, name);
	}
	return LdaScorerForValue(fcinfo, 0);
}

/* Shared body of the topics() overloads */
static Datum
TopicsCommon(FunctionCallInfo fcinfo, char kind)
{
	LdaScorer  *s = ScorerForArg(fcinfo, kind);

	if (!LdaScorerInfer(s, PG_GETARG_TEXT_PP(1)))
		PG_RETURN_NULL();
	PG_RETURN_ARRAYTYPE_P(TopicArray(s));
}

/* Shared body of the top_topic() overloads */
static Datum
TopTopicCommon(FunctionCallInfo fcinfo, char kind)
{
	LdaScorer  *s = ScorerForArg(fcinfo, kind);

	if (!LdaScorerInfer(s, PG_GETARG_TEXT_PP(1)))
		PG_RETURN_NULL();
	PG_RETURN_INT32(TopTopic(s));
}

PG_FUNCTION_INFO_V1(lda_topics_id);
/* topics(model int, doc text): topic mix of doc under the model with this id */
Datum
lda_topics_id(PG_FUNCTION_ARGS)
{
	return TopicsCommon(fcinfo, 'i');
}

PG_FUNCTION_INFO_V1(lda_topics_name);
/* topics(model text, doc text): topic mix of doc under the model with this name */
Datum
lda_topics_name(PG_FUNCTION_ARGS)
{
	return TopicsCommon(fcinfo, 'n');
}

PG_FUNCTION_INFO_V1(lda_topics_model);
/* topics(model lda_model, doc text): topic mix of doc under this model */
Datum
lda_topics_model(PG_FUNCTION_ARGS)
{
	return TopicsCommon(fcinfo, 'v');
}

PG_FUNCTION_INFO_V1(lda_top_topic_id);
/* top_topic(model int, doc text) */
Datum
lda_top_topic_id(PG_FUNCTION_ARGS)
{
	return TopTopicCommon(fcinfo, 'i');
}

PG_FUNCTION_INFO_V1(lda_top_topic_name);
/* top_topic(model text, doc text) */
Datum
lda_top_topic_name(PG_FUNCTION_ARGS)
{
	return TopTopicCommon(fcinfo, 'n');
}

PG_FUNCTION_INFO_V1(lda_top_topic_model);
/* top_topic(model lda_model, doc text) */
Datum
lda_top_topic_model(PG_FUNCTION_ARGS)
{
	return TopTopicCommon(fcinfo, 'v');
}

PG_FUNCTION_INFO_V1(lda_doc_bound);
/* lda_doc_bound(model, doc): {document part of the bound, sum of term weights}; NULL if no known term */
Datum
lda_doc_bound(PG_FUNCTION_ARGS)
{
	LdaScorer  *s = LdaScorerForValue(fcinfo, 0);
	Datum		elems[2];
	double		total = 0.0;

	if (!LdaScorerInfer(s, PG_GETARG_TEXT_PP(1)))
		PG_RETURN_NULL();
	for (int i = 0; i < s->n; i++)
		total += s->wts[i];
	/* a mixture's "bound" is its exact log evidence */
	elems[0] = Float8GetDatum(s->method == LDA_METHOD_DMM ? s->logEvidence :
							  LdaDocBound(&s->scratch, s->alpha, LdaScorerElogbeta(s),
										  s->n, s->ids, s->wts));
	elems[1] = Float8GetDatum(total);
	PG_RETURN_ARRAYTYPE_P(construct_array(elems, 2, FLOAT8OID, sizeof(float8),
										  FLOAT8PASSBYVAL, TYPALIGN_DOUBLE));
}

/*
 * Shared body of the topics(model, doc, lang) and top_topic(model, doc, lang)
 * overloads: NULL when the model or doc is NULL; a NULL lang means "detect".
 * Returns the scorer after inference, or NULL when the tweet has no known word.
 */
static LdaScorer *
InferWithLang(FunctionCallInfo fcinfo, char kind)
{
	LdaScorer  *s;

	if (PG_ARGISNULL(0) || PG_ARGISNULL(1))
		return NULL;
	s = ScorerForArg(fcinfo, kind);
	if (!LdaScorerInferLang(s, PG_GETARG_TEXT_PP(1), PG_ARGISNULL(2) ? NULL : PG_GETARG_TEXT_PP(2)))
		return NULL;
	return s;
}

/* Shared body of the topics(model, doc, lang) overloads */
static Datum
TopicsLangCommon(FunctionCallInfo fcinfo, char kind)
{
	LdaScorer  *s = InferWithLang(fcinfo, kind);

	if (s == NULL)
		PG_RETURN_NULL();
	PG_RETURN_ARRAYTYPE_P(TopicArray(s));
}

/* Shared body of the top_topic(model, doc, lang) overloads */
static Datum
TopTopicLangCommon(FunctionCallInfo fcinfo, char kind)
{
	LdaScorer  *s = InferWithLang(fcinfo, kind);

	if (s == NULL)
		PG_RETURN_NULL();
	PG_RETURN_INT32(TopTopic(s));
}

PG_FUNCTION_INFO_V1(lda_topics_lang_id);
/* topics(model int, doc text, lang text): topic mix of a tweet of the given language */
Datum
lda_topics_lang_id(PG_FUNCTION_ARGS)
{
	return TopicsLangCommon(fcinfo, 'i');
}

PG_FUNCTION_INFO_V1(lda_topics_lang_name);
/* topics(model text, doc text, lang text) */
Datum
lda_topics_lang_name(PG_FUNCTION_ARGS)
{
	return TopicsLangCommon(fcinfo, 'n');
}

PG_FUNCTION_INFO_V1(lda_topics_lang_model);
/* topics(model lda_model, doc text, lang text) */
Datum
lda_topics_lang_model(PG_FUNCTION_ARGS)
{
	return TopicsLangCommon(fcinfo, 'v');
}

PG_FUNCTION_INFO_V1(lda_top_topic_lang_id);
/* top_topic(model int, doc text, lang text) */
Datum
lda_top_topic_lang_id(PG_FUNCTION_ARGS)
{
	return TopTopicLangCommon(fcinfo, 'i');
}

PG_FUNCTION_INFO_V1(lda_top_topic_lang_name);
/* top_topic(model text, doc text, lang text) */
Datum
lda_top_topic_lang_name(PG_FUNCTION_ARGS)
{
	return TopTopicLangCommon(fcinfo, 'n');
}

PG_FUNCTION_INFO_V1(lda_top_topic_lang_model);
/* top_topic(model lda_model, doc text, lang text) */
Datum
lda_top_topic_lang_model(PG_FUNCTION_ARGS)
{
	return TopTopicLangCommon(fcinfo, 'v');
}

PG_FUNCTION_INFO_V1(topic_argmax);
/* The 1-based index of the largest element of a real[] (NULL elements skipped) */
Datum
topic_argmax(PG_FUNCTION_ARGS)
{
	ArrayType  *arr = PG_GETARG_ARRAYTYPE_P(0);
	Datum	   *elems;
	bool	   *nulls;
	int			n;
	int			best = -1;
	float4		bestval = 0;

	if (ARR_NDIM(arr) > 1)
		ereport(ERROR,
				(errcode(ERRCODE_ARRAY_SUBSCRIPT_ERROR),
				 errmsg("topic array must have one dimension"),
				 errdetail("The array has %d dimensions.", ARR_NDIM(arr))));
	deconstruct_array(arr, FLOAT4OID, sizeof(float4), true, TYPALIGN_INT,
					  &elems, &nulls, &n);
	for (int i = 0; i < n; i++)
	{
		float4		v = DatumGetFloat4(elems[i]);

		if (nulls[i] || isnan(v))
			continue;
		if (best < 0 || v > bestval)
		{
			best = i;
			bestval = v;
		}
	}
	if (best < 0)
		PG_RETURN_NULL();
	PG_RETURN_INT32(best + 1);	/* topics arrays are 1-based, like top_topic() */
}
