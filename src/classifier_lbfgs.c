/*
 * classifier_lbfgs.c
 *		The optimizer of the sentiment classifier: L2-regularized multinomial
 *		logistic regression with class weights, minimized by L-BFGS.
 *
 * Objective over the training rows R (weights cw_c of their classes, W = the
 * sum of the weights of the rows):
 *
 *		f(theta) = (1/W) [ sum_{i in R} cw_{y_i} (logsumexp(z_i) - z_i[y_i])
 *		                   + l2/2 |theta without the bias|^2 ]
 *
 * which is scikit-learn's LogisticRegression objective with C = 1/l2, divided
 * by W (the minimizer is the same; the scale keeps the tolerance meaningful).
 * theta holds one column of K weights per compact sparse feature, then one
 * per dense signal, then the bias: theta[j * K + c].
 *
 * Two classes: with the penalty on both columns, the optimum has w0 = -w1 (the
 * loss depends on w1 - w0 only; for a given difference the penalty is least at
 * w0 = -w1, and the bias is unpenalized), and L-BFGS from theta = 0 stays on
 * that subspace.  So for K = 2 the optimizer runs on u = w1 alone (one logistic
 * column: z1 - z0 = 2 (b + x.u)), with the gradient of f with respect to w1 and
 * every dot product of the full space (2 u.v); it follows the same iterates as
 * the two-column problem (up to rounding) at half the work and one exp per row,
 * and stores w0 = -u, w1 = u.
 *
 * L-BFGS (Nocedal & Wright, algorithm 7.4) with 10 correction pairs and a
 * backtracking Armijo line search, in the variables u = theta / sc scaled by a
 * diagonal preconditioner (Preconditioner()); it stops when max |gradient|
 * (of f in theta) <= tolerance and the last iteration lowered f by at most
 * tolerance / 10 (relative to max(f, 1)), when the objective no longer
 * decreases, or after max_iter iterations.  Every
 * step is a fixed sequence of floating-point operations over the rows in the
 * given order, so the same rows give the same model bit for bit.
 *
 * An evaluation runs in blocks of rows: a forward pass stores each row's loss
 * and residuals, then the backward pass adds them to the gradient in row
 * order.  A helper worker (helper_thread.h), when the caller passes one,
 * claims forward chunks and the dense part of the backward pass (Evaluate()):
 * the same operations, so the same model.
 */
#include "postgres.h"

#include <math.h>
#include <sched.h>

#include "miscadmin.h"
#include "port/atomics.h"
#include "utils/memutils.h"

#include "bigalloc.h"
#include "helper_thread.h"
#include "sentiment_classifier.h"

#define LBFGS_M			10
#define LS_MAX_STEPS	40
#define ARMIJO_C1		1e-4
#define FDROP_SHARE	0.1		/* of tolerance: see Lbfgs() */
#define EVAL_BLOCK		(1 << 18)	/* rows between interrupt checks in an evaluation */
#define EVAL_CHUNK		1024		/* rows of a forward chunk, claimed by either thread */
#define EVAL_BLOCK_CELLS (1 << 20)	/* residuals of a block (rows x columns) */

/* The objective's inputs */
typedef struct Problem
{
	const ClfData *data;
	const int64 *rows;
	int64		nrows;
	double	   *cw;				/* per class */
	double		W;
	double		l2;
	Size		P;				/* parameters optimized */
	int			cols;			/* columns optimized: K, or 1 for two classes */
	double		dotw;			/* dot products of the full space: 1, or 2 for two classes */
	double		gmax;			/* max |gradient| of the last evaluation */
	const double *sc;			/* P: the diagonal preconditioner, theta = sc u */
	int64		block;			/* rows of an evaluation block */
	double	   *loss;			/* block: each row's loss */
	double	   *res;			/* block * cols: each row's residuals */
	HelperWorker *worker;		/* shares the evaluations (enough rows), or NULL */
} Problem;

/* Class weights: 1, or balanced (n / (K n_c)) over the rows */
static double *
ClassWeights(const ClfData *d, const int64 *rows, int64 nrows, ClfClassWeight mode)
{
	double	   *cw = palloc(sizeof(double) * d->K);
	int64	   *cnt = palloc0(sizeof(int64) * d->K);

	for (int64 r = 0; r < nrows; r++)
		cnt[d->y[rows[r]]]++;
	for (int c = 0; c < d->K; c++)
		cw[c] = (mode == CLF_WEIGHT_BALANCED && cnt[c] > 0) ?
			(double) nrows / ((double) d->K * cnt[c]) : 1.0;
	pfree(cnt);
	return cw;
}

/* The logits of example i into z (K classes: a constant where inlined for one K) */
static pg_attribute_always_inline void
LogitsK(const ClfData *d, const double *theta, int64 i, double *z, const int K)
{
	const double *bias = theta + (Size) (d->nf + d->nd) * K;
	double		xv = d->xval[i];

#pragma GCC unroll 8
	for (int c = 0; c < K; c++)
		z[c] = bias[c];
	for (int64 j = d->start[i]; j < d->start[i + 1]; j++)
	{
		const double *col = theta + (Size) d->fid[j] * K;

#pragma GCC unroll 8
		for (int c = 0; c < K; c++)
			z[c] += xv * col[c];
	}
	for (int k = 0; k < d->nd; k++)
	{
		double		s = d->dense[i * d->nd + k];
		const double *col = theta + (Size) (d->nf + k) * K;

#pragma GCC unroll 8
		for (int c = 0; c < K; c++)
			z[c] += s * col[c];
	}
}

/* The logits of example i into z */
static void
Logits(const ClfData *d, const double *theta, int64 i, double *z)
{
	LogitsK(d, theta, i, z, d->K);
}

/* Softmax in place; returns logsumexp */
static pg_attribute_always_inline double
Softmax(double *z, const int K)
{
	double		mx = z[0],
				sum = 0;

	for (int c = 1; c < K; c++)
		mx = Max(mx, z[c]);
#pragma GCC unroll 8
	for (int c = 0; c < K; c++)
	{
		z[c] = exp(z[c] - mx);
		sum += z[c];
	}
#pragma GCC unroll 8
	for (int c = 0; c < K; c++)
		z[c] /= sum;
	return mx + log(sum);
}

/*
 * Add the penalty to f (fl2 theta^2 a parameter but the bias) and to g, divide
 * both by W; pb->gmax = max |g| (the gradient of f in theta); then g becomes
 * the gradient in the scaled variables u (g sc).  One pass, the same operations
 * as a pass for each.
 */
static double
Penalize(Problem *pb, const double *theta, double *g, double f, double fl2)
{
	Size		nreg = pb->P - pb->cols;
	double		gmax = 0;
	const double *sc = pb->sc;

	for (Size p = 0; p < pb->P; p++)
	{
		double		gp;

		if (p < nreg)
		{
			f += fl2 * theta[p] * theta[p];
			gp = (g[p] + pb->l2 * theta[p]) / pb->W;
		}
		else
			gp = g[p] / pb->W;
		gmax = Max(gmax, fabs(gp));
		g[p] = gp * sc[p];
	}
	pb->gmax = gmax;
	return f / pb->W;
}

/*
 * Rows [r0, r1) of a block starting at row b of the forward pass, two classes:
 * each row's weighted loss into pb->loss[r - b] and its residual (dloss / dz1)
 * into pb->res[r - b].  Pure computation on the rows' own slots: runs in the
 * helper thread too.
 */
static void
BinaryForward(const Problem *pb, const double *u, int64 b, int64 r0, int64 r1)
{
	const ClfData *d = pb->data;
	const double *du = u + d->nf;
	double		bias = u[d->nf + d->nd];

	for (int64 r = r0; r < r1; r++)
	{
		int64		i = pb->rows[r];
		int			y = d->y[i];
		double		w = pb->cw[y],
					t = 0,
					dz,
					e,
					m;
		const int32 *fid = d->fid + d->start[i];
		int64		nfi = d->start[i + 1] - d->start[i];
		const float *dense = d->dense + i * d->nd;

		for (int64 j = 0; j < nfi; j++)
			t += u[fid[j]];
		t = bias + d->xval[i] * t;
		/*
		 * zero signals are multiplied, not skipped: adding +-0 changes no value
		 * (sums start at +0), and the branch was mispredicted half the time
		 */
		for (int k = 0; k < d->nd; k++)
			t += dense[k] * du[k];
		/* z1 - z0 = 2t; loss = softplus(+-2t), P(1) = sigmoid(2t) */
		dz = 2 * t;
		e = exp(-fabs(dz));
		m = y == 1 ? -dz : dz;
		pb->loss[r - b] = w * (Max(m, 0) + log1p(e));
		pb->res[r - b] = w * ((dz >= 0 ? 1.0 / (1.0 + e) : e / (1.0 + e)) - (y == 1 ? 1.0 : 0.0));
	}
}

/*
 * The same for K classes: the row's loss, and its residuals w (p_c - [c = y])
 * into pb->res[(r - b) K ..] (computed in place there; inlined for a constant
 * K, so that the loops over the classes unroll)
 */
static pg_attribute_always_inline void
MultiForwardK(const Problem *pb, const double *theta, int64 b, int64 r0, int64 r1, const int K)
{
	const ClfData *d = pb->data;

	for (int64 r = r0; r < r1; r++)
	{
		int64		i = pb->rows[r];
		int			y = d->y[i];
		double		w = pb->cw[y],
					zy,
					lse;
		double	   *z = pb->res + (r - b) * K;

		LogitsK(d, theta, i, z, K);
		zy = z[y];
		lse = Softmax(z, K);
		pb->loss[r - b] = w * (lse - zy);
		z[y] -= 1.0;
#pragma GCC unroll 8
		for (int c = 0; c < K; c++)
			z[c] *= w;
	}
}

/* Rows [r0, r1) of the forward pass of a block starting at row b (thread-safe) */
static void
Forward(const Problem *pb, const double *theta, int64 b, int64 r0, int64 r1)
{
	switch (pb->cols)
	{
		case 1:
			BinaryForward(pb, theta, b, r0, r1);
			break;
		case 3:
			MultiForwardK(pb, theta, b, r0, r1, 3);
			break;
		case 4:
			MultiForwardK(pb, theta, b, r0, r1, 4);
			break;
		case 5:
			MultiForwardK(pb, theta, b, r0, r1, 5);
			break;
		default:
			MultiForwardK(pb, theta, b, r0, r1, pb->cols);
			break;
	}
}

/*
 * Rows [r0, r1) of the backward pass: the sparse part of the gradient (block
 * at r0; inlined for a constant K of columns, 1 for two classes)
 */
static pg_attribute_always_inline void
SparseGradientK(const Problem *pb, double *g, int64 r0, int64 r1, const int K)
{
	const ClfData *d = pb->data;

	for (int64 r = r0; r < r1; r++)
	{
		int64		i = pb->rows[r];
		double		xv = d->xval[i];
		const double *z = pb->res + (r - r0) * K;
		const int32 *fid = d->fid + d->start[i];
		int64		nfi = d->start[i + 1] - d->start[i];

		if (K == 1)
		{
			double		rx = z[0] * xv;

			for (int64 j = 0; j < nfi; j++)
				g[fid[j]] += rx;
		}
		else
			for (int64 j = 0; j < nfi; j++)
			{
				double	   *col = g + (Size) fid[j] * K;

#pragma GCC unroll 8
				for (int c = 0; c < K; c++)
					col[c] += xv * z[c];
			}
	}
}

/*
 * Rows [r0, r1) of the backward pass: the bias's and the dense signals'
 * gradient (block at r0; thread-safe; inlined for a constant K).  The bias is
 * added first and the signals after, as the one-pass evaluation did.
 */
static pg_attribute_always_inline void
DenseGradientK(const Problem *pb, double *g, int64 r0, int64 r1, const int K)
{
	const ClfData *d = pb->data;
	double	   *gd = g + (Size) d->nf * K;
	double	   *gb = g + (Size) (d->nf + d->nd) * K;

	for (int64 r = r0; r < r1; r++)
	{
		const float *dense = d->dense + pb->rows[r] * d->nd;
		const double *z = pb->res + (r - r0) * K;

#pragma GCC unroll 8
		for (int c = 0; c < K; c++)
			gb[c] += z[c];
		for (int k = 0; k < d->nd; k++)
#pragma GCC unroll 8
			for (int c = 0; c < K; c++)
				gd[k * K + c] += dense[k] * z[c];
	}
}

/* Rows [r0, r1) of the backward pass, sparse (or dense) part, for the problem's columns */
static void
Gradient(const Problem *pb, double *g, int64 r0, int64 r1, bool dense)
{
	switch (pb->cols)
	{
		case 1:
			dense ? DenseGradientK(pb, g, r0, r1, 1) : SparseGradientK(pb, g, r0, r1, 1);
			break;
		case 3:
			dense ? DenseGradientK(pb, g, r0, r1, 3) : SparseGradientK(pb, g, r0, r1, 3);
			break;
		case 4:
			dense ? DenseGradientK(pb, g, r0, r1, 4) : SparseGradientK(pb, g, r0, r1, 4);
			break;
		case 5:
			dense ? DenseGradientK(pb, g, r0, r1, 5) : SparseGradientK(pb, g, r0, r1, 5);
			break;
		default:
			dense ? DenseGradientK(pb, g, r0, r1, pb->cols) :
				SparseGradientK(pb, g, r0, r1, pb->cols);
			break;
	}
}

/*
 * One block of rows of an evaluation, shared by the backend and the helper
 * thread: either claims forward chunks until none is left; once every chunk
 * is done, the backend adds the sparse gradient and either one the bias's and
 * the dense signals' gradient (whoever claims it first).  So a helper that
 * starts late or runs slowly (the other core busy) only takes less of the work.
 */
typedef struct EvalBlock
{
	const Problem *pb;
	const double *theta;
	double	   *g;
	int64		r0;
	int64		r1;
	pg_atomic_uint64 next;		/* first row of the next forward chunk to claim */
	pg_atomic_uint64 done;		/* forward rows finished */
	pg_atomic_uint32 dense;		/* 1 once the dense gradient is claimed */
} EvalBlock;

/* Forward chunks of the block until none is left to claim (thread-safe) */
static void
ForwardShare(EvalBlock *bl)
{
	for (;;)
	{
		uint64		from = pg_atomic_fetch_add_u64(&bl->next, EVAL_CHUNK);
		int64		to;

		if (from >= (uint64) bl->r1)
			return;
		to = Min((int64) from + EVAL_CHUNK, bl->r1);
		Forward(bl->pb, bl->theta, bl->r0, from, to);
		pg_atomic_fetch_add_u64(&bl->done, to - from);
	}
}

/* Wait until every forward chunk of the block is done (thread-safe) */
static void
WaitForward(EvalBlock *bl)
{
	for (int spins = 0; pg_atomic_read_u64(&bl->done) < (uint64) (bl->r1 - bl->r0); spins++)
	{
		/* a chunk takes tens of microseconds; yield when the other thread seems descheduled */
		if (spins < 4096)
			pg_spin_delay();
		else
			sched_yield();
	}
	pg_read_barrier();
}

/* The dense gradient of the block, unless the other thread claimed it (thread-safe) */
static void
DenseShare(EvalBlock *bl)
{
	if (pg_atomic_exchange_u32(&bl->dense, 1) == 0)
		Gradient(bl->pb, bl->g, bl->r0, bl->r1, true);
}

/* The helper's part of a block (a HelperWorker job) */
static void
EvalHelper(void *arg)
{
	EvalBlock  *bl = (EvalBlock *) arg;

	ForwardShare(bl);
	WaitForward(bl);
	DenseShare(bl);
}

/*
 * f(theta) and its gradient into g (two classes: f(u) and its gradient with
 * respect to w1 = u; the penalty counts both columns, hence l2 and not l2 / 2).
 *
 * In blocks of pb->block rows (interrupts checked between them), shared with
 * the helper worker if any (EvalBlock).  Every row's loss and residuals are
 * computed the same way by either thread, and every sum still adds the same
 * terms in row order, so the result is bit for bit the same with or without
 * the thread, and whatever the block size.
 */
static double
Evaluate(Problem *pb, const double *theta, double *g)
{
	double		f = 0;

	memset(g, 0, sizeof(double) * pb->P);
	for (int64 b = 0; b < pb->nrows; b += pb->block)
	{
		EvalBlock	bl = {pb, theta, g, b, Min(b + pb->block, pb->nrows)};

		pg_atomic_init_u64(&bl.next, b);
		pg_atomic_init_u64(&bl.done, 0);
		pg_atomic_init_u32(&bl.dense, 0);
		CHECK_FOR_INTERRUPTS();
		if (pb->worker)
			HelperWorkerRun(pb->worker, EvalHelper, &bl);
		ForwardShare(&bl);
		WaitForward(&bl);
		Gradient(pb, g, bl.r0, bl.r1, false);
		DenseShare(&bl);
		if (pb->worker)
			HelperWorkerWait(pb->worker);
		for (int64 r = bl.r0; r < bl.r1; r++)
			f += pb->loss[r - bl.r0];
	}
	return Penalize(pb, theta, g, f, pb->cols == 1 ? pb->l2 : 0.5 * pb->l2);
}

/* Dot product (of the full parameter space: dotw = 2 for the one column of two classes) */
static inline double
Dot(const Problem *pb, const double *a, const double *b)
{
	double		s = 0;

	for (Size i = 0; i < pb->P; i++)
		s += a[i] * b[i];
	return pb->dotw * s;
}

static double Steepest(const Problem *pb, const double *g, double *dir);

/*
 * The L-BFGS direction -H g into dir (two-loop recursion over the stored
 * pairs); returns the slope g.dir.  Each pass over the parameters updates dir
 * and accumulates the dot product that the next step needs (same operations,
 * same order, one pass).
 */
static double
Direction(const Problem *pb, const double *g, double **s, double **y, double *rho, int npairs,
		  int newest, double *dir, double *alpha)
{
	Size		P = pb->P;
	double		acc = 0,
				gamma;
	const double *next;

	if (npairs == 0)
		return Steepest(pb, g, dir);
	next = s[newest];
	for (Size p = 0; p < P; p++)
	{
		dir[p] = -g[p];
		acc += next[p] * dir[p];
	}
	for (int k = 0; k < npairs; k++)
	{
		int			j = (newest - k + LBFGS_M) % LBFGS_M;
		double		a = rho[j] * (pb->dotw * acc);
		const double *yj = y[j];

		alpha[j] = a;
		next = k + 1 < npairs ? s[(newest - k - 1 + LBFGS_M) % LBFGS_M] : NULL;
		acc = 0;
		if (next)
			for (Size p = 0; p < P; p++)
			{
				dir[p] -= a * yj[p];
				acc += next[p] * dir[p];
			}
		else
			for (Size p = 0; p < P; p++)
				dir[p] -= a * yj[p];
	}
	{
		const double *sn = s[newest],
				   *yn = y[newest];
		double		sy = 0,
					yy = 0;

		for (Size p = 0; p < P; p++)
		{
			sy += sn[p] * yn[p];
			yy += yn[p] * yn[p];
		}
		gamma = (pb->dotw * sy) / (pb->dotw * yy);
	}
	next = y[(newest - (npairs - 1) + LBFGS_M) % LBFGS_M];
	acc = 0;
	for (Size p = 0; p < P; p++)
	{
		dir[p] *= gamma;
		acc += next[p] * dir[p];
	}
	for (int k = npairs - 1; k >= 0; k--)
	{
		int			j = (newest - k + LBFGS_M) % LBFGS_M;
		double		c = alpha[j] - rho[j] * (pb->dotw * acc);
		const double *sj = s[j];

		next = k > 0 ? y[(newest - k + 1 + LBFGS_M) % LBFGS_M] : NULL;
		acc = 0;
		if (next)
			for (Size p = 0; p < P; p++)
			{
				dir[p] += sj[p] * c;
				acc += next[p] * dir[p];
			}
		else
			for (Size p = 0; p < P; p++)
			{
				dir[p] += sj[p] * c;
				acc += g[p] * dir[p];
			}
	}
	return pb->dotw * acc;
}

/* The steepest descent direction -g into dir; returns the slope g.dir */
static double
Steepest(const Problem *pb, const double *g, double *dir)
{
	double		acc = 0;

	for (Size p = 0; p < pb->P; p++)
	{
		dir[p] = -g[p];
		acc += g[p] * dir[p];
	}
	return pb->dotw * acc;
}

/* Allocate P doubles (huge allowed), zeroed */
static double *
Vec(Size P)
{
	return MemoryContextAllocHuge(CurrentMemoryContext, sizeof(double) * P);
}

/*
 * The diagonal preconditioner: sc_p = 1 / sqrt(h_p), h_p the diagonal of the
 * Hessian of f at theta = 0, where every class has the probability 1/K:
 * h_p = (sum_i cw_i x_ip^2 (1/K)(1 - 1/K) + l2) / W (without l2 for the bias).
 * L-BFGS runs in u = theta / sc, where that diagonal is 1: features of very
 * different scales (the dense signals against the sparse ones) then need far
 * fewer iterations; the objective and its optimum are the same.
 */
static const double *
Preconditioner(Problem *pb)
{
	const ClfData *d = pb->data;
	int			cols = pb->cols,
				K = d->K;
	Size		nreg = (Size) (d->nf + d->nd);
	double		pq = (1.0 / K) * (1.0 - 1.0 / K);
	double	   *sc = BigAlloc(CurrentMemoryContext, sizeof(double) * (pb->P + nreg + 1), false);
	double	   *h = sc + pb->P;

	memset(h, 0, sizeof(double) * (nreg + 1));
	for (int64 r = 0; r < pb->nrows; r++)
	{
		int64		i = pb->rows[r];
		double		w = pb->cw[d->y[i]],
					wx = w * (double) d->xval[i] * d->xval[i];
		const float *dense = d->dense + i * d->nd;

		for (int64 j = d->start[i]; j < d->start[i + 1]; j++)
			h[d->fid[j]] += wx;
		for (int k = 0; k < d->nd; k++)
			h[d->nf + k] += w * (double) dense[k] * dense[k];
		h[nreg] += w;
	}
	for (Size q = 0; q <= nreg; q++)
	{
		double		hq = (h[q] * pq + (q < nreg ? pb->l2 : 0)) / pb->W;
		double		s = hq > 0 ? 1.0 / sqrt(hq) : 1.0;

		for (int c = 0; c < cols; c++)
			sc[q * cols + c] = s;
	}
	pb->sc = sc;
	return sc;
}

/*
 * Minimize f from theta = 0; returns the iterations run, the final f in *fout.
 * g, the pairs and dir live in the scaled variables u (x stays in theta).  The
 * gradient alone is a loose stopping rule where some features occur in a single
 * row (their gradient is at most 1/W), and the preconditioned steps reach such
 * points early; so the loop also goes on while an iteration still lowers f by
 * more than FDROP_SHARE * tolerance (relative to max(f, 1)).
 */
static int
Lbfgs(Problem *pb, double *theta, int max_iter, double tol, double *fout)
{
	Size		P = pb->P;
	double	   *arena = BigAlloc(CurrentMemoryContext, sizeof(double) * P * (4 + 2 * LBFGS_M), false);
	const double *sc = Preconditioner(pb);
	double	   *x = theta,
			   *g = arena,
			   *gnew = arena + P,
			   *xnew = arena + 2 * P,
			   *dir = arena + 3 * P;
	double	   *s[LBFGS_M],
			   *y[LBFGS_M],
				rho[LBFGS_M],
				alpha[LBFGS_M];
	int			npairs = 0,
				newest = -1,
				it;
	double		f,
				gnorm,
				fdrop = HUGE_VAL;

	for (int k = 0; k < LBFGS_M; k++)
		s[k] = y[k] = NULL;
	memset(theta, 0, sizeof(double) * P);
	f = Evaluate(pb, theta, g);
	gnorm = pb->gmax;
	for (it = 0; it < max_iter && (gnorm > tol || fdrop > FDROP_SHARE * tol * Max(f, 1.0)); it++)
	{
		double		step = 1.0,
					slope,
					fnew = f,
					gnew_norm = 0;
		int			ls;
		int			slot;

		slope = Direction(pb, g, s, y, rho, npairs, newest, dir, alpha);
		if (slope >= 0)
		{
			/* not a descent direction: restart from steepest descent */
			npairs = 0;
			slope = Steepest(pb, g, dir);
		}
		if (npairs == 0)
			step = Min(1.0, 1.0 / sqrt(Dot(pb, g, g)));
		for (ls = 0; ls < LS_MAX_STEPS; ls++)
		{
			for (Size p = 0; p < P; p++)
				xnew[p] = x[p] + step * (sc[p] * dir[p]);
			fnew = Evaluate(pb, xnew, gnew);
			gnew_norm = pb->gmax;
			if (fnew <= f + ARMIJO_C1 * step * slope)
				break;
			step *= 0.5;
		}
		if (ls == LS_MAX_STEPS || !(fnew < f))
			break;
		slot = (newest + 1) % LBFGS_M;
		if (s[slot] == NULL)
		{
			s[slot] = arena + (4 + 2 * slot) * P;
			y[slot] = arena + (5 + 2 * slot) * P;
		}
		{
			double	   *ss = s[slot],
					   *yy = y[slot],
						sy = 0,
					   *t;

			for (Size p = 0; p < P; p++)
			{
				ss[p] = step * dir[p];
				yy[p] = gnew[p] - g[p];
				sy += ss[p] * yy[p];
			}
			sy *= pb->dotw;
			if (sy > 1e-12)
			{
				rho[slot] = 1.0 / sy;
				newest = slot;
				npairs = Min(npairs + 1, LBFGS_M);
			}
			/* the new point and gradient become the current ones */
			t = x;
			x = xnew;
			xnew = t;
			t = g;
			g = gnew;
			gnew = t;
		}
		fdrop = f - fnew;
		f = fnew;
		gnorm = gnew_norm;
	}
	if (x != theta)
		memcpy(theta, x, sizeof(double) * P);
	*fout = f;
	return it;
}

/* Fit the model on the rows of data (in that order); worker (or NULL) shares the evaluations */
ClfWeights *
ClfFit(const ClfData *data, const int64 *rows, int64 nrows, const ClfParams *params,
	   HelperWorker *worker)
{
	Problem		pb;
	ClfWeights *w = palloc0(sizeof(ClfWeights));
	int			K = data->K;
	double	   *theta;

	pb.data = data;
	pb.rows = rows;
	pb.nrows = nrows;
	pb.cw = ClassWeights(data, rows, nrows, params->class_weight);
	pb.W = 0;
	for (int64 r = 0; r < nrows; r++)
		pb.W += pb.cw[data->y[rows[r]]];
	pb.l2 = params->l2;
	pb.cols = K == 2 ? 1 : K;
	pb.dotw = K == 2 ? 2.0 : 1.0;
	/* blocks of at most EVAL_BLOCK rows and EVAL_BLOCK_CELLS residuals (or all the rows) */
	pb.block = Min(Max(EVAL_CHUNK, Min(EVAL_BLOCK, EVAL_BLOCK_CELLS / pb.cols)), Max(nrows, 1));
	pb.loss = BigAlloc(CurrentMemoryContext, sizeof(double) * pb.block * (1 + pb.cols), false);
	pb.res = pb.loss + pb.block;
	pb.P = (Size) (data->nf + data->nd + 1) * pb.cols;
	theta = Vec(pb.P);
	w->K = K;
	w->nf = data->nf;
	w->nd = data->nd;
	pb.worker = nrows >= CLF_THREAD_MIN_ROWS ? worker : NULL;
	w->iterations = Lbfgs(&pb, theta, params->max_iter, params->tolerance, &w->loss);
	if (pb.cols == 1)
	{
		/* two classes: w0 = -u, w1 = u */
		double	   *full = Vec(pb.P * 2);

		for (Size p = 0; p < pb.P; p++)
		{
			full[2 * p] = -theta[p];
			full[2 * p + 1] = theta[p];
		}
		pfree(theta);
		theta = full;
	}
	w->w = theta;
	w->dense = theta + (Size) data->nf * K;
	w->bias = theta + (Size) (data->nf + data->nd) * K;
	return w;
}

/* Class probabilities of example i into p (K); returns the most probable class */
int
ClfPredictRow(const ClfData *data, const ClfWeights *w, int64 i, double *p)
{
	int			best = 0;

	Logits(data, w->w, i, p);
	Softmax(p, data->K);
	for (int c = 1; c < data->K; c++)
		if (p[c] > p[best])
			best = c;
	return best;
}
