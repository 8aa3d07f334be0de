/*
 * sentiment_classifier.c
 *		The tweetlda.sentiment_model type (a trained sentiment classifier, see
 *		sentiment_classifier.h): construction, checks, the portable binary
 *		encoding (send/recv), the text form, and its description as jsonb.
 *
 * Portable encoding (send/recv; network byte order, version 1):
 *
 *	int32 magic, int32 version, int32 nclasses K, int32 nfeatures, int32 ndense,
 *	int32 labels_len, int32 textconf_len, int32 hash_bits, int8 bigrams,
 *	int8 char_min, int8 char_max, int8 social, int64 fingerprint,
 *	training info: int64 examples, int64 holdout_examples, int64 skipped,
 *	  int32 iterations, int32 max_iter, float8 l2, float8 tolerance,
 *	  float8 holdout, float8 loss, float8 holdout_accuracy, float8 holdout_macro_f1,
 *	  float8 cv_accuracy, float8 cv_macro_f1, int64 seed, float8 seconds,
 *	  int64 trained_at, int32 cv_folds, int8 class_weight,
 *	float4 bias[K], float4 dense[ndense * K], int64 class_count[K],
 *	int64 confusion[K * K], int32 buckets[nfeatures], float4 weights[nfeatures * K],
 *	byte labels[labels_len], byte textconf[textconf_len].
 *
 * Receiving checks the header against the limits and the exact message length
 * before allocating, then every value: finite weights, ascending buckets below
 * 2^hash_bits, non-negative counts, labels (NUL-terminated, non-empty, valid
 * UTF-8, strictly ascending), the text configuration (TextConfigDeserialize
 * checks every byte) and finally the fingerprint: FNV-1a 64 of this encoding
 * with the fingerprint, seconds and trained_at set to zero, so that equal
 * training gives equal fingerprints.
 *
 * Text form: "SENT1 classes=3 features=51234 examples=9600 data=<base64 of the
 * portable encoding>" so that COPY, pg_dump and pg_restore round-trip models.
 */
#include "postgres.h"

#include <math.h>

#include "common/base64.h"
#include "fmgr.h"
#include "libpq/pqformat.h"
#include "mb/pg_wchar.h"
#include "utils/builtins.h"
#include "utils/json.h"
#include "utils/jsonb.h"
#include "utils/memutils.h"
#include "utils/timestamp.h"

#include "sentiment_classifier.h"

#define CLF_TEXT_PREFIX "SENT1 "
/* bytes of the encoding before the arrays */
#define CLF_FIXED_BYTES (8 * 4 + 4 + 8 + (3 * 8 + 2 * 4 + 8 * 8 + 8 + 8 + 8 + 4 + 1))

static void ClfModelSendTo(StringInfo buf, const ClfModel *m);

/* Name of a class weighting */
const char *
ClfClassWeightName(ClfClassWeight w)
{
	return w == CLF_WEIGHT_BALANCED ? "balanced" : "none";
}

/* Label of class c (labels are NUL-terminated, one after the other) */
const char *
ClfLabel(const ClfModel *m, int c)
{
	const char *p = CLF_LABELS(m);

	for (int i = 0; i < c; i++)
		p += strlen(p) + 1;
	return p;
}

/* FNV-1a, 64 bits */
static uint64
Fnv1a64(const unsigned char *p, Size len)
{
	uint64		h = UINT64CONST(0xcbf29ce484222325);

	for (Size i = 0; i < len; i++)
	{
		h ^= p[i];
		h *= UINT64CONST(0x100000001b3);
	}
	return h;
}

/* The fingerprint: FNV-1a of the portable encoding without the wall-clock fields */
static uint64
ClfModelFingerprint(ClfModel *m)
{
	uint64		saved = m->fingerprint;
	double		seconds = m->info.seconds;
	int64		trained_at = m->info.trained_at;
	StringInfoData buf;
	uint64		h;

	m->fingerprint = 0;
	m->info.seconds = 0;
	m->info.trained_at = 0;
	initStringInfo(&buf);
	/* the encoding is about as long as the model: no repalloc on the way */
	enlargeStringInfo(&buf, (int) Min((Size) VARSIZE(m) + 1024, MaxAllocSize - 1));
	ClfModelSendTo(&buf, m);
	m->fingerprint = saved;
	m->info.seconds = seconds;
	m->info.trained_at = trained_at;
	h = Fnv1a64((const unsigned char *) buf.data, buf.len);
	pfree(buf.data);
	return h;
}

/* Report corrupt model data */
static void
pg_attribute_noreturn()
BadModel(const char *detail)
{
	ereport(ERROR,
			(errcode(ERRCODE_INVALID_BINARY_REPRESENTATION),
			 errmsg("invalid sentiment model data"),
			 errdetail("%s", detail)));
}

/* Header checks shared by recv and every reader of a stored model */
static void
CheckClfHeader(uint32 magic, int32 version, int32 K, int32 nf, int32 nd,
			   int32 labels_len, int32 textconf_len)
{
	if (magic != CLF_MODEL_MAGIC)
		BadModel("The magic number is wrong.");
	if (version != CLF_MODEL_VERSION)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_BINARY_REPRESENTATION),
				 errmsg("unsupported sentiment model format version %d", version),
				 errdetail("This version of tweetlda reads format version %d.", CLF_MODEL_VERSION)));
	if (K < 2 || K > CLF_MAX_CLASSES)
		BadModel("The number of classes is out of range.");
	if (nf < 0 || nf > (1 << CLF_MAX_HASH_BITS) || (int64) nf * K > 64 * 1024 * 1024)
		BadModel("The number of features is out of range.");
	if (nd != 0 && nd != CLF_NDENSE)
		BadModel("The number of dense features is wrong.");
	if (labels_len < 2 * K || labels_len > K * (CLF_MAX_LABEL_BYTES + 1))
		BadModel("The labels size is out of range.");
	if (textconf_len < 0 || textconf_len > 64 * 1024 * 1024)
		BadModel("The text configuration size is out of range.");
}

/* Check a model value read from storage or built here (structure only, cheap) */
void
ClfModelCheck(const ClfModel *m, Size size)
{
	if (size < offsetof(ClfModel, bias))
		BadModel("The value is too short.");
	CheckClfHeader(m->magic, m->version, m->nclasses, m->nfeatures, m->ndense,
				   m->labels_len, m->textconf_len);
	if (size != CLF_MODEL_SIZE(m->nclasses, m->ndense, m->nfeatures, m->labels_len, m->textconf_len))
		BadModel("The value's size does not match its header.");
}

/* Build a model from the optimizer's weights (compact feature i has bucket buckets[i]) */
ClfModel *
ClfModelBuild(const ClfParams *params, const ClfTrainingInfo *info, char **labels, int K,
			  const int64 *class_count, const int64 *confusion, const uint32 *buckets,
			  const ClfWeights *wts, const StringInfo textconf)
{
	int			nd = params->feat.social ? CLF_NDENSE : 0;
	int			labels_len = 0;
	Size		size;
	ClfModel   *m;
	char	   *p;

	for (int c = 0; c < K; c++)
		labels_len += strlen(labels[c]) + 1;
	CheckClfHeader(CLF_MODEL_MAGIC, CLF_MODEL_VERSION, K, wts->nf, nd, labels_len, textconf->len);
	size = CLF_MODEL_SIZE(K, nd, wts->nf, labels_len, textconf->len);
	m = palloc0(size);
	SET_VARSIZE(m, size);
	m->magic = CLF_MODEL_MAGIC;
	m->version = CLF_MODEL_VERSION;
	m->nclasses = K;
	m->nfeatures = wts->nf;
	m->ndense = nd;
	m->labels_len = labels_len;
	m->textconf_len = textconf->len;
	m->feat = params->feat;
	m->info = *info;
	for (int c = 0; c < K; c++)
		m->bias[c] = (float) wts->bias[c];
	for (int i = 0; i < nd * K; i++)
		CLF_DENSE(m)[i] = (float) wts->dense[i];
	memcpy(CLF_COUNTS(m), class_count, sizeof(int64) * K);
	memcpy(CLF_CONFUSION(m), confusion, sizeof(int64) * K * K);
	memcpy(CLF_BUCKETS(m), buckets, sizeof(uint32) * wts->nf);
	for (Size i = 0; i < (Size) wts->nf * K; i++)
		CLF_WEIGHTS(m)[i] = (float) wts->w[i];
	p = CLF_LABELS(m);
	for (int c = 0; c < K; c++)
	{
		strcpy(p, labels[c]);
		p += strlen(labels[c]) + 1;
	}
	memcpy(CLF_TEXTCONF(m), textconf->data, textconf->len);
	m->fingerprint = ClfModelFingerprint(m);
	return m;
}

/* Append the portable encoding of m to buf */
static void
ClfModelSendTo(StringInfo buf, const ClfModel *m)
{
	const ClfTrainingInfo *in = &m->info;
	int			K = m->nclasses;

	pq_sendint32(buf, m->magic);
	pq_sendint32(buf, m->version);
	pq_sendint32(buf, K);
	pq_sendint32(buf, m->nfeatures);
	pq_sendint32(buf, m->ndense);
	pq_sendint32(buf, m->labels_len);
	pq_sendint32(buf, m->textconf_len);
	pq_sendint32(buf, m->feat.hash_bits);
	pq_sendint8(buf, m->feat.bigrams);
	pq_sendint8(buf, m->feat.char_min);
	pq_sendint8(buf, m->feat.char_max);
	pq_sendint8(buf, m->feat.social);
	pq_sendint64(buf, m->fingerprint);
	pq_sendint64(buf, in->examples);
	pq_sendint64(buf, in->holdout_examples);
	pq_sendint64(buf, in->skipped);
	pq_sendint32(buf, in->iterations);
	pq_sendint32(buf, in->max_iter);
	pq_sendfloat8(buf, in->l2);
	pq_sendfloat8(buf, in->tolerance);
	pq_sendfloat8(buf, in->holdout);
	pq_sendfloat8(buf, in->loss);
	pq_sendfloat8(buf, in->holdout_accuracy);
	pq_sendfloat8(buf, in->holdout_macro_f1);
	pq_sendfloat8(buf, in->cv_accuracy);
	pq_sendfloat8(buf, in->cv_macro_f1);
	pq_sendint64(buf, in->seed);
	pq_sendfloat8(buf, in->seconds);
	pq_sendint64(buf, in->trained_at);
	pq_sendint32(buf, in->cv_folds);
	pq_sendint8(buf, in->class_weight);
	for (int c = 0; c < K; c++)
		pq_sendfloat4(buf, m->bias[c]);
	for (int i = 0; i < m->ndense * K; i++)
		pq_sendfloat4(buf, CLF_DENSE(m)[i]);
	for (int i = 0; i < K + K * K; i++)
		pq_sendint64(buf, CLF_COUNTS(m)[i]);
	for (int i = 0; i < m->nfeatures; i++)
		pq_sendint32(buf, CLF_BUCKETS(m)[i]);
	for (Size i = 0; i < (Size) m->nfeatures * K; i++)
		pq_sendfloat4(buf, CLF_WEIGHTS(m)[i]);
	pq_sendbytes(buf, CLF_LABELS(m), m->labels_len);
	pq_sendbytes(buf, CLF_TEXTCONF(m), m->textconf_len);
}

/* Read a float4 that must be finite */
static inline float
GetFinite4(StringInfo buf)
{
	float		x = pq_getmsgfloat4(buf);

	if (!isfinite(x))
		BadModel("A weight is not a finite number.");
	return x;
}

/* Read the training metadata, checking each field */
static void
RecvTrainingInfo(StringInfo buf, ClfTrainingInfo *in)
{
	in->examples = pq_getmsgint64(buf);
	in->holdout_examples = pq_getmsgint64(buf);
	in->skipped = pq_getmsgint64(buf);
	in->iterations = pq_getmsgint(buf, 4);
	in->max_iter = pq_getmsgint(buf, 4);
	in->l2 = pq_getmsgfloat8(buf);
	in->tolerance = pq_getmsgfloat8(buf);
	in->holdout = pq_getmsgfloat8(buf);
	in->loss = pq_getmsgfloat8(buf);
	in->holdout_accuracy = pq_getmsgfloat8(buf);
	in->holdout_macro_f1 = pq_getmsgfloat8(buf);
	in->cv_accuracy = pq_getmsgfloat8(buf);
	in->cv_macro_f1 = pq_getmsgfloat8(buf);
	in->seed = pq_getmsgint64(buf);
	in->seconds = pq_getmsgfloat8(buf);
	in->trained_at = pq_getmsgint64(buf);
	in->cv_folds = pq_getmsgint(buf, 4);
	in->class_weight = pq_getmsgint(buf, 1);
	if (in->examples < 2 || in->examples > CLF_MAX_EXAMPLES || in->holdout_examples < 0 ||
		in->holdout_examples > CLF_MAX_EXAMPLES || in->skipped < 0 ||
		in->iterations < 0 || in->max_iter < 1 || in->max_iter > CLF_MAX_ITER ||
		!(in->l2 >= 0 && isfinite(in->l2)) || !(in->tolerance > 0 && isfinite(in->tolerance)) ||
		!(in->holdout >= 0 && in->holdout < 1) || !isfinite(in->loss) || !isfinite(in->seconds) ||
		!(in->holdout_accuracy >= -1 && in->holdout_accuracy <= 1) ||
		!(in->holdout_macro_f1 >= -1 && in->holdout_macro_f1 <= 1) ||
		!(in->cv_accuracy >= -1 && in->cv_accuracy <= 1) ||
		!(in->cv_macro_f1 >= -1 && in->cv_macro_f1 <= 1) ||
		(in->cv_folds != 0 && (in->cv_folds < 2 || in->cv_folds > CLF_MAX_FOLDS)) ||
		in->class_weight > CLF_WEIGHT_BALANCED)
		BadModel("The training metadata is out of range.");
}

/* Check the labels area: K non-empty, valid UTF-8, strictly ascending labels */
static void
CheckLabels(const char *p, int len, int K)
{
	const char *prev = NULL;
	const char *end = p + len;

	for (int c = 0; c < K; c++)
	{
		const char *nul = memchr(p, '\0', end - p);
		int			l;

		if (nul == NULL)
			BadModel("A class label is not terminated.");
		l = nul - p;
		if (l < 1 || l > CLF_MAX_LABEL_BYTES || !pg_verifymbstr(p, l, true))
			BadModel("A class label is empty, too long or not valid UTF-8.");
		if (prev && strcmp(prev, p) >= 0)
			BadModel("The class labels are not in ascending order.");
		prev = p;
		p = nul + 1;
	}
	if (p != end)
		BadModel("The labels area has trailing bytes.");
}

/* Read the arrays after the header into m */
static void
RecvArrays(StringInfo buf, ClfModel *m)
{
	int			K = m->nclasses;
	uint32	   *b = CLF_BUCKETS(m);
	uint64		nbuckets = UINT64CONST(1) << m->feat.hash_bits;

	for (int c = 0; c < K; c++)
		m->bias[c] = GetFinite4(buf);
	for (int i = 0; i < m->ndense * K; i++)
		CLF_DENSE(m)[i] = GetFinite4(buf);
	for (int i = 0; i < K + K * K; i++)
		if ((CLF_COUNTS(m)[i] = pq_getmsgint64(buf)) < 0 || CLF_COUNTS(m)[i] > CLF_MAX_EXAMPLES)
			BadModel("A class count is out of range.");
	for (int i = 0; i < m->nfeatures; i++)
	{
		b[i] = pq_getmsgint(buf, 4);
		if (b[i] >= nbuckets || (i > 0 && b[i] <= b[i - 1]))
			BadModel("The feature buckets are out of range or not ascending.");
	}
	for (Size i = 0; i < (Size) m->nfeatures * K; i++)
		CLF_WEIGHTS(m)[i] = GetFinite4(buf);
	pq_copymsgbytes(buf, CLF_LABELS(m), m->labels_len);
	CheckLabels(CLF_LABELS(m), m->labels_len, K);
	pq_copymsgbytes(buf, CLF_TEXTCONF(m), m->textconf_len);
	(void) TextConfigDeserialize(CLF_TEXTCONF(m), m->textconf_len);
}

/* Parse the portable encoding, validating everything before and after allocating */
static ClfModel *
ClfModelRecvFrom(StringInfo buf)
{
	int32		h[8];
	ClfFeatureOptions feat;
	Size		expect,
				size;
	ClfModel   *m;

	if (buf->len - buf->cursor < CLF_FIXED_BYTES)
		BadModel("The value is too short.");
	for (int i = 0; i < 8; i++)
		h[i] = pq_getmsgint(buf, 4);
	CheckClfHeader((uint32) h[0], h[1], h[2], h[3], h[4], h[5], h[6]);
	memset(&feat, 0, sizeof(feat));
	feat.hash_bits = h[7];
	feat.bigrams = pq_getmsgint(buf, 1);
	feat.char_min = pq_getmsgint(buf, 1);
	feat.char_max = pq_getmsgint(buf, 1);
	feat.social = pq_getmsgint(buf, 1);
	if (feat.hash_bits < CLF_MIN_HASH_BITS || feat.hash_bits > CLF_MAX_HASH_BITS ||
		feat.bigrams > 1 || feat.social > 1 || feat.char_max > CLF_MAX_CHAR_N ||
		(feat.char_min == 0) != (feat.char_max == 0) || feat.char_min > feat.char_max ||
		(feat.social ? CLF_NDENSE : 0) != h[4] || h[3] > (1 << feat.hash_bits))
		BadModel("The feature options are out of range.");
	/* exact remaining length */
	expect = (CLF_FIXED_BYTES - 8 * 4 - 4) + (Size) h[2] * 4 + (Size) h[4] * h[2] * 4 +
		(Size) (h[2] + h[2] * h[2]) * 8 + (Size) h[3] * 4 + (Size) h[3] * h[2] * 4 + h[5] + h[6];
	if ((Size) (buf->len - buf->cursor) != expect)
		BadModel("The length of the value does not match its header.");
	size = CLF_MODEL_SIZE(h[2], h[4], h[3], h[5], h[6]);
	m = palloc0(size);
	SET_VARSIZE(m, size);
	m->magic = h[0];
	m->version = h[1];
	m->nclasses = h[2];
	m->nfeatures = h[3];
	m->ndense = h[4];
	m->labels_len = h[5];
	m->textconf_len = h[6];
	m->feat = feat;
	m->fingerprint = pq_getmsgint64(buf);
	RecvTrainingInfo(buf, &m->info);
	RecvArrays(buf, m);
	if (ClfModelFingerprint(m) != m->fingerprint)
		BadModel("The fingerprint does not match the content.");
	return m;
}

PG_FUNCTION_INFO_V1(sentiment_model_recv);
/* Convert external binary representation to internal representation */
Datum
sentiment_model_recv(PG_FUNCTION_ARGS)
{
	StringInfo	buf = (StringInfo) PG_GETARG_POINTER(0);

	PG_RETURN_CLF_MODEL_P(ClfModelRecvFrom(buf));
}

PG_FUNCTION_INFO_V1(sentiment_model_send);
/* Convert internal representation to the external binary representation */
Datum
sentiment_model_send(PG_FUNCTION_ARGS)
{
	ClfModel   *m = PG_GETARG_CLF_MODEL_P(0);
	StringInfoData buf;

	ClfModelCheck(m, VARSIZE(m));
	pq_begintypsend(&buf);
	ClfModelSendTo(&buf, m);
	PG_RETURN_BYTEA_P(pq_endtypsend(&buf));
}

PG_FUNCTION_INFO_V1(sentiment_model_out);
/* Convert internal representation to the text form: summary and base64 data */
Datum
sentiment_model_out(PG_FUNCTION_ARGS)
{
	ClfModel   *m = PG_GETARG_CLF_MODEL_P(0);
	StringInfoData bin;
	StringInfoData out;
	int			enclen;

	ClfModelCheck(m, VARSIZE(m));
	initStringInfo(&bin);
	ClfModelSendTo(&bin, m);
	initStringInfo(&out);
	appendStringInfo(&out, CLF_TEXT_PREFIX "classes=%d features=%d examples=" INT64_FORMAT " data=",
					 m->nclasses, m->nfeatures, m->info.examples);
	enclen = pg_b64_enc_len(bin.len);
	enlargeStringInfo(&out, enclen + 1);
	enclen = pg_b64_encode(bin.data, bin.len, out.data + out.len, enclen);
	if (enclen < 0)
		elog(ERROR, "could not encode sentiment model as base64");
	out.len += enclen;
	out.data[out.len] = '\0';
	PG_RETURN_CSTRING(out.data);
}

/* Report a syntax error in the text form */
static void
pg_attribute_noreturn()
BadText(const char *detail)
{
	ereport(ERROR,
			(errcode(ERRCODE_INVALID_TEXT_REPRESENTATION),
			 errmsg("invalid input syntax for type sentiment_model"),
			 errdetail("%s", detail),
			 errhint("The text form is the output of tweetlda.sentiment_model: \"SENT1 classes=... features=... examples=... data=...\".")));
}

PG_FUNCTION_INFO_V1(sentiment_model_in);
/* Convert the text form (summary and base64 data) to internal representation */
Datum
sentiment_model_in(PG_FUNCTION_ARGS)
{
	char	   *str = PG_GETARG_CSTRING(0);
	int			K,
				nf,
				pos = 0,
				declen;
	long long	examples;
	char	   *data;
	StringInfoData bin;
	ClfModel   *m;

	if (strncmp(str, CLF_TEXT_PREFIX, strlen(CLF_TEXT_PREFIX)) != 0)
		BadText("The value does not start with \"SENT1 \".");
	if (sscanf(str + strlen(CLF_TEXT_PREFIX), "classes=%d features=%d examples=%lld data=%n",
			   &K, &nf, &examples, &pos) != 3 || pos == 0)
		BadText("The summary \"classes=... features=... examples=... data=\" is malformed.");
	data = str + strlen(CLF_TEXT_PREFIX) + pos;
	declen = pg_b64_dec_len(strlen(data));
	initStringInfo(&bin);
	enlargeStringInfo(&bin, declen + 1);
	declen = pg_b64_decode(data, strlen(data), bin.data, declen);
	if (declen < 0)
		BadText("The data after \"data=\" is not valid base64.");
	bin.len = declen;
	m = ClfModelRecvFrom(&bin);
	if (bin.cursor != bin.len || m->nclasses != K || m->nfeatures != nf ||
		m->info.examples != examples)
		BadText("The summary does not match the data.");
	PG_RETURN_CLF_MODEL_P(m);
}

/* Append a JSON string */
static void
AppendJsonString(StringInfo buf, const char *s)
{
	escape_json(buf, s);
}

/* Append a number, or null when it is negative (metrics "not measured") */
static void
AppendMetric(StringInfo buf, const char *key, double x)
{
	appendStringInfo(buf, "\"%s\": ", key);
	if (x < 0 || !isfinite(x))
		appendStringInfoString(buf, "null");
	else
		appendStringInfo(buf, "%.6g", x);
}

/* Append the metrics of a confusion matrix as a JSON object */
static void
AppendMetrics(StringInfo buf, int K, char **labels, const int64 *conf)
{
	int64		total = 0,
				correct = 0;
	double		f1sum = 0;
	int			nf1 = 0;

	for (int g = 0; g < K; g++)
		for (int p = 0; p < K; p++)
		{
			total += conf[g * K + p];
			correct += g == p ? conf[g * K + p] : 0;
		}
	appendStringInfo(buf, "{\"examples\": " INT64_FORMAT ", ", total);
	appendStringInfoString(buf, "\"classes\": {");
	for (int c = 0; c < K; c++)
	{
		int64		tp = conf[c * K + c],
					support = 0,
					predicted = 0;
		double		prec,
					rec,
					f1;

		for (int o = 0; o < K; o++)
		{
			support += conf[c * K + o];
			predicted += conf[o * K + c];
		}
		prec = predicted > 0 ? (double) tp / predicted : 0;
		rec = support > 0 ? (double) tp / support : 0;
		f1 = prec + rec > 0 ? 2 * prec * rec / (prec + rec) : 0;
		if (support > 0 || predicted > 0)
		{
			f1sum += f1;
			nf1++;
		}
		appendStringInfoString(buf, c > 0 ? ", " : "");
		AppendJsonString(buf, labels[c]);
		appendStringInfo(buf, ": {\"precision\": %.6g, \"recall\": %.6g, \"f1\": %.6g, \"support\": " INT64_FORMAT ", \"predicted\": " INT64_FORMAT "}",
						 prec, rec, f1, support, predicted);
	}
	appendStringInfoString(buf, "}, \"confusion\": {");
	for (int g = 0; g < K; g++)
	{
		appendStringInfoString(buf, g > 0 ? ", " : "");
		AppendJsonString(buf, labels[g]);
		appendStringInfoString(buf, ": {");
		for (int p = 0; p < K; p++)
		{
			appendStringInfoString(buf, p > 0 ? ", " : "");
			AppendJsonString(buf, labels[p]);
			appendStringInfo(buf, ": " INT64_FORMAT, conf[g * K + p]);
		}
		appendStringInfoChar(buf, '}');
	}
	appendStringInfoString(buf, "}, ");
	AppendMetric(buf, "accuracy", total > 0 ? (double) correct / total : -1);
	appendStringInfoString(buf, ", ");
	AppendMetric(buf, "macro_f1", nf1 > 0 ? f1sum / nf1 : -1);
	appendStringInfoChar(buf, '}');
}

/* Parse JSON text into jsonb */
static Jsonb *
JsonbFromText(const char *s)
{
	return DatumGetJsonbP(DirectFunctionCall1(jsonb_in, CStringGetDatum(s)));
}

/*
 * The metrics of a confusion matrix [gold * K + predicted]: accuracy, macro-F1
 * (the mean F1 of the classes that occur or are predicted), per-class
 * precision, recall, F1 and support, and the matrix itself.
 */
Jsonb *
ClfMetricsJsonb(int K, char **labels, const int64 *confusion)
{
	StringInfoData buf;

	initStringInfo(&buf);
	AppendMetrics(&buf, K, labels, confusion);
	return JsonbFromText(buf.data);
}

/* The class labels of m as an array of C strings */
static char **
ModelLabels(const ClfModel *m)
{
	char	  **labels = palloc(sizeof(char *) * m->nclasses);
	const char *p = CLF_LABELS(m);

	for (int c = 0; c < m->nclasses; c++)
	{
		labels[c] = (char *) p;
		p += strlen(p) + 1;
	}
	return labels;
}

/* Append the training part of the description */
static void
AppendTraining(StringInfo buf, const ClfModel *m)
{
	const ClfTrainingInfo *in = &m->info;

	appendStringInfo(buf, "\"training\": {\"examples\": " INT64_FORMAT ", \"holdout_examples\": " INT64_FORMAT
					 ", \"skipped\": " INT64_FORMAT ", \"iterations\": %d, \"max_iter\": %d, \"l2\": %.6g"
					 ", \"tolerance\": %.6g, \"holdout\": %.6g, \"loss\": %.6g, \"seed\": " INT64_FORMAT
					 ", \"cv_folds\": %d, \"class_weight\": \"%s\", \"seconds\": %.3f, \"trained_at\": ",
					 in->examples, in->holdout_examples, in->skipped, in->iterations, in->max_iter,
					 in->l2, in->tolerance, in->holdout, in->loss, in->seed, in->cv_folds,
					 ClfClassWeightName(in->class_weight), in->seconds);
	AppendJsonString(buf, timestamptz_to_str(in->trained_at));
	appendStringInfoString(buf, ", \"class_counts\": {");
	for (int c = 0; c < m->nclasses; c++)
	{
		appendStringInfoString(buf, c > 0 ? ", " : "");
		AppendJsonString(buf, ClfLabel(m, c));
		appendStringInfo(buf, ": " INT64_FORMAT, CLF_COUNTS(m)[c]);
	}
	appendStringInfoString(buf, "}}");
}

PG_FUNCTION_INFO_V1(sentiment_model_info);
/* tweetlda.sentiment_model_info(model): everything but the weights, as jsonb */
Datum
sentiment_model_info(PG_FUNCTION_ARGS)
{
	ClfModel   *m = PG_GETARG_CLF_MODEL_P(0);
	StringInfoData buf;
	TextConfig *cfg;

	ClfModelCheck(m, VARSIZE(m));
	cfg = TextConfigDeserialize(CLF_TEXTCONF(m), m->textconf_len);
	initStringInfo(&buf);
	appendStringInfoString(&buf, "{\"format_version\": 1, \"classes\": [");
	for (int c = 0; c < m->nclasses; c++)
	{
		appendStringInfoString(&buf, c > 0 ? ", " : "");
		AppendJsonString(&buf, ClfLabel(m, c));
	}
	appendStringInfo(&buf, "], \"features\": %d, \"hash_bits\": %d, \"bigrams\": %s, \"char_ngrams\": ",
					 m->nfeatures, m->feat.hash_bits, m->feat.bigrams ? "true" : "false");
	if (m->feat.char_min > 0)
		appendStringInfo(&buf, "[%d, %d]", m->feat.char_min, m->feat.char_max);
	else
		appendStringInfoString(&buf, "null");
	appendStringInfo(&buf, ", \"social\": %s, \"fingerprint\": \"%016" INT64_MODIFIER "x\", \"text_config\": %s, ",
					 m->feat.social ? "true" : "false", m->fingerprint,
					 JsonbToCString(NULL, &TextConfigToJsonb(cfg)->root, 0));
	AppendTraining(&buf, m);
	appendStringInfoString(&buf, ", \"holdout\": ");
	if (m->info.holdout_examples > 0)
		AppendMetrics(&buf, m->nclasses, ModelLabels(m), CLF_CONFUSION(m));
	else
		appendStringInfoString(&buf, "null");
	appendStringInfoString(&buf, ", \"cross_validation\": ");
	if (m->info.cv_folds > 0)
	{
		appendStringInfo(&buf, "{\"folds\": %d, ", m->info.cv_folds);
		AppendMetric(&buf, "accuracy", m->info.cv_accuracy);
		appendStringInfoString(&buf, ", ");
		AppendMetric(&buf, "macro_f1", m->info.cv_macro_f1);
		appendStringInfoChar(&buf, '}');
	}
	else
		appendStringInfoString(&buf, "null");
	appendStringInfoChar(&buf, '}');
	PG_RETURN_JSONB_P(JsonbFromText(buf.data));
}

PG_FUNCTION_INFO_V1(sentiment_model_fingerprint);
/* tweetlda.sentiment_model_fingerprint(model): the content hash, as 16 hex digits */
Datum
sentiment_model_fingerprint(PG_FUNCTION_ARGS)
{
	ClfModel   *m = PG_GETARG_CLF_MODEL_P(0);

	ClfModelCheck(m, VARSIZE(m));
	PG_RETURN_TEXT_P(cstring_to_text(psprintf("%016" INT64_MODIFIER "x", m->fingerprint)));
}

/* One line describing a model, for tweetlda.analyzers() */
char *
ClfDescribe(const ClfModel *m)
{
	StringInfoData buf;

	ClfModelCheck(m, VARSIZE(m));
	initStringInfo(&buf);
	appendStringInfoString(&buf, "trained classifier: classes ");
	for (int c = 0; c < m->nclasses; c++)
		appendStringInfo(&buf, "%s%s", c > 0 ? ", " : "", ClfLabel(m, c));
	appendStringInfo(&buf, "; " INT64_FORMAT " training examples", m->info.examples);
	if (m->info.holdout_examples > 0)
		appendStringInfo(&buf, "; held-out macro-F1 %.3f", m->info.holdout_macro_f1);
	return buf.data;
}
