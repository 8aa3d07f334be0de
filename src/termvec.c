/*
 * termvec.c
 *		The sparse term vector type tweetlda.termvec: text and binary I/O, the
 *		dimension type modifier, casts to and from arrays, and accessors.
 *
 * Text form {i:v,...}/dim as pgvector's sparsevec: 1-based indices, any order
 * on input (sorted on the way in), duplicates rejected, zero values validated
 * and then dropped, values finite.  See src/termvec.h for the layout.
 */
#include "postgres.h"

#include <limits.h>

#include "catalog/pg_type.h"
#include "common/hashfn.h"
#include "common/shortest_dec.h"
#include "funcapi.h"
#include "libpq/pqformat.h"
#include "mb/pg_wchar.h"
#include "parser/scansup.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/float.h"
#include "utils/lsyscache.h"

#include "termvec.h"

/* One element parsed from text, with its position for error messages */
typedef struct TermVecInputElement
{
	int64		index;			/* 1-based, as written */
	float		value;
	int			pos;			/* byte offset in the literal */
} TermVecInputElement;

/* Ensure a type modifier (expected dimension) matches */
static inline void
CheckExpectedDim(int32 typmod, int dim)
{
	if (typmod != -1 && typmod != dim)
		ereport(ERROR,
				(errcode(ERRCODE_DATA_EXCEPTION),
				 errmsg("expected %d dimensions, not %d", typmod, dim)));
}

/* Allocate a zeroed term vector (dim and nnz must already be checked) */
TermVector *
InitTermVector(int dim, int nnz)
{
	Size		size = TERMVEC_SIZE(nnz);
	TermVector *result = (TermVector *) palloc0(size);

	SET_VARSIZE(result, size);
	result->dim = dim;
	result->nnz = nnz;
	return result;
}

/* Validate a whole term vector of size bytes from an untrusted source */
void
CheckTermVector(const TermVector *v, Size size)
{
	float	   *values;

	if (size < offsetof(TermVector, indices) || VARATT_IS_EXTENDED(v) || VARSIZE(v) != size)
		ereport(ERROR,
				(errcode(ERRCODE_DATA_CORRUPTED),
				 errmsg("invalid termvec: size %zu does not match its header", size)));
	CheckTermVecDim(v->dim);
	CheckTermVecNnz(v->nnz, v->dim);
	if (v->unused != 0)
		ereport(ERROR,
				(errcode(ERRCODE_DATA_CORRUPTED),
				 errmsg("invalid termvec: reserved field is %d, not 0", v->unused)));
	if (TERMVEC_SIZE(v->nnz) != size)
		ereport(ERROR,
				(errcode(ERRCODE_DATA_CORRUPTED),
				 errmsg("invalid termvec: size %zu does not match %d elements", size, v->nnz)));
	values = TERMVEC_VALUES(v);
	for (int i = 0; i < v->nnz; i++)
	{
		CheckTermVecIndex(v->indices, i, v->dim);
		CheckTermVecElement(values[i]);
		if (values[i] == 0)
			ereport(ERROR,
					(errcode(ERRCODE_DATA_CORRUPTED),
					 errmsg("invalid termvec: stored zero value")));
	}
}

/* Report a syntax error in termvec text at byte offset pos */
static void
TermVecSyntaxError(const char *lit, const char *pt, const char *expected)
{
	int			pos = pg_mbstrlen_with_len(lit, (int) (pt - lit)) + 1;

	ereport(ERROR,
			(errcode(ERRCODE_INVALID_TEXT_REPRESENTATION),
			 errmsg("invalid input syntax for type termvec: \"%s\"", lit),
			 *pt == '\0' ?
			 errdetail("Expected %s at position %d (end of input).", expected, pos) :
			 errdetail("Expected %s at position %d.", expected, pos),
			 errhint("The text form is {index:value,...}/dim with 1-based indices, as in \"{1:0.5,3:2}/5\".")));
}

/* Skip whitespace */
static inline char *
SkipSpace(char *pt)
{
	while (scanner_isspace(*pt))
		pt++;
	return pt;
}

/* Parse an integer (index or dimension) at pt; clamps to int64 range like strtol */
static char *
ParseInteger(const char *lit, char *pt, int64 *result, const char *what)
{
	char	   *end;
	long long	val;

	errno = 0;
	val = strtoll(pt, &end, 10);
	if (end == pt)
		TermVecSyntaxError(lit, pt, what);
	*result = (int64) val;
	return end;
}

/* Parse a float4 value at pt, like float4in (strtof avoids double rounding) */
static char *
ParseValue(const char *lit, char *pt, float *result)
{
	char	   *end;

	errno = 0;
	*result = strtof(pt, &end);
	if (end == pt)
		TermVecSyntaxError(lit, pt, "a value");
	if (errno == ERANGE && (*result == 0 || isinf(*result)))
		ereport(ERROR,
				(errcode(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE),
				 errmsg("\"%s\" is out of range for type termvec",
						pnstrdup(pt, (Size) (end - pt)))));
	return end;
}

/* Compare input elements by index */
static int
CompareInputElements(const void *a, const void *b)
{
	int64		ia = ((const TermVecInputElement *) a)->index;
	int64		ib = ((const TermVecInputElement *) b)->index;

	return (ia > ib) - (ia < ib);
}

/* Report a NaN or infinite value in termvec text, with its position */
static void
TermVecValueError(const char *lit, const TermVecInputElement *e)
{
	int			pos = pg_mbstrlen_with_len(lit, e->pos) + 1;

	ereport(ERROR,
			(errcode(ERRCODE_DATA_EXCEPTION),
			 isnan(e->value) ? errmsg("NaN not allowed in termvec") :
			 errmsg("infinite value not allowed in termvec"),
			 errdetail("The element at position %d is not finite.", pos)));
}

/* Parse the elements between the braces; returns the position after '}' */
static char *
ParseElements(const char *lit, char *pt, TermVecInputElement *elements,
			  int maxElements, int *n)
{
	pt = SkipSpace(pt);
	if (*pt == '}')
		return pt + 1;
	for (;;)
	{
		TermVecInputElement *e = &elements[*n];

		if (*n >= maxElements)
			elog(ERROR, "termvec input buffer overrun");
		pt = SkipSpace(pt);
		e->pos = (int) (pt - lit);
		pt = ParseInteger(lit, pt, &e->index, "an index");
		pt = SkipSpace(pt);
		if (*pt != ':')
			TermVecSyntaxError(lit, pt, "\":\"");
		pt = SkipSpace(pt + 1);
		pt = ParseValue(lit, pt, &e->value);
		if (isnan(e->value) || isinf(e->value))
			TermVecValueError(lit, e);
		(*n)++;
		pt = SkipSpace(pt);
		if (*pt == '}')
			return pt + 1;
		if (*pt != ',')
			TermVecSyntaxError(lit, pt, "\",\" or \"}\"");
		pt++;
	}
}

/* Report an index problem (out of bounds or duplicated) of an element of termvec text */
static void
TermVecIndexError(const char *lit, const TermVecInputElement *e, int dim, bool duplicate)
{
	int			pos = pg_mbstrlen_with_len(lit, e->pos) + 1;

	if (duplicate)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_TEXT_REPRESENTATION),
				 errmsg("termvec indices must not contain duplicates"),
				 errdetail("Index %lld at position %d appears more than once.",
						   (long long) e->index, pos)));
	ereport(ERROR,
			(errcode(ERRCODE_INVALID_TEXT_REPRESENTATION),
			 errmsg("termvec index %lld is out of bounds for dimension %d",
					(long long) e->index, dim),
			 errdetail("The index at position %d must be between 1 and %d (indices are 1-based).",
					   pos, dim)));
}

/* Sort parsed elements, check every index (zeros included), build the vector without zeros */
static TermVector *
InputElementsToTermVector(const char *lit, TermVecInputElement *elements, int n, int dim)
{
	int			nnz = 0;
	TermVector *result;
	float	   *values;

	qsort(elements, n, sizeof(TermVecInputElement), CompareInputElements);
	for (int i = 0; i < n; i++)
	{
		if (elements[i].index < 1 || elements[i].index > dim)
			TermVecIndexError(lit, &elements[i], dim, false);
		if (i > 0 && elements[i].index == elements[i - 1].index)
			TermVecIndexError(lit, &elements[i], dim, true);
		if (elements[i].value != 0)
			nnz++;
	}
	CheckTermVecNnz(nnz, dim);
	result = InitTermVector(dim, nnz);
	values = TERMVEC_VALUES(result);
	nnz = 0;
	for (int i = 0; i < n; i++)
	{
		if (elements[i].value == 0)
			continue;
		result->indices[nnz] = (int32) (elements[i].index - 1);
		values[nnz++] = elements[i].value;
	}
	return result;
}

/* Convert textual representation to internal representation */
PG_FUNCTION_INFO_V1(termvec_in);
Datum
termvec_in(PG_FUNCTION_ARGS)
{
	char	   *lit = PG_GETARG_CSTRING(0);
	int32		typmod = PG_GETARG_INT32(2);
	TermVecInputElement *elements;
	int			maxElements = 1;
	int			n = 0;
	int64		dim;
	char	   *pt;

	/* Bound the number of elements before allocating, like sparsevec_in */
	for (pt = lit; *pt != '\0'; pt++)
		if (*pt == ',' && ++maxElements > TERMVEC_MAX_NNZ)
			ereport(ERROR,
					(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
					 errmsg("termvec cannot have more than %d non-zero elements",
							TERMVEC_MAX_NNZ)));
	elements = palloc(sizeof(TermVecInputElement) * maxElements);

	pt = SkipSpace(lit);
	if (*pt != '{')
		TermVecSyntaxError(lit, pt, "\"{\"");
	pt = ParseElements(lit, pt + 1, elements, maxElements, &n);
	pt = SkipSpace(pt);
	if (*pt != '/')
		TermVecSyntaxError(lit, pt, "\"/\" and the dimension");
	pt = SkipSpace(pt + 1);
	pt = ParseInteger(lit, pt, &dim, "the dimension");
	pt = SkipSpace(pt);
	if (*pt != '\0')
		TermVecSyntaxError(lit, pt, "the end of input");
	CheckTermVecDim(dim);
	CheckExpectedDim(typmod, (int) dim);
	PG_RETURN_TERMVEC_P(InputElementsToTermVector(lit, elements, n, (int) dim));
}

/* Convert internal representation to textual representation */
PG_FUNCTION_INFO_V1(termvec_out);
Datum
termvec_out(PG_FUNCTION_ARGS)
{
	TermVector *v = PG_GETARG_TERMVEC_P(0);
	float	   *values = TERMVEC_VALUES(v);
	char	   *buf;
	char	   *ptr;

	/* 11 bytes per index, ":", a float, "," per element; "{}/", dim and NUL */
	buf = palloc((Size) v->nnz * (13 + FLOAT_SHORTEST_DECIMAL_LEN) + 16);
	ptr = buf;
	*ptr++ = '{';
	for (int i = 0; i < v->nnz; i++)
	{
		if (i > 0)
			*ptr++ = ',';
		ptr += pg_ltoa(v->indices[i] + 1, ptr);
		*ptr++ = ':';
		ptr += float_to_shortest_decimal_bufn(values[i], ptr);
	}
	*ptr++ = '}';
	*ptr++ = '/';
	ptr += pg_ltoa(v->dim, ptr);
	*ptr = '\0';
	PG_FREE_IF_COPY(v, 0);
	PG_RETURN_CSTRING(buf);
}

/* Convert the type modifier termvec(dim) */
PG_FUNCTION_INFO_V1(termvec_typmod_in);
Datum
termvec_typmod_in(PG_FUNCTION_ARGS)
{
	ArrayType  *ta = PG_GETARG_ARRAYTYPE_P(0);
	int32	   *tl;
	int			n;

	tl = ArrayGetIntegerTypmods(ta, &n);
	if (n != 1)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("invalid type modifier"),
				 errdetail("termvec takes one type modifier, the dimension.")));
	if (*tl < 1)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("dimensions for type termvec must be at least 1")));
	if (*tl > TERMVEC_MAX_DIM)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("dimensions for type termvec cannot exceed %d", TERMVEC_MAX_DIM)));
	PG_RETURN_INT32(*tl);
}

/* Convert external binary representation to internal representation */
PG_FUNCTION_INFO_V1(termvec_recv);
Datum
termvec_recv(PG_FUNCTION_ARGS)
{
	StringInfo	buf = (StringInfo) PG_GETARG_POINTER(0);
	int32		typmod = PG_GETARG_INT32(2);
	int32		dim = (int32) pq_getmsgint(buf, sizeof(int32));
	int32		nnz = (int32) pq_getmsgint(buf, sizeof(int32));
	int32		unused = (int32) pq_getmsgint(buf, sizeof(int32));
	TermVector *result;
	float	   *values;

	/* Check every header field and the remaining size before allocating */
	CheckTermVecDim(dim);
	CheckTermVecNnz(nnz, dim);
	CheckExpectedDim(typmod, dim);
	if (unused != 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_BINARY_REPRESENTATION),
				 errmsg("invalid binary termvec: reserved field is %d, not 0", unused)));
	if ((Size) (buf->len - buf->cursor) != (Size) nnz * 8)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_BINARY_REPRESENTATION),
				 errmsg("invalid binary termvec: %d bytes of elements, expected %lld",
						buf->len - buf->cursor, (long long) nnz * 8)));

	result = InitTermVector(dim, nnz);
	values = TERMVEC_VALUES(result);
	for (int i = 0; i < nnz; i++)
	{
		result->indices[i] = (int32) pq_getmsgint(buf, sizeof(int32));
		CheckTermVecIndex(result->indices, i, dim);
	}
	for (int i = 0; i < nnz; i++)
	{
		values[i] = pq_getmsgfloat4(buf);
		CheckTermVecElement(values[i]);
		if (values[i] == 0)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_BINARY_REPRESENTATION),
					 errmsg("binary representation of termvec cannot contain zero values")));
	}
	PG_RETURN_TERMVEC_P(result);
}

/* Convert internal representation to the external binary representation */
PG_FUNCTION_INFO_V1(termvec_send);
Datum
termvec_send(PG_FUNCTION_ARGS)
{
	TermVector *v = PG_GETARG_TERMVEC_P(0);
	float	   *values = TERMVEC_VALUES(v);
	StringInfoData buf;

	pq_begintypsend(&buf);
	pq_sendint32(&buf, (uint32) v->dim);
	pq_sendint32(&buf, (uint32) v->nnz);
	pq_sendint32(&buf, (uint32) v->unused);
	for (int i = 0; i < v->nnz; i++)
		pq_sendint32(&buf, (uint32) v->indices[i]);
	for (int i = 0; i < v->nnz; i++)
		pq_sendfloat4(&buf, values[i]);
	PG_RETURN_BYTEA_P(pq_endtypsend(&buf));
}

/* Apply the type modifier (expected dimension) to a term vector */
PG_FUNCTION_INFO_V1(termvec);
Datum
termvec(PG_FUNCTION_ARGS)
{
	TermVector *v = PG_GETARG_TERMVEC_P(0);

	CheckExpectedDim(PG_GETARG_INT32(1), v->dim);
	PG_RETURN_TERMVEC_P(v);
}

/* Read element i of a deconstructed real[], float8[] or int[] as a float4 */
static inline float
ArrayElementFloat(Oid elemtype, Datum d)
{
	if (elemtype == FLOAT4OID)
		return DatumGetFloat4(d);
	if (elemtype == FLOAT8OID)
		return (float) DatumGetFloat8(d);
	return (float) DatumGetInt32(d);
}

/* Convert a dense real[], float8[] or int[] to a term vector (zeros dropped) */
PG_FUNCTION_INFO_V1(array_to_termvec);
Datum
array_to_termvec(PG_FUNCTION_ARGS)
{
	ArrayType  *array = PG_GETARG_ARRAYTYPE_P(0);
	int32		typmod = PG_GETARG_INT32(1);
	Oid			elemtype = ARR_ELEMTYPE(array);
	int16		typlen;
	bool		typbyval;
	char		typalign;
	Datum	   *elems;
	int			n;
	int			nnz = 0;
	TermVector *result;
	float	   *values;

	if (ARR_NDIM(array) > 1)
		ereport(ERROR,
				(errcode(ERRCODE_DATA_EXCEPTION),
				 errmsg("array must be 1-D")));
	if (ARR_HASNULL(array) && array_contains_nulls(array))
		ereport(ERROR,
				(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
				 errmsg("array must not contain nulls")));
	if (elemtype != FLOAT4OID && elemtype != FLOAT8OID && elemtype != INT4OID)
		ereport(ERROR,
				(errcode(ERRCODE_DATA_EXCEPTION),
				 errmsg("unsupported array type %s", format_type_be(elemtype))));
	get_typlenbyvalalign(elemtype, &typlen, &typbyval, &typalign);
	deconstruct_array(array, elemtype, typlen, typbyval, typalign, &elems, NULL, &n);
	CheckTermVecDim(n);
	CheckExpectedDim(typmod, n);
	for (int i = 0; i < n; i++)
	{
		float		f = ArrayElementFloat(elemtype, elems[i]);

		CheckTermVecElement(f);
		nnz += (f != 0);
	}
	CheckTermVecNnz(nnz, n);
	result = InitTermVector(n, nnz);
	values = TERMVEC_VALUES(result);
	nnz = 0;
	for (int i = 0; i < n; i++)
	{
		float		f = ArrayElementFloat(elemtype, elems[i]);

		if (f == 0)
			continue;
		result->indices[nnz] = i;
		values[nnz++] = f;
	}
	PG_RETURN_TERMVEC_P(result);
}

/* Allocate a zeroed 1-D array of dim elements of elemtype (float4 or float8) */
static ArrayType *
InitDenseArray(int dim, Oid elemtype, int elemsize)
{
	Size		nbytes = ARR_OVERHEAD_NONULLS(1) + (Size) dim * elemsize;
	ArrayType  *a;

	if (dim == 0)
		return construct_empty_array(elemtype);
	if (nbytes > MaxAllocSize)
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("termvec of %d dimensions is too large to convert to an array", dim)));
	a = (ArrayType *) palloc0(nbytes);
	SET_VARSIZE(a, nbytes);
	a->ndim = 1;
	a->dataoffset = 0;
	a->elemtype = elemtype;
	ARR_DIMS(a)[0] = dim;
	ARR_LBOUND(a)[0] = 1;
	return a;
}

/* Convert a term vector to a dense real[] */
PG_FUNCTION_INFO_V1(termvec_to_float4);
Datum
termvec_to_float4(PG_FUNCTION_ARGS)
{
	TermVector *v = PG_GETARG_TERMVEC_P(0);
	float	   *values = TERMVEC_VALUES(v);
	ArrayType  *a = InitDenseArray(v->dim, FLOAT4OID, sizeof(float4));

	for (int i = 0; i < v->nnz && v->dim > 0; i++)
		((float4 *) ARR_DATA_PTR(a))[v->indices[i]] = values[i];
	PG_RETURN_ARRAYTYPE_P(a);
}

/* Convert a term vector to a dense float8[] */
PG_FUNCTION_INFO_V1(termvec_to_float8);
Datum
termvec_to_float8(PG_FUNCTION_ARGS)
{
	TermVector *v = PG_GETARG_TERMVEC_P(0);
	float	   *values = TERMVEC_VALUES(v);
	ArrayType  *a = InitDenseArray(v->dim, FLOAT8OID, sizeof(float8));

	for (int i = 0; i < v->nnz && v->dim > 0; i++)
		((float8 *) ARR_DATA_PTR(a))[v->indices[i]] = values[i];
	PG_RETURN_ARRAYTYPE_P(a);
}

/* Number of dimensions */
PG_FUNCTION_INFO_V1(termvec_dims);
Datum
termvec_dims(PG_FUNCTION_ARGS)
{
	TermVector *v = PG_GETARG_TERMVEC_P(0);

	PG_RETURN_INT32(v->dim);
}

/* Number of stored (non-zero) elements */
PG_FUNCTION_INFO_V1(termvec_nnz);
Datum
termvec_nnz(PG_FUNCTION_ARGS)
{
	TermVector *v = PG_GETARG_TERMVEC_P(0);

	PG_RETURN_INT32(v->nnz);
}

/* Euclidean norm, summed in double precision */
PG_FUNCTION_INFO_V1(termvec_l2_norm);
Datum
termvec_l2_norm(PG_FUNCTION_ARGS)
{
	TermVector *v = PG_GETARG_TERMVEC_P(0);
	float	   *values = TERMVEC_VALUES(v);
	double		norm = 0.0;

	for (int i = 0; i < v->nnz; i++)
		norm += (double) values[i] * (double) values[i];
	PG_RETURN_FLOAT8(sqrt(norm));
}

/* The stored elements as (index, value) rows, 1-based indices in ascending order */
PG_FUNCTION_INFO_V1(termvec_elements);
Datum
termvec_elements(PG_FUNCTION_ARGS)
{
	TermVector *v = PG_GETARG_TERMVEC_P(0);
	float	   *values = TERMVEC_VALUES(v);
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;

	InitMaterializedSRF(fcinfo, 0);
	for (int i = 0; i < v->nnz; i++)
	{
		Datum		row[2];
		bool		nulls[2] = {false, false};

		row[0] = Int32GetDatum(v->indices[i] + 1);
		row[1] = Float4GetDatum(values[i]);
		tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, row, nulls);
	}
	return (Datum) 0;
}

/* True when a and b have the same dimension and the same elements */
static bool
TermVectorEqual(const TermVector *a, const TermVector *b)
{
	return a->dim == b->dim && a->nnz == b->nnz &&
		memcmp(a->indices, b->indices, TERMVEC_SIZE(a->nnz) - offsetof(TermVector, indices)) == 0;
}

/* termvec = termvec */
PG_FUNCTION_INFO_V1(termvec_eq);
Datum
termvec_eq(PG_FUNCTION_ARGS)
{
	PG_RETURN_BOOL(TermVectorEqual(PG_GETARG_TERMVEC_P(0), PG_GETARG_TERMVEC_P(1)));
}

/* termvec <> termvec */
PG_FUNCTION_INFO_V1(termvec_ne);
Datum
termvec_ne(PG_FUNCTION_ARGS)
{
	PG_RETURN_BOOL(!TermVectorEqual(PG_GETARG_TERMVEC_P(0), PG_GETARG_TERMVEC_P(1)));
}

/* Ensure two term vectors have the same dimension */
static inline void
CheckSameDims(const TermVector *a, const TermVector *b)
{
	if (a->dim != b->dim)
		ereport(ERROR,
				(errcode(ERRCODE_DATA_EXCEPTION),
				 errmsg("different termvec dimensions %d and %d", a->dim, b->dim),
				 errhint("Vectors built over different vocabularies cannot be compared.")));
}

/* Dot product of two term vectors (merge of the sorted indices), in double precision */
static double
TermVectorDot(const TermVector *a, const TermVector *b)
{
	const float *av = TERMVEC_VALUES(a);
	const float *bv = TERMVEC_VALUES(b);
	double		dot = 0.0;
	int			i = 0;
	int			j = 0;

	while (i < a->nnz && j < b->nnz)
	{
		if (a->indices[i] < b->indices[j])
			i++;
		else if (a->indices[i] > b->indices[j])
			j++;
		else
			dot += (double) av[i++] * (double) bv[j++];
	}
	return dot;
}

/* Sum of squares, in double precision */
static double
TermVectorSquares(const TermVector *v)
{
	const float *values = TERMVEC_VALUES(v);
	double		sum = 0.0;

	for (int i = 0; i < v->nnz; i++)
		sum += (double) values[i] * (double) values[i];
	return sum;
}

/* Inner product of two term vectors of the same dimension */
PG_FUNCTION_INFO_V1(termvec_inner_product);
Datum
termvec_inner_product(PG_FUNCTION_ARGS)
{
	TermVector *a = PG_GETARG_TERMVEC_P(0);
	TermVector *b = PG_GETARG_TERMVEC_P(1);

	CheckSameDims(a, b);
	PG_RETURN_FLOAT8(TermVectorDot(a, b));
}

/* Cosine similarity of two term vectors of the same dimension (NaN if one is empty) */
PG_FUNCTION_INFO_V1(termvec_cosine_similarity);
Datum
termvec_cosine_similarity(PG_FUNCTION_ARGS)
{
	TermVector *a = PG_GETARG_TERMVEC_P(0);
	TermVector *b = PG_GETARG_TERMVEC_P(1);
	double		norms;
	double		sim;

	CheckSameDims(a, b);
	norms = sqrt(TermVectorSquares(a) * TermVectorSquares(b));
	if (norms == 0)
		PG_RETURN_FLOAT8(get_float8_nan());
	sim = TermVectorDot(a, b) / norms;
	/* Keep in range despite rounding, like pgvector's cosine distance */
	PG_RETURN_FLOAT8(Max(-1.0, Min(1.0, sim)));
}

/* Hash of a term vector, consistent with = (which compares dimension and elements bytewise) */
PG_FUNCTION_INFO_V1(termvec_hash);
Datum
termvec_hash(PG_FUNCTION_ARGS)
{
	TermVector *v = PG_GETARG_TERMVEC_P(0);

	/* dim, nnz, unused (always 0), indices and values: everything after the header */
	PG_RETURN_DATUM(hash_any((const unsigned char *) &v->dim,
							 (int) (VARSIZE(v) - offsetof(TermVector, dim))));
}
