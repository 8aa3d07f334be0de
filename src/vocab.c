/*
 * vocab.c
 *		The vocabulary type tweetlda.vocab, the term index, and tf / tfidf
 *		term vectors (the aggregate tweetlda.vocabulary that builds
 *		vocabularies is in vocab_build.c).
 *
 * Text form (round-trips, and is valid JSON):
 *		{"documents": 3, "terms": [["storm", 2], ["flood", 1]]}
 * where the position of a term in "terms" is its id (1-based in SQL) and the
 * number is its document frequency.  Binary form (send/recv): int32 format
 * version (1), int64 documents, int32 nterms, then per term int64 df, int32
 * length and the term bytes.  See src/vocab.h for the in-memory layout.
 */
#include "postgres.h"

#include <limits.h>
#include <math.h>

#include "access/detoast.h"
#include "catalog/pg_type.h"
#include "common/hashfn.h"
#include "funcapi.h"
#include "libpq/pqformat.h"
#include "mb/pg_wchar.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/float.h"
#include "utils/json.h"
#include "utils/jsonb.h"
#include "utils/memutils.h"
#include "utils/numeric.h"

#include "termvec.h"
#include "tweetlda.h"
#include "vocab.h"

#define VOCAB_BINARY_VERSION 1

/* A term: bytes (not NUL-terminated) and length; the key of both hash tables */
typedef struct VocabKey
{
	const char *str;
	int32		len;
} VocabKey;

#define VOCAB_KEY_HASH(key) hash_bytes((const unsigned char *) (key).str, (key).len)
#define VOCAB_KEY_EQUAL(a, b) ((a).len == (b).len && memcmp((a).str, (b).str, (a).len) == 0)

/* Term index entry: term -> 0-based id */
typedef struct VocabIndexEntry
{
	VocabKey	key;
	uint32		hash;
	char		status;
	int32		id;
} VocabIndexEntry;

#define SH_PREFIX vindex
#define SH_ELEMENT_TYPE VocabIndexEntry
#define SH_KEY_TYPE VocabKey
#define SH_KEY key
#define SH_HASH_KEY(tb, k) VOCAB_KEY_HASH(k)
#define SH_EQUAL(tb, a, b) VOCAB_KEY_EQUAL(a, b)
#define SH_SCOPE static inline
#define SH_STORE_HASH
#define SH_GET_HASH(tb, a) ((a)->hash)
#define SH_DECLARE
#define SH_DEFINE
#include "lib/simplehash.h"

struct VocabIndex
{
	const Vocab *vocab;
	vindex_hash *hash;
};

/* The index cached at a call site (fn_extra) */
typedef struct VocabIndexCache
{
	MemoryContext cxt;			/* holds the vocabulary copy and the index */
	Size		size;
	uint64		fingerprint;
	Oid			toastrelid;		/* identity of a toasted argument, or InvalidOid */
	Oid			valueid;
	VocabIndex *index;
} VocabIndexCache;

/* Ensure the number of documents and a term count are not negative */
static inline void
CheckVocabCount(int64 n, const char *what)
{
	if (n < 0)
		ereport(ERROR,
				(errcode(ERRCODE_DATA_EXCEPTION),
				 errmsg("vocabulary %s cannot be negative", what)));
}

/* Ensure the document frequency of term id (0-based) is within 0..ndocs */
static inline void
CheckVocabDf(int64 df, int64 ndocs, int id)
{
	if (df < 0 || df > ndocs)
		ereport(ERROR,
				(errcode(ERRCODE_DATA_EXCEPTION),
				 errmsg("document frequency %lld of vocabulary term %d is out of range",
						(long long) df, id + 1),
				 errdetail("A document frequency must be between 0 and the number of documents (%lld).",
						   (long long) ndocs)));
}

/* Ensure every term is valid text in the database encoding */
static void
CheckVocabEncoding(const Vocab *v)
{
	for (int i = 0; i < v->nterms; i++)
	{
		int			len;
		const char *term = VocabTerm(v, i, &len);

		pg_verifymbstr(term, len, false);
	}
}

/* Compute the fingerprint of v's content */
static uint64
VocabComputeFingerprint(const Vocab *v)
{
	uint64		seed = (uint64) v->ndocs * UINT64CONST(0x9E3779B97F4A7C15) ^ (uint64) v->nterms;

	return hash_bytes_extended((const unsigned char *) v->df,
							   (int) (VOCAB_SIZE(v->nterms, v->textlen) - offsetof(Vocab, df)),
							   seed);
}

/* Compute and store v->fingerprint (after filling every other field) */
void
VocabFinish(Vocab *v)
{
	v->fingerprint = VocabComputeFingerprint(v);
}

/* Allocate a vocabulary (sizes already checked); the caller fills it */
Vocab *
VocabAllocate(int nterms, int textlen, int64 ndocs)
{
	Size		size = VOCAB_SIZE(nterms, textlen);
	Vocab	   *v = (Vocab *) palloc0(size);

	SET_VARSIZE(v, size);
	v->nterms = nterms;
	v->textlen = textlen;
	v->ndocs = ndocs;
	return v;
}

/* Build the hash index of v; a duplicate term is an error */
VocabIndex *
VocabIndexCreate(const Vocab *v)
{
	VocabIndex *ix = palloc(sizeof(VocabIndex));

	ix->vocab = v;
	ix->hash = vindex_create(CurrentMemoryContext, Max(v->nterms, 16), NULL);
	for (int i = 0; i < v->nterms; i++)
	{
		VocabKey	key;
		bool		found;
		VocabIndexEntry *e;

		key.str = VocabTerm(v, i, &key.len);
		e = vindex_insert(ix->hash, key, &found);
		if (found)
			ereport(ERROR,
					(errcode(ERRCODE_DATA_EXCEPTION),
					 errmsg("vocabulary term \"%s\" appears more than once",
							pnstrdup(key.str, key.len)),
					 errdetail("Terms %d and %d are equal.", e->id + 1, i + 1)));
		e->id = i;
	}
	return ix;
}

/* The 0-based id of term (len bytes), or -1 when it is not in the vocabulary */
int
VocabIndexLookup(const VocabIndex *ix, const char *term, int len)
{
	VocabKey	key;
	VocabIndexEntry *e;

	key.str = term;
	key.len = len;
	e = vindex_lookup(ix->hash, key);
	return e ? e->id : -1;
}

/* The vocabulary an index was built from */
const Vocab *
VocabIndexVocab(const VocabIndex *ix)
{
	return ix->vocab;
}

/* Ensure terms are unique (builds and frees a temporary index) */
static void
CheckVocabUnique(const Vocab *v)
{
	MemoryContext tmp = AllocSetContextCreate(CurrentMemoryContext, "tweetlda vocab check",
											  ALLOCSET_DEFAULT_SIZES);
	MemoryContext old = MemoryContextSwitchTo(tmp);

	VocabIndexCreate(v);
	MemoryContextSwitchTo(old);
	MemoryContextDelete(tmp);
}

/* Validate a whole vocabulary of size bytes from an untrusted source */
void
CheckVocab(const Vocab *v, Size size)
{
	uint32	   *off;

	if (size < offsetof(Vocab, df) || VARATT_IS_EXTENDED(v) || VARSIZE(v) != size)
		ereport(ERROR,
				(errcode(ERRCODE_DATA_CORRUPTED),
				 errmsg("invalid vocabulary: size %zu does not match its header", size)));
	if (v->unused != 0)
		ereport(ERROR,
				(errcode(ERRCODE_DATA_CORRUPTED),
				 errmsg("invalid vocabulary: reserved field is %d, not 0", v->unused)));
	CheckVocabCount(v->nterms, "term count");
	CheckVocabCount(v->textlen, "text length");
	CheckVocabCount(v->ndocs, "document count");
	CheckVocabSizes(v->nterms, v->textlen);
	if (VOCAB_SIZE(v->nterms, v->textlen) != size)
		ereport(ERROR,
				(errcode(ERRCODE_DATA_CORRUPTED),
				 errmsg("invalid vocabulary: size %zu does not match %d terms of %d bytes",
						size, v->nterms, v->textlen)));
	off = VOCAB_OFFSETS(v);
	for (int i = 0; i < v->nterms; i++)
	{
		CheckVocabDf(v->df[i], v->ndocs, i);
		if (off[i + 1] < off[i])
			ereport(ERROR,
					(errcode(ERRCODE_DATA_CORRUPTED),
					 errmsg("invalid vocabulary: term offsets are not ascending")));
	}
	if (off[0] != 0 || off[v->nterms] != (uint32) v->textlen)
		ereport(ERROR,
				(errcode(ERRCODE_DATA_CORRUPTED),
				 errmsg("invalid vocabulary: term offsets do not cover the text")));
	CheckVocabEncoding(v);
	CheckVocabUnique(v);
	if (VocabComputeFingerprint(v) != v->fingerprint)
		ereport(ERROR,
				(errcode(ERRCODE_DATA_CORRUPTED),
				 errmsg("invalid vocabulary: fingerprint does not match the content")));
}

/* Fingerprint a vocabulary just built from input and check all of it (CheckVocab) */
static void
FinishInputVocab(Vocab *v)
{
	VocabFinish(v);
	CheckVocab(v, VARSIZE(v));
}

/* Report a structural problem in vocab text */
static void
VocabSyntaxError(const char *lit, const char *detail, int term)
{
	ereport(ERROR,
			(errcode(ERRCODE_INVALID_TEXT_REPRESENTATION),
			 errmsg("invalid input syntax for type vocab: \"%.60s%s\"",
					lit, strlen(lit) > 60 ? "..." : ""),
			 term > 0 ? errdetail("Element %d of \"terms\": %s", term, detail) :
			 errdetail("%s", detail),
			 errhint("The text form is {\"documents\": N, \"terms\": [[\"term\", df], ...]}.")));
}

/* Read a JSON number that must be an integer (term 0: the document count) */
static int64
VocabJsonInteger(const char *lit, const JsonbValue *jv, int term, const char *what)
{
	Datum		num;
	Datum		trunc;
	char	   *digits;
	long long	val;

	if (jv == NULL || jv->type != jbvNumeric)
		VocabSyntaxError(lit, what, term);
	num = NumericGetDatum(jv->val.numeric);
	trunc = DirectFunctionCall2(numeric_trunc, num, Int32GetDatum(0));
	if (!DatumGetBool(DirectFunctionCall2(numeric_eq, num, trunc)))
		VocabSyntaxError(lit, what, term);
	digits = DatumGetCString(DirectFunctionCall1(numeric_out, trunc));
	errno = 0;
	val = strtoll(digits, NULL, 10);
	if (errno == ERANGE)
		ereport(ERROR,
				(errcode(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE),
				 errmsg("number %s is out of range for type vocab", digits)));
	return (int64) val;
}

/* Error context of vocab text input (JSON syntax errors come from the JSON parser) */
static void
VocabInputContext(void *arg)
{
	errcontext("input of type tweetlda.vocab");
}

/* Parse one ["term", df] element; returns the term */
static void
VocabJsonTerm(const char *lit, JsonbContainer *terms, int i, int64 ndocs,
			  VocabKey *key, int64 *df)
{
	JsonbValue *elem = getIthJsonbValueFromContainer(terms, i);
	JsonbContainer *pair;
	JsonbValue *jterm;

	if (elem->type != jbvBinary || !JsonContainerIsArray(elem->val.binary.data) ||
		JsonContainerSize(elem->val.binary.data) != 2)
		VocabSyntaxError(lit, "Expected an array of a term and its document frequency.", i + 1);
	pair = elem->val.binary.data;
	jterm = getIthJsonbValueFromContainer(pair, 0);
	if (jterm->type != jbvString)
		VocabSyntaxError(lit, "The term must be a string.", i + 1);
	key->str = jterm->val.string.val;
	key->len = jterm->val.string.len;
	*df = VocabJsonInteger(lit, getIthJsonbValueFromContainer(pair, 1), i + 1,
						   "The document frequency must be an integer.");
	CheckVocabDf(*df, ndocs, i);
}

/* Convert textual representation (JSON) to internal representation */
PG_FUNCTION_INFO_V1(vocab_in);
Datum
vocab_in(PG_FUNCTION_ARGS)
{
	char	   *lit = PG_GETARG_CSTRING(0);
	ErrorContextCallback context;
	Jsonb	   *jb;
	JsonbValue *jdocs;
	JsonbValue *jterms;
	JsonbContainer *terms;
	int64		ndocs;
	int64		textlen = 0;
	int			nterms;
	VocabKey   *keys;
	int64	   *dfs;
	Vocab	   *v;
	uint32	   *off;

	context.callback = VocabInputContext;
	context.arg = NULL;
	context.previous = error_context_stack;
	error_context_stack = &context;
	jb = DatumGetJsonbP(DirectFunctionCall1(jsonb_in, CStringGetDatum(lit)));
	error_context_stack = context.previous;
	if (!JB_ROOT_IS_OBJECT(jb) || JB_ROOT_COUNT(jb) != 2)
		VocabSyntaxError(lit, "Expected an object with the keys \"documents\" and \"terms\".", 0);
	jdocs = getKeyJsonValueFromContainer(&jb->root, "documents", 9, NULL);
	ndocs = VocabJsonInteger(lit, jdocs, 0, "\"documents\" must be an integer.");
	CheckVocabCount(ndocs, "document count");
	jterms = getKeyJsonValueFromContainer(&jb->root, "terms", 5, NULL);
	if (jterms == NULL || jterms->type != jbvBinary || !JsonContainerIsArray(jterms->val.binary.data))
		VocabSyntaxError(lit, "\"terms\" must be an array.", 0);
	terms = jterms->val.binary.data;
	nterms = JsonContainerSize(terms);
	CheckVocabSizes(nterms, 0);
	keys = palloc(sizeof(VocabKey) * Max(nterms, 1));
	dfs = palloc(sizeof(int64) * Max(nterms, 1));
	for (int i = 0; i < nterms; i++)
	{
		VocabJsonTerm(lit, terms, i, ndocs, &keys[i], &dfs[i]);
		textlen += keys[i].len;
		CheckVocabSizes(nterms, textlen);
	}
	v = VocabAllocate(nterms, (int) textlen, ndocs);
	off = VOCAB_OFFSETS(v);
	for (int i = 0; i < nterms; i++)
	{
		v->df[i] = dfs[i];
		memcpy(VOCAB_TEXT(v) + off[i], keys[i].str, keys[i].len);
		off[i + 1] = off[i] + keys[i].len;
	}
	FinishInputVocab(v);
	PG_RETURN_VOCAB_P(v);
}

/* Convert internal representation to textual representation (JSON) */
PG_FUNCTION_INFO_V1(vocab_out);
Datum
vocab_out(PG_FUNCTION_ARGS)
{
	Vocab	   *v = PG_GETARG_VOCAB_P(0);
	StringInfoData buf;
	StringInfoData term;

	initStringInfo(&buf);
	initStringInfo(&term);
	appendStringInfo(&buf, "{\"documents\": " INT64_FORMAT ", \"terms\": [", v->ndocs);
	for (int i = 0; i < v->nterms; i++)
	{
		int			len;
		const char *s = VocabTerm(v, i, &len);

		resetStringInfo(&term);
		appendBinaryStringInfo(&term, s, len);
		appendStringInfoString(&buf, i > 0 ? ", [" : "[");
		escape_json(&buf, term.data);
		appendStringInfo(&buf, ", " INT64_FORMAT "]", v->df[i]);
	}
	appendStringInfoString(&buf, "]}");
	PG_RETURN_CSTRING(buf.data);
}

/* Convert external binary representation to internal representation */
PG_FUNCTION_INFO_V1(vocab_recv);
Datum
vocab_recv(PG_FUNCTION_ARGS)
{
	StringInfo	buf = (StringInfo) PG_GETARG_POINTER(0);
	int32		version = (int32) pq_getmsgint(buf, 4);
	int64		ndocs = pq_getmsgint64(buf);
	int32		nterms = (int32) pq_getmsgint(buf, 4);
	int			start = buf->cursor;
	int64		textlen = 0;
	Vocab	   *v;
	uint32	   *off;

	if (version != VOCAB_BINARY_VERSION)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_BINARY_REPRESENTATION),
				 errmsg("unsupported binary vocab format version %d", version)));
	CheckVocabCount(ndocs, "document count");
	CheckVocabCount(nterms, "term count");
	CheckVocabSizes(nterms, 0);

	/* First pass: check every term's document frequency and length, allocate nothing */
	for (int i = 0; i < nterms; i++)
	{
		int64		df = pq_getmsgint64(buf);
		int32		len = (int32) pq_getmsgint(buf, 4);

		CheckVocabDf(df, ndocs, i);
		if (len < 0 || len > buf->len - buf->cursor)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_BINARY_REPRESENTATION),
					 errmsg("invalid binary vocab: length %d of term %d exceeds the data", len, i + 1)));
		buf->cursor += len;
		textlen += len;
		CheckVocabSizes(nterms, textlen);
	}
	if (buf->cursor != buf->len)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_BINARY_REPRESENTATION),
				 errmsg("invalid binary vocab: %d bytes after the last term", buf->len - buf->cursor)));

	/* Second pass: copy */
	buf->cursor = start;
	v = VocabAllocate(nterms, (int) textlen, ndocs);
	off = VOCAB_OFFSETS(v);
	for (int i = 0; i < nterms; i++)
	{
		int32		len;

		v->df[i] = pq_getmsgint64(buf);
		len = (int32) pq_getmsgint(buf, 4);
		pq_copymsgbytes(buf, VOCAB_TEXT(v) + off[i], len);
		off[i + 1] = off[i] + len;
	}
	FinishInputVocab(v);
	PG_RETURN_VOCAB_P(v);
}

/* Convert internal representation to the external binary representation */
PG_FUNCTION_INFO_V1(vocab_send);
Datum
vocab_send(PG_FUNCTION_ARGS)
{
	Vocab	   *v = PG_GETARG_VOCAB_P(0);
	StringInfoData buf;

	pq_begintypsend(&buf);
	pq_sendint32(&buf, VOCAB_BINARY_VERSION);
	pq_sendint64(&buf, v->ndocs);
	pq_sendint32(&buf, v->nterms);
	for (int i = 0; i < v->nterms; i++)
	{
		int			len;
		const char *term = VocabTerm(v, i, &len);

		pq_sendint64(&buf, v->df[i]);
		pq_sendint32(&buf, len);
		pq_sendbytes(&buf, term, len);
	}
	PG_RETURN_BYTEA_P(pq_endtypsend(&buf));
}

/* Number of terms */
PG_FUNCTION_INFO_V1(vocab_size);
Datum
vocab_size(PG_FUNCTION_ARGS)
{
	PG_RETURN_INT32(PG_GETARG_VOCAB_P(0)->nterms);
}

/* Number of documents the vocabulary was built from */
PG_FUNCTION_INFO_V1(vocab_documents);
Datum
vocab_documents(PG_FUNCTION_ARGS)
{
	PG_RETURN_INT64(PG_GETARG_VOCAB_P(0)->ndocs);
}

/* The terms as (term_id, term, df, idf) rows in id order */
PG_FUNCTION_INFO_V1(vocab_terms);
Datum
vocab_terms(PG_FUNCTION_ARGS)
{
	Vocab	   *v = PG_GETARG_VOCAB_P(0);
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;

	InitMaterializedSRF(fcinfo, 0);
	for (int i = 0; i < v->nterms; i++)
	{
		Datum		row[4];
		bool		nulls[4] = {false, false, false, false};
		int			len;
		const char *term = VocabTerm(v, i, &len);

		row[0] = Int32GetDatum(i + 1);
		row[1] = PointerGetDatum(cstring_to_text_with_len(term, len));
		row[2] = Int64GetDatum(v->df[i]);
		row[3] = Float8GetDatum(VocabIdf(v, i));
		tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, row, nulls);
	}
	return (Datum) 0;
}

/*
 * The index of v cached at a call site: rebuilt only when another vocabulary
 * (different size or fingerprint) comes in.
 */
const VocabIndex *
VocabIndexCached(FmgrInfo *flinfo, const Vocab *v)
{
	VocabIndexCache *cache = (VocabIndexCache *) flinfo->fn_extra;
	MemoryContext old;
	Vocab	   *copy;

	if (cache != NULL && cache->index != NULL && cache->size == VARSIZE(v) &&
		cache->fingerprint == v->fingerprint)
		return cache->index;
	if (cache == NULL)
	{
		cache = MemoryContextAllocZero(flinfo->fn_mcxt, sizeof(VocabIndexCache));
		cache->cxt = AllocSetContextCreate(flinfo->fn_mcxt, "tweetlda vocab index",
										   ALLOCSET_DEFAULT_SIZES);
		flinfo->fn_extra = cache;
	}
	cache->index = NULL;
	cache->toastrelid = InvalidOid;
	MemoryContextReset(cache->cxt);
	old = MemoryContextSwitchTo(cache->cxt);
	copy = palloc(VARSIZE(v));
	memcpy(copy, v, VARSIZE(v));
	cache->index = VocabIndexCreate(copy);
	MemoryContextSwitchTo(old);
	cache->size = VARSIZE(v);
	cache->fingerprint = v->fingerprint;
	return cache->index;
}

/*
 * The index of the vocabulary argument argno, cached at the call site; a
 * toasted argument seen before (same toast pointer) is not even detoasted.
 */
static const VocabIndex *
VocabIndexArg(FunctionCallInfo fcinfo, int argno)
{
	struct varlena *raw = (struct varlena *) PG_GETARG_POINTER(argno);
	VocabIndexCache *cache = (VocabIndexCache *) fcinfo->flinfo->fn_extra;
	varatt_external toast;
	const VocabIndex *ix;

	if (VARATT_IS_EXTERNAL_ONDISK(raw))
	{
		VARATT_EXTERNAL_GET_POINTER(toast, raw);
		if (cache != NULL && cache->index != NULL && cache->toastrelid == toast.va_toastrelid &&
			cache->valueid == toast.va_valueid)
			return cache->index;
	}
	ix = VocabIndexCached(fcinfo->flinfo, DatumGetVocab(PointerGetDatum(raw)));
	if (VARATT_IS_EXTERNAL_ONDISK(raw))
	{
		cache = (VocabIndexCache *) fcinfo->flinfo->fn_extra;
		cache->toastrelid = toast.va_toastrelid;
		cache->valueid = toast.va_valueid;
	}
	return ix;
}

/* Compare term ids */
static int
CompareIds(const void *a, const void *b)
{
	int32		ia = *(const int32 *) a;
	int32		ib = *(const int32 *) b;

	return (ia > ib) - (ia < ib);
}

/* Sort term ids: insertion sort for a tweet's few tokens, qsort for long documents */
static inline void
SortIds(int32 *ids, int n)
{
	if (n > 32)
	{
		qsort(ids, n, sizeof(int32), CompareIds);
		return;
	}
	for (int i = 1; i < n; i++)
	{
		int32		x = ids[i];
		int			j = i;

		while (j > 0 && ids[j - 1] > x)
		{
			ids[j] = ids[j - 1];
			j--;
		}
		ids[j] = x;
	}
}

/* The in-vocabulary term ids of a token array, sorted; returns how many */
static int
TokenIds(const VocabIndex *ix, ArrayType *tokens, int32 **ids)
{
	int			nitems = ArrayGetNItems(ARR_NDIM(tokens), ARR_DIMS(tokens));
	ArrayIterator it;
	Datum		value;
	bool		isnull;
	int			n = 0;

	if (ARR_ELEMTYPE(tokens) != TEXTOID)
		elog(ERROR, "token array must be of type text[]");
	*ids = palloc(sizeof(int32) * Max(nitems, 1));
	it = array_create_iterator(tokens, 0, NULL);
	while (array_iterate(it, &value, &isnull))
	{
		text	   *t;
		int			id;

		if (isnull)
			continue;
		t = DatumGetTextPP(value);
		id = VocabIndexLookup(ix, VARDATA_ANY(t), VARSIZE_ANY_EXHDR(t));
		if (id >= 0)
			(*ids)[n++] = id;
	}
	array_free_iterator(it);
	SortIds(*ids, n);
	return n;
}

/*
 * Term counts of a token array as a term vector of dimension nterms;
 * multiplied by the IDF when idf is true (zero weights dropped).
 */
TermVector *
VocabTokensToTermVector(const VocabIndex *ix, ArrayType *tokens, bool idf)
{
	const Vocab *v = ix->vocab;
	int32	   *ids;
	int			n = TokenIds(ix, tokens, &ids);
	float	   *weights = palloc(sizeof(float) * Max(n, 1));
	int			nnz = 0;
	TermVector *result;

	/* Run-length count the sorted ids in place: ids[nnz], weights[nnz] */
	for (int i = 0; i < n;)
	{
		int			j = i;
		double		w;

		while (j < n && ids[j] == ids[i])
			j++;
		w = (double) (j - i) * (idf ? VocabIdf(v, ids[i]) : 1.0);
		if ((float) w != 0)
		{
			ids[nnz] = ids[i];
			weights[nnz++] = (float) w;
		}
		i = j;
	}
	CheckTermVecNnz(nnz, v->nterms);
	result = InitTermVector(v->nterms, nnz);
	memcpy(result->indices, ids, sizeof(int32) * nnz);
	memcpy(TERMVEC_VALUES(result), weights, sizeof(float) * nnz);
	pfree(ids);
	pfree(weights);
	return result;
}

/* Term counts of a document over a vocabulary */
PG_FUNCTION_INFO_V1(vocab_tf);
Datum
vocab_tf(PG_FUNCTION_ARGS)
{
	ArrayType  *tokens = PG_GETARG_ARRAYTYPE_P(0);
	const VocabIndex *ix = VocabIndexArg(fcinfo, 1);

	PG_RETURN_TERMVEC_P(VocabTokensToTermVector(ix, tokens, false));
}

/* TF-IDF weights of a document over a vocabulary (Spark's IDF) */
PG_FUNCTION_INFO_V1(vocab_tfidf);
Datum
vocab_tfidf(PG_FUNCTION_ARGS)
{
	ArrayType  *tokens = PG_GETARG_ARRAYTYPE_P(0);
	const VocabIndex *ix = VocabIndexArg(fcinfo, 1);

	PG_RETURN_TERMVEC_P(VocabTokensToTermVector(ix, tokens, true));
}
