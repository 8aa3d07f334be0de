/*
 * langdetect.c
 *		tweetlda.detect_language(): the language of a tweet, by CLD2 (through
 *		langdetect_cld2.cpp), after removing what carries no language: URLs,
 *		@mentions, the RT marker and hashtags (used only when nothing else is
 *		left), with HTML entities decoded.  Also the mapping from ISO 639-1
 *		codes to the Snowball stemmers (tweetlda.language_name()).
 *
 * Cost: one pass over the input that stops once LANGDETECT_MAX_BYTES of
 * cleaned text are collected (URLs and mentions are skipped, not copied), so
 * the time is linear in the input whatever its shape and CLD2 never sees more
 * than LANGDETECT_MAX_BYTES; the buffer lives on the stack.
 */
#include "postgres.h"

#include "access/htup_details.h"
#include "funcapi.h"
#include "miscadmin.h"
#include "utils/builtins.h"

#include <libstemmer.h>
#ifdef __GLIBC__
#include <malloc.h>
#endif

#include "html_entity.h"
#include "langdetect.h"
#include "langdetect_cld2.h"
#include "tweetlda.h"
#include "utf8.h"

/* Input bytes between two CHECK_FOR_INTERRUPTS() of the cleaning loop */
#define CLEAN_CHECK_INTERVAL (256 * 1024)


/* The cleaned text handed to CLD2 */
typedef struct CleanBuf
{
	int			len;
	char		data[LANGDETECT_MAX_BYTES];
} CleanBuf;

/* Append n bytes (one whole character); false when they do not fit */
static inline bool
AppendBytes(CleanBuf *buf, const unsigned char *s, int n)
{
	if (buf->len + n > LANGDETECT_MAX_BYTES)
		return false;
	memcpy(buf->data + buf->len, s, n);
	buf->len += n;
	return true;
}

/* Append one separating space, unless the text is empty or ends with one */
static inline void
AppendSpace(CleanBuf *buf)
{
	if (buf->len > 0 && buf->len < LANGDETECT_MAX_BYTES && buf->data[buf->len - 1] != ' ')
		buf->data[buf->len++] = ' ';
}

/* True for the ASCII characters of a user name: letters, digits, '_' */
static inline bool
IsNameChar(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
}

/* True for ASCII white space and control characters, which end a chunk */
static inline bool
IsSpace(unsigned char c)
{
	return c <= ' ' || c == 0x7F;
}

/*
 * True for the code points CLD2 accepts (its "interchange-valid" UTF-8), past
 * ASCII: not C1 controls or noncharacters, which a UTF8 database may hold
 * (mojibake) but CLD2 rejects; the cleaner turns them into spaces.
 */
static inline bool
IsInterchangeValid(uint32 cp)
{
	return !(cp >= 0x80 && cp <= 0x9F) && !(cp >= 0xFDD0 && cp <= 0xFDEF) &&
		(cp & 0xFFFE) != 0xFFFE;
}

/* The first white space at or after p (or end) */
static inline const unsigned char *
SkipToSpace(const unsigned char *p, const unsigned char *end)
{
	while (p < end && !IsSpace(*p))
		p++;
	return p;
}

/* True when p starts an explicit URL (http://, https://, www.) */
static bool
IsUrlStart(const unsigned char *p, const unsigned char *end)
{
	int			n = end - p;

	return (n >= 7 && pg_strncasecmp((const char *) p, "http://", 7) == 0) ||
		(n >= 8 && pg_strncasecmp((const char *) p, "https://", 8) == 0) ||
		(n >= 4 && pg_strncasecmp((const char *) p, "www.", 4) == 0);
}

/* True when the chunk at p is a bare domain with a path (t.co/x, bit.ly/x) */
static bool
IsDomainPath(const unsigned char *p, const unsigned char *end)
{
	const unsigned char *label = NULL;

	for (; p < end && (IsNameChar(*p) || *p == '-' || *p == '.'); p++)
		if (*p == '.')
			label = p + 1;
	if (label == NULL || p >= end || *p != '/' || p - label < 2)
		return false;
	for (; label < p; label++)
		if (!((*label | 0x20) >= 'a' && (*label | 0x20) <= 'z'))
			return false;		/* the top-level domain has letters only */
	return true;
}

/* True when the chunk at p is the retweet marker: RT, RT: (any case) */
static inline bool
IsRetweetMarker(const unsigned char *p, const unsigned char *end)
{
	return end - p >= 2 && (p[0] | 0x20) == 'r' && (p[1] | 0x20) == 't' &&
		(end - p == 2 || IsSpace(p[2]) || p[2] == ':');
}

/*
 * Copy the parts of a tweet that carry language into buf, up to
 * LANGDETECT_MAX_BYTES bytes, cut at a character boundary.  With
 * drop_hashtags, hashtags are left out whole; returns true if any was.
 */
static bool
CleanTweet(const char *text, int len, CleanBuf *buf, bool drop_hashtags)
{
	const unsigned char *p = (const unsigned char *) text;
	const unsigned char *end = p + len;
	const unsigned char *next_check = p + CLEAN_CHECK_INTERVAL;
	bool		chunk_start = true; /* p starts a white-space delimited chunk */
	bool		after_name = false; /* the previous character is a name character */
	bool		dropped = false;

	buf->len = 0;
	while (p < end && buf->len < LANGDETECT_MAX_BYTES)
	{
		unsigned char c = *p;
		char		enc[4];
		uint32		cp;
		int			n;

		if (p >= next_check)
		{
			CHECK_FOR_INTERRUPTS();
			next_check = p + CLEAN_CHECK_INTERVAL;
		}
		if (IsSpace(c))
		{
			AppendSpace(buf);
			chunk_start = true, after_name = false;
			p++;
			continue;
		}
		if (chunk_start)
		{
			chunk_start = false;
			if (IsRetweetMarker(p, end))
			{
				p += (end - p > 2 && p[2] == ':') ? 3 : 2;
				continue;
			}
			if (IsDomainPath(p, end))
			{
				p = SkipToSpace(p, end);
				continue;
			}
		}
		if (!after_name && ((c | 0x20) == 'h' || (c | 0x20) == 'w') && IsUrlStart(p, end))
		{
			p = SkipToSpace(p, end);
			continue;
		}
		if (c == '@' && !after_name && end - p > 1 && IsNameChar(p[1]))
		{
			/* a mention: '@' and the user name */
			for (p++; p < end && IsNameChar(*p); p++)
				;
			AppendSpace(buf);
			continue;
		}
		if (c == '#')
		{
			if (drop_hashtags && !after_name && end - p > 1 && p[1] != '#' && !IsSpace(p[1]))
			{
				p = SkipToSpace(p, end);
				dropped = true;
				continue;
			}
			/* the hashtag's word stays, as a word of its own */
			AppendSpace(buf);
			after_name = false;
			p++;
			continue;
		}
		if (c == '&' && (n = HtmlEntityDecode(p, end, &cp)) > 0)
		{
			/* NUL, controls, spaces and &nbsp; separate words */
			if (cp <= ' ' || cp == 0xA0 || !IsInterchangeValid(cp))
				AppendSpace(buf);
			else if (!AppendBytes(buf, (unsigned char *) enc, Utf8Encode(cp, enc)))
				break;
			after_name = false;
			p += n;
			continue;
		}
		n = (c < 0x80) ? 1 : Utf8Decode(p, end, &cp);
		if (n == 0)
		{
			/* not reachable with text from a UTF8 database; never hand CLD2 a bad byte */
			AppendSpace(buf);
			p++;
			continue;
		}
		if (c >= 0x80 && !IsInterchangeValid(cp))
		{
			AppendSpace(buf);
			after_name = false;
			p += n;
			continue;
		}
		if (!AppendBytes(buf, p, n))
			break;
		after_name = IsNameChar(c);
		p += n;
	}
	return dropped;
}

/* The ISO 639-1 code for a CLD2 code into code[LANGDETECT_CODE_SIZE]; false if unknown */
static bool
NormalizeCode(const char *cld2_code, char *code)
{
	static const char *const aliases[][2] = {
		{"iw", "he"}, {"jw", "jv"}, {"zh-Hant", "zh"}, {"pt-PT", "pt"}, {"pt-BR", "pt"},
		{"sr-ME", "sr"}
	};
	int			n;

	if (strcmp(cld2_code, "un") == 0 || strncmp(cld2_code, "xx", 2) == 0)
		return false;
	for (int i = 0; i < lengthof(aliases); i++)
		if (strcmp(cld2_code, aliases[i][0]) == 0)
			cld2_code = aliases[i][1];
	n = strcspn(cld2_code, "-");
	if (n == 0 || n >= LANGDETECT_CODE_SIZE)
		return false;
	memcpy(code, cld2_code, n);
	code[n] = '\0';
	return true;
}

/*
 * CLD2 allocates about 160 kB of buffers (C++ new/delete) on every call.
 * With glibc's default settings (128 kB trim threshold and top pad) each call
 * then grows the heap with brk and trims it back on free: four system calls
 * and some 40 page faults per tweet, which made detection 40 times slower
 * than CLD2's own work (170 us against 4.5 us per tweet, measured).  Keeping
 * 1 MB of slack at the top of the heap (M_TOP_PAD) stops that.  Set once per
 * backend, on its first detection; it also fixes glibc's mmap threshold at
 * its current value for the rest of the backend's life.
 */
static void
TuneMallocForCld2(void)
{
#ifdef __GLIBC__
	static bool done = false;

	if (!done)
	{
		mallopt(M_TOP_PAD, 1024 * 1024);
		done = true;
	}
#endif
}

/* Run CLD2 on the text; CLD2_SHIM_OK or an error */
static void
RunCld2(const char *data, int len, int flags, Cld2Result *r)
{
	int			rc;

	TuneMallocForCld2();
	rc = Cld2Detect(data, len, flags, r);

	if (rc == CLD2_SHIM_FAILED)
		ereport(ERROR,
				(errcode(ERRCODE_OUT_OF_MEMORY),
				 errmsg("out of memory in the language detector"),
				 errdetail("CLD2 could not allocate memory for a text of %d bytes.", len)));
	if (rc != CLD2_SHIM_OK)
		ereport(ERROR,
				(errcode(ERRCODE_CHARACTER_NOT_IN_REPERTOIRE),
				 errmsg("invalid UTF-8 in the text given to the language detector"),
				 errdetail("The text has %d bytes; CLD2 stopped at a byte sequence that is not UTF-8.", len),
				 errhint("Language detection reads UTF-8 text: store tweets in a UTF8 database or convert them with convert_from().")));
}

/*
 * The language of cleaned text; false when it has no letters.  CLD2's best
 * guess (its best-effort mode answers short text too, and agrees with
 * Twitter more often than its normal mode, doc/text.md).  With
 * check_reliable, a second, normal run says whether the answer is reliable:
 * CLD2 calls every best-effort answer reliable.
 */
static bool
DetectCleaned(const char *data, int len, bool check_reliable, LangDetection *result)
{
	Cld2Result	r;
	char		code[LANGDETECT_CODE_SIZE];

	memset(result, 0, sizeof(*result));
	if (len == 0)
		return false;
	RunCld2(data, len, CLD2_SHIM_PLAIN_TEXT | CLD2_SHIM_BEST_EFFORT, &r);
	if (r.text_bytes == 0 || !NormalizeCode(r.code, result->code))
		return false;
	result->percent = r.percent;
	if (check_reliable)
	{
		RunCld2(data, len, CLD2_SHIM_PLAIN_TEXT, &r);
		result->reliable = r.reliable && NormalizeCode(r.code, code) &&
			strcmp(code, result->code) == 0;
	}
	return true;
}

/*
 * Detect the language of a tweet (UTF-8); false (code "") when the text has
 * no letters.  Hashtags are left out (on the corpus tweets that gives answers
 * closer to Twitter's own, see doc/text.md) unless the tweet has no language
 * without them.
 */
bool
DetectTweetLanguage(const char *text, int len, bool check_reliable, LangDetection *result)
{
	CleanBuf	buf;
	bool		dropped = CleanTweet(text, len, &buf, true);

	if (DetectCleaned(buf.data, buf.len, check_reliable, result))
		return true;
	if (!dropped)
		return false;
	CleanTweet(text, len, &buf, false);
	return DetectCleaned(buf.data, buf.len, check_reliable, result);
}

/*
 * ISO 639-1 codes (and the legacy codes Twitter's lang field still uses: in,
 * iw, ji) of the languages libstemmer has a Snowball stemmer for.  The
 * stopwords table uses the same algorithm names.
 */
static const char *const iso_stemmers[][2] = {
	{"ar", "arabic"}, {"ca", "catalan"}, {"da", "danish"}, {"de", "german"},
	{"el", "greek"}, {"en", "english"}, {"es", "spanish"}, {"eu", "basque"},
	{"fi", "finnish"}, {"fr", "french"}, {"ga", "irish"}, {"hi", "hindi"},
	{"hu", "hungarian"}, {"hy", "armenian"}, {"id", "indonesian"}, {"in", "indonesian"},
	{"it", "italian"}, {"ji", "yiddish"}, {"lt", "lithuanian"}, {"nb", "norwegian"},
	{"ne", "nepali"}, {"nl", "dutch"}, {"nn", "norwegian"}, {"no", "norwegian"},
	{"pt", "portuguese"}, {"ro", "romanian"}, {"ru", "russian"}, {"sr", "serbian"},
	{"sv", "swedish"}, {"ta", "tamil"}, {"tr", "turkish"}, {"yi", "yiddish"}
};

/* True when this build's libstemmer offers the algorithm */
static bool
StemmerAvailable(const char *algorithm)
{
	for (const char **l = sb_stemmer_list(); *l != NULL; l++)
		if (strcmp(*l, algorithm) == 0)
			return true;
	return false;
}

/* The libstemmer algorithm ("english") for an ISO 639-1 code ("en", "pt-BR"), or NULL */
const char *
LanguageForIsoCode(const char *iso)
{
	/* per entry: 0 not checked yet, 1 available, -1 missing from this libstemmer */
	static int8 available[lengthof(iso_stemmers)];
	size_t		n = strcspn(iso, "-_");

	if (n < 2 || n > 3)
		return NULL;
	for (int i = 0; i < lengthof(iso_stemmers); i++)
	{
		if (strlen(iso_stemmers[i][0]) != n || pg_strncasecmp(iso, iso_stemmers[i][0], n) != 0)
			continue;
		if (available[i] == 0)
			available[i] = StemmerAvailable(iso_stemmers[i][1]) ? 1 : -1;
		return available[i] > 0 ? iso_stemmers[i][1] : NULL;
	}
	return NULL;
}

PG_FUNCTION_INFO_V1(tweetlda_detect_language);

/* detect_language(text): the tweet's ISO 639-1 code, or NULL when it has no letters */
Datum
tweetlda_detect_language(PG_FUNCTION_ARGS)
{
	text	   *t = PG_GETARG_TEXT_PP(0);
	LangDetection ld;

	CheckDatabaseEncoding();
	if (!DetectTweetLanguage(VARDATA_ANY(t), VARSIZE_ANY_EXHDR(t), false, &ld))
		PG_RETURN_NULL();
	PG_RETURN_TEXT_P(cstring_to_text(ld.code));
}

PG_FUNCTION_INFO_V1(tweetlda_detect_language_details);

/* detect_language_details(text): (language, percent, reliable) */
Datum
tweetlda_detect_language_details(PG_FUNCTION_ARGS)
{
	text	   *t = PG_GETARG_TEXT_PP(0);
	LangDetection ld;
	TupleDesc	tupdesc;
	Datum		values[3];
	bool		nulls[3] = {false, false, false};

	CheckDatabaseEncoding();
	if (get_call_result_type(fcinfo, NULL, &tupdesc) != TYPEFUNC_COMPOSITE)
		elog(ERROR, "return type must be a row type");
	if (DetectTweetLanguage(VARDATA_ANY(t), VARSIZE_ANY_EXHDR(t), true, &ld))
	{
		values[0] = PointerGetDatum(cstring_to_text(ld.code));
		values[1] = Int32GetDatum(ld.percent);
	}
	else
		nulls[0] = nulls[1] = true;
	values[2] = BoolGetDatum(ld.reliable);
	PG_RETURN_DATUM(HeapTupleGetDatum(heap_form_tuple(BlessTupleDesc(tupdesc), values, nulls)));
}

PG_FUNCTION_INFO_V1(tweetlda_language_name);

/* language_name(iso): the Snowball algorithm for an ISO 639-1 code, or NULL */
Datum
tweetlda_language_name(PG_FUNCTION_ARGS)
{
	char	   *iso = text_to_cstring(PG_GETARG_TEXT_PP(0));
	const char *name = LanguageForIsoCode(iso);

	if (name == NULL)
		PG_RETURN_NULL();
	PG_RETURN_TEXT_P(cstring_to_text(name));
}
