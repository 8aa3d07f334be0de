/*
 * lda_lineage.c
 *		Topic identity across models: matching the topics of a model to those
 *		of its parent (match_topics), and renumbering a model's topics
 *		(permute_topics), so that a retrained or updated model keeps the topic
 *		numbers of the model it replaces (doc/lifecycle.md, "Topic identity").
 *
 * Similarity of topic i of the model and topic j of the parent: the cosine of
 * their topic-word distributions p(w|t), each taken as its deviation from its
 * model's mean topic (p(w|t) - mean over t' of p(w|t')), in the union of the
 * two vocabularies, where a term missing from one vocabulary has probability 0
 * there.  Only the terms both vocabularies hold (compared by their string) add
 * to the dot product; the norms are over each model's whole vocabulary, so that
 * a topic whose mass sits on words the other model does not know is not
 * similar.  Negative values (topics that avoid each other's words) count as 0,
 * so a similarity lies in [0, 1], 1 for the same topic of the same model.
 * Why deviations: tweets' topics share their most frequent words, and the
 * plain cosine of two unrelated topics of the bundled sample is 0.3 to 0.6,
 * as high as that of matching topics (doc/lifecycle.md has the figures);
 * without the common part, unrelated topics score near 0.
 *
 * Matching: the assignment of the model's topics to the parent's topics that
 * maximizes the total similarity (a one-to-one assignment; with different k,
 * the larger side keeps some topics unassigned), found with the Hungarian
 * method in O(n^3), n = max(k, k_parent): Kuhn (1955) and Munkres (1957), in
 * the shortest-augmenting-path form with row and column potentials (Jonker and
 * Volgenant 1987; Burkard, Dell'Amico and Martello, "Assignment Problems",
 * 2009, section 4.4).  A topic assigned to a parent topic with similarity at
 * least min_similarity is matched.
 *
 * Numbering (1-based in SQL, 0-based here): a matched topic takes its parent
 * topic's number; the unmatched topics take the numbers left free, in their own
 * order, lowest first: first the parent's numbers nobody matched, then, if k
 * grew, k_parent + 1, ...  When k shrank, a topic matched to a parent topic
 * numbered above the new k cannot keep that number: it takes a free number too
 * (its match is still reported).
 *
 * Permutation keeps everything per term (vocabulary, words, corpus
 * frequencies) and per model (training metadata, quality: every figure is
 * invariant under renumbering) and moves alpha[t] and the lambda column of t;
 * the result gets its own fingerprint, as any new model (LdaModelSetFingerprint).
 */
#include "postgres.h"

#include <math.h>

#include "catalog/pg_type.h"
#include "fmgr.h"
#include "funcapi.h"
#include "miscadmin.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/float.h"

#include "lda_model.h"
#include "vocab.h"

/* A matching of the topics of a model to those of its parent */
typedef struct TopicMatch
{
	int			k;				/* topics of the model */
	int			kparent;		/* topics of the parent */
	int		   *assigned;		/* k: parent topic assigned to topic i, or -1 */
	double	   *similarity;		/* k: similarity with the assigned parent topic (NaN if none) */
	bool	   *matched;		/* k: assigned with similarity >= the threshold */
	int		   *number;			/* k: the new number of topic i (0-based) */
} TopicMatch;

/* Ensure the similarity threshold is a number in [0, 1] */
static inline void
CheckMinSimilarity(double x)
{
	if (!(x >= 0.0 && x <= 1.0))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("min_similarity must be between 0 and 1, not %g", x),
				 errdetail("The similarity of two topics is the cosine of their topic-word distributions less their model's mean topic."),
				 errhint("0.3 is the default (doc/lifecycle.md).")));
}

/* The model of argument n, checked */
static LdaModel *
ModelArgN(FunctionCallInfo fcinfo, int n)
{
	LdaModel   *m = PG_GETARG_LDA_MODEL_P(n);

	LdaModelCheck(m, VARSIZE(m));
	return m;
}

/*
 * The topics of m as deviations from the model's mean topic: c[w * k + t] =
 * p(w|t) - mean_t' p(w|t'), term-major, with the Euclidean norm of every
 * topic's deviation in norm[t].
 */
static double *
CenteredTopics(const LdaModel *m, double *norm)
{
	const float *lambda = LDA_LAMBDA(m);
	double	   *sum = LdaTopicSums(m);
	double	   *c = palloc(sizeof(double) * m->nterms * m->k);
	int			k = m->k;

	memset(norm, 0, sizeof(double) * k);
	for (int w = 0; w < m->nterms; w++)
	{
		double	   *cw = c + (Size) w * k;
		double		mean = 0.0;

		if ((w & 1023) == 0)
			CHECK_FOR_INTERRUPTS();
		for (int t = 0; t < k; t++)
		{
			cw[t] = lambda[(Size) w * k + t] / sum[t];
			mean += cw[t];
		}
		mean /= k;
		for (int t = 0; t < k; t++)
		{
			cw[t] -= mean;
			norm[t] += cw[t] * cw[t];
		}
	}
	for (int t = 0; t < k; t++)
		norm[t] = sqrt(norm[t]);
	pfree(sum);
	return c;
}

/*
 * The k x k_parent similarity matrix (row-major): the cosine of the topics'
 * deviations from their model's mean topic over the union vocabulary (the dot
 * product over the terms both models hold), negative values as 0.
 */
static double *
TopicSimilarity(const LdaModel *m, const LdaModel *parent)
{
	int			k = m->k,
				kp = parent->k;
	double	   *norm = palloc(sizeof(double) * k);
	double	   *pnorm = palloc(sizeof(double) * kp);
	double	   *c = CenteredTopics(m, norm);
	double	   *pc = CenteredTopics(parent, pnorm);
	double	   *sim = palloc0(sizeof(double) * k * kp);
	VocabIndex *pix = VocabIndexCreate(LDA_VOCAB(parent));

	for (int w = 0; w < m->nterms; w++)
	{
		int			len;
		const char *term = VocabTerm(LDA_VOCAB(m), w, &len);
		int			pw = VocabIndexLookup(pix, term, len);
		const double *cw = c + (Size) w * k;

		if ((w & 255) == 0)
			CHECK_FOR_INTERRUPTS();
		if (pw < 0)
			continue;
		for (int j = 0; j < kp; j++)
		{
			double		q = pc[(Size) pw * kp + j];

			for (int i = 0; i < k; i++)
				sim[i * kp + j] += cw[i] * q;
		}
	}
	for (int i = 0; i < k; i++)
		for (int j = 0; j < kp; j++)
		{
			double		d = norm[i] * pnorm[j];
			double		x = d > 0.0 ? sim[i * kp + j] / d : 0.0;

			sim[i * kp + j] = Min(Max(x, 0.0), 1.0);	/* unrelated (or rounding) */
		}
	return sim;
}

/*
 * Hungarian method: the assignment of rows to columns of the n x n cost matrix
 * (row-major) with the least total cost; returns col_of_row[n].  One row is
 * added at a time and an augmenting path of least reduced cost found with
 * Dijkstra's rule over the columns (potentials u, v keep reduced costs >= 0):
 * n rows x O(n^2) per row.
 */
static int *
HungarianAssign(const double *cost, int n)
{
	/* 1-based arrays; column 0 is the virtual start of every augmenting path */
	double	   *u = palloc0(sizeof(double) * (n + 1));
	double	   *v = palloc0(sizeof(double) * (n + 1));
	double	   *minv = palloc(sizeof(double) * (n + 1));
	int		   *row_of_col = palloc0(sizeof(int) * (n + 1));
	int		   *way = palloc0(sizeof(int) * (n + 1));
	bool	   *used = palloc(sizeof(bool) * (n + 1));
	int		   *col_of_row = palloc(sizeof(int) * n);

	for (int i = 1; i <= n; i++)
	{
		int			j0 = 0;

		CHECK_FOR_INTERRUPTS();
		row_of_col[0] = i;
		for (int j = 0; j <= n; j++)
		{
			minv[j] = get_float8_infinity();
			used[j] = false;
		}
		do
		{
			int			i0 = row_of_col[j0],
						j1 = 0;
			double		delta = get_float8_infinity();

			used[j0] = true;
			for (int j = 1; j <= n; j++)
			{
				double		cur;

				if (used[j])
					continue;
				cur = cost[(i0 - 1) * n + (j - 1)] - u[i0] - v[j];
				if (cur < minv[j])
				{
					minv[j] = cur;
					way[j] = j0;
				}
				if (minv[j] < delta)
				{
					delta = minv[j];
					j1 = j;
				}
			}
			for (int j = 0; j <= n; j++)
			{
				if (used[j])
				{
					u[row_of_col[j]] += delta;
					v[j] -= delta;
				}
				else
					minv[j] -= delta;
			}
			j0 = j1;
		} while (row_of_col[j0] != 0);
		/* augment along the path back to the virtual column */
		do
		{
			int			j1 = way[j0];

			row_of_col[j0] = row_of_col[j1];
			j0 = j1;
		} while (j0 != 0);
	}
	for (int j = 1; j <= n; j++)
		col_of_row[row_of_col[j] - 1] = j - 1;
	return col_of_row;
}

/* Number the topics: matched ones keep their parent's number where it exists, others take free ones */
static void
NumberTopics(TopicMatch *tm)
{
	bool	   *taken = palloc0(sizeof(bool) * tm->k);
	int			next = 0;

	for (int i = 0; i < tm->k; i++)
	{
		tm->number[i] = -1;
		if (tm->matched[i] && tm->assigned[i] < tm->k)
		{
			tm->number[i] = tm->assigned[i];
			taken[tm->assigned[i]] = true;
		}
	}
	for (int i = 0; i < tm->k; i++)
	{
		if (tm->number[i] >= 0)
			continue;
		while (taken[next])
			next++;
		tm->number[i] = next;
		taken[next] = true;
	}
}

/* Match the topics of m to those of parent (see the file header) */
static TopicMatch *
MatchTopics(const LdaModel *m, const LdaModel *parent, double min_similarity)
{
	TopicMatch *tm = palloc(sizeof(TopicMatch));
	int			k = m->k,
				kp = parent->k,
				n = Max(k, kp);
	double	   *sim = TopicSimilarity(m, parent);
	double	   *cost = palloc0(sizeof(double) * n * n);
	int		   *col;

	/* maximize the total similarity; padding rows and columns cost 0 */
	for (int i = 0; i < k; i++)
		for (int j = 0; j < kp; j++)
			cost[i * n + j] = -sim[i * kp + j];
	col = HungarianAssign(cost, n);
	tm->k = k;
	tm->kparent = kp;
	tm->assigned = palloc(sizeof(int) * k);
	tm->similarity = palloc(sizeof(double) * k);
	tm->matched = palloc(sizeof(bool) * k);
	tm->number = palloc(sizeof(int) * k);
	for (int i = 0; i < k; i++)
	{
		bool		real = col[i] < kp;

		tm->assigned[i] = real ? col[i] : -1;
		tm->similarity[i] = real ? sim[i * kp + col[i]] : get_float8_nan();
		tm->matched[i] = real && sim[i * kp + col[i]] >= min_similarity;
	}
	NumberTopics(tm);
	return tm;
}

PG_FUNCTION_INFO_V1(lda_match_topics);
/*
 * match_topics(model, parent, min_similarity): one row per topic of model:
 * its number, the number it gets, the parent topic assigned to it, their
 * similarity and whether that is a match.
 */
Datum
lda_match_topics(PG_FUNCTION_ARGS)
{
	LdaModel   *m = ModelArgN(fcinfo, 0);
	LdaModel   *parent = ModelArgN(fcinfo, 1);
	double		min_similarity = PG_GETARG_FLOAT8(2);
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	TopicMatch *tm;

	CheckMinSimilarity(min_similarity);
	tm = MatchTopics(m, parent, min_similarity);
	InitMaterializedSRF(fcinfo, 0);
	for (int i = 0; i < tm->k; i++)
	{
		Datum		values[5];
		bool		nulls[5] = {false, false, false, false, false};

		values[0] = Int32GetDatum(i + 1);
		values[1] = Int32GetDatum(tm->number[i] + 1);
		values[2] = Int32GetDatum(tm->assigned[i] + 1);
		nulls[2] = tm->assigned[i] < 0;
		values[3] = Float8GetDatum(tm->similarity[i]);
		nulls[3] = tm->assigned[i] < 0;
		values[4] = BoolGetDatum(tm->matched[i]);
		tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
	}
	return (Datum) 0;
}

/* The permutation in arr (new number of every topic, 1-based), checked against k */
static int *
PermutationArg(ArrayType *arr, int k)
{
	Datum	   *elems;
	bool	   *nulls;
	int			n;
	int		   *perm;
	bool	   *seen;

	if (ARR_NDIM(arr) > 1)
		ereport(ERROR,
				(errcode(ERRCODE_ARRAY_SUBSCRIPT_ERROR),
				 errmsg("topic permutation must be a one-dimensional array")));
	deconstruct_array(arr, INT4OID, sizeof(int32), true, TYPALIGN_INT, &elems, &nulls, &n);
	if (n != k)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("topic permutation has %d elements, the model has %d topics", n, k),
				 errhint("Element i is the new number of topic i.")));
	perm = palloc(sizeof(int) * k);
	seen = palloc0(sizeof(bool) * k);
	for (int i = 0; i < k; i++)
	{
		int32		t = nulls[i] ? 0 : DatumGetInt32(elems[i]);

		if (t < 1 || t > k || seen[t - 1])
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("topic permutation is not a permutation of 1 to %d", k),
					 errdetail("Element %d is %s.", i + 1,
							   nulls[i] ? "NULL" : t < 1 || t > k ? "out of range" : "repeated")));
		seen[t - 1] = true;
		perm[i] = t - 1;
	}
	return perm;
}

/* A copy of m whose topic i is topic perm[i] (0-based), with its own fingerprint */
static LdaModel *
LdaModelPermute(const LdaModel *m, const int *perm)
{
	LdaModel   *copy = palloc(VARSIZE(m));
	const float *lambda = LDA_LAMBDA(m);
	float	   *clambda;
	int			k = m->k;

	memcpy(copy, m, VARSIZE(m));
	clambda = LDA_LAMBDA(copy);
	for (int t = 0; t < k; t++)
		copy->alpha[perm[t]] = m->alpha[t];
	for (int w = 0; w < m->nterms; w++)
		for (int t = 0; t < k; t++)
			clambda[(Size) w * k + perm[t]] = lambda[(Size) w * k + t];
	LdaModelSetFingerprint(copy);
	return copy;
}

PG_FUNCTION_INFO_V1(lda_permute_topics);
/* permute_topics(model, numbers): the model with topic i renumbered numbers[i] */
Datum
lda_permute_topics(PG_FUNCTION_ARGS)
{
	LdaModel   *m = ModelArgN(fcinfo, 0);
	int		   *perm = PermutationArg(PG_GETARG_ARRAYTYPE_P(1), m->k);

	PG_RETURN_LDA_MODEL_P(LdaModelPermute(m, perm));
}
