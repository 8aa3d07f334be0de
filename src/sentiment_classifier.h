/*
 * sentiment_classifier.h
 *		Trained sentiment classifiers: the tweetlda.sentiment_model type, the
 *		features, the training aggregate and scoring.
 *
 *		sentiment_classifier.c  the type: construction, checks, send/recv, text form
 *		classifier_features.c   text -> hashed sparse features + the social signals
 *		classifier_train.c      the aggregate tweetlda.sentiment_classifier and the
 *		                        optimizer (multinomial logistic regression, L-BFGS)
 *		classifier_score.c      the backend cache of tweetlda.sentiment_models and the
 *		                        scoring functions (probabilities, label, explain, ...)
 *
 * A model is a multinomial logistic regression: for class c,
 *		z_c = bias[c] + sum_f x_f * w[f][c] + sum_d s_d * dense[d][c],
 *		P(c) = softmax(z)_c
 * over the hashed features f of the text (x_f = 1/sqrt(number of distinct
 * features), see classifier_features.c) and the dense social signals s_d.
 *
 * In-memory / on-disk layout (version 1, native byte order; send/recv and the
 * text form use the portable encoding of sentiment_classifier.c):
 *
 *	ClfModel header (fixed size, below)
 *	float	bias[K]
 *	float	dense[ndense * K]			feature-major: [d * K + c]
 *	int64	class_count[K]				training examples per class
 *	int64	confusion[K * K]			held-out confusion: [gold * K + predicted]
 *	uint32	buckets[nfeatures]			ascending hashed feature ids with weights
 *	float	weights[nfeatures * K]		feature-major: [i * K + c]
 *	char	labels[labels_len]			the class labels, each NUL-terminated, ascending
 *										(strcmp order), padded to 8
 *	char	textconf[textconf_len]		TextConfigSerialize() bytes
 */
#ifndef SENTIMENT_CLASSIFIER_H
#define SENTIMENT_CLASSIFIER_H

#include "fmgr.h"
#include "lib/stringinfo.h"
#include "utils/jsonb.h"

#include "sentiment.h"
#include "textconf.h"

#define CLF_MODEL_MAGIC		0x31434E53	/* "SNC1" */
#define CLF_MODEL_VERSION	1

/* Limits, enforced before allocating */
#define CLF_MAX_CLASSES			100
#define CLF_MAX_LABEL_BYTES		200
#define CLF_MIN_HASH_BITS		10
#define CLF_MAX_HASH_BITS		24
#define CLF_DEFAULT_HASH_BITS	20
#define CLF_MAX_DOC_FEATURES	100000	/* distinct features of one text (more are ignored) */
#define CLF_MAX_EXAMPLES		INT64CONST(20000000)
#define CLF_MAX_ITER			10000
#define CLF_MAX_CHAR_N			8
#define CLF_MAX_FOLDS			20
#define CLF_NDENSE				13		/* social signals, classifier_features.c */
#define CLF_THREAD_MIN_ROWS		4096	/* fewer examples are trained without a helper thread */

#define DatumGetClfModel(x)			((ClfModel *) PG_DETOAST_DATUM(x))
#define PG_GETARG_CLF_MODEL_P(x)	DatumGetClfModel(PG_GETARG_DATUM(x))
#define PG_RETURN_CLF_MODEL_P(x)	PG_RETURN_POINTER(x)

typedef enum ClfClassWeight
{
	CLF_WEIGHT_NONE = 0,
	CLF_WEIGHT_BALANCED = 1
} ClfClassWeight;

/* How a text becomes features (stored in the model) */
typedef struct ClfFeatureOptions
{
	int32		hash_bits;		/* features are hashed into 2^hash_bits buckets */
	uint8		bigrams;		/* word bigrams besides unigrams */
	uint8		char_min;		/* character n-grams of words, char_min..char_max (0: none) */
	uint8		char_max;
	uint8		social;			/* the social analyzer's signals as dense features */
} ClfFeatureOptions;

/* Training parameters (the jsonb keys of tweetlda.sentiment_classifier) */
typedef struct ClfParams
{
	ClfFeatureOptions feat;
	double		l2;				/* objective: sum_i c_i CE_i + l2/2 |w|^2 (sklearn's 1/C) */
	ClfClassWeight class_weight;
	int32		max_iter;
	double		tolerance;
	double		holdout;		/* share of the texts held out for the metrics */
	int32		cv_folds;		/* k-fold cross-validation on the training share (0: none) */
	int64		seed;			/* chooses the held-out slice and the folds */
	int32		min_df;			/* features of fewer training texts are dropped */
	TextConfig *textconf;
} ClfParams;

/* What training did, stored in the model */
typedef struct ClfTrainingInfo
{
	int64		examples;		/* training examples */
	int64		holdout_examples;
	int64		skipped;		/* rows with a NULL text or label */
	int32		iterations;
	int32		max_iter;
	double		l2;
	double		tolerance;
	double		holdout;
	double		loss;			/* final objective per example */
	double		holdout_accuracy;	/* -1 without a held-out slice */
	double		holdout_macro_f1;
	double		cv_accuracy;	/* -1 without cross-validation */
	double		cv_macro_f1;
	int64		seed;
	double		seconds;		/* wall-clock time of the final function */
	int64		trained_at;		/* TimestampTz */
	int32		cv_folds;
	uint8		class_weight;	/* ClfClassWeight */
	uint8		reserved[3];	/* always 0 */
} ClfTrainingInfo;

typedef struct ClfModel
{
	int32		vl_len_;		/* varlena header (do not touch directly!) */
	uint32		magic;			/* CLF_MODEL_MAGIC */
	int32		version;		/* CLF_MODEL_VERSION */
	int32		nclasses;
	int32		nfeatures;		/* hashed features with weights */
	int32		ndense;			/* 0 or CLF_NDENSE */
	int32		labels_len;		/* bytes of the labels area (unpadded) */
	int32		textconf_len;
	ClfFeatureOptions feat;
	uint64		fingerprint;	/* portable hash of the content but wall-clock fields */
	ClfTrainingInfo info;
	float		bias[FLEXIBLE_ARRAY_MEMBER];
} ClfModel;

/* Offsets of the areas after the header */
static inline Size
CLF_OFF_DENSE(int K)
{
	return MAXALIGN(offsetof(ClfModel, bias) + sizeof(float) * K);
}
static inline Size
CLF_OFF_COUNTS(int K, int nd)
{
	return MAXALIGN(CLF_OFF_DENSE(K) + sizeof(float) * nd * K);
}
static inline Size
CLF_OFF_BUCKETS(int K, int nd)
{
	return CLF_OFF_COUNTS(K, nd) + sizeof(int64) * (K + K * K);
}
static inline Size
CLF_OFF_WEIGHTS(int K, int nd, int nf)
{
	return MAXALIGN(CLF_OFF_BUCKETS(K, nd) + sizeof(uint32) * (Size) nf);
}
static inline Size
CLF_OFF_LABELS(int K, int nd, int nf)
{
	return MAXALIGN(CLF_OFF_WEIGHTS(K, nd, nf) + sizeof(float) * (Size) nf * K);
}
static inline Size
CLF_MODEL_SIZE(int K, int nd, int nf, int labels_len, int textconf_len)
{
	return MAXALIGN(CLF_OFF_LABELS(K, nd, nf) + TYPEALIGN(8, labels_len) + textconf_len);
}

#define CLF_DENSE(m)	((float *) ((char *) (m) + CLF_OFF_DENSE((m)->nclasses)))
#define CLF_COUNTS(m)	((int64 *) ((char *) (m) + CLF_OFF_COUNTS((m)->nclasses, (m)->ndense)))
#define CLF_CONFUSION(m) (CLF_COUNTS(m) + (m)->nclasses)
#define CLF_BUCKETS(m)	((uint32 *) ((char *) (m) + CLF_OFF_BUCKETS((m)->nclasses, (m)->ndense)))
#define CLF_WEIGHTS(m)	((float *) ((char *) (m) + CLF_OFF_WEIGHTS((m)->nclasses, (m)->ndense, (m)->nfeatures)))
#define CLF_LABELS(m)	((char *) (m) + CLF_OFF_LABELS((m)->nclasses, (m)->ndense, (m)->nfeatures))
#define CLF_TEXTCONF(m) (CLF_LABELS(m) + TYPEALIGN(8, (m)->labels_len))

/* Result of the optimizer, in compact feature ids */
typedef struct ClfWeights
{
	int			K;
	int			nf;				/* sparse features */
	int			nd;				/* dense features */
	double	   *w;				/* nf * K */
	double	   *dense;			/* nd * K */
	double	   *bias;			/* K */
	int			iterations;
	double		loss;
} ClfWeights;

/*
 * Training data for the optimizer: example i has the compact features
 * fid[start[i] .. start[i+1]), each with the value xval[i], the dense signals
 * dense[i * nd ..], the class y[i]; the optimizer reads the examples rows[]
 * with weights cw[] (class weights).
 */
typedef struct ClfData
{
	int			K;
	int			nf;
	int			nd;
	int64		n;
	int64	   *start;
	int32	   *fid;
	float	   *xval;
	float	   *dense;
	int32	   *y;
} ClfData;

/* One text's features */
typedef struct ClfDoc
{
	uint32	   *ids;			/* distinct buckets, ascending */
	int			n;
	int			cap;
	float		dense[CLF_NDENSE];
	/* explain only: the text of one feature per bucket (NULL otherwise) */
	char	  **names;
} ClfDoc;

typedef struct ClfFeaturizer ClfFeaturizer;

/* classifier_features.c */
extern ClfFeaturizer *ClfFeaturizerCreate(const ClfFeatureOptions *opt, const TextConfig *cfg);
extern void ClfExtract(ClfFeaturizer *fz, const char *text, int len, ClfDoc *doc, bool names);

/* Longest text whose social signals ClfExtractBatch() shares with its helper (SOCIAL_SCRATCH_MAX) */
#define CLF_BATCH_TEXT_MAX		4096
typedef void (*ClfBatchSink) (void *arg, int i, const ClfDoc *doc);
extern void ClfExtractBatch(ClfFeaturizer *fz, int n, const char *const *texts, const int *lens,
							float *dense, ClfBatchSink sink, void *arg);
extern const char *ClfDenseName(int d);
extern void ClfCheckFeatureOptions(const ClfFeatureOptions *opt);

/* classifier_lbfgs.c (worker: helper_thread.h) */
struct HelperWorker;
extern ClfWeights *ClfFit(const ClfData *data, const int64 *rows, int64 nrows,
						  const ClfParams *params, struct HelperWorker *worker);
extern int	ClfPredictRow(const ClfData *data, const ClfWeights *w, int64 i, double *p);

/* sentiment_classifier.c */
extern ClfModel *ClfModelBuild(const ClfParams *params, const ClfTrainingInfo *info,
							   char **labels, int K, const int64 *class_count,
							   const int64 *confusion, const uint32 *buckets,
							   const ClfWeights *wts, const StringInfo textconf);
extern void ClfModelCheck(const ClfModel *m, Size size);
extern const char *ClfLabel(const ClfModel *m, int c);
extern Jsonb *ClfMetricsJsonb(int K, char **labels, const int64 *confusion);
extern const char *ClfClassWeightName(ClfClassWeight w);
extern char *ClfDescribe(const ClfModel *m);

/* classifier_score.c */
typedef struct ClfScorer ClfScorer;
extern ClfScorer *ClfScorerByName(const char *name, bool missing_ok);
extern void ClfScorerAnalyze(ClfScorer *s, const char *text, int len, SentimentScore *out);
extern void ClfScoreInit(void);
extern bool ClfModelExists(const char *name);
extern Datum sentiment_classify(PG_FUNCTION_ARGS);

#endif							/* SENTIMENT_CLASSIFIER_H */
