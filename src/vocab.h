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

#endif							/* VOCAB_H */
