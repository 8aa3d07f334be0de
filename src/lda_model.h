/*
 * lda_model.h
 *		The LDA model type tweetlda.lda_model, the training parameters and the
 *		training engine's interface.
 *
 * A model is self-contained: it carries the text configuration it was trained
 * with (including a snapshot of the stopwords), the vocabulary with its document
 * frequencies (hence IDF), the weighting, k, alpha, eta, the topic-word
 * parameters lambda and the training metadata.
 *
 * In-memory / on-disk layout (version 2; every field 8-byte aligned where it
 * matters, native byte order; send/recv and the text form use a portable
 * encoding, see lda_model.c):
 *
 *	LdaModel header (fixed size, below)
 *	double	alpha[k]				Dirichlet prior of the document-topic mix
 *	float	lambda[nterms * k]		topic-word parameters, term-major: [w * k + t]
 *	char	textconf[textconf_len]	TextConfigSerialize() bytes, padded to 8
 *	Vocab	vocab					a whole tweetlda.vocab varlena (vocab_size bytes)
 *	-- version 2 only, from here (8-aligned after the vocabulary):
 *	LdaModelWords header			words_len, quality measured at training
 *	int64	cf[nterms]				occurrences of each term in the training documents
 *	uint32	woff[nterms + 1]		word of term w: words[woff[w] .. woff[w + 1])
 *	char	words[words_len]		most frequent surface form of each term
 *
 * Version 3 has the layout of version 2; its portable encoding adds the
 * method byte (LdaMethod) after the weighting.  Versions 1 and 2 are LDA.
 *
 * A Dirichlet multinomial mixture (method dmm, dmm_train.c) uses the same
 * layout: lambda holds the topic-word counts plus beta (n_tw + beta), eta is
 * beta, and alpha[t] holds the documents of cluster t plus the prior alpha
 * (m_t + alpha), so the cluster weights are alpha normalized.
 *
 * Version 1 (0.1.0) models have no words, corpus frequencies or quality: they
 * are read as they are (words are the terms, p(w) is derived from lambda).
 *
 * fingerprint is a portable 64-bit hash of the model's portable encoding except
 * the wall-clock fields of the training metadata (seconds, trained_at), so equal
 * training gives equal fingerprints (see lda_model.c); recv and text input
 * verify it, caches use it to recognize a model without comparing its bytes.
 */
#ifndef LDA_MODEL_H
#define LDA_MODEL_H

#include "fmgr.h"
#include "lib/stringinfo.h"

#include "vocab.h"

#define LDA_MODEL_MAGIC		0x41444C54	/* "TLDA" */
#define LDA_MODEL_VERSION	3		/* written; versions 1 and 2 are still read */
#define LDA_MODEL_VERSION_MIN 1

/* Limits, enforced with PROGRAM_LIMIT_EXCEEDED before allocating */
#define LDA_MIN_K			2
#define LDA_MAX_K			1000
#define LDA_MAX_CELLS		10000000	/* k x vocabulary size */
#define LDA_MAX_ITER		100000
#define LDA_MAX_DOC_TERMS	100000	/* distinct terms of one document */
#define LDA_MAX_ENTRIES		INT64CONST(1000000000)	/* (term, count) pairs in a corpus */

#define DatumGetLdaModel(x)		((LdaModel *) PG_DETOAST_DATUM(x))
#define PG_GETARG_LDA_MODEL_P(x)	DatumGetLdaModel(PG_GETARG_DATUM(x))
#define PG_RETURN_LDA_MODEL_P(x)	PG_RETURN_POINTER(x)

typedef enum LdaWeighting
{
	LDA_WEIGHTING_TF = 0,
	LDA_WEIGHTING_TFIDF = 1
} LdaWeighting;

/* The model: LDA (a topic mix per document) or a Dirichlet multinomial mixture (one topic) */
typedef enum LdaMethod
{
	LDA_METHOD_LDA = 0,
	LDA_METHOD_DMM = 1
} LdaMethod;

/* Defaults of the mixture (Yin & Wang 2014; max_iter chosen in doc/dmm.md) */
#define DMM_DEFAULT_ALPHA	0.1
#define DMM_DEFAULT_BETA	0.1
#define DMM_DEFAULT_MAX_ITER 15

typedef enum LdaOptimizer
{
	LDA_OPTIMIZER_ONLINE = 0,
	LDA_OPTIMIZER_BATCH = 1
} LdaOptimizer;

/* Training parameters (Spark's names); a negative concentration means 1/k */
typedef struct LdaParams
{
	int32		k;
	int32		max_iter;
	double		doc_concentration;
	double		topic_concentration;
	double		learning_offset;
	double		learning_decay;
	double		subsampling_rate;
	bool		optimize_doc_concentration;
	int64		seed;
	LdaOptimizer optimizer;
	LdaWeighting weighting;
	LdaMethod	method;
	bool		max_iter_given; /* false: the method's default */
	/* vocabulary, when the aggregate builds it (Spark CountVectorizer semantics) */
	bool		vocab_keys;		/* min_df, max_df or max_terms given */
	double		min_df;
	double		max_df;
	int32		max_terms;
} LdaParams;

/* What training did, stored in the model */
typedef struct LdaTrainingInfo
{
	int64		documents;		/* documents with at least one known term */
	int64		empty_documents;	/* documents without any known term */
	double		tokens;			/* sum of term counts of the documents */
	int32		iterations;		/* iterations (mini-batches or full passes) run */
	int32		max_iter;
	int64		seed;
	double		learning_offset;
	double		learning_decay;
	double		subsampling_rate;
	double		doc_concentration;	/* alpha before optimization */
	double		passes;			/* documents processed / documents */
	double		seconds;		/* wall-clock time of the training step */
	double		bound_per_token;	/* variational bound per token, last batch */
	int64		trained_at;		/* TimestampTz */
	uint8		optimizer;		/* LdaOptimizer */
	uint8		optimize_doc_concentration;
	uint8		weighting;		/* LdaWeighting */
	uint8		method;			/* LdaMethod (format version 3; 0 before) */
	int32		reserved2;		/* always 0 */
} LdaTrainingInfo;

typedef struct LdaModel
{
	int32		vl_len_;		/* varlena header (do not touch directly!) */
	uint32		magic;			/* LDA_MODEL_MAGIC */
	int32		version;		/* LDA_MODEL_VERSION */
	int32		k;				/* topics */
	int32		nterms;			/* vocabulary size */
	int32		textconf_len;	/* bytes of the serialized text configuration */
	int64		vocab_size;		/* bytes of the embedded vocabulary */
	uint64		fingerprint;	/* hash of the content, see above */
	double		eta;			/* topic_concentration */
	LdaTrainingInfo info;
	double		alpha[FLEXIBLE_ARRAY_MEMBER];
} LdaModel;

/* Quality measured on held-out documents at training (NaN / 0 when not measured) */
typedef struct LdaQuality
{
	double		log_perplexity; /* document completion, per scored token, natural log */
	double		npmi;			/* mean coherence of the topics' top terms */
	double		diversity;		/* share of unique terms among the topics' top terms */
	double		no_word_share;	/* share of documents without a known term */
	int64		documents;		/* held-out documents evaluated */
} LdaQuality;

/* Version 2 part after the vocabulary */
typedef struct LdaModelWords
{
	int32		words_len;		/* bytes of words[] */
	int32		reserved;		/* always 0 */
	LdaQuality	quality;
	int64		cf[FLEXIBLE_ARRAY_MEMBER];
} LdaModelWords;

/* Bytes of the text configuration area (padded to 8) */
static inline Size
LDA_TEXTCONF_PADDED(int32 len)
{
	return TYPEALIGN(8, (Size) len);
}

/* Size of a model (arguments already checked against the limits; words_len unused in version 1) */
static inline Size
LDA_MODEL_SIZE(int version, int k, int nterms, int textconf_len, int64 vocab_size, int32 words_len)
{
	Size		base = MAXALIGN(offsetof(LdaModel, alpha) + (Size) k * sizeof(double)
								+ (Size) k * nterms * sizeof(float))
		+ LDA_TEXTCONF_PADDED(textconf_len) + (Size) vocab_size;

	if (version < 2)
		return base;
	return TYPEALIGN(8, base) + offsetof(LdaModelWords, cf) + (Size) nterms * sizeof(int64)
		+ (Size) (nterms + 1) * sizeof(uint32) + (Size) words_len;
}

/* lambda, term-major */
static inline float *
LDA_LAMBDA(const LdaModel *m)
{
	return (float *) ((char *) m->alpha + (Size) m->k * sizeof(double));
}

/* The serialized text configuration */
static inline char *
LDA_TEXTCONF(const LdaModel *m)
{
	return (char *) m + MAXALIGN(offsetof(LdaModel, alpha) + (Size) m->k * sizeof(double)
								 + (Size) m->k * m->nterms * sizeof(float));
}

/* The embedded vocabulary */
static inline Vocab *
LDA_VOCAB(const LdaModel *m)
{
	return (Vocab *) (LDA_TEXTCONF(m) + LDA_TEXTCONF_PADDED(m->textconf_len));
}

/* The version 2 part (NULL for a version 1 model) */
static inline LdaModelWords *
LDA_WORDS(const LdaModel *m)
{
	if (m->version < 2)
		return NULL;
	return (LdaModelWords *) ((char *) m + TYPEALIGN(8, (char *) LDA_VOCAB(m) - (char *) m
												   + (Size) m->vocab_size));
}

/* Word offsets and text of a version 2 model */
static inline uint32 *
LDA_WORD_OFFSETS(const LdaModel *m, const LdaModelWords *w)
{
	return (uint32 *) ((char *) w->cf + (Size) m->nterms * sizeof(int64));
}

/* What a person reads for term w: its word (version 2) or the term itself */
static inline const char *
LdaModelWord(const LdaModel *m, int w, int *len)
{
	const LdaModelWords *mw = LDA_WORDS(m);
	const uint32 *off;

	if (mw == NULL)
		return VocabTerm(LDA_VOCAB(m), w, len);
	off = LDA_WORD_OFFSETS(m, mw);
	*len = (int) (off[w + 1] - off[w]);
	return (const char *) (off + m->nterms + 1) + off[w];
}

/* Ensure k is in range */
static inline void
CheckLdaK(int64 k)
{
	if (k < LDA_MIN_K || k > LDA_MAX_K)
		ereport(ERROR,
				(errcode(k > LDA_MAX_K ? ERRCODE_PROGRAM_LIMIT_EXCEEDED : ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("number of topics k must be between %d and %d", LDA_MIN_K, LDA_MAX_K),
				 errdetail("k is " INT64_FORMAT ".", k)));
}

/* Ensure the topic-word matrix k x nterms is within LDA_MAX_CELLS */
static inline void
CheckLdaCells(int64 k, int64 nterms)
{
	if (k * nterms > LDA_MAX_CELLS)
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("topic-word matrix too large"),
				 errdetail("k (" INT64_FORMAT ") times the vocabulary size (" INT64_FORMAT ") exceeds the limit of %d.",
						   k, nterms, LDA_MAX_CELLS),
				 errhint("Use fewer topics or a smaller vocabulary (max_terms).")));
}

/* Training result of LdaTrain (allocated in CurrentMemoryContext) */
typedef struct LdaTrainResult
{
	int			k;				/* topics (a mixture drops its empty clusters) */
	double	   *lambda;			/* nterms x k, term-major */
	double	   *alpha;			/* k */
	double		eta;
	LdaTrainingInfo info;
} LdaTrainResult;

/*
 * A corpus in compact form: document d has the terms ids[start[d] .. start[d+1])
 * (ascending) with counts cnts[...] (>= 1).  Empty documents are not stored.
 */
typedef struct LdaCorpus
{
	int64		ndocs;
	int64		nentries;
	int64	   *start;			/* ndocs + 1 */
	uint32	   *ids;
	uint16	   *cnts;
	uint64	   *hashes;			/* content hash of each document */
} LdaCorpus;

/*
 * Where training goes on from (an incremental update): lambda (nterms x k,
 * term-major), alpha and eta to start from, t0 the mini-batches already run
 * (the learning rate is rho_t = (learning_offset + t0 + t)^-learning_decay),
 * D the number of documents the sufficient statistics of a mini-batch are
 * scaled to, batch the documents of a mini-batch.
 */
typedef struct LdaContinue
{
	const double *lambda;
	const double *alpha;
	double		eta;
	int64		t0;
	double		D;
	int64		batch;
} LdaContinue;

/*
 * Where Gibbs sampling goes on from (an incremental update of a mixture): the
 * counts of the documents the model was trained on, kept fixed: nzw (nterms x
 * k, term-major, zero for terms the model did not have) and m (k), the
 * documents of each cluster.
 */
typedef struct DmmContinue
{
	const int32 *nzw;
	const int64 *m;
} DmmContinue;

/* lda_train.c */
extern LdaTrainResult *LdaTrain(const LdaParams *params, const LdaCorpus *corpus,
								int nterms, const double *termWeight);
extern LdaTrainResult *LdaTrainFrom(const LdaParams *params, const LdaCorpus *corpus,
									int nterms, const double *termWeight,
									const LdaContinue *from);
extern void LdaCheckParams(const LdaParams *params);
extern void LdaParamsDefault(LdaParams *params);
extern void LdaParamsResolve(LdaParams *params);
extern int64 *LdaCanonicalOrder(const LdaCorpus *c);
extern uint64 LdaRngNext(uint64 *state);

/* dmm_train.c */
extern LdaTrainResult *DmmTrain(const LdaParams *params, const LdaCorpus *corpus, int nterms);
extern LdaTrainResult *DmmTrainFrom(const LdaParams *params, const LdaCorpus *corpus, int nterms,
									const DmmContinue *from);

/* lda_model.c */
extern LdaModel *LdaModelBuild(const LdaTrainResult *res, int k, int nterms,
							   const StringInfo textconf, const Vocab *vocab,
							   const VocabWords *words);
extern LdaModel *LdaModelWithQuality(const LdaModel *m, const LdaQuality *q);
extern void LdaModelCheck(const LdaModel *m, Size size);
extern void LdaModelSetFingerprint(LdaModel *m);
extern const char *LdaWeightingName(LdaWeighting w);
extern const char *LdaMethodName(LdaMethod m);

/* lda_inspect.c */
extern double *LdaTopicSums(const LdaModel *m);
extern double *LdaTermFrequencies(const LdaModel *m);
extern void LdaTopTerms(const LdaModel *m, int t, double sum, const double *pw,
						double relevance, int n, int *out);
extern const char *LdaOptimizerName(LdaOptimizer o);

#endif							/* LDA_MODEL_H */
