/*
 * lda_infer.c
 *		The per-document variational E-step of LDA (Hoffman, Blei & Bach 2010),
 *		used by training (lda_train.c) and by scoring and evaluation (lda_score.c).
 *
 * Everything here is plain C over caller-provided buffers: no palloc, no ereport,
 * no PostgreSQL state (except CHECK_FOR_INTERRUPTS when the caller, running in
 * the backend itself, asks for it), so the training driver may run it in a
 * helper thread.  The
 * iteration is deterministic: gamma starts from alpha plus an even share of the
 * document's weight, not from random numbers.
 */
#include "postgres.h"

#include <math.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif
#if defined(__x86_64__) && defined(__SSE2__) && defined(__GNUC__) && !defined(__clang__)
#include <immintrin.h>
#define LDA_HAVE_AVX2_PATH 1
#endif

#include "miscadmin.h"

#include "lda_infer.h"

/* Digamma function: recurrence up to x >= 6, then the asymptotic series */
double
LdaDigamma(double x)
{
	double		r = 0.0;
	double		f;

	while (x < 6.0)
	{
		r -= 1.0 / x;
		x += 1.0;
	}
	f = 1.0 / (x * x);
	return r + log(x) - 0.5 / x
		- f * (1.0 / 12 - f * (1.0 / 120 - f * (1.0 / 252 - f * (1.0 / 240 - f / 132))));
}

/* Trigamma function: recurrence up to x >= 6, then the asymptotic series */
double
LdaTrigamma(double x)
{
	double		r = 0.0;
	double		f;

	while (x < 6.0)
	{
		r += 1.0 / (x * x);
		x += 1.0;
	}
	f = 1.0 / (x * x);
	return r + 1.0 / x + f / 2
		+ f / x * (1.0 / 6 - f * (1.0 / 30 - f * (1.0 / 42 - f / 30)));
}

/*
 * exp(y) for the E-step, in plain arithmetic (no libm call): y = n ln 2 + r
 * with |r| <= ln 2 / 2 (ln 2 split in two parts so that n * ln2hi is exact),
 * exp(r) by its Taylor series to degree 13 (truncation below 1e-17 relative),
 * 2^n built in the exponent bits.  Within about 2 ulp of the exact value;
 * below -708 the result is 0 (the true value is under 3.3e-308); arguments
 * above 709 are taken as 709 (the E-step's are below 1).  The scalar
 * and SSE2 versions perform the same operations, so they give the same bits.
 */
#define EXP_MAGIC		6755399441055744.0	/* 1.5 * 2^52: adding it rounds to an integer */
#define EXP_LOG2E		1.4426950408889634074
#define EXP_LN2HI		0.693145751953125
#define EXP_LN2LO		1.42860682030941723212e-6
#define EXP_LO			(-708.0)
#define EXP_HI			709.0

static const double exp_taylor[14] = {
	1.0 / 6227020800.0, 1.0 / 479001600.0, 1.0 / 39916800.0, 1.0 / 3628800.0,
	1.0 / 362880.0, 1.0 / 40320.0, 1.0 / 5040.0, 1.0 / 720.0, 1.0 / 120.0,
	1.0 / 24.0, 1.0 / 6.0, 1.0 / 2.0, 1.0, 1.0
};

/* Scalar version */
static inline double
FastExp(double y)
{
	double		x = Min(Max(y, EXP_LO), EXP_HI);
	double		n = (x * EXP_LOG2E + EXP_MAGIC) - EXP_MAGIC;
	double		r = (x - n * EXP_LN2HI) - n * EXP_LN2LO;
	double		p = exp_taylor[0];
	union
	{
		double		d;
		uint64		u;
	}			scale;

#pragma GCC unroll 13
	for (int i = 1; i < 14; i++)
		p = p * r + exp_taylor[i];
	scale.d = n + (EXP_MAGIC + 1023.0);
	scale.u <<= 52;
	return y < EXP_LO ? 0.0 : p * scale.d;
}

#ifdef __SSE2__
/* Two at a time (SSE2) */
static inline __m128d
FastExp2(__m128d y)
{
	__m128d		x = _mm_min_pd(_mm_max_pd(y, _mm_set1_pd(EXP_LO)), _mm_set1_pd(EXP_HI));
	__m128d		magic = _mm_set1_pd(EXP_MAGIC);
	__m128d		n = _mm_sub_pd(_mm_add_pd(_mm_mul_pd(x, _mm_set1_pd(EXP_LOG2E)), magic), magic);
	__m128d		r = _mm_sub_pd(_mm_sub_pd(x, _mm_mul_pd(n, _mm_set1_pd(EXP_LN2HI))),
							   _mm_mul_pd(n, _mm_set1_pd(EXP_LN2LO)));
	__m128d		p = _mm_set1_pd(exp_taylor[0]);
	__m128i		bits;

#pragma GCC unroll 13
	for (int i = 1; i < 14; i++)
		p = _mm_add_pd(_mm_mul_pd(p, r), _mm_set1_pd(exp_taylor[i]));
	bits = _mm_slli_epi64(_mm_castpd_si128(_mm_add_pd(n, _mm_set1_pd(EXP_MAGIC + 1023.0))), 52);
	return _mm_andnot_pd(_mm_cmplt_pd(y, _mm_set1_pd(EXP_LO)),
						 _mm_mul_pd(p, _mm_castsi128_pd(bits)));
}
#endif

/*
 * exp(digamma(x)) for x > 0 with one exponential and two divisions, no branch:
 * digamma(x) = digamma(x + 6) - sum_{i<6} 1/(x + i) (the six fractions summed
 * as one), and digamma(y) = log(y) + series(1/y) for y = x + 6 >= 6, so
 * exp(digamma(x)) = y * exp(series - shift).
 */
static inline double
ExpDigamma(double x)
{
	double		d1 = x * (x + 1.0),
				d2 = (x + 2.0) * (x + 3.0),
				d3 = (x + 4.0) * (x + 5.0);
	double		n1 = 2.0 * x + 1.0,
				n2 = 2.0 * x + 5.0,
				n3 = 2.0 * x + 9.0;
	double		shift = (n1 * d2 * d3 + n2 * d1 * d3 + n3 * d1 * d2) / (d1 * d2 * d3);
	double		y = x + 6.0;
	double		r = 1.0 / y;
	double		f = r * r;

	return y * FastExp(-0.5 * r
					   - f * (1.0 / 12 - f * (1.0 / 120 - f * (1.0 / 252 - f * (1.0 / 240 - f / 132))))
					   - shift);
}

#ifdef __SSE2__
/* ExpDigamma of two values (SSE2: the same operations as the scalar version) */
static inline __m128d
ExpDigamma2(__m128d x)
{
#define C(v) _mm_set1_pd(v)
	__m128d		d1 = _mm_mul_pd(x, _mm_add_pd(x, C(1.0))),
				d2 = _mm_mul_pd(_mm_add_pd(x, C(2.0)), _mm_add_pd(x, C(3.0))),
				d3 = _mm_mul_pd(_mm_add_pd(x, C(4.0)), _mm_add_pd(x, C(5.0)));
	__m128d		x2 = _mm_mul_pd(C(2.0), x);
	__m128d		n1 = _mm_add_pd(x2, C(1.0)),
				n2 = _mm_add_pd(x2, C(5.0)),
				n3 = _mm_add_pd(x2, C(9.0));
	__m128d		num = _mm_add_pd(_mm_add_pd(_mm_mul_pd(_mm_mul_pd(n1, d2), d3),
											_mm_mul_pd(_mm_mul_pd(n2, d1), d3)),
								 _mm_mul_pd(_mm_mul_pd(n3, d1), d2));
	__m128d		shift = _mm_div_pd(num, _mm_mul_pd(_mm_mul_pd(d1, d2), d3));
	__m128d		y = _mm_add_pd(x, C(6.0));
	__m128d		r = _mm_div_pd(C(1.0), y);
	__m128d		f = _mm_mul_pd(r, r);
	__m128d		series;

	series = _mm_sub_pd(C(1.0 / 240), _mm_div_pd(f, C(132.0)));
	series = _mm_sub_pd(C(1.0 / 252), _mm_mul_pd(f, series));
	series = _mm_sub_pd(C(1.0 / 120), _mm_mul_pd(f, series));
	series = _mm_sub_pd(C(1.0 / 12), _mm_mul_pd(f, series));
	return _mm_mul_pd(y, FastExp2(_mm_sub_pd(_mm_sub_pd(_mm_mul_pd(C(-0.5), r),
													   _mm_mul_pd(f, series)),
											 shift)));
#undef C
}
#endif

/* expElogtheta[t] = exp(digamma(gamma[t])); the common factor cancels everywhere it is used */
static inline void
ComputeExpElogtheta(const LdaScratch *s)
{
	int			t = 0;

#ifdef __SSE2__
	/* four topics per step: two independent dependency chains to overlap */
	for (; t + 4 <= s->k; t += 4)
	{
		__m128d		a = ExpDigamma2(_mm_loadu_pd(s->gamma + t));
		__m128d		b = ExpDigamma2(_mm_loadu_pd(s->gamma + t + 2));

		_mm_storeu_pd(s->expElogtheta + t, a);
		_mm_storeu_pd(s->expElogtheta + t + 2, b);
	}
	for (; t + 2 <= s->k; t += 2)
		_mm_storeu_pd(s->expElogtheta + t, ExpDigamma2(_mm_loadu_pd(s->gamma + t)));
#endif
	for (; t < s->k; t++)
		s->expElogtheta[t] = ExpDigamma(s->gamma[t]);
}

/*
 * sum_t a[t] * b[t] with four independent partial sums (they pipeline; the
 * order of the additions is fixed, so results stay deterministic).  With SSE2
 * the partial sums (s0, s1) and (s2, s3) are two vector registers: the same
 * operations on the same values in the same order, hence the same bits.
 */
static inline double
Dot(const double *a, const double *b, int k)
{
	double		s0,
				s1,
				s2,
				s3;
	int			t = 0;
#ifdef __SSE2__
	__m128d		v01 = _mm_setzero_pd(),
				v23 = _mm_setzero_pd();
	double		lanes[4];

	for (; t + 4 <= k; t += 4)
	{
		v01 = _mm_add_pd(v01, _mm_mul_pd(_mm_loadu_pd(a + t), _mm_loadu_pd(b + t)));
		v23 = _mm_add_pd(v23, _mm_mul_pd(_mm_loadu_pd(a + t + 2), _mm_loadu_pd(b + t + 2)));
	}
	_mm_storeu_pd(lanes, v01);
	_mm_storeu_pd(lanes + 2, v23);
	s0 = lanes[0];
	s1 = lanes[1];
	s2 = lanes[2];
	s3 = lanes[3];
#else
	s0 = s1 = s2 = s3 = 0.0;
	for (; t + 4 <= k; t += 4)
	{
		s0 += a[t] * b[t];
		s1 += a[t + 1] * b[t + 1];
		s2 += a[t + 2] * b[t + 2];
		s3 += a[t + 3] * b[t + 3];
	}
#endif
	for (; t < k; t++)
		s0 += a[t] * b[t];
	return (s0 + s1) + (s2 + s3);
}

/* y[t] += c * x[t] for t < k (element by element: vectorizing keeps the bits) */
static inline void
Axpy(double *y, double c, const double *x, int k)
{
	int			t = 0;
#ifdef __SSE2__
	__m128d		vc = _mm_set1_pd(c);

	for (; t + 2 <= k; t += 2)
		_mm_storeu_pd(y + t, _mm_add_pd(_mm_loadu_pd(y + t),
										_mm_mul_pd(vc, _mm_loadu_pd(x + t))));
#endif
	for (; t < k; t++)
		y[t] += c * x[t];
}

#ifdef LDA_HAVE_AVX2_PATH
/*
 * AVX2 versions of the two hot loops of LdaInferDoc, chosen at run time when
 * the CPU has AVX2.  Same bits as the SSE2/scalar code: the four partial sums
 * of Dot are the four lanes of one register, Axpy and ExpDigamma work element
 * by element, and "avx2" does not enable FMA, so no multiply-add is fused.
 */
#define LDA_AVX2 __attribute__((target("avx2")))

/* FastExp of four values */
static inline LDA_AVX2 __m256d
FastExp4(__m256d y)
{
	__m256d		x = _mm256_min_pd(_mm256_max_pd(y, _mm256_set1_pd(EXP_LO)), _mm256_set1_pd(EXP_HI));
	__m256d		magic = _mm256_set1_pd(EXP_MAGIC);
	__m256d		n = _mm256_sub_pd(_mm256_add_pd(_mm256_mul_pd(x, _mm256_set1_pd(EXP_LOG2E)), magic), magic);
	__m256d		r = _mm256_sub_pd(_mm256_sub_pd(x, _mm256_mul_pd(n, _mm256_set1_pd(EXP_LN2HI))),
								  _mm256_mul_pd(n, _mm256_set1_pd(EXP_LN2LO)));
	__m256d		p = _mm256_set1_pd(exp_taylor[0]);
	__m256i		bits;

#pragma GCC unroll 13
	for (int i = 1; i < 14; i++)
		p = _mm256_add_pd(_mm256_mul_pd(p, r), _mm256_set1_pd(exp_taylor[i]));
	bits = _mm256_slli_epi64(_mm256_castpd_si256(_mm256_add_pd(n, _mm256_set1_pd(EXP_MAGIC + 1023.0))), 52);
	return _mm256_andnot_pd(_mm256_cmp_pd(y, _mm256_set1_pd(EXP_LO), _CMP_LT_OQ),
							_mm256_mul_pd(p, _mm256_castsi256_pd(bits)));
}

/* ExpDigamma of four values */
static inline LDA_AVX2 __m256d
ExpDigamma4(__m256d x)
{
#define C(v) _mm256_set1_pd(v)
	__m256d		d1 = _mm256_mul_pd(x, _mm256_add_pd(x, C(1.0))),
				d2 = _mm256_mul_pd(_mm256_add_pd(x, C(2.0)), _mm256_add_pd(x, C(3.0))),
				d3 = _mm256_mul_pd(_mm256_add_pd(x, C(4.0)), _mm256_add_pd(x, C(5.0)));
	__m256d		x2 = _mm256_mul_pd(C(2.0), x);
	__m256d		n1 = _mm256_add_pd(x2, C(1.0)),
				n2 = _mm256_add_pd(x2, C(5.0)),
				n3 = _mm256_add_pd(x2, C(9.0));
	__m256d		num = _mm256_add_pd(_mm256_add_pd(_mm256_mul_pd(_mm256_mul_pd(n1, d2), d3),
												  _mm256_mul_pd(_mm256_mul_pd(n2, d1), d3)),
									_mm256_mul_pd(_mm256_mul_pd(n3, d1), d2));
	__m256d		shift = _mm256_div_pd(num, _mm256_mul_pd(_mm256_mul_pd(d1, d2), d3));
	__m256d		y = _mm256_add_pd(x, C(6.0));
	__m256d		r = _mm256_div_pd(C(1.0), y);
	__m256d		f = _mm256_mul_pd(r, r);
	__m256d		series;

	series = _mm256_sub_pd(C(1.0 / 240), _mm256_div_pd(f, C(132.0)));
	series = _mm256_sub_pd(C(1.0 / 252), _mm256_mul_pd(f, series));
	series = _mm256_sub_pd(C(1.0 / 120), _mm256_mul_pd(f, series));
	series = _mm256_sub_pd(C(1.0 / 12), _mm256_mul_pd(f, series));
	return _mm256_mul_pd(y, FastExp4(_mm256_sub_pd(_mm256_sub_pd(_mm256_mul_pd(C(-0.5), r),
																 _mm256_mul_pd(f, series)),
												   shift)));
#undef C
}

/* ComputeExpElogtheta with AVX2 */
static LDA_AVX2 void
ComputeExpElogthetaAvx2(const LdaScratch *s)
{
	int			t = 0;

	for (; t + 4 <= s->k; t += 4)
		_mm256_storeu_pd(s->expElogtheta + t, ExpDigamma4(_mm256_loadu_pd(s->gamma + t)));
	for (; t + 2 <= s->k; t += 2)
		_mm_storeu_pd(s->expElogtheta + t, ExpDigamma2(_mm_loadu_pd(s->gamma + t)));
	for (; t < s->k; t++)
		s->expElogtheta[t] = ExpDigamma(s->gamma[t]);
}

/* TermPass with AVX2 */
static LDA_AVX2 void
TermPassAvx2(const LdaScratch *s, const double *expElogbeta, int n,
			 const uint32_t *ids, const double *wts, double *acc)
{
	int			k = s->k;
	const double *et = s->expElogtheta;

	for (int i = 0; i < n; i++)
	{
		const double *eb = expElogbeta + (size_t) ids[i] * k;
		__m256d		v = _mm256_setzero_pd();
		double		lanes[4];
		double		c;
		int			t = 0;

		for (; t + 4 <= k; t += 4)
			v = _mm256_add_pd(v, _mm256_mul_pd(_mm256_loadu_pd(et + t), _mm256_loadu_pd(eb + t)));
		_mm256_storeu_pd(lanes, v);
		for (; t < k; t++)
			lanes[0] += et[t] * eb[t];
		c = wts[i] / (((lanes[0] + lanes[1]) + (lanes[2] + lanes[3])) + 1e-100);
		t = 0;
		{
			__m256d		vc = _mm256_set1_pd(c);

			for (; t + 4 <= k; t += 4)
				_mm256_storeu_pd(acc + t, _mm256_add_pd(_mm256_loadu_pd(acc + t),
														_mm256_mul_pd(vc, _mm256_loadu_pd(eb + t))));
		}
		for (; t < k; t++)
			acc[t] += c * eb[t];
	}
}
#endif

/* acc[t] = sum_i wts[i] / phinorm_i * expElogbeta[ids[i], t] under the current expElogtheta */
static void
TermPass(const LdaScratch *s, const double *expElogbeta, int n,
		 const uint32_t *ids, const double *wts, double *acc)
{
	int			k = s->k;

	for (int i = 0; i < n; i++)
	{
		const double *eb = expElogbeta + (size_t) ids[i] * k;
		double		c = wts[i] / (Dot(s->expElogtheta, eb, k) + 1e-100);

		Axpy(acc, c, eb, k);
	}
}

/* ComputeExpElogtheta with the widest kernels allowed */
static inline void
ComputeExpElogthetaBest(const LdaScratch *s, bool avx2)
{
#ifdef LDA_HAVE_AVX2_PATH
	if (avx2)
	{
		ComputeExpElogthetaAvx2(s);
		return;
	}
#endif
	ComputeExpElogtheta(s);
}

/* Whether the AVX2 kernels may be used */
static inline bool
UseAvx2(void)
{
#ifdef LDA_HAVE_AVX2_PATH
	return __builtin_cpu_supports("avx2");
#else
	return false;
#endif
}

/* phinorm[i] = sum_t expElogtheta[t] * expElogbeta[ids[i], t] (never zero) */
static inline void
ComputePhinorm(const LdaScratch *s, const double *expElogbeta, int n,
			   const uint32_t *ids)
{
	int			k = s->k;

	for (int i = 0; i < n; i++)
		s->phinorm[i] = Dot(s->expElogtheta, expElogbeta + (size_t) ids[i] * k, k) + 1e-100;
}

/*
 * Infer the variational parameters gamma of one document; returns the iterations
 * used.  Each iteration makes one pass over the document's terms: the term's
 * normalizer phinorm under the current expElogtheta and its contribution to the
 * new gamma.  Iteration stops when the mean absolute change of gamma is below
 * tol.  On return phinorm matches the final expElogtheta (for the statistics).
 */
int
LdaInferDoc(LdaScratch *s, const double *alpha, const double *expElogbeta,
			int n, const uint32_t *ids, const double *wts, double tol,
			bool interruptible)
{
	int			k = s->k;
	double		total = 0.0;
	double	   *acc = s->gammaOld;
	int			iter;
	bool		avx2 = UseAvx2();

	for (int i = 0; i < n; i++)
		total += wts[i];
	for (int t = 0; t < k; t++)
		s->gamma[t] = alpha[t] + total / k;
	ComputeExpElogthetaBest(s, avx2);

	for (iter = 1; iter <= LDA_GAMMA_MAX_ITER; iter++)
	{
		double		change = 0.0;

		for (int t = 0; t < k; t++)
			acc[t] = 0.0;
#ifdef LDA_HAVE_AVX2_PATH
		if (avx2)
			TermPassAvx2(s, expElogbeta, n, ids, wts, acc);
		else
#endif
			TermPass(s, expElogbeta, n, ids, wts, acc);
		for (int t = 0; t < k; t++)
		{
			double		g = alpha[t] + s->expElogtheta[t] * acc[t];

			change += fabs(g - s->gamma[t]);
			s->gamma[t] = g;
		}
		ComputeExpElogthetaBest(s, avx2);
		if (change / k < tol)
			break;
		/* a long document scored in the backend (never in a helper thread) */
		if (interruptible && (iter & 7) == 0)
			CHECK_FOR_INTERRUPTS();
	}
	ComputePhinorm(s, expElogbeta, n, ids);
	return Min(iter, LDA_GAMMA_MAX_ITER);
}

/* The convergence threshold of a document: LDA_GAMMA_TOLERANCE in units of its mean term weight */
double
LdaDocTolerance(int n, const double *wts, double count)
{
	double		total = 0.0;

	for (int i = 0; i < n; i++)
		total += wts[i];
	return count > 0 && total > 0 ? LDA_GAMMA_TOLERANCE * total / count : LDA_GAMMA_TOLERANCE;
}

/* sstats[w, t] += expElogtheta[t] * wts / phinorm (the expElogbeta factor comes later) */
void
LdaAccumulateSstats(const LdaScratch *s, double *sstats, int n,
					const uint32_t *ids, const double *wts)
{
	int			k = s->k;

	for (int i = 0; i < n; i++)
	{
		double	   *row = sstats + (size_t) ids[i] * k;
		double		c = wts[i] / s->phinorm[i];

		Axpy(row, c, s->expElogtheta, k);
	}
}

/* acc[t] += digamma(gamma[t]) - digamma(sum gamma) */
void
LdaAccumulateElogtheta(const LdaScratch *s, double *acc)
{
	double		sum = 0.0;
	double		psisum;

	for (int t = 0; t < s->k; t++)
		sum += s->gamma[t];
	psisum = LdaDigamma(sum);
	for (int t = 0; t < s->k; t++)
		acc[t] += LdaDigamma(s->gamma[t]) - psisum;
}

/*
 * The document's part of the variational bound, as Spark's logLikelihoodBound:
 * sum_w wts_w * logsumexp_t(Elogtheta_t + Elogbeta[w,t])
 * + sum_t (alpha_t - gamma_t) Elogtheta_t + lgamma(gamma_t) - lgamma(alpha_t)
 * + lgamma(sum alpha) - lgamma(sum gamma).
 * Uses s->gammaOld as scratch for Elogtheta; lgamma_r keeps it thread-safe.
 */
double
LdaDocBound(const LdaScratch *s, const double *alpha, const double *Elogbeta,
			int n, const uint32_t *ids, const double *wts)
{
	int			k = s->k;
	double	   *Elogtheta = s->gammaOld;
	double		sumgamma = 0.0;
	double		sumalpha = 0.0;
	double		bound = 0.0;
	int			sign;

	for (int t = 0; t < k; t++)
		sumgamma += s->gamma[t];
	for (int t = 0; t < k; t++)
		Elogtheta[t] = LdaDigamma(s->gamma[t]) - LdaDigamma(sumgamma);
	for (int i = 0; i < n; i++)
	{
		const double *eb = Elogbeta + (size_t) ids[i] * k;
		double		mx = -INFINITY;
		double		acc = 0.0;

		for (int t = 0; t < k; t++)
			mx = Max(mx, Elogtheta[t] + eb[t]);
		for (int t = 0; t < k; t++)
			acc += exp(Elogtheta[t] + eb[t] - mx);
		bound += wts[i] * (mx + log(acc));
	}
	for (int t = 0; t < k; t++)
	{
		bound += (alpha[t] - s->gamma[t]) * Elogtheta[t]
			+ lgamma_r(s->gamma[t], &sign) - lgamma_r(alpha[t], &sign);
		sumalpha += alpha[t];
	}
	bound += lgamma_r(sumalpha, &sign) - lgamma_r(sumgamma, &sign);
	return bound;
}

/* psisum[t] = digamma(sum_w lambda[w, t]) (lambda V x k, term-major; sums in term order) */
void
LdaDirichletPsisum(int k, int nterms, const double *lambda, double *psisum)
{
	for (int t = 0; t < k; t++)
		psisum[t] = 0.0;
	for (int w = 0; w < nterms; w++)
		for (int t = 0; t < k; t++)
			psisum[t] += lambda[(size_t) w * k + t];
	for (int t = 0; t < k; t++)
		psisum[t] = LdaDigamma(psisum[t]);
}

/*
 * Rows w0 <= w < w1 of expElogbeta = exp(E[log beta]) and of Elogbeta (either
 * may be NULL), E[log beta[t,w]] = digamma(lambda[w,t]) - psisum[t].  Plain C
 * with no PostgreSQL state: the training driver runs a share in a helper thread.
 */
void
LdaExpDirichletRows(int k, int w0, int w1, const double *lambda,
					const double *psisum, double *expElogbeta, double *Elogbeta)
{
	for (int w = w0; w < w1; w++)
	{
		for (int t = 0; t < k; t++)
		{
			size_t		i = (size_t) w * k + t;
			double		e = LdaDigamma(lambda[i]) - psisum[t];

			if (Elogbeta)
				Elogbeta[i] = e;
			if (expElogbeta)
				expElogbeta[i] = exp(e);
		}
	}
}

/*
 * From lambda (V x k, term-major) compute expElogbeta = exp(E[log beta]) where
 * E[log beta[t,w]] = digamma(lambda[w,t]) - digamma(sum_w lambda[w,t]); Elogbeta
 * (optional, may be NULL) receives E[log beta] itself.
 */
void
LdaExpDirichletExpectation(int k, int nterms, const double *lambda,
						   double *expElogbeta, double *Elogbeta)
{
	double		psisum[1024];	/* k is at most LDA_MAX_K (1000) */

	LdaDirichletPsisum(k, nterms, lambda, psisum);
	LdaExpDirichletRows(k, 0, nterms, lambda, psisum, expElogbeta, Elogbeta);
}

/* Multiply the pending factors into post; rescale post by its maximum into *logscale */
static void
MixtureFold(int k, double *post, double *num, double *den, double *logscale)
{
	double		mx = 0.0;

	for (int t = 0; t < k; t++)
	{
		post[t] *= num[t] / den[t];
		num[t] = den[t] = 1.0;
		mx = post[t] > mx ? post[t] : mx;
	}
	if (mx > 0.0)
	{
		for (int t = 0; t < k; t++)
			post[t] /= mx;
		*logscale += log(mx);
	}
}

/*
 * Exact posterior of a mixture (see lda_infer.h): the factors of 8 tokens are
 * multiplied per cluster, then folded into post and rescaled, so nothing
 * overflows or underflows whatever the document length.
 */
double
LdaMixturePosterior(int k, const double *prior, const double *lambda,
					const double *colsum, int n, const uint32_t *ids,
					const double *cnts, double *post)
{
	double		num[LDA_MIXTURE_MAX_K],
				den[LDA_MIXTURE_MAX_K];
	double		logscale = 0.0,
				sum = 0.0;
	long		i = 0;

	for (int t = 0; t < k; t++)
	{
		post[t] = prior[t];
		num[t] = den[t] = 1.0;
	}
	for (int e = 0; e < n; e++)
	{
		const double *row = lambda + (size_t) ids[e] * k;
		long		c = (long) cnts[e];

		for (long j = 0; j < c; j++, i++)
		{
			for (int t = 0; t < k; t++)
			{
				num[t] *= row[t] + (double) j;
				den[t] *= colsum[t] + (double) i;
			}
			if ((i + 1) % 8 == 0)
				MixtureFold(k, post, num, den, &logscale);
		}
	}
	MixtureFold(k, post, num, den, &logscale);
	for (int t = 0; t < k; t++)
		sum += post[t];
	for (int t = 0; t < k; t++)
		post[t] /= sum;
	return logscale + log(sum);
}
