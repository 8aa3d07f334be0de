/*
 * lda_agg.c
 *		The training aggregates: tweetlda.lda(doc text, vocab tweetlda.vocab
 *		[, params jsonb]) RETURNS tweetlda.lda_model, its variant over documents
 *		already tokenized, tweetlda.lda(tokens text[], vocab [, params]), and
 *		tweetlda.lda_from_text(doc text [, params]), which builds the vocabulary
 *		itself.
 *
 * Aggregate state (in the aggregate memory context): the parameters and text
 * configuration (parsed on the first row), the vocabulary (copied on the first
 * row) with its hash index, and the corpus collected so far in compact form:
 * per document a start offset and a content hash, per (document, term) a uint32
 * term id and a uint16 count.  Tokenizing and vocabulary lookup, the expensive
 * per-row work, happen in the transition function, so parallel workers do them;
 * the combine function appends corpora, and the final function trains.
 *
 * lda_from_text has no vocabulary yet: the state holds a VocabBuilder
 * (vocab_build.c, the builder of tweetlda.vocabulary too), which numbers every
 * term it meets ("local" numbers) and counts documents, occurrences and
 * surface forms; the corpus holds local numbers, the combine function merges
 * the builders and renumbers the appended corpus, and the final function
 * chooses the vocabulary with tweetlda.vocabulary's rules, renumbers the
 * corpus into it (dropping the other terms) and trains.  Over a given
 * vocabulary, the state counts the occurrences of its terms and (text input)
 * their surface forms.  The model keeps both (words and corpus frequencies).
 *
 * Serialized state (for parallel aggregation; version 4, native byte order, it
 * never leaves the cluster): int32 version, the LdaParams fields, int32 length
 * + text configuration bytes, bool build_vocab, then either the serialized
 * builder (VocabBuilderSerialize) or the vocabulary varlena, int64
 * occurrences[nterms] and the serialized forms (VocabFormsSerialize), then
 * the languages seen (a TextLangSet) and int64 documents skipped for their
 * language, then int64 empty documents, float8 tokens, int64 ndocs, int64
 * nentries, int64 packed bytes, hashes[ndocs], then the packed documents: per
 * document varint (src/varint.h) entries, per entry varint id (the first) or
 * id - previous id - 1 (the others: ids ascend), varint count.  Most take a
 * byte or two where the arrays took 6 bytes an entry and 8 a document: the
 * state is copied several times into fresh memory on its way to the leader.
 * Deserializing re-checks every size and value before use.
 */
#include "postgres.h"

#include "access/detoast.h"
#include "catalog/pg_type.h"
#include "common/hashfn.h"
#include "executor/spi.h"
#include "fmgr.h"
#include "libpq/pqformat.h"
#include "miscadmin.h"
#include "parser/parse_coerce.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/jsonb.h"
#include "utils/memutils.h"
#include "utils/plancache.h"
#include "utils/timestamp.h"

#include "bigalloc.h"
#include "lda_model.h"
#include "lda_update.h"
#include "options.h"
#include "textconf.h"
#include "tweetlda.h"
#include "varint.h"
#include "vocab.h"

#define LDA_STATE_VERSION 4

typedef struct LdaAggState
{
	LdaParams	params;
	MemoryContext cxt;			/* the aggregate context */
	bool		build_vocab;	/* lda_from_text: the vocabulary is built from the documents */
	VocabBuilder *builder;		/* build_vocab: terms by local number, counts, surface forms */
	int64	   *cf;				/* given vocabulary: occurrences of each term */
	VocabForms *forms;			/* given vocabulary: surface forms of its terms (by id) */
	StringInfoData textconf;	/* serialized text configuration (with stopword snapshot) */
	Tokenizer  *tok;			/* built lazily from textconf */
	Vocab	   *vocab;			/* copy */
	VocabIndex *index;			/* built lazily */
	varatt_external vocab_toast;	/* TOAST pointer of the vocabulary argument seen last */
	bool		vocab_toast_valid;
	Jsonb	   *params_json;	/* the params argument of the first row (NULL: none) */
	bool		check_params;	/* transition states: later rows must pass the same params */
	int64		empty_documents;
	double		tokens;
	LdaCorpus	corpus;
	int64		doc_cap;
	int64		entry_cap;
	uint32	   *row_ids;		/* scratch: known term ids of the current row */
	int			row_n;
	int			row_cap;
	/* configurations that look at languages ('auto', a languages restriction) */
	TextLangSet langs_seen;		/* languages of the documents kept */
	int64		skipped_language;	/* documents of a language the configuration excludes */
	/* lda_update: the model updated (its text configuration is the state's) */
	LdaModel   *base;
	bool		auto_iter;		/* lda_update without max_iter: chosen from the corpus sizes */
} LdaAggState;

/* Keys of the parameters object */
static const char *const param_keys[] = {
	"k", "max_iter", "doc_concentration", "topic_concentration", "learning_offset",
	"learning_decay", "subsampling_rate", "optimize_doc_concentration", "seed",
	"optimizer", "weighting", "text_config", "min_df", "max_df", "max_terms", "method", NULL
};

static const OptionSet param_options = {
	"LDA parameter", "LDA parameters", NULL, param_keys
};

/* Keys of the parameters of an update (lda_update): the rest comes from the model */
static const char *const update_keys[] = {
	"max_iter", "seed", "min_df", "max_df", "max_terms", NULL
};

static const OptionSet update_options = {
	"LDA parameter", "LDA parameters", NULL, update_keys
};

/* A JSON string that must be one of two words; returns 0 or 1 */
static int
ParamChoice(const char *key, JsonbValue *v, const char *w0, const char *w1)
{
	char	   *s = OptionText(&param_options, key, v);

	if (strcmp(s, w0) == 0)
		return 0;
	if (strcmp(s, w1) != 0)
		OptionBadValue(&param_options, key, psprintf("\"%s\" or \"%s\"", w0, w1));
	return 1;
}

/* The parameters being read, and the text configuration object found among them */
typedef struct ParamsParse
{
	LdaParams  *p;
	Jsonb	   *textconf;
	const OptionSet *set;		/* the keys accepted */
	bool		iter_given;		/* max_iter was given (not null) */
} ParamsParse;

/* Is key one of the set's keys? */
static bool
KnownKey(const OptionSet *set, const char *key)
{
	for (const char *const *k = set->keys; *k != NULL; k++)
		if (strcmp(*k, key) == 0)
			return true;
	return false;
}

/* Apply one "key": value of the parameters object (null means the default) */
static void
ApplyParam(void *arg, const char *key, JsonbValue *v)
{
	ParamsParse *pp = (ParamsParse *) arg;
	LdaParams  *p = pp->p;
	const OptionSet *o = pp->set;

	if (!KnownKey(o, key))
		OptionUnknown(o, key);
	if (v->type == jbvNull)
		return;
	if (strcmp(key, "k") == 0)
		p->k = OptionInt(o, key, v, PG_INT32_MIN, PG_INT32_MAX);
	else if (strcmp(key, "max_iter") == 0)
	{
		p->max_iter = OptionInt(o, key, v, PG_INT32_MIN, PG_INT32_MAX);
		p->max_iter_given = true;
		pp->iter_given = true;
	}
	else if (strcmp(key, "doc_concentration") == 0)
		p->doc_concentration = OptionFloat(o, key, v, -INFINITY, INFINITY);
	else if (strcmp(key, "topic_concentration") == 0)
		p->topic_concentration = OptionFloat(o, key, v, -INFINITY, INFINITY);
	else if (strcmp(key, "learning_offset") == 0)
		p->learning_offset = OptionFloat(o, key, v, -INFINITY, INFINITY);
	else if (strcmp(key, "learning_decay") == 0)
		p->learning_decay = OptionFloat(o, key, v, -INFINITY, INFINITY);
	else if (strcmp(key, "subsampling_rate") == 0)
		p->subsampling_rate = OptionFloat(o, key, v, -INFINITY, INFINITY);
	else if (strcmp(key, "seed") == 0)
		p->seed = OptionInt64(o, key, v);
	else if (strcmp(key, "optimize_doc_concentration") == 0)
		p->optimize_doc_concentration = OptionBool(o, key, v);
	else if (strcmp(key, "optimizer") == 0)
		p->optimizer = ParamChoice(key, v, "online", "batch") ?
			LDA_OPTIMIZER_BATCH : LDA_OPTIMIZER_ONLINE;
	else if (strcmp(key, "method") == 0)
		p->method = ParamChoice(key, v, "lda", "dmm") ? LDA_METHOD_DMM : LDA_METHOD_LDA;
	else if (strcmp(key, "weighting") == 0)
		p->weighting = ParamChoice(key, v, "tfidf", "tf") ?
			LDA_WEIGHTING_TF : LDA_WEIGHTING_TFIDF;
	else if (strcmp(key, "min_df") == 0)
	{
		p->min_df = OptionFloat(o, key, v, -INFINITY, INFINITY);
		p->vocab_keys = true;
	}
	else if (strcmp(key, "max_df") == 0)
	{
		p->max_df = OptionFloat(o, key, v, -INFINITY, INFINITY);
		p->vocab_keys = true;
	}
	else if (strcmp(key, "max_terms") == 0)
	{
		p->max_terms = OptionInt(o, key, v, PG_INT32_MIN, PG_INT32_MAX);
		p->vocab_keys = true;
	}
	else if (strcmp(key, "text_config") == 0)
	{
		if (v->type != jbvBinary || !JsonContainerIsObject(v->val.binary.data))
			OptionBadValue(o, key, "a JSON object (see tweetlda.text_config)");
		pp->textconf = JsonbValueToJsonb(v);
	}
	else
		OptionUnknown(o, key);
}

/* Parse the parameters object (NULL: all defaults); returns the text configuration object or NULL */
static Jsonb *
ParseParams(Jsonb *jb, LdaParams *p)
{
	ParamsParse pp = {p, NULL, &param_options, false};

	LdaParamsDefault(p);
	if (jb == NULL)
		return NULL;
	OptionsParse(jb, &param_options, ApplyParam, &pp);
	LdaParamsResolve(p);
	LdaCheckParams(p);
	return pp.textconf;
}

/* An empty state in CurrentMemoryContext (the aggregate context) */
static LdaAggState *
AllocState(MemoryContext aggcxt)
{
	LdaAggState *st = palloc0(sizeof(LdaAggState));

	st->cxt = aggcxt;
	initStringInfo(&st->textconf);
	st->row_cap = 64;
	st->row_ids = palloc(sizeof(uint32) * st->row_cap);
	st->corpus.start = BigAlloc(CurrentMemoryContext, sizeof(int64), true);
	return st;
}

/* A new state with its parameters and text configuration (stopwords snapshot taken) */
static LdaAggState *
NewState(MemoryContext aggcxt, Jsonb *params)
{
	MemoryContext old = MemoryContextSwitchTo(aggcxt);
	LdaAggState *st = AllocState(aggcxt);
	Jsonb	   *tcjson = ParseParams(params, &st->params);
	TextConfig *cfg = tcjson ? TextConfigFromJsonb(tcjson) : TextConfigDefault(TEXTCONF_DEFAULT_LANGUAGE);

	TextConfigExportSnapshot(cfg);	/* the model carries the list */
	TextConfigSerialize(&st->textconf, cfg);
	MemoryContextSwitchTo(old);
	return st;
}

/* Create the state on the first row: parameters, text configuration, vocabulary */
static LdaAggState *
InitState(MemoryContext aggcxt, Jsonb *params, Vocab *vocab)
{
	LdaAggState *st = NewState(aggcxt, params);

	if (st->params.vocab_keys)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("min_df, max_df and max_terms apply only when the aggregate builds the vocabulary"),
				 errhint("Use tweetlda.lda_from_text(doc, params), or build the vocabulary with tweetlda.vocabulary().")));
	if (vocab->nterms < 1)
		ereport(ERROR,
				(errcode(ERRCODE_DATA_EXCEPTION),
				 errmsg("cannot train an LDA model with an empty vocabulary"),
				 errhint("Lower min_df or raise max_df when building the vocabulary.")));
	CheckLdaCells(st->params.k, vocab->nterms);
	st->vocab = MemoryContextAlloc(aggcxt, VARSIZE(vocab));
	memcpy(st->vocab, vocab, VARSIZE(vocab));
	st->cf = MemoryContextAllocZero(aggcxt, sizeof(int64) * vocab->nterms);
	st->forms = VocabFormsCreate(aggcxt);
	return st;
}

/* The builder parameters of lda_from_text (tweetlda.vocabulary's rules) */
static VocabBuildParams
BuildParams(const LdaParams *p)
{
	VocabBuildParams bp = {p->min_df, p->max_df, p->max_terms};

	return bp;
}

/* Create the state of lda_from_text on the first row: the vocabulary starts empty */
static LdaAggState *
InitOwnState(MemoryContext aggcxt, Jsonb *params)
{
	LdaAggState *st = NewState(aggcxt, params);
	VocabBuildParams bp = BuildParams(&st->params);

	st->build_vocab = true;
	st->builder = VocabBuilderCreate(aggcxt, &bp, 1024);
	return st;
}

/*
 * The parameters of an update: the model's (LdaUpdateDefaults), then the
 * update's keys of the params object (the training's reader and checks);
 * auto_iter when max_iter is not given.
 */
static void
ParseUpdateParams(Jsonb *jb, const LdaModel *m, LdaParams *p, bool *auto_iter)
{
	ParamsParse pp = {p, NULL, &update_options, false};

	LdaUpdateDefaults(m, p);
	if (jb != NULL)
		OptionsParse(jb, &update_options, ApplyParam, &pp);
	*auto_iter = !pp.iter_given;
	if (*auto_iter)
		p->max_iter = 1;		/* LdaUpdate chooses it from the corpus sizes */
	LdaCheckParams(p);
}

/* Create the state of lda_update on the first row: the model's configuration, an empty builder */
static LdaAggState *
InitUpdateState(MemoryContext aggcxt, Jsonb *params, const LdaModel *m)
{
	MemoryContext old = MemoryContextSwitchTo(aggcxt);
	LdaAggState *st = AllocState(aggcxt);
	VocabBuildParams bp;

	LdaCheckUpdatable(m);
	ParseUpdateParams(params, m, &st->params, &st->auto_iter);
	appendBinaryStringInfo(&st->textconf, LDA_TEXTCONF(m), m->textconf_len);
	st->base = palloc(VARSIZE(m));
	memcpy(st->base, m, VARSIZE(m));
	bp = BuildParams(&st->params);
	st->build_vocab = true;
	st->builder = VocabBuilderCreate(aggcxt, &bp, 1024);
	MemoryContextSwitchTo(old);
	return st;
}

/* Check that the model argument of a later row is the first row's (size and fingerprint) */
static void
CheckSameBase(LdaAggState *st, Datum d)
{
	LdaModel   *hdr = (LdaModel *) PG_DETOAST_DATUM_SLICE(d, 0, offsetof(LdaModel, alpha) - VARHDRSZ);

	if (toast_raw_datum_size(d) != VARSIZE(st->base) || hdr->fingerprint != st->base->fingerprint)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("the model must be the same for every row of tweetlda.lda_update()"),
				 errhint("Pass one model, for example (SELECT model FROM tweetlda.models WHERE name = 'm'), not a per-row value.")));
	if ((Pointer) hdr != DatumGetPointer(d))
		pfree(hdr);
}

/* Append a term number to the current row */
static void
AppendRowId(LdaAggState *st, uint32 id)
{
	if (st->row_n == st->row_cap)
	{
		st->row_cap *= 2;
		st->row_ids = repalloc(st->row_ids, sizeof(uint32) * st->row_cap);
	}
	st->row_ids[st->row_n++] = id;
}

/* Token sink of lda_from_text: count the term and its surface form, remember its local number */
static void
CollectOwnToken(void *arg, const char *tok, int len, const char *form, int formlen, bool hashtag)
{
	LdaAggState *st = (LdaAggState *) arg;
	int32		local = VocabBuilderAdd(st->builder, tok, len);

	VocabBuilderAddForm(st->builder, local, form, formlen, hashtag);
	AppendRowId(st, (uint32) local);
}

/* Build the tokenizer (for text input) and the vocabulary index of a state when first needed */
static void
PrepareState(LdaAggState *st, MemoryContext aggcxt, bool tokenizer)
{
	MemoryContext old;

	if ((st->tok || !tokenizer) && (st->index || st->build_vocab))
		return;
	old = MemoryContextSwitchTo(aggcxt);
	if (tokenizer && st->tok == NULL)
		st->tok = TokenizerCreate(TextConfigDeserialize(st->textconf.data, st->textconf.len));
	if (st->index == NULL && !st->build_vocab)
		st->index = VocabIndexCreate(st->vocab);
	MemoryContextSwitchTo(old);
}

/* Token sink: remember (and count) the id of every token that is in the vocabulary */
static int
CollectToken(LdaAggState *st, const char *tok, int len)
{
	int			id = VocabIndexLookup(st->index, tok, len);

	if (id < 0)
		return id;
	st->cf[id]++;
	AppendRowId(st, (uint32) id);
	return id;
}

/* Token sink of text input over a given vocabulary: also count the surface form */
static void
CollectFormToken(void *arg, const char *tok, int len, const char *form, int formlen, bool hashtag)
{
	LdaAggState *st = (LdaAggState *) arg;
	int			id = CollectToken(st, tok, len);

	if (id >= 0 && (hashtag || formlen != len || memcmp(form, tok, len) != 0))
		VocabFormsAdd(st->forms, id, form, formlen, hashtag, 1);
}

/* qsort comparator for term ids */
static int
CompareIds(const void *a, const void *b)
{
	uint32		x = *(const uint32 *) a,
				y = *(const uint32 *) b;

	return (x > y) - (x < y);
}

/* Ensure a corpus of nentries (document, term) pairs is within the limit */
static inline void
CheckCorpusEntries(int64 nentries)
{
	if (nentries > LDA_MAX_ENTRIES)
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("LDA training corpus too large"),
				 errdetail("The corpus has more than " INT64_FORMAT " (document, term) pairs.",
						   LDA_MAX_ENTRIES)));
}

/* Grow the corpus arrays of st to doc_cap documents and entry_cap entries (huge pages when large) */
static void
GrowCorpus(LdaAggState *st, int64 doc_cap, int64 entry_cap)
{
	LdaCorpus  *c = &st->corpus;
	MemoryContext cxt = GetMemoryChunkContext(st);

	if (doc_cap > st->doc_cap)
	{
		c->start = BigRealloc(cxt, c->start, sizeof(int64) * (c->ndocs + 1), sizeof(int64) * (doc_cap + 1));
		c->hashes = BigRealloc(cxt, c->hashes, sizeof(uint64) * c->ndocs, sizeof(uint64) * doc_cap);
		st->doc_cap = doc_cap;
	}
	if (entry_cap > st->entry_cap)
	{
		c->ids = BigRealloc(cxt, c->ids, sizeof(uint32) * c->nentries, sizeof(uint32) * entry_cap);
		c->cnts = BigRealloc(cxt, c->cnts, sizeof(uint16) * c->nentries, sizeof(uint16) * entry_cap);
		st->entry_cap = entry_cap;
	}
}

/* Make room for one more document of n entries */
static void
ReserveDoc(LdaAggState *st, int n)
{
	LdaCorpus  *c = &st->corpus;

	CheckCorpusEntries(c->nentries + n);
	GrowCorpus(st, c->ndocs + 1 >= st->doc_cap ? Max(1024, st->doc_cap * 2) : st->doc_cap,
			   c->nentries + n > st->entry_cap ?
			   Max(Max(8192, st->entry_cap * 2), c->nentries + n) : st->entry_cap);
}

/* Make room for ndocs more documents of nentries entries in all (one reallocation) */
static void
ReserveCorpus(LdaAggState *st, int64 ndocs, int64 nentries)
{
	LdaCorpus  *c = &st->corpus;

	CheckCorpusEntries(c->nentries + nentries);
	GrowCorpus(st, c->ndocs + ndocs >= st->doc_cap ? c->ndocs + ndocs + 1 : st->doc_cap,
			   c->nentries + nentries > st->entry_cap ? c->nentries + nentries : st->entry_cap);
}

/* Content hash of one stored document */
static uint64
DocHash(const LdaCorpus *c, int64 d)
{
	int64		s = c->start[d],
				n = c->start[d + 1] - s;
	uint64		h = hash_bytes_extended((const unsigned char *) (c->ids + s), n * sizeof(uint32), 17);

	return hash_bytes_extended((const unsigned char *) (c->cnts + s), n * sizeof(uint16), h);
}

/* Turn the collected term ids of the current row into a stored document */
static void
StoreRow(LdaAggState *st)
{
	LdaCorpus  *c = &st->corpus;
	int			n = 0;

	if (st->row_n == 0)
	{
		st->empty_documents++;
		return;
	}
	qsort(st->row_ids, st->row_n, sizeof(uint32), CompareIds);
	ReserveDoc(st, st->row_n);
	for (int i = 0; i < st->row_n; i++)
	{
		int64		e = c->nentries + n;

		if (n > 0 && c->ids[e - 1] == st->row_ids[i])
		{
			if (c->cnts[e - 1] < PG_UINT16_MAX)
				c->cnts[e - 1]++;
			continue;
		}
		if (n >= LDA_MAX_DOC_TERMS)
			break;
		c->ids[e] = st->row_ids[i];
		c->cnts[e] = 1;
		n++;
	}
	for (int i = 0; i < n; i++)
		st->tokens += c->cnts[c->nentries + i];
	c->nentries += n;
	c->start[c->ndocs + 1] = c->nentries;
	c->hashes[c->ndocs] = 0;
	c->ndocs++;
	c->hashes[c->ndocs - 1] = DocHash(c, c->ndocs - 1);
}

/*
 * Check that a vocabulary argument has the content of the state's: same size,
 * header and content fingerprint (CheckVocab guarantees that the fingerprint
 * of every vocab value matches its content).  Only the header is read (a slice
 * of a TOAST value), and a stored value whose TOAST pointer was checked before
 * is not read at all.  The argument's address proves nothing: per-row values
 * are built again at the same address.
 */
static void
CheckSameVocab(LdaAggState *st, Datum d)
{
	struct varlena *p = (struct varlena *) DatumGetPointer(d);
	bool		ondisk = VARATT_IS_EXTERNAL_ONDISK(p);
	varatt_external toast;
	Vocab	   *hdr;

	if (ondisk)
	{
		VARATT_EXTERNAL_GET_POINTER(toast, p);
		if (st->vocab_toast_valid && memcmp(&toast, &st->vocab_toast, sizeof(toast)) == 0)
			return;
	}
	hdr = (Vocab *) PG_DETOAST_DATUM_SLICE(d, 0, offsetof(Vocab, df) - VARHDRSZ);
	if (toast_raw_datum_size(d) != VARSIZE(st->vocab) ||
		hdr->fingerprint != st->vocab->fingerprint || hdr->nterms != st->vocab->nterms ||
		hdr->textlen != st->vocab->textlen || hdr->ndocs != st->vocab->ndocs)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("the vocabulary must be the same for every row of tweetlda.lda()"),
				 errdetail("A row has a vocabulary of %d terms over " INT64_FORMAT " documents; the first row had %d terms over " INT64_FORMAT " documents%s.",
						   hdr->nterms, hdr->ndocs, st->vocab->nterms, st->vocab->ndocs,
						   hdr->nterms == st->vocab->nterms && hdr->ndocs == st->vocab->ndocs ?
						   " (with other terms or counts)" : ""),
				 errhint("Pass one vocabulary, for example (SELECT v FROM my_vocabulary), not a per-row value.")));
	if ((Pointer) hdr != (Pointer) p)
		pfree(hdr);
	st->vocab_toast_valid = ondisk;
	if (ondisk)
		st->vocab_toast = toast;
}

/* Remember the params argument of the first row (in the aggregate context) */
static void
KeepParams(LdaAggState *st, MemoryContext aggcxt, Jsonb *params)
{
	st->check_params = true;
	if (params)
	{
		st->params_json = MemoryContextAlloc(aggcxt, VARSIZE(params));
		memcpy(st->params_json, params, VARSIZE(params));
	}
}

/* Check that the params argument of a later row equals the first row's (jsonb equality) */
static void
CheckSameParams(LdaAggState *st, Jsonb *params, const char *agg)
{
	bool		same;

	if (!st->check_params)
		return;
	if (params == NULL || st->params_json == NULL)
		same = params == NULL && st->params_json == NULL;
	else if (VARSIZE(params) == VARSIZE(st->params_json) &&
			 memcmp(params, st->params_json, VARSIZE(params)) == 0)
		same = true;			/* the same bytes (a constant, every row): no need to compare as jsonb */
	else
		same = DatumGetBool(DirectFunctionCall2(jsonb_eq, PointerGetDatum(params),
												PointerGetDatum(st->params_json)));
	if (!same)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("the parameters must be the same for every row of %s", agg),
				 errdetail("The first row had %s; a later row has %s.",
						   st->params_json ? JsonbToCString(NULL, &st->params_json->root, VARSIZE(st->params_json)) : "NULL",
						   params ? JsonbToCString(NULL, &params->root, VARSIZE(params)) : "NULL"),
				 errhint("Pass one parameters object (a constant), not a per-row value.")));
}

/* The params argument at argno, or NULL (absent or SQL NULL) */
static Jsonb *
ParamsArg(FunctionCallInfo fcinfo, int argno)
{
	return PG_NARGS() > argno && !PG_ARGISNULL(argno) ? PG_GETARG_JSONB_P(argno) : NULL;
}

/* The state for the current row: created on the first row; vocabulary and params checked on the others */
static LdaAggState *
StateForRow(FunctionCallInfo fcinfo, MemoryContext *aggcxt)
{
	LdaAggState *st = PG_ARGISNULL(0) ? NULL : (LdaAggState *) PG_GETARG_POINTER(0);
	Jsonb	   *params = ParamsArg(fcinfo, 3);

	*aggcxt = AggregateContext(fcinfo, "tweetlda.lda() transition function");
	if (PG_ARGISNULL(2))
		ereport(ERROR,
				(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
				 errmsg("the vocabulary of tweetlda.lda() must not be NULL")));
	if (st == NULL)
	{
		st = InitState(*aggcxt, params, PG_GETARG_VOCAB_P(2));
		KeepParams(st, *aggcxt, params);
		CheckSameVocab(st, PG_GETARG_DATUM(2));	/* remembers a TOAST pointer */
	}
	else
	{
		CheckSameVocab(st, PG_GETARG_DATUM(2));
		CheckSameParams(st, params, "tweetlda.lda()");
	}
	return st;
}

/* Store the collected term ids of the row in the aggregate context */
static void
FinishRow(LdaAggState *st, MemoryContext aggcxt)
{
	MemoryContext old = MemoryContextSwitchTo(aggcxt);

	StoreRow(st);
	MemoryContextSwitchTo(old);
}

/*
 * Tokenize one document of the given lang field (NULL: detected when the
 * configuration needs it), keeping track of its language; false when the
 * configuration's languages exclude it (no token was produced).
 */
static bool
TokenizeRow(LdaAggState *st, text *doc, text *lang, TokenFormSink sink)
{
	int			l = TokenizeTweetForms(st->tok, VARDATA_ANY(doc), VARSIZE_ANY_EXHDR(doc),
									   lang ? VARDATA_ANY(lang) : NULL,
									   lang ? VARSIZE_ANY_EXHDR(lang) : 0, sink, st);

	if (l == TOKENIZE_SKIPPED)
	{
		st->skipped_language++;
		return false;
	}
	if (l >= 0)
		TextLangSetAdd(&st->langs_seen, l);
	return true;
}

PG_FUNCTION_INFO_V1(lda_agg_transfn);
/* Transition function: tokenize one document and store its known terms */
Datum
lda_agg_transfn(PG_FUNCTION_ARGS)
{
	MemoryContext aggcxt;
	LdaAggState *st = StateForRow(fcinfo, &aggcxt);
	text	   *doc;

	if (PG_ARGISNULL(1))
		PG_RETURN_POINTER(st);	/* NULL documents are ignored */
	PrepareState(st, aggcxt, true);
	doc = PG_GETARG_TEXT_PP(1);
	st->row_n = 0;
	if (TokenizeRow(st, doc, NULL, CollectFormToken))
		FinishRow(st, aggcxt);
	PG_RETURN_POINTER(st);
}

PG_FUNCTION_INFO_V1(lda_agg_tokens_transfn);
/* Transition function for documents already tokenized: store the known terms of a token array */
Datum
lda_agg_tokens_transfn(PG_FUNCTION_ARGS)
{
	MemoryContext aggcxt;
	LdaAggState *st = StateForRow(fcinfo, &aggcxt);
	ArrayIterator it;
	Datum		elem;
	bool		isnull;

	if (PG_ARGISNULL(1))
		PG_RETURN_POINTER(st);	/* NULL documents are ignored */
	PrepareState(st, aggcxt, false);
	st->row_n = 0;
	it = array_create_iterator(PG_GETARG_ARRAYTYPE_P(1), 0, NULL);
	while (array_iterate(it, &elem, &isnull))
	{
		text	   *tok;

		if (isnull)
			continue;
		tok = DatumGetTextPP(elem);
		(void) CollectToken(st, VARDATA_ANY(tok), VARSIZE_ANY_EXHDR(tok));
	}
	array_free_iterator(it);
	FinishRow(st, aggcxt);
	PG_RETURN_POINTER(st);
}

/* Where OwnRow finds its arguments (-1: absent) */
typedef struct OwnRowArgs
{
	const char *agg;			/* the aggregate's name, for messages */
	int			model;			/* lda_update: the model */
	int			doc;
	int			lang;
	int			params;
	int			fit;
} OwnRowArgs;

/* The state for a row of lda_from_text or lda_update: created on the first row, else checked */
static LdaAggState *
OwnState(FunctionCallInfo fcinfo, MemoryContext aggcxt, const OwnRowArgs *a)
{
	LdaAggState *st = PG_ARGISNULL(0) ? NULL : (LdaAggState *) PG_GETARG_POINTER(0);

	if (a->model >= 0 && PG_ARGISNULL(a->model))
		ereport(ERROR,
				(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
				 errmsg("the model of %s must not be NULL", a->agg)));
	if (st == NULL)
	{
		st = a->model < 0 ? InitOwnState(aggcxt, ParamsArg(fcinfo, a->params)) :
			InitUpdateState(aggcxt, ParamsArg(fcinfo, a->params), PG_GETARG_LDA_MODEL_P(a->model));
		KeepParams(st, aggcxt, ParamsArg(fcinfo, a->params));
		return st;
	}
	CheckSameParams(st, ParamsArg(fcinfo, a->params), a->agg);
	if (a->model >= 0)
		CheckSameBase(st, PG_GETARG_DATUM(a->model));
	return st;
}

/*
 * One row of lda_from_text or lda_update (arguments in a): the document, its
 * lang field (none: NULL), the params and fit (false: the document counts for
 * the vocabulary only, train()'s held-out slice).  Count and store all the
 * document's terms.
 */
static Datum
OwnRow(FunctionCallInfo fcinfo, const char *fname, const OwnRowArgs *a)
{
	MemoryContext aggcxt = AggregateContext(fcinfo, fname);
	LdaAggState *st = OwnState(fcinfo, aggcxt, a);
	text	   *lang = (a->lang < 0 || PG_ARGISNULL(a->lang)) ? NULL : PG_GETARG_TEXT_PP(a->lang);
	int			fitarg = a->fit;

	if (PG_ARGISNULL(a->doc))
		PG_RETURN_POINTER(st);	/* NULL documents are ignored (as by tweetlda.vocabulary) */
	PrepareState(st, aggcxt, true);
	st->row_n = 0;
	VocabBuilderStartDocument(st->builder);
	if (!TokenizeRow(st, PG_GETARG_TEXT_PP(a->doc), lang, CollectOwnToken))
		VocabBuilderCancelDocument(st->builder);	/* not a document of the corpus */
	else if (fitarg >= 0 && !PG_ARGISNULL(fitarg) && !PG_GETARG_BOOL(fitarg))
		st->row_n = 0;
	else
		FinishRow(st, aggcxt);
	PG_RETURN_POINTER(st);
}

PG_FUNCTION_INFO_V1(lda_agg_own_transfn);
/* Transition function of lda_from_text(doc, params): tokenize one document, count and store its terms */
Datum
lda_agg_own_transfn(PG_FUNCTION_ARGS)
{
	OwnRowArgs	a = {"tweetlda.lda_from_text()", -1, 1, -1, 2, PG_NARGS() > 3 ? 3 : -1};

	return OwnRow(fcinfo, "lda_agg_own_transfn", &a);
}

PG_FUNCTION_INFO_V1(lda_agg_own_lang_transfn);
/* Transition function of lda_from_text(doc, lang, params[, fit]): a document with its lang field */
Datum
lda_agg_own_lang_transfn(PG_FUNCTION_ARGS)
{
	OwnRowArgs	a = {"tweetlda.lda_from_text()", -1, 1, 2, 3, PG_NARGS() > 4 ? 4 : -1};

	return OwnRow(fcinfo, "lda_agg_own_lang_transfn", &a);
}

/*
 * A row of lda_update(model, doc, [lang,] params [, fit]) (lda_update.c):
 * langarg -1 without a lang argument, fitarg -1 without fit.
 */
Datum
LdaAggUpdateRow(FunctionCallInfo fcinfo, int langarg, int paramsarg, int fitarg)
{
	OwnRowArgs	a = {"tweetlda.lda_update()", 1, 2, langarg, paramsarg, fitarg};

	return OwnRow(fcinfo, "lda_update_transfn", &a);
}

/* qsort comparator of packed (term id << 16 | count) pairs: by term id */
static int
ComparePairs(const void *a, const void *b)
{
	uint64		x = *(const uint64 *) a,
				y = *(const uint64 *) b;

	return (x > y) - (x < y);
}

#define SORT_INSERTION_MAX 32	/* shorter documents (most tweets): insertion sort */

/* Sort a document's (term, count) pairs by term: O(n log n) (a document has up to LDA_MAX_DOC_TERMS) */
static void
SortDocTerms(uint32 *ids, uint16 *cnts, int64 n)
{
	uint64	   *pairs;
	bool		sorted = true;

	for (int64 i = 1; i < n && sorted; i++)
		sorted = ids[i - 1] < ids[i];
	if (sorted)
		return;
	if (n <= SORT_INSERTION_MAX)
	{
		/* the ids of a document are distinct: the order is the same as qsort's */
		for (int64 i = 1; i < n; i++)
		{
			uint32		id = ids[i];
			uint16		cnt = cnts[i];
			int64		j = i;

			for (; j > 0 && ids[j - 1] > id; j--)
			{
				ids[j] = ids[j - 1];
				cnts[j] = cnts[j - 1];
			}
			ids[j] = id;
			cnts[j] = cnt;
		}
		return;
	}
	pairs = palloc(sizeof(uint64) * n);
	for (int64 i = 0; i < n; i++)
		pairs[i] = ((uint64) ids[i] << 16) | cnts[i];
	qsort(pairs, n, sizeof(uint64), ComparePairs);
	for (int64 i = 0; i < n; i++)
	{
		ids[i] = (uint32) (pairs[i] >> 16);
		cnts[i] = (uint16) (pairs[i] & 0xFFFF);
	}
	pfree(pairs);
}

/* Append the corpus of src to dst, renumbering its terms through map when not NULL */
static void
AppendCorpus(LdaAggState *dst, const LdaAggState *src, const uint32 *map)
{
	const LdaCorpus *s = &src->corpus;
	LdaCorpus  *d = &dst->corpus;

	ReserveCorpus(dst, s->ndocs, s->nentries);
	for (int64 i = 0; i < s->ndocs; i++)
	{
		int64		n = s->start[i + 1] - s->start[i];

		memcpy(d->ids + d->nentries, s->ids + s->start[i], n * sizeof(uint32));
		memcpy(d->cnts + d->nentries, s->cnts + s->start[i], n * sizeof(uint16));
		if (map)
		{
			for (int64 j = 0; j < n; j++)
				d->ids[d->nentries + j] = map[d->ids[d->nentries + j]];
			SortDocTerms(d->ids + d->nentries, d->cnts + d->nentries, n);
		}
		d->nentries += n;
		d->start[d->ndocs + 1] = d->nentries;
		d->hashes[d->ndocs] = s->hashes[i];
		d->ndocs++;
	}
	dst->empty_documents += src->empty_documents;
	dst->tokens += src->tokens;
}

/* Release the big arrays of a state merged into another (it is not used again) */
static void
FreeCorpus(LdaAggState *st)
{
	LdaCorpus  *c = &st->corpus;

	if (c->start)
		BigFree(c->start);
	if (c->hashes)
		BigFree(c->hashes);
	if (c->ids)
		BigFree(c->ids);
	if (c->cnts)
		BigFree(c->cnts);
	memset(c, 0, sizeof(LdaCorpus));
}

/* Same parameters, text configuration and vocabulary? */
static bool
SameSetup(const LdaAggState *a, const LdaAggState *b)
{
	return memcmp(&a->params, &b->params, sizeof(LdaParams)) == 0 &&
		a->textconf.len == b->textconf.len &&
		memcmp(a->textconf.data, b->textconf.data, a->textconf.len) == 0 &&
		a->build_vocab == b->build_vocab &&
		(a->build_vocab || a->vocab->fingerprint == b->vocab->fingerprint) &&
		(a->base == NULL) == (b->base == NULL) && a->auto_iter == b->auto_iter &&
		(a->base == NULL || a->base->fingerprint == b->base->fingerprint);
}

PG_FUNCTION_INFO_V1(lda_agg_combinefn);
/* Combine function: append the second partial corpus to the first */
Datum
lda_agg_combinefn(PG_FUNCTION_ARGS)
{
	MemoryContext aggcxt;
	MemoryContext old;
	LdaAggState *a = PG_ARGISNULL(0) ? NULL : (LdaAggState *) PG_GETARG_POINTER(0);
	LdaAggState *b = PG_ARGISNULL(1) ? NULL : (LdaAggState *) PG_GETARG_POINTER(1);

	aggcxt = AggregateContext(fcinfo, "lda_agg_combinefn");
	if (b == NULL)
		PG_RETURN_POINTER(a);
	if (a == NULL)
		PG_RETURN_POINTER(b);	/* deserialized states live in the aggregate context */
	if (!SameSetup(a, b))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("the parameters and vocabulary must be the same for every row of tweetlda.lda()")));
	old = MemoryContextSwitchTo(aggcxt);
	TextLangSetUnion(&a->langs_seen, &b->langs_seen);
	a->skipped_language += b->skipped_language;
	if (a->build_vocab)
		AppendCorpus(a, b, (uint32 *) VocabBuilderMerge(a->builder, b->builder));
	else
	{
		for (int i = 0; i < a->vocab->nterms; i++)
			a->cf[i] += b->cf[i];
		VocabFormsMerge(a->forms, b->forms, NULL);
		AppendCorpus(a, b, NULL);
	}
	FreeCorpus(b);
	MemoryContextSwitchTo(old);
	PG_RETURN_POINTER(a);
}

/* Copy a state's arrays into buf */
static void
SerializeCorpus(StringInfo buf, const LdaAggState *st)
{
	const LdaCorpus *c = &st->corpus;
	int			packed_at;
	int64		packed = 0;

	appendBinaryStringInfo(buf, (const char *) &st->empty_documents, sizeof(int64));
	appendBinaryStringInfo(buf, (const char *) &st->tokens, sizeof(double));
	appendBinaryStringInfo(buf, (const char *) &c->ndocs, sizeof(int64));
	appendBinaryStringInfo(buf, (const char *) &c->nentries, sizeof(int64));
	packed_at = buf->len;
	appendBinaryStringInfo(buf, (const char *) &packed, sizeof(int64));	/* set below */
	if (c->ndocs > 0)
		appendBinaryStringInfo(buf, (const char *) c->hashes, sizeof(uint64) * c->ndocs);
	for (int64 d = 0; d < c->ndocs; d++)
	{
		int64		n = c->start[d + 1] - c->start[d];
		uint8	   *p;

		/* at most 3 bytes for the length (<= LDA_MAX_DOC_TERMS), 5 + 3 an entry */
		enlargeStringInfo(buf, 3 + 8 * n);
		p = (uint8 *) buf->data + buf->len;
		p = EncodeVarint(p, (uint64) n);
		for (int64 e = c->start[d]; e < c->start[d + 1]; e++)
		{
			p = EncodeVarint(p, e == c->start[d] ? c->ids[e] : c->ids[e] - c->ids[e - 1] - 1);
			p = EncodeVarint(p, c->cnts[e]);
		}
		buf->len = (char *) p - buf->data;
	}
	buf->data[buf->len] = '\0';
	packed = buf->len - packed_at - sizeof(int64) - sizeof(uint64) * c->ndocs;
	memcpy(buf->data + packed_at, &packed, sizeof(int64));
}

/* Append the model an update starts from: int64 size (0: none), bool auto_iter, the model */
static void
SerializeBase(StringInfo buf, const LdaAggState *st)
{
	int64		size = st->base ? (int64) VARSIZE(st->base) : 0;

	appendBinaryStringInfo(buf, (const char *) &size, sizeof(int64));
	appendBinaryStringInfo(buf, (const char *) &st->auto_iter, sizeof(bool));
	if (st->base)
		appendBinaryStringInfo(buf, (const char *) st->base, size);
}

PG_FUNCTION_INFO_V1(lda_agg_serialfn);
/* Serialize the state for a parallel worker */
Datum
lda_agg_serialfn(PG_FUNCTION_ARGS)
{
	LdaAggState *st = (LdaAggState *) PG_GETARG_POINTER(0);
	StringInfoData buf;
	bytea	   *result;

	initStringInfo(&buf);
	if (st->build_vocab)
	{
		/* one buffer of the final size: doubling would copy megabytes into fresh pages */
		const LdaCorpus *c = &st->corpus;
		Size		size = VocabBuilderSerializedSize(st->builder) + st->textconf.len + 1024 +
			(sizeof(uint64) + 3) * c->ndocs + 8 * c->nentries;	/* packed: at most */

		if (size < MaxAllocSize / 2)
		{
			enlargeStringInfo(&buf, (int) size);
			BigAdvise(buf.data, buf.maxlen);
		}
	}
	appendStringInfoSpaces(&buf, VARHDRSZ);
	pq_sendint32(&buf, LDA_STATE_VERSION);
	appendBinaryStringInfo(&buf, (const char *) &st->params, sizeof(LdaParams));
	pq_sendint32(&buf, st->textconf.len);
	appendBinaryStringInfo(&buf, st->textconf.data, st->textconf.len);
	appendBinaryStringInfo(&buf, (const char *) &st->build_vocab, sizeof(bool));
	SerializeBase(&buf, st);
	if (st->build_vocab)
		VocabBuilderSerialize(&buf, st->builder);
	else
	{
		appendBinaryStringInfo(&buf, (const char *) st->vocab, VARSIZE(st->vocab));
		appendBinaryStringInfo(&buf, (const char *) st->cf, sizeof(int64) * st->vocab->nterms);
		VocabFormsSerialize(&buf, st->forms);
	}
	appendBinaryStringInfo(&buf, (const char *) &st->langs_seen, sizeof(TextLangSet));
	appendBinaryStringInfo(&buf, (const char *) &st->skipped_language, sizeof(int64));
	SerializeCorpus(&buf, st);
	result = (bytea *) buf.data;
	SET_VARSIZE(result, buf.len);
	PG_RETURN_BYTEA_P(result);
}

/* Report a corrupt serialized state */
static void
pg_attribute_noreturn()
BadState(void)
{
	ereport(ERROR,
			(errcode(ERRCODE_INVALID_BINARY_REPRESENTATION),
			 errmsg("invalid serialized tweetlda.lda() state")));
}

/* Copy n bytes out of buf, or fail if there are not that many left */
static void
TakeBytes(StringInfo buf, void *dst, Size n)
{
	if ((Size) (buf->len - buf->cursor) < n)
		BadState();
	memcpy(dst, buf->data + buf->cursor, n);
	buf->cursor += n;
}

/* Read and check the corpus of a serialized state */
static void
DeserializeCorpus(StringInfo buf, LdaAggState *st)
{
	LdaCorpus  *c = &st->corpus;
	uint32		nterms = (uint32) (st->build_vocab ? VocabBuilderTerms(st->builder) : st->vocab->nterms);
	int64		ndocs,
				nentries,
				packed;
	int64		e = 0;
	const uint8 *p,
			   *end;

	TakeBytes(buf, &st->empty_documents, sizeof(int64));
	TakeBytes(buf, &st->tokens, sizeof(double));
	TakeBytes(buf, &ndocs, sizeof(int64));
	TakeBytes(buf, &nentries, sizeof(int64));
	TakeBytes(buf, &packed, sizeof(int64));
	/* a document takes at least 1 byte and an entry 2: check before allocating */
	if (ndocs < 0 || nentries < ndocs || nentries > LDA_MAX_ENTRIES || st->empty_documents < 0 ||
		packed < ndocs + 2 * nentries || ndocs > (buf->len - buf->cursor) / (int64) sizeof(uint64) ||
		(int64) (buf->len - buf->cursor) != (int64) sizeof(uint64) * ndocs + packed)
		BadState();
	st->doc_cap = ndocs;
	st->entry_cap = nentries;
	c->ndocs = ndocs;
	c->nentries = nentries;
	c->start = BigAlloc(CurrentMemoryContext, sizeof(int64) * (ndocs + 1), false);
	c->start[0] = 0;
	if (ndocs == 0)
		return;
	c->hashes = BigAlloc(CurrentMemoryContext, sizeof(uint64) * ndocs, false);
	c->ids = BigAlloc(CurrentMemoryContext, sizeof(uint32) * nentries, false);
	c->cnts = BigAlloc(CurrentMemoryContext, sizeof(uint16) * nentries, false);
	TakeBytes(buf, c->hashes, sizeof(uint64) * ndocs);
	p = (const uint8 *) buf->data + buf->cursor;
	end = (const uint8 *) buf->data + buf->len;
	for (int64 d = 0; d < ndocs; d++)
	{
		uint64		n,
					v;
		int64		id = -1;
		uint32	   *ids = c->ids;
		uint16	   *cnts = c->cnts;

		if (!DecodeVarint(&p, end, LDA_MAX_DOC_TERMS, &n) || n < 1 || (int64) n > nentries - e)
			BadState();
		for (uint64 j = 0; j < n; j++, e++)
		{
			if (!DecodeVarint(&p, end, PG_UINT32_MAX, &v) || (uint64) (id + 1) + v >= nterms)
				BadState();
			id += 1 + (int64) v;
			ids[e] = (uint32) id;
			if (!DecodeVarint(&p, end, PG_UINT16_MAX, &v) || v == 0)
				BadState();
			cnts[e] = (uint16) v;
		}
		c->start[d + 1] = e;
		if ((d & 4095) == 0)
			CHECK_FOR_INTERRUPTS();
	}
	if (e != nentries || p != end)
		BadState();
	buf->cursor = buf->len;
}

/* Read and check the model an update starts from (the whole model is validated) */
static void
DeserializeBase(StringInfo buf, LdaAggState *st)
{
	int64		size;
	uint8		flag;

	TakeBytes(buf, &size, sizeof(int64));
	TakeBytes(buf, &flag, sizeof(uint8));
	if (flag > 1)
		BadState();
	st->auto_iter = flag == 1;
	if (size == 0)
		return;
	if (size < (int64) offsetof(LdaModel, alpha) || size > buf->len - buf->cursor ||
		!st->build_vocab)
		BadState();
	st->base = palloc(size);
	TakeBytes(buf, st->base, size);
	if (VARSIZE(st->base) != (Size) size)
		BadState();
	LdaModelCheck(st->base, size);
	LdaCheckUpdatable(st->base);
}

PG_FUNCTION_INFO_V1(lda_agg_deserialfn);
/* Deserialize a worker's state into the aggregate context, checking everything */
Datum
lda_agg_deserialfn(PG_FUNCTION_ARGS)
{
	bytea	   *b = PG_GETARG_BYTEA_PP(0);
	MemoryContext aggcxt;
	MemoryContext old;
	StringInfoData buf;
	LdaAggState *st;
	int32		version,
				len;
	Vocab		vhdr;

	aggcxt = AggregateContext(fcinfo, "lda_agg_deserialfn");
	old = MemoryContextSwitchTo(aggcxt);
	buf.data = VARDATA_ANY(b);
	buf.len = VARSIZE_ANY_EXHDR(b);
	buf.cursor = 0;
	st = palloc0(sizeof(LdaAggState));
	TakeBytes(&buf, &version, sizeof(int32));
	if (pg_ntoh32(version) != LDA_STATE_VERSION)
		BadState();
	TakeBytes(&buf, &st->params, sizeof(LdaParams));
	LdaCheckParams(&st->params);
	TakeBytes(&buf, &len, sizeof(int32));
	len = pg_ntoh32(len);
	if (len < 0 || len > buf.len - buf.cursor)
		BadState();
	initStringInfo(&st->textconf);
	appendBinaryStringInfo(&st->textconf, buf.data + buf.cursor, len);
	buf.cursor += len;
	(void) TextConfigDeserialize(st->textconf.data, st->textconf.len);
	st->cxt = aggcxt;
	TakeBytes(&buf, &st->build_vocab, sizeof(bool));
	DeserializeBase(&buf, st);
	if (st->build_vocab)
		st->builder = VocabBuilderDeserialize(&buf, aggcxt);
	else
	{
		if (buf.len - buf.cursor < (int) sizeof(Vocab))
			BadState();
		memcpy(&vhdr, buf.data + buf.cursor, sizeof(Vocab));
		if (VARSIZE(&vhdr) < sizeof(Vocab) || VARSIZE(&vhdr) > (Size) (buf.len - buf.cursor))
			BadState();
		st->vocab = palloc(VARSIZE(&vhdr));
		TakeBytes(&buf, st->vocab, VARSIZE(&vhdr));
		CheckVocab(st->vocab, VARSIZE(st->vocab));
		st->cf = palloc(sizeof(int64) * st->vocab->nterms);
		TakeBytes(&buf, st->cf, sizeof(int64) * st->vocab->nterms);
		for (int i = 0; i < st->vocab->nterms; i++)
			if (st->cf[i] < 0)
				BadState();
		st->forms = VocabFormsDeserialize(&buf, aggcxt, st->vocab->nterms);
	}
	TakeBytes(&buf, &st->langs_seen, sizeof(TextLangSet));
	TakeBytes(&buf, &st->skipped_language, sizeof(int64));
	for (int l = TextLangCount(); l < TEXTLANG_MAX; l++)
		if (TextLangSetHas(&st->langs_seen, l) || st->skipped_language < 0)
			BadState();
	DeserializeCorpus(&buf, st);
	st->row_cap = 64;
	st->row_ids = palloc(sizeof(uint32) * st->row_cap);
	MemoryContextSwitchTo(old);
	PG_RETURN_POINTER(st);
}

/* Per-term weights: IDF for tfidf, 1 for tf */
static double *
TermWeights(const LdaParams *p, const Vocab *vocab)
{
	double	   *w = palloc(sizeof(double) * vocab->nterms);

	for (int i = 0; i < vocab->nterms; i++)
		w[i] = p->weighting == LDA_WEIGHTING_TFIDF ? VocabIdf(vocab, i) : 1.0;
	return w;
}

/* Train on a corpus over a vocabulary and build the model */
static LdaModel *
TrainModel(const LdaAggState *st, const Vocab *vocab, const VocabWords *words,
		   const LdaCorpus *corpus, int64 empty_documents, double tokens)
{
	LdaTrainResult *res;

	if (corpus->ndocs == 0)
		ereport(ERROR,
				(errcode(ERRCODE_DATA_EXCEPTION),
				 errmsg("cannot train an LDA model on an empty corpus"),
				 errdetail("No document contains a term of the vocabulary.")));
	/* the one place where the method chooses the trainer */
	if (st->params.method == LDA_METHOD_DMM)
		res = DmmTrain(&st->params, corpus, vocab->nterms);
	else
		res = LdaTrain(&st->params, corpus, vocab->nterms, TermWeights(&st->params, vocab));
	res->info.empty_documents = empty_documents;
	res->info.tokens = tokens;
	res->info.trained_at = GetCurrentTimestamp();
	return LdaModelBuild(res, res->k, vocab->nterms, (StringInfo) &st->textconf, vocab, words);
}

/* The vocabulary lda_from_text built, its words, and map: local number -> term id (-1: not kept) */
static Vocab *
BuildOwnVocab(const LdaAggState *st, int32 **map, VocabWords **words)
{
	Vocab	   *v = VocabBuilderFinish(st->builder, map, words);

	if (v->nterms == 0)
		ereport(ERROR,
				(errcode(ERRCODE_DATA_EXCEPTION),
				 errmsg("cannot train an LDA model with an empty vocabulary"),
				 errdetail("No term of the " INT64_FORMAT " documents passes min_df %g and max_df %g.",
						   VocabBuilderDocuments(st->builder), st->params.min_df, st->params.max_df),
				 errhint("Lower min_df, raise max_df, or train on more documents.")));
	CheckLdaCells(st->params.k, v->nterms);
	return v;
}

/* The corpus renumbered through map, without the terms outside the vocabulary */
static void
RemapCorpus(const LdaAggState *st, const int32 *map, LdaCorpus *out,
			int64 *empty_documents, double *tokens)
{
	const LdaCorpus *c = &st->corpus;

	memset(out, 0, sizeof(LdaCorpus));
	/* filled once and kept with the memory context: huge pages when large */
	out->start = BigAlloc(CurrentMemoryContext, sizeof(int64) * (c->ndocs + 1), false);
	out->hashes = BigAlloc(CurrentMemoryContext, sizeof(uint64) * Max(c->ndocs, 1), false);
	out->ids = BigAlloc(CurrentMemoryContext, sizeof(uint32) * Max(c->nentries, 1), false);
	out->cnts = BigAlloc(CurrentMemoryContext, sizeof(uint16) * Max(c->nentries, 1), false);
	out->start[0] = 0;
	*empty_documents = st->empty_documents;
	*tokens = 0.0;
	for (int64 d = 0; d < c->ndocs; d++)
	{
		int64		first = out->nentries;

		for (int64 e = c->start[d]; e < c->start[d + 1]; e++)
		{
			if (map[c->ids[e]] < 0)
				continue;
			out->ids[out->nentries] = (uint32) map[c->ids[e]];
			out->cnts[out->nentries] = c->cnts[e];
			*tokens += c->cnts[e];
			out->nentries++;
		}
		if (out->nentries == first)
		{
			(*empty_documents)++;
			continue;
		}
		SortDocTerms(out->ids + first, out->cnts + first, out->nentries - first);
		out->start[out->ndocs + 1] = out->nentries;
		out->ndocs++;
		out->hashes[out->ndocs - 1] = DocHash(out, out->ndocs - 1);
		CHECK_FOR_INTERRUPTS();
	}
}

/* Report the documents skipped for their language (a NOTICE) */
static void
ReportSkipped(const LdaAggState *st)
{
	if (st->skipped_language > 0)
		ereport(NOTICE,
				(errmsg("lda: skipped " INT64_FORMAT " documents of other languages than %s",
						st->skipped_language,
						TextLangSetToString(&TextConfigDeserialize(st->textconf.data,
																   st->textconf.len)->languages))));
}

/*
 * For a configuration that looks at languages: report the documents skipped
 * for their language, and restrict the model's configuration to the
 * languages of the documents it is trained on, so that a tweet of a language
 * the model never saw scores as having no known word.
 */
static void
RecordLanguages(LdaAggState *st)
{
	ReportSkipped(st);
	if (!TextLangSetEmpty(&st->langs_seen))
		TextConfigRestrictSerialized(&st->textconf, &st->langs_seen);
}

/*
 * The final step of lda_update (lda_update.c): extend the model's vocabulary
 * by the terms of the new documents, renumber their corpus into it and go on
 * training.  An error when no new document came in.
 */
LdaModel *
LdaAggUpdateFinish(void *state)
{
	LdaAggState *st = (LdaAggState *) state;
	int32	   *map;
	VocabWords *words;
	Vocab	   *vocab;
	LdaCorpus	corpus;
	int64		empty;
	double		tokens;

	if (st == NULL || VocabBuilderDocuments(st->builder) == 0)
		ereport(ERROR,
				(errcode(ERRCODE_DATA_EXCEPTION),
				 errmsg("cannot update an LDA model without new documents"),
				 errdetail(st == NULL ? "The aggregate received no rows." :
						   "The aggregate received only NULL documents or documents of other languages.")));
	if (st->base == NULL)
		elog(ERROR, "lda_update state without a model");
	ReportSkipped(st);
	vocab = VocabBuilderExtend(st->builder, LDA_VOCAB(st->base), LdaUpdateBaseWords(st->base),
							   Max(st->params.max_terms, st->base->nterms), &map, &words);
	RemapCorpus(st, map, &corpus, &empty, &tokens);
	return LdaUpdate(st->base, &st->params, st->auto_iter, vocab, words, &corpus, empty, tokens);
}

PG_FUNCTION_INFO_V1(lda_agg_finalfn);
/* Final function: train the model on the collected corpus (building the vocabulary first for lda_from_text) */
Datum
lda_agg_finalfn(PG_FUNCTION_ARGS)
{
	LdaAggState *st = PG_ARGISNULL(0) ? NULL : (LdaAggState *) PG_GETARG_POINTER(0);
	int32	   *map;
	Vocab	   *vocab;
	VocabWords *words;
	LdaCorpus	corpus;
	int64		empty;
	double		tokens;

	if (st == NULL || (st->build_vocab && VocabBuilderDocuments(st->builder) == 0))
		ereport(ERROR,
				(errcode(ERRCODE_DATA_EXCEPTION),
				 errmsg("cannot train an LDA model on an empty corpus"),
				 errdetail(st == NULL ? "The aggregate received no rows." :
						   "The aggregate received only NULL documents.")));
	RecordLanguages(st);
	if (!st->build_vocab)
		PG_RETURN_LDA_MODEL_P(TrainModel(st, st->vocab, VocabWordsBuild(st->vocab, st->forms, st->cf, NULL),
										 &st->corpus, st->empty_documents, st->tokens));
	vocab = BuildOwnVocab(st, &map, &words);
	RemapCorpus(st, map, &corpus, &empty, &tokens);
	PG_RETURN_LDA_MODEL_P(TrainModel(st, vocab, words, &corpus, empty, tokens));
}

PG_FUNCTION_INFO_V1(lda_check_params);
/* lda_check_params(params jsonb): validate training parameters (as the aggregate does) */
Datum
lda_check_params(PG_FUNCTION_ARGS)
{
	Jsonb	   *jb = PG_GETARG_JSONB_P(0);
	LdaParams	p;
	Jsonb	   *tc = ParseParams(jb, &p);

	if (tc)
		(void) TextConfigFromJsonb(tc);
	PG_RETURN_JSONB_P(jb);
}
