/*
 * lda_update.c
 *		Incremental update of a model: the aggregate
 *		tweetlda.lda_update(model, doc [, lang], params [, fit]) RETURNS
 *		tweetlda.lda_model, behind tweetlda.update_model().  LDA models go on
 *		with online variational Bayes (below); mixtures (method dmm) with
 *		collapsed Gibbs sampling (dmm_update.c), chosen in LdaUpdate.
 *
 * The aggregate collects the new documents exactly as tweetlda.lda_from_text
 * does (lda_agg.c: the same state, parallel plans, content hashes), tokenized
 * with the model's text configuration.  The final function extends the
 * model's vocabulary by the new documents' terms (VocabBuilderExtend: the
 * model's terms keep their ids; new terms that pass min_df and max_df over the
 * new documents are admitted up to max_terms terms in all, with the prior eta
 * as their lambda) and goes on with online variational Bayes (Hoffman, Blei &
 * Bach 2010; lda_train.c's engine) from the model's lambda and alpha:
 *
 *	- learning rate: rho_t = (tau0 + t)^-kappa with tau0 and kappa the model's
 *	  learning_offset and learning_decay, and t continuing from the model's
 *	  iterations (the mini-batches it has run);
 *	- D, the corpus size the sufficient statistics of a mini-batch are scaled
 *	  to: the documents the model was trained on plus the new documents, as if
 *	  the mini-batches of the new documents had been drawn from the whole
 *	  corpus (the step size, not D, bounds how far the model moves towards the
 *	  new documents);
 *	- mini-batches of round(D x subsampling_rate) documents (capped at the new
 *	  documents), the size a retraining on the whole corpus would use;
 *	- max_iter mini-batches; by default as many as make the model's number of
 *	  passes (max_iter x subsampling_rate at training, one with Spark's
 *	  defaults) over the new documents.
 *
 * The result is the same for the same model, documents, parameters and seed
 * whatever the row order or the plan: the vocabulary depends on counts only,
 * the documents are put in canonical order (content hash) before the seeded
 * shuffle.  The updated model's metadata adds up: documents, tokens and
 * iterations of the model plus those of the update; passes, max_iter and seed
 * are the update's.
 */
#include "postgres.h"

#include <math.h>

#include "fmgr.h"
#include "utils/memutils.h"
#include "utils/timestamp.h"

#include "lda_model.h"
#include "lda_update.h"
#include "vocab.h"

/* Error unless the model can be updated (both methods can: LdaUpdate chooses the algorithm) */
void
LdaCheckUpdatable(const LdaModel *m)
{
	if (m->magic != LDA_MODEL_MAGIC)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("tweetlda.lda_update() needs an LDA model")));
	if (m->info.method != LDA_METHOD_LDA && m->info.method != LDA_METHOD_DMM)
		elog(ERROR, "model of unknown method %d", m->info.method);
}

/* The parameters an update keeps from the model (its own keys are read afterwards) */
void
LdaUpdateDefaults(const LdaModel *m, LdaParams *p)
{
	LdaParamsDefault(p);
	p->k = m->k;
	p->doc_concentration = m->info.doc_concentration > 0 ? m->info.doc_concentration : -1.0;
	p->topic_concentration = m->eta > 0 ? m->eta : -1.0;
	p->learning_offset = m->info.learning_offset;
	p->learning_decay = m->info.learning_decay;
	p->subsampling_rate = m->info.subsampling_rate;
	p->optimize_doc_concentration = m->info.optimize_doc_concentration != 0;
	p->optimizer = (LdaOptimizer) m->info.optimizer;
	p->weighting = (LdaWeighting) m->info.weighting;
	p->method = (LdaMethod) m->info.method;
}

/* The corpus frequencies and words of the model's terms (version 1: the terms, no counts) */
VocabWords *
LdaUpdateBaseWords(const LdaModel *m)
{
	const LdaModelWords *mw = LDA_WORDS(m);
	VocabWords *w;
	int64	   *zeros;

	if (mw == NULL)
	{
		zeros = palloc0(sizeof(int64) * Max(m->nterms, 1));
		return VocabWordsBuild(LDA_VOCAB(m), NULL, zeros, NULL);
	}
	w = palloc0(sizeof(VocabWords));
	w->nterms = m->nterms;
	w->textlen = mw->words_len;
	w->cf = (int64 *) mw->cf;
	w->offsets = LDA_WORD_OFFSETS(m, mw);
	w->text = (char *) (w->offsets + m->nterms + 1);
	return w;
}

/* lambda over the extended vocabulary: the model's rows, then eta for the new terms */
static double *
ExtendedLambda(const LdaModel *m, int nterms)
{
	Size		cells = (Size) m->k * nterms;
	Size		known = (Size) m->k * m->nterms;
	const float *lambda = LDA_LAMBDA(m);
	double	   *out = MemoryContextAllocHuge(CurrentMemoryContext, sizeof(double) * cells);

	for (Size i = 0; i < known; i++)
		out[i] = lambda[i];
	for (Size i = known; i < cells; i++)
		out[i] = m->eta;
	return out;
}

/* Per-term weights: IDF over the extended vocabulary for tfidf, 1 for tf */
static double *
UpdateTermWeights(const LdaParams *p, const Vocab *vocab)
{
	double	   *w = palloc(sizeof(double) * Max(vocab->nterms, 1));

	for (int i = 0; i < vocab->nterms; i++)
		w[i] = p->weighting == LDA_WEIGHTING_TFIDF ? VocabIdf(vocab, i) : 1.0;
	return w;
}

/* Mini-batches for the model's passes over the new documents (auto max_iter) */
static int32
AutoIterations(const LdaModel *base, int64 ndocs, int64 batch)
{
	double		passes = base->info.passes > 0 ? base->info.passes : 1.0;
	double		n = ceil(passes * (double) ndocs / (double) batch);

	return (int32) Max(1.0, Min(n, (double) LDA_MAX_ITER));
}

/* The training metadata of the updated model: the model's plus the update's */
static void
AddUpInfo(LdaTrainingInfo *info, const LdaModel *base, int64 empty_documents, double tokens)
{
	info->documents += base->info.documents;
	info->empty_documents = base->info.empty_documents + empty_documents;
	info->tokens = base->info.tokens + tokens;
	info->iterations = (int32) Min((int64) base->info.iterations + info->iterations, PG_INT32_MAX);
	info->doc_concentration = base->info.doc_concentration;
	info->optimizer = base->info.optimizer;
	info->trained_at = GetCurrentTimestamp();
}

/* Go on with online variational Bayes from the model's lambda and alpha (the file comment) */
static LdaTrainResult *
LdaUpdateOnline(const LdaModel *base, const LdaParams *params, bool auto_iter,
				const Vocab *vocab, const LdaCorpus *corpus)
{
	LdaParams	p = *params;
	LdaContinue from;

	CheckLdaCells(base->k, vocab->nterms);
	from.lambda = ExtendedLambda(base, vocab->nterms);
	from.alpha = base->alpha;
	from.eta = base->eta;
	from.t0 = Max(base->info.iterations, 0);
	from.D = (double) Max(base->info.documents, 0) + (double) corpus->ndocs;
	from.batch = Max(1, Min(corpus->ndocs, (int64) rint(from.D * p.subsampling_rate)));
	if (auto_iter)
		p.max_iter = AutoIterations(base, corpus->ndocs, from.batch);
	return LdaTrainFrom(&p, corpus, vocab->nterms, UpdateTermWeights(&p, vocab), &from);
}

/*
 * Update the model base on the new documents (corpus over vocab, the base's
 * vocabulary extended): the one place where the model's method chooses the
 * algorithm (online variational Bayes for LDA, Gibbs sampling for a mixture,
 * dmm_update.c).  See the file comment.
 */
LdaModel *
LdaUpdate(const LdaModel *base, const LdaParams *params, bool auto_iter,
		  const Vocab *vocab, const VocabWords *words,
		  const LdaCorpus *corpus, int64 empty_documents, double tokens)
{
	LdaTrainResult *res;
	StringInfoData tc;

	if (corpus->ndocs == 0)
		ereport(ERROR,
				(errcode(ERRCODE_DATA_EXCEPTION),
				 errmsg("cannot update an LDA model without new documents"),
				 errdetail("No new document contains a term of the vocabulary (" INT64_FORMAT " documents without one).",
						   empty_documents)));
	if (vocab->nterms > base->nterms)
		ereport(NOTICE,
				(errmsg("%s: update admits %d new terms (vocabulary of %d terms)",
						base->info.method == LDA_METHOD_DMM ? "dmm" : "lda",
						vocab->nterms - base->nterms, vocab->nterms)));
	if (base->info.method == LDA_METHOD_DMM)
		res = DmmUpdate(base, params, auto_iter, corpus, vocab->nterms);
	else
		res = LdaUpdateOnline(base, params, auto_iter, vocab, corpus);
	AddUpInfo(&res->info, base, empty_documents, tokens);
	tc.data = LDA_TEXTCONF(base);
	tc.len = base->textconf_len;
	return LdaModelBuild(res, res->k, vocab->nterms, &tc, vocab, words);
}

PG_FUNCTION_INFO_V1(lda_update_transfn);
/*
 * Transition function of lda_update(model, doc, params), (model, doc, lang,
 * params) and (model, doc, lang, params, fit): tokenize one new document with
 * the model's configuration, count and store its terms.
 */
Datum
lda_update_transfn(PG_FUNCTION_ARGS)
{
	if (PG_NARGS() == 4)
		return LdaAggUpdateRow(fcinfo, -1, 3, -1);
	return LdaAggUpdateRow(fcinfo, 3, 4, PG_NARGS() > 5 ? 5 : -1);
}

PG_FUNCTION_INFO_V1(lda_update_finalfn);
/* Final function of lda_update: the updated model */
Datum
lda_update_finalfn(PG_FUNCTION_ARGS)
{
	PG_RETURN_LDA_MODEL_P(LdaAggUpdateFinish(PG_ARGISNULL(0) ? NULL : PG_GETARG_POINTER(0)));
}
