/*
 * lda_update.h
 *		Incremental update of a model (lda_update.c, dmm_update.c), and the pieces of the
 *		training aggregate (lda_agg.c) it shares.
 */
#ifndef LDA_UPDATE_H
#define LDA_UPDATE_H

#include "fmgr.h"

#include "lda_model.h"
#include "vocab.h"

/* lda_update.c */
extern void LdaCheckUpdatable(const LdaModel *m);
extern void LdaUpdateDefaults(const LdaModel *m, LdaParams *p);
extern VocabWords *LdaUpdateBaseWords(const LdaModel *m);
extern LdaModel *LdaUpdate(const LdaModel *base, const LdaParams *params, bool auto_iter,
						   const Vocab *vocab, const VocabWords *words,
						   const LdaCorpus *corpus, int64 empty_documents, double tokens);

/* dmm_update.c */
extern LdaTrainResult *DmmUpdate(const LdaModel *base, const LdaParams *params, bool auto_iter,
								 const LdaCorpus *corpus, int nterms);

/* lda_agg.c: the aggregate state of lda_from_text, with the model to update */
extern Datum LdaAggUpdateRow(FunctionCallInfo fcinfo, int langarg, int paramsarg, int fitarg);
extern LdaModel *LdaAggUpdateFinish(void *state);

#endif							/* LDA_UPDATE_H */
