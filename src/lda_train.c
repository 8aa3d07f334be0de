/*
 * lda_train.c
 *		The LDA training engine: online variational Bayes (Hoffman, Blei & Bach
 *		2010) with Spark's parameters, and batch variational Bayes.
 *
 * Reproducibility: documents are first put in a canonical order (by content
 * hash, then content), so the physical row order and the parallel plan that
 * collected them do not matter; every random number comes from a SplitMix64
 * generator seeded with the seed parameter (never random()).
 *
 * Mini-batches: each pass visits every document once in an order shuffled by
 * the seeded generator; a mini-batch holds round(documents x subsampling_rate)
 * documents, so max_iter x subsampling_rate is the number of passes, as Spark's
 * sampling gives on average.
 *
 * Threads: the E-step of a block of documents is split in two lanes, each with
 * its own sufficient-statistics buffer, summed in lane order; lane 1 runs in a
 * helper thread (all signals blocked; it runs only lda_infer.c code on buffers
 * allocated beforehand: no palloc, no ereport).  The result does not depend on
 * whether the thread could be started.  Between blocks the backend joins the
 * thread and checks for interrupts, so cancel and statement_timeout act within
 * a fraction of a second.  The M-step likewise computes the second half of the
 * rows of E[log beta] in a helper thread (each cell depends on lambda and the
 * column sums only, summed beforehand in the backend in term order).
 */
#include "postgres.h"

#include <math.h>

#include "miscadmin.h"
#include "portability/instr_time.h"
#include "utils/memutils.h"

#include "helper_thread.h"
#include "lda_infer.h"
#include "lda_model.h"

#define LDA_LANES			2
#define LDA_BLOCK_DOCS		4096	/* documents per block between interrupt checks */
#define LDA_BLOCK_CELLS		(1 << 20)	/* ... or fewer, up to this many (term, topic) pairs */
#define LDA_NOTICE_SECONDS	2.0		/* at most one progress notice this often */

/* One lane of the E-step: its documents, scratch space and accumulators */
typedef struct LdaLane
{
	const struct LdaTrainer *tr;
	const int64 *docs;			/* document numbers of this lane's share */
	int64		ndocs;
	bool		want_bound;
	LdaScratch	scratch;
	double	   *wts;			/* weights of the current document */
	double	   *sstats;			/* nterms x k */
	double	   *elogtheta;		/* k: sum of E[log theta] of the documents */
	double		bound;			/* document part of the bound */
	double		tokens;			/* sum of the weights of the documents */
	int64		inner;			/* E-step iterations of the documents */
} LdaLane;

/* Everything training needs */
typedef struct LdaTrainer
{
	const LdaParams *p;
	const LdaCorpus *corpus;
	const double *termWeight;
	int			k;
	int			nterms;
	double	   *alpha;
	double		eta;
	double	   *lambda;			/* nterms x k */
	double	   *expElogbeta;	/* nterms x k */
	double	   *Elogbeta;		/* nterms x k */
	LdaLane		lanes[LDA_LANES];
	uint64		rng;
} LdaTrainer;

/* SplitMix64: next 64 random bits */
static inline uint64
RngNext(uint64 *state)
{
	uint64		z = (*state += UINT64CONST(0x9E3779B97F4A7C15));

	z = (z ^ (z >> 30)) * UINT64CONST(0xBF58476D1CE4E5B9);
	z = (z ^ (z >> 27)) * UINT64CONST(0x94D049BB133111EB);
	return z ^ (z >> 31);
}

/* SplitMix64 for the other trainers (dmm_train.c) */
uint64
LdaRngNext(uint64 *state)
{
	return RngNext(state);
}

/* Uniform double in (0, 1) */
static inline double
RngUniform(uint64 *state)
{
	return ((double) (RngNext(state) >> 11) + 0.5) / 9007199254740992.0;
}

/* Standard normal variate (Box-Muller, one of the pair) */
static double
RngNormal(uint64 *state)
{
	double		u1 = RngUniform(state);
	double		u2 = RngUniform(state);

	return sqrt(-2.0 * log(u1)) * cos(2.0 * M_PI * u2);
}

/* Gamma(shape, scale) variate for shape >= 1 (Marsaglia & Tsang) */
static double
RngGamma(uint64 *state, double shape, double scale)
{
	double		d = shape - 1.0 / 3.0;
	double		c = 1.0 / sqrt(9.0 * d);

	for (;;)
	{
		double		x = RngNormal(state);
		double		v = 1.0 + c * x;
		double		u;

		if (v <= 0.0)
			continue;
		v = v * v * v;
		u = RngUniform(state);
		if (log(u) < 0.5 * x * x + d - d * v + d * log(v))
			return d * v * scale;
	}
}

/* Set Spark's defaults */
void
LdaParamsDefault(LdaParams *p)
{
	p->k = 10;
	p->max_iter = 20;
	p->doc_concentration = -1.0;
	p->topic_concentration = -1.0;
	p->learning_offset = 1024.0;
	p->learning_decay = 0.51;
	p->subsampling_rate = 0.05;
	p->optimize_doc_concentration = true;
	p->seed = 42;
	p->optimizer = LDA_OPTIMIZER_ONLINE;
	p->weighting = LDA_WEIGHTING_TF;
	p->method = LDA_METHOD_LDA;
	p->max_iter_given = false;
	p->vocab_keys = false;
	p->min_df = 3;
	p->max_df = 0.5;
	p->max_terms = 20000;
}

/* Fill in the defaults that depend on the method (after parsing, before checking) */
void
LdaParamsResolve(LdaParams *p)
{
	if (!p->max_iter_given)
		p->max_iter = p->method == LDA_METHOD_DMM ? DMM_DEFAULT_MAX_ITER : 20;
}

/* Report a parameter outside its domain */
static void
BadParam(const char *name, double value, const char *rule)
{
	ereport(ERROR,
			(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
			 errmsg("invalid value for LDA parameter \"%s\": %g", name, value),
			 errdetail("%s", rule)));
}

/* Validate training parameters (shared by the aggregate and train()) */
void
LdaCheckParams(const LdaParams *p)
{
	CheckLdaK(p->k);
	if (p->max_iter < 1 || p->max_iter > LDA_MAX_ITER)
		BadParam("max_iter", p->max_iter, "max_iter must be between 1 and 100000.");
	if (!(p->doc_concentration == -1.0 || (p->doc_concentration > 0 && isfinite(p->doc_concentration))))
		BadParam("doc_concentration", p->doc_concentration,
				 "doc_concentration must be a positive finite number (or NULL for 1/k).");
	if (!(p->topic_concentration == -1.0 || (p->topic_concentration > 0 && isfinite(p->topic_concentration))))
		BadParam("topic_concentration", p->topic_concentration,
				 "topic_concentration must be a positive finite number (or NULL for 1/k).");
	if (!(p->learning_offset > 0 && isfinite(p->learning_offset)))
		BadParam("learning_offset", p->learning_offset,
				 "learning_offset must be a positive finite number.");
	if (!(p->learning_decay > 0.5 && p->learning_decay <= 1.0))
		BadParam("learning_decay", p->learning_decay,
				 "learning_decay must be in (0.5, 1] for convergence.");
	if (!(p->subsampling_rate > 0 && p->subsampling_rate <= 1.0))
		BadParam("subsampling_rate", p->subsampling_rate,
				 "subsampling_rate must be in (0, 1].");
	if (isnan(p->min_df) || p->min_df < 0)
		BadParam("min_df", p->min_df,
				 "min_df must be a number >= 0: a value >= 1 is a document count, a value < 1 a fraction of the documents.");
	if (isnan(p->max_df) || p->max_df < 0)
		BadParam("max_df", p->max_df,
				 "max_df must be a number >= 0: a value >= 1 is a document count, a value < 1 a fraction of the documents.");
	if (p->max_terms < 1)
		BadParam("max_terms", p->max_terms, "max_terms must be at least 1.");
	if (p->method == LDA_METHOD_DMM && p->weighting != LDA_WEIGHTING_TF)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("method \"dmm\" requires weighting \"tf\""),
				 errdetail("The Dirichlet multinomial mixture samples from word counts."),
				 errhint("Leave weighting at its default \"tf\".")));
}

/* Compare two documents by hash, then by content (a total order on contents) */
static int
CompareDocs(const LdaCorpus *c, int64 a, int64 b)
{
	int64		la,
				lb;

	if (c->hashes[a] != c->hashes[b])
		return c->hashes[a] < c->hashes[b] ? -1 : 1;
	la = c->start[a + 1] - c->start[a];
	lb = c->start[b + 1] - c->start[b];
	for (int64 i = 0; i < Min(la, lb); i++)
	{
		uint32		ia = c->ids[c->start[a] + i],
					ib = c->ids[c->start[b] + i];

		if (ia != ib)
			return ia < ib ? -1 : 1;
		if (c->cnts[c->start[a] + i] != c->cnts[c->start[b] + i])
			return c->cnts[c->start[a] + i] < c->cnts[c->start[b] + i] ? -1 : 1;
	}
	return (la > lb) - (la < lb);
}

static const LdaCorpus *sort_corpus;

/* A document number with its hash, sorted without reading the corpus until hashes tie */
typedef struct DocKey
{
	uint64		hash;
	int64		doc;
} DocKey;

/* Order of two keys: CompareDocs (sort_corpus set by the caller) */
static inline int
CompareDocKeys(const DocKey *a, const DocKey *b)
{
	if (a->hash != b->hash)
		return a->hash < b->hash ? -1 : 1;
	return CompareDocs(sort_corpus, a->doc, b->doc);
}

#define ST_SORT SortDocKeys
#define ST_ELEMENT_TYPE DocKey
#define ST_COMPARE(a, b) CompareDocKeys(a, b)
#define ST_SCOPE static
#define ST_DEFINE
#include "lib/sort_template.h"

/* Document numbers in canonical order, independent of the order of collection */
int64 *
LdaCanonicalOrder(const LdaCorpus *c)
{
	int64	   *order = MemoryContextAllocHuge(CurrentMemoryContext,
											   sizeof(int64) * Max(c->ndocs, 1));
	DocKey	   *keys = MemoryContextAllocHuge(CurrentMemoryContext,
											  sizeof(DocKey) * Max(c->ndocs, 1));

	for (int64 d = 0; d < c->ndocs; d++)
	{
		keys[d].hash = c->hashes[d];
		keys[d].doc = d;
	}
	sort_corpus = c;
	SortDocKeys(keys, c->ndocs);
	sort_corpus = NULL;
	for (int64 d = 0; d < c->ndocs; d++)
		order[d] = keys[d].doc;
	pfree(keys);
	return order;
}

/* Fisher-Yates shuffle with the trainer's generator */
static void
Shuffle(LdaTrainer *tr, int64 *a, int64 n)
{
	for (int64 i = n - 1; i > 0; i--)
	{
		int64		j = (int64) (RngNext(&tr->rng) % (uint64) (i + 1));
		int64		tmp = a[i];

		a[i] = a[j];
		a[j] = tmp;
	}
}

/* Documents come in shuffled order: ask for the data of the next ones early */
static inline void
PrefetchAhead(const LdaCorpus *c, const LdaLane *lane, int64 i)
{
	if (i + 16 < lane->ndocs)
		__builtin_prefetch(&c->start[lane->docs[i + 16]]);
	if (i + 8 < lane->ndocs)
	{
		int64		ahead = c->start[lane->docs[i + 8]];

		__builtin_prefetch(&c->ids[ahead]);
		__builtin_prefetch(&c->cnts[ahead]);
	}
}

/* E-step of one lane's documents (runs in the backend or in the helper thread) */
static void
LaneRun(LdaLane *lane)
{
	const LdaTrainer *tr = lane->tr;
	const LdaCorpus *c = tr->corpus;

	for (int64 i = 0; i < lane->ndocs; i++)
	{
		int64		d = lane->docs[i];
		int			n = (int) (c->start[d + 1] - c->start[d]);
		const uint32 *ids = c->ids + c->start[d];
		const uint16 *cnts = c->cnts + c->start[d];
		double		count = 0.0;

		PrefetchAhead(c, lane, i);
		for (int j = 0; j < n; j++)
		{
			lane->wts[j] = cnts[j] * tr->termWeight[ids[j]];
			lane->tokens += lane->wts[j];
			count += cnts[j];
		}
		lane->inner += LdaInferDoc(&lane->scratch, tr->alpha, tr->expElogbeta, n, ids, lane->wts,
								   LdaDocTolerance(n, lane->wts, count), false);
		LdaAccumulateSstats(&lane->scratch, lane->sstats, n, ids, lane->wts);
		LdaAccumulateElogtheta(&lane->scratch, lane->elogtheta);
		if (lane->want_bound)
			lane->bound += LdaDocBound(&lane->scratch, tr->alpha, tr->Elogbeta,
									   n, ids, lane->wts);
	}
}

/* pthread entry point for lane 1 */
static void *
LaneThread(void *arg)
{
	LaneRun((LdaLane *) arg);
	return NULL;
}

/* Run lane 1 in a helper thread; false if it could not start */
static bool
StartLaneThread(pthread_t *th, LdaLane *lane)
{
	return HelperThreadStart(th, LaneThread, lane);
}

/* A share of the rows of expElogbeta and Elogbeta to compute from lambda */
typedef struct LdaRowsJob
{
	const struct LdaTrainer *tr;
	const double *psisum;
	int			w0;
	int			w1;
} LdaRowsJob;

/* Compute a share of the rows (in the backend or in the helper thread) */
static void *
RowsJobRun(void *arg)
{
	LdaRowsJob *job = (LdaRowsJob *) arg;

	LdaExpDirichletRows(job->tr->k, job->w0, job->w1, job->tr->lambda, job->psisum,
						job->tr->expElogbeta, job->tr->Elogbeta);
	return NULL;
}

/* Reset the lanes' accumulators before a batch */
static void
ResetLanes(LdaTrainer *tr, bool want_bound)
{
	for (int l = 0; l < LDA_LANES; l++)
	{
		LdaLane    *lane = &tr->lanes[l];

		memset(lane->sstats, 0, sizeof(double) * tr->k * tr->nterms);
		memset(lane->elogtheta, 0, sizeof(double) * tr->k);
		lane->bound = 0.0;
		lane->tokens = 0.0;
		lane->inner = 0;
		lane->want_bound = want_bound;
	}
}

/*
 * Number of documents of the next block: at most LDA_BLOCK_DOCS and about
 * LDA_BLOCK_CELLS (term, topic) pairs, so that a block takes a fraction of a
 * second whatever k and the document lengths (depends on the data only).
 */
static int64
BlockLength(const LdaTrainer *tr, const int64 *docs, int64 n)
{
	const LdaCorpus *c = tr->corpus;
	int64		len = 0;
	int64		cells = 0;

	while (len < n && len < LDA_BLOCK_DOCS && cells < LDA_BLOCK_CELLS)
	{
		cells += (c->start[docs[len] + 1] - c->start[docs[len]]) * tr->k;
		len++;
	}
	return len;
}

/* E-step over docs[0..n): blocks split between the lanes, interrupts checked between blocks */
static void
EStep(LdaTrainer *tr, const int64 *docs, int64 n, bool want_bound)
{
	int64		len;

	ResetLanes(tr, want_bound);
	for (int64 b = 0; b < n; b += len)
	{
		int64		half;
		pthread_t	th;
		bool		threaded;

		len = BlockLength(tr, docs + b, n - b);
		half = len / 2;
		tr->lanes[0].docs = docs + b;
		tr->lanes[0].ndocs = half;
		tr->lanes[1].docs = docs + b + half;
		tr->lanes[1].ndocs = len - half;
		threaded = StartLaneThread(&th, &tr->lanes[1]);
		LaneRun(&tr->lanes[0]);
		if (threaded)
			pthread_join(th, NULL);
		else
			LaneRun(&tr->lanes[1]);
		CHECK_FOR_INTERRUPTS();
	}
	/* sum the lanes in a fixed order */
	for (int l = 1; l < LDA_LANES; l++)
	{
		for (Size i = 0; i < (Size) tr->k * tr->nterms; i++)
			tr->lanes[0].sstats[i] += tr->lanes[l].sstats[i];
		for (int t = 0; t < tr->k; t++)
			tr->lanes[0].elogtheta[t] += tr->lanes[l].elogtheta[t];
		tr->lanes[0].bound += tr->lanes[l].bound;
		tr->lanes[0].tokens += tr->lanes[l].tokens;
		tr->lanes[0].inner += tr->lanes[l].inner;
	}
}

/* The topics' part of the variational bound, scaled to a batch of n of D documents */
static double
TopicsBound(const LdaTrainer *tr)
{
	int			k = tr->k;
	double		bound = 0.0;
	double		rowsum[LDA_MAX_K];

	memset(rowsum, 0, sizeof(double) * k);
	for (Size i = 0; i < (Size) k * tr->nterms; i++)
	{
		bound += (tr->eta - tr->lambda[i]) * tr->Elogbeta[i]
			+ lgamma(tr->lambda[i]) - lgamma(tr->eta);
		rowsum[i % k] += tr->lambda[i];
	}
	for (int t = 0; t < k; t++)
		bound += lgamma(tr->eta * tr->nterms) - lgamma(rowsum[t]);
	return bound;
}

/* lambda = (1 - rho) lambda + rho (eta + scale * sstats * expElogbeta) */
static void
MStep(LdaTrainer *tr, double rho, double scale)
{
	const double *ss = tr->lanes[0].sstats;

	double		psisum[LDA_MAX_K];
	LdaRowsJob	jobs[2];
	pthread_t	th;

	for (Size i = 0; i < (Size) tr->k * tr->nterms; i++)
		tr->lambda[i] = (1.0 - rho) * tr->lambda[i]
			+ rho * (tr->eta + scale * ss[i] * tr->expElogbeta[i]);
	/* E[log beta] from the new lambda: the rows in two halves, one in a helper thread */
	LdaDirichletPsisum(tr->k, tr->nterms, tr->lambda, psisum);
	for (int j = 0; j < 2; j++)
	{
		jobs[j].tr = tr;
		jobs[j].psisum = psisum;
		jobs[j].w0 = j == 0 ? 0 : tr->nterms / 2;
		jobs[j].w1 = j == 0 ? tr->nterms / 2 : tr->nterms;
	}
	if (HelperThreadStart(&th, RowsJobRun, &jobs[1]))
	{
		RowsJobRun(&jobs[0]);
		pthread_join(th, NULL);
	}
	else
	{
		RowsJobRun(&jobs[0]);
		RowsJobRun(&jobs[1]);
	}
}

/* Spark's updateAlpha: one Newton step on alpha, weighted by rho, kept only if positive */
static void
UpdateAlpha(LdaTrainer *tr, double rho, double n)
{
	int			k = tr->k;
	double		gradf[LDA_MAX_K],
				q[LDA_MAX_K];
	double		sumalpha = 0.0,
				psisum,
				c,
				b,
				num = 0.0,
				den = 0.0;
	bool		ok = true;

	for (int t = 0; t < k; t++)
		sumalpha += tr->alpha[t];
	psisum = LdaDigamma(sumalpha);
	for (int t = 0; t < k; t++)
	{
		double		logphat = tr->lanes[0].elogtheta[t] / n;

		gradf[t] = n * (-(LdaDigamma(tr->alpha[t]) - psisum) + logphat);
		q[t] = -n * LdaTrigamma(tr->alpha[t]);
		num += gradf[t] / q[t];
		den += 1.0 / q[t];
	}
	c = n * LdaTrigamma(sumalpha);
	b = num / (1.0 / c + den);
	for (int t = 0; t < k; t++)
		ok = ok && (tr->alpha[t] + rho * (-(gradf[t] - b) / q[t])) > 0.0;
	if (!ok)
		return;
	for (int t = 0; t < k; t++)
		tr->alpha[t] += rho * (-(gradf[t] - b) / q[t]);
}

/*
 * Allocate the trainer's arrays, checking the sizes first; start from the
 * state of from (an update), or from Spark's random lambda (from NULL).
 */
static void
InitTrainer(LdaTrainer *tr, const LdaParams *p, const LdaCorpus *corpus,
			int nterms, const double *termWeight, const LdaContinue *from)
{
	Size		cells;
	int			maxlen = 1;

	CheckLdaK(p->k);
	CheckLdaCells(p->k, nterms);
	memset(tr, 0, sizeof(*tr));
	tr->p = p;
	tr->corpus = corpus;
	tr->termWeight = termWeight;
	tr->k = p->k;
	tr->nterms = nterms;
	tr->rng = (uint64) p->seed;
	cells = (Size) p->k * nterms;
	for (int64 d = 0; d < corpus->ndocs; d++)
		maxlen = Max(maxlen, (int) (corpus->start[d + 1] - corpus->start[d]));

	tr->alpha = palloc(sizeof(double) * p->k);
	for (int t = 0; t < p->k; t++)
		tr->alpha[t] = p->doc_concentration > 0 ? p->doc_concentration : 1.0 / p->k;
	tr->eta = p->topic_concentration > 0 ? p->topic_concentration : 1.0 / p->k;
	tr->lambda = MemoryContextAllocHuge(CurrentMemoryContext, sizeof(double) * cells);
	tr->expElogbeta = MemoryContextAllocHuge(CurrentMemoryContext, sizeof(double) * cells);
	tr->Elogbeta = MemoryContextAllocHuge(CurrentMemoryContext, sizeof(double) * cells);
	for (int l = 0; l < LDA_LANES; l++)
	{
		LdaLane    *lane = &tr->lanes[l];

		lane->tr = tr;
		lane->sstats = MemoryContextAllocHuge(CurrentMemoryContext, sizeof(double) * cells);
		lane->elogtheta = palloc(sizeof(double) * p->k);
		lane->wts = palloc(sizeof(double) * maxlen);
		lane->scratch.k = p->k;
		lane->scratch.maxterms = maxlen;
		lane->scratch.gamma = palloc(sizeof(double) * p->k);
		lane->scratch.expElogtheta = palloc(sizeof(double) * p->k);
		lane->scratch.gammaOld = palloc(sizeof(double) * p->k);
		lane->scratch.phinorm = palloc(sizeof(double) * maxlen);
	}
	if (from != NULL)
	{
		/* continue from a model's state: its lambda, alpha and eta */
		memcpy(tr->lambda, from->lambda, sizeof(double) * cells);
		memcpy(tr->alpha, from->alpha, sizeof(double) * p->k);
		tr->eta = from->eta;
	}
	else
	{
		/* Spark: lambda ~ Gamma(100, 1/100), drawn topic by topic */
		for (int t = 0; t < p->k; t++)
			for (int w = 0; w < nterms; w++)
				tr->lambda[(Size) w * p->k + t] = RngGamma(&tr->rng, 100.0, 0.01);
	}
	LdaExpDirichletExpectation(tr->k, nterms, tr->lambda, tr->expElogbeta, tr->Elogbeta);
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

/* Per-token variational bound of the last batch, scaled to the corpus (scale = D / batch) */
static double
BatchBound(const LdaTrainer *tr, double scale)
{
	double		tokens = tr->lanes[0].tokens * scale;

	if (tokens <= 0.0)
		return 0.0;
	return (tr->lanes[0].bound * scale + TopicsBound(tr)) / tokens;
}

/* The training metadata stored in the model */
static void
FillTrainingInfo(LdaTrainingInfo *info, const LdaParams *p, int64 documents,
				 double passes, double bound)
{
	info->documents = documents;
	info->iterations = p->max_iter;
	info->max_iter = p->max_iter;
	info->seed = p->seed;
	info->learning_offset = p->learning_offset;
	info->learning_decay = p->learning_decay;
	info->subsampling_rate = p->subsampling_rate;
	info->doc_concentration = p->doc_concentration > 0 ? p->doc_concentration : 1.0 / p->k;
	info->passes = passes;
	info->bound_per_token = bound;
	info->optimizer = (uint8) p->optimizer;
	info->optimize_doc_concentration = p->optimize_doc_concentration;
	info->weighting = (uint8) p->weighting;
}

/*
 * Train on the corpus.  termWeight[w] multiplies the counts of term w (IDF, or
 * 1 for tf).  Returns lambda, alpha, eta and the training metadata.
 */
LdaTrainResult *
LdaTrain(const LdaParams *p, const LdaCorpus *corpus, int nterms,
		 const double *termWeight)
{
	return LdaTrainFrom(p, corpus, nterms, termWeight, NULL);
}

/*
 * Train on the corpus, from the state of from when not NULL (an incremental
 * update, lda_update.c: online variational Bayes goes on from its lambda and
 * alpha, with rho_t = (tau0 + from->t0 + t)^-kappa, mini-batches of
 * from->batch documents and sufficient statistics scaled to from->D
 * documents), else from a random lambda (training: t0 0, batches of
 * round(documents x subsampling_rate), D the corpus's documents).
 */
LdaTrainResult *
LdaTrainFrom(const LdaParams *p, const LdaCorpus *corpus, int nterms,
			 const double *termWeight, const LdaContinue *from)
{
	LdaTrainer	tr;
	LdaTrainResult *res = palloc0(sizeof(LdaTrainResult));
	int64		D = corpus->ndocs;
	double		scaleD = from ? from->D : (double) D;
	int64		t0 = from ? from->t0 : 0;
	int64	   *order;
	int64		batch,
				pos = 0,
				processed = 0;
	bool		online = from != NULL || p->optimizer == LDA_OPTIMIZER_ONLINE;
	instr_time	start;
	double		last_notice = 0.0;
	double		bound = 0.0;
	int64		inner = 0;
	int			iter;

	LdaCheckParams(p);
	if (D < 1)
		ereport(ERROR,
				(errcode(ERRCODE_DATA_EXCEPTION),
				 errmsg("cannot train an LDA model on an empty corpus"),
				 errdetail("No document contains a term of the vocabulary.")));
	INSTR_TIME_SET_CURRENT(start);
	InitTrainer(&tr, p, corpus, nterms, termWeight, from);
	order = LdaCanonicalOrder(corpus);
	batch = online ? Max(1, Min(D, (int64) rint(D * p->subsampling_rate))) : D;
	if (from != NULL)
		batch = Max(1, Min(D, from->batch));
	if (online)
		Shuffle(&tr, order, D);

	for (iter = 1; iter <= p->max_iter; iter++)
	{
		bool		last = iter == p->max_iter;
		bool		notice = last || Elapsed(start) - last_notice >= LDA_NOTICE_SECONDS;
		int64		n;
		double		rho;

		if (online && pos >= D)
		{
			Shuffle(&tr, order, D);
			pos = 0;
		}
		n = Min(batch, D - pos);
		EStep(&tr, order + pos, n, notice);
		pos += online ? n : 0;
		processed += n;
		if (notice)
			bound = BatchBound(&tr, scaleD / n);
		rho = online ? pow(p->learning_offset + (t0 + iter), -p->learning_decay) : 1.0;
		inner += tr.lanes[0].inner;
		MStep(&tr, rho, scaleD / n);
		if (p->optimize_doc_concentration)
			UpdateAlpha(&tr, rho, (double) n);
		if (notice && !last)
		{
			last_notice = Elapsed(start);
			ereport(NOTICE,
					(errmsg("lda: iteration %d of %d, pass %.2f, %.1f s, bound per token %.4f",
							iter, p->max_iter, (double) processed / D, last_notice, bound)));
		}
	}

	res->k = p->k;
	res->lambda = tr.lambda;
	res->alpha = tr.alpha;
	res->eta = tr.eta;
	FillTrainingInfo(&res->info, p, D, (double) processed / D, bound);
	res->info.seconds = Elapsed(start);
	ereport(NOTICE,
			(errmsg("lda: %s k=%d on " INT64_FORMAT " %sdocuments in %d iterations (%.2f passes), %.1f s, bound per token %.4f",
					from ? "updated" : "trained", p->k, D, from ? "new " : "",
					p->max_iter, res->info.passes, res->info.seconds, bound),
			 errdetail("The E-step took %.1f iterations per document on average.",
					   (double) inner / Max(processed, 1))));
	return res;
}
