/*
 * tokenize.c
 *		The tweet tokenizer: HTML entities, URLs, mentions, the RT marker,
 *		numbers, emoji and punctuation are removed; words are lowercased with
 *		full Unicode rules (a C.UTF-8 locale_t, whatever the database locale),
 *		filtered by the stopword set, stemmed with Snowball and filtered by
 *		length.  One pass over the bytes with an ASCII fast path; tokens go to
 *		a sink, so SQL builds a text[] directly and C callers count terms.
 */
#include "postgres.h"

#include <libstemmer.h>
#include <locale.h>
#include <wctype.h>

#include "catalog/pg_type.h"
#include "miscadmin.h"
#include "common/hashfn.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/jsonb.h"
#include "utils/memutils.h"

#include "html_entity.h"
#include "text_interrupts.h"
#include "textconf.h"
#include "textlang.h"
#include "tweetlda.h"
#include "utf8.h"

/* Raw bytes of one token before stemming; longer tokens are dropped */
#define TOKBUF_SIZE (TEXTCONF_MAX_TOKEN_LEN * 4 + 4)

/* Character classes */
#define CC_SEP		0
#define CC_MARK		1			/* combining mark: continues a word */
#define CC_DIGIT	2
#define CC_LOWER	3			/* letters without case count as lower */
#define CC_UPPER	4

struct Tokenizer
{
	TextConfig	cfg;			/* options (words not kept) */
	bool		from_table;		/* stopwords read from the table, not a snapshot */
	uint64		generation;		/* StopwordsGeneration() when built from the table */
	struct sb_stemmer *stemmer; /* NULL unless cfg.stem */
	uint32		mask;			/* stopword hash: size - 1 (size a power of 2) */
	const char **slot_word;		/* NULL for an empty slot */
	uint32	   *slot_hash;
	int		   *slot_len;
	/* memo of recent raw tokens and their outcome (stem, or dropped) */
	struct MemoEntry *memo;		/* memo_slots entries, allocated on first use */
	int			memo_slots;		/* a power of 2, grows up to MEMO_MAX_SLOTS */
	int			memo_used;
	char	   *arena;			/* raw and stemmed bytes of the memo entries */
	int			arena_size;
	int			arena_used;
	/* language => 'auto': one tokenizer per language, built on first use */
	TextConfig *snap;			/* copy of the snapshot the languages' tokenizers use */
	Tokenizer **by_lang;		/* TEXTLANG_MAX entries; languages without stopwords */
	Tokenizer  *plain;			/* or stemmer share this one (noise words only) */
};

/*
 * The memo: tweets repeat words, so the outcome of each distinct raw token
 * (stopword test, stemming, length test) is remembered.  It starts small (a
 * tokenizer used for a few rows stays cheap), grows when it fills up, and is
 * emptied when full at its largest size, so memory stays bounded; results
 * never depend on its state.
 */
#define MEMO_MIN_SLOTS	512		/* powers of 2 */
#define MEMO_MAX_SLOTS	16384
#define MEMO_ARENA_PER_SLOT 16	/* arena bytes per slot */
#define MEMO_MAX_PROBES	32		/* a token whose probe is longer is not memoized */

typedef struct MemoEntry
{
	uint32		hash;
	int32		raw_off;		/* offset of the raw token in the arena */
	int16		raw_len;		/* 0 for an empty slot */
	int16		out_len;		/* -1 when the token is dropped */
	int32		out_off;
} MemoEntry;

/* Scanner state of one TokenizeText call */
typedef struct TokState
{
	Tokenizer  *tok;
	TokenSink	sink;
	TokenFormSink form_sink;	/* instead of sink when set: also the surface form */
	void	   *arg;
	bool		inword;			/* the previous character belongs to a word */
	bool		hashtag;		/* the current word follows '#' */
	bool		has_letter;
	bool		overflow;
	const unsigned char *word_start;	/* input position of the current word */
	/* the last run of [A-Za-z0-9.-] scanned by IsDomainPath (so no byte is scanned twice) */
	const unsigned char *run_start;
	const unsigned char *run_end;
	const unsigned char *run_last_dot;	/* the run's last '.', or NULL */
	bool		run_path;		/* '/' follows the run and its last label is a TLD */
	int			nbytes;
	int			nchars;
	/* CamelCase splitting of hashtags */
	int			prev_class;
	int			prev2_class;
	int			prev_byte;		/* byte offset of the previous character */
	int			sigma_at;		/* byte offset of a capital sigma just appended, or -1 */
	int			nsplits;
	int			splits[TOKBUF_SIZE];
	char		buf[TOKBUF_SIZE];
} TokState;

static locale_t lower_locale = (locale_t) 0;
static uint8 ascii_class[128];
static bool ascii_class_ready = false;

/* The C.UTF-8 locale used for Unicode case and classes, created once per backend */
static locale_t
GetLowerLocale(void)
{
	if (lower_locale == (locale_t) 0)
	{
		const char *names[] = {"C.UTF-8", "C.utf8", "en_US.UTF-8", "en_US.utf8"};

		for (int i = 0; i < lengthof(names) && lower_locale == (locale_t) 0; i++)
			lower_locale = newlocale(LC_CTYPE_MASK, names[i], (locale_t) 0);
		if (lower_locale == (locale_t) 0)
			ereport(ERROR,
					(errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
					 errmsg("no UTF-8 locale is available for Unicode lowercasing"),
					 errhint("Install a C.UTF-8 locale (glibc 2.35 or later has it built in).")));
	}
	return lower_locale;
}

/* Fill the ASCII class table once */
static void
InitAsciiClasses(void)
{
	if (ascii_class_ready)
		return;
	for (int c = 0; c < 128; c++)
		ascii_class[c] = (c >= 'a' && c <= 'z') ? CC_LOWER :
			(c >= 'A' && c <= 'Z') ? CC_UPPER :
			(c >= '0' && c <= '9') ? CC_DIGIT : CC_SEP;
	ascii_class_ready = true;
}

/* True for decimal digits of other scripts (glibc classes many of them as alpha) */
static inline bool
IsUnicodeDigit(pg_wchar cp)
{
	static const pg_wchar zeros[] = {
		0x0660, 0x06F0, 0x07C0, 0x0966, 0x09E6, 0x0A66, 0x0AE6, 0x0B66, 0x0BE6,
		0x0C66, 0x0CE6, 0x0D66, 0x0DE6, 0x0E50, 0x0ED0, 0x0F20, 0x1040, 0x1090,
		0x17E0, 0x1810, 0x1946, 0x19D0, 0x1A80, 0x1A90, 0x1B50, 0x1BB0, 0x1C40,
		0x1C50, 0xA620, 0xA8D0, 0xA900, 0xA9D0, 0xAA50, 0xABF0, 0xFF10
	};

	if (cp < 0x0660)
		return false;
	for (int i = 0; i < lengthof(zeros); i++)
		if (cp >= zeros[i] && cp <= zeros[i] + 9)
			return true;
	return cp >= 0x1D7CE && cp <= 0x1D7FF;	/* mathematical digits */
}

/* True for combining marks that glibc does not class as alpha (virama, accents) */
static inline bool
IsCombiningMark(pg_wchar cp)
{
	if ((cp >= 0x0300 && cp <= 0x036F) || (cp >= 0x0483 && cp <= 0x0489) ||
		(cp >= 0x0591 && cp <= 0x05C7) || (cp >= 0x0610 && cp <= 0x061A) ||
		(cp >= 0x064B && cp <= 0x065F) || cp == 0x0670 ||
		(cp >= 0x06D6 && cp <= 0x06ED) || (cp >= 0x0E31 && cp <= 0x0E4E) ||
		(cp >= 0x1AB0 && cp <= 0x1AFF) || (cp >= 0x1DC0 && cp <= 0x1DFF) ||
		(cp >= 0x20D0 && cp <= 0x20FF) || (cp >= 0xFE20 && cp <= 0xFE2F))
		return true;
	/*
	 * Indic scripts: glibc classes the vowel signs it does not call alpha
	 * (virama, nukta, ...) as punct, so list the real punctuation and symbols
	 * (dandas, currency and number signs) instead.
	 */
	if (cp < 0x0900 || cp > 0x0DFF)
		return false;
	return !(cp == 0x0964 || cp == 0x0965 || cp == 0x0970 ||
			 (cp >= 0x09F2 && cp <= 0x09FB) || cp == 0x0AF0 || cp == 0x0AF1 ||
			 (cp >= 0x0B70 && cp <= 0x0B77 && cp != 0x0B71) ||
			 (cp >= 0x0BF0 && cp <= 0x0BFA) || (cp >= 0x0C77 && cp <= 0x0C7F) ||
			 cp == 0x0D4F || (cp >= 0x0D58 && cp <= 0x0D5E) ||
			 (cp >= 0x0D70 && cp <= 0x0D79) || cp == 0x0DF4);
}

/* Class of a non-ASCII code point */
static inline int
ClassifyCodepoint(pg_wchar cp, locale_t loc)
{
	if (IsUnicodeDigit(cp))
		return CC_DIGIT;
	if (iswalpha_l(cp, loc))
		return iswupper_l(cp, loc) ? CC_UPPER : CC_LOWER;
	if (IsCombiningMark(cp))
		return CC_MARK;
	return CC_SEP;
}

/* Decode one UTF-8 sequence; invalid bytes decode as 0 (a separator) of length 1 */
static inline int
DecodeUtf8(const unsigned char *p, const unsigned char *end, pg_wchar *cp)
{
	uint32		v;
	int			n = Utf8Decode(p, end, &v);

	*cp = n > 0 ? v : 0;
	return n > 0 ? n : 1;
}

/* Number of characters of UTF-8 bytes */
static inline int
Utf8Chars(const char *s, int len)
{
	int			n = 0;

	for (int i = 0; i < len; i++)
		n += ((unsigned char) s[i] & 0xC0) != 0x80;
	return n;
}

/* True when the code point at p is a letter or combining mark */
static bool
NextIsLetter(const unsigned char *p, const unsigned char *end, locale_t loc)
{
	pg_wchar	cp;

	if (p >= end)
		return false;
	if (*p < 0x80)
		return ascii_class[*p] >= CC_LOWER;
	DecodeUtf8(p, end, &cp);
	return cp != 0 && (iswalpha_l(cp, loc) || IsCombiningMark(cp));
}

/* Full Unicode lowercase of UTF-8 text; the result is NUL-terminated */
char *
TextLower(const char *s, int len, int *outlen)
{
	locale_t	loc = GetLowerLocale();
	const unsigned char *p = (const unsigned char *) s;
	const unsigned char *end = p + len;
	StringInfoData buf;
	bool		prev_letter = false;
	int64		next_check = TEXT_INTERRUPT_INTERVAL;

	InitAsciiClasses();
	initStringInfo(&buf);
	enlargeStringInfo(&buf, len + 1);
	while (p < end)
	{
		pg_wchar	cp;
		char		enc[4];

		TextCheckInterrupts(p - (const unsigned char *) s, &next_check);
		if (*p < 0x80)
		{
			appendStringInfoChar(&buf, (*p >= 'A' && *p <= 'Z') ? *p + 32 : *p);
			prev_letter = ascii_class[*p] >= CC_LOWER;
			p++;
			continue;
		}
		p += DecodeUtf8(p, end, &cp);
		if (cp == 0)
			continue;
		if (cp == 0x03A3 && prev_letter && !NextIsLetter(p, end, loc))
			cp = 0x03C2;		/* final sigma, as the tokenizer does */
		else
			cp = towlower_l(cp, loc);
		prev_letter = iswalpha_l(cp, loc);
		appendBinaryStringInfo(&buf, enc, Utf8Encode(cp, enc));
		continue;
	}
	*outlen = buf.len;
	return buf.data;
}

/* True when the stopword set holds the token, whose hash_bytes() is h */
static inline bool
IsStopword(Tokenizer *tok, const char *s, int len, uint32 h)
{
	uint32		i;

	if (tok->slot_word == NULL)
		return false;
	for (i = h & tok->mask; tok->slot_word[i] != NULL; i = (i + 1) & tok->mask)
		if (tok->slot_hash[i] == h && tok->slot_len[i] == len &&
			memcmp(tok->slot_word[i], s, len) == 0)
			return true;
	return false;
}

/* Filter and stem one raw token; returns its final form, or NULL when it is dropped */
static const char *
ProcessToken(Tokenizer *tok, const char *s, int *len, int nchars, uint32 h)
{
	if (*len == 2 && s[0] == 'r' && s[1] == 't')
		return NULL;			/* the retweet marker, in any case */
	if (IsStopword(tok, s, *len, h))
		return NULL;
	if (tok->stemmer != NULL)
	{
		const sb_symbol *out = sb_stemmer_stem(tok->stemmer, (const sb_symbol *) s, *len);

		if (out == NULL)
			ereport(ERROR,
					(errcode(ERRCODE_OUT_OF_MEMORY),
					 errmsg("out of memory in the Snowball stemmer")));
		*len = sb_stemmer_length(tok->stemmer);
		s = (const char *) out;
		nchars = Utf8Chars(s, *len);
	}
	if (nchars < tok->cfg.min_length || nchars > tok->cfg.max_length)
		return NULL;
	return s;
}

/* Empty the memo, allocating it on first use and growing it while it is small */
static void
ResetMemo(Tokenizer *tok)
{
	if (tok->memo == NULL || tok->memo_slots < MEMO_MAX_SLOTS)
	{
		MemoryContext cxt = GetMemoryChunkContext(tok);

		if (tok->memo != NULL)
		{
			pfree(tok->memo);
			pfree(tok->arena);
		}
		tok->memo_slots = tok->memo == NULL ? MEMO_MIN_SLOTS :
			Min(tok->memo_slots * 4, MEMO_MAX_SLOTS);
		tok->memo = MemoryContextAlloc(cxt, sizeof(MemoEntry) * tok->memo_slots);
		/* room for at least one raw token and its stem */
		tok->arena_size = Max(tok->memo_slots * MEMO_ARENA_PER_SLOT, 4 * TOKBUF_SIZE);
		tok->arena = MemoryContextAlloc(cxt, tok->arena_size);
	}
	memset(tok->memo, 0, sizeof(MemoEntry) * tok->memo_slots);
	tok->memo_used = 0;
	tok->arena_used = 0;
}

/* Remember the outcome of a raw token in the free memo slot e */
static void
MemoStore(Tokenizer *tok, MemoEntry *e, uint32 h, const char *raw, int len,
		  const char *out, int out_len)
{
	e->hash = h;
	e->raw_off = tok->arena_used;
	e->raw_len = len;
	memcpy(tok->arena + tok->arena_used, raw, len);
	tok->arena_used += len;
	e->out_len = out == NULL ? -1 : out_len;
	e->out_off = tok->arena_used;
	if (out != NULL)
	{
		memcpy(tok->arena + tok->arena_used, out, out_len);
		tok->arena_used += out_len;
	}
	tok->memo_used++;
}

/* Hand a final token to the sink, with its surface form (raw, '#' if a whole hashtag) if asked */
static inline void
HandToSink(TokState *st, const char *out, int out_len, const char *raw, int raw_len)
{
	if (st->form_sink == NULL)
		st->sink(st->arg, out, out_len);
	else
		st->form_sink(st->arg, out, out_len, raw, raw_len, st->hashtag && st->nsplits == 0);
}

/* Filter, stem and hand one token to the sink, through the memo */
static void
EmitToken(TokState *st, const char *s, int len, int nchars)
{
	Tokenizer  *tok = st->tok;
	uint32		h = hash_bytes((const unsigned char *) s, len);
	MemoEntry  *e;
	const char *out;
	int			out_len = len;
	int			probes = 0;

	if (tok->memo == NULL || tok->memo_used >= tok->memo_slots / 2 ||
		tok->arena_used + 2 * TOKBUF_SIZE > tok->arena_size)
		ResetMemo(tok);
	/* bounded probing: tokens crafted to collide cannot make each lookup long */
	for (e = &tok->memo[h & (tok->memo_slots - 1)]; e->raw_len != 0 && probes < MEMO_MAX_PROBES;
		 e = (e == &tok->memo[tok->memo_slots - 1]) ? tok->memo : e + 1, probes++)
	{
		if (e->hash == h && e->raw_len == len &&
			memcmp(tok->arena + e->raw_off, s, len) == 0)
		{
			if (e->out_len >= 0)
				HandToSink(st, tok->arena + e->out_off, e->out_len, s, len);
			return;
		}
	}
	out = ProcessToken(tok, s, &out_len, nchars, h);
	if (e->raw_len == 0 && out_len <= TOKBUF_SIZE)
		MemoStore(tok, e, h, s, len, out, out_len);
	if (out != NULL)
		HandToSink(st, out, out_len, s, len);
}

/* True when a piece of a split hashtag holds a letter (not only digits) */
static bool
PieceHasLetter(const char *s, int len)
{
	const unsigned char *p = (const unsigned char *) s;
	const unsigned char *end = p + len;

	while (p < end)
	{
		pg_wchar	cp;

		if (*p < 0x80)
		{
			if (ascii_class[*p] >= CC_LOWER)
				return true;
			p++;
			continue;
		}
		p += DecodeUtf8(p, end, &cp);
		if (cp != 0 && !IsUnicodeDigit(cp))
			return true;
	}
	return false;
}

/* End the current word: emit it (or its hashtag pieces) and reset the state */
static void
FlushWord(TokState *st)
{
	if (st->nbytes > 0 && !st->overflow)
	{
		/* a capital sigma that ends a word of two or more letters is final: ς */
		if (st->sigma_at >= 0 && st->sigma_at == st->nbytes - 2 && st->nchars > 1)
			st->buf[st->nbytes - 1] = (char) 0x82;
		if (st->nsplits == 0)
		{
			if (st->has_letter)
				EmitToken(st, st->buf, st->nbytes, st->nchars);
		}
		else
		{
			int			from = 0;

			for (int i = 0; i <= st->nsplits; i++)
			{
				int			to = i < st->nsplits ? st->splits[i] : st->nbytes;

				if (to > from && PieceHasLetter(st->buf + from, to - from))
					EmitToken(st, st->buf + from, to - from, Utf8Chars(st->buf + from, to - from));
				from = to;
			}
		}
	}
	st->inword = false;
	st->hashtag = false;
	st->has_letter = false;
	st->overflow = false;
	st->nbytes = 0;
	st->nchars = 0;
	st->nsplits = 0;
	st->sigma_at = -1;
	st->prev_class = CC_SEP;
	st->prev2_class = CC_SEP;
}

/* Record where a CamelCase hashtag splits before appending a character of class cls */
static void
NoteSplit(TokState *st, int cls)
{
	int			prev = st->prev_class;

	if (cls == CC_MARK)
		return;
	if (st->nbytes > 0)
	{
		if ((cls == CC_UPPER && prev == CC_LOWER) ||
			(cls == CC_DIGIT && (prev == CC_LOWER || prev == CC_UPPER)) ||
			((cls == CC_LOWER || cls == CC_UPPER) && prev == CC_DIGIT))
			st->splits[st->nsplits++] = st->nbytes;
		else if (cls == CC_LOWER && prev == CC_UPPER && st->prev2_class == CC_UPPER &&
				 st->prev_byte > 0 &&
				 (st->nsplits == 0 || st->splits[st->nsplits - 1] < st->prev_byte))
			st->splits[st->nsplits++] = st->prev_byte;	/* NYCFire: before F */
	}
	st->prev2_class = prev;
	st->prev_class = cls;
	st->prev_byte = st->nbytes;
}

/* Append the UTF-8 bytes of one (lowercased) character of class cls to the word */
static inline void
AppendChar(TokState *st, const char *bytes, int n, int cls)
{
	if (st->overflow || st->nbytes + n > TOKBUF_SIZE)
	{
		st->overflow = true;	/* also bounds the number of splits */
		return;
	}
	if (st->hashtag && st->tok->cfg.split_hashtags)
		NoteSplit(st, cls);
	memcpy(st->buf + st->nbytes, bytes, n);
	st->nbytes += n;
	st->nchars++;
	st->has_letter |= (cls >= CC_LOWER);
}

/* Handle a code point that is not in the ASCII fast path (or came from an entity) */
static void
HandleCodepoint(TokState *st, pg_wchar cp, const unsigned char *at)
{
	locale_t	loc = GetLowerLocale();
	int			cls;
	char		enc[4];

	if (cp == 0)
	{
		FlushWord(st);
		return;
	}
	cls = cp < 0x80 ? ascii_class[cp] : ClassifyCodepoint(cp, loc);
	if (cls == CC_SEP || (cls == CC_MARK && !st->inword))
	{
		FlushWord(st);
		return;
	}
	if (!st->inword)
	{
		st->inword = true;
		st->word_start = at;
	}
	if (cls == CC_MARK)
	{
		AppendChar(st, enc, Utf8Encode(cp, enc), cls);
		return;
	}
	st->sigma_at = (cp == 0x03A3) ? st->nbytes : -1;
	if (cls >= CC_LOWER)
		cp = cp < 0x80 ? (pg_wchar) ((cls == CC_UPPER) ? cp + 32 : cp) : (pg_wchar) towlower_l(cp, loc);
	AppendChar(st, enc, Utf8Encode(cp, enc), cls);
}

/* Skip a URL: everything up to the next ASCII space or control character */
static inline const unsigned char *
SkipUrl(const unsigned char *p, const unsigned char *end)
{
	while (p < end && *p > ' ')
		p++;
	return p;
}

/* True when p starts an explicit URL (http://, https://, www.) */
static inline bool
IsUrlStart(const unsigned char *p, const unsigned char *end)
{
	int			n = end - p;

	if ((p[0] | 0x20) == 'h')
		return (n >= 7 && pg_strncasecmp((const char *) p, "http://", 7) == 0) ||
			(n >= 8 && pg_strncasecmp((const char *) p, "https://", 8) == 0);
	return n >= 4 && pg_strncasecmp((const char *) p, "www.", 4) == 0;
}

/* True for the bytes of a bare domain name: ASCII letters, digits, '-' and '.' */
static inline bool
IsDomainByte(unsigned char c)
{
	return c < 0x80 && (ascii_class[c] != CC_SEP || c == '-' || c == '.');
}

/*
 * Scan the run of domain bytes that starts at start: where it ends, its last
 * dot, and whether it is followed by '/' after a top-level domain of two or
 * more letters.
 */
static void
ScanDomainRun(TokState *st, const unsigned char *start, const unsigned char *end)
{
	const unsigned char *p;
	const unsigned char *label;

	st->run_start = start;
	st->run_last_dot = NULL;
	for (p = start; p < end && IsDomainByte(*p); p++)
		if (*p == '.')
			st->run_last_dot = p;
	st->run_end = p;
	label = st->run_last_dot != NULL ? st->run_last_dot + 1 : start;
	st->run_path = p < end && *p == '/' && p - label >= 2;
	for (const unsigned char *l = label; l < p && st->run_path; l++)
		st->run_path = ascii_class[*l] >= CC_LOWER;	/* the TLD has letters only */
}

/*
 * True when the word at start is a bare domain with a path (t.co/x, bit.ly/x).
 * Every word that starts inside the last scanned run ends its scan at the same
 * place, so the run is scanned once, not once per dot ("a.a.a.a...").
 */
static bool
IsDomainPath(TokState *st, const unsigned char *start, const unsigned char *end)
{
	if (st->run_start == NULL || start < st->run_start || start >= st->run_end)
		ScanDomainRun(st, start, end);
	return st->run_last_dot != NULL && st->run_last_dot >= start && st->run_path;
}

/* Handle an ASCII character that is not a letter or digit; returns the next position */
static const unsigned char *
HandleAsciiSeparator(TokState *st, const unsigned char *p, const unsigned char *end)
{
	pg_wchar	cp;
	int			n;

	switch (*p)
	{
		case '&':
			if ((n = HtmlEntityDecode(p, end, &cp)) > 0)
			{
				HandleCodepoint(st, cp, p);
				return p + n;
			}
			break;
		case '@':
			if (!st->inword && p + 1 < end &&
				(ascii_class[p[1] & 0x7F] != CC_SEP || p[1] == '_') && p[1] < 0x80)
			{
				/* a mention: @ and the user name */
				for (p++; p < end && *p < 0x80 && (ascii_class[*p] != CC_SEP || *p == '_'); p++)
					;
				FlushWord(st);
				return p;
			}
			break;
		case '#':
			FlushWord(st);
			st->hashtag = true;
			return p + 1;
		case '.':
			if (st->inword && IsDomainPath(st, st->word_start, end))
			{
				st->nbytes = 0;		/* drop the domain's first label */
				FlushWord(st);
				return SkipUrl(p, end);
			}
			break;
	}
	FlushWord(st);
	return p + 1;
}

/* The scanner of one language's tokenizer (one of sink, form_sink is set) */
static void
ScanText(Tokenizer *tok, const char *text, int len, TokenSink sink,
		 TokenFormSink form_sink, void *arg)
{
	const unsigned char *p = (const unsigned char *) text;
	const unsigned char *end = p + len;
	int64		next_check = TEXT_INTERRUPT_INTERVAL;
	TokState   *st = palloc(sizeof(TokState));

	InitAsciiClasses();
	st->tok = tok;
	st->sink = sink;
	st->form_sink = form_sink;
	st->arg = arg;
	st->nbytes = 0;
	st->run_start = NULL;
	FlushWord(st);
	while (p < end)
	{
		unsigned char c = *p;

		/* every byte costs bounded work (no rescans): check every few kB */
		TextCheckInterrupts(p - (const unsigned char *) text, &next_check);

		if (c < 0x80)
		{
			int			cls = ascii_class[c];

			if (cls == CC_SEP)
			{
				p = HandleAsciiSeparator(st, p, end);
				continue;
			}
			if (!st->inword)
			{
				if (((c | 0x20) == 'h' || (c | 0x20) == 'w') && IsUrlStart(p, end))
				{
					p = SkipUrl(p, end);
					continue;
				}
				st->inword = true;
				st->word_start = p;
			}
			if (st->hashtag || st->nbytes >= TOKBUF_SIZE)
			{
				char		lc = (cls == CC_UPPER) ? c + 32 : c;

				st->sigma_at = -1;
				AppendChar(st, &lc, 1, cls);
			}
			else
			{
				/* the fast path: plain ASCII letter or digit */
				st->sigma_at = -1;
				st->buf[st->nbytes++] = (cls == CC_UPPER) ? c + 32 : c;
				st->nchars++;
				st->has_letter |= (cls >= CC_LOWER);
			}
			p++;
			continue;
		}
		{
			pg_wchar	cp;
			int			n = DecodeUtf8(p, end, &cp);

			HandleCodepoint(st, cp, p);
			p += n;
		}
	}
	FlushWord(st);
	pfree(st);
}

/* True when this build's libstemmer has an algorithm of this name */
static bool
HasStemmer(const char *name)
{
	for (const char **l = sb_stemmer_list(); *l != NULL; l++)
		if (strcmp(*l, name) == 0)
			return true;
	return false;
}

/* The stopword section of a language in an auto snapshot, or NULL */
static const TextConfigSection *
FindSection(const TextConfig *snap, int lang)
{
	for (int i = 0; i < snap->nsections; i++)
		if (snap->sections[i].lang == lang)
			return &snap->sections[i];
	return NULL;
}

/*
 * The tokenizer of one language of an auto tokenizer, built on first use in
 * the auto tokenizer's context: the language's stopwords (if it has a list)
 * and the noise words, its stemmer (if libstemmer has one).  Languages with
 * neither share one tokenizer, so there are at most as many as languages
 * with a list or a stemmer.
 */
static Tokenizer *
LanguageTokenizer(Tokenizer *tok, int lang)
{
	const char *name = TextLangName(lang);
	const TextConfigSection *sec;
	bool		stem;
	TextConfig	cfg;
	MemoryContext old;

	if (tok->by_lang[lang] != NULL)
		return tok->by_lang[lang];
	sec = FindSection(tok->snap, lang);
	stem = tok->cfg.stem && lang != TEXTLANG_UNKNOWN && HasStemmer(name);
	if (sec == NULL && !stem && tok->plain != NULL)
		return tok->by_lang[lang] = tok->plain;
	old = MemoryContextSwitchTo(GetMemoryChunkContext(tok));
	cfg = tok->cfg;
	cfg.auto_language = false;
	cfg.restrict_languages = false;
	strlcpy(cfg.language, stem ? name : TEXTCONF_AUTO_LANGUAGE, sizeof(cfg.language));
	cfg.stem = stem;
	cfg.has_snapshot = true;
	cfg.nsections = 0;
	cfg.sections = NULL;
	cfg.words = palloc(sizeof(char *) * (tok->snap->nwords + (sec ? sec->nwords : 0) + 1));
	cfg.nwords = 0;
	for (int i = 0; i < tok->snap->nwords; i++)
		cfg.words[cfg.nwords++] = tok->snap->words[i];
	for (int i = 0; sec != NULL && i < sec->nwords; i++)
		cfg.words[cfg.nwords++] = sec->words[i];
	tok->by_lang[lang] = TokenizerCreate(&cfg);
	MemoryContextSwitchTo(old);
	if (sec == NULL && !stem)
		tok->plain = tok->by_lang[lang];
	return tok->by_lang[lang];
}

/* Scan a tweet with its language's tokenizer (iso NULL or empty: detected when needed) */
static int
DispatchTweet(Tokenizer *tok, const char *text, int len, const char *iso, int isolen,
			  TokenSink sink, TokenFormSink form_sink, void *arg)
{
	int			lang;

	if (!TextConfigNeedsLanguage(&tok->cfg))
	{
		ScanText(tok, text, len, sink, form_sink, arg);
		return TOKENIZE_NO_LANGUAGE;
	}
	lang = TextLangOfTweet(text, len, iso, isolen);
	if (tok->cfg.restrict_languages && !TextLangSetHas(&tok->cfg.languages, lang))
		return TOKENIZE_SKIPPED;
	ScanText(tok->cfg.auto_language ? LanguageTokenizer(tok, lang) : tok, text, len,
			 sink, form_sink, arg);
	return lang;
}

/* Tokenize a tweet whose lang field is iso (NULL or empty: detected when needed) */
int
TokenizeTweet(Tokenizer *tok, const char *text, int len, const char *iso, int isolen,
			  TokenSink sink, void *arg)
{
	return DispatchTweet(tok, text, len, iso, isolen, sink, NULL, arg);
}

/* The same, handing each token's surface form too */
int
TokenizeTweetForms(Tokenizer *tok, const char *text, int len, const char *iso, int isolen,
				   TokenFormSink sink, void *arg)
{
	return DispatchTweet(tok, text, len, iso, isolen, NULL, sink, arg);
}

/*
 * True when the tokens do not depend on the language although the configuration
 * is 'auto': no stopwords, no stemming, no language restriction (the scanner
 * itself has no language-specific rule), so detection can be skipped.
 */
static inline bool
LanguageBlind(const TextConfig *cfg)
{
	return cfg->auto_language && !cfg->restrict_languages && !cfg->stopwords && !cfg->stem;
}

/* Tokenize UTF-8 text, handing each token to sink (detecting its language if needed) */
void
TokenizeText(Tokenizer *tok, const char *text, int len, TokenSink sink, void *arg)
{
	if (LanguageBlind(&tok->cfg))
		ScanText(tok, text, len, sink, NULL, arg);
	else
		(void) TokenizeTweet(tok, text, len, NULL, 0, sink, arg);
}

/* Tokenize UTF-8 text, handing each token and its surface form to sink */
void
TokenizeTextForms(Tokenizer *tok, const char *text, int len, TokenFormSink sink, void *arg)
{
	(void) TokenizeTweetForms(tok, text, len, NULL, 0, sink, arg);
}

/* Sink that appends a token as an array element (4-byte header, int-aligned) */
static void
ArraySink(void *arg, const char *tok, int len)
{
	StringInfo	buf = (StringInfo) arg;
	int			size = INTALIGN(VARHDRSZ + len);
	char	   *elem;

	enlargeStringInfo(buf, size);
	/* buf->len is int-aligned here: the array data starts MAXALIGNed */
	elem = buf->data + buf->len;
	SET_VARSIZE(elem, VARHDRSZ + len);
	memcpy(elem + VARHDRSZ, tok, len);
	memset(elem + VARHDRSZ + len, 0, size - (VARHDRSZ + len));
	buf->len += size;
	buf->data[buf->len] = '\0';
	buf->cursor++;				/* the cursor counts the elements */
}

/* Tokenize a tweet of the given lang field (NULL: detect) into a one-dimensional text[] built in place */
static ArrayType *
TokenizeTweetToArray(Tokenizer *tok, const char *text, int len, const char *iso, int isolen)
{
	StringInfoData buf;
	ArrayType  *a;
	int			overhead = ARR_OVERHEAD_NONULLS(1);

	initStringInfo(&buf);
	/* reserve the array header; elements follow at ARR_DATA_PTR */
	enlargeStringInfo(&buf, overhead + 64);
	memset(buf.data, 0, overhead);
	buf.len = overhead;
	buf.cursor = 0;
	(void) TokenizeTweet(tok, text, len, iso, isolen, ArraySink, &buf);
	if (buf.cursor == 0)
	{
		pfree(buf.data);
		return construct_empty_array(TEXTOID);
	}
	if ((Size) buf.len > MaxAllocSize)
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("token array too large")));
	a = (ArrayType *) buf.data;
	SET_VARSIZE(a, buf.len);
	a->ndim = 1;
	a->dataoffset = 0;
	a->elemtype = TEXTOID;
	ARR_DIMS(a)[0] = buf.cursor;
	ARR_LBOUND(a)[0] = 1;
	return a;
}

/* Tokenize into a one-dimensional text[] built in place (no per-token palloc) */
ArrayType *
TokenizeToArray(Tokenizer *tok, const char *text, int len)
{
	return TokenizeTweetToArray(tok, text, len, NULL, 0);
}

/* Memory context callback: free the malloc'ed Snowball stemmer */
static void
FreeStemmer(void *arg)
{
	sb_stemmer_delete((struct sb_stemmer *) arg);
}

/* A deep copy of a configuration's snapshot (words and sections) */
static TextConfig *
CopySnapshot(const TextConfig *cfg)
{
	TextConfig *c = palloc(sizeof(TextConfig));

	*c = *cfg;
	c->words = palloc(sizeof(char *) * (cfg->nwords + 1));
	for (int i = 0; i < cfg->nwords; i++)
		c->words[i] = pstrdup(cfg->words[i]);
	c->sections = palloc(sizeof(TextConfigSection) * (cfg->nsections + 1));
	for (int s = 0; s < cfg->nsections; s++)
	{
		const TextConfigSection *src = &cfg->sections[s];
		TextConfigSection *dst = &c->sections[s];

		*dst = *src;
		dst->words = palloc(sizeof(char *) * (src->nwords + 1));
		for (int i = 0; i < src->nwords; i++)
			dst->words[i] = pstrdup(src->words[i]);
	}
	return c;
}

/* Build the open-addressing stopword set of the tokenizer */
static void
BuildStopwordSet(Tokenizer *tok, char **words, int nwords)
{
	uint32		size = 16;

	if (nwords == 0)
		return;
	while (size < (uint32) nwords * 2)
		size <<= 1;
	tok->mask = size - 1;
	tok->slot_word = palloc0(sizeof(char *) * size);
	tok->slot_hash = palloc0(sizeof(uint32) * size);
	tok->slot_len = palloc0(sizeof(int) * size);
	for (int i = 0; i < nwords; i++)
	{
		int			len = strlen(words[i]);
		uint32		h = hash_bytes((const unsigned char *) words[i], len);
		uint32		j;

		for (j = h & tok->mask; tok->slot_word[j] != NULL; j = (j + 1) & tok->mask)
			;
		tok->slot_word[j] = pstrdup(words[i]);
		tok->slot_hash[j] = h;
		tok->slot_len[j] = len;
	}
}

/* Prepare a tokenizer (stemmer and stopword set) in CurrentMemoryContext */
Tokenizer *
TokenizerCreate(const TextConfig *cfg)
{
	Tokenizer  *tok = palloc0(sizeof(Tokenizer));
	TextConfig	snap = *cfg;

	CheckDatabaseEncoding();
	GetLowerLocale();
	InitAsciiClasses();
	tok->cfg = *cfg;
	tok->cfg.words = NULL;
	tok->cfg.nwords = 0;
	tok->cfg.has_snapshot = false;
	tok->from_table = !cfg->has_snapshot;
	TextConfigTakeSnapshot(&snap);
	if (tok->from_table)
		tok->generation = StopwordsGeneration();
	tok->cfg.nsections = 0;
	tok->cfg.sections = NULL;
	if (cfg->auto_language)
	{
		/* the languages' tokenizers are built from this copy when first needed */
		tok->snap = CopySnapshot(&snap);
		tok->by_lang = palloc0(sizeof(Tokenizer *) * TEXTLANG_MAX);
		return tok;
	}
	BuildStopwordSet(tok, snap.words, snap.nwords);
	if (cfg->stem)
	{
		MemoryContextCallback *cb = palloc(sizeof(MemoryContextCallback));

		tok->stemmer = sb_stemmer_new(CheckLanguage(cfg->language), "UTF_8");
		if (tok->stemmer == NULL)
			ereport(ERROR,
					(errcode(ERRCODE_OUT_OF_MEMORY),
					 errmsg("could not create the Snowball stemmer for \"%s\"", cfg->language)));
		cb->func = FreeStemmer;
		cb->arg = tok->stemmer;
		MemoryContextRegisterResetCallback(CurrentMemoryContext, cb);
	}
	return tok;
}

/* True when two configurations tokenize identically */
static bool
SameConfig(const TextConfig *a, const TextConfig *b)
{
	if (strcmp(a->language, b->language) != 0 || a->min_length != b->min_length ||
		a->max_length != b->max_length || a->stopwords != b->stopwords ||
		a->noise_words != b->noise_words || a->stem != b->stem ||
		a->split_hashtags != b->split_hashtags || a->has_snapshot != b->has_snapshot ||
		a->nwords != b->nwords || a->auto_language != b->auto_language ||
		a->restrict_languages != b->restrict_languages ||
		!TextLangSetEqual(&a->languages, &b->languages) || a->nsections != b->nsections)
		return false;
	for (int i = 0; i < a->nwords; i++)
		if (strcmp(a->words[i], b->words[i]) != 0)
			return false;
	for (int s = 0; s < a->nsections; s++)
	{
		if (a->sections[s].lang != b->sections[s].lang ||
			a->sections[s].nwords != b->sections[s].nwords)
			return false;
		for (int i = 0; i < a->sections[s].nwords; i++)
			if (strcmp(a->sections[s].words[i], b->sections[s].words[i]) != 0)
				return false;
	}
	return true;
}

/*
 * Per-call-site cache of tokenizers, kept in fn_extra.  It holds a few
 * entries so that a configuration that varies from row to row (a language
 * column) does not rebuild stemmers and hash tables on every row.
 */
#define CALL_CACHE_ENTRIES 32

typedef struct CallCacheEntry
{
	MemoryContext cxt;			/* holds the tokenizer; reset to reuse the entry */
	Tokenizer  *tok;			/* NULL when the entry is free */
	TextConfig *cfg;			/* copy of the configuration, for C callers */
	char	   *key;			/* raw SQL argument (language, jsonb or bytea bytes) */
	int			keylen;
	uint64		last_used;
} CallCacheEntry;

typedef struct CallCache
{
	uint64		clock;
	CallCacheEntry entries[CALL_CACHE_ENTRIES];
} CallCache;

/* The call site's cache, created on first use */
static CallCache *
GetCallCache(FmgrInfo *flinfo)
{
	CallCache  *cc = (CallCache *) flinfo->fn_extra;

	if (cc == NULL)
	{
		cc = MemoryContextAllocZero(flinfo->fn_mcxt, sizeof(CallCache));
		for (int i = 0; i < CALL_CACHE_ENTRIES; i++)
			cc->entries[i].cxt = AllocSetContextCreate(flinfo->fn_mcxt, "tweetlda tokenizer",
													   ALLOCSET_SMALL_SIZES);
		flinfo->fn_extra = cc;
	}
	return cc;
}

/* True when a cached tokenizer can still be used (stopwords unchanged) */
static inline bool
TokenizerCurrent(Tokenizer *tok)
{
	return tok != NULL && (!tok->from_table || tok->generation == StopwordsGeneration());
}

/* Mark an entry as just used and return its tokenizer */
static inline Tokenizer *
UseEntry(CallCache *cc, CallCacheEntry *e)
{
	e->last_used = ++cc->clock;
	return e->tok;
}

/* Build a tokenizer for cfg in the least recently used entry */
static CallCacheEntry *
FillEntry(CallCache *cc, const TextConfig *cfg)
{
	CallCacheEntry *e = &cc->entries[0];
	MemoryContext old;

	for (int i = 1; i < CALL_CACHE_ENTRIES; i++)
		if (cc->entries[i].last_used < e->last_used)
			e = &cc->entries[i];
	e->tok = NULL;
	e->cfg = NULL;
	e->key = NULL;
	e->keylen = 0;
	e->last_used = 0;
	MemoryContextReset(e->cxt);
	old = MemoryContextSwitchTo(e->cxt);
	if (cfg->has_snapshot)
		e->cfg = CopySnapshot(cfg);
	else
	{
		e->cfg = palloc(sizeof(TextConfig));
		*e->cfg = *cfg;
	}
	e->tok = TokenizerCreate(cfg);
	MemoryContextSwitchTo(old);
	return e;
}

/* A tokenizer cached in flinfo->fn_extra, rebuilt when cfg or the stopwords change */
Tokenizer *
TokenizerForCall(FmgrInfo *flinfo, const TextConfig *cfg)
{
	CallCache  *cc = GetCallCache(flinfo);

	for (int i = 0; i < CALL_CACHE_ENTRIES; i++)
	{
		CallCacheEntry *e = &cc->entries[i];

		if (e->tok != NULL && e->key == NULL && SameConfig(e->cfg, cfg) && TokenizerCurrent(e->tok))
			return UseEntry(cc, e);
	}
	return UseEntry(cc, FillEntry(cc, cfg));
}

/* How the configuration argument of an SQL call is given */
typedef enum ConfigArg
{
	CONFIG_LANGUAGE,			/* text: a language name */
	CONFIG_JSONB,				/* jsonb: text_config() */
	CONFIG_FROZEN				/* bytea: text_config_freeze() */
} ConfigArg;

/* The cached tokenizer of an SQL call whose configuration argument is key */
static Tokenizer *
TokenizerForKey(FunctionCallInfo fcinfo, const char *key, int keylen, ConfigArg kind)
{
	CallCache  *cc = GetCallCache(fcinfo->flinfo);
	CallCacheEntry *e;
	TextConfig *cfg;

	for (int i = 0; i < CALL_CACHE_ENTRIES; i++)
	{
		e = &cc->entries[i];
		if (e->key != NULL && e->keylen == keylen && memcmp(e->key, key, keylen) == 0 &&
			TokenizerCurrent(e->tok))
			return UseEntry(cc, e);
	}
	if (kind == CONFIG_JSONB)
		cfg = TextConfigFromJsonb((Jsonb *) key);
	else if (kind == CONFIG_FROZEN)
		cfg = TextConfigDeserialize(key, keylen);
	else
		cfg = TextConfigDefault(pnstrdup(key, keylen));
	e = FillEntry(cc, cfg);
	e->key = MemoryContextAlloc(e->cxt, keylen);
	memcpy(e->key, key, keylen);
	e->keylen = keylen;
	return UseEntry(cc, e);
}

PG_FUNCTION_INFO_V1(tweetlda_tokenize);

/* tokenize(doc text, language text): tokens with the language's default configuration */
Datum
tweetlda_tokenize(PG_FUNCTION_ARGS)
{
	text	   *doc = PG_GETARG_TEXT_PP(0);
	text	   *lang = PG_GETARG_TEXT_PP(1);
	Tokenizer  *tok;

	CheckDatabaseEncoding();
	tok = TokenizerForKey(fcinfo, VARDATA_ANY(lang), VARSIZE_ANY_EXHDR(lang), CONFIG_LANGUAGE);
	PG_RETURN_ARRAYTYPE_P(TokenizeToArray(tok, VARDATA_ANY(doc), VARSIZE_ANY_EXHDR(doc)));
}

PG_FUNCTION_INFO_V1(tweetlda_tokenize_config);

/* tokenize(doc text, config jsonb): tokens with a text configuration */
Datum
tweetlda_tokenize_config(PG_FUNCTION_ARGS)
{
	text	   *doc = PG_GETARG_TEXT_PP(0);
	Jsonb	   *config = PG_GETARG_JSONB_P(1);
	Tokenizer  *tok;

	CheckDatabaseEncoding();
	tok = TokenizerForKey(fcinfo, (const char *) config, VARSIZE(config), CONFIG_JSONB);
	PG_RETURN_ARRAYTYPE_P(TokenizeToArray(tok, VARDATA_ANY(doc), VARSIZE_ANY_EXHDR(doc)));
}

PG_FUNCTION_INFO_V1(tweetlda_tokenize_frozen);

/* tokenize(doc text, frozen bytea): tokens with a frozen configuration (its own stopwords) */
Datum
tweetlda_tokenize_frozen(PG_FUNCTION_ARGS)
{
	text	   *doc = PG_GETARG_TEXT_PP(0);
	bytea	   *frozen = PG_GETARG_BYTEA_PP(1);
	Tokenizer  *tok;

	CheckDatabaseEncoding();
	tok = TokenizerForKey(fcinfo, VARDATA_ANY(frozen), VARSIZE_ANY_EXHDR(frozen), CONFIG_FROZEN);
	PG_RETURN_ARRAYTYPE_P(TokenizeToArray(tok, VARDATA_ANY(doc), VARSIZE_ANY_EXHDR(doc)));
}

/*
 * Shared body of tokenize(doc, config, lang): NULL when doc or the
 * configuration is NULL; a NULL or empty lang means "detect the language".
 */
static Datum
TokenizeWithLang(FunctionCallInfo fcinfo, ConfigArg kind)
{
	text	   *doc;
	text	   *lang;
	Tokenizer  *tok;

	if (PG_ARGISNULL(0) || PG_ARGISNULL(1))
		PG_RETURN_NULL();
	CheckDatabaseEncoding();
	doc = PG_GETARG_TEXT_PP(0);
	if (kind == CONFIG_JSONB)
	{
		Jsonb	   *config = PG_GETARG_JSONB_P(1);

		tok = TokenizerForKey(fcinfo, (const char *) config, VARSIZE(config), kind);
	}
	else
	{
		text	   *key = PG_GETARG_TEXT_PP(1);	/* text or bytea */

		tok = TokenizerForKey(fcinfo, VARDATA_ANY(key), VARSIZE_ANY_EXHDR(key), kind);
	}
	lang = PG_ARGISNULL(2) ? NULL : PG_GETARG_TEXT_PP(2);
	PG_RETURN_ARRAYTYPE_P(TokenizeTweetToArray(tok, VARDATA_ANY(doc), VARSIZE_ANY_EXHDR(doc),
											   lang ? VARDATA_ANY(lang) : NULL,
											   lang ? VARSIZE_ANY_EXHDR(lang) : 0));
}

PG_FUNCTION_INFO_V1(tweetlda_tokenize_lang);

/* tokenize(doc text, language text, lang text): a language's default configuration, or 'auto' */
Datum
tweetlda_tokenize_lang(PG_FUNCTION_ARGS)
{
	return TokenizeWithLang(fcinfo, CONFIG_LANGUAGE);
}

PG_FUNCTION_INFO_V1(tweetlda_tokenize_config_lang);

/* tokenize(doc text, config jsonb, lang text): a tweet of a given language */
Datum
tweetlda_tokenize_config_lang(PG_FUNCTION_ARGS)
{
	return TokenizeWithLang(fcinfo, CONFIG_JSONB);
}

PG_FUNCTION_INFO_V1(tweetlda_tokenize_frozen_lang);

/* tokenize(doc text, frozen bytea, lang text): a tweet of a given language, frozen configuration */
Datum
tweetlda_tokenize_frozen_lang(PG_FUNCTION_ARGS)
{
	return TokenizeWithLang(fcinfo, CONFIG_FROZEN);
}
