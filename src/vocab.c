/*
 * vocab.c
 *		The vocabulary type tweetlda.vocab, the aggregate tweetlda.vocabulary
 *		that builds it (Spark CountVectorizer semantics, parallel-safe), the
 *		term index, and tf / tfidf term vectors.
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
#define VOCAB_STATE_VERSION 1
#define VOCAB_ARENA_FIRST 1024		/* first arena block; blocks double up to */
#define VOCAB_ARENA_BLOCK (64 * 1024)

/* A term: bytes (not NUL-terminated) and length; the key of both hash tables */
typedef struct VocabKey
{
	const char *str;
	int32		len;
} VocabKey;

#define VOCAB_KEY_HASH(key) hash_bytes((const unsigned char *) (key).str, (key).len)
#define VOCAB_KEY_EQUAL(a, b) ((a).len == (b).len && memcmp((a).str, (b).str, (a).len) == 0)

/* Aggregate state entry: counts of one term */
typedef struct VocabStateEntry
{
	VocabKey	key;
	uint32		hash;
	char		status;
	int64		df;				/* documents containing the term */
	int64		count;			/* occurrences in every document */
	int64		lastdoc;		/* last document (state-local number) counted in df, or
								 * the (negative) stamp of the last merge that added to it */
} VocabStateEntry;

#define SH_PREFIX vstate
#define SH_ELEMENT_TYPE VocabStateEntry
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

/*
 * Aggregate parameters: min_df / max_df as given (>= 1 a document count, < 1
 * a fraction of documents), max_terms (INT_MAX when not limited).
 */
typedef struct VocabParams
{
	double		min_df;
	double		max_df;
	int32		max_terms;
} VocabParams;

/* A term of a deserialized partial state (flat, not hashed) */
typedef struct VocabFlatEntry
{
	VocabKey	key;
	int64		df;
	int64		count;
} VocabFlatEntry;

/*
 * Aggregate state (in the aggregate memory context): the parameters, the
 * number of documents, a hash table term -> (df, count) whose term bytes live
 * in an arena of blocks (1 kB doubling up to 64 kB, so that GROUP BY with many
 * small groups stays small).  A deserialized partial state is
 * flat instead (hash NULL, entries in flat[], term bytes in the serialized
 * buffer): it is only read once, by the combine function, so hashing it would
 * be wasted work.  Serialized (vocabulary_serialfn) as: int32 version, float8
 * min_df, float8 max_df, int32 max_terms, int64 ndocs, int32 nentries, then
 * per term int32 length, bytes, int64 df, int64 count.
 */
typedef struct VocabState
{
	MemoryContext cxt;
	VocabParams params;
	int64		ndocs;
	vstate_hash *hash;
	char	   *arena;
	Size		arena_free;
	Size		arena_next;		/* size of the next arena block */
	int64		merges;			/* combine calls, to stamp merged entries */
	VocabFlatEntry *flat;
	int32		nflat;
} VocabState;

/* Ensure vocabulary sizes are within the limits */
static inline void
CheckVocabSizes(int64 nterms, int64 textlen)
{
	if (nterms > VOCAB_MAX_TERMS)
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("vocabulary cannot have more than %d terms", VOCAB_MAX_TERMS),
				 errhint("Limit the vocabulary with max_terms or min_df.")));
	if (textlen > VOCAB_MAX_TEXT)
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("vocabulary terms cannot exceed %d bytes in total", VOCAB_MAX_TEXT),
				 errhint("Limit the vocabulary with max_terms or min_df.")));
}

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
static Vocab *
InitVocab(int nterms, int textlen, int64 ndocs)
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
	v = InitVocab(nterms, (int) textlen, ndocs);
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
	v = InitVocab(nterms, (int) textlen, ndocs);
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

/* Ensure aggregate parameters are valid */
static void
CheckVocabParams(const VocabParams *p)
{
	if (isnan(p->min_df) || p->min_df < 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("min_df must be a number >= 0, not %g", p->min_df),
				 errdetail("A value >= 1 is a document count, a value < 1 a fraction of the documents.")));
	if (isnan(p->max_df) || p->max_df < 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("max_df must be a number >= 0, not %g", p->max_df),
				 errdetail("A value >= 1 is a document count, a value < 1 a fraction of the documents.")));
	if (p->max_terms < 1)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("max_terms must be at least 1, not %d", p->max_terms)));
}

/* The parameters of this row of the aggregate (NULL means the default) */
static void
GetVocabParams(FunctionCallInfo fcinfo, VocabParams *p)
{
	p->min_df = 1.0;
	p->max_df = get_float8_infinity();
	p->max_terms = INT_MAX;
	if (PG_NARGS() >= 5)
	{
		if (!PG_ARGISNULL(2))
			p->min_df = PG_GETARG_FLOAT8(2);
		if (!PG_ARGISNULL(3))
			p->max_df = PG_GETARG_FLOAT8(3);
		if (!PG_ARGISNULL(4))
			p->max_terms = PG_GETARG_INT32(4);
	}
	CheckVocabParams(p);
}

/* Ensure two sets of parameters are equal (they must not change between rows) */
static void
CheckSameParams(const VocabParams *a, const VocabParams *b)
{
	if (a->min_df != b->min_df || a->max_df != b->max_df || a->max_terms != b->max_terms)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("vocabulary parameters must be the same for every row"),
				 errdetail("min_df, max_df and max_terms changed between rows.")));
}

/* Create an empty aggregate state in cxt */
static VocabState *
InitVocabState(MemoryContext cxt, const VocabParams *params, int nelements)
{
	VocabState *state = MemoryContextAllocZero(cxt, sizeof(VocabState));

	state->cxt = cxt;
	state->params = *params;
	state->hash = vstate_create(cxt, Max(nelements, 16), NULL);
	state->arena_next = VOCAB_ARENA_FIRST;
	return state;
}

/* Copy term bytes into the state's arena */
static const char *
ArenaCopy(VocabState *state, const char *str, int len)
{
	char	   *dst;

	if (len == 0)
		return "";
	if ((Size) len > state->arena_free)
	{
		Size		size = Max(state->arena_next, (Size) len);

		state->arena = MemoryContextAlloc(state->cxt, size);
		state->arena_free = size;
		state->arena_next = Min(state->arena_next * 2, VOCAB_ARENA_BLOCK);
	}
	dst = state->arena;
	memcpy(dst, str, len);
	state->arena += len;
	state->arena_free -= len;
	return dst;
}

/* The state entry of a term, created (with the bytes copied) when new */
static VocabStateEntry *
VocabStateEntryFor(VocabState *state, const char *str, int len)
{
	VocabKey	key;
	bool		found;
	VocabStateEntry *e;

	key.str = str;
	key.len = len;
	e = vstate_insert(state->hash, key, &found);
	if (!found)
	{
		e->key.str = ArenaCopy(state, str, len);
		e->df = 0;
		e->count = 0;
		e->lastdoc = -1;
	}
	return e;
}

/* Count the terms of one document into the state */
static void
VocabStateAddDocument(VocabState *state, ArrayType *tokens)
{
	ArrayIterator it;
	Datum		value;
	bool		isnull;
	int64		doc = state->ndocs++;

	if (ARR_ELEMTYPE(tokens) != TEXTOID)
		elog(ERROR, "token array must be of type text[]");
	it = array_create_iterator(tokens, 0, NULL);
	while (array_iterate(it, &value, &isnull))
	{
		text	   *t;
		VocabStateEntry *e;

		if (isnull)
			continue;
		t = DatumGetTextPP(value);
		e = VocabStateEntryFor(state, VARDATA_ANY(t), VARSIZE_ANY_EXHDR(t));
		e->count++;
		if (e->lastdoc != doc)
		{
			e->df++;
			e->lastdoc = doc;
		}
	}
	array_free_iterator(it);
}

/* Aggregate transition: add one document (NULL token arrays are skipped) */
PG_FUNCTION_INFO_V1(vocabulary_transfn);
Datum
vocabulary_transfn(PG_FUNCTION_ARGS)
{
	MemoryContext aggcxt;
	VocabState *state = PG_ARGISNULL(0) ? NULL : (VocabState *) PG_GETARG_POINTER(0);
	VocabParams params;

	aggcxt = AggregateContext(fcinfo, "vocabulary_transfn");
	if (PG_ARGISNULL(1))
	{
		if (state == NULL)
			PG_RETURN_NULL();
		PG_RETURN_POINTER(state);
	}
	GetVocabParams(fcinfo, &params);
	if (state == NULL)
		state = InitVocabState(aggcxt, &params, 0);
	else
		CheckSameParams(&state->params, &params);
	VocabStateAddDocument(state, PG_GETARG_ARRAYTYPE_P(1));
	PG_RETURN_POINTER(state);
}

/* Add one term's counts into dst; a term seen twice from one source is corrupt */
static inline void
VocabStateAdd(VocabState *dst, const VocabKey *key, int64 df, int64 count, int64 stamp)
{
	VocabStateEntry *d = VocabStateEntryFor(dst, key->str, key->len);

	if (d->lastdoc == stamp)
		ereport(ERROR,
				(errcode(ERRCODE_DATA_CORRUPTED),
				 errmsg("invalid serialized vocabulary aggregate state"),
				 errdetail("A term appears twice.")));
	d->lastdoc = stamp;
	d->df += df;
	d->count += count;
}

/* Add the counts of src (hashed or flat) into dst, copying term bytes into dst's arena */
static void
VocabStateMerge(VocabState *dst, VocabState *src)
{
	int64		stamp = -2 - dst->merges++;

	CheckSameParams(&dst->params, &src->params);
	dst->ndocs += src->ndocs;
	if (src->hash == NULL)
	{
		for (int i = 0; i < src->nflat; i++)
			VocabStateAdd(dst, &src->flat[i].key, src->flat[i].df, src->flat[i].count, stamp);
	}
	else
	{
		vstate_iterator it;
		VocabStateEntry *s;

		vstate_start_iterate(src->hash, &it);
		while ((s = vstate_iterate(src->hash, &it)) != NULL)
			VocabStateAdd(dst, &s->key, s->df, s->count, stamp);
	}
}

/* A hashed copy of a flat (deserialized) state, in cxt */
static VocabState *
VocabStateHashed(VocabState *state, MemoryContext cxt)
{
	VocabState *hashed;

	if (state->hash != NULL)
		return state;
	hashed = InitVocabState(cxt, &state->params, state->nflat);
	VocabStateMerge(hashed, state);
	return hashed;
}

/* Aggregate combine: merge two partial states (either may be NULL) */
PG_FUNCTION_INFO_V1(vocabulary_combinefn);
Datum
vocabulary_combinefn(PG_FUNCTION_ARGS)
{
	MemoryContext aggcxt;
	VocabState *s1 = PG_ARGISNULL(0) ? NULL : (VocabState *) PG_GETARG_POINTER(0);
	VocabState *s2 = PG_ARGISNULL(1) ? NULL : (VocabState *) PG_GETARG_POINTER(1);

	aggcxt = AggregateContext(fcinfo, "vocabulary_combinefn");
	if (s2 == NULL)
	{
		if (s1 == NULL)
			PG_RETURN_NULL();
		PG_RETURN_POINTER(s1);
	}
	/*
	 * s2 may live in a short-lived context: always copy it into the aggregate
	 * context; size the table for more partial states to come (fewer regrowths)
	 */
	if (s1 == NULL)
	{
		uint64		n = s2->hash ? s2->hash->members : (uint64) s2->nflat;

		s1 = InitVocabState(aggcxt, &s2->params, (int) Min(2 * n, (uint64) VOCAB_MAX_TERMS));
	}
	VocabStateMerge(s1, s2);
	PG_RETURN_POINTER(s1);
}

/* The bits of a float8, as pq_sendfloat8 sends them */
static inline uint64
Float8Bits(double d)
{
	union
	{
		double		d;
		uint64		i;
	}			u;

	u.d = d;
	return u.i;
}

/* Aggregate serialization (layout in the comment on VocabState), sized in advance */
PG_FUNCTION_INFO_V1(vocabulary_serialfn);
Datum
vocabulary_serialfn(PG_FUNCTION_ARGS)
{
	VocabState *state = VocabStateHashed((VocabState *) PG_GETARG_POINTER(0), CurrentMemoryContext);
	StringInfoData buf;
	vstate_iterator it;
	VocabStateEntry *e;
	Size		size = VARHDRSZ + 36;

	vstate_start_iterate(state->hash, &it);
	while ((e = vstate_iterate(state->hash, &it)) != NULL)
		size += 20 + e->key.len;
	if (size > MaxAllocSize)
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("vocabulary aggregate state is too large to send to a parallel worker"),
				 errhint("Disable parallel aggregation with max_parallel_workers_per_gather = 0.")));
	pq_begintypsend(&buf);
	enlargeStringInfo(&buf, (int) size);
	pq_writeint32(&buf, VOCAB_STATE_VERSION);
	pq_writeint64(&buf, Float8Bits(state->params.min_df));
	pq_writeint64(&buf, Float8Bits(state->params.max_df));
	pq_writeint32(&buf, state->params.max_terms);
	pq_writeint64(&buf, state->ndocs);
	pq_writeint32(&buf, state->hash->members);
	vstate_start_iterate(state->hash, &it);
	while ((e = vstate_iterate(state->hash, &it)) != NULL)
	{
		pq_writeint32(&buf, e->key.len);
		memcpy(buf.data + buf.len, e->key.str, e->key.len);
		buf.len += e->key.len;
		pq_writeint64(&buf, e->df);
		pq_writeint64(&buf, e->count);
	}
	buf.data[buf.len] = '\0';
	PG_RETURN_BYTEA_P(pq_endtypsend(&buf));
}

/* Report a corrupt serialized aggregate state */
static void
VocabStateCorrupt(const char *detail)
{
	ereport(ERROR,
			(errcode(ERRCODE_DATA_CORRUPTED),
			 errmsg("invalid serialized vocabulary aggregate state"),
			 errdetail("%s", detail)));
}

/*
 * Read one serialized entry into e; term bytes stay in the serialized buffer
 * (same lifetime as the state, until combine copies them).
 */
static void
DeserializeEntry(StringInfo buf, int64 ndocs, VocabFlatEntry *e)
{
	int32		len = (int32) pq_getmsgint(buf, 4);

	if (len < 0 || len > buf->len - buf->cursor - 16)
		VocabStateCorrupt("A term length exceeds the data.");
	e->key.str = pq_getmsgbytes(buf, len);
	e->key.len = len;
	pg_verifymbstr(e->key.str, len, false);
	e->df = pq_getmsgint64(buf);
	e->count = pq_getmsgint64(buf);
	if (e->df < 1 || e->df > ndocs || e->count < e->df)
		VocabStateCorrupt("A term count is out of range.");
}

/* Aggregate deserialization: re-check every field and size before allocating */
PG_FUNCTION_INFO_V1(vocabulary_deserialfn);
Datum
vocabulary_deserialfn(PG_FUNCTION_ARGS)
{
	bytea	   *sstate = PG_GETARG_BYTEA_PP(0);
	StringInfoData buf;
	VocabParams params;
	int64		ndocs;
	int32		nentries;
	VocabState *state;

	buf.data = VARDATA_ANY(sstate);
	buf.len = VARSIZE_ANY_EXHDR(sstate);
	buf.maxlen = buf.len;
	buf.cursor = 0;
	if (buf.len < 36 || pq_getmsgint(&buf, 4) != VOCAB_STATE_VERSION)
		VocabStateCorrupt("The header or format version is wrong.");
	params.min_df = pq_getmsgfloat8(&buf);
	params.max_df = pq_getmsgfloat8(&buf);
	params.max_terms = (int32) pq_getmsgint(&buf, 4);
	CheckVocabParams(&params);
	ndocs = pq_getmsgint64(&buf);
	nentries = (int32) pq_getmsgint(&buf, 4);
	if (ndocs < 1 || nentries < 0 || nentries > (buf.len - buf.cursor) / 20)
		VocabStateCorrupt("The document or term count is out of range.");
	state = palloc0(sizeof(VocabState));
	state->cxt = CurrentMemoryContext;
	state->params = params;
	state->ndocs = ndocs;
	state->nflat = nentries;
	state->flat = palloc(sizeof(VocabFlatEntry) * Max(nentries, 1));
	for (int i = 0; i < nentries; i++)
		DeserializeEntry(&buf, ndocs, &state->flat[i]);
	if (buf.cursor != buf.len)
		VocabStateCorrupt("There are bytes after the last term.");
	PG_RETURN_POINTER(state);
}

/* Order terms by total count desc, then document frequency desc, then bytes */
static int
CompareStateEntries(const void *a, const void *b)
{
	const VocabStateEntry *ea = *(VocabStateEntry *const *) a;
	const VocabStateEntry *eb = *(VocabStateEntry *const *) b;
	int			c;

	if (ea->count != eb->count)
		return ea->count > eb->count ? -1 : 1;
	if (ea->df != eb->df)
		return ea->df > eb->df ? -1 : 1;
	c = memcmp(ea->key.str, eb->key.str, Min(ea->key.len, eb->key.len));
	if (c != 0)
		return c;
	return (ea->key.len > eb->key.len) - (ea->key.len < eb->key.len);
}

/* A df bound as a document count: >= 1 is a count, < 1 a fraction of ndocs */
static double
DfBound(double param, int64 ndocs)
{
	return param >= 1.0 ? param : param * (double) ndocs;
}

/* The entries kept by min_df / max_df, ordered, at most max_terms; returns how many */
static int
SelectTerms(VocabState *state, VocabStateEntry ***kept)
{
	double		lo = DfBound(state->params.min_df, state->ndocs);
	double		hi = DfBound(state->params.max_df, state->ndocs);
	vstate_iterator it;
	VocabStateEntry *e;
	int			n = 0;

	if (hi < lo)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("max_df must not be lower than min_df"),
				 errdetail("Over %lld documents, min_df is %g documents and max_df %g documents.",
						   (long long) state->ndocs, lo, hi)));
	*kept = MemoryContextAllocHuge(CurrentMemoryContext,
								   sizeof(VocabStateEntry *) * Max(state->hash->members, 1));
	vstate_start_iterate(state->hash, &it);
	while ((e = vstate_iterate(state->hash, &it)) != NULL)
		if ((double) e->df >= lo && (double) e->df <= hi)
			(*kept)[n++] = e;
	qsort(*kept, n, sizeof(VocabStateEntry *), CompareStateEntries);
	return Min(n, state->params.max_terms);
}

/* Aggregate final function: the vocabulary (NULL when no document came in) */
PG_FUNCTION_INFO_V1(vocabulary_finalfn);
Datum
vocabulary_finalfn(PG_FUNCTION_ARGS)
{
	VocabState *state = PG_ARGISNULL(0) ? NULL : (VocabState *) PG_GETARG_POINTER(0);
	VocabStateEntry **kept;
	int			n;
	int64		textlen = 0;
	Vocab	   *v;
	uint32	   *off;

	if (state == NULL)
		PG_RETURN_NULL();
	state = VocabStateHashed(state, CurrentMemoryContext);
	n = SelectTerms(state, &kept);
	for (int i = 0; i < n; i++)
		textlen += kept[i]->key.len;
	CheckVocabSizes(n, textlen);
	v = InitVocab(n, (int) textlen, state->ndocs);
	off = VOCAB_OFFSETS(v);
	for (int i = 0; i < n; i++)
	{
		v->df[i] = kept[i]->df;
		memcpy(VOCAB_TEXT(v) + off[i], kept[i]->key.str, kept[i]->key.len);
		off[i + 1] = off[i] + kept[i]->key.len;
	}
	pfree(kept);
	VocabFinish(v);
	PG_RETURN_VOCAB_P(v);
}
