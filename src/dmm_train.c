/*
 * dmm_train.c
 *		The Dirichlet multinomial mixture (one topic per document) trained by
 *		collapsed Gibbs sampling: GSDMM, the "Movie Group Process" of Yin & Wang
 *		(KDD 2014).  method => 'dmm' of the training aggregates and train().
 *
 * The model: a document d of N_d tokens belongs to one cluster z; clusters
 * have a symmetric Dirichlet(alpha) prior over their weights and each
 * cluster's words a symmetric Dirichlet(beta) prior.  Collapsed Gibbs sampling
 * keeps one assignment per document and the counts m_z (documents of z), n_z
 * (tokens of z) and n_zw (occurrences of w in z); each document is drawn
 * again from its exact conditional given the other documents (equation 4 of
 * the paper, with repeated words):
 *
 *	p(z_d = z | rest) ~ (m_z + alpha)
 *		* prod_w prod_{j=1..N_dw} (n_zw + beta + j - 1)
 *		/ prod_{i=1..N_d} (n_z + V beta + i - 1)
 *
 * (counts without d).  K is an upper bound: clusters that lose their last
 * document stay empty unless a document chooses them again; after the last
 * sweep the empty clusters are dropped and the others numbered by size
 * (largest first, ties by number), keeping at least LDA_MIN_K topics.  The
 * model stores lambda = n_zw + beta and alpha[z] = m_z + alpha, so the
 * inspection functions see the posterior mean of the topic-word
 * distributions, and scoring (lda_infer.c, LdaMixturePosterior) evaluates the
 * same formula with the stored counts.
 *
 * Incremental update (DmmTrainFrom with a DmmContinue, dmm_update.c): the
 * counts of the documents the model was trained on start the sampler and stay
 * in it as fixed pseudo-counts (their assignments are not stored, so they
 * never move); each new document is first drawn from the conditional above
 * given the counts so far (the model's plus the new documents drawn before
 * it), then the sweeps visit the new documents only.  The clusters keep their
 * numbers; a cluster that ends empty (possible only for a model that kept an
 * empty cluster) is dropped and the following ones move down.
 *
 * Reproducibility: the corpus is copied in the canonical order of the LDA
 * trainer (LdaCanonicalOrder: by content hash, then content) and visited in
 * that order (sequential reads), and every random
 * number comes from the SplitMix64 generator seeded with seed, so the row
 * order and the parallel plan that collected the corpus do not matter.
 *
 * Products instead of logarithms: the conditional is a product of a few
 * ratios per token; the factors are folded into the per-cluster weight every
 * DMM_FOLD tokens and the weights rescaled by their maximum, so nothing
 * overflows or underflows whatever the document length (a weight that falls
 * below 1e-308 of the best one is negligible), with one division per cluster
 * and fold instead of a logarithm per token and cluster.
 *
 * Parallelism: one sweep is sequential by nature (each document's draw
 * depends on the current assignment of all the others).  The approximate
 * distributed scheme (partitions sampled against stale counts, merged between
 * sweeps) would make the result depend on the number of partitions and helps
 * at most 2x on the 2-core target, while the sampler is a small share of
 * train()'s time (doc/dmm.md has the figures): reading and tokenizing, which
 * dominate, already run in parallel workers of the aggregate.  So the sampler
 * runs in the backend alone.
 */
#include "postgres.h"

#include <math.h>

#include "miscadmin.h"
#include "portability/instr_time.h"
#include "utils/memutils.h"

#include "lda_model.h"

#define DMM_FOLD			8		/* tokens between folds of the factors */
#define DMM_CHECK_DOCS		1024	/* documents between interrupt checks */
#define DMM_NOTICE_SECONDS	2.0		/* at most one progress notice this often */

/* The sampler's state */
typedef struct DmmSampler
{
	LdaCorpus	c;				/* the corpus copied in canonical order */
	int			k;
	int			nterms;
	double		alpha;
	double		beta;
	double		vbeta;			/* V * beta */
	int32	   *z;				/* cluster of each document (canonical position) */
	int64	   *m;				/* k: documents per cluster */
	int64	   *nz;				/* k: tokens per cluster */
	int32	   *nzw;			/* nterms x k, term-major */
	double	   *p;				/* k: weights of the current draw */
	double	   *num;			/* k: numerator factors since the last fold */
	double	   *den;			/* k: denominator factors since the last fold */
	uint64		rng;
} DmmSampler;

/* Uniform double in [0, 1) from the seeded generator */
static inline double
DmmUniform(DmmSampler *s)
{
	return (double) (LdaRngNext(&s->rng) >> 11) / 9007199254740992.0;
}

/* Add (sign = 1) or remove (sign = -1) document d to or from cluster t */
static inline void
MoveDoc(DmmSampler *s, int64 d, int t, int sign)
{
	const LdaCorpus *c = &s->c;
	int64		tokens = 0;

	for (int64 e = c->start[d]; e < c->start[d + 1]; e++)
	{
		s->nzw[(Size) c->ids[e] * s->k + t] += sign * (int32) c->cnts[e];
		tokens += c->cnts[e];
	}
	s->m[t] += sign;
	s->nz[t] += sign * tokens;
}

/* Multiply the folded factors into p and rescale p by its maximum */
static inline void
Fold(DmmSampler *s)
{
	double		mx = 0.0;

	for (int t = 0; t < s->k; t++)
	{
		s->p[t] *= s->num[t] / s->den[t];
		s->num[t] = s->den[t] = 1.0;
		mx = Max(mx, s->p[t]);
	}
	if (mx > 0.0 && (mx < 1e-100 || mx > 1e100))
		for (int t = 0; t < s->k; t++)
			s->p[t] /= mx;
}

/* The conditional weights of document d (already removed from the counts) into s->p */
static void
Conditional(DmmSampler *s, int64 d)
{
	const LdaCorpus *c = &s->c;
	int			k = s->k;
	int64		i = 0;

	for (int t = 0; t < k; t++)
	{
		s->p[t] = (double) s->m[t] + s->alpha;
		s->num[t] = s->den[t] = 1.0;
	}
	for (int64 e = c->start[d]; e < c->start[d + 1]; e++)
	{
		const int32 *row = s->nzw + (Size) c->ids[e] * k;

		for (int j = 0; j < c->cnts[e]; j++, i++)
		{
			for (int t = 0; t < k; t++)
			{
				s->num[t] *= (double) row[t] + s->beta + j;
				s->den[t] *= (double) s->nz[t] + s->vbeta + (double) i;
			}
			if ((i + 1) % DMM_FOLD == 0)
				Fold(s);
		}
	}
	Fold(s);
}

/* Draw a cluster from the weights s->p */
static int
Draw(DmmSampler *s)
{
	double		total = 0.0;
	double		u;

	for (int t = 0; t < s->k; t++)
		total += s->p[t];
	u = DmmUniform(s) * total;
	for (int t = 0; t < s->k; t++)
	{
		u -= s->p[t];
		if (u < 0.0)
			return t;
	}
	/* rounding: the last cluster with a positive weight */
	for (int t = s->k - 1; t > 0; t--)
		if (s->p[t] > 0.0)
			return t;
	return 0;
}

/*
 * Copy the corpus in canonical order (sweeps then read it sequentially, and
 * positions replace document numbers)
 */
static void
CopyCanonical(LdaCorpus *dst, const LdaCorpus *src)
{
	int64	   *order = LdaCanonicalOrder(src);
	int64		e = 0;

	dst->ndocs = src->ndocs;
	dst->nentries = src->nentries;
	dst->start = MemoryContextAllocHuge(CurrentMemoryContext, sizeof(int64) * (src->ndocs + 1));
	dst->ids = MemoryContextAllocHuge(CurrentMemoryContext, sizeof(uint32) * Max(src->nentries, 1));
	dst->cnts = MemoryContextAllocHuge(CurrentMemoryContext, sizeof(uint16) * Max(src->nentries, 1));
	dst->hashes = NULL;
	for (int64 i = 0; i < src->ndocs; i++)
	{
		int64		d = order[i];
		int64		n = src->start[d + 1] - src->start[d];

		dst->start[i] = e;
		memcpy(dst->ids + e, src->ids + src->start[d], sizeof(uint32) * n);
		memcpy(dst->cnts + e, src->cnts + src->start[d], sizeof(uint16) * n);
		e += n;
	}
	dst->start[src->ndocs] = e;
	pfree(order);
}

/* Draw each document from the conditional given the counts so far (an update's start) */
static void
AssignFromPosterior(DmmSampler *s)
{
	for (int64 d = 0; d < s->c.ndocs; d++)
	{
		Conditional(s, d);
		s->z[d] = Draw(s);
		MoveDoc(s, d, s->z[d], 1);
		if ((d + 1) % DMM_CHECK_DOCS == 0)
			CHECK_FOR_INTERRUPTS();
	}
}

/* Start from the model's counts (fixed pseudo-counts of the documents it was trained on) */
static void
StartFrom(DmmSampler *s, const DmmContinue *from)
{
	memcpy(s->nzw, from->nzw, sizeof(int32) * (Size) s->k * s->nterms);
	for (int t = 0; t < s->k; t++)
		s->m[t] = from->m[t];
	for (int w = 0; w < s->nterms; w++)
		for (int t = 0; t < s->k; t++)
			s->nz[t] += s->nzw[(Size) w * s->k + t];
}

/*
 * Allocate the sampler (sizes checked first) and assign every document: from
 * the posterior given the model's counts for an update (from), else
 * uniformly at random
 */
static void
InitSampler(DmmSampler *s, const LdaParams *p, const LdaCorpus *c, int nterms,
			const DmmContinue *from)
{
	CheckLdaK(p->k);
	CheckLdaCells(p->k, nterms);
	memset(s, 0, sizeof(*s));
	s->k = p->k;
	s->nterms = nterms;
	s->alpha = p->doc_concentration > 0 ? p->doc_concentration : DMM_DEFAULT_ALPHA;
	s->beta = p->topic_concentration > 0 ? p->topic_concentration : DMM_DEFAULT_BETA;
	s->vbeta = s->beta * nterms;
	s->rng = (uint64) p->seed;
	s->nzw = MemoryContextAllocHuge(CurrentMemoryContext, sizeof(int32) * (Size) p->k * nterms);
	memset(s->nzw, 0, sizeof(int32) * (Size) p->k * nterms);
	s->z = MemoryContextAllocHuge(CurrentMemoryContext, sizeof(int32) * Max(c->ndocs, 1));
	s->m = palloc0(sizeof(int64) * p->k);
	s->nz = palloc0(sizeof(int64) * p->k);
	s->p = palloc(sizeof(double) * p->k);
	s->num = palloc(sizeof(double) * p->k);
	s->den = palloc(sizeof(double) * p->k);
	CopyCanonical(&s->c, c);
	if (from != NULL)
	{
		StartFrom(s, from);
		AssignFromPosterior(s);
		return;
	}
	for (int64 d = 0; d < c->ndocs; d++)
	{
		int			t = (int) (LdaRngNext(&s->rng) % (uint64) s->k);

		s->z[d] = t;
		MoveDoc(s, d, t, 1);
	}
}

/* One Gibbs sweep over the documents in canonical order; returns the documents that moved */
static int64
Sweep(DmmSampler *s)
{
	int64		moved = 0;

	for (int64 d = 0; d < s->c.ndocs; d++)
	{
		int			t;

		MoveDoc(s, d, s->z[d], -1);
		Conditional(s, d);
		t = Draw(s);
		moved += t != s->z[d];
		s->z[d] = t;
		MoveDoc(s, d, t, 1);
		if ((d + 1) % DMM_CHECK_DOCS == 0)
			CHECK_FOR_INTERRUPTS();
	}
	return moved;
}

/* Clusters with at least one document */
static int
NonEmpty(const DmmSampler *s)
{
	int			n = 0;

	for (int t = 0; t < s->k; t++)
		n += s->m[t] > 0;
	return n;
}

static const DmmSampler *sort_sampler;

/* qsort comparator: larger clusters first, then lower numbers */
static int
CompareClusters(const void *a, const void *b)
{
	int			x = *(const int *) a,
				y = *(const int *) b;

	if (sort_sampler->m[x] != sort_sampler->m[y])
		return sort_sampler->m[x] > sort_sampler->m[y] ? -1 : 1;
	return (x > y) - (x < y);
}

/* The clusters kept, largest first: the non-empty ones, at least LDA_MIN_K; returns their number */
static int
KeptClusters(const DmmSampler *s, int *keep)
{
	int			n = Max(NonEmpty(s), LDA_MIN_K);

	for (int t = 0; t < s->k; t++)
		keep[t] = t;
	sort_sampler = s;
	qsort(keep, s->k, sizeof(int), CompareClusters);
	sort_sampler = NULL;
	return n;
}

/*
 * The clusters an update keeps, in their own order: the non-empty ones, and
 * the lowest-numbered empty ones when fewer than LDA_MIN_K are non-empty;
 * returns their number
 */
static int
KeptInOrder(const DmmSampler *s, int *keep)
{
	int			empty_kept = Max(LDA_MIN_K - NonEmpty(s), 0);
	int			n = 0;

	for (int t = 0; t < s->k; t++)
	{
		if (s->m[t] == 0 && empty_kept == 0)
			continue;
		if (s->m[t] == 0)
			empty_kept--;
		keep[n++] = t;
	}
	return n;
}

/* Mean log p(token | its document's cluster) under the final counts (the training fit) */
static double
FitPerToken(const DmmSampler *s)
{
	const LdaCorpus *c = &s->c;
	double		ll = 0.0,
				tokens = 0.0;

	/* in canonical order: the sum must not depend on the order of collection */
	for (int64 d = 0; d < c->ndocs; d++)
	{
		int			t = s->z[d];

		for (int64 e = c->start[d]; e < c->start[d + 1]; e++)
		{
			double		phi = ((double) s->nzw[(Size) c->ids[e] * s->k + t] + s->beta) /
				((double) s->nz[t] + s->vbeta);

			ll += c->cnts[e] * log(phi);
			tokens += c->cnts[e];
		}
	}
	return tokens > 0 ? ll / tokens : 0.0;
}

/*
 * The result: the kept clusters' counts plus the priors, and the training
 * metadata; training numbers the clusters by size, an update keeps their order
 */
static LdaTrainResult *
BuildResult(const DmmSampler *s, const LdaParams *p, int64 sweeps, bool update)
{
	LdaTrainResult *res = palloc0(sizeof(LdaTrainResult));
	int		   *keep = palloc(sizeof(int) * s->k);
	int			k2 = update ? KeptInOrder(s, keep) : KeptClusters(s, keep);
	LdaTrainingInfo *in = &res->info;

	res->k = k2;
	res->alpha = palloc(sizeof(double) * k2);
	res->lambda = MemoryContextAllocHuge(CurrentMemoryContext, sizeof(double) * (Size) k2 * s->nterms);
	for (int t = 0; t < k2; t++)
		res->alpha[t] = (double) s->m[keep[t]] + s->alpha;
	for (int w = 0; w < s->nterms; w++)
		for (int t = 0; t < k2; t++)
			res->lambda[(Size) w * k2 + t] = (double) s->nzw[(Size) w * s->k + keep[t]] + s->beta;
	res->eta = s->beta;
	in->documents = s->c.ndocs;
	in->iterations = (int32) sweeps;
	in->max_iter = p->max_iter;
	in->seed = p->seed;
	in->learning_offset = p->learning_offset;
	in->learning_decay = p->learning_decay;
	in->subsampling_rate = p->subsampling_rate;
	in->doc_concentration = s->alpha;
	in->passes = (double) sweeps;
	in->bound_per_token = FitPerToken(s);
	in->optimizer = (uint8) p->optimizer;
	in->optimize_doc_concentration = false;
	in->weighting = (uint8) LDA_WEIGHTING_TF;
	in->method = (uint8) LDA_METHOD_DMM;
	return res;
}

/* Seconds since start */
static double
Elapsed(instr_time start)
{
	instr_time	now;

	INSTR_TIME_SET_CURRENT(now);
	INSTR_TIME_SUBTRACT(now, start);
	return INSTR_TIME_GET_DOUBLE(now);
}

/*
 * Train a Dirichlet multinomial mixture on the corpus (counts, no term
 * weights): p->k is the upper bound on clusters, doc_concentration alpha and
 * topic_concentration beta (0.1 each when not given), max_iter sweeps.
 */
LdaTrainResult *
DmmTrain(const LdaParams *p, const LdaCorpus *corpus, int nterms)
{
	return DmmTrainFrom(p, corpus, nterms, NULL);
}

/*
 * Train a mixture (from NULL) or go on sampling from a model's counts (from:
 * an update, the counts over nterms terms and p->k clusters): see the file
 * comment.
 */
LdaTrainResult *
DmmTrainFrom(const LdaParams *p, const LdaCorpus *corpus, int nterms, const DmmContinue *from)
{
	const char *what = from != NULL ? "updated" : "trained";
	DmmSampler	s;
	LdaTrainResult *res;
	instr_time	start;
	double		last_notice = 0.0;
	int64		moved = 0;

	LdaCheckParams(p);
	if (corpus->ndocs < 1)
		ereport(ERROR,
				(errcode(ERRCODE_DATA_EXCEPTION),
				 errmsg("cannot train an LDA model on an empty corpus"),
				 errdetail("No document contains a term of the vocabulary.")));
	INSTR_TIME_SET_CURRENT(start);
	InitSampler(&s, p, corpus, nterms, from);
	for (int iter = 1; iter <= p->max_iter; iter++)
	{
		moved = Sweep(&s);
		if (iter < p->max_iter && Elapsed(start) - last_notice >= DMM_NOTICE_SECONDS)
		{
			last_notice = Elapsed(start);
			ereport(NOTICE,
					(errmsg("dmm: sweep %d of %d, %d clusters, %.2f%% of the documents moved, %.1f s",
							iter, p->max_iter, NonEmpty(&s),
							100.0 * moved / corpus->ndocs, last_notice)));
		}
	}
	res = BuildResult(&s, p, p->max_iter, from != NULL);
	res->info.seconds = Elapsed(start);
	ereport(NOTICE,
			(errmsg("dmm: %s k=%d (%d non-empty clusters of at most %d) on " INT64_FORMAT " documents in %d sweeps, %.1f s",
					what, res->k, NonEmpty(&s), p->k, corpus->ndocs, p->max_iter, res->info.seconds),
			 errdetail("The last sweep moved %.2f%% of the documents.",
					   100.0 * moved / corpus->ndocs)));
	return res;
}
