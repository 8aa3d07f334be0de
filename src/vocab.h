/*
 * vocab.h
 *		The vocabulary type tweetlda.vocab (terms, document frequencies, number
 *		of documents) and the C API that maps tokens to term ids.
 *
 * Term ids are 0-based in C (the position of the term in the vocabulary) and
 * 1-based in SQL and in termvec text (term id i is termvec index i + 1).
 *
 * In-memory / on-disk layout (typalign double, 8-byte aligned fields):
 *
 *	Vocab header (32 bytes)
 *	int64	df[nterms]			document frequency of each term, 0..ndocs
 *	uint32	offsets[nterms + 1]	term i is text[offsets[i] .. offsets[i + 1])
 *	char	text[textlen]		term bytes (UTF-8, no NUL, no terminators)
 *
 * Terms are unique.  fingerprint is a 64-bit hash of everything after the
 * header fields (df, offsets, text) and of nterms/ndocs: every constructor sets
 * it (VocabFinish) and CheckVocab verifies it; caches use it to recognize a
 * vocabulary they have already indexed without comparing all its bytes.  It
 * hashes native-endian bytes, so it is not portable: a portable (binary)
 * encoding should not carry it; after reading the other fields, call
 * VocabFinish() and then CheckVocab().
 */
#ifndef VOCAB_H
#define VOCAB_H

#include "fmgr.h"
#include "lib/stringinfo.h"
#include "termvec.h"
#include "utils/array.h"

/* Limits, enforced with PROGRAM_LIMIT_EXCEEDED */
#define VOCAB_MAX_TERMS 10000000
#define VOCAB_MAX_TEXT	(256 * 1024 * 1024)	/* total bytes of term text */

#define DatumGetVocab(x)		((Vocab *) PG_DETOAST_DATUM(x))
#define PG_GETARG_VOCAB_P(x)	DatumGetVocab(PG_GETARG_DATUM(x))
#define PG_RETURN_VOCAB_P(x)	PG_RETURN_POINTER(x)

typedef struct Vocab
{
	int32		vl_len_;		/* varlena header (do not touch directly!) */
	int32		nterms;			/* number of terms, 0..VOCAB_MAX_TERMS */
	int32		textlen;		/* bytes of term text */
	int32		unused;			/* reserved for a future format, always 0 */
	int64		ndocs;			/* number of documents the vocabulary saw */
	uint64		fingerprint;	/* hash of the content, see above */
	int64		df[FLEXIBLE_ARRAY_MEMBER];
} Vocab;

/* Size of a vocabulary (arguments already checked against the limits) */
static inline Size
VOCAB_SIZE(int nterms, int textlen)
{
	return offsetof(Vocab, df) + (Size) nterms * sizeof(int64) +
		(Size) (nterms + 1) * sizeof(uint32) + (Size) textlen;
}

/* The offsets array */
static inline uint32 *
VOCAB_OFFSETS(const Vocab *v)
{
	return (uint32 *) ((char *) v->df + (Size) v->nterms * sizeof(int64));
}

/* The term text */
static inline char *
VOCAB_TEXT(const Vocab *v)
{
	return (char *) (VOCAB_OFFSETS(v) + v->nterms + 1);
}

/* Term id (0-based) as bytes (not NUL-terminated) and length */
static inline const char *
VocabTerm(const Vocab *v, int id, int *len)
{
	uint32	   *off = VOCAB_OFFSETS(v);

	*len = (int) (off[id + 1] - off[id]);
	return VOCAB_TEXT(v) + off[id];
}

/* Spark's inverse document frequency of term id: ln((N + 1) / (df + 1)) */
static inline double
VocabIdf(const Vocab *v, int id)
{
	return log(((double) v->ndocs + 1.0) / ((double) v->df[id] + 1.0));
}

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

/* Allocate a zeroed vocabulary (sizes already checked); the caller fills it and calls VocabFinish */
extern Vocab *VocabAllocate(int nterms, int textlen, int64 ndocs);

/* A hash index term -> id over one vocabulary (opaque) */
typedef struct VocabIndex VocabIndex;

/*
 * Build the hash index of v in CurrentMemoryContext.  The index points into v:
 * v must stay valid (and unchanged) as long as the index is used.
 */
extern VocabIndex *VocabIndexCreate(const Vocab *v);

/* The 0-based id of term (len bytes), or -1 when it is not in the vocabulary */
extern int	VocabIndexLookup(const VocabIndex *ix, const char *term, int len);

/* The vocabulary an index was built from */
extern const Vocab *VocabIndexVocab(const VocabIndex *ix);

/*
 * The index of v cached at a call site (flinfo->fn_extra): v is copied into
 * flinfo->fn_mcxt and indexed on the first call and again only when a
 * different vocabulary (size or fingerprint) comes in.  Use the returned
 * index's vocabulary (VocabIndexVocab), not v, afterwards.
 */
extern const VocabIndex *VocabIndexCached(FmgrInfo *flinfo, const Vocab *v);

/*
 * Term counts of a token array (any dimensions; NULL elements and tokens not
 * in the vocabulary are skipped) as a term vector of dimension nterms; when
 * idf is true each count is multiplied by VocabIdf (zero weights are dropped).
 */
extern TermVector *VocabTokensToTermVector(const VocabIndex *ix, ArrayType *tokens, bool idf);

/* Compute and store v->fingerprint (after filling every other field) */
extern void VocabFinish(Vocab *v);

/*
 * Validate a whole vocabulary of size bytes from an untrusted source (a model
 * read back from bytes): header, size, reserved field, document frequencies,
 * offsets, UTF-8 text, unique terms and fingerprint.  Errors on any problem.
 */
extern void CheckVocab(const Vocab *v, Size size);

/*
 * Building vocabularies (vocab_build.c): the one builder behind
 * tweetlda.vocabulary and tweetlda.lda_from_text.  min_df / max_df >= 1 are
 * document counts, < 1 fractions of the documents; max_terms INT_MAX when
 * not limited.
 */
typedef struct VocabBuildParams
{
	double		min_df;
	double		max_df;
	int32		max_terms;
} VocabBuildParams;

typedef struct VocabBuilder VocabBuilder;

/* Surface forms of terms: (term number, form) -> occurrences */
typedef struct VocabForms VocabForms;

/*
 * What a model keeps beside its vocabulary: cf[id] the occurrences of term id
 * in the training documents, and its word (most frequent surface form):
 * text[offsets[id] .. offsets[id + 1]).
 */
typedef struct VocabWords
{
	int32		nterms;
	int32		textlen;
	int64	   *cf;
	uint32	   *offsets;
	char	   *text;
} VocabWords;

extern void CheckVocabBuildParams(const VocabBuildParams *p);
extern VocabBuilder *VocabBuilderCreate(MemoryContext cxt, const VocabBuildParams *params,
										int nterms_hint);
extern void VocabBuilderStartDocument(VocabBuilder *b);
extern void VocabBuilderCancelDocument(VocabBuilder *b);
/* Count an occurrence in the current document; returns the term's local number */
extern int32 VocabBuilderAdd(VocabBuilder *b, const char *term, int len);
/* Count a surface form of a term just added (hashtag: shown as "#form") */
extern void VocabBuilderAddForm(VocabBuilder *b, int32 local, const char *form, int len,
								bool hashtag);
extern int64 VocabBuilderDocuments(const VocabBuilder *b);
extern int32 VocabBuilderTerms(const VocabBuilder *b);
/* Add src to dst; returns src's local numbers in dst */
extern int32 *VocabBuilderMerge(VocabBuilder *dst, const VocabBuilder *src);
extern void VocabBuilderSerialize(StringInfo buf, const VocabBuilder *b);
extern Size VocabBuilderSerializedSize(const VocabBuilder *b);
extern VocabBuilder *VocabBuilderDeserialize(StringInfo buf, MemoryContext cxt);
/* The vocabulary; map (optional): local number -> id or -1; words (optional) */
extern Vocab *VocabBuilderFinish(const VocabBuilder *b, int32 **map, VocabWords **words);

/* A base vocabulary extended by the documents of b (an update; map and words required) */
extern Vocab *VocabBuilderExtend(const VocabBuilder *b, const Vocab *base,
								 const VocabWords *basewords, int32 max_terms,
								 int32 **map, VocabWords **words);

extern VocabForms *VocabFormsCreate(MemoryContext cxt);
extern void VocabFormsAdd(VocabForms *f, int32 term, const char *form, int len, bool hashtag,
						  int64 n);
extern void VocabFormsMerge(VocabForms *dst, const VocabForms *src, const int32 *map);
extern void VocabFormsSerialize(StringInfo buf, const VocabForms *f);
extern VocabForms *VocabFormsDeserialize(StringInfo buf, MemoryContext cxt, int32 nterms);
/* Words of v's terms from the forms (map: form term number -> id, NULL: ids) and cf */
extern VocabWords *VocabWordsBuild(const Vocab *v, const VocabForms *f, const int64 *cf,
								   const int32 *map);

#endif							/* VOCAB_H */
