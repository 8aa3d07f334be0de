/*
 * classifier_features.c
 *		The features of a trained sentiment classifier (sentiment_classifier.h):
 *		one function turns a text into hashed sparse features and the dense
 *		signals of the 'social' analyzer, for training, scoring and explaining
 *		alike.
 *
 * Sparse features come from the project's tokenizer with the model's text
 * configuration (default: no stopword removal, so that "not" stays, and no
 * stemming; see doc/sentiment_training.md for the measurement):
 *
 *	- word unigrams "w",
 *	- word bigrams "w1 w2" (option bigrams),
 *	- character n-grams of "<word>" for n in char_min..char_max (option
 *	  char_ngrams), which catch misspellings and elongations.
 *
 * Each is hashed (FNV-1a 64 over its bytes, a different seed per kind, then a
 * murmur3 finalizer: portable, so a model scores the same everywhere) into
 * 2^hash_bits buckets.  A text's features are its distinct buckets, each with
 * the value 1/sqrt(count of distinct buckets) (binary, L2-normalized).
 *
 * Dense features (option social) are per-tweet signals of the 'social'
 * analyzer: its polarity and intensity, the sums of the positive and of the
 * negative contributions, negated sentiment words, positive and negative
 * emoji/emoticons, ALL-CAPS words, contrast, "!" and "?" emphasis, sarcasm
 * hashtags and elongation, each scaled into [-1, 1].
 *
 * Work is linear in the length of the text: at most CLF_MAX_DOC_FEATURES
 * features are taken from one text (later ones are ignored) and every loop
 * checks for interrupts.
 *
 * Training featurizes texts in batches (ClfExtractBatch): the social signals
 * of the texts of up to CLF_BATCH_TEXT_MAX bytes are computed in a helper
 * thread (helper_thread.h) while the backend tokenizes and hashes, then by
 * both; each text gives exactly what ClfExtract() gives.
 */
#include "postgres.h"

#include <math.h>

#include "mb/pg_wchar.h"
#include "port/atomics.h"
#include "utils/memutils.h"

#include "helper_thread.h"

#include "sentiment_classifier.h"
#include "social_doc.h"
#include "text_interrupts.h"

#define SEED_UNIGRAM	UINT64CONST(0x9e3779b97f4a7c15)
#define SEED_BIGRAM		UINT64CONST(0xc2b2ae3d27d4eb4f)
#define SEED_CHAR		UINT64CONST(0x165667b19e3779f9)

struct ClfFeaturizer
{
	ClfFeatureOptions opt;
	Tokenizer  *tok;
	uint32		mask;
	/* the tokens of the current text: bytes in buf, token i at off[i], len[i] */
	StringInfoData buf;
	int		   *off;
	int		   *len;
	int			ntok;
	int			tokcap;
	/* ClfExtractBatch: a document */
	ClfDoc		batchdoc;
};

/*
 * The social analyzer's buffers of ClfExtractBatch (the backend's, the
 * helper's): one pair per process, made on first use (a batch is featurized
 * start to end before another starts), so that many aggregate states (GROUP
 * BY) do not each hold their own.
 */
static SocialScratch *batch_scratch[2];

/* A named feature while a text is being featurized (explain) */
typedef struct NamedId
{
	uint32		id;
	char	   *name;
} NamedId;

/* The names of the dense features, in order */
static const char *const dense_names[CLF_NDENSE] = {
	"social:polarity", "social:intensity", "social:positive", "social:negative",
	"social:negated", "social:positive emoji", "social:negative emoji", "social:caps",
	"social:contrast", "social:exclamation", "social:question", "social:sarcasm",
	"social:elongation"
};

/* Name of dense feature d */
const char *
ClfDenseName(int d)
{
	return (d >= 0 && d < CLF_NDENSE) ? dense_names[d] : "?";
}

/* Check the feature options (training parameters and received models alike) */
void
ClfCheckFeatureOptions(const ClfFeatureOptions *opt)
{
	if (opt->hash_bits < CLF_MIN_HASH_BITS || opt->hash_bits > CLF_MAX_HASH_BITS ||
		opt->bigrams > 1 || opt->social > 1 || opt->char_max > CLF_MAX_CHAR_N ||
		(opt->char_min == 0) != (opt->char_max == 0) || opt->char_min > opt->char_max)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("invalid sentiment classifier feature options"),
				 errdetail("hash_bits must be between %d and %d, and char_ngrams an ascending pair between 1 and %d.",
						   CLF_MIN_HASH_BITS, CLF_MAX_HASH_BITS, CLF_MAX_CHAR_N)));
}

/* Prepare a featurizer (tokenizer included) in CurrentMemoryContext */
ClfFeaturizer *
ClfFeaturizerCreate(const ClfFeatureOptions *opt, const TextConfig *cfg)
{
	ClfFeaturizer *fz = palloc0(sizeof(ClfFeaturizer));

	ClfCheckFeatureOptions(opt);
	fz->opt = *opt;
	fz->mask = (uint32) ((UINT64CONST(1) << opt->hash_bits) - 1);
	fz->tok = TokenizerCreate(cfg);
	initStringInfo(&fz->buf);
	fz->tokcap = 64;
	fz->off = palloc(sizeof(int) * fz->tokcap);
	fz->len = palloc(sizeof(int) * fz->tokcap);
	return fz;
}

/* FNV-1a, 64 bits, from a seed */
static inline uint64
HashBytes(uint64 h, const char *p, int len)
{
	for (int i = 0; i < len; i++)
	{
		h ^= (unsigned char) p[i];
		h *= UINT64CONST(0x100000001b3);
	}
	return h;
}

/* FNV-1a, 64 bits, of the same bytes from two seeds (the two chains overlap) */
static inline void
HashBytes2(uint64 *h1, uint64 *h2, const char *p, int len)
{
	uint64		a = *h1,
				b = *h2;

	for (int i = 0; i < len; i++)
	{
		a ^= (unsigned char) p[i];
		b ^= (unsigned char) p[i];
		a *= UINT64CONST(0x100000001b3);
		b *= UINT64CONST(0x100000001b3);
	}
	*h1 = a;
	*h2 = b;
}

/* murmur3's 64-bit finalizer: spreads the FNV state over all bits */
static inline uint32
Bucket(const ClfFeaturizer *fz, uint64 h)
{
	h ^= h >> 33;
	h *= UINT64CONST(0xff51afd7ed558ccd);
	h ^= h >> 33;
	h *= UINT64CONST(0xc4ceb9fe1a85ec53);
	h ^= h >> 33;
	return (uint32) h & fz->mask;
}

/* Token sink: keep the token's bytes (at most CLF_MAX_DOC_FEATURES tokens) */
static void
CollectToken(void *arg, const char *tok, int len)
{
	ClfFeaturizer *fz = (ClfFeaturizer *) arg;

	if (fz->ntok >= CLF_MAX_DOC_FEATURES)
		return;
	if (fz->ntok == fz->tokcap)
	{
		fz->tokcap *= 2;
		fz->off = repalloc(fz->off, sizeof(int) * fz->tokcap);
		fz->len = repalloc(fz->len, sizeof(int) * fz->tokcap);
	}
	fz->off[fz->ntok] = fz->buf.len;
	fz->len[fz->ntok] = len;
	appendBinaryStringInfo(&fz->buf, tok, len);
	fz->ntok++;
}

/* Append one feature (and its name when explaining); false when the text has enough */
static bool
AddFeature(ClfDoc *doc, uint32 id, NamedId **named, char kind, const char *name, int namelen)
{
	if (doc->n >= CLF_MAX_DOC_FEATURES)
		return false;
	if (doc->n == doc->cap)
	{
		doc->cap *= 2;
		doc->ids = repalloc(doc->ids, sizeof(uint32) * doc->cap);
		if (named)
			*named = repalloc(*named, sizeof(NamedId) * doc->cap);
	}
	if (named)
	{
		char	   *nm = palloc(namelen + 2);

		(*named)[doc->n].id = id;
		nm[0] = kind;
		memcpy(nm + 1, name, namelen);
		nm[namelen + 1] = '\0';
		(*named)[doc->n].name = nm;
	}
	doc->ids[doc->n++] = id;
	return true;
}

/* The character n-grams of "<token>" */
static void
CharNgrams(ClfFeaturizer *fz, const char *t, int tlen, ClfDoc *doc, NamedId **named)
{
	char		w[TEXTCONF_MAX_TOKEN_LEN * 4 + 2];
	int			starts[TEXTCONF_MAX_TOKEN_LEN * 4 + 3];
	int			nch = 0,
				wl;

	if (tlen > TEXTCONF_MAX_TOKEN_LEN * 4)
		return;
	w[0] = '<';
	memcpy(w + 1, t, tlen);
	w[tlen + 1] = '>';
	wl = tlen + 2;
	for (int i = 0; i < wl; i += pg_utf_mblen((const unsigned char *) w + i))
		starts[nch++] = i;
	starts[nch] = wl;
	for (int n = fz->opt.char_min; n <= fz->opt.char_max; n++)
		for (int c = 0; c + n <= nch; c++)
		{
			const char *g = w + starts[c];
			int			gl = starts[c + n] - starts[c];

			if (!AddFeature(doc, Bucket(fz, HashBytes(SEED_CHAR, g, gl)), named, 'c', g, gl))
				return;
		}
}

/* The sparse features of the tokens collected in fz */
static void
SparseFeatures(ClfFeaturizer *fz, ClfDoc *doc, NamedId **named)
{
	int64		next_check = TEXT_INTERRUPT_INTERVAL;
	uint64		left = 0;		/* the previous token hashed as a bigram's first word */

	for (int i = 0; i < fz->ntok; i++)
	{
		const char *t = fz->buf.data + fz->off[i];
		int			tl = fz->len[i];
		uint64		uni = SEED_UNIGRAM,
					next = SEED_BIGRAM;

		TextCheckInterrupts(i, &next_check);
		HashBytes2(&uni, &next, t, tl);
		if (!AddFeature(doc, Bucket(fz, uni), named, 'u', t, tl))
			return;
		if (fz->opt.bigrams && i > 0)
		{
			const char *p = fz->buf.data + fz->off[i - 1];
			uint64		h;
			char	   *name = NULL;

			h = HashBytes(left ^ 0x20, t, tl);
			if (named)
				name = psprintf("%.*s %.*s", fz->len[i - 1], p, tl, t);
			if (!AddFeature(doc, Bucket(fz, h), named, 'b', name ? name : "", name ? strlen(name) : 0))
				return;
		}
		if (fz->opt.char_min > 0)
			CharNgrams(fz, t, tl, doc, named);
		left = next;
	}
}

/* qsort comparators */
static int
CompareIds(const void *a, const void *b)
{
	uint32		x = *(const uint32 *) a,
				y = *(const uint32 *) b;

	return (x > y) - (x < y);
}

static int
CompareNamed(const void *a, const void *b)
{
	const NamedId *x = a,
			   *y = b;
	int			r = (x->id > y->id) - (x->id < y->id);

	return r != 0 ? r : strcmp(x->name, y->name);
}

/*
 * Sort ids (below 2^bits) ascending: for a tweet's few dozen features, spread
 * them over 32 ranges by their top bits first (hashes fill the ranges evenly),
 * so that the insertion sort only moves ids within a range; qsort beyond 64.
 */
static void
SortIds(uint32 *ids, int n, int bits)
{
	if (n > 64)
	{
		qsort(ids, n, sizeof(uint32), CompareIds);
		return;
	}
	if (n >= 16)
	{
		uint32		tmp[64];
		int			at[33] = {0};
		int			shift = bits - 5;

		for (int i = 0; i < n; i++)
			at[(ids[i] >> shift) + 1]++;
		for (int b = 1; b <= 32; b++)
			at[b] += at[b - 1];
		for (int i = 0; i < n; i++)
			tmp[at[ids[i] >> shift]++] = ids[i];
		memcpy(ids, tmp, sizeof(uint32) * n);
	}
	for (int i = 1; i < n; i++)
	{
		uint32		x = ids[i];
		int			j = i;

		for (; j > 0 && ids[j - 1] > x; j--)
			ids[j] = ids[j - 1];
		ids[j] = x;
	}
}

/* Sort the features and keep each bucket once */
static void
Dedupe(ClfDoc *doc, NamedId *named, int bits)
{
	int			n = 0;

	if (named)
	{
		qsort(named, doc->n, sizeof(NamedId), CompareNamed);
		doc->names = palloc(sizeof(char *) * Max(doc->n, 1));
		for (int i = 0; i < doc->n; i++)
			if (n == 0 || named[i].id != doc->ids[n - 1])
			{
				doc->ids[n] = named[i].id;
				doc->names[n++] = named[i].name;
			}
	}
	else
	{
		SortIds(doc->ids, doc->n, bits);
		for (int i = 0; i < doc->n; i++)
			if (n == 0 || doc->ids[i] != doc->ids[n - 1])
				doc->ids[n++] = doc->ids[i];
	}
	doc->n = n;
}

/* Count scaled into [0, 1]: min(n, cap) / cap */
static inline float
Capped(int n, int cap)
{
	return (float) Min(n, cap) / cap;
}

/*
 * The dense signals of an analyzed text; false when its sums are not finite.
 * interruptible: check for interrupts (never in a helper thread).
 */
static bool
SignalsOfDoc(const SocialDoc *sd, float *dense, bool interruptible)
{
	int64		next_check = TEXT_INTERRUPT_INTERVAL;
	SentimentScore score;
	double		pos = 0,
				neg = 0;
	int			negated = 0,
				epos = 0,
				eneg = 0,
				caps = 0,
				contrast = 0,
				elong = 0;

	if (sd->overflow || !SocialSummarizeSums(sd, &score))
		return false;
	for (int i = 0; i < sd->ntoks; i++)
	{
		const SocialToken *t = &sd->toks[i];
		double		c = (double) t->valence * t->weight;

		if (interruptible)
			TextCheckInterrupts(i, &next_check);
		pos += Max(c, 0);
		neg += Max(-c, 0);
		negated += (t->rules & R_NEGATED) && c != 0;
		epos += t->kind == TK_EMOTICON && c > 0;
		eneg += t->kind == TK_EMOTICON && c < 0;
		caps += t->kind == TK_WORD && (t->flags & TF_CAPS) != 0;
		contrast |= (t->rules & (R_AFTER_BUT | R_BEFORE_BUT | R_CONCESSION)) != 0;
		elong |= (t->flags & TF_ELONG) != 0;
	}
	dense[0] = score.polarity;
	dense[1] = score.subjectivity;
	dense[2] = pos / (pos + 2.0);
	dense[3] = neg / (neg + 2.0);
	dense[4] = Capped(negated, 3);
	dense[5] = Capped(epos, 3);
	dense[6] = Capped(eneg, 3);
	dense[7] = Capped(caps, 3);
	dense[8] = contrast;
	dense[9] = Capped(sd->nexcl, 4);
	dense[10] = Capped(sd->nquest, 3);
	dense[11] = sd->sarcasm;
	dense[12] = elong;
	return true;
}

/* The dense signals of the social analyzer (any length: allocates, checks for interrupts) */
static void
SocialSignals(const char *text, int len, float *dense)
{
	SocialDoc	sd;

	memset(dense, 0, sizeof(float) * CLF_NDENSE);
	if (len <= 0)
		return;
	SocialAnalyzeDoc(&sd, text, len);
	if (!SignalsOfDoc(&sd, dense, true))
		SocialNonFiniteSum();		/* the only failure outside scratch buffers */
	SocialFreeDoc(&sd);
}

/* The sparse features of a text into doc (tokenizer, hashing, dedupe) */
static void
SparseOf(ClfFeaturizer *fz, const char *text, int len, ClfDoc *doc, bool names)
{
	NamedId    *named = NULL;

	resetStringInfo(&fz->buf);
	fz->ntok = 0;
	doc->n = 0;
	doc->names = NULL;
	if (doc->cap == 0)
	{
		/* with the featurizer: callers may score from short-lived contexts */
		doc->cap = 64;
		doc->ids = MemoryContextAlloc(GetMemoryChunkContext(fz), sizeof(uint32) * doc->cap);
	}
	if (names)
		named = palloc(sizeof(NamedId) * doc->cap);
	TokenizeText(fz->tok, text, len, CollectToken, fz);
	SparseFeatures(fz, doc, names ? &named : NULL);
	Dedupe(doc, named, fz->opt.hash_bits);
}

/*
 * The features of a text into doc (doc->ids reused between calls); with names,
 * doc->names[i] is a feature of bucket doc->ids[i]: its kind ('u' unigram,
 * 'b' bigram, 'c' character n-gram) followed by its text.
 */
void
ClfExtract(ClfFeaturizer *fz, const char *text, int len, ClfDoc *doc, bool names)
{
	SparseOf(fz, text, len, doc, names);
	if (fz->opt.social)
		SocialSignals(text, len, doc->dense);
	else
		memset(doc->dense, 0, sizeof(doc->dense));
}

/* ---- many texts at once: the social signals beside the tokenizer ---- */

#define SIGNAL_CHUNK 16			/* texts claimed at a time */

StaticAssertDecl(CLF_BATCH_TEXT_MAX == SOCIAL_SCRATCH_MAX,
				 "a batch text must fit the social analyzer's scratch buffers");

/* The social signals of a batch, shared by the backend and the helper thread */
typedef struct SignalJobs
{
	const char *const *texts;
	const int  *lens;
	int			n;
	float	   *dense;			/* n * CLF_NDENSE */
	bool	   *backend;		/* n: left to the backend (longer than the scratch buffers, or
								 * can't happen: overflow, non-finite sums) */
	pg_atomic_uint32 next;		/* the next text to claim */
	SocialScratch *scratch[2];	/* the backend's, the helper's */
} SignalJobs;

/* Analyze texts of the batch, SIGNAL_CHUNK at a time, until none is left (thread-safe) */
static void
RunSignalJobs(SignalJobs *jobs, SocialScratch *scratch)
{
	for (;;)
	{
		uint32		from = pg_atomic_fetch_add_u32(&jobs->next, SIGNAL_CHUNK);

		if (from >= (uint32) jobs->n)
			return;
		for (int i = from; i < Min((int) from + SIGNAL_CHUNK, jobs->n); i++)
		{
			SocialDoc	sd;
			float	   *dense = jobs->dense + (Size) i * CLF_NDENSE;

			memset(dense, 0, sizeof(float) * CLF_NDENSE);
			if (jobs->lens[i] <= 0 || jobs->backend[i])
				continue;
			SocialAnalyzeScratch(&sd, scratch, jobs->texts[i], jobs->lens[i]);
			jobs->backend[i] = !SignalsOfDoc(&sd, dense, false);
		}
	}
}

/* pthread entry point: the helper's share of the signals */
static void *
SignalThread(void *arg)
{
	SignalJobs *jobs = (SignalJobs *) arg;

	RunSignalJobs(jobs, jobs->scratch[1]);
	return NULL;
}

/* The sparse features of n texts, handed to sink in order */
static void
SparseBatch(ClfFeaturizer *fz, int n, const char *const *texts, const int *lens,
			ClfBatchSink sink, void *arg)
{
	for (int i = 0; i < n; i++)
	{
		SparseOf(fz, texts[i], lens[i], &fz->batchdoc, false);
		sink(arg, i, &fz->batchdoc);
	}
}

/*
 * The features of n texts: sink(arg, i, doc) receives the sparse features of
 * text i in order (doc->dense unset), and the social signals of text i go to
 * dense[i * CLF_NDENSE] (without the social option, zeros).  The signals of
 * texts of up to CLF_BATCH_TEXT_MAX bytes are computed by a helper thread
 * while the backend tokenizes, then by both; longer ones by the backend
 * afterwards.  Every text gives exactly what ClfExtract() gives, whichever
 * thread analyzed it.  The backend joins the helper before returning or
 * raising an error (from the tokenizer or sink).
 */
void
ClfExtractBatch(ClfFeaturizer *fz, int n, const char *const *texts, const int *lens,
				float *dense, ClfBatchSink sink, void *arg)
{
	SignalJobs	jobs;
	pthread_t	th;
	bool		threaded = false;

	if (!fz->opt.social)
	{
		memset(dense, 0, sizeof(float) * CLF_NDENSE * n);
		SparseBatch(fz, n, texts, lens, sink, arg);
		return;
	}
	SocialLexiconEnsureLoaded();
	if (batch_scratch[1] == NULL)
	{
		batch_scratch[0] = MemoryContextAlloc(TopMemoryContext, sizeof(SocialScratch));
		batch_scratch[1] = MemoryContextAlloc(TopMemoryContext, sizeof(SocialScratch));
	}
	jobs.texts = texts;
	jobs.lens = lens;
	jobs.n = n;
	jobs.dense = dense;
	jobs.backend = palloc(sizeof(bool) * Max(n, 1));
	for (int i = 0; i < n; i++)
		jobs.backend[i] = lens[i] > CLF_BATCH_TEXT_MAX;
	pg_atomic_init_u32(&jobs.next, 0);
	jobs.scratch[0] = batch_scratch[0];
	jobs.scratch[1] = batch_scratch[1];
	PG_TRY();
	{
		threaded = HelperThreadStart(&th, SignalThread, &jobs);
		SparseBatch(fz, n, texts, lens, sink, arg);
		RunSignalJobs(&jobs, jobs.scratch[0]);
	}
	PG_FINALLY();
	{
		if (threaded)
		{
			/* on error, the helper stops after its current chunk */
			pg_atomic_write_u32(&jobs.next, (uint32) n);
			pthread_join(th, NULL);
		}
	}
	PG_END_TRY();
	for (int i = 0; i < n; i++)
		if (jobs.backend[i])
			SocialSignals(texts[i], lens[i], dense + (Size) i * CLF_NDENSE);
	pfree(jobs.backend);
}
