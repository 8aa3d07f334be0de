/*
 * lda_inspect.c
 *		Looking into an LDA model: topic_terms() (Spark's describeTopics),
 *		topic_word() (the normalized topic-word distribution), model_info(),
 *		and the topics' part of the variational bound used by log_likelihood().
 */
#include "postgres.h"

#include <math.h>

#include "common/shortest_dec.h"
#include "fmgr.h"
#include "funcapi.h"
#include "miscadmin.h"
#include "utils/builtins.h"
#include "utils/jsonb.h"
#include "utils/timestamp.h"

#include "lda_infer.h"
#include "lda_model.h"
#include "textconf.h"
#include "vocab.h"

/* Sum of lambda over the vocabulary, per topic */
double *
LdaTopicSums(const LdaModel *m)
{
	const float *lambda = LDA_LAMBDA(m);
	double	   *sum = palloc0(sizeof(double) * m->k);

	for (int w = 0; w < m->nterms; w++)
		for (int t = 0; t < m->k; t++)
			sum[t] += lambda[(Size) w * m->k + t];
	return sum;
}

/* The model of argument 0, checked */
static LdaModel *
ModelArg(FunctionCallInfo fcinfo)
{
	LdaModel   *m = PG_GETARG_LDA_MODEL_P(0);

	LdaModelCheck(m, VARSIZE(m));
	return m;
}

/* Emit one (topic, [rank,] term, weight [, word]) row */
static void
PutTermRow(ReturnSetInfo *rsinfo, const LdaModel *m, int t, int rank, int w, double weight,
		   bool word)
{
	Datum		values[5];
	bool		nulls[5] = {false, false, false, false, false};
	int			len;
	const char *term = VocabTerm(LDA_VOCAB(m), w, &len);
	int			i = 0;

	values[i++] = Int32GetDatum(t + 1);
	if (rank > 0)
		values[i++] = Int32GetDatum(rank);
	values[i++] = PointerGetDatum(cstring_to_text_with_len(term, len));
	values[i++] = Float8GetDatum(weight);
	if (word)
	{
		term = LdaModelWord(m, w, &len);
		values[i++] = PointerGetDatum(cstring_to_text_with_len(term, len));
	}
	tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
}

/*
 * p(w), the corpus frequency of every term: the occurrences kept in the model
 * (a term never seen counts half an occurrence), or for a version 1 model,
 * which has none, the topic-word parameters summed over the topics
 * (sum_t lambda[w, t] / sum_{w,t} lambda): the model's own estimate.
 */
double *
LdaTermFrequencies(const LdaModel *m)
{
	const LdaModelWords *mw = LDA_WORDS(m);
	double	   *p = palloc(sizeof(double) * m->nterms);
	double		total = 0.0;

	for (int w = 0; w < m->nterms; w++)
	{
		if (mw != NULL)
			p[w] = mw->cf[w] > 0 ? (double) mw->cf[w] : 0.5;
		else
		{
			const float *row = LDA_LAMBDA(m) + (Size) w * m->k;

			p[w] = 0.0;
			for (int t = 0; t < m->k; t++)
				p[w] += row[t];
		}
		total += p[w];
	}
	for (int w = 0; w < m->nterms; w++)
		p[w] /= total;
	return p;
}

#define TOP_SELECT_MAX 64			/* larger n: sort the vocabulary instead of selecting */

static const double *sort_score;

/* Order term ids by descending score, then by id */
static int
CompareScore(const void *a, const void *b)
{
	int			x = *(const int *) a,
				y = *(const int *) b;

	if (sort_score[x] != sort_score[y])
		return sort_score[x] > sort_score[y] ? -1 : 1;
	return (x > y) - (x < y);
}

/* The relevance of term w in topic t (see LdaTopTerms) */
static inline double
TermScore(const LdaModel *m, int t, int w, double sum, const double *pw, double relevance)
{
	double		lp = log(LDA_LAMBDA(m)[(Size) w * m->k + t] / sum);

	return relevance >= 1.0 ? lp : relevance * lp + (1.0 - relevance) * (lp - log(pw[w]));
}

/* LdaTopTerms for a large n: sort every term (n log n whatever n is) */
static void
SortTopTerms(const LdaModel *m, int t, double sum, const double *pw, double relevance,
			 int n, int *out)
{
	double	   *score = palloc(sizeof(double) * m->nterms);
	int		   *order = palloc(sizeof(int) * m->nterms);

	for (int w = 0; w < m->nterms; w++)
	{
		score[w] = TermScore(m, t, w, sum, pw, relevance);
		order[w] = w;
	}
	sort_score = score;
	qsort(order, m->nterms, sizeof(int), CompareScore);
	sort_score = NULL;
	memcpy(out, order, sizeof(int) * n);
	pfree(score);
	pfree(order);
}

/* Does term w with score s rank before term w2 with score s2? (descending score, then id) */
static inline bool
RanksBefore(double s, int w, double s2, int w2)
{
	if (s != s2)
		return s > s2;
	return w < w2;
}

/*
 * The n (at most nterms) terms of topic t with the highest relevance
 * lambda * log p(w|t) + (1 - lambda) * log(p(w|t) / p(w)) (Sievert & Shirley
 * 2014; pw from LdaTermFrequencies, unused when relevance is 1) into out[],
 * best first (ties: the lower id first); sum is the topic's lambda sum
 * (LdaTopicSums).  Up to TOP_SELECT_MAX terms, a selection (linear in the
 * vocabulary) rather than a sort: labels, coherence and diversity ask for a
 * few terms of every topic, and evaluation setup calls this per topic.
 */
void
LdaTopTerms(const LdaModel *m, int t, double sum, const double *pw, double relevance,
			int n, int *out)
{
	double	   *best;
	int			have = 0;

	n = Min(n, m->nterms);
	if (n <= 0)
		return;
	if (n > TOP_SELECT_MAX)
	{
		SortTopTerms(m, t, sum, pw, relevance, n, out);
		return;
	}
	best = palloc(sizeof(double) * n);
	for (int w = 0; w < m->nterms; w++)
	{
		double		score = TermScore(m, t, w, sum, pw, relevance);
		int			i;

		if (have == n && !RanksBefore(score, w, best[n - 1], out[n - 1]))
			continue;
		i = have < n ? have++ : n - 1;
		for (; i > 0 && RanksBefore(score, w, best[i - 1], out[i - 1]); i--)
		{
			best[i] = best[i - 1];
			out[i] = out[i - 1];
		}
		best[i] = score;
		out[i] = w;
	}
	pfree(best);
}

/* Ensure a relevance weight is within [0, 1] */
static inline void
CheckRelevanceLambda(double lambda)
{
	if (!(lambda >= 0.0 && lambda <= 1.0))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("lambda must be between 0 and 1, not %g", lambda),
				 errdetail("lambda 1 ranks terms by their probability in the topic; lower values favour terms distinctive of the topic."),
				 errhint("0.6 is the value Sievert and Shirley found best for readers.")));
}

PG_FUNCTION_INFO_V1(lda_topic_terms);
/*
 * topic_terms(model, n [, lambda]): the n most relevant terms of every topic
 * with their probability in the topic (and their word); the 0.1.0 form
 * (two arguments) ranks by probability and returns no word.
 */
Datum
lda_topic_terms(PG_FUNCTION_ARGS)
{
	LdaModel   *m = ModelArg(fcinfo);
	int32		n = PG_GETARG_INT32(1);
	bool		relevance_form = PG_NARGS() >= 3;
	double		lambda = relevance_form ? PG_GETARG_FLOAT8(2) : 1.0;
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	double	   *sum = LdaTopicSums(m);
	double	   *pw;
	int		   *top;

	if (n < 1)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("number of terms per topic must be at least 1")));
	CheckRelevanceLambda(lambda);
	n = Min(n, m->nterms);
	pw = LdaTermFrequencies(m);
	top = palloc(sizeof(int) * n);
	InitMaterializedSRF(fcinfo, 0);
	for (int t = 0; t < m->k; t++)
	{
		CHECK_FOR_INTERRUPTS();
		LdaTopTerms(m, t, sum[t], pw, lambda, n, top);
		for (int r = 0; r < n; r++)
			PutTermRow(rsinfo, m, t, r + 1, top[r],
					   LDA_LAMBDA(m)[(Size) top[r] * m->k + t] / sum[t], relevance_form);
	}
	return (Datum) 0;
}

PG_FUNCTION_INFO_V1(lda_topic_word);
/* topic_word(model): the whole normalized topic-word distribution */
Datum
lda_topic_word(PG_FUNCTION_ARGS)
{
	LdaModel   *m = ModelArg(fcinfo);
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	double	   *sum = LdaTopicSums(m);

	InitMaterializedSRF(fcinfo, 0);
	for (int t = 0; t < m->k; t++)
	{
		CHECK_FOR_INTERRUPTS();
		for (int w = 0; w < m->nterms; w++)
			PutTermRow(rsinfo, m, t, 0, w, LDA_LAMBDA(m)[(Size) w * m->k + t] / sum[t], false);
	}
	return (Datum) 0;
}

/* Append a float8 as JSON: the shortest exact decimal, as float8out (null if not finite) */
static void
AppendJsonNumber(StringInfo buf, double x)
{
	char		num[DOUBLE_SHORTEST_DECIMAL_LEN];

	if (!isfinite(x))
	{
		appendStringInfoString(buf, "null");
		return;
	}
	double_to_shortest_decimal_buf(x, num);
	appendStringInfoString(buf, num);
}

/* Append the training metadata object */
static void
AppendTrainingInfo(StringInfo buf, const LdaModel *m)
{
	const LdaTrainingInfo *in = &m->info;

	appendStringInfo(buf, "{\"optimizer\": \"%s\", \"documents\": " INT64_FORMAT
					 ", \"empty_documents\": " INT64_FORMAT ", \"tokens\": ",
					 LdaOptimizerName(in->optimizer), in->documents, in->empty_documents);
	AppendJsonNumber(buf, in->tokens);
	appendStringInfo(buf, ", \"iterations\": %d, \"max_iter\": %d, \"passes\": ",
					 in->iterations, in->max_iter);
	AppendJsonNumber(buf, in->passes);
	appendStringInfo(buf, ", \"seed\": " INT64_FORMAT ", \"learning_offset\": ", in->seed);
	AppendJsonNumber(buf, in->learning_offset);
	appendStringInfoString(buf, ", \"learning_decay\": ");
	AppendJsonNumber(buf, in->learning_decay);
	appendStringInfoString(buf, ", \"subsampling_rate\": ");
	AppendJsonNumber(buf, in->subsampling_rate);
	appendStringInfoString(buf, ", \"doc_concentration\": ");
	AppendJsonNumber(buf, in->doc_concentration);
	appendStringInfo(buf, ", \"optimize_doc_concentration\": %s, \"bound_per_token\": ",
					 in->optimize_doc_concentration ? "true" : "false");
	AppendJsonNumber(buf, in->bound_per_token);
	appendStringInfoString(buf, ", \"seconds\": ");
	AppendJsonNumber(buf, in->seconds);
	appendStringInfo(buf, ", \"trained_at\": \"%s\"}",
					 timestamptz_to_str((TimestampTz) in->trained_at));
}

/* Append the quality measured at training (null for a model without it) */
static void
AppendQuality(StringInfo buf, const LdaModel *m)
{
	const LdaModelWords *mw = LDA_WORDS(m);

	if (mw == NULL || mw->quality.documents == 0)
	{
		appendStringInfoString(buf, "null");
		return;
	}
	appendStringInfo(buf, "{\"heldout_documents\": " INT64_FORMAT ", \"log_perplexity\": ",
					 mw->quality.documents);
	AppendJsonNumber(buf, mw->quality.log_perplexity);
	appendStringInfoString(buf, ", \"perplexity\": ");
	AppendJsonNumber(buf, exp(mw->quality.log_perplexity));
	appendStringInfoString(buf, ", \"npmi\": ");
	AppendJsonNumber(buf, mw->quality.npmi);
	appendStringInfoString(buf, ", \"diversity\": ");
	AppendJsonNumber(buf, mw->quality.diversity);
	appendStringInfoString(buf, ", \"no_word_share\": ");
	AppendJsonNumber(buf, mw->quality.no_word_share);
	appendStringInfoChar(buf, '}');
}

/* A mixture's cluster weights (alpha normalized) and its clusters with at least one document */
static void
AppendMixture(StringInfo buf, const LdaModel *m)
{
	double		sum = 0.0;
	int			clusters = 0;

	for (int t = 0; t < m->k; t++)
	{
		sum += m->alpha[t];
		/* alpha[t] = documents of t + the prior alpha */
		clusters += m->alpha[t] - m->info.doc_concentration >= 0.5;
	}
	appendStringInfoString(buf, ", \"weights\": [");
	for (int t = 0; t < m->k; t++)
	{
		if (t > 0)
			appendStringInfoString(buf, ", ");
		AppendJsonNumber(buf, m->alpha[t] / sum);
	}
	appendStringInfo(buf, "], \"clusters\": %d", clusters);
}

PG_FUNCTION_INFO_V1(lda_model_info);
/* model_info(model): k, alpha, eta, vocab_size, weighting, text_config and training as jsonb */
Datum
lda_model_info(PG_FUNCTION_ARGS)
{
	LdaModel   *m = ModelArg(fcinfo);
	StringInfoData buf;
	TextConfig *cfg = TextConfigDeserialize(LDA_TEXTCONF(m), m->textconf_len);
	Jsonb	   *tc = TextConfigToJsonb(cfg);

	initStringInfo(&buf);
	appendStringInfo(&buf, "{\"k\": %d, \"alpha\": [", m->k);
	for (int t = 0; t < m->k; t++)
	{
		if (t > 0)
			appendStringInfoString(&buf, ", ");
		AppendJsonNumber(&buf, m->alpha[t]);
	}
	appendStringInfoString(&buf, "], \"eta\": ");
	AppendJsonNumber(&buf, m->eta);
	appendStringInfo(&buf, ", \"vocab_size\": %d, \"vocab_documents\": " INT64_FORMAT
					 ", \"weighting\": \"%s\", \"format_version\": %d, \"fingerprint\": \"%016" INT64_MODIFIER "x\", \"stopwords\": %d, \"text_config\": %s, \"training\": ",
					 m->nterms, LDA_VOCAB(m)->ndocs, LdaWeightingName(m->info.weighting),
					 m->version, m->fingerprint, cfg->has_snapshot ? cfg->nwords : 0, JsonbToCString(NULL, &tc->root, VARSIZE(tc)));
	AppendTrainingInfo(&buf, m);
	appendStringInfoString(&buf, ", \"quality\": ");
	AppendQuality(&buf, m);
	appendStringInfo(&buf, ", \"method\": \"%s\"", LdaMethodName(m->info.method));
	if (m->info.method == LDA_METHOD_DMM)
		AppendMixture(&buf, m);
	appendStringInfoChar(&buf, '}');
	PG_RETURN_DATUM(DirectFunctionCall1(jsonb_in, CStringGetDatum(buf.data)));
}

PG_FUNCTION_INFO_V1(lda_topics_bound);
/* lda_topics_bound(model): E[log p(beta | eta) - log q(beta | lambda)] (Spark's topics part) */
Datum
lda_topics_bound(PG_FUNCTION_ARGS)
{
	LdaModel   *m = ModelArg(fcinfo);
	const float *lambda = LDA_LAMBDA(m);
	Size		cells = (Size) m->k * m->nterms;
	double	   *lam = palloc(sizeof(double) * cells);
	double	   *Elogbeta = palloc(sizeof(double) * cells);
	double	   *sum = LdaTopicSums(m);
	double		bound = 0.0;

	/* a mixture's log likelihood is the sum of its documents' exact log evidence */
	if (m->info.method == LDA_METHOD_DMM)
		PG_RETURN_FLOAT8(0.0);
	for (Size i = 0; i < cells; i++)
		lam[i] = lambda[i];
	LdaExpDirichletExpectation(m->k, m->nterms, lam, NULL, Elogbeta);
	for (Size i = 0; i < cells; i++)
		bound += (m->eta - lam[i]) * Elogbeta[i] + lgamma(lam[i]) - lgamma(m->eta);
	for (int t = 0; t < m->k; t++)
		bound += lgamma(m->eta * m->nterms) - lgamma(sum[t]);
	PG_RETURN_FLOAT8(bound);
}

PG_FUNCTION_INFO_V1(lda_model_vocabulary);
/* model_vocabulary(model): every term with its word, document frequency and corpus frequency */
Datum
lda_model_vocabulary(PG_FUNCTION_ARGS)
{
	LdaModel   *m = ModelArg(fcinfo);
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	const Vocab *v = LDA_VOCAB(m);
	const LdaModelWords *mw = LDA_WORDS(m);

	InitMaterializedSRF(fcinfo, 0);
	for (int w = 0; w < m->nterms; w++)
	{
		Datum		values[5];
		bool		nulls[5] = {false, false, false, false, mw == NULL};
		int			len;
		const char *s = VocabTerm(v, w, &len);

		values[0] = Int32GetDatum(w + 1);
		values[1] = PointerGetDatum(cstring_to_text_with_len(s, len));
		s = LdaModelWord(m, w, &len);
		values[2] = PointerGetDatum(cstring_to_text_with_len(s, len));
		values[3] = Int64GetDatum(v->df[w]);
		values[4] = Int64GetDatum(mw ? mw->cf[w] : 0);
		tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
	}
	return (Datum) 0;
}
