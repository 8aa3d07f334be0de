/*
 * lda_infer.h
 *		The per-document variational E-step of LDA, shared by training and scoring,
 *		and the special functions it needs.
 *
 * Layout conventions: topic-word arrays are term-major ("V x k"): the k values
 * of term w are contiguous at [w * k], so that the E-step, which walks the terms
 * of one short document, touches one cache line per term.  A document is a
 * sparse list of (term id, weight) pairs.  Nothing here allocates memory,
 * reports errors or touches PostgreSQL state, so it may run in helper threads
 * (LdaInferDoc checks for interrupts only when told it runs in the backend).
 */
#ifndef LDA_INFER_H
#define LDA_INFER_H

#include <stdint.h>

/*
 * Stop the per-document iteration when the mean absolute change of gamma is below
 * this many times the document's mean term weight (1 for tf: the threshold of
 * Spark, scikit-learn and gensim; tf-idf weights get the same relative precision).
 */
#define LDA_GAMMA_TOLERANCE 1e-3
/* ... or after this many iterations */
#define LDA_GAMMA_MAX_ITER 100

/* Scratch space for one document: every array has room for k or for the document's terms */
typedef struct LdaScratch
{
	int			k;
	int			maxterms;		/* capacity of the per-term arrays */
	double	   *gamma;			/* k: variational Dirichlet parameters of theta */
	double	   *expElogtheta;	/* k: exp(E[log theta]) up to a constant factor */
	double	   *gammaOld;		/* k */
	double	   *phinorm;		/* maxterms: sum_t expElogtheta_t * expElogbeta[w,t] */
} LdaScratch;

extern double LdaDigamma(double x);
extern double LdaTrigamma(double x);

/* Infer gamma for one document; returns the number of iterations used */
extern int	LdaInferDoc(LdaScratch *s, const double *alpha,
						const double *expElogbeta, int n,
						const uint32_t *ids, const double *wts, double tol,
						bool interruptible);

/* Convergence threshold of a document of n terms with weights wts and count tokens */
extern double LdaDocTolerance(int n, const double *wts, double count);

/* Add this document's sufficient statistics (before the expElogbeta factor) to sstats */
extern void LdaAccumulateSstats(const LdaScratch *s, double *sstats, int n,
								const uint32_t *ids, const double *wts);

/* Add E[log theta] of the inferred document (Dirichlet expectation of gamma) to acc */
extern void LdaAccumulateElogtheta(const LdaScratch *s, double *acc);

/* The document's part of the variational bound (Spark's logLikelihoodBound per document) */
extern double LdaDocBound(const LdaScratch *s, const double *alpha,
						  const double *Elogbeta, int n,
						  const uint32_t *ids, const double *wts);

#define LDA_MIXTURE_MAX_K 1000	/* LDA_MAX_K */

/*
 * The exact posterior over the clusters of a Dirichlet multinomial mixture
 * given a document of n distinct terms ids with counts cnts: post[t] is
 * proportional to prior[t] * prod_w prod_{j<c_w} (lambda[w,t] + j) /
 * prod_{i<N} (colsum[t] + i), normalized to sum 1.  Returns the log of the
 * normalizing sum (the document's log evidence plus log sum(prior)).
 */
extern double LdaMixturePosterior(int k, const double *prior, const double *lambda,
								  const double *colsum, int n, const uint32_t *ids,
								  const double *cnts, double *post);

/* expElogbeta (and optionally Elogbeta) V x k from lambda V x k (term-major) */
extern void LdaDirichletPsisum(int k, int nterms, const double *lambda, double *psisum);
extern void LdaExpDirichletRows(int k, int w0, int w1, const double *lambda,
								const double *psisum, double *expElogbeta, double *Elogbeta);
extern void LdaExpDirichletExpectation(int k, int nterms, const double *lambda,
									   double *expElogbeta, double *Elogbeta);

#endif							/* LDA_INFER_H */
