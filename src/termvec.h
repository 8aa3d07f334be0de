/*
 * termvec.h
 *		The sparse term vector type tweetlda.termvec, modelled on pgvector's
 *		sparsevec: a dimension, a number of stored elements, ascending unique
 *		0-based indices and finite non-zero float4 values.
 *
 * Text form: {i:v,...}/dim with 1-based indices (pgvector's sparsevec format).
 * Binary form (send/recv): int32 dim, int32 nnz, int32 reserved (0), nnz
 * int32 0-based indices, nnz float4 values.
 */
#ifndef TERMVEC_H
#define TERMVEC_H

#include <math.h>

#include "fmgr.h"
#include "utils/memutils.h"

/* Limits, enforced with PROGRAM_LIMIT_EXCEEDED */
#define TERMVEC_MAX_DIM 1000000000
#define TERMVEC_MAX_NNZ 1000000

#define DatumGetTermVector(x)		((TermVector *) PG_DETOAST_DATUM(x))
#define PG_GETARG_TERMVEC_P(x)		DatumGetTermVector(PG_GETARG_DATUM(x))
#define PG_RETURN_TERMVEC_P(x)		PG_RETURN_POINTER(x)

/*
 * On-disk layout.  Indices are 0-based (as in C), ascending and unique; the
 * nnz float4 values follow the indices.  A dimension of 0 is allowed (the
 * vector of an empty vocabulary).
 */
typedef struct TermVector
{
	int32		vl_len_;		/* varlena header (do not touch directly!) */
	int32		dim;			/* number of dimensions, 0..TERMVEC_MAX_DIM */
	int32		nnz;			/* number of stored (non-zero) elements */
	int32		unused;			/* reserved for a future format, always 0 */
	int32		indices[FLEXIBLE_ARRAY_MEMBER];
} TermVector;

/* Size of a term vector with nnz elements (nnz already checked) */
static inline Size
TERMVEC_SIZE(int nnz)
{
	return offsetof(TermVector, indices) + (Size) nnz * (sizeof(int32) + sizeof(float));
}

/* The values array, right after the indices */
static inline float *
TERMVEC_VALUES(const TermVector *v)
{
	return (float *) (((char *) v) + offsetof(TermVector, indices) + (Size) v->nnz * sizeof(int32));
}

/* Ensure the dimension is within 0..TERMVEC_MAX_DIM */
static inline void
CheckTermVecDim(int64 dim)
{
	if (dim < 0)
		ereport(ERROR,
				(errcode(ERRCODE_DATA_EXCEPTION),
				 errmsg("termvec cannot have a negative dimension")));
	if (dim > TERMVEC_MAX_DIM)
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("termvec cannot have more than %d dimensions", TERMVEC_MAX_DIM)));
}

/* Ensure the number of elements is within limits and at most dim */
static inline void
CheckTermVecNnz(int64 nnz, int64 dim)
{
	if (nnz < 0)
		ereport(ERROR,
				(errcode(ERRCODE_DATA_EXCEPTION),
				 errmsg("termvec cannot have a negative number of elements")));
	if (nnz > TERMVEC_MAX_NNZ)
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("termvec cannot have more than %d non-zero elements", TERMVEC_MAX_NNZ)));
	if (nnz > dim)
		ereport(ERROR,
				(errcode(ERRCODE_DATA_EXCEPTION),
				 errmsg("termvec cannot have more elements than dimensions")));
}

/* Ensure indices[i] (0-based) is in bounds and greater than indices[i - 1] */
static inline void
CheckTermVecIndex(const int32 *indices, int i, int dim)
{
	int32		index = indices[i];

	if (index < 0 || index >= dim)
		ereport(ERROR,
				(errcode(ERRCODE_DATA_EXCEPTION),
				 errmsg("termvec index %lld is out of bounds for dimension %d",
						(long long) index + 1, dim),
				 errdetail("Indices are 1-based and must be between 1 and the dimension.")));
	if (i > 0 && index < indices[i - 1])
		ereport(ERROR,
				(errcode(ERRCODE_DATA_EXCEPTION),
				 errmsg("termvec indices must be in ascending order")));
	if (i > 0 && index == indices[i - 1])
		ereport(ERROR,
				(errcode(ERRCODE_DATA_EXCEPTION),
				 errmsg("termvec indices must not contain duplicates"),
				 errdetail("Index %d appears more than once.", index + 1)));
}

/* Ensure a value is finite */
static inline void
CheckTermVecElement(float value)
{
	if (isnan(value))
		ereport(ERROR,
				(errcode(ERRCODE_DATA_EXCEPTION),
				 errmsg("NaN not allowed in termvec")));
	if (isinf(value))
		ereport(ERROR,
				(errcode(ERRCODE_DATA_EXCEPTION),
				 errmsg("infinite value not allowed in termvec")));
}

/* Allocate a zeroed term vector (dim and nnz must already be checked) */
extern TermVector *InitTermVector(int dim, int nnz);

/*
 * Validate a whole term vector of size bytes from an untrusted source (a model
 * read back from bytes): header, size, reserved field, indices and values.
 */
extern void CheckTermVector(const TermVector *v, Size size);

#endif							/* TERMVEC_H */
