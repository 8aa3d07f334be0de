/*
 * lda_agg.c
 *		The training aggregate tweetlda.lda(doc text, vocab tweetlda.vocab
 *		[, params jsonb]) RETURNS tweetlda.lda_model.
 *
 * Aggregate state (in the aggregate memory context): the parameters and text
 * configuration (parsed on the first row), the vocabulary (copied on the first
 * row) with its hash index, and the corpus collected so far in compact form:
 * per document a start offset and a content hash, per (document, term) a uint32
 * term id and a uint16 count.  Tokenizing and vocabulary lookup, the expensive
 * per-row work, happen in the transition function, so parallel workers do them;
 * the combine function appends corpora, and the final function trains.
 *
 * Serialized state (for parallel aggregation; version 1, native byte order, it
 * never leaves the cluster): int32 version, the LdaParams fields, int32 length
 * + text configuration bytes, the vocabulary varlena, int64 empty documents,
 * float8 tokens, int64 ndocs, int64 nentries, then start[ndocs + 1],
 * hashes[ndocs], ids[nentries], cnts[nentries].  Deserializing re-checks every
 * size and value before use.
 */
#include "postgres.h"

#include "common/hashfn.h"
#include "fmgr.h"
#include "libpq/pqformat.h"
#include "miscadmin.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/jsonb.h"
#include "utils/memutils.h"
#include "utils/timestamp.h"

#include "lda_model.h"
#include "textconf.h"
#include "vocab.h"

#define LDA_STATE_VERSION 1

typedef struct LdaAggState
{
	LdaParams	params;
	StringInfoData textconf;	/* serialized text configuration (with stopword snapshot) */
	Tokenizer  *tok;			/* built lazily from textconf */
	Vocab	   *vocab;			/* copy */
	VocabIndex *index;			/* built lazily */
	Datum		vocab_datum;	/* the argument seen last: skip re-checking it */
	int64		empty_documents;
	double		tokens;
	LdaCorpus	corpus;
	int64		doc_cap;
	int64		entry_cap;
	uint32	   *row_ids;		/* scratch: known term ids of the current row */
	int			row_n;
	int			row_cap;
} LdaAggState;

/* Report a bad parameter */
static void
pg_attribute_noreturn()
BadParamValue(const char *key, const char *detail)
{
	ereport(ERROR,
			(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
			 errmsg("invalid value for LDA parameter \"%s\"", key),
			 errdetail("%s", detail)));
}

/* A JSON number as float8 */
static double
JsonNumber(const char *key, JsonbValue *v)
{
	if (v->type != jbvNumeric)
		BadParamValue(key, "The value must be a number.");
	return DatumGetFloat8(DirectFunctionCall1(numeric_float8, NumericGetDatum(v->val.numeric)));
}

/* A JSON number that must be an integer within [lo, hi] */
static int64
JsonInteger(const char *key, JsonbValue *v, double lo, double hi)
{
	double		x = JsonNumber(key, v);

	if (x != floor(x) || x < lo || x > hi)
		BadParamValue(key, psprintf("The value must be an integer between %.0f and %.0f.", lo, hi));
	return (int64) x;
}

/* A JSON string, NUL-terminated */
static char *
JsonString(const char *key, JsonbValue *v)
{
	if (v->type != jbvString)
		BadParamValue(key, "The value must be a string.");
	return pnstrdup(v->val.string.val, v->val.string.len);
}

/* Apply one "key": value of the parameters object */
static void
ApplyParam(LdaParams *p, const char *key, JsonbValue *v, Jsonb **textconf)
{
	if (v->type == jbvNull)
		return;					/* null means the default */
	if (strcmp(key, "k") == 0)
		p->k = (int32) JsonInteger(key, v, -1e9, 1e9);
	else if (strcmp(key, "max_iter") == 0)
		p->max_iter = (int32) JsonInteger(key, v, -1e9, 1e9);
	else if (strcmp(key, "doc_concentration") == 0)
		p->doc_concentration = JsonNumber(key, v);
	else if (strcmp(key, "topic_concentration") == 0)
		p->topic_concentration = JsonNumber(key, v);
	else if (strcmp(key, "learning_offset") == 0)
		p->learning_offset = JsonNumber(key, v);
	else if (strcmp(key, "learning_decay") == 0)
		p->learning_decay = JsonNumber(key, v);
	else if (strcmp(key, "subsampling_rate") == 0)
		p->subsampling_rate = JsonNumber(key, v);
	else if (strcmp(key, "seed") == 0)
		p->seed = JsonInteger(key, v, -9.2e18, 9.2e18);
	else if (strcmp(key, "optimize_doc_concentration") == 0)
	{
		if (v->type != jbvBool)
			BadParamValue(key, "The value must be true or false.");
		p->optimize_doc_concentration = v->val.boolean;
	}
	else if (strcmp(key, "optimizer") == 0)
	{
		char	   *s = JsonString(key, v);

		if (strcmp(s, "online") == 0)
			p->optimizer = LDA_OPTIMIZER_ONLINE;
		else if (strcmp(s, "batch") == 0)
			p->optimizer = LDA_OPTIMIZER_BATCH;
		else
			BadParamValue(key, "The optimizer must be \"online\" or \"batch\".");
	}
	else if (strcmp(key, "weighting") == 0)
	{
		char	   *s = JsonString(key, v);

		if (strcmp(s, "tfidf") == 0)
			p->weighting = LDA_WEIGHTING_TFIDF;
		else if (strcmp(s, "tf") == 0)
			p->weighting = LDA_WEIGHTING_TF;
		else
			BadParamValue(key, "The weighting must be \"tfidf\" or \"tf\".");
	}
	else if (strcmp(key, "text_config") == 0)
	{
		if (v->type != jbvBinary)
			BadParamValue(key, "The value must be a JSON object (see tweetlda.text_config).");
		*textconf = JsonbValueToJsonb(v);
	}
	else
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("unknown LDA parameter \"%s\"", key),
				 errhint("Known parameters: k, max_iter, doc_concentration, topic_concentration, learning_offset, learning_decay, subsampling_rate, optimize_doc_concentration, seed, optimizer, weighting, text_config.")));
}

/* Parse the parameters object (NULL: all defaults); returns the text configuration object or NULL */
static Jsonb *
ParseParams(Jsonb *jb, LdaParams *p)
{
	JsonbIterator *it;
	JsonbValue	v;
	JsonbIteratorToken r;
	Jsonb	   *textconf = NULL;
	char	   *key = NULL;

	LdaParamsDefault(p);
	if (jb == NULL)
		return NULL;
	if (!JB_ROOT_IS_OBJECT(jb))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("LDA parameters must be a JSON object")));
	it = JsonbIteratorInit(&jb->root);
	while ((r = JsonbIteratorNext(&it, &v, true)) != WJB_DONE)
	{
		if (r == WJB_KEY)
			key = pnstrdup(v.val.string.val, v.val.string.len);
		else if (r == WJB_VALUE)
			ApplyParam(p, key, &v, &textconf);
	}
	LdaCheckParams(p);
	return textconf;
}

/* Create the state on the first row: parameters, text configuration, vocabulary */
static LdaAggState *
InitState(MemoryContext aggcxt, Jsonb *params, Vocab *vocab)
{
	MemoryContext old = MemoryContextSwitchTo(aggcxt);
	LdaAggState *st = palloc0(sizeof(LdaAggState));
	Jsonb	   *tcjson = ParseParams(params, &st->params);
	TextConfig *cfg = tcjson ? TextConfigFromJsonb(tcjson) : TextConfigDefault(TEXTCONF_DEFAULT_LANGUAGE);

	if (vocab->nterms < 1)
		ereport(ERROR,
				(errcode(ERRCODE_DATA_EXCEPTION),
				 errmsg("cannot train an LDA model with an empty vocabulary"),
				 errhint("Lower min_df or raise max_df when building the vocabulary.")));
	CheckLdaCells(st->params.k, vocab->nterms);
	TextConfigTakeSnapshot(cfg);
	initStringInfo(&st->textconf);
	TextConfigSerialize(&st->textconf, cfg);
	st->vocab = palloc(VARSIZE(vocab));
	memcpy(st->vocab, vocab, VARSIZE(vocab));
	st->row_cap = 64;
	st->row_ids = palloc(sizeof(uint32) * st->row_cap);
	st->corpus.start = palloc0(sizeof(int64));
	MemoryContextSwitchTo(old);
	return st;
}

/* Build the tokenizer (for text input) and the vocabulary index of a state when first needed */
static void
PrepareState(LdaAggState *st, MemoryContext aggcxt, bool tokenizer)
{
	MemoryContext old;

	if ((st->tok || !tokenizer) && st->index)
		return;
	old = MemoryContextSwitchTo(aggcxt);
	if (tokenizer && st->tok == NULL)
		st->tok = TokenizerCreate(TextConfigDeserialize(st->textconf.data, st->textconf.len));
	if (st->index == NULL)
		st->index = VocabIndexCreate(st->vocab);
	MemoryContextSwitchTo(old);
}

/* Token sink: remember the id of every token that is in the vocabulary */
static void
CollectToken(void *arg, const char *tok, int len)
{
	LdaAggState *st = (LdaAggState *) arg;
	int			id = VocabIndexLookup(st->index, tok, len);

	if (id < 0)
		return;
	if (st->row_n == st->row_cap)
	{
		st->row_cap *= 2;
		st->row_ids = repalloc(st->row_ids, sizeof(uint32) * st->row_cap);
	}
	st->row_ids[st->row_n++] = (uint32) id;
}

/* qsort comparator for term ids */
static int
CompareIds(const void *a, const void *b)
{
	uint32		x = *(const uint32 *) a,
				y = *(const uint32 *) b;

	return (x > y) - (x < y);
}

/* Make room for one more document of n entries */
static void
ReserveDoc(LdaAggState *st, int n)
{
	LdaCorpus  *c = &st->corpus;

	if (c->nentries + n > LDA_MAX_ENTRIES)
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("LDA training corpus too large"),
				 errdetail("The corpus has more than " INT64_FORMAT " (document, term) pairs.",
						   LDA_MAX_ENTRIES)));
	if (c->ndocs + 1 >= st->doc_cap)
	{
		st->doc_cap = Max(1024, st->doc_cap * 2);
		c->start = repalloc_huge(c->start, sizeof(int64) * (st->doc_cap + 1));
		c->hashes = c->hashes ? repalloc_huge(c->hashes, sizeof(uint64) * st->doc_cap)
			: MemoryContextAllocHuge(GetMemoryChunkContext(c->start), sizeof(uint64) * st->doc_cap);
	}
	if (c->nentries + n > st->entry_cap)
	{
		st->entry_cap = Max(Max(8192, st->entry_cap * 2), c->nentries + n);
		c->ids = c->ids ? repalloc_huge(c->ids, sizeof(uint32) * st->entry_cap)
			: MemoryContextAllocHuge(GetMemoryChunkContext(c->start), sizeof(uint32) * st->entry_cap);
		c->cnts = c->cnts ? repalloc_huge(c->cnts, sizeof(uint16) * st->entry_cap)
			: MemoryContextAllocHuge(GetMemoryChunkContext(c->start), sizeof(uint16) * st->entry_cap);
	}
}

/* Content hash of one stored document */
static uint64
DocHash(const LdaCorpus *c, int64 d)
{
	int64		s = c->start[d],
				n = c->start[d + 1] - s;
	uint64		h = hash_bytes_extended((const unsigned char *) (c->ids + s), n * sizeof(uint32), 17);

	return hash_bytes_extended((const unsigned char *) (c->cnts + s), n * sizeof(uint16), h);
}

/* Turn the collected term ids of the current row into a stored document */
static void
StoreRow(LdaAggState *st)
{
	LdaCorpus  *c = &st->corpus;
	int			n = 0;

	if (st->row_n == 0)
	{
		st->empty_documents++;
		return;
	}
	qsort(st->row_ids, st->row_n, sizeof(uint32), CompareIds);
	ReserveDoc(st, st->row_n);
	for (int i = 0; i < st->row_n; i++)
	{
		int64		e = c->nentries + n;

		if (n > 0 && c->ids[e - 1] == st->row_ids[i])
		{
			if (c->cnts[e - 1] < PG_UINT16_MAX)
				c->cnts[e - 1]++;
			continue;
		}
		if (n >= LDA_MAX_DOC_TERMS)
			break;
		c->ids[e] = st->row_ids[i];
		c->cnts[e] = 1;
		n++;
	}
	for (int i = 0; i < n; i++)
		st->tokens += c->cnts[c->nentries + i];
	c->nentries += n;
	c->start[c->ndocs + 1] = c->nentries;
	c->hashes[c->ndocs] = 0;
	c->ndocs++;
	c->hashes[c->ndocs - 1] = DocHash(c, c->ndocs - 1);
}

/* Check that a vocabulary argument is the one of the state */
static void
CheckSameVocab(LdaAggState *st, Datum d)
{
	Vocab	   *v;

	if (d == st->vocab_datum)
		return;
	v = DatumGetVocab(d);
	if (v->fingerprint != st->vocab->fingerprint || v->nterms != st->vocab->nterms)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("the vocabulary must be the same for every row of tweetlda.lda()")));
	st->vocab_datum = d;
}

/* The state for the current row: created on the first row, the vocabulary checked on the others */
static LdaAggState *
StateForRow(FunctionCallInfo fcinfo, MemoryContext *aggcxt)
{
	LdaAggState *st = PG_ARGISNULL(0) ? NULL : (LdaAggState *) PG_GETARG_POINTER(0);

	if (!AggCheckCallContext(fcinfo, aggcxt))
		elog(ERROR, "tweetlda.lda() transition function called in non-aggregate context");
	if (PG_ARGISNULL(2))
		ereport(ERROR,
				(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
				 errmsg("the vocabulary of tweetlda.lda() must not be NULL")));
	if (st == NULL)
	{
		st = InitState(*aggcxt, PG_NARGS() > 3 && !PG_ARGISNULL(3) ? PG_GETARG_JSONB_P(3) : NULL,
					   PG_GETARG_VOCAB_P(2));
		st->vocab_datum = PG_GETARG_DATUM(2);
	}
	else
		CheckSameVocab(st, PG_GETARG_DATUM(2));
	return st;
}

/* Store the collected term ids of the row in the aggregate context */
static void
FinishRow(LdaAggState *st, MemoryContext aggcxt)
{
	MemoryContext old = MemoryContextSwitchTo(aggcxt);

	StoreRow(st);
	MemoryContextSwitchTo(old);
}

PG_FUNCTION_INFO_V1(lda_agg_transfn);
/* Transition function: tokenize one document and store its known terms */
Datum
lda_agg_transfn(PG_FUNCTION_ARGS)
{
	MemoryContext aggcxt;
	LdaAggState *st = StateForRow(fcinfo, &aggcxt);
	text	   *doc;

	if (PG_ARGISNULL(1))
		PG_RETURN_POINTER(st);	/* NULL documents are ignored */
	PrepareState(st, aggcxt, true);
	doc = PG_GETARG_TEXT_PP(1);
	st->row_n = 0;
	TokenizeText(st->tok, VARDATA_ANY(doc), VARSIZE_ANY_EXHDR(doc), CollectToken, st);
	FinishRow(st, aggcxt);
	PG_RETURN_POINTER(st);
}

PG_FUNCTION_INFO_V1(lda_agg_tokens_transfn);
/* Transition function for documents already tokenized: store the known terms of a token array */
Datum
lda_agg_tokens_transfn(PG_FUNCTION_ARGS)
{
	MemoryContext aggcxt;
	LdaAggState *st = StateForRow(fcinfo, &aggcxt);
	ArrayIterator it;
	Datum		elem;
	bool		isnull;

	if (PG_ARGISNULL(1))
		PG_RETURN_POINTER(st);	/* NULL documents are ignored */
	PrepareState(st, aggcxt, false);
	st->row_n = 0;
	it = array_create_iterator(PG_GETARG_ARRAYTYPE_P(1), 0, NULL);
	while (array_iterate(it, &elem, &isnull))
	{
		text	   *tok;

		if (isnull)
			continue;
		tok = DatumGetTextPP(elem);
		CollectToken(st, VARDATA_ANY(tok), VARSIZE_ANY_EXHDR(tok));
	}
	array_free_iterator(it);
	FinishRow(st, aggcxt);
	PG_RETURN_POINTER(st);
}

/* Append the corpus of src to dst */
static void
AppendCorpus(LdaAggState *dst, const LdaAggState *src)
{
	const LdaCorpus *s = &src->corpus;
	LdaCorpus  *d = &dst->corpus;

	for (int64 i = 0; i < s->ndocs; i++)
	{
		int64		n = s->start[i + 1] - s->start[i];

		ReserveDoc(dst, (int) n);
		memcpy(d->ids + d->nentries, s->ids + s->start[i], n * sizeof(uint32));
		memcpy(d->cnts + d->nentries, s->cnts + s->start[i], n * sizeof(uint16));
		d->nentries += n;
		d->start[d->ndocs + 1] = d->nentries;
		d->hashes[d->ndocs] = s->hashes[i];
		d->ndocs++;
	}
	dst->empty_documents += src->empty_documents;
	dst->tokens += src->tokens;
}

/* Same parameters, text configuration and vocabulary? */
static bool
SameSetup(const LdaAggState *a, const LdaAggState *b)
{
	return memcmp(&a->params, &b->params, sizeof(LdaParams)) == 0 &&
		a->textconf.len == b->textconf.len &&
		memcmp(a->textconf.data, b->textconf.data, a->textconf.len) == 0 &&
		a->vocab->fingerprint == b->vocab->fingerprint;
}

PG_FUNCTION_INFO_V1(lda_agg_combinefn);
/* Combine function: append the second partial corpus to the first */
Datum
lda_agg_combinefn(PG_FUNCTION_ARGS)
{
	MemoryContext aggcxt;
	MemoryContext old;
	LdaAggState *a = PG_ARGISNULL(0) ? NULL : (LdaAggState *) PG_GETARG_POINTER(0);
	LdaAggState *b = PG_ARGISNULL(1) ? NULL : (LdaAggState *) PG_GETARG_POINTER(1);

	if (!AggCheckCallContext(fcinfo, &aggcxt))
		elog(ERROR, "lda_agg_combinefn called in non-aggregate context");
	if (b == NULL)
		PG_RETURN_POINTER(a);
	if (a == NULL)
		PG_RETURN_POINTER(b);	/* deserialized states live in the aggregate context */
	if (!SameSetup(a, b))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("the parameters and vocabulary must be the same for every row of tweetlda.lda()")));
	old = MemoryContextSwitchTo(aggcxt);
	AppendCorpus(a, b);
	MemoryContextSwitchTo(old);
	PG_RETURN_POINTER(a);
}

/* Copy a state's arrays into buf */
static void
SerializeCorpus(StringInfo buf, const LdaAggState *st)
{
	const LdaCorpus *c = &st->corpus;

	appendBinaryStringInfo(buf, (const char *) &st->empty_documents, sizeof(int64));
	appendBinaryStringInfo(buf, (const char *) &st->tokens, sizeof(double));
	appendBinaryStringInfo(buf, (const char *) &c->ndocs, sizeof(int64));
	appendBinaryStringInfo(buf, (const char *) &c->nentries, sizeof(int64));
	appendBinaryStringInfo(buf, (const char *) c->start, sizeof(int64) * (c->ndocs + 1));
	if (c->ndocs > 0)
	{
		appendBinaryStringInfo(buf, (const char *) c->hashes, sizeof(uint64) * c->ndocs);
		appendBinaryStringInfo(buf, (const char *) c->ids, sizeof(uint32) * c->nentries);
		appendBinaryStringInfo(buf, (const char *) c->cnts, sizeof(uint16) * c->nentries);
	}
}

PG_FUNCTION_INFO_V1(lda_agg_serialfn);
/* Serialize the state for a parallel worker */
Datum
lda_agg_serialfn(PG_FUNCTION_ARGS)
{
	LdaAggState *st = (LdaAggState *) PG_GETARG_POINTER(0);
	StringInfoData buf;
	bytea	   *result;

	initStringInfo(&buf);
	appendStringInfoSpaces(&buf, VARHDRSZ);
	pq_sendint32(&buf, LDA_STATE_VERSION);
	appendBinaryStringInfo(&buf, (const char *) &st->params, sizeof(LdaParams));
	pq_sendint32(&buf, st->textconf.len);
	appendBinaryStringInfo(&buf, st->textconf.data, st->textconf.len);
	appendBinaryStringInfo(&buf, (const char *) st->vocab, VARSIZE(st->vocab));
	SerializeCorpus(&buf, st);
	result = (bytea *) buf.data;
	SET_VARSIZE(result, buf.len);
	PG_RETURN_BYTEA_P(result);
}

/* Report a corrupt serialized state */
static void
pg_attribute_noreturn()
BadState(void)
{
	ereport(ERROR,
			(errcode(ERRCODE_INVALID_BINARY_REPRESENTATION),
			 errmsg("invalid serialized tweetlda.lda() state")));
}

/* Copy n bytes out of buf, or fail if there are not that many left */
static void
TakeBytes(StringInfo buf, void *dst, Size n)
{
	if ((Size) (buf->len - buf->cursor) < n)
		BadState();
	memcpy(dst, buf->data + buf->cursor, n);
	buf->cursor += n;
}

/* Read and check the corpus arrays of a serialized state */
static void
DeserializeCorpus(StringInfo buf, LdaAggState *st)
{
	LdaCorpus  *c = &st->corpus;
	int64		ndocs,
				nentries;

	TakeBytes(buf, &st->empty_documents, sizeof(int64));
	TakeBytes(buf, &st->tokens, sizeof(double));
	TakeBytes(buf, &ndocs, sizeof(int64));
	TakeBytes(buf, &nentries, sizeof(int64));
	if (ndocs < 0 || nentries < ndocs || nentries > LDA_MAX_ENTRIES || st->empty_documents < 0 ||
		(Size) (buf->len - buf->cursor) != sizeof(int64) * (ndocs + 1) +
		(ndocs > 0 ? sizeof(uint64) * ndocs + (sizeof(uint32) + sizeof(uint16)) * nentries : 0))
		BadState();
	st->doc_cap = ndocs;
	st->entry_cap = nentries;
	c->ndocs = ndocs;
	c->nentries = nentries;
	c->start = palloc_extended(sizeof(int64) * (ndocs + 1), MCXT_ALLOC_HUGE);
	TakeBytes(buf, c->start, sizeof(int64) * (ndocs + 1));
	if (ndocs > 0)
	{
		c->hashes = palloc_extended(sizeof(uint64) * ndocs, MCXT_ALLOC_HUGE);
		c->ids = palloc_extended(sizeof(uint32) * nentries, MCXT_ALLOC_HUGE);
		c->cnts = palloc_extended(sizeof(uint16) * nentries, MCXT_ALLOC_HUGE);
		TakeBytes(buf, c->hashes, sizeof(uint64) * ndocs);
		TakeBytes(buf, c->ids, sizeof(uint32) * nentries);
		TakeBytes(buf, c->cnts, sizeof(uint16) * nentries);
	}
	if (c->start[0] != 0 || c->start[ndocs] != nentries)
		BadState();
	for (int64 d = 0; d < ndocs; d++)
	{
		if (c->start[d + 1] <= c->start[d] || c->start[d + 1] - c->start[d] > LDA_MAX_DOC_TERMS)
			BadState();
		for (int64 e = c->start[d]; e < c->start[d + 1]; e++)
			if (c->ids[e] >= (uint32) st->vocab->nterms || c->cnts[e] == 0 ||
				(e > c->start[d] && c->ids[e] <= c->ids[e - 1]))
				BadState();
	}
}

PG_FUNCTION_INFO_V1(lda_agg_deserialfn);
/* Deserialize a worker's state into the aggregate context, checking everything */
Datum
lda_agg_deserialfn(PG_FUNCTION_ARGS)
{
	bytea	   *b = PG_GETARG_BYTEA_PP(0);
	MemoryContext aggcxt;
	MemoryContext old;
	StringInfoData buf;
	LdaAggState *st;
	int32		version,
				len;
	Vocab		vhdr;

	if (!AggCheckCallContext(fcinfo, &aggcxt))
		elog(ERROR, "lda_agg_deserialfn called in non-aggregate context");
	old = MemoryContextSwitchTo(aggcxt);
	buf.data = VARDATA_ANY(b);
	buf.len = VARSIZE_ANY_EXHDR(b);
	buf.cursor = 0;
	st = palloc0(sizeof(LdaAggState));
	TakeBytes(&buf, &version, sizeof(int32));
	if (pg_ntoh32(version) != LDA_STATE_VERSION)
		BadState();
	TakeBytes(&buf, &st->params, sizeof(LdaParams));
	LdaCheckParams(&st->params);
	TakeBytes(&buf, &len, sizeof(int32));
	len = pg_ntoh32(len);
	if (len < 0 || len > buf.len - buf.cursor)
		BadState();
	initStringInfo(&st->textconf);
	appendBinaryStringInfo(&st->textconf, buf.data + buf.cursor, len);
	buf.cursor += len;
	(void) TextConfigDeserialize(st->textconf.data, st->textconf.len);
	if (buf.len - buf.cursor < (int) sizeof(Vocab))
		BadState();
	memcpy(&vhdr, buf.data + buf.cursor, sizeof(Vocab));
	if (VARSIZE(&vhdr) < sizeof(Vocab) || VARSIZE(&vhdr) > (Size) (buf.len - buf.cursor))
		BadState();
	st->vocab = palloc(VARSIZE(&vhdr));
	TakeBytes(&buf, st->vocab, VARSIZE(&vhdr));
	CheckVocab(st->vocab, VARSIZE(st->vocab));
	DeserializeCorpus(&buf, st);
	st->row_cap = 64;
	st->row_ids = palloc(sizeof(uint32) * st->row_cap);
	MemoryContextSwitchTo(old);
	PG_RETURN_POINTER(st);
}

/* Per-term weights: IDF for tfidf, 1 for tf */
static double *
TermWeights(const LdaAggState *st)
{
	double	   *w = palloc(sizeof(double) * st->vocab->nterms);

	for (int i = 0; i < st->vocab->nterms; i++)
		w[i] = st->params.weighting == LDA_WEIGHTING_TFIDF ? VocabIdf(st->vocab, i) : 1.0;
	return w;
}

PG_FUNCTION_INFO_V1(lda_agg_finalfn);
/* Final function: train the model on the collected corpus */
Datum
lda_agg_finalfn(PG_FUNCTION_ARGS)
{
	LdaAggState *st = PG_ARGISNULL(0) ? NULL : (LdaAggState *) PG_GETARG_POINTER(0);
	LdaTrainResult *res;

	if (st == NULL || st->corpus.ndocs == 0)
		ereport(ERROR,
				(errcode(ERRCODE_DATA_EXCEPTION),
				 errmsg("cannot train an LDA model on an empty corpus"),
				 errdetail(st == NULL ? "The aggregate received no rows." :
						   "No document contains a term of the vocabulary.")));
	res = LdaTrain(&st->params, &st->corpus, st->vocab->nterms, TermWeights(st));
	res->info.empty_documents = st->empty_documents;
	res->info.tokens = st->tokens;
	res->info.trained_at = GetCurrentTimestamp();
	PG_RETURN_LDA_MODEL_P(LdaModelBuild(res, st->params.k, st->vocab->nterms,
										&st->textconf, st->vocab));
}

PG_FUNCTION_INFO_V1(lda_check_params);
/* lda_check_params(params jsonb): validate training parameters (as the aggregate does) */
Datum
lda_check_params(PG_FUNCTION_ARGS)
{
	Jsonb	   *jb = PG_GETARG_JSONB_P(0);
	LdaParams	p;
	Jsonb	   *tc = ParseParams(jb, &p);

	if (tc)
		(void) TextConfigFromJsonb(tc);
	PG_RETURN_JSONB_P(jb);
}
