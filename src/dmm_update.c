/*
 * dmm_update.c
 *		Incremental update of a Dirichlet multinomial mixture (method dmm): the
 *		path of tweetlda.lda_update() / update_model() for a mixture, chosen by
 *		LdaUpdate (lda_update.c), which also extends the vocabulary and builds
 *		the updated model.
 *
 * Collapsed Gibbs sampling goes on from the model's counts (dmm_train.c,
 * DmmTrainFrom): the model stores lambda = n_tw + beta and alpha[t] = m_t +
 * alpha, so lambda - beta and alpha[t] - alpha are the counts of the
 * documents it was trained on.  Those documents' assignments are not stored,
 * so their counts stay fixed (pseudo-counts) while the new documents are
 * drawn from the posterior given them and swept max_iter times; by default as
 * many sweeps as the model's training ran (its max_iter).  Terms admitted by
 * the update start with count 0 (lambda beta); V, in the denominators, is the
 * extended vocabulary's size.  The clusters keep their numbers (see
 * dmm_train.c for the rare empty cluster); the model's k is the bound, so an
 * update opens no new cluster.
 *
 * lambda is stored in single precision: the counts are rounded to integers
 * (exact up to 2^22 occurrences of a term in a cluster; a cell that is not a
 * count, in a hand-made model, counts as what it rounds to, at least 0).
 */
#include "postgres.h"

#include <math.h>

#include "miscadmin.h"
#include "utils/memutils.h"

#include "lda_model.h"
#include "lda_update.h"

#define DMM_MAX_BASE_COUNT	(PG_INT32_MAX / 2)	/* room for the new documents' counts */

/* A stored parameter less its prior, as a count (rounded, at least 0, checked) */
static int64
StoredCount(double value, double prior)
{
	double		x = rint(value - prior);

	if (!(x > 0.0))
		return 0;
	if (x > DMM_MAX_BASE_COUNT)
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("cannot update a mixture with counts above %d", DMM_MAX_BASE_COUNT),
				 errdetail("The model holds a count of %.0f.", x),
				 errhint("Train a new version on recent tweets instead.")));
	return (int64) x;
}

/* The model's counts over the extended vocabulary (nterms >= the model's terms) */
static DmmContinue *
BaseCounts(const LdaModel *base, const LdaParams *p, int nterms)
{
	DmmContinue *from = palloc(sizeof(DmmContinue));
	const float *lambda = LDA_LAMBDA(base);
	int32	   *nzw = MemoryContextAllocHuge(CurrentMemoryContext,
											 sizeof(int32) * (Size) base->k * nterms);
	int64	   *m = palloc(sizeof(int64) * base->k);
	double		alpha = p->doc_concentration > 0 ? p->doc_concentration : DMM_DEFAULT_ALPHA;
	double		beta = p->topic_concentration > 0 ? p->topic_concentration : DMM_DEFAULT_BETA;

	memset(nzw, 0, sizeof(int32) * (Size) base->k * nterms);
	for (int w = 0; w < base->nterms; w++)
	{
		for (int t = 0; t < base->k; t++)
			nzw[(Size) w * base->k + t] = (int32) StoredCount(lambda[(Size) w * base->k + t], beta);
		if ((w + 1) % 4096 == 0)
			CHECK_FOR_INTERRUPTS();
	}
	for (int t = 0; t < base->k; t++)
		m[t] = StoredCount(base->alpha[t], alpha);
	from->nzw = nzw;
	from->m = m;
	return from;
}

/*
 * Go on sampling the mixture base on the new documents (corpus over nterms
 * terms, the model's first); max_iter sweeps, or the model's (auto_iter).
 * The metadata is the update's alone (LdaUpdate adds the model's).
 */
LdaTrainResult *
DmmUpdate(const LdaModel *base, const LdaParams *params, bool auto_iter,
		  const LdaCorpus *corpus, int nterms)
{
	LdaParams	p = *params;

	if (auto_iter)
		p.max_iter = base->info.max_iter >= 1 && base->info.max_iter <= LDA_MAX_ITER ?
			base->info.max_iter : DMM_DEFAULT_MAX_ITER;
	CheckLdaCells(base->k, nterms);
	return DmmTrainFrom(&p, corpus, nterms, BaseCounts(base, &p, nterms));
}
