/*
 * vocab_build.c
 *		Building a vocabulary: the one builder (VocabBuilder) behind the
 *		aggregate tweetlda.vocabulary and tweetlda.lda_from_text, and the
 *		surface forms of terms (VocabForms).
 *
 * A builder numbers every term it meets ("local" numbers, in the order it met
 * them) and keeps per term its document frequency and its occurrences (the
 * corpus term frequency), plus the surface forms of the terms (VocabForms).
 * Partial builders merge (parallel aggregation); the result never depends on
 * the order of the rows: counts are sums, the vocabulary is sorted by
 * occurrences, documents, then bytes, and the word of a term is its most
 * frequent surface form, ties broken by the bytes.
 *
 * Surface forms: the lowercased word before stemming, "#word" for a whole
 * hashtag.  A form equal to its term is not stored (most words): its count is
 * the term's occurrences minus the counts of its stored forms.
 *
 * Languages: a term is bytes, whatever language produced it, and a form is
 * keyed by its term.  Tokenizing each document with its own language (issue
 * 10, item 4) changes only which tokenizer feeds VocabBuilderAdd and
 * VocabBuilderAddForm; the builder, the words and the model's vocabulary stay
 * as they are (a stem shared by two languages is one term, with the most
 * frequent form of either as its word).
 *
 * Serialized builder (parallel workers only; network byte order): int32
 * version, float8 min_df, float8 max_df, int32 max_terms, int64 documents,
 * int32 terms, per term varint length, bytes, varint df, varint count - df;
 * then the forms: int32 forms, per form varint term, varint length, bytes,
 * varint count.  A varint is 7 bits a byte, low bits first, the high bit set
 * on every byte but the last (LEB128): most counts and lengths take one byte,
 * which shrinks the states every worker hands to the leader (each copied
 * several times into fresh memory) to about half.  Deserializing re-checks
 * every field before allocating.
 */
#include "postgres.h"

#include <limits.h>
#include <math.h>

#include "catalog/pg_type.h"
#include "common/hashfn.h"
#include "libpq/pqformat.h"
#include "mb/pg_wchar.h"
#include "miscadmin.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/float.h"
#include "utils/memutils.h"

#include "bigalloc.h"
#include "tweetlda.h"
#include "varint.h"
#include "vocab.h"

#define VOCAB_STATE_VERSION 3
#define ARENA_FIRST 1024			/* first arena block; blocks double up to */
#define ARENA_BLOCK (2 * 1024 * 1024)	/* big blocks on huge pages (BigAlloc) */
#define FORM_MAX_BYTES 1024			/* a surface form is a token: at most 255 characters */

/* Term bytes -> local number */
typedef struct BuildKey
{
	const char *str;
	int32		len;
} BuildKey;

typedef struct BuildEntry
{
	BuildKey	key;
	uint32		hash;
	char		status;
	int32		local;
} BuildEntry;

#define SH_PREFIX vbuild
#define SH_ELEMENT_TYPE BuildEntry
#define SH_KEY_TYPE BuildKey
#define SH_KEY key
#define SH_HASH_KEY(tb, k) hash_bytes((const unsigned char *) (k).str, (k).len)
#define SH_EQUAL(tb, a, b) ((a).len == (b).len && memcmp((a).str, (b).str, (a).len) == 0)
#define SH_SCOPE static inline
#define SH_STORE_HASH
#define SH_GET_HASH(tb, a) ((a)->hash)
#define SH_USE_NONDEFAULT_ALLOCATOR
#define SH_DECLARE
#define SH_DEFINE
#include "lib/simplehash.h"

/* Zeroed room for a table (big tables on huge pages) */
static inline void *
vbuild_allocate(vbuild_hash *tb, Size size)
{
	return BigAlloc(tb->ctx, size, true);
}

/* Free a table's room */
static inline void
vbuild_free(vbuild_hash *tb, void *p)
{
	BigFree(p);
}

/* (term number, form bytes) -> occurrences */
typedef struct FormKey
{
	const char *str;
	int32		len;
	int32		term;
} FormKey;

typedef struct FormEntry
{
	FormKey		key;
	uint32		hash;
	int32		stamp;			/* the merge that last added to it (VocabFormsMerge) */
	int64		count;
	char		status;
} FormEntry;

#define SH_PREFIX vform
#define SH_ELEMENT_TYPE FormEntry
#define SH_KEY_TYPE FormKey
#define SH_KEY key
#define SH_HASH_KEY(tb, k) (hash_bytes((const unsigned char *) (k).str, (k).len) ^ \
							((uint32) (k).term * 0x9E3779B1U))
#define SH_EQUAL(tb, a, b) ((a).term == (b).term && (a).len == (b).len && \
							memcmp((a).str, (b).str, (a).len) == 0)
#define SH_SCOPE static inline
#define SH_STORE_HASH
#define SH_GET_HASH(tb, a) ((a)->hash)
#define SH_USE_NONDEFAULT_ALLOCATOR
#define SH_DECLARE
#define SH_DEFINE
#include "lib/simplehash.h"

/* Zeroed room for a table (big tables on huge pages) */
static inline void *
vform_allocate(vform_hash *tb, Size size)
{
	return BigAlloc(tb->ctx, size, true);
}

/* Free a table's room */
static inline void
vform_free(vform_hash *tb, void *p)
{
	BigFree(p);
}

/* Bytes copied into blocks of a memory context */
typedef struct Arena
{
	MemoryContext cxt;
	char	   *next;
	Size		free;
	Size		block;			/* size of the next block */
	Size		used;			/* bytes copied in */
} Arena;

/*
 * Surface forms.  A deserialized set is not hashed at once: its forms wait in
 * the pending array (checked field by field, bytes in the arena) and are
 * hashed when the set is added to (FormsIndex), which finds duplicates; a
 * set that is only merged into another is never hashed, and the merge finds
 * its duplicates (stamps).  The leader of a parallel training merges the
 * workers' sets: hashing each of them first cost as much as the merge.
 */
struct VocabForms
{
	MemoryContext cxt;
	vform_hash *hash;			/* NULL while the forms are pending */
	FormEntry  *pending;
	int32		npending;
	int32		merges;			/* merges of unhashed sets into this one */
	Arena		arena;
};

/* Counts of one term */
typedef struct BuildTerm
{
	const char *str;
	int32		len;
	int64		df;				/* documents containing the term */
	int64		count;			/* occurrences */
	int64		lastdoc;		/* last document counted in df */
} BuildTerm;

/*
 * A builder.  Like VocabForms, a deserialized builder has no hash table until
 * it is added to (BuilderIndex, which finds duplicate terms); merged into
 * another, its duplicates are found by the merge.
 */
struct VocabBuilder
{
	MemoryContext cxt;
	VocabBuildParams params;
	int64		ndocs;
	vbuild_hash *hash;			/* NULL until needed (deserialized builders) */
	BuildTerm  *terms;			/* by local number */
	int32		nterms;
	int32		cap;
	Arena		arena;
	VocabForms *forms;
};

/* Copy bytes into the arena */
static const char *
ArenaCopy(Arena *a, const char *str, int len)
{
	char	   *dst;

	if (len == 0)
		return "";
	if ((Size) len > a->free)
	{
		Size		size = Max(a->block, (Size) len);

		a->next = BigAlloc(a->cxt, size, false);
		a->free = size;
		a->block = Min(a->block * 2, ARENA_BLOCK);
	}
	dst = a->next;
	memcpy(dst, str, len);
	a->next += len;
	a->free -= len;
	a->used += len;
	return dst;
}

/* An empty arena in cxt */
static void
ArenaInit(Arena *a, MemoryContext cxt)
{
	a->cxt = cxt;
	a->next = NULL;
	a->free = 0;
	a->block = ARENA_FIRST;
	a->used = 0;
}

/* Ensure builder parameters are valid */
void
CheckVocabBuildParams(const VocabBuildParams *p)
{
	if (isnan(p->min_df) || p->min_df < 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("min_df must be a number >= 0, not %g", p->min_df),
				 errdetail("A value >= 1 is a document count, a value < 1 a fraction of the documents.")));
	if (isnan(p->max_df) || p->max_df < 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("max_df must be a number >= 0, not %g", p->max_df),
				 errdetail("A value >= 1 is a document count, a value < 1 a fraction of the documents.")));
	if (p->max_terms < 1)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("max_terms must be at least 1, not %d", p->max_terms)));
}

/* Surface forms, empty, in cxt */
VocabForms *
VocabFormsCreate(MemoryContext cxt)
{
	VocabForms *f = MemoryContextAllocZero(cxt, sizeof(VocabForms));

	f->cxt = cxt;
	f->hash = vform_create(cxt, 256, NULL);
	ArenaInit(&f->arena, cxt);
	return f;
}

/* Report a corrupt serialized state */
static void
pg_attribute_noreturn()
StateCorrupt(const char *detail)
{
	ereport(ERROR,
			(errcode(ERRCODE_DATA_CORRUPTED),
			 errmsg("invalid serialized vocabulary aggregate state"),
			 errdetail("%s", detail)));
}

/* Hash the pending forms of f, with room for extra more; a form twice is corrupt */
static void
FormsIndex(VocabForms *f, int64 extra)
{
	if (f->hash != NULL)
		return;
	f->hash = vform_create(f->cxt, Max(f->npending + extra, 256), NULL);
	for (int32 i = 0; i < f->npending; i++)
	{
		bool		found;
		FormEntry  *e = vform_insert(f->hash, f->pending[i].key, &found);

		if (found)
			StateCorrupt("A surface form appears twice.");
		e->count = f->pending[i].count;
		e->stamp = 0;
		if ((i & 4095) == 0)
			CHECK_FOR_INTERRUPTS();
	}
	if (f->pending)
		BigFree(f->pending);
	f->pending = NULL;
	f->npending = 0;
}

/* Iterating over the forms of a set, hashed or pending */
typedef struct FormsIter
{
	const VocabForms *f;
	vform_iterator it;
	int32		next;
} FormsIter;

/* Start iterating over f */
static void
FormsStart(const VocabForms *f, FormsIter *it)
{
	it->f = f;
	it->next = 0;
	if (f->hash)
		vform_start_iterate(f->hash, &it->it);
}

/* The next form, or NULL */
static const FormEntry *
FormsNext(FormsIter *it)
{
	if (it->f->hash)
		return vform_iterate(it->f->hash, &it->it);
	return it->next < it->f->npending ? &it->f->pending[it->next++] : NULL;
}

/* Number of forms of f */
static int64
FormsCount(const VocabForms *f)
{
	return f->hash ? (int64) f->hash->members : f->npending;
}

/* Count n occurrences of a surface form of term (hashtag: the form is "#" + form) */
void
VocabFormsAdd(VocabForms *f, int32 term, const char *form, int len, bool hashtag, int64 n)
{
	char		buf[FORM_MAX_BYTES + 1];
	FormKey		key;
	bool		found;
	FormEntry  *e;

	if (len <= 0 || len > FORM_MAX_BYTES - 1)
		return;
	if (unlikely(f->hash == NULL))
		FormsIndex(f, 0);
	if (hashtag)
	{
		buf[0] = '#';
		memcpy(buf + 1, form, len);
		form = buf;
		len++;
	}
	key.str = form;
	key.len = len;
	key.term = term;
	e = vform_insert(f->hash, key, &found);
	if (!found)
	{
		e->key.str = ArenaCopy(&f->arena, form, len);
		e->count = 0;
		e->stamp = 0;
	}
	e->count += n;
}

/*
 * Add the forms of src to dst, renumbering terms through map (NULL: same
 * numbers; map must be one-to-one).  A form twice in src (possible only in a
 * corrupt unhashed set) is an error.
 */
void
VocabFormsMerge(VocabForms *dst, const VocabForms *src, const int32 *map)
{
	FormsIter	it;
	const FormEntry *e;
	int32		stamp;
	int64		i = 0;

	FormsIndex(dst, FormsCount(src));
	if (dst->hash->members + FormsCount(src) > dst->hash->grow_threshold)
		vform_grow(dst->hash, (uint64) ((dst->hash->members + FormsCount(src)) / 0.9) + 1);
	stamp = ++dst->merges;
	FormsStart(src, &it);
	while ((e = FormsNext(&it)) != NULL)
	{
		FormKey		key = e->key;
		bool		found;
		FormEntry  *d;

		key.term = map ? map[e->key.term] : e->key.term;
		d = vform_insert(dst->hash, key, &found);
		if (!found)
		{
			d->key.str = ArenaCopy(&dst->arena, key.str, key.len);
			d->count = 0;
		}
		else if (d->stamp == stamp)
			StateCorrupt("A surface form appears twice.");
		d->stamp = stamp;
		d->count += e->count;
		if ((++i & 4095) == 0)
			CHECK_FOR_INTERRUPTS();
	}
}

/* Append the forms (layout in the file comment) */
void
VocabFormsSerialize(StringInfo buf, const VocabForms *f)
{
	FormsIter	it;
	const FormEntry *e;

	pq_sendint32(buf, (int32) FormsCount(f));
	FormsStart(f, &it);
	while ((e = FormsNext(&it)) != NULL)
	{
		SendVarint(buf, (uint64) e->key.term);
		SendVarint(buf, (uint64) e->key.len);
		pq_sendbytes(buf, e->key.str, e->key.len);
		SendVarint(buf, (uint64) e->count);
	}
}

/* Read serialized forms of terms numbered below nterms, checking every field (duplicates: see VocabForms) */
VocabForms *
VocabFormsDeserialize(StringInfo buf, MemoryContext cxt, int32 nterms)
{
	int32		n = (int32) pq_getmsgint(buf, 4);
	VocabForms *f;

	/* each form takes at least 4 bytes: check before allocating */
	if (n < 0 || n > (buf->len - buf->cursor) / 4)
		StateCorrupt("The number of surface forms is out of range.");
	f = MemoryContextAllocZero(cxt, sizeof(VocabForms));
	f->cxt = cxt;
	ArenaInit(&f->arena, cxt);
	f->pending = BigAlloc(cxt, sizeof(FormEntry) * Max(n, 1), false);
	for (int32 i = 0; i < n; i++)
	{
		uint64		term,
					len,
					count;
		const char *form;
		FormEntry  *e = &f->pending[i];

		if (!GetVarint(buf, (uint64) Max(nterms - 1, 0), &term) || term >= (uint64) nterms ||
			!GetVarint(buf, FORM_MAX_BYTES - 1, &len) || len < 1 ||
			(int64) len > (int64) (buf->len - buf->cursor) - 1)
			StateCorrupt("A surface form is out of range.");
		form = pq_getmsgbytes(buf, (int) len);
		pg_verifymbstr(form, (int) len, false);
		if (!GetVarint(buf, PG_INT64_MAX, &count) || count < 1)
			StateCorrupt("A surface form count is out of range.");
		e->key.str = ArenaCopy(&f->arena, form, len);
		e->key.len = len;
		e->key.term = term;
		e->count = count;
		f->npending++;
		if ((i & 4095) == 0)
			CHECK_FOR_INTERRUPTS();
	}
	return f;
}

/* The better of two candidate words: more occurrences, then smaller bytes */
static inline bool
BetterWord(int64 count, const char *s, int len, int64 bestcount, const char *best, int bestlen)
{
	int			c;

	if (count != bestcount)
		return count > bestcount;
	c = memcmp(s, best, Min(len, bestlen));
	if (c != 0)
		return c < 0;
	return len < bestlen;
}

/*
 * The word of every term of v: its most frequent surface form.  cf[id] are
 * the occurrences of term id; map turns the forms' term numbers into ids (-1:
 * not in v; NULL: the numbers are ids).  A term without stored forms is its
 * own word.
 */
VocabWords *
VocabWordsBuild(const Vocab *v, const VocabForms *f, const int64 *cf, const int32 *map)
{
	int32		n = v->nterms;
	VocabWords *w = palloc0(sizeof(VocabWords));
	const char **best = palloc(sizeof(char *) * Max(n, 1));
	int32	   *bestlen = palloc(sizeof(int32) * Max(n, 1));
	int64	   *bestcount = palloc(sizeof(int64) * Max(n, 1));
	int64	   *rest = palloc(sizeof(int64) * Max(n, 1));
	int64		textlen = 0;

	w->nterms = n;
	w->cf = palloc(sizeof(int64) * Max(n, 1));
	for (int32 i = 0; i < n; i++)
	{
		w->cf[i] = cf[i];
		rest[i] = cf[i];
		best[i] = NULL;
		bestlen[i] = 0;
		bestcount[i] = -1;
	}
	if (f != NULL)
	{
		FormsIter	it;
		const FormEntry *e;

		FormsIndex((VocabForms *) f, 0);	/* finds duplicates of a deserialized set */
		FormsStart(f, &it);
		while ((e = FormsNext(&it)) != NULL)
		{
			int32		id = map ? map[e->key.term] : e->key.term;

			if (id < 0 || id >= n)
				continue;
			rest[id] -= e->count;
			if (best[id] == NULL ||
				BetterWord(e->count, e->key.str, e->key.len, bestcount[id], best[id], bestlen[id]))
			{
				best[id] = e->key.str;
				bestlen[id] = e->key.len;
				bestcount[id] = e->count;
			}
		}
	}
	for (int32 i = 0; i < n; i++)
	{
		int			len;
		const char *term = VocabTerm(v, i, &len);

		/* the term itself, written as such rest[i] times */
		if (best[i] == NULL || (rest[i] > 0 &&
								BetterWord(rest[i], term, len, bestcount[i], best[i], bestlen[i])))
		{
			best[i] = term;
			bestlen[i] = len;
		}
		textlen += bestlen[i];
	}
	CheckVocabSizes(n, textlen);
	w->textlen = (int32) textlen;
	w->offsets = palloc(sizeof(uint32) * (n + 1));
	w->text = palloc(Max(textlen, 1));
	w->offsets[0] = 0;
	for (int32 i = 0; i < n; i++)
	{
		memcpy(w->text + w->offsets[i], best[i], bestlen[i]);
		w->offsets[i + 1] = w->offsets[i] + bestlen[i];
	}
	return w;
}

/* An empty builder in cxt (parameters checked) */
VocabBuilder *
VocabBuilderCreate(MemoryContext cxt, const VocabBuildParams *params, int nterms_hint)
{
	VocabBuilder *b = MemoryContextAllocZero(cxt, sizeof(VocabBuilder));

	CheckVocabBuildParams(params);
	b->cxt = cxt;
	b->params = *params;
	b->hash = vbuild_create(cxt, Max(nterms_hint, 16), NULL);
	b->cap = Max(nterms_hint, 16);
	b->terms = BigAlloc(cxt, sizeof(BuildTerm) * b->cap, false);
	ArenaInit(&b->arena, cxt);
	return b;
}

/* Start a new document: later terms count towards its document frequencies */
void
VocabBuilderStartDocument(VocabBuilder *b)
{
	b->ndocs++;
}

/* Undo VocabBuilderStartDocument for a document that added no term (skipped for its language) */
void
VocabBuilderCancelDocument(VocabBuilder *b)
{
	Assert(b->ndocs > 0);
	b->ndocs--;
}

/* Hash the terms of a deserialized builder, with room for extra more; a term twice is corrupt */
static void
BuilderIndex(VocabBuilder *b, int64 extra)
{
	if (b->hash != NULL)
		return;
	b->hash = vbuild_create(b->cxt, Max(b->nterms + extra, 16), NULL);
	for (int32 i = 0; i < b->nterms; i++)
	{
		BuildKey	key = {b->terms[i].str, b->terms[i].len};
		bool		found;
		BuildEntry *e = vbuild_insert(b->hash, key, &found);

		if (found)
			StateCorrupt("A term appears twice.");
		e->local = i;
		if ((i & 4095) == 0)
			CHECK_FOR_INTERRUPTS();
	}
}

/* Make room for extra more terms in b (hash table and term array) */
static void
BuilderReserve(VocabBuilder *b, int64 extra)
{
	int64		want = b->nterms + extra;

	BuilderIndex(b, extra);
	if (want > b->hash->grow_threshold)
		vbuild_grow(b->hash, (uint64) (want / 0.9) + 1);
	if (want > b->cap && want <= VOCAB_MAX_TERMS * 10)
	{
		b->cap = (int32) want;
		b->terms = BigRealloc(b->cxt, b->terms, sizeof(BuildTerm) * b->nterms, sizeof(BuildTerm) * b->cap);
	}
}

/* The local number of a term, created (bytes copied) when new */
static int32
BuilderTerm(VocabBuilder *b, const char *str, int len, bool *isnew)
{
	BuildKey	key = {str, len};
	bool		found;
	BuildEntry *e;
	BuildTerm  *t;

	if (unlikely(b->hash == NULL))
		BuilderIndex(b, 0);
	e = vbuild_insert(b->hash, key, &found);

	*isnew = !found;
	if (found)
		return e->local;
	if (b->nterms >= VOCAB_MAX_TERMS * 10)
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("too many distinct terms to build a vocabulary"),
				 errhint("Train on fewer documents.")));
	if (b->nterms == b->cap)
	{
		b->cap *= 2;
		b->terms = BigRealloc(b->cxt, b->terms, sizeof(BuildTerm) * b->nterms, sizeof(BuildTerm) * b->cap);
	}
	t = &b->terms[b->nterms];
	t->str = ArenaCopy(&b->arena, str, len);
	t->len = len;
	t->df = 0;
	t->count = 0;
	t->lastdoc = -1;
	e->key.str = t->str;		/* the table must not point to the caller's bytes */
	e->local = b->nterms;
	return b->nterms++;
}

/* Count one occurrence of a term in the current document; returns its local number */
int32
VocabBuilderAdd(VocabBuilder *b, const char *term, int len)
{
	bool		isnew;
	int32		local = BuilderTerm(b, term, len, &isnew);
	BuildTerm  *t = &b->terms[local];

	t->count++;
	if (t->lastdoc != b->ndocs)
	{
		t->df++;
		t->lastdoc = b->ndocs;
	}
	return local;
}

/* Count a surface form of the term just added (local), unless it is the term itself */
void
VocabBuilderAddForm(VocabBuilder *b, int32 local, const char *form, int len, bool hashtag)
{
	const BuildTerm *t = &b->terms[local];

	if (!hashtag && len == t->len && memcmp(form, t->str, len) == 0)
		return;
	if (b->forms == NULL)
		b->forms = VocabFormsCreate(b->cxt);
	VocabFormsAdd(b->forms, local, form, len, hashtag, 1);
}

/* Number of documents and of distinct terms so far */
int64
VocabBuilderDocuments(const VocabBuilder *b)
{
	return b->ndocs;
}

int32
VocabBuilderTerms(const VocabBuilder *b)
{
	return b->nterms;
}

/* Ensure two builders have the same parameters */
static void
CheckSameBuildParams(const VocabBuildParams *a, const VocabBuildParams *b)
{
	if (a->min_df != b->min_df || a->max_df != b->max_df || a->max_terms != b->max_terms)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("vocabulary parameters must be the same for every row"),
				 errdetail("min_df, max_df and max_terms changed between rows.")));
}

/* Add src's counts to dst; returns src's local numbers in dst (palloc'ed) */
int32 *
VocabBuilderMerge(VocabBuilder *dst, const VocabBuilder *src)
{
	int32	   *map = palloc(sizeof(int32) * Max(src->nterms, 1));
	bits8	   *hit;

	CheckSameBuildParams(&dst->params, &src->params);
	BuilderReserve(dst, src->nterms);
	/* dst terms src added to: a second hit is a term twice in src (corrupt, unhashed) */
	hit = palloc0(((Size) dst->nterms + src->nterms) / 8 + 1);
	dst->ndocs += src->ndocs;
	for (int32 i = 0; i < src->nterms; i++)
	{
		const BuildTerm *s = &src->terms[i];
		bool		isnew;
		int32		local = BuilderTerm(dst, s->str, s->len, &isnew);

		if (hit[local / 8] & (1 << (local % 8)))
			StateCorrupt("A term appears twice.");
		hit[local / 8] |= 1 << (local % 8);
		dst->terms[local].df += s->df;
		dst->terms[local].count += s->count;
		map[i] = local;
		if ((i & 4095) == 0)
			CHECK_FOR_INTERRUPTS();
	}
	pfree(hit);
	if (src->forms != NULL)
	{
		if (dst->forms == NULL)
			dst->forms = VocabFormsCreate(dst->cxt);
		VocabFormsMerge(dst->forms, src->forms, map);
	}
	return map;
}

/* The bits of a float8, as pq_sendfloat8 sends them */
static inline uint64
Float8Bits(double d)
{
	union
	{
		double		d;
		uint64		i;
	}			u;

	u.d = d;
	return u.i;
}

/* The size of the serialized builder (VocabBuilderSerialize), to size a buffer once */
Size
VocabBuilderSerializedSize(const VocabBuilder *b)
{
	Size		size = 40 + b->arena.used + 4;

	for (int32 i = 0; i < b->nterms; i++)
	{
		const BuildTerm *t = &b->terms[i];

		size += VarintSize(t->len) + VarintSize(t->df) + VarintSize(t->count - t->df);
	}
	if (b->forms)
	{
		FormsIter	it;
		const FormEntry *e;

		FormsStart(b->forms, &it);
		while ((e = FormsNext(&it)) != NULL)
			size += VarintSize(e->key.term) + VarintSize(e->key.len) + VarintSize(e->count);
		size += b->forms->arena.used;
	}
	return size;
}

/* Append the serialized builder (layout in the file comment) */
void
VocabBuilderSerialize(StringInfo buf, const VocabBuilder *b)
{
	pq_sendint32(buf, VOCAB_STATE_VERSION);
	pq_sendint64(buf, Float8Bits(b->params.min_df));
	pq_sendint64(buf, Float8Bits(b->params.max_df));
	pq_sendint32(buf, b->params.max_terms);
	pq_sendint64(buf, b->ndocs);
	pq_sendint32(buf, b->nterms);
	for (int32 i = 0; i < b->nterms; i++)
	{
		const BuildTerm *t = &b->terms[i];

		SendVarint(buf, (uint64) t->len);
		pq_sendbytes(buf, t->str, t->len);
		SendVarint(buf, (uint64) t->df);
		SendVarint(buf, (uint64) (t->count - t->df));
	}
	if (b->forms)
		VocabFormsSerialize(buf, b->forms);
	else
		pq_sendint32(buf, 0);
}

/* Read a serialized builder into cxt, checking every field before allocating (the caller checks what follows) */
VocabBuilder *
VocabBuilderDeserialize(StringInfo buf, MemoryContext cxt)
{
	VocabBuildParams params;
	int64		ndocs;
	int32		n;
	VocabBuilder *b;

	if (buf->len - buf->cursor < 36 || pq_getmsgint(buf, 4) != VOCAB_STATE_VERSION)
		StateCorrupt("The header or format version is wrong.");
	params.min_df = pq_getmsgfloat8(buf);
	params.max_df = pq_getmsgfloat8(buf);
	params.max_terms = (int32) pq_getmsgint(buf, 4);
	CheckVocabBuildParams(&params);
	ndocs = pq_getmsgint64(buf);
	n = (int32) pq_getmsgint(buf, 4);
	/* each term takes at least 3 bytes: check before allocating */
	if (ndocs < 0 || n < 0 || n > (buf->len - buf->cursor) / 3 || n > VOCAB_MAX_TERMS * 10)
		StateCorrupt("The document or term count is out of range.");
	b = MemoryContextAllocZero(cxt, sizeof(VocabBuilder));
	b->cxt = cxt;
	b->params = params;
	b->cap = Max(n, 16);
	b->terms = BigAlloc(cxt, sizeof(BuildTerm) * b->cap, false);
	ArenaInit(&b->arena, cxt);
	b->ndocs = ndocs;
	/* no hash table yet: duplicates are found when it is built or merged (see VocabBuilder) */
	for (int32 i = 0; i < n; i++)
	{
		uint64		len,
					df,
					extra;
		const char *str;
		BuildTerm  *t;

		if (!GetVarint(buf, PG_INT32_MAX, &len) || (int64) len > (int64) (buf->len - buf->cursor) - 2)
			StateCorrupt("A term length exceeds the data.");
		str = pq_getmsgbytes(buf, (int) len);
		pg_verifymbstr(str, (int) len, false);
		if (!GetVarint(buf, (uint64) ndocs, &df) || df < 1 ||
			!GetVarint(buf, (uint64) (PG_INT64_MAX - (int64) df), &extra))
			StateCorrupt("A term count is out of range.");
		t = &b->terms[b->nterms++];
		t->str = ArenaCopy(&b->arena, str, (int) len);
		t->len = (int32) len;
		t->lastdoc = -1;
		t->df = (int64) df;
		t->count = (int64) (df + extra);
	}
	b->forms = VocabFormsDeserialize(buf, cxt, n);
	return b;
}

static const BuildTerm *sort_terms;

/* Order local numbers by occurrences, then documents (both descending), then bytes */
static int
CompareTerms(const void *a, const void *b)
{
	const BuildTerm *x = &sort_terms[*(const int32 *) a];
	const BuildTerm *y = &sort_terms[*(const int32 *) b];
	int			c;

	if (x->count != y->count)
		return x->count > y->count ? -1 : 1;
	if (x->df != y->df)
		return x->df > y->df ? -1 : 1;
	c = memcmp(x->str, y->str, Min(x->len, y->len));
	if (c != 0)
		return c;
	return (x->len > y->len) - (x->len < y->len);
}

/* A df bound as a document count: >= 1 is a count, < 1 a fraction of ndocs */
static double
DfBound(double param, int64 ndocs)
{
	return param >= 1.0 ? param : param * (double) ndocs;
}

/* The local numbers of the kept terms in vocabulary order (CountVectorizer rules); returns how many */
static int32
KeptTerms(const VocabBuilder *b, int32 **kept)
{
	double		lo = DfBound(b->params.min_df, b->ndocs);
	double		hi = DfBound(b->params.max_df, b->ndocs);
	int32		n = 0;

	BuilderIndex((VocabBuilder *) b, 0);	/* finds duplicates of a deserialized builder */
	if (hi < lo)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("max_df must not be lower than min_df"),
				 errdetail("Over %lld documents, min_df is %g documents and max_df %g documents.",
						   (long long) b->ndocs, lo, hi)));
	*kept = MemoryContextAllocHuge(CurrentMemoryContext, sizeof(int32) * Max(b->nterms, 1));
	for (int32 i = 0; i < b->nterms; i++)
		if ((double) b->terms[i].df >= lo && (double) b->terms[i].df <= hi)
			(*kept)[n++] = i;
	sort_terms = b->terms;
	qsort(*kept, n, sizeof(int32), CompareTerms);
	sort_terms = NULL;
	return Min(n, b->params.max_terms);
}

/*
 * The vocabulary (tweetlda.vocabulary's rules).  When map is not NULL, it
 * receives local number -> term id (-1: not kept); when words is not NULL, it
 * receives the corpus frequencies and words of the terms.
 */
Vocab *
VocabBuilderFinish(const VocabBuilder *b, int32 **map, VocabWords **words)
{
	int32	   *kept;
	int32		n = KeptTerms(b, &kept);
	int64		textlen = 0;
	Vocab	   *v;
	uint32	   *off;

	for (int32 i = 0; i < n; i++)
		textlen += b->terms[kept[i]].len;
	CheckVocabSizes(n, textlen);
	v = VocabAllocate(n, (int) textlen, b->ndocs);
	off = VOCAB_OFFSETS(v);
	if (map)
	{
		*map = MemoryContextAllocHuge(CurrentMemoryContext, sizeof(int32) * Max(b->nterms, 1));
		for (int32 i = 0; i < b->nterms; i++)
			(*map)[i] = -1;
	}
	for (int32 i = 0; i < n; i++)
	{
		const BuildTerm *t = &b->terms[kept[i]];

		v->df[i] = t->df;
		memcpy(VOCAB_TEXT(v) + off[i], t->str, t->len);
		off[i + 1] = off[i] + t->len;
		if (map)
			(*map)[kept[i]] = i;
	}
	VocabFinish(v);
	if (words)
	{
		int64	   *cf = palloc(sizeof(int64) * Max(n, 1));
		int32	   *idmap = map ? *map : NULL;

		for (int32 i = 0; i < n; i++)
			cf[i] = b->terms[kept[i]].count;
		if (idmap == NULL && b->forms != NULL)
		{
			idmap = palloc(sizeof(int32) * Max(b->nterms, 1));
			for (int32 i = 0; i < b->nterms; i++)
				idmap[i] = -1;
			for (int32 i = 0; i < n; i++)
				idmap[kept[i]] = i;
		}
		*words = VocabWordsBuild(v, b->forms, cf, idmap);
	}
	pfree(kept);
	return v;
}

/* An empty array of n int32 set to -1 */
static int32 *
UnmappedArray(int32 n)
{
	int32	   *a = MemoryContextAllocHuge(CurrentMemoryContext, sizeof(int32) * Max(n, 1));

	for (int32 i = 0; i < n; i++)
		a[i] = -1;
	return a;
}

/*
 * The words of an extended vocabulary: the base's terms keep their word
 * (basewords), the added terms get their most frequent form in b.
 */
static VocabWords *
ExtendedWords(const VocabBuilder *b, const Vocab *v, const VocabWords *basewords,
			  const int64 *cf, const int32 *map)
{
	VocabWords *built = VocabWordsBuild(v, b->forms, cf, map);
	VocabWords *w = palloc0(sizeof(VocabWords));
	int32		nbase = basewords->nterms;
	int64		textlen = basewords->textlen;

	for (int32 i = nbase; i < v->nterms; i++)
		textlen += built->offsets[i + 1] - built->offsets[i];
	CheckVocabSizes(v->nterms, textlen);
	w->nterms = v->nterms;
	w->textlen = (int32) textlen;
	w->cf = built->cf;
	w->offsets = palloc(sizeof(uint32) * (v->nterms + 1));
	w->text = palloc(Max(textlen, 1));
	memcpy(w->offsets, basewords->offsets, sizeof(uint32) * (nbase + 1));
	memcpy(w->text, basewords->text, basewords->textlen);
	for (int32 i = nbase; i < v->nterms; i++)
	{
		uint32		len = built->offsets[i + 1] - built->offsets[i];

		memcpy(w->text + w->offsets[i], built->text + built->offsets[i], len);
		w->offsets[i + 1] = w->offsets[i] + len;
	}
	return w;
}

/*
 * Extend the vocabulary base (with its words and corpus frequencies
 * basewords) by the documents counted in b (an incremental update of a
 * model).  The base's terms keep their ids and every one of them stays; their
 * document and corpus frequencies grow by b's counts.  The terms of b that
 * pass b's rules (min_df, max_df over b's documents; tweetlda.vocabulary's
 * order) and are not in the base follow, until the vocabulary has max_terms
 * terms (or as many as the base when it has more).  map receives b's local
 * number -> id (-1: not kept); words the corpus frequencies and words (the
 * base's terms keep their word).  The result depends on the counts only, not
 * on the order of the documents.
 */
Vocab *
VocabBuilderExtend(const VocabBuilder *b, const Vocab *base, const VocabWords *basewords,
				   int32 max_terms, int32 **map, VocabWords **words)
{
	VocabIndex *ix = VocabIndexCreate(base);
	int32		nbase = base->nterms;
	int32	   *kept;
	int32		nkept = KeptTerms(b, &kept);
	int32	   *added = MemoryContextAllocHuge(CurrentMemoryContext, sizeof(int32) * Max(nkept, 1));
	int32		nadded = 0;
	int64		textlen = base->textlen;
	int64	   *cf;
	Vocab	   *v;
	uint32	   *off;

	*map = UnmappedArray(b->nterms);
	for (int32 i = 0; i < b->nterms; i++)
		(*map)[i] = VocabIndexLookup(ix, b->terms[i].str, b->terms[i].len);
	for (int32 i = 0; i < nkept && nbase + nadded < max_terms; i++)
		if ((*map)[kept[i]] < 0)
		{
			added[nadded++] = kept[i];
			textlen += b->terms[kept[i]].len;
		}
	CheckVocabSizes((int64) nbase + nadded, textlen);
	v = VocabAllocate(nbase + nadded, (int) textlen, base->ndocs + b->ndocs);
	off = VOCAB_OFFSETS(v);
	memcpy(v->df, base->df, sizeof(int64) * nbase);
	memcpy(off, VOCAB_OFFSETS(base), sizeof(uint32) * (nbase + 1));
	memcpy(VOCAB_TEXT(v), VOCAB_TEXT(base), base->textlen);
	cf = palloc0(sizeof(int64) * Max(nbase + nadded, 1));
	memcpy(cf, basewords->cf, sizeof(int64) * nbase);
	for (int32 i = 0; i < b->nterms; i++)
		if ((*map)[i] >= 0)
		{
			v->df[(*map)[i]] += b->terms[i].df;
			cf[(*map)[i]] += b->terms[i].count;
		}
	for (int32 j = 0; j < nadded; j++)
	{
		const BuildTerm *t = &b->terms[added[j]];
		int32		id = nbase + j;

		v->df[id] = t->df;
		cf[id] = t->count;
		memcpy(VOCAB_TEXT(v) + off[id], t->str, t->len);
		off[id + 1] = off[id] + t->len;
		(*map)[added[j]] = id;
	}
	VocabFinish(v);
	*words = ExtendedWords(b, v, basewords, cf, *map);
	pfree(kept);
	pfree(added);
	return v;
}

/* The parameters of this row of the aggregate (NULL means the default) */
static void
GetBuildParams(FunctionCallInfo fcinfo, VocabBuildParams *p)
{
	p->min_df = 1.0;
	p->max_df = get_float8_infinity();
	p->max_terms = INT_MAX;
	if (PG_NARGS() >= 5)
	{
		if (!PG_ARGISNULL(2))
			p->min_df = PG_GETARG_FLOAT8(2);
		if (!PG_ARGISNULL(3))
			p->max_df = PG_GETARG_FLOAT8(3);
		if (!PG_ARGISNULL(4))
			p->max_terms = PG_GETARG_INT32(4);
	}
	CheckVocabBuildParams(p);
}

/* Count the terms of one token array into the builder */
static void
BuilderAddArray(VocabBuilder *b, ArrayType *tokens)
{
	ArrayIterator it;
	Datum		value;
	bool		isnull;

	if (ARR_ELEMTYPE(tokens) != TEXTOID)
		elog(ERROR, "token array must be of type text[]");
	VocabBuilderStartDocument(b);
	it = array_create_iterator(tokens, 0, NULL);
	while (array_iterate(it, &value, &isnull))
	{
		text	   *t;

		if (isnull)
			continue;
		t = DatumGetTextPP(value);
		(void) VocabBuilderAdd(b, VARDATA_ANY(t), VARSIZE_ANY_EXHDR(t));
	}
	array_free_iterator(it);
}

/* Aggregate transition: add one document (NULL token arrays are skipped) */
PG_FUNCTION_INFO_V1(vocabulary_transfn);
Datum
vocabulary_transfn(PG_FUNCTION_ARGS)
{
	MemoryContext aggcxt;
	VocabBuilder *b = PG_ARGISNULL(0) ? NULL : (VocabBuilder *) PG_GETARG_POINTER(0);
	VocabBuildParams params;

	aggcxt = AggregateContext(fcinfo, "vocabulary_transfn");
	if (PG_ARGISNULL(1))
	{
		if (b == NULL)
			PG_RETURN_NULL();
		PG_RETURN_POINTER(b);
	}
	GetBuildParams(fcinfo, &params);
	if (b == NULL)
		b = VocabBuilderCreate(aggcxt, &params, 0);
	else
		CheckSameBuildParams(&b->params, &params);
	BuilderAddArray(b, PG_GETARG_ARRAYTYPE_P(1));
	PG_RETURN_POINTER(b);
}

/* Aggregate combine: merge two partial states (either may be NULL) */
PG_FUNCTION_INFO_V1(vocabulary_combinefn);
Datum
vocabulary_combinefn(PG_FUNCTION_ARGS)
{
	MemoryContext aggcxt;
	MemoryContext old;
	VocabBuilder *s1 = PG_ARGISNULL(0) ? NULL : (VocabBuilder *) PG_GETARG_POINTER(0);
	VocabBuilder *s2 = PG_ARGISNULL(1) ? NULL : (VocabBuilder *) PG_GETARG_POINTER(1);

	aggcxt = AggregateContext(fcinfo, "vocabulary_combinefn");
	if (s2 == NULL)
	{
		if (s1 == NULL)
			PG_RETURN_NULL();
		PG_RETURN_POINTER(s1);
	}
	/* s2 may live in a short-lived context: always copy it into the aggregate context */
	if (s1 == NULL)
		s1 = VocabBuilderCreate(aggcxt, &s2->params, (int) Min(2 * (int64) s2->nterms, VOCAB_MAX_TERMS));
	old = MemoryContextSwitchTo(aggcxt);
	pfree(VocabBuilderMerge(s1, s2));
	MemoryContextSwitchTo(old);
	PG_RETURN_POINTER(s1);
}

/* Aggregate serialization */
PG_FUNCTION_INFO_V1(vocabulary_serialfn);
Datum
vocabulary_serialfn(PG_FUNCTION_ARGS)
{
	VocabBuilder *b = (VocabBuilder *) PG_GETARG_POINTER(0);
	StringInfoData buf;

	pq_begintypsend(&buf);
	VocabBuilderSerialize(&buf, b);
	PG_RETURN_BYTEA_P(pq_endtypsend(&buf));
}

/* Aggregate deserialization: re-check every field and size before allocating */
PG_FUNCTION_INFO_V1(vocabulary_deserialfn);
Datum
vocabulary_deserialfn(PG_FUNCTION_ARGS)
{
	bytea	   *sstate = PG_GETARG_BYTEA_PP(0);
	StringInfoData buf;
	VocabBuilder *b;

	buf.data = VARDATA_ANY(sstate);
	buf.len = VARSIZE_ANY_EXHDR(sstate);
	buf.maxlen = buf.len;
	buf.cursor = 0;
	b = VocabBuilderDeserialize(&buf, CurrentMemoryContext);
	if (buf.cursor != buf.len)
		StateCorrupt("There are bytes after the last surface form.");
	PG_RETURN_POINTER(b);
}

/* Aggregate final function: the vocabulary (NULL when no document came in) */
PG_FUNCTION_INFO_V1(vocabulary_finalfn);
Datum
vocabulary_finalfn(PG_FUNCTION_ARGS)
{
	VocabBuilder *b = PG_ARGISNULL(0) ? NULL : (VocabBuilder *) PG_GETARG_POINTER(0);

	if (b == NULL)
		PG_RETURN_NULL();
	PG_RETURN_VOCAB_P(VocabBuilderFinish(b, NULL, NULL));
}
