/*
 * classifier_train.c
 *		The aggregate tweetlda.sentiment_classifier(text, label [, params]):
 *		collects the features of every labelled text, then trains a
 *		sentiment_model (sentiment_classifier.h) in its final function.
 *
 * Aggregate state (ClfState): the parameters, the text configuration with its
 * stopword snapshot (serialized: exactly what the model stores and what the
 * featurizer of every process uses), the labels seen, and per example its
 * text hash, label, distinct feature buckets and dense signals, in flat
 * arrays.  The transition extracts the features of a row (tokenizer, social
 * analyzer, hashing: the expensive part), texts of up to CLF_BATCH_TEXT_MAX
 * bytes in batches whose social signals a helper thread computes
 * (ClfExtractBatch); every function that reads the examples flushes the batch
 * first.  COMBINEFUNC concatenates two states
 * (labels are merged by name); SERIALFUNC / DESERIALFUNC write and re-check
 * the state, so partial aggregation runs in parallel workers.  Training does
 * not split into partial models (L-BFGS is a full-batch optimizer): the final
 * function trains in the leader, sharing the work of 4,096 examples or more
 * with one helper thread (the same model bit for bit).
 *
 * Determinism: the final function sorts the examples by a content hash (the
 * FNV-1a of their features, signals and label, ties broken by the full
 * content) and the labels by their bytes, so the order in which rows and
 * partial states arrive does not matter; the held-out slice and the
 * cross-validation folds are chosen from a hash of each text and the seed (the
 * same text always falls on the same side, so duplicates never leak across).
 */
#include "postgres.h"

#include <math.h>

#include "fmgr.h"
#include "libpq/pqformat.h"
#include "mb/pg_wchar.h"
#include "port/atomics.h"
#include "utils/builtins.h"
#include "utils/jsonb.h"
#include "utils/memutils.h"
#include "utils/timestamp.h"

#include "options.h"
#include "bigalloc.h"
#include "helper_thread.h"
#include "sentiment_classifier.h"
#include "text_interrupts.h"
#include "tweetlda.h"

#define CLF_STATE_VERSION 1

static const char *const clf_keys[] = {"l2", "class_weight", "max_iter", "tolerance",
	"holdout", "cv_folds", "seed", "bigrams", "char_ngrams", "hash_bits", "social",
"min_df", "text_config", NULL};
static const OptionSet clf_options = {"sentiment classifier parameter",
	"sentiment classifier parameters", "Pass a jsonb object such as '{\"l2\": 1.0}'.", clf_keys};

/* Default text configuration of a classifier: every word counts ("not"), no stemming */
#define CLF_DEFAULT_TEXT_CONFIG "{\"stopwords\": false, \"stem\": false, \"min_length\": 1}"

typedef struct ClfState
{
	Jsonb	   *params_jb;		/* as given (NULL: defaults) */
	ClfParams	params;
	StringInfoData textconf;	/* serialized, with its stopword snapshot */
	ClfFeaturizer *fz;			/* built on the first transition of a process */
	ClfDoc		doc;
	int			nd;				/* dense signals per example */
	int			nlabels;
	char	  **labels;
	int64		nex;
	int64		excap;
	uint64	   *texthash;
	int32	   *label;
	int64	   *start;			/* nex + 1 */
	uint32	   *feats;
	int64		featcap;
	float	   *dense;			/* nex * nd */
	int64		skipped;
	/* the chunks behind texthash, label, start, feats, dense (GrowArray) */
	void	   *chunk[5];
	/* texts waiting for their features (at most CLF_BATCH_TEXT_MAX bytes each) */
	int			nbatch;
	int			batchcap;		/* grows to CLF_BATCH (many small groups stay small) */
	StringInfoData batchbuf;	/* their bytes */
	int		   *batchoff;		/* per text: offset in batchbuf, length, label, hash */
	int		   *batchlen;
	int32	   *batchlabel;
	uint64	   *batchhash;
} ClfState;

/* Rows of the data set mapped between interrupt checks (BuildData) */
#define BUILD_BLOCK			(1 << 20)

/* Texts featurized together (ClfExtractBatch), and the bytes that flush a batch early */
#define CLF_BATCH			1024
#define CLF_BATCH_BYTES		(256 * 1024)

/* Apply one parameter */
static void
ApplyParam(void *arg, const char *key, JsonbValue *v)
{
	ClfParams  *p = (ClfParams *) arg;
	const OptionSet *o = &clf_options;

	if (strcmp(key, "l2") == 0)
		p->l2 = OptionFloat(o, key, v, 0, 1e6);
	else if (strcmp(key, "max_iter") == 0)
		p->max_iter = OptionInt(o, key, v, 1, CLF_MAX_ITER);
	else if (strcmp(key, "tolerance") == 0)
	{
		p->tolerance = OptionFloat(o, key, v, 0, 1);
		if (p->tolerance <= 0)
			OptionBadValue(o, key, "a number greater than 0 and at most 1");
	}
	else if (strcmp(key, "holdout") == 0)
		p->holdout = OptionFloat(o, key, v, 0, 0.9);
	else if (strcmp(key, "cv_folds") == 0)
	{
		p->cv_folds = OptionInt(o, key, v, 0, CLF_MAX_FOLDS);
		if (p->cv_folds == 1)
			OptionBadValue(o, key, psprintf("0 (none) or an integer between 2 and %d", CLF_MAX_FOLDS));
	}
	else if (strcmp(key, "min_df") == 0)
		p->min_df = OptionInt(o, key, v, 1, 1000000);
	else if (strcmp(key, "seed") == 0)
		p->seed = OptionInt64(o, key, v);
	else if (strcmp(key, "bigrams") == 0)
		p->feat.bigrams = OptionBool(o, key, v);
	else if (strcmp(key, "social") == 0)
		p->feat.social = OptionBool(o, key, v);
	else if (strcmp(key, "hash_bits") == 0)
		p->feat.hash_bits = OptionInt(o, key, v, CLF_MIN_HASH_BITS, CLF_MAX_HASH_BITS);
	else if (strcmp(key, "class_weight") == 0)
	{
		char	   *s = OptionText(o, key, v);

		if (strcmp(s, "balanced") == 0)
			p->class_weight = CLF_WEIGHT_BALANCED;
		else if (strcmp(s, "none") == 0)
			p->class_weight = CLF_WEIGHT_NONE;
		else
			OptionBadValue(o, key, "\"balanced\" or \"none\"");
	}
	else if (strcmp(key, "char_ngrams") == 0)
	{
		if (v->type == jbvBool && !v->val.boolean)
			p->feat.char_min = p->feat.char_max = 0;
		else
		{
			char		detail[128];
			JsonbIterator *it;
			JsonbValue	e;
			int			n = 0,
						lohi[2] = {0, 0};
			JsonbIteratorToken r;

			snprintf(detail, sizeof(detail), "false or an array [min, max] of integers with 1 <= min <= max <= %d",
					 CLF_MAX_CHAR_N);
			if (v->type != jbvBinary || !JsonContainerIsArray(v->val.binary.data) ||
				JsonContainerIsScalar(v->val.binary.data))
				OptionBadValue(o, key, detail);
			it = JsonbIteratorInit(v->val.binary.data);
			while ((r = JsonbIteratorNext(&it, &e, true)) != WJB_DONE)
			{
				if (r != WJB_ELEM)
					continue;
				if (n >= 2 || e.type != jbvNumeric)
					OptionBadValue(o, key, detail);
				lohi[n++] = OptionInt(o, key, &e, 1, CLF_MAX_CHAR_N);
			}
			if (n != 2 || lohi[0] > lohi[1])
				OptionBadValue(o, key, detail);
			p->feat.char_min = lohi[0];
			p->feat.char_max = lohi[1];
		}
	}
	else if (strcmp(key, "text_config") == 0)
	{
		Jsonb	   *user = JsonbValueToJsonb(v);
		Jsonb	   *def = DatumGetJsonbP(DirectFunctionCall1(jsonb_in, CStringGetDatum(CLF_DEFAULT_TEXT_CONFIG)));

		if (!JB_ROOT_IS_OBJECT(user) || JB_ROOT_IS_SCALAR(user))
			OptionBadValue(o, key, "a JSON object (see tweetlda.text_config())");
		p->textconf = TextConfigFromJsonb(DatumGetJsonbP(DirectFunctionCall2(jsonb_concat,
																			 JsonbPGetDatum(def),
																			 JsonbPGetDatum(user))));
	}
	else
		OptionUnknown(o, key);
}

/* Parse the parameters (NULL: all defaults) */
static void
ParseParams(Jsonb *jb, ClfParams *p)
{
	memset(p, 0, sizeof(*p));
	p->feat.hash_bits = CLF_DEFAULT_HASH_BITS;
	p->feat.bigrams = true;
	p->feat.social = true;
	p->l2 = 1.0;
	p->class_weight = CLF_WEIGHT_BALANCED;
	p->max_iter = 200;
	p->tolerance = 1e-3;
	p->min_df = 2;
	p->holdout = 0;
	p->seed = 42;
	if (jb)
		OptionsParse(jb, &clf_options, ApplyParam, p);
	if (p->textconf == NULL)
		p->textconf = TextConfigFromJsonb(DatumGetJsonbP(DirectFunctionCall1(jsonb_in,
																			 CStringGetDatum(CLF_DEFAULT_TEXT_CONFIG))));
}

PG_FUNCTION_INFO_V1(sentiment_classifier_check_params);
/* tweetlda.sentiment_classifier_check_params(params): error unless they are valid */
Datum
sentiment_classifier_check_params(PG_FUNCTION_ARGS)
{
	ClfParams	p;

	ParseParams(PG_GETARG_JSONB_P(0), &p);
	PG_RETURN_VOID();
}

/* The example arrays of st are chunks of their own */
static void
SetChunks(ClfState *st)
{
	st->chunk[0] = st->texthash;
	st->chunk[1] = st->label;
	st->chunk[2] = st->start;
	st->chunk[3] = st->feats;
	st->chunk[4] = st->dense;
}

/*
 * The array a (its chunk *chunk) grown from oldbytes to newbytes, contents
 * kept; big ones on huge pages (BigAlloc): filling the arrays of
 * 16,000 tweets took some 800 page faults on 4 kB pages and repalloc's copies
 * within them.
 */
static void *
GrowArray(void *a, Size oldbytes, Size newbytes, void **chunk)
{
	void	   *b = BigAlloc(CurrentMemoryContext, newbytes, false);

	memcpy(b, a, oldbytes);
	pfree(*chunk);
	*chunk = BigChunk(b);
	return b;
}

/* A new, empty state in the current (aggregate) context */
static ClfState *
NewState(Jsonb *params)
{
	ClfState   *st = palloc0(sizeof(ClfState));

	st->params_jb = params ? (Jsonb *) PG_DETOAST_DATUM_COPY(JsonbPGetDatum(params)) : NULL;
	ParseParams(st->params_jb, &st->params);
	st->nd = st->params.feat.social ? CLF_NDENSE : 0;
	initStringInfo(&st->textconf);
	st->excap = 1024;
	st->texthash = palloc(sizeof(uint64) * st->excap);
	st->label = palloc(sizeof(int32) * st->excap);
	st->start = palloc(sizeof(int64) * (st->excap + 1));
	st->start[0] = 0;
	st->dense = palloc(sizeof(float) * st->excap * Max(st->nd, 1));
	st->featcap = 16384;
	st->feats = palloc(sizeof(uint32) * st->featcap);
	st->labels = palloc(sizeof(char *) * CLF_MAX_CLASSES);
	SetChunks(st);
	return st;
}

/* Error: too many distinct labels */
static void
pg_attribute_noreturn()
TooManyLabels(void)
{
	ereport(ERROR,
			(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
			 errmsg("too many distinct sentiment labels"),
			 errdetail("A classifier has at most %d classes.", CLF_MAX_CLASSES),
			 errhint("Check that the second column of the training query is the label, not the text.")));
}

/* The index of a label in the state, added if new */
static int
LabelIndex(ClfState *st, const char *s, int len)
{
	for (int i = 0; i < st->nlabels; i++)
		if (strncmp(st->labels[i], s, len) == 0 && st->labels[i][len] == '\0')
			return i;
	if (len == 0 || len > CLF_MAX_LABEL_BYTES || memchr(s, '\0', len) != NULL)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("invalid sentiment label"),
				 errdetail("A label must have between 1 and %d bytes.", CLF_MAX_LABEL_BYTES)));
	if (st->nlabels >= CLF_MAX_CLASSES)
		TooManyLabels();
	st->labels[st->nlabels] = pnstrdup(s, len);
	return st->nlabels++;
}

/* Room for one more example with nfeat features */
static void
Reserve(ClfState *st, int nfeat)
{
	if (st->nex >= CLF_MAX_EXAMPLES)
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("too many training examples for a sentiment classifier"),
				 errdetail("The limit is " INT64_FORMAT " examples.", CLF_MAX_EXAMPLES)));
	if (st->nex == st->excap)
	{
		Size		n = st->nex,
					nd = Max(st->nd, 1);

		st->excap *= 2;
		st->texthash = GrowArray(st->texthash, sizeof(uint64) * n, sizeof(uint64) * st->excap,
								 &st->chunk[0]);
		st->label = GrowArray(st->label, sizeof(int32) * n, sizeof(int32) * st->excap,
							  &st->chunk[1]);
		st->start = GrowArray(st->start, sizeof(int64) * (n + 1),
							  sizeof(int64) * (st->excap + 1), &st->chunk[2]);
		st->dense = GrowArray(st->dense, sizeof(float) * n * nd, sizeof(float) * st->excap * nd,
							  &st->chunk[4]);
	}
	if (st->start[st->nex] + nfeat > st->featcap)
	{
		int64		used = st->start[st->nex];

		while (used + nfeat > st->featcap)
			st->featcap *= 2;
		st->feats = GrowArray(st->feats, sizeof(uint32) * used, sizeof(uint32) * st->featcap,
							  &st->chunk[3]);
	}
}

/* FNV-1a 64 of bytes */
static uint64
HashText(const char *p, int len)
{
	uint64		h = UINT64CONST(0xcbf29ce484222325);

	for (int i = 0; i < len; i++)
	{
		h ^= (unsigned char) p[i];
		h *= UINT64CONST(0x100000001b3);
	}
	return h;
}

/* Prepare the text configuration and featurizer of a process (first transition) */
static void
PrepareFeaturizer(ClfState *st)
{
	if (st->textconf.len == 0)
	{
		TextConfigExportSnapshot(st->params.textconf);
		TextConfigSerialize(&st->textconf, st->params.textconf);
	}
	st->fz = ClfFeaturizerCreate(&st->params.feat,
								 TextConfigDeserialize(st->textconf.data, st->textconf.len));
}

/* Append an example whose sparse features are doc's (its dense signals set by the caller) */
static void
AppendExample(ClfState *st, uint64 texthash, int label, const ClfDoc *d)
{
	Reserve(st, d->n);
	st->texthash[st->nex] = texthash;
	st->label[st->nex] = label;
	memcpy(st->feats + st->start[st->nex], d->ids, sizeof(uint32) * d->n);
	st->start[st->nex + 1] = st->start[st->nex] + d->n;
	st->nex++;
}

/* Batch sink: text i of the batch becomes an example */
static void
BatchSink(void *arg, int i, const ClfDoc *doc)
{
	ClfState   *st = (ClfState *) arg;

	AppendExample(st, st->batchhash[i], st->batchlabel[i], doc);
}

/* Featurize the texts of the batch into examples (in st's memory context) */
static void
FlushBatch(ClfState *st)
{
	const char *texts[CLF_BATCH];
	int64		first = st->nex;
	MemoryContext old;

	float	   *dense;

	if (st->nbatch == 0)
		return;
	old = MemoryContextSwitchTo(GetMemoryChunkContext(st));
	dense = palloc(sizeof(float) * CLF_NDENSE * st->nbatch);
	for (int i = 0; i < st->nbatch; i++)
		texts[i] = st->batchbuf.data + st->batchoff[i];
	ClfExtractBatch(st->fz, st->nbatch, texts, st->batchlen, dense, BatchSink, st);
	for (int i = 0; i < st->nbatch; i++)
		memcpy(st->dense + (first + i) * st->nd, dense + (Size) i * CLF_NDENSE,
			   sizeof(float) * st->nd);
	pfree(dense);
	st->nbatch = 0;
	resetStringInfo(&st->batchbuf);
	MemoryContextSwitchTo(old);
}

/* Queue a short text for the next batch */
static void
QueueText(ClfState *st, const char *text, int len, int label, uint64 hash)
{
	if (st->batchoff == NULL)
	{
		initStringInfo(&st->batchbuf);
		st->batchcap = 16;
		st->batchoff = palloc(sizeof(int) * st->batchcap);
		st->batchlen = palloc(sizeof(int) * st->batchcap);
		st->batchlabel = palloc(sizeof(int32) * st->batchcap);
		st->batchhash = palloc(sizeof(uint64) * st->batchcap);
	}
	else if (st->nbatch == st->batchcap)
	{
		st->batchcap *= 2;
		st->batchoff = repalloc(st->batchoff, sizeof(int) * st->batchcap);
		st->batchlen = repalloc(st->batchlen, sizeof(int) * st->batchcap);
		st->batchlabel = repalloc(st->batchlabel, sizeof(int32) * st->batchcap);
		st->batchhash = repalloc(st->batchhash, sizeof(uint64) * st->batchcap);
	}
	st->batchoff[st->nbatch] = st->batchbuf.len;
	st->batchlen[st->nbatch] = len;
	st->batchlabel[st->nbatch] = label;
	st->batchhash[st->nbatch] = hash;
	appendBinaryStringInfo(&st->batchbuf, text, len);
	st->nbatch++;
	if (st->nbatch == CLF_BATCH || st->batchbuf.len >= CLF_BATCH_BYTES)
		FlushBatch(st);
}

/*
 * Add one labelled text: texts of up to CLF_BATCH_TEXT_MAX bytes wait for a
 * batch (featurized with the social signals in a helper thread), longer ones,
 * whose signals the helper would not take anyway, are featurized at once
 * rather than copied.  The examples' order in the state does not matter
 * (the final function sorts them).
 */
static void
AddExample(ClfState *st, text *doc, text *label)
{
	int			li = LabelIndex(st, VARDATA_ANY(label), VARSIZE_ANY_EXHDR(label));
	const char *s = VARDATA_ANY(doc);
	int			len = VARSIZE_ANY_EXHDR(doc);
	uint64		hash = HashText(s, len);

	if (st->fz == NULL)
		PrepareFeaturizer(st);
	if (len <= CLF_BATCH_TEXT_MAX)
	{
		QueueText(st, s, len, li, hash);
		return;
	}
	ClfExtract(st->fz, s, len, &st->doc, false);
	AppendExample(st, hash, li, &st->doc);
	memcpy(st->dense + (st->nex - 1) * st->nd, st->doc.dense, sizeof(float) * st->nd);
}

/* Error unless params (NULL: defaults) are the parameters the state was made with */
static void
CheckSameParams(const ClfState *st, Jsonb *params)
{
	const Jsonb *a = st->params_jb;

	if ((a == NULL) != (params == NULL) ||
		(a != NULL && (VARSIZE(a) != VARSIZE(params) || memcmp(a, params, VARSIZE(a)) != 0)))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("sentiment classifier parameters must be the same in every row"),
				 errhint("Pass the parameters as a constant.")));
}

PG_FUNCTION_INFO_V1(sentiment_classifier_transfn);
/* Transition: extract the features of one labelled text (rows with a NULL are counted) */
Datum
sentiment_classifier_transfn(PG_FUNCTION_ARGS)
{
	MemoryContext aggcxt = AggregateContext(fcinfo, "sentiment_classifier_transfn");
	ClfState   *st = PG_ARGISNULL(0) ? NULL : (ClfState *) PG_GETARG_POINTER(0);
	MemoryContext old;

	old = MemoryContextSwitchTo(aggcxt);
	if (st == NULL)
	{
		CheckDatabaseEncoding();
		st = NewState((PG_NARGS() > 3 && !PG_ARGISNULL(3)) ? PG_GETARG_JSONB_P(3) : NULL);
	}
	else if (PG_NARGS() > 3)
		CheckSameParams(st, PG_ARGISNULL(3) ? NULL : PG_GETARG_JSONB_P(3));
	if (PG_ARGISNULL(1) || PG_ARGISNULL(2))
		st->skipped++;
	else
		AddExample(st, PG_GETARG_TEXT_PP(1), PG_GETARG_TEXT_PP(2));
	MemoryContextSwitchTo(old);
	PG_RETURN_POINTER(st);
}

/* Append the examples of b to a (labels merged by name) */
static void
AppendState(ClfState *a, const ClfState *b)
{
	int			map[CLF_MAX_CLASSES];

	for (int i = 0; i < b->nlabels; i++)
		map[i] = LabelIndex(a, b->labels[i], strlen(b->labels[i]));
	for (int64 i = 0; i < b->nex; i++)
	{
		int			n = b->start[i + 1] - b->start[i];

		if ((i & 4095) == 0)
			CHECK_FOR_INTERRUPTS();
		Reserve(a, n);
		a->texthash[a->nex] = b->texthash[i];
		a->label[a->nex] = map[b->label[i]];
		memcpy(a->feats + a->start[a->nex], b->feats + b->start[i], sizeof(uint32) * n);
		memcpy(a->dense + a->nex * a->nd, b->dense + i * b->nd, sizeof(float) * a->nd);
		a->start[a->nex + 1] = a->start[a->nex] + n;
		a->nex++;
	}
	a->skipped += b->skipped;
	if (a->textconf.len == 0 && b->textconf.len > 0)
		appendBinaryStringInfo(&a->textconf, b->textconf.data, b->textconf.len);
}

PG_FUNCTION_INFO_V1(sentiment_classifier_combinefn);
/* Combine two partial states */
Datum
sentiment_classifier_combinefn(PG_FUNCTION_ARGS)
{
	MemoryContext aggcxt = AggregateContext(fcinfo, "sentiment_classifier_combinefn");
	ClfState   *a = PG_ARGISNULL(0) ? NULL : (ClfState *) PG_GETARG_POINTER(0);
	ClfState   *b = PG_ARGISNULL(1) ? NULL : (ClfState *) PG_GETARG_POINTER(1);
	MemoryContext old;

	if (b == NULL)
		PG_RETURN_POINTER(a);
	if (a != NULL)
		FlushBatch(a);
	FlushBatch(b);
	old = MemoryContextSwitchTo(aggcxt);
	if (a == NULL)
		a = NewState(b->params_jb);
	CheckSameParams(a, b->params_jb);
	AppendState(a, b);
	MemoryContextSwitchTo(old);
	PG_RETURN_POINTER(a);
}

PG_FUNCTION_INFO_V1(sentiment_classifier_serialfn);
/* Serialize a state: version, parameters, text configuration, labels, examples */
Datum
sentiment_classifier_serialfn(PG_FUNCTION_ARGS)
{
	ClfState   *st = (ClfState *) PG_GETARG_POINTER(0);
	StringInfoData buf;
	int			plen = st->params_jb ? VARSIZE(st->params_jb) : 0;

	(void) AggregateContext(fcinfo, "sentiment_classifier_serialfn");
	FlushBatch(st);
	pq_begintypsend(&buf);
	pq_sendint32(&buf, CLF_STATE_VERSION);
	pq_sendint32(&buf, plen);
	pq_sendbytes(&buf, (char *) st->params_jb, plen);
	pq_sendint32(&buf, st->textconf.len);
	pq_sendbytes(&buf, st->textconf.data, st->textconf.len);
	pq_sendint32(&buf, st->nlabels);
	for (int i = 0; i < st->nlabels; i++)
	{
		pq_sendint32(&buf, strlen(st->labels[i]));
		pq_sendbytes(&buf, st->labels[i], strlen(st->labels[i]));
	}
	pq_sendint64(&buf, st->skipped);
	pq_sendint64(&buf, st->nex);
	pq_sendint64(&buf, st->start[st->nex]);
	pq_sendbytes(&buf, (char *) st->texthash, sizeof(uint64) * st->nex);
	pq_sendbytes(&buf, (char *) st->label, sizeof(int32) * st->nex);
	pq_sendbytes(&buf, (char *) st->start, sizeof(int64) * (st->nex + 1));
	pq_sendbytes(&buf, (char *) st->feats, sizeof(uint32) * st->start[st->nex]);
	pq_sendbytes(&buf, (char *) st->dense, sizeof(float) * st->nex * st->nd);
	PG_RETURN_BYTEA_P(pq_endtypsend(&buf));
}

/* Report a corrupt serialized state */
static void
pg_attribute_noreturn()
BadState(const char *detail)
{
	ereport(ERROR,
			(errcode(ERRCODE_INVALID_BINARY_REPRESENTATION),
			 errmsg("invalid sentiment_classifier aggregate state"),
			 errdetail("%s", detail)));
}

/* Read n bytes into a new buffer after checking they are there */
static void *
GetBytes(StringInfo buf, Size n)
{
	void	   *p;

	if (n > (Size) (buf->len - buf->cursor))
		BadState("The state is truncated.");
	p = MemoryContextAllocHuge(CurrentMemoryContext, Max(n, 1));
	pq_copymsgbytes(buf, p, n);
	return p;
}

/* Check the example arrays of a deserialized state */
static void
CheckExamples(ClfState *st, int64 nfeats)
{
	uint64		nbuckets = UINT64CONST(1) << st->params.feat.hash_bits;

	if (st->start[0] != 0 || st->start[st->nex] != nfeats)
		BadState("The feature offsets are inconsistent.");
	for (int64 i = 0; i < st->nex; i++)
	{
		if (st->label[i] < 0 || st->label[i] >= st->nlabels ||
			st->start[i + 1] < st->start[i] || st->start[i + 1] - st->start[i] > CLF_MAX_DOC_FEATURES)
			BadState("An example is out of range.");
		for (int64 j = st->start[i]; j < st->start[i + 1]; j++)
			if (st->feats[j] >= nbuckets || (j > st->start[i] && st->feats[j] <= st->feats[j - 1]))
				BadState("The features of an example are out of range or not ascending.");
	}
	for (int64 i = 0; i < st->nex * st->nd; i++)
		if (!isfinite(st->dense[i]))
			BadState("A dense feature is not finite.");
}

PG_FUNCTION_INFO_V1(sentiment_classifier_deserialfn);
/* Deserialize a state, re-checking every field before allocating */
Datum
sentiment_classifier_deserialfn(PG_FUNCTION_ARGS)
{
	MemoryContext aggcxt = AggregateContext(fcinfo, "sentiment_classifier_deserialfn");
	bytea	   *b = PG_GETARG_BYTEA_PP(0);
	StringInfoData buf;
	MemoryContext old = MemoryContextSwitchTo(aggcxt);
	ClfState   *st;
	int32		plen,
				tlen,
				nl;
	Jsonb	   *params = NULL;
	int64		nex,
				nfeats;

	buf.data = VARDATA_ANY(b);
	buf.len = VARSIZE_ANY_EXHDR(b);
	buf.cursor = 0;
	if (buf.len < 8 || pq_getmsgint(&buf, 4) != CLF_STATE_VERSION)
		BadState("The format version is wrong.");
	plen = pq_getmsgint(&buf, 4);
	if (plen < 0 || (plen > 0 && plen < VARHDRSZ) || plen > buf.len - buf.cursor)
		BadState("The parameters are truncated.");
	if (plen > 0)
	{
		params = GetBytes(&buf, plen);
		if (VARSIZE(params) != plen)
			BadState("The parameters are corrupt.");
	}
	st = NewState(params);
	tlen = pq_getmsgint(&buf, 4);
	if (tlen < 0 || tlen > buf.len - buf.cursor)
		BadState("The text configuration is truncated.");
	appendBinaryStringInfo(&st->textconf, GetBytes(&buf, tlen), tlen);
	if (tlen > 0)
		(void) TextConfigDeserialize(st->textconf.data, st->textconf.len);
	nl = pq_getmsgint(&buf, 4);
	if (nl < 0 || nl > CLF_MAX_CLASSES)
		BadState("The number of labels is out of range.");
	for (int i = 0; i < nl; i++)
	{
		int32		l = pq_getmsgint(&buf, 4);

		if (l < 1 || l > CLF_MAX_LABEL_BYTES || l > buf.len - buf.cursor)
			BadState("A label is out of range.");
		if (LabelIndex(st, pq_getmsgbytes(&buf, l), l) != i)
			BadState("A label is repeated.");
	}
	st->skipped = pq_getmsgint64(&buf);
	nex = pq_getmsgint64(&buf);
	nfeats = pq_getmsgint64(&buf);
	if (st->skipped < 0 || nex < 0 || nex > CLF_MAX_EXAMPLES || nfeats < 0 ||
		nfeats > nex * CLF_MAX_DOC_FEATURES ||
		(Size) (buf.len - buf.cursor) != (Size) nex * (8 + 4 + 8 + 4 * st->nd) + 8 + (Size) nfeats * 4)
		BadState("The length of the state does not match its header.");
	st->nex = st->excap = nex;
	st->texthash = GetBytes(&buf, sizeof(uint64) * nex);
	st->label = GetBytes(&buf, sizeof(int32) * nex);
	st->start = GetBytes(&buf, sizeof(int64) * (nex + 1));
	st->feats = GetBytes(&buf, sizeof(uint32) * nfeats);
	st->featcap = Max(nfeats, 1);
	st->dense = GetBytes(&buf, sizeof(float) * nex * Max(st->nd, 1));
	if (st->excap == 0)
	{
		st->excap = 1;
		st->start = repalloc(st->start, sizeof(int64) * 2);
	}
	SetChunks(st);
	CheckExamples(st, nfeats);
	MemoryContextSwitchTo(old);
	PG_RETURN_POINTER(st);
}

/* ---- final function ---- */

/* Sort context: the state and each example's class */
typedef struct SortCtx
{
	const ClfState *st;
	const int32 *cls;
} SortCtx;

static SortCtx sort_ctx;

/* An example with its content hash, sorted without reading its content until hashes tie */
typedef struct ExampleKey
{
	uint64		fhash;
	int64		ex;
} ExampleKey;

/* Order of examples with the same content hash: text hash, class, then the content itself */
static int
CompareExamples(int64 a, int64 b)
{
	const ClfState *st = sort_ctx.st;
	int64		na,
				nb;

#define CMP(x, y) do { if ((x) != (y)) return (x) < (y) ? -1 : 1; } while (0)
	CMP(st->texthash[a], st->texthash[b]);
	CMP(sort_ctx.cls[a], sort_ctx.cls[b]);
	na = st->start[a + 1] - st->start[a];
	nb = st->start[b + 1] - st->start[b];
	CMP(na, nb);
	for (int64 j = 0; j < na; j++)
		CMP(st->feats[st->start[a] + j], st->feats[st->start[b] + j]);
	for (int k = 0; k < st->nd; k++)
		CMP(st->dense[a * st->nd + k], st->dense[b * st->nd + k]);
#undef CMP
	return 0;
}

/* Order of examples: content hash, then CompareExamples (sort_ctx set by the caller) */
static inline int
CompareExampleKeys(const ExampleKey *a, const ExampleKey *b)
{
	if (a->fhash != b->fhash)
		return a->fhash < b->fhash ? -1 : 1;
	return CompareExamples(a->ex, b->ex);
}

#define ST_SORT SortExampleKeys
#define ST_ELEMENT_TYPE ExampleKey
#define ST_COMPARE(a, b) CompareExampleKeys(a, b)
#define ST_SCOPE static
#define ST_DEFINE
#include "lib/sort_template.h"

/* strcmp for qsort over char * */
static int
CompareLabels(const void *a, const void *b)
{
	return strcmp(*(char *const *) a, *(char *const *) b);
}

/* murmur3 finalizer with a seed: the side of the split of a text */
static inline uint64
Mix(uint64 h, int64 seed)
{
	h ^= (uint64) seed * UINT64CONST(0x9e3779b97f4a7c15);
	h ^= h >> 33;
	h *= UINT64CONST(0xff51afd7ed558ccd);
	h ^= h >> 33;
	h *= UINT64CONST(0xc4ceb9fe1a85ec53);
	h ^= h >> 33;
	return h;
}

/* The data set in training order, built by the final function */
typedef struct Prepared
{
	int			K;
	char	  **labels;			/* sorted */
	int64	   *order;			/* sorted example indexes of the state */
	int32	   *cls;			/* class of state example i (sorted label index) */
	int64	   *count;			/* per class, all examples */
	bool	   *held;			/* by position in order */
} Prepared;

/* Error: bad label set */
static void
CheckClasses(const Prepared *pp, const ClfState *st)
{
	if (pp->K < 2)
		ereport(ERROR,
				(errcode(ERRCODE_DATA_EXCEPTION),
				 errmsg("a sentiment classifier needs at least two classes"),
				 errdetail("Every labelled row has the label \"%s\".", pp->labels[0]),
				 errhint("Add examples of the other classes, e.g. 'positive' and 'negative'.")));
	for (int c = 0; c < pp->K; c++)
		if (pp->count[c] < 2)
			ereport(ERROR,
					(errcode(ERRCODE_DATA_EXCEPTION),
					 errmsg("sentiment class \"%s\" has only one example", pp->labels[c]),
					 errdetail("Every class needs at least two labelled texts."),
					 errhint("Label more texts of that class, or merge or drop it (check the labels for typos).")));
}

/* Per example of the state: whether it falls in the held-out slice (by its text and the seed) */
static bool *
HeldExamples(const ClfState *st)
{
	bool	   *heldex = palloc0(sizeof(bool) * Max(st->nex, 1));

	if (st->params.holdout > 0)
		for (int64 i = 0; i < st->nex; i++)
			heldex[i] = (double) (Mix(st->texthash[i], st->params.seed) >> 11) *
				(1.0 / 9007199254740992.0) < st->params.holdout;
	return heldex;
}

/* Sort labels and examples; count the classes; the held-out slice in sorted order */
static Prepared *
Prepare(const ClfState *st, const bool *heldex)
{
	Prepared   *pp = palloc0(sizeof(Prepared));
	int			remap[CLF_MAX_CLASSES];
	uint64		lhash[CLF_MAX_CLASSES];
	int64		n = Max(st->nex, 1);
	ExampleKey *keys = BigAlloc(CurrentMemoryContext, sizeof(ExampleKey) * n, false);

	pp->K = st->nlabels;
	pp->labels = palloc(sizeof(char *) * pp->K);
	memcpy(pp->labels, st->labels, sizeof(char *) * pp->K);
	qsort(pp->labels, pp->K, sizeof(char *), CompareLabels);
	for (int i = 0; i < pp->K; i++)
		for (int j = 0; j < pp->K; j++)
			if (strcmp(st->labels[i], pp->labels[j]) == 0)
				remap[i] = j;
	for (int i = 0; i < pp->K; i++)
		lhash[i] = HashText(st->labels[i], strlen(st->labels[i])) * 17;
	/* one allocation for the per-example arrays: order, class, held */
	pp->order = BigAlloc(CurrentMemoryContext, (sizeof(int64) + sizeof(int32) + sizeof(bool)) * n,
						 false);
	pp->cls = (int32 *) (pp->order + n);
	pp->held = (bool *) (pp->cls + n);
	pp->count = palloc0(sizeof(int64) * pp->K);
	for (int64 i = 0; i < st->nex; i++)
	{
		uint64		h = HashText((const char *) (st->feats + st->start[i]),
								 sizeof(uint32) * (st->start[i + 1] - st->start[i]));

		h ^= HashText((const char *) (st->dense + i * st->nd), sizeof(float) * st->nd) * 31;
		keys[i].fhash = h ^ lhash[st->label[i]];
		keys[i].ex = i;
		pp->cls[i] = remap[st->label[i]];
		pp->count[pp->cls[i]]++;
	}
	CheckClasses(pp, st);
	sort_ctx.st = st;
	sort_ctx.cls = pp->cls;
	SortExampleKeys(keys, st->nex);
	for (int64 r = 0; r < st->nex; r++)
		pp->order[r] = keys[r].ex;
	BigFree(keys);
	for (int64 r = 0; r < st->nex; r++)
		pp->held[r] = heldex[pp->order[r]];
	return pp;
}

/*
 * The compact ids of the kept buckets: an open-addressing table of at least
 * twice as many slots (buckets are hashes already: their low bits spread),
 * key and id side by side so that a look-up reads one cache line
 */
typedef struct BucketSlot
{
	uint32		key;			/* bucket + 1 (0: empty slot) */
	int32		id;
} BucketSlot;

typedef struct BucketMap
{
	uint32		mask;
	BucketSlot *slots;
} BucketMap;

/* Map buckets[i] to i */
static BucketMap *
BucketMapCreate(const uint32 *buckets, int nf)
{
	BucketMap  *m = palloc(sizeof(BucketMap));
	uint32		size = 16;

	while (size < (uint32) nf * 2)
		size *= 2;
	m->mask = size - 1;
	m->slots = BigAlloc(CurrentMemoryContext, sizeof(BucketSlot) * size, true);
	for (int i = 0; i < nf; i++)
	{
		uint32		h = buckets[i] & m->mask;

		while (m->slots[h].key != 0)
			h = (h + 1) & m->mask;
		m->slots[h].key = buckets[i] + 1;
		m->slots[h].id = i;
	}
	return m;
}

/* The compact id of a bucket; -1 when it was dropped */
static inline int32
BucketMapGet(const BucketMap *m, uint32 bucket)
{
	uint32		h = bucket & m->mask;

	for (;; h = (h + 1) & m->mask)
	{
		if (m->slots[h].key == bucket + 1)
			return m->slots[h].id;
		if (m->slots[h].key == 0)
			return -1;
	}
}

/*
 * Sort n values below 2^bits ascending: LSD radix sort, 12 bits a pass (tmp: n
 * values).  Pure computation: runs in the helper thread, which stops early
 * (leaving v unsorted) once *cancel is set.
 */
static void
RadixSortU32(uint32 *v, int64 n, int bits, uint32 *tmp, pg_atomic_uint32 *cancel)
{
	int64		count[4096];

	for (int shift = 0; shift < bits; shift += 12)
	{
		int64		sum = 0;

		if (pg_atomic_read_u32(cancel))
			return;
		memset(count, 0, sizeof(count));
		for (int64 i = 0; i < n; i++)
			count[(v[i] >> shift) & 4095]++;
		for (int k = 0; k < 4096; k++)
		{
			int64		c = count[k];

			count[k] = sum;
			sum += c;
		}
		if (pg_atomic_read_u32(cancel))
			return;
		for (int64 i = 0; i < n; i++)
			tmp[count[(v[i] >> shift) & 4095]++] = v[i];
		memcpy(v, tmp, sizeof(uint32) * n);
	}
}

/* The training buckets: computed by the helper thread while the backend sorts the examples */
typedef struct BucketsJob
{
	const ClfState *st;
	const bool *heldex;			/* per example of the state: in the held-out slice */
	uint32	   *b;				/* 2 n: the buckets of the training examples, room to sort */
	int64		n;
	int			nout;			/* the result: b[0 .. nout), ascending */
	pg_atomic_uint32 cancel;	/* set by the backend on error: stop soon */
} BucketsJob;

/* Room for the buckets of the training examples (in at least min_df of them) */
static void
BucketsJobInit(BucketsJob *job, const ClfState *st, const bool *heldex)
{
	job->st = st;
	job->heldex = heldex;
	job->n = 0;
	job->nout = 0;
	pg_atomic_init_u32(&job->cancel, 0);
	for (int64 i = 0; i < st->nex; i++)
		if (!heldex[i])
			job->n += st->start[i + 1] - st->start[i];
	job->b = BigAlloc(CurrentMemoryContext, sizeof(uint32) * Max(job->n, 1) * 2, false);
}

/*
 * The distinct buckets of the training examples in at least min_df of them,
 * ascending (a HelperWorker job: pure computation on the state, read-only).
 * The order the buckets are gathered in does not matter: they are sorted.
 */
static void
TrainingBuckets(void *arg)
{
	BucketsJob *job = (BucketsJob *) arg;
	const ClfState *st = job->st;
	uint32	   *b = job->b;
	int64		n = 0;
	int			m = 0;

	for (int64 i = 0; i < st->nex; i++)
		if (!job->heldex[i])
			for (int64 j = st->start[i]; j < st->start[i + 1]; j++)
				b[n++] = st->feats[j];
	RadixSortU32(b, n, st->params.feat.hash_bits, b + n, &job->cancel);
	/* keep the buckets of at least min_df training examples (a text has each at most once) */
	for (int64 i = 0, run; i < n; i += run)
	{
		for (run = 1; i + run < n && b[i + run] == b[i]; run++)
			;
		if (run >= st->params.min_df)
			b[m++] = b[i];
	}
	job->nout = m;
}

/* Mapping the rows of the data set to compact ids: one share of the rows */
typedef struct BuildJob
{
	const ClfState *st;
	const Prepared *pp;
	const BucketMap *map;
	ClfData    *d;
	int64		r0;				/* rows [r0, r1) */
	int64		r1;
	int32	   *fid;			/* their kept ids, from here on */
	int64		nfid;			/* the result: how many */
} BuildJob;

/*
 * Rows [r0, r1) of the data set: kept compact ids to job->fid, start[] relative
 * to it, value, dense signals, class (a HelperWorker job: pure computation).
 */
static void
BuildRows(void *arg)
{
	BuildJob   *job = (BuildJob *) arg;
	const ClfState *st = job->st;
	ClfData    *d = job->d;
	int64		k = 0;

	for (int64 r = job->r0; r < job->r1; r++)
	{
		int64		i = job->pp->order[r];
		int64		cnt = st->start[i + 1] - st->start[i];

		d->start[r] = k;
		for (int64 j = st->start[i]; j < st->start[i + 1]; j++)
		{
			int32		f = BucketMapGet(job->map, st->feats[j]);

			if (f >= 0)
				job->fid[k++] = f;
		}
		d->xval[r] = cnt > 0 ? 1.0 / sqrt((double) cnt) : 0;
		memcpy(d->dense + r * st->nd, st->dense + i * st->nd, sizeof(float) * st->nd);
		d->y[r] = job->pp->cls[i];
	}
	job->nfid = k;
}

/*
 * The data set in sorted order, features mapped to compact ids (unknown ones
 * dropped).  In blocks of BUILD_BLOCK rows (interrupts checked between them):
 * the second half of a block is mapped by the helper worker (if any) into
 * fid after the first half's room, then moved down behind the first half's
 * kept ids.
 */
static ClfData *
BuildData(const ClfState *st, const Prepared *pp, const uint32 *buckets, int nf,
		  HelperWorker *worker)
{
	ClfData    *d = palloc0(sizeof(ClfData));
	int64		n = st->nex,
				k = 0;
	BucketMap  *map = BucketMapCreate(buckets, nf);

	d->K = pp->K;
	d->nf = nf;
	d->nd = st->nd;
	d->n = n;
	/* one allocation (on huge pages when big) for the per-row arrays */
	d->start = BigAlloc(CurrentMemoryContext, sizeof(int64) * (n + 1) +
						sizeof(float) * n * (1 + st->nd) + sizeof(int32) * n, false);
	d->dense = (float *) (d->start + n + 1);
	d->xval = d->dense + n * st->nd;
	d->y = (int32 *) (d->xval + n);
	d->fid = BigAlloc(CurrentMemoryContext, sizeof(int32) * Max(st->start[n], 1), false);
	for (int64 b = 0; b < n; b += BUILD_BLOCK)
	{
		int64		e = Min(b + BUILD_BLOCK, n),
					half = b + (e - b) / 2,
					room = 0;
		BuildJob	lo = {st, pp, map, d, b, half, d->fid + k, 0};
		BuildJob	hi = {st, pp, map, d, half, e, NULL, 0};

		for (int64 r = b; r < half; r++)
			room += st->start[pp->order[r] + 1] - st->start[pp->order[r]];
		hi.fid = lo.fid + room;
		CHECK_FOR_INTERRUPTS();
		if (worker)
			HelperWorkerRun(worker, BuildRows, &hi);
		BuildRows(&lo);
		if (worker)
			HelperWorkerWait(worker);
		else
			BuildRows(&hi);
		memmove(lo.fid + lo.nfid, hi.fid, sizeof(int32) * hi.nfid);
		for (int64 r = b; r < half; r++)
			d->start[r] += k;
		for (int64 r = half; r < e; r++)
			d->start[r] += k + lo.nfid;
		k += lo.nfid + hi.nfid;
	}
	d->start[n] = k;
	return d;
}

/* Add the predictions of the rows to a confusion matrix */
static void
Confuse(const ClfData *d, const ClfWeights *w, const int64 *rows, int64 n, int64 *conf)
{
	double	   *p = palloc(sizeof(double) * d->K);

	for (int64 r = 0; r < n; r++)
		conf[d->y[rows[r]] * d->K + ClfPredictRow(d, w, rows[r], p)]++;
	pfree(p);
}

/* Accuracy and macro-F1 of a confusion matrix */
static void
Summarize(int K, const int64 *conf, double *acc, double *mf1)
{
	int64		total = 0,
				correct = 0;
	double		sum = 0;
	int			n = 0;

	for (int c = 0; c < K; c++)
	{
		int64		sup = 0,
					pred = 0;
		double		pr,
					rc;

		for (int o = 0; o < K; o++)
		{
			sup += conf[c * K + o];
			pred += conf[o * K + c];
			total += conf[c * K + o];
		}
		correct += conf[c * K + c];
		pr = pred ? (double) conf[c * K + c] / pred : 0;
		rc = sup ? (double) conf[c * K + c] / sup : 0;
		if (sup || pred)
		{
			sum += (pr + rc > 0) ? 2 * pr * rc / (pr + rc) : 0;
			n++;
		}
	}
	*acc = total ? (double) correct / total : -1;
	*mf1 = n ? sum / n : -1;
}

/* k-fold cross-validation over the training rows: accuracy and macro-F1 of the pooled folds */
static void
CrossValidate(const ClfState *st, const Prepared *pp, const ClfData *d, const int64 *train,
			  int64 ntrain, ClfTrainingInfo *info)
{
	int			k = st->params.cv_folds;
	int64	   *conf = palloc0(sizeof(int64) * d->K * d->K);
	int64	   *in = MemoryContextAllocHuge(CurrentMemoryContext, sizeof(int64) * Max(ntrain, 1));
	int64	   *out = MemoryContextAllocHuge(CurrentMemoryContext, sizeof(int64) * Max(ntrain, 1));

	for (int f = 0; f < k; f++)
	{
		int64		nin = 0,
					nout = 0;

		for (int64 r = 0; r < ntrain; r++)
		{
			int64		row = train[r];

			if ((int) (Mix(st->texthash[pp->order[row]], st->params.seed + 1) % k) == f)
				out[nout++] = row;
			else
				in[nin++] = row;
		}
		if (nin > 0 && nout > 0)
			Confuse(d, ClfFit(d, in, nin, &st->params, NULL), out, nout, conf);
	}
	Summarize(d->K, conf, &info->cv_accuracy, &info->cv_macro_f1);
}

/* Error: the training share lacks a class */
static void
CheckTrainingClasses(const Prepared *pp, const ClfData *d, const int64 *train, int64 ntrain)
{
	int64	   *cnt = palloc0(sizeof(int64) * pp->K);

	for (int64 r = 0; r < ntrain; r++)
		cnt[d->y[train[r]]]++;
	for (int c = 0; c < pp->K; c++)
		if (cnt[c] == 0)
			ereport(ERROR,
					(errcode(ERRCODE_DATA_EXCEPTION),
					 errmsg("sentiment class \"%s\" has no example outside the held-out slice", pp->labels[c]),
					 errhint("Use a smaller holdout or label more texts of that class.")));
	pfree(cnt);
}

/* Prepare the data set and train on it (worker, or NULL, shares the work); build the model */
static ClfModel *
Train(const ClfState *st, TimestampTz t0, HelperWorker *worker)
{
	Prepared   *volatile pp = NULL;
	ClfTrainingInfo info;
	BucketsJob	bj;
	ClfData    *d;
	int64	   *train = MemoryContextAllocHuge(CurrentMemoryContext, sizeof(int64) * st->nex);
	int64	   *held = MemoryContextAllocHuge(CurrentMemoryContext, sizeof(int64) * st->nex);
	int64		ntrain = 0,
				nheld = 0;
	int64	   *conf;
	int64	   *trcount;
	ClfWeights *w;
	long		secs;
	int			usecs;
	bool	   *heldex = HeldExamples(st);

	/* the training buckets in the helper worker while the examples are sorted here */
	BucketsJobInit(&bj, st, heldex);
	PG_TRY();
	{
		if (worker)
			HelperWorkerRun(worker, TrainingBuckets, &bj);
		pp = Prepare(st, heldex);
	}
	PG_CATCH();
	{
		pg_atomic_write_u32(&bj.cancel, 1);
		if (worker)
			HelperWorkerWait(worker);
		PG_RE_THROW();
	}
	PG_END_TRY();
	if (worker)
		HelperWorkerWait(worker);
	else
		TrainingBuckets(&bj);
	d = BuildData(st, pp, bj.b, bj.nout, worker);
	conf = palloc0(sizeof(int64) * pp->K * pp->K);
	trcount = palloc0(sizeof(int64) * pp->K);
	for (int64 r = 0; r < st->nex; r++)
	{
		if (pp->held[r])
			held[nheld++] = r;
		else
		{
			train[ntrain++] = r;
			trcount[d->y[r]]++;
		}
	}
	CheckTrainingClasses(pp, d, train, ntrain);
	memset(&info, 0, sizeof(info));
	info.cv_accuracy = info.cv_macro_f1 = -1;
	if (st->params.cv_folds > 0)
		CrossValidate(st, pp, d, train, ntrain, &info);
	w = ClfFit(d, train, ntrain, &st->params, worker);
	Confuse(d, w, held, nheld, conf);
	info.examples = ntrain;
	info.holdout_examples = nheld;
	info.skipped = st->skipped;
	info.iterations = w->iterations;
	info.max_iter = st->params.max_iter;
	info.l2 = st->params.l2;
	info.tolerance = st->params.tolerance;
	info.holdout = st->params.holdout;
	info.loss = w->loss;
	info.holdout_accuracy = info.holdout_macro_f1 = -1;
	if (nheld > 0)
		Summarize(pp->K, conf, &info.holdout_accuracy, &info.holdout_macro_f1);
	info.seed = st->params.seed;
	info.cv_folds = st->params.cv_folds;
	info.class_weight = st->params.class_weight;
	info.trained_at = GetCurrentTimestamp();
	TimestampDifference(t0, info.trained_at, &secs, &usecs);
	info.seconds = secs + usecs / 1e6;
	return ClfModelBuild(&st->params, &info, pp->labels, pp->K, trcount, conf, bj.b, w,
						 (StringInfo) &st->textconf);
}

PG_FUNCTION_INFO_V1(sentiment_classifier_finalfn);
/* Final function: train the classifier on the collected examples */
Datum
sentiment_classifier_finalfn(PG_FUNCTION_ARGS)
{
	ClfState   *st = PG_ARGISNULL(0) ? NULL : (ClfState *) PG_GETARG_POINTER(0);
	TimestampTz t0 = GetCurrentTimestamp();
	HelperWorker *worker;
	ClfModel   *volatile m = NULL;

	(void) AggregateContext(fcinfo, "sentiment_classifier_finalfn");
	if (st != NULL)
		FlushBatch(st);
	if (st == NULL || st->nex == 0)
		ereport(ERROR,
				(errcode(ERRCODE_DATA_EXCEPTION),
				 errmsg("no labelled texts to train a sentiment classifier on"),
				 errdetail(st == NULL ? "The training query returned no rows." :
						   "Every row of the training query has a NULL text or label."),
				 errhint("The training query must return (text, label) rows.")));
	if (st->textconf.len == 0)
		PrepareFeaturizer(st);
	/* a helper thread shares the work of big training sets */
	worker = st->nex >= CLF_THREAD_MIN_ROWS ? HelperWorkerStart() : NULL;
	PG_TRY();
	{
		m = Train(st, t0, worker);
	}
	PG_FINALLY();
	{
		HelperWorkerStop(worker);
	}
	PG_END_TRY();
	PG_RETURN_CLF_MODEL_P(m);
}
