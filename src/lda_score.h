/*
 * lda_score.h
 *		A model prepared for scoring (LdaScorer), shared by scoring (lda_score.c)
 *		and evaluation (lda_inspect.c).
 */
#ifndef LDA_SCORE_H
#define LDA_SCORE_H

#include "fmgr.h"

#include "lda_infer.h"
#include "lda_model.h"
#include "textconf.h"
#include "vocab.h"

typedef struct LdaScorer
{
	MemoryContext cxt;			/* owns everything below */
	int			k;
	int			nterms;
	uint64		fingerprint;
	LdaModel   *model;			/* private copy */
	const double *alpha;
	Tokenizer  *tok;
	VocabIndex *index;
	double	   *termWeight;		/* IDF or 1 per term */
	int			method;			/* LdaMethod: how a document's topics are inferred */
	double	   *expElogbeta;	/* LDA: nterms x k */
	double	   *mixLambda;		/* mixture: nterms x k, lambda as double */
	double	   *mixColsum;		/* mixture: k, column sums of lambda */
	double		logEvidence;	/* mixture: log p(last document) */
	double	   *Elogbeta;		/* nterms x k, computed on first use */
	LdaScratch	scratch;
	uint32	   *ids;			/* terms of the last document */
	double	   *wts;			/* their weights */
	int			n;
	int			cap;
} LdaScorer;

extern void LdaScoreInit(void);
extern LdaScorer *LdaScorerCreate(const LdaModel *m, MemoryContext parent);
extern LdaScorer *LdaScorerForValue(FunctionCallInfo fcinfo, int argno);
extern bool LdaScorerInfer(LdaScorer *s, text *doc);
extern bool LdaScorerInferLang(LdaScorer *s, text *doc, text *lang);
extern const double *LdaScorerElogbeta(LdaScorer *s);
extern void LdaScorerPosterior(LdaScorer *s, int n, const uint32 *ids, const double *wts,
							   double count, bool interruptible);

#endif							/* LDA_SCORE_H */
