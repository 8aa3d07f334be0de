/*
 * lda_eval.c
 *		Evaluating an LDA model over documents: the aggregate
 *		tweetlda.lda_evaluation(model, doc) behind tweetlda.evaluate(), and
 *		lda_model_with_quality(), which stores the figures measured at
 *		training in the model.
 *
 * Figures (doc/lda.md):
 *	- held-out log perplexity by document completion: the known tokens of a
 *	  document, in text order, are split deterministically, those at even
 *	  positions (0, 2, ...) observed and those at odd positions scored; the
 *	  topic mix theta is inferred from the observed half as scoring infers it
 *	  (the model's weighting), and each scored token w costs
 *	  -log sum_t theta_t p(w|t), p(w|t) the normalized topic-word parameters.
 *	  Documents with fewer than two known tokens are not scored.
 *	- coherence: NPMI of every pair of a topic's EVAL_TOP_N most probable
 *	  terms over the documents (co-occurrence in a document; a pair never seen
 *	  together counts -1), averaged per topic and over the topics;
 *	- diversity: the share of distinct terms among the topics' DIVERSITY_TOP_N
 *	  most probable terms (Dieng et al. 2020);
 *	- the share of documents without any known term (they get no topic).
 *
 * The aggregate is not parallel (its state is the model's scorer and small
 * counters); it reads every document once.
 */
#include "postgres.h"

#include <math.h>

#include "fmgr.h"
#include "miscadmin.h"
#include "utils/builtins.h"
#include "utils/float.h"
#include "utils/jsonb.h"
#include "utils/memutils.h"

#include "lda_infer.h"
#include "lda_model.h"
#include "lda_score.h"
#include "textconf.h"
#include "tweetlda.h"
#include "vocab.h"

#define EVAL_TOP_N		10		/* terms per topic for coherence */
#define DIVERSITY_TOP_N 25		/* terms per topic for diversity */
#define LOGLIK_UNIT		1e-9	/* resolution of the summed log likelihood */

typedef struct EvalState
{
	LdaScorer  *s;
	double	   *phi;			/* nterms x k, p(w|t) */
	int			ntop;			/* terms per topic for coherence (<= EVAL_TOP_N) */
	int		   *top;			/* k x ntop term ids */
	int32	   *first;			/* nterms: first (topic, rank) slot of the term, or -1 */
	int32	   *next;			/* k x ntop: next slot of the same term, or -1 */
	int64	   *df;				/* k x ntop: documents containing the term */
	int64	   *co;				/* k x ntop x ntop: documents containing both */
	uint64	   *present;		/* k: ranks present in the current document */
	int		   *touched;		/* topics with a present rank */
	int64		documents;
	int64		no_word;
	int64		scored_documents;
	int64		scored_tokens;
	int64		loglik;			/* in units of LOGLIK_UNIT: a sum independent of the row order */
	uint32	   *ids;			/* known tokens of the current document, in order */
	int			n;
	int			cap;
	uint32	   *half;			/* scratch: the observed half, then distinct ids */
	double	   *wts;
} EvalState;

/* Token sink: remember every known token in text order */
static void
EvalToken(void *arg, const char *tok, int len)
{
	EvalState  *st = (EvalState *) arg;
	int			id = VocabIndexLookup(st->s->index, tok, len);

	if (id < 0)
		return;
	if (st->n == st->cap)
	{
		st->cap *= 2;
		st->ids = repalloc_huge(st->ids, sizeof(uint32) * st->cap);
		st->half = repalloc_huge(st->half, sizeof(uint32) * st->cap);
		st->wts = repalloc_huge(st->wts, sizeof(double) * st->cap);
	}
	st->ids[st->n++] = (uint32) id;
}

/* A new state for model m in cxt: scorer, p(w|t), top terms and their slots */
static EvalState *
NewEvalState(const LdaModel *m, MemoryContext cxt)
{
	MemoryContext old = MemoryContextSwitchTo(cxt);
	EvalState  *st = palloc0(sizeof(EvalState));
	int			k = m->k;
	double	   *sum = LdaTopicSums(m);
	double	   *pw = LdaTermFrequencies(m);

	st->s = LdaScorerCreate(m, cxt);
	st->phi = MemoryContextAllocHuge(cxt, sizeof(double) * k * m->nterms);
	for (Size i = 0; i < (Size) k * m->nterms; i++)
		st->phi[i] = LDA_LAMBDA(m)[i] / sum[i % k];
	st->ntop = Min(EVAL_TOP_N, m->nterms);
	st->top = palloc(sizeof(int) * k * st->ntop);
	st->first = palloc(sizeof(int32) * m->nterms);
	st->next = palloc(sizeof(int32) * k * st->ntop);
	for (int w = 0; w < m->nterms; w++)
		st->first[w] = -1;
	for (int t = 0; t < k; t++)
	{
		LdaTopTerms(m, t, sum[t], pw, 1.0, st->ntop, st->top + t * st->ntop);
		for (int r = 0; r < st->ntop; r++)
		{
			int			slot = t * st->ntop + r;
			int			w = st->top[slot];

			st->next[slot] = st->first[w];
			st->first[w] = slot;
		}
	}
	st->df = palloc0(sizeof(int64) * k * st->ntop);
	st->co = palloc0(sizeof(int64) * k * st->ntop * st->ntop);
	st->present = palloc0(sizeof(uint64) * k);
	st->touched = palloc(sizeof(int) * k);
	st->cap = 64;
	st->ids = palloc(sizeof(uint32) * st->cap);
	st->half = palloc(sizeof(uint32) * st->cap);
	st->wts = palloc(sizeof(double) * st->cap);
	MemoryContextSwitchTo(old);
	return st;
}

/* qsort comparator for term ids */
static int
CompareIds(const void *a, const void *b)
{
	uint32		x = *(const uint32 *) a,
				y = *(const uint32 *) b;

	return (x > y) - (x < y);
}

/* Sort ids and merge equal ones, summing their weights (wts NULL: just distinct); returns the count */
static int
DistinctIds(uint32 *ids, double *wts, const double *termWeight, int n)
{
	int			m = 0;

	qsort(ids, n, sizeof(uint32), CompareIds);
	for (int i = 0; i < n; i++)
	{
		if (m > 0 && ids[m - 1] == ids[i])
		{
			if (wts)
				wts[m - 1] += termWeight[ids[i]];
			continue;
		}
		ids[m] = ids[i];
		if (wts)
			wts[m] = termWeight[ids[i]];
		m++;
	}
	return m;
}

/* Count the co-occurrences of top terms in the current document */
static void
CountCoherence(EvalState *st)
{
	int			n;
	int			ntouched = 0;
	int			nt = st->ntop;

	memcpy(st->half, st->ids, sizeof(uint32) * st->n);
	n = DistinctIds(st->half, NULL, NULL, st->n);
	for (int i = 0; i < n; i++)
		for (int slot = st->first[st->half[i]]; slot >= 0; slot = st->next[slot])
		{
			int			t = slot / nt;

			if (st->present[t] == 0)
				st->touched[ntouched++] = t;
			st->present[t] |= UINT64CONST(1) << (slot % nt);
		}
	for (int i = 0; i < ntouched; i++)
	{
		int			t = st->touched[i];
		uint64		mask = st->present[t];

		for (int a = 0; a < nt; a++)
		{
			if (!(mask & (UINT64CONST(1) << a)))
				continue;
			st->df[t * nt + a]++;
			for (int b = a + 1; b < nt; b++)
				if (mask & (UINT64CONST(1) << b))
					st->co[((Size) t * nt + a) * nt + b]++;
		}
		st->present[t] = 0;
	}
}

/* Document completion: infer from the even positions, score the odd ones */
static void
CountCompletion(EvalState *st)
{
	LdaScorer  *s = st->s;
	int			k = s->k;
	int			nobs = 0;
	double		gsum = 0.0;
	double		ll = 0.0;
	int			n;

	if (st->n < 2)
		return;
	for (int i = 0; i < st->n; i += 2)
		st->half[nobs++] = st->ids[i];
	n = DistinctIds(st->half, st->wts, s->termWeight, nobs);
	if (n > s->scratch.maxterms)
	{
		s->scratch.phinorm = repalloc_huge(s->scratch.phinorm, sizeof(double) * n);
		s->scratch.maxterms = n;
	}
	LdaScorerPosterior(s, n, st->half, st->wts, nobs, true);
	for (int t = 0; t < k; t++)
		gsum += s->scratch.gamma[t];
	for (int i = 1; i < st->n; i += 2)
	{
		const double *row = st->phi + (Size) st->ids[i] * k;
		double		p = 0.0;

		for (int t = 0; t < k; t++)
			p += s->scratch.gamma[t] * row[t];
		ll += log(p / gsum);
		st->scored_tokens++;
	}
	st->loglik += (int64) llround(ll / LOGLIK_UNIT);
	st->scored_documents++;
}

PG_FUNCTION_INFO_V1(lda_evaluation_transfn);
/*
 * lda_evaluation(model, doc[, lang]) transition: count one document (NULL
 * documents and documents of languages the model excludes are skipped)
 */
Datum
lda_evaluation_transfn(PG_FUNCTION_ARGS)
{
	MemoryContext aggcxt = AggregateContext(fcinfo, "lda_evaluation_transfn");
	EvalState  *st = PG_ARGISNULL(0) ? NULL : (EvalState *) PG_GETARG_POINTER(0);
	LdaModel   *m;
	text	   *doc;
	text	   *lang;

	if (PG_ARGISNULL(1))
		ereport(ERROR,
				(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
				 errmsg("the model of tweetlda.evaluate() must not be NULL")));
	if (st == NULL)
	{
		m = PG_GETARG_LDA_MODEL_P(1);
		LdaModelCheck(m, VARSIZE(m));
		st = NewEvalState(m, aggcxt);
	}
	if (PG_ARGISNULL(2))
		PG_RETURN_POINTER(st);
	doc = PG_GETARG_TEXT_PP(2);
	lang = (PG_NARGS() > 3 && !PG_ARGISNULL(3)) ? PG_GETARG_TEXT_PP(3) : NULL;
	st->n = 0;
	if (TokenizeTweet(st->s->tok, VARDATA_ANY(doc), VARSIZE_ANY_EXHDR(doc),
					  lang ? VARDATA_ANY(lang) : NULL, lang ? VARSIZE_ANY_EXHDR(lang) : 0,
					  EvalToken, st) == TOKENIZE_SKIPPED)
		PG_RETURN_POINTER(st);	/* a language the model was not trained on: not measured */
	st->documents++;
	if (st->n == 0)
	{
		st->no_word++;
		PG_RETURN_POINTER(st);
	}
	CountCoherence(st);
	CountCompletion(st);
	PG_RETURN_POINTER(st);
}

/* NPMI of a topic's top terms (mean over pairs) */
static double
TopicNpmi(const EvalState *st, int t)
{
	int			nt = st->ntop;
	double		D = (double) st->documents;
	double		total = 0.0;
	int			pairs = 0;

	for (int a = 0; a < nt; a++)
		for (int b = a + 1; b < nt; b++)
		{
			double		pab = st->co[((Size) t * nt + a) * nt + b] / D;
			double		pa = st->df[t * nt + a] / D;
			double		pb = st->df[t * nt + b] / D;

			pairs++;
			if (pab <= 0.0)
				total += -1.0;
			else if (pab >= 1.0)
				total += 1.0;
			else
				total += log(pab / (pa * pb)) / -log(pab);
		}
	return pairs > 0 ? total / pairs : 0.0;
}

/* Topic diversity: distinct terms among the DIVERSITY_TOP_N most probable of each topic */
static double
Diversity(const LdaModel *m)
{
	int			n = Min(DIVERSITY_TOP_N, m->nterms);
	double	   *sum = LdaTopicSums(m);
	int		   *top = palloc(sizeof(int) * n);
	bool	   *seen = palloc0(sizeof(bool) * m->nterms);
	int			distinct = 0;

	for (int t = 0; t < m->k; t++)
	{
		LdaTopTerms(m, t, sum[t], NULL, 1.0, n, top);
		for (int r = 0; r < n; r++)
			if (!seen[top[r]])
			{
				seen[top[r]] = true;
				distinct++;
			}
	}
	return (double) distinct / ((double) n * m->k);
}

/* Append "key": number (null when not finite) */
static void
JsonNumber(StringInfo buf, const char *key, double x)
{
	appendStringInfo(buf, "\"%s\": ", key);
	if (isfinite(x))
		appendStringInfo(buf, "%.17g", x);
	else
		appendStringInfoString(buf, "null");
}

PG_FUNCTION_INFO_V1(lda_evaluation_finalfn);
/* lda_evaluation final function: the figures as jsonb (NULL without documents) */
Datum
lda_evaluation_finalfn(PG_FUNCTION_ARGS)
{
	EvalState  *st = PG_ARGISNULL(0) ? NULL : (EvalState *) PG_GETARG_POINTER(0);
	const LdaModel *m;
	StringInfoData buf;
	double		npmi = 0.0;
	double		lp;

	if (st == NULL || st->documents == 0)
		PG_RETURN_NULL();
	m = st->s->model;
	lp = st->scored_tokens > 0 ? -(st->loglik * LOGLIK_UNIT) / st->scored_tokens : get_float8_nan();
	initStringInfo(&buf);
	appendStringInfo(&buf, "{\"documents\": " INT64_FORMAT ", \"no_word_documents\": " INT64_FORMAT ", ",
					 st->documents, st->no_word);
	JsonNumber(&buf, "no_word_share", (double) st->no_word / st->documents);
	appendStringInfo(&buf, ", \"scored_documents\": " INT64_FORMAT ", \"scored_tokens\": " INT64_FORMAT ", ",
					 st->scored_documents, st->scored_tokens);
	JsonNumber(&buf, "log_perplexity", lp);
	appendStringInfoString(&buf, ", ");
	JsonNumber(&buf, "perplexity", exp(lp));
	appendStringInfo(&buf, ", \"top_n\": %d, \"coherence\": [", st->ntop);
	for (int t = 0; t < m->k; t++)
	{
		double		c = TopicNpmi(st, t);

		npmi += c;
		appendStringInfo(&buf, "%s%.17g", t > 0 ? ", " : "", c);
	}
	appendStringInfoString(&buf, "], ");
	JsonNumber(&buf, "npmi", npmi / m->k);
	appendStringInfoString(&buf, ", ");
	JsonNumber(&buf, "diversity", Diversity(m));
	appendStringInfoChar(&buf, '}');
	PG_RETURN_DATUM(DirectFunctionCall1(jsonb_in, CStringGetDatum(buf.data)));
}

/* An optional float8 argument: NaN when NULL */
static double
FigureArg(FunctionCallInfo fcinfo, int argno, double lo, double hi, const char *name)
{
	double		x;

	if (PG_ARGISNULL(argno))
		return get_float8_nan();
	x = PG_GETARG_FLOAT8(argno);
	if (!(x >= lo && x <= hi))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("%s must be between %g and %g, not %g", name, lo, hi, x)));
	return x;
}

PG_FUNCTION_INFO_V1(lda_model_with_quality);
/* lda_model_with_quality(model, log_perplexity, npmi, diversity, no_word_share, documents) */
Datum
lda_model_with_quality(PG_FUNCTION_ARGS)
{
	LdaModel   *m;
	LdaQuality	q;

	if (PG_ARGISNULL(0))
		PG_RETURN_NULL();
	m = PG_GETARG_LDA_MODEL_P(0);
	LdaModelCheck(m, VARSIZE(m));
	q.log_perplexity = FigureArg(fcinfo, 1, 0.0, 1e6, "log_perplexity");
	q.npmi = FigureArg(fcinfo, 2, -1.0, 1.0, "npmi");
	q.diversity = FigureArg(fcinfo, 3, 0.0, 1.0, "diversity");
	q.no_word_share = FigureArg(fcinfo, 4, 0.0, 1.0, "no_word_share");
	q.documents = PG_ARGISNULL(5) ? 0 : PG_GETARG_INT64(5);
	if (q.documents < 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("the number of held-out documents must not be negative")));
	PG_RETURN_LDA_MODEL_P(LdaModelWithQuality(m, &q));
}
