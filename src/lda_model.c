/*
 * lda_model.c
 *		The tweetlda.lda_model type: construction from a training result, the
 *		portable binary encoding (send/recv), and the text form.
 *
 * Portable encoding (send/recv; network byte order, version 3; version 1,
 * written by 0.1.0, ends after the vocabulary, version 2 has no method byte;
 * both are still read):
 *
 *	int32 magic, int32 version, int32 k, int32 nterms, int32 textconf_len,
 *	int64 vocab_size, int64 fingerprint, float8 eta,
 *	training info: int64 documents, int64 empty_documents, float8 tokens,
 *	  int32 iterations, int32 max_iter, int64 seed, float8 learning_offset,
 *	  float8 learning_decay, float8 subsampling_rate, float8 doc_concentration,
 *	  float8 passes, float8 seconds, float8 bound_per_token, int64 trained_at,
 *	  int8 optimizer, int8 optimize_doc_concentration, int8 weighting,
 *	  version 3: int8 method (0 lda, 1 dmm),
 *	float8 alpha[k], float4 lambda[nterms * k] (term-major),
 *	byte textconf[textconf_len],
 *	vocabulary: int32 nterms, int32 textlen, int64 ndocs,
 *	  int64 df[nterms], int32 offsets[nterms + 1], byte text[textlen],
 *	version 2: quality float8 log_perplexity, float8 npmi, float8 diversity,
 *	  float8 no_word_share, int64 documents; int64 cf[nterms]; int32 words_len,
 *	  int32 word offsets[nterms + 1], byte words[words_len].
 *
 * Receiving checks the header against the limits and the exact message length
 * before allocating anything, then every value, the text configuration, the
 * vocabulary (its own fingerprint recomputed, then CheckVocab) and finally the
 * model fingerprint.
 *
 * The fingerprint is portable: FNV-1a (64 bits) of this encoding with the
 * fingerprint, seconds and trained_at fields set to zero, so that models trained
 * alike have equal fingerprints and a model read on another machine checks.
 *
 * Text form: "LDA1 k=5 terms=2048 weighting=tfidf docs=4000 data=<base64 of the
 * portable encoding>": a readable summary followed by the full encoding, so
 * that COPY, pg_dump and pg_restore round-trip models.  Input verifies that the
 * summary agrees with the data.
 */
#include "postgres.h"

#include <math.h>

#include "common/base64.h"
#include "common/hashfn.h"
#include "fmgr.h"
#include "libpq/pqformat.h"
#include "utils/builtins.h"
#include "utils/float.h"
#include "mb/pg_wchar.h"
#include "utils/timestamp.h"

#include "lda_model.h"
#include "textconf.h"
#include "vocab.h"

#define LDA_TEXT_PREFIX "LDA1 "

/* Name of a weighting */
const char *
LdaWeightingName(LdaWeighting w)
{
	return w == LDA_WEIGHTING_TF ? "tf" : "tfidf";
}

/* Name of a method */
const char *
LdaMethodName(LdaMethod m)
{
	return m == LDA_METHOD_DMM ? "dmm" : "lda";
}

/* Name of an optimizer */
const char *
LdaOptimizerName(LdaOptimizer o)
{
	return o == LDA_OPTIMIZER_ONLINE ? "online" : "batch";
}

static void LdaModelSendTo(StringInfo buf, const LdaModel *m);

/* FNV-1a, 64 bits: a byte-order independent hash */
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

/*
 * The fingerprint of m: FNV-1a of its portable encoding with the fingerprint
 * and the wall-clock fields (seconds, trained_at) zeroed.
 */
static uint64
LdaModelFingerprint(LdaModel *m)
{
	uint64		saved = m->fingerprint;
	double		seconds = m->info.seconds;
	int64		trained_at = m->info.trained_at;
	StringInfoData buf;
	uint64		h;

	m->fingerprint = 0;
	m->info.seconds = 0.0;
	m->info.trained_at = 0;
	initStringInfo(&buf);
	LdaModelSendTo(&buf, m);
	m->fingerprint = saved;
	m->info.seconds = seconds;
	m->info.trained_at = trained_at;
	h = Fnv1a64((const unsigned char *) buf.data, buf.len);
	pfree(buf.data);
	return h;
}

/* Build a model from a training result, the serialized text configuration and the vocabulary */
LdaModel *
LdaModelBuild(const LdaTrainResult *res, int k, int nterms,
			  const StringInfo textconf, const Vocab *vocab, const VocabWords *words)
{
	Size		size;
	LdaModel   *m;
	float	   *lambda;
	LdaModelWords *mw;

	CheckLdaK(k);
	CheckLdaCells(k, nterms);
	Assert(words->nterms == nterms);
	size = LDA_MODEL_SIZE(LDA_MODEL_VERSION, k, nterms, textconf->len, VARSIZE(vocab), words->textlen);
	if (size > MaxAllocSize)
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("LDA model too large"),
				 errdetail("The model would take %zu bytes; the limit is %zu.",
						   size, (Size) MaxAllocSize)));
	m = palloc0(size);
	SET_VARSIZE(m, size);
	m->magic = LDA_MODEL_MAGIC;
	m->version = LDA_MODEL_VERSION;
	m->k = k;
	m->nterms = nterms;
	m->textconf_len = textconf->len;
	m->vocab_size = VARSIZE(vocab);
	m->eta = res->eta;
	m->info = res->info;
	memcpy(m->alpha, res->alpha, sizeof(double) * k);
	lambda = LDA_LAMBDA(m);
	for (Size i = 0; i < (Size) k * nterms; i++)
		lambda[i] = (float) res->lambda[i];
	memcpy(LDA_TEXTCONF(m), textconf->data, textconf->len);
	memcpy(LDA_VOCAB(m), vocab, VARSIZE(vocab));
	mw = LDA_WORDS(m);
	mw->words_len = words->textlen;
	mw->quality.log_perplexity = mw->quality.npmi = mw->quality.diversity =
		mw->quality.no_word_share = get_float8_nan();
	memcpy(mw->cf, words->cf, sizeof(int64) * nterms);
	memcpy(LDA_WORD_OFFSETS(m, mw), words->offsets, sizeof(uint32) * (nterms + 1));
	memcpy(LDA_WORD_OFFSETS(m, mw) + nterms + 1, words->text, words->textlen);
	m->fingerprint = LdaModelFingerprint(m);
	return m;
}

/* A copy of a version 2 model with the quality measured at training */
LdaModel *
LdaModelWithQuality(const LdaModel *m, const LdaQuality *q)
{
	LdaModel   *copy;

	if (m->version < 2)
		ereport(ERROR,
				(errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
				 errmsg("LDA model format version %d cannot keep quality figures", m->version),
				 errhint("Train the model again with this version of tweetlda.")));
	copy = palloc(VARSIZE(m));
	memcpy(copy, m, VARSIZE(m));
	LDA_WORDS(copy)->quality = *q;
	copy->fingerprint = LdaModelFingerprint(copy);
	return copy;
}

/* Recompute the fingerprint of a model whose content was changed in place (lda_lineage.c) */
void
LdaModelSetFingerprint(LdaModel *m)
{
	m->fingerprint = LdaModelFingerprint(m);
}

/* Report corrupt model data */
static void
pg_attribute_noreturn()
BadModel(const char *detail)
{
	ereport(ERROR,
			(errcode(ERRCODE_INVALID_BINARY_REPRESENTATION),
			 errmsg("invalid LDA model data"),
			 errdetail("%s", detail)));
}

/* Header checks shared by recv and by every reader of a stored model */
static void
CheckLdaHeader(uint32 magic, int32 version, int32 k, int32 nterms,
			   int32 textconf_len, int64 vocab_size)
{
	if (magic != LDA_MODEL_MAGIC)
		BadModel("The magic number is wrong.");
	if (version < LDA_MODEL_VERSION_MIN || version > LDA_MODEL_VERSION)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_BINARY_REPRESENTATION),
				 errmsg("unsupported LDA model format version %d", version),
				 errdetail("This version of tweetlda reads format versions %d to %d.",
						   LDA_MODEL_VERSION_MIN, LDA_MODEL_VERSION)));
	if (k < LDA_MIN_K || k > LDA_MAX_K)
		BadModel("The number of topics is out of range.");
	if (nterms < 1 || nterms > VOCAB_MAX_TERMS || (int64) k * nterms > LDA_MAX_CELLS)
		BadModel("The vocabulary size is out of range.");
	if (textconf_len < 0 || textconf_len > 64 * 1024 * 1024)
		BadModel("The text configuration size is out of range.");
	if (vocab_size < (int64) VOCAB_SIZE(nterms, 0) ||
		vocab_size > (int64) VOCAB_SIZE(nterms, VOCAB_MAX_TEXT))
		BadModel("The vocabulary byte size is out of range.");
}

/* Check a model value read from storage or built here (structure only, cheap) */
void
LdaModelCheck(const LdaModel *m, Size size)
{
	int32		words_len = 0;

	if (size < offsetof(LdaModel, alpha))
		BadModel("The value is too short.");
	CheckLdaHeader(m->magic, m->version, m->k, m->nterms, m->textconf_len, m->vocab_size);
	if (m->version >= 2)
	{
		if (size < LDA_MODEL_SIZE(m->version, m->k, m->nterms, m->textconf_len, m->vocab_size, 0))
			BadModel("The value's size does not match its header.");
		words_len = LDA_WORDS(m)->words_len;
	}
	if (size != LDA_MODEL_SIZE(m->version, m->k, m->nterms, m->textconf_len, m->vocab_size, words_len))
		BadModel("The value's size does not match its header.");
	if (LDA_VOCAB(m)->nterms != m->nterms)
		BadModel("The vocabulary size does not match the header.");
}

/* Append the version 2 part: quality, corpus frequencies, words */
static void
SendWords(StringInfo buf, const LdaModel *m)
{
	const LdaModelWords *mw = LDA_WORDS(m);
	const uint32 *woff = LDA_WORD_OFFSETS(m, mw);

	pq_sendfloat8(buf, mw->quality.log_perplexity);
	pq_sendfloat8(buf, mw->quality.npmi);
	pq_sendfloat8(buf, mw->quality.diversity);
	pq_sendfloat8(buf, mw->quality.no_word_share);
	pq_sendint64(buf, mw->quality.documents);
	for (int i = 0; i < m->nterms; i++)
		pq_sendint64(buf, mw->cf[i]);
	pq_sendint32(buf, mw->words_len);
	for (int i = 0; i <= m->nterms; i++)
		pq_sendint32(buf, woff[i]);
	pq_sendbytes(buf, (const char *) (woff + m->nterms + 1), mw->words_len);
}

/* Append the portable encoding of m to buf */
static void
LdaModelSendTo(StringInfo buf, const LdaModel *m)
{
	const LdaTrainingInfo *in = &m->info;
	const float *lambda = LDA_LAMBDA(m);
	const Vocab *v = LDA_VOCAB(m);
	const uint32 *off = VOCAB_OFFSETS(v);

	pq_sendint32(buf, m->magic);
	pq_sendint32(buf, m->version);
	pq_sendint32(buf, m->k);
	pq_sendint32(buf, m->nterms);
	pq_sendint32(buf, m->textconf_len);
	pq_sendint64(buf, m->vocab_size);
	pq_sendint64(buf, m->fingerprint);
	pq_sendfloat8(buf, m->eta);
	pq_sendint64(buf, in->documents);
	pq_sendint64(buf, in->empty_documents);
	pq_sendfloat8(buf, in->tokens);
	pq_sendint32(buf, in->iterations);
	pq_sendint32(buf, in->max_iter);
	pq_sendint64(buf, in->seed);
	pq_sendfloat8(buf, in->learning_offset);
	pq_sendfloat8(buf, in->learning_decay);
	pq_sendfloat8(buf, in->subsampling_rate);
	pq_sendfloat8(buf, in->doc_concentration);
	pq_sendfloat8(buf, in->passes);
	pq_sendfloat8(buf, in->seconds);
	pq_sendfloat8(buf, in->bound_per_token);
	pq_sendint64(buf, in->trained_at);
	pq_sendint8(buf, in->optimizer);
	pq_sendint8(buf, in->optimize_doc_concentration);
	pq_sendint8(buf, in->weighting);
	if (m->version >= 3)
		pq_sendint8(buf, in->method);
	for (int t = 0; t < m->k; t++)
		pq_sendfloat8(buf, m->alpha[t]);
	for (Size i = 0; i < (Size) m->k * m->nterms; i++)
		pq_sendfloat4(buf, lambda[i]);
	pq_sendbytes(buf, LDA_TEXTCONF(m), m->textconf_len);
	pq_sendint32(buf, v->nterms);
	pq_sendint32(buf, v->textlen);
	pq_sendint64(buf, v->ndocs);
	for (int i = 0; i < v->nterms; i++)
		pq_sendint64(buf, v->df[i]);
	for (int i = 0; i <= v->nterms; i++)
		pq_sendint32(buf, off[i]);
	pq_sendbytes(buf, VOCAB_TEXT(v), v->textlen);
	if (m->version >= 2)
		SendWords(buf, m);
}

/* Read a finite float8 > 0 */
static double
GetPositive(StringInfo buf, const char *what)
{
	double		x = pq_getmsgfloat8(buf);

	if (!(x > 0.0 && isfinite(x)))
		BadModel(psprintf("The %s is not a positive finite number.", what));
	return x;
}

/* Read the training metadata, checking each field */
static void
RecvTrainingInfo(StringInfo buf, LdaTrainingInfo *in, int32 version)
{
	in->documents = pq_getmsgint64(buf);
	in->empty_documents = pq_getmsgint64(buf);
	in->tokens = pq_getmsgfloat8(buf);
	in->iterations = pq_getmsgint(buf, 4);
	in->max_iter = pq_getmsgint(buf, 4);
	in->seed = pq_getmsgint64(buf);
	in->learning_offset = GetPositive(buf, "learning offset");
	in->learning_decay = GetPositive(buf, "learning decay");
	in->subsampling_rate = GetPositive(buf, "subsampling rate");
	in->doc_concentration = GetPositive(buf, "initial doc concentration");
	in->passes = pq_getmsgfloat8(buf);
	in->seconds = pq_getmsgfloat8(buf);
	in->bound_per_token = pq_getmsgfloat8(buf);
	in->trained_at = pq_getmsgint64(buf);
	in->optimizer = pq_getmsgint(buf, 1);
	in->optimize_doc_concentration = pq_getmsgint(buf, 1);
	in->weighting = pq_getmsgint(buf, 1);
	in->method = version >= 3 ? pq_getmsgint(buf, 1) : LDA_METHOD_LDA;
	if (in->documents < 1 || in->empty_documents < 0 || !(in->tokens >= 0 && isfinite(in->tokens)) ||
		in->iterations < 0 || in->max_iter < 1 || !isfinite(in->passes) ||
		!isfinite(in->seconds) || isnan(in->bound_per_token))
		BadModel("The training metadata is out of range.");
	if (in->optimizer > LDA_OPTIMIZER_BATCH || in->optimize_doc_concentration > 1 ||
		in->weighting > LDA_WEIGHTING_TFIDF || in->method > LDA_METHOD_DMM)
		BadModel("The training metadata has an unknown optimizer, flag, weighting or method.");
}

/* Read the embedded vocabulary into v (its size was checked by the caller) */
static void
RecvVocab(StringInfo buf, Vocab *v, int32 nterms, int32 textlen)
{
	uint32	   *off;

	SET_VARSIZE(v, VOCAB_SIZE(nterms, textlen));
	v->nterms = nterms;
	v->textlen = textlen;
	v->unused = 0;
	v->ndocs = pq_getmsgint64(buf);
	for (int i = 0; i < nterms; i++)
		v->df[i] = pq_getmsgint64(buf);
	off = VOCAB_OFFSETS(v);
	for (int i = 0; i <= nterms; i++)
	{
		off[i] = pq_getmsgint(buf, 4);
		/* hostile input, not a corrupt datum: refuse here with 22P03, before CheckVocab */
		if (i == 0 ? off[0] != 0 : off[i] < off[i - 1])
			BadModel("The term offsets of the vocabulary are not ascending from 0.");
	}
	if (off[nterms] != (uint32) textlen)
		BadModel("The term offsets of the vocabulary do not cover its text.");
	pq_copymsgbytes(buf, VOCAB_TEXT(v), textlen);
	VocabFinish(v);				/* its fingerprint is native, not part of the encoding */
	CheckVocab(v, VARSIZE(v));
}

/* A quality figure: NaN (not measured) or finite within [lo, hi] */
static double
GetFigure(StringInfo buf, double lo, double hi)
{
	double		x = pq_getmsgfloat8(buf);

	if (!isnan(x) && !(x >= lo && x <= hi))
		BadModel("A quality figure is out of range.");
	return x;
}

/* Read the version 2 part (its size was checked by the caller), checking every field */
static void
RecvWords(StringInfo buf, LdaModel *m, int32 words_len)
{
	LdaModelWords *mw = LDA_WORDS(m);
	uint32	   *woff = LDA_WORD_OFFSETS(m, mw);
	char	   *text = (char *) (woff + m->nterms + 1);

	mw->quality.log_perplexity = GetFigure(buf, 0.0, 1e6);
	mw->quality.npmi = GetFigure(buf, -1.0, 1.0);
	mw->quality.diversity = GetFigure(buf, 0.0, 1.0);
	mw->quality.no_word_share = GetFigure(buf, 0.0, 1.0);
	mw->quality.documents = pq_getmsgint64(buf);
	if (mw->quality.documents < 0)
		BadModel("The number of held-out documents is negative.");
	for (int i = 0; i < m->nterms; i++)
		if ((mw->cf[i] = pq_getmsgint64(buf)) < 0)
			BadModel("A corpus term frequency is negative.");
	if (pq_getmsgint(buf, 4) != words_len)
		BadModel("The words do not match the header.");
	mw->words_len = words_len;
	for (int i = 0; i <= m->nterms; i++)
	{
		woff[i] = pq_getmsgint(buf, 4);
		if ((i == 0 && woff[0] != 0) || (i > 0 && (woff[i] < woff[i - 1] || woff[i] > (uint32) words_len)))
			BadModel("The word offsets are out of order.");
	}
	if (woff[m->nterms] != (uint32) words_len)
		BadModel("The word offsets do not cover the words.");
	pq_copymsgbytes(buf, text, words_len);
	pg_verifymbstr(text, words_len, false);
}

/* Parse the portable encoding, validating everything before and after allocating */
static LdaModel *
LdaModelRecvFrom(StringInfo buf)
{
	uint32		magic;
	int32		version,
				k,
				nterms,
				textconf_len,
				vnterms,
				vtextlen,
				words_len = 0;
	int64		vocab_size;
	Size		expect;
	LdaModel   *m;
	float	   *lambda;

	if (buf->len - buf->cursor < 44)
		BadModel("The value is too short.");
	magic = pq_getmsgint(buf, 4);
	version = pq_getmsgint(buf, 4);
	k = pq_getmsgint(buf, 4);
	nterms = pq_getmsgint(buf, 4);
	textconf_len = pq_getmsgint(buf, 4);
	vocab_size = pq_getmsgint64(buf);
	CheckLdaHeader(magic, version, k, nterms, textconf_len, vocab_size);
	vtextlen = (int32) (vocab_size - (int64) VOCAB_SIZE(nterms, 0));

	/* exact remaining length: fixed fields, arrays, text configuration, vocabulary */
	expect = 8 + 8 + (8 + 8 + 8 + 4 + 4 + 8 + 8 * 7 + 8 + 3 + (version >= 3 ? 1 : 0)) +
		(Size) k * 8 + (Size) k * nterms * 4 + textconf_len +
		(4 + 4 + 8) + (Size) nterms * 8 + (Size) (nterms + 1) * 4 + vtextlen;
	if (version >= 2)
	{
		/* the words' length sits after quality and corpus frequencies */
		Size		at = expect + 5 * 8 + (Size) nterms * 8;

		if ((Size) (buf->len - buf->cursor) < at + 4)
			BadModel("The length of the value does not match its header.");
		memcpy(&words_len, buf->data + buf->cursor + at, 4);
		words_len = (int32) pg_ntoh32(words_len);
		if (words_len < 0 || words_len > VOCAB_MAX_TEXT + nterms)
			BadModel("The length of the words is out of range.");
		expect = at + 4 + (Size) (nterms + 1) * 4 + words_len;
	}
	if ((Size) (buf->len - buf->cursor) != expect)
		BadModel("The length of the value does not match its header.");

	m = palloc0(LDA_MODEL_SIZE(version, k, nterms, textconf_len, vocab_size, words_len));
	SET_VARSIZE(m, LDA_MODEL_SIZE(version, k, nterms, textconf_len, vocab_size, words_len));
	m->magic = magic;
	m->version = version;
	m->k = k;
	m->nterms = nterms;
	m->textconf_len = textconf_len;
	m->vocab_size = vocab_size;
	m->fingerprint = pq_getmsgint64(buf);
	m->eta = GetPositive(buf, "topic concentration");
	RecvTrainingInfo(buf, &m->info, version);
	for (int t = 0; t < k; t++)
		m->alpha[t] = GetPositive(buf, "doc concentration");
	lambda = LDA_LAMBDA(m);
	for (Size i = 0; i < (Size) k * nterms; i++)
	{
		lambda[i] = pq_getmsgfloat4(buf);
		if (!(lambda[i] > 0.0f && isfinite(lambda[i])))
			BadModel("A topic-word parameter is not a positive finite number.");
	}
	pq_copymsgbytes(buf, LDA_TEXTCONF(m), textconf_len);
	(void) TextConfigDeserialize(LDA_TEXTCONF(m), textconf_len);
	vnterms = pq_getmsgint(buf, 4);
	if (vnterms != nterms || pq_getmsgint(buf, 4) != vtextlen)
		BadModel("The vocabulary does not match the header.");
	RecvVocab(buf, LDA_VOCAB(m), nterms, vtextlen);
	if (version >= 2)
		RecvWords(buf, m, words_len);
	if (LdaModelFingerprint(m) != m->fingerprint)
		BadModel("The fingerprint does not match the content.");
	return m;
}

PG_FUNCTION_INFO_V1(lda_model_recv);
/* Convert external binary representation to internal representation */
Datum
lda_model_recv(PG_FUNCTION_ARGS)
{
	StringInfo	buf = (StringInfo) PG_GETARG_POINTER(0);

	PG_RETURN_LDA_MODEL_P(LdaModelRecvFrom(buf));
}

PG_FUNCTION_INFO_V1(lda_model_send);
/* Convert internal representation to the external binary representation */
Datum
lda_model_send(PG_FUNCTION_ARGS)
{
	LdaModel   *m = PG_GETARG_LDA_MODEL_P(0);
	StringInfoData buf;

	LdaModelCheck(m, VARSIZE(m));
	pq_begintypsend(&buf);
	LdaModelSendTo(&buf, m);
	PG_RETURN_BYTEA_P(pq_endtypsend(&buf));
}

PG_FUNCTION_INFO_V1(lda_model_out);
/* Convert internal representation to the text form: summary and base64 data */
Datum
lda_model_out(PG_FUNCTION_ARGS)
{
	LdaModel   *m = PG_GETARG_LDA_MODEL_P(0);
	StringInfoData bin;
	StringInfoData out;
	int			enclen;

	LdaModelCheck(m, VARSIZE(m));
	initStringInfo(&bin);
	LdaModelSendTo(&bin, m);
	initStringInfo(&out);
	appendStringInfo(&out, LDA_TEXT_PREFIX "k=%d terms=%d weighting=%s docs=" INT64_FORMAT " data=",
					 m->k, m->nterms, LdaWeightingName(m->info.weighting), m->info.documents);
	enclen = pg_b64_enc_len(bin.len);
	enlargeStringInfo(&out, enclen + 1);
	enclen = pg_b64_encode(bin.data, bin.len, out.data + out.len, enclen);
	if (enclen < 0)
		elog(ERROR, "could not encode LDA model as base64");
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
			 errmsg("invalid input syntax for type lda_model"),
			 errdetail("%s", detail),
			 errhint("The text form is the output of tweetlda.lda_model: \"LDA1 k=... terms=... weighting=... docs=... data=...\".")));
}

PG_FUNCTION_INFO_V1(lda_model_in);
/* Convert the text form (summary and base64 data) to internal representation */
Datum
lda_model_in(PG_FUNCTION_ARGS)
{
	char	   *str = PG_GETARG_CSTRING(0);
	int			k,
				nterms,
				pos = 0;
	long long	docs;
	char		weighting[8];
	char	   *data;
	StringInfoData bin;
	LdaModel   *m;
	int			declen;

	if (strncmp(str, LDA_TEXT_PREFIX, strlen(LDA_TEXT_PREFIX)) != 0)
		BadText("The value does not start with \"LDA1 \".");
	if (sscanf(str + strlen(LDA_TEXT_PREFIX), "k=%d terms=%d weighting=%7s docs=%lld data=%n",
			   &k, &nterms, weighting, &docs, &pos) != 4 || pos == 0)
		BadText("The summary \"k=... terms=... weighting=... docs=... data=\" is malformed.");
	data = str + strlen(LDA_TEXT_PREFIX) + pos;
	declen = pg_b64_dec_len(strlen(data));
	initStringInfo(&bin);
	enlargeStringInfo(&bin, declen + 1);
	declen = pg_b64_decode(data, strlen(data), bin.data, declen);
	if (declen < 0)
		BadText(psprintf("The data after \"data=\" (at character %d) is not valid base64.",
						 (int) (data - str) + 1));
	bin.len = declen;
	m = LdaModelRecvFrom(&bin);
	if (bin.cursor != bin.len || m->k != k || m->nterms != nterms ||
		strcmp(weighting, LdaWeightingName(m->info.weighting)) != 0 ||
		m->info.documents != docs)
		BadText("The summary does not match the data.");
	PG_RETURN_LDA_MODEL_P(m);
}
