/*
 * textconf.c
 *		The text configuration: languages, defaults, jsonb form with validation,
 *		and the self-contained binary form (with the stopword snapshot) that
 *		models store so that scoring tokenizes exactly like training.
 */
#include "postgres.h"

#include <libstemmer.h>

#include "catalog/pg_type.h"
#include "funcapi.h"
#include "libpq/pqformat.h"
#include "mb/pg_wchar.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/jsonb.h"

#include "options.h"
#include "textconf.h"
#include "textlang.h"
#include "tweetlda.h"

/*
 * Binary form, all integers in network byte order:
 *
 *	 4 bytes  magic "TLTC"
 *	 1 byte   format version (1)
 *	 1 byte   length L of the language name, then L bytes (a libstemmer name)
 *	 4 bytes  min_length, 4 bytes max_length
 *	 1 byte   flags (TC_FLAG_*; unknown bits must be zero)
 *	 4 bytes  number of stopwords N, then N times: 2 bytes length W, W bytes
 *			  (valid UTF-8, no NUL, strictly increasing in byte order)
 *
 * The form always holds a stopword snapshot (empty when neither stopwords
 * nor noise_words is set), so deserialization never needs the table.
 *
 * Version 2, written only for configurations that look at each tweet's
 * language (language "auto", or a "languages" restriction), so that every
 * other configuration keeps exactly its version 1 bytes (and the models
 * their fingerprints).  After the flags:
 *
 *	 1 byte   number R of restricted languages (0: no restriction), then R
 *			  times: 1 byte length, the ISO code (a textlang.h code, strictly
 *			  increasing in table order)
 *	 4 bytes  number of words N, then the words as in version 1 (for "auto"
 *			  the noise words only; otherwise the language's and noise words)
 *	 1 byte   number S of language sections (0 unless "auto"), then S times:
 *			  1 byte length, the language's stopword list name (strictly
 *			  increasing in table order), 4 bytes N, then N words as above
 *
 * The words of all lists together count against TEXTCONF_MAX_STOPWORDS, so
 * an auto snapshot stays bounded (the built-in lists: about 7,000 words, 80 kB).
 */
#define TC_MAGIC "TLTC"
#define TC_VERSION 1
#define TC_VERSION_LANG 2
#define TC_FLAG_STOPWORDS 0x01
#define TC_FLAG_NOISE 0x02
#define TC_FLAG_STEM 0x04
#define TC_FLAG_SPLIT 0x08
#define TC_FLAG_ALL 0x0F

/* Keys of the jsonb form, in the order text_config() takes them */
static const char *const config_keys[] = {
	"language", "min_length", "max_length", "stopwords", "noise_words",
	"stem", "split_hashtags", "languages", NULL
};

/* Arguments of tweetlda.text_config() that must not be NULL (all but languages) */
#define NUM_CONFIG_KEYS (lengthof(config_keys) - 2)

static const OptionSet config_options = {
	"text configuration key", "a text configuration",
	"Build one with tweetlda.text_config().", config_keys
};

/* The comma-separated list of libstemmer languages, for error hints */
static char *
LanguageList(void)
{
	StringInfoData buf;

	initStringInfo(&buf);
	for (const char **l = sb_stemmer_list(); *l != NULL; l++)
		appendStringInfo(&buf, "%s%s", buf.len > 0 ? ", " : "", *l);
	return buf.data;
}

/* libstemmer's canonical name of a language (case-insensitive), or NULL */
static const char *
FindLanguage(const char *language)
{
	for (const char **l = sb_stemmer_list(); *l != NULL; l++)
		if (pg_strcasecmp(*l, language) == 0)
			return *l;
	return NULL;
}

/* Error for an unknown language; the hint lists the languages (with "auto" when accepted) */
static void
pg_attribute_noreturn()
UnknownLanguage(const char *language, bool with_auto)
{
	if (language[0] == '{')
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("unknown language \"%s\"", language),
				 errdetail("A text configuration passed as a string literal is taken as a language name."),
				 errhint("Cast the configuration to jsonb, for example '{\"language\": \"french\"}'::jsonb.")));
	ereport(ERROR,
			(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
			 errmsg("unknown language \"%s\"", language),
			 errhint("Supported languages: %s%s.", with_auto ? "auto (each tweet's own), " : "",
					 LanguageList())));
}

/* Return libstemmer's canonical name of a language (case-insensitive); error if unknown */
const char *
CheckLanguage(const char *language)
{
	const char *name = FindLanguage(language);

	if (name == NULL)
		UnknownLanguage(language, false);
	return name;
}

/* Like CheckLanguage, also accepting "auto" (any case); returns the canonical name */
const char *
CheckConfigLanguage(const char *language)
{
	const char *name;

	if (pg_strcasecmp(language, TEXTCONF_AUTO_LANGUAGE) == 0)
		return TEXTCONF_AUTO_LANGUAGE;
	name = FindLanguage(language);
	if (name == NULL)
		UnknownLanguage(language, true);
	return name;
}

/* Set the language of a configuration ("auto" or a libstemmer name) */
static void
SetConfigLanguage(TextConfig *cfg, const char *language)
{
	strlcpy(cfg->language, CheckConfigLanguage(language), sizeof(cfg->language));
	cfg->auto_language = strcmp(cfg->language, TEXTCONF_AUTO_LANGUAGE) == 0;
}

/* Parse ISO codes into a set of languages; error on an unknown or malformed code */
void
TextLangSetFromCodes(TextLangSet *set, char **codes, int n, const char *what)
{
	memset(set, 0, sizeof(TextLangSet));
	if (n == 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("%s must not be an empty list", what),
				 errhint("Give ISO 639-1 codes such as {en,es}, or NULL for every language.")));
	for (int i = 0; i < n; i++)
	{
		int			lang = TextLangFromCode(codes[i], strlen(codes[i]));

		if (lang <= TEXTLANG_UNKNOWN &&
			!(lang == TEXTLANG_UNKNOWN && pg_strcasecmp(codes[i], "und") == 0))
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("unknown language code \"%s\" in %s", codes[i], what),
					 errhint("Use ISO 639-1 codes as in Twitter's lang field (en, es, pt, ...); und stands for tweets of unknown language.")));
		TextLangSetAdd(set, lang);
	}
}

/* Check the length limits of a configuration */
static void
CheckLengths(int32 min_length, int32 max_length)
{
	if (min_length < 1 || min_length > TEXTCONF_MAX_TOKEN_LEN)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("min_length must be between 1 and %d", TEXTCONF_MAX_TOKEN_LEN),
				 errdetail("The value given is %d.", min_length)));
	if (max_length < min_length || max_length > TEXTCONF_MAX_TOKEN_LEN)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("max_length must be between min_length (%d) and %d",
						min_length, TEXTCONF_MAX_TOKEN_LEN),
				 errdetail("The value given is %d.", max_length)));
}

/* The default configuration of a language */
TextConfig *
TextConfigDefault(const char *language)
{
	TextConfig *cfg = palloc0(sizeof(TextConfig));

	SetConfigLanguage(cfg, language);
	cfg->min_length = TEXTCONF_DEFAULT_MIN_LENGTH;
	cfg->max_length = TEXTCONF_DEFAULT_MAX_LENGTH;
	cfg->stopwords = true;
	cfg->noise_words = true;
	cfg->stem = true;
	cfg->split_hashtags = false;
	return cfg;
}

/* Apply one key/value pair of the jsonb form to a configuration */
static void
ApplyConfigKey(void *arg, const char *key, JsonbValue *v)
{
	TextConfig *cfg = (TextConfig *) arg;
	const OptionSet *o = &config_options;

	if (strcmp(key, "language") == 0)
	{
		if (v->type != jbvString)
			OptionBadValue(o, key, "a string naming a language");
		SetConfigLanguage(cfg, OptionText(o, key, v));
	}
	else if (strcmp(key, "languages") == 0)
	{
		char	  **codes;
		int			n;

		cfg->restrict_languages = v->type != jbvNull;
		if (v->type == jbvNull)
			return;
		n = OptionTextArray(o, key, v, &codes);
		TextLangSetFromCodes(&cfg->languages, codes, n, "the text configuration's languages");
	}
	else if (strcmp(key, "min_length") == 0)
		cfg->min_length = OptionInt(o, key, v, PG_INT32_MIN, PG_INT32_MAX);
	else if (strcmp(key, "max_length") == 0)
		cfg->max_length = OptionInt(o, key, v, PG_INT32_MIN, PG_INT32_MAX);
	else if (strcmp(key, "stopwords") == 0)
		cfg->stopwords = OptionBool(o, key, v);
	else if (strcmp(key, "noise_words") == 0)
		cfg->noise_words = OptionBool(o, key, v);
	else if (strcmp(key, "stem") == 0)
		cfg->stem = OptionBool(o, key, v);
	else if (strcmp(key, "split_hashtags") == 0)
		cfg->split_hashtags = OptionBool(o, key, v);
	else
		OptionUnknown(o, key);
}

/* Parse and validate the jsonb form; missing keys take their defaults */
TextConfig *
TextConfigFromJsonb(Jsonb *jb)
{
	TextConfig *cfg = TextConfigDefault(TEXTCONF_DEFAULT_LANGUAGE);

	OptionsParse(jb, &config_options, ApplyConfigKey, cfg);
	CheckLengths(cfg->min_length, cfg->max_length);
	return cfg;
}

/* The codes of a set as a JSON array, in the order of TextLangSetCodes */
static void
AppendLangArray(StringInfo buf, const TextLangSet *set)
{
	const char *codes[TEXTLANG_MAX];
	int			n = TextLangSetCodes(set, codes);

	appendStringInfoChar(buf, '[');
	for (int i = 0; i < n; i++)
		appendStringInfo(buf, "%s\"%s\"", i > 0 ? ", " : "", codes[i]);
	appendStringInfoChar(buf, ']');
}

/* The complete jsonb form of a configuration (options only, not the snapshot) */
Jsonb *
TextConfigToJsonb(const TextConfig *cfg)
{
	StringInfoData buf;

	initStringInfo(&buf);
	appendStringInfo(&buf,
					 "{\"language\": \"%s\", \"min_length\": %d, \"max_length\": %d, "
					 "\"stopwords\": %s, \"noise_words\": %s, \"stem\": %s, "
					 "\"split_hashtags\": %s",
					 cfg->language, cfg->min_length, cfg->max_length,
					 cfg->stopwords ? "true" : "false",
					 cfg->noise_words ? "true" : "false",
					 cfg->stem ? "true" : "false",
					 cfg->split_hashtags ? "true" : "false");
	/* only restricted configurations have the key: the others keep their 0.1.0 form */
	if (cfg->restrict_languages)
	{
		appendStringInfoString(&buf, ", \"languages\": ");
		AppendLangArray(&buf, &cfg->languages);
	}
	appendStringInfoChar(&buf, '}');
	return DatumGetJsonbP(DirectFunctionCall1(jsonb_in, CStringGetDatum(buf.data)));
}

/* qsort comparator of C strings in byte order */
static int
CompareWords(const void *a, const void *b)
{
	return strcmp(*(char *const *) a, *(char *const *) b);
}

/* Sort words in byte order and remove duplicates in place; returns the new count */
static int
SortUnique(char **all, int n)
{
	int			k = 1;

	if (n < 2)
		return n;
	qsort(all, n, sizeof(char *), CompareWords);
	for (int i = 1; i < n; i++)
		if (strcmp(all[i], all[k - 1]) != 0)
			all[k++] = all[i];
	return k;
}

/* Copies of two word lists, merged, sorted and unique */
static char **
MergeWords(char **w1, int n1, char **w2, int n2, int *nwords)
{
	char	  **all = palloc(sizeof(char *) * (n1 + n2 + 1));
	int			n = 0;

	for (int i = 0; i < n1; i++)
		all[n++] = pstrdup(w1[i]);
	for (int i = 0; i < n2; i++)
		all[n++] = pstrdup(w2[i]);
	*nwords = SortUnique(all, n);
	return all;
}

/*
 * The stopword sections of an auto configuration: every language of the
 * textlang.h table with rows in tweetlda.stopwords, from the cache as the
 * last StopwordsGeneration() left it.
 */
static void
CollectSections(TextConfig *cfg)
{
	cfg->nsections = 0;
	cfg->sections = palloc(sizeof(TextConfigSection) * TextLangCount());
	if (!cfg->stopwords)
		return;
	for (int lang = 1; lang < TextLangCount(); lang++)
	{
		int			n = 0;
		char	  **w = StopwordsLookup(TextLangName(lang), &n);
		TextConfigSection *sec = &cfg->sections[cfg->nsections];

		if (n == 0)
			continue;
		sec->lang = lang;
		sec->words = MergeWords(w, n, NULL, 0, &sec->nwords);
		cfg->nsections++;
	}
}

/*
 * The sorted, unique words the configuration removes, read from tweetlda.stopwords
 * (for an auto configuration: the noise words, the languages' lists go to
 * sections).  All lists come from one load of the cache: only
 * StopwordsGeneration() may reload it (and free the lists of the load before),
 * the lookups never do.
 */
static char **
CollectStopwords(TextConfig *cfg, int *nwords)
{
	int			n1 = 0,
				n2 = 0;
	char	  **w1;
	char	  **w2;
	char	  **all;

	/* a configuration without any list does not need the table (nor its loading) */
	if (!cfg->stopwords && !cfg->noise_words && !cfg->auto_language)
		return MergeWords(NULL, 0, NULL, 0, nwords);
	(void) StopwordsGeneration();
	w1 = cfg->stopwords && !cfg->auto_language ? StopwordsLookup(cfg->language, &n1) : NULL;
	w2 = cfg->noise_words ? StopwordsLookup(TEXTCONF_NOISE_LANGUAGE, &n2) : NULL;
	all = MergeWords(w1, n1, w2, n2, nwords);
	if (cfg->auto_language)
		CollectSections(cfg);
	return all;
}

/* Copy the current stopwords of the configuration into it (a no-op if it has a snapshot) */
void
TextConfigTakeSnapshot(TextConfig *cfg)
{
	if (cfg->has_snapshot)
		return;
	cfg->nsections = 0;
	cfg->sections = NULL;
	cfg->words = CollectStopwords(cfg, &cfg->nwords);
	cfg->has_snapshot = true;
}

/*
 * TextConfigTakeSnapshot for a snapshot that leaves the backend (a frozen
 * configuration, a model): the user must be allowed to read tweetlda.stopwords.
 */
void
TextConfigExportSnapshot(TextConfig *cfg)
{
	if (cfg->has_snapshot)
		return;
	if (cfg->stopwords || cfg->noise_words)
		StopwordsCheckReadable();
	TextConfigTakeSnapshot(cfg);
}

/* Error unless a word list fits the binary form; adds its words to *total */
static void
CheckWordList(char **words, int nwords, int64 *total)
{
	*total += nwords;
	/* refuse what TextConfigDeserialize would reject */
	if (*total > TEXTCONF_MAX_STOPWORDS)
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("too many stopwords for a text configuration"),
				 errdetail("The configuration has " INT64_FORMAT " stopwords; the limit is %d.",
						   *total, TEXTCONF_MAX_STOPWORDS)));
	for (int i = 0; i < nwords; i++)
		if (strlen(words[i]) > TEXTCONF_MAX_WORD_BYTES)
			ereport(ERROR,
					(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
					 errmsg("stopword longer than %d bytes", TEXTCONF_MAX_WORD_BYTES)));
}

/* Append a word list: 4 bytes count, then 2 bytes length and the bytes of each word */
static void
WriteWordList(StringInfo buf, char **words, int nwords)
{
	pq_sendint32(buf, nwords);
	for (int i = 0; i < nwords; i++)
	{
		int			wlen = strlen(words[i]);

		pq_sendint16(buf, wlen);
		appendBinaryStringInfo(buf, words[i], wlen);
	}
}

/* Append a short string: 1 byte length, then its bytes */
static void
WriteShort(StringInfo buf, const char *str)
{
	pq_sendbyte(buf, strlen(str));
	appendBinaryStringInfo(buf, str, strlen(str));
}

/* Write the binary form, including the stopword snapshot (taken now if cfg has none) */
void
TextConfigSerialize(StringInfo buf, const TextConfig *cfg)
{
	TextConfig	snap = *cfg;
	int64		total = 0;
	int			len = strlen(cfg->language);
	bool		v2 = TextConfigNeedsLanguage(cfg);
	int			flags = (cfg->stopwords ? TC_FLAG_STOPWORDS : 0) |
		(cfg->noise_words ? TC_FLAG_NOISE : 0) |
		(cfg->stem ? TC_FLAG_STEM : 0) |
		(cfg->split_hashtags ? TC_FLAG_SPLIT : 0);

	TextConfigExportSnapshot(&snap);
	CheckWordList(snap.words, snap.nwords, &total);
	for (int i = 0; i < snap.nsections; i++)
		CheckWordList(snap.sections[i].words, snap.sections[i].nwords, &total);
	appendBinaryStringInfo(buf, TC_MAGIC, 4);
	pq_sendbyte(buf, v2 ? TC_VERSION_LANG : TC_VERSION);
	pq_sendbyte(buf, len);
	appendBinaryStringInfo(buf, cfg->language, len);
	pq_sendint32(buf, cfg->min_length);
	pq_sendint32(buf, cfg->max_length);
	pq_sendbyte(buf, flags);
	if (v2)
	{
		const char *codes[TEXTLANG_MAX];
		int			n = cfg->restrict_languages ? TextLangSetCodes(&cfg->languages, codes) : 0;

		pq_sendbyte(buf, n);
		for (int i = 0; i < n; i++)
			WriteShort(buf, codes[i]);
	}
	WriteWordList(buf, snap.words, snap.nwords);
	if (v2)
	{
		pq_sendbyte(buf, snap.nsections);
		for (int i = 0; i < snap.nsections; i++)
		{
			WriteShort(buf, TextLangName(snap.sections[i].lang));
			WriteWordList(buf, snap.sections[i].words, snap.sections[i].nwords);
		}
	}
}

/* Replace the language restriction of a serialized configuration (rewritten in buf) */
void
TextConfigRestrictSerialized(StringInfo buf, const TextLangSet *langs)
{
	TextConfig *cfg = TextConfigDeserialize(buf->data, buf->len);

	cfg->restrict_languages = true;
	cfg->languages = *langs;
	resetStringInfo(buf);
	TextConfigSerialize(buf, cfg);
}

/* Error for a corrupt binary text configuration */
static void
CorruptConfig(const char *detail)
{
	ereport(ERROR,
			(errcode(ERRCODE_INVALID_BINARY_REPRESENTATION),
			 errmsg("invalid binary text configuration"),
			 errdetail("%s", detail)));
}

/* Bounds-checked reader of the binary form */
typedef struct ConfigReader
{
	const unsigned char *p;
	const unsigned char *end;
} ConfigReader;

/* Take n bytes from the reader, or fail if fewer remain */
static const unsigned char *
ReadBytes(ConfigReader *r, Size n)
{
	const unsigned char *s = r->p;

	if ((Size) (r->end - r->p) < n)
		CorruptConfig("The data ends early.");
	r->p += n;
	return s;
}

/* Read a big-endian unsigned integer of n bytes */
static uint32
ReadUint(ConfigReader *r, int n)
{
	const unsigned char *s = ReadBytes(r, n);
	uint32		v = 0;

	for (int i = 0; i < n; i++)
		v = (v << 8) | s[i];
	return v;
}

/* Read a word list, checking each word before allocating it; *total counts all lists */
static char **
ReadWordList(ConfigReader *r, int32 *nwords, int64 *total)
{
	uint32		n = ReadUint(r, 4);
	char	  **words;

	*total += n;
	if (n > TEXTCONF_MAX_STOPWORDS || *total > TEXTCONF_MAX_STOPWORDS)
		CorruptConfig("The stopword count exceeds the limit.");
	/* every word takes at least 3 bytes: check before allocating */
	if ((Size) (r->end - r->p) < (Size) n * 3)
		CorruptConfig("The data ends early.");
	words = palloc(sizeof(char *) * (n + 1));
	for (uint32 i = 0; i < n; i++)
	{
		uint32		wlen = ReadUint(r, 2);
		const unsigned char *w;

		if (wlen == 0 || wlen > TEXTCONF_MAX_WORD_BYTES)
			CorruptConfig("A stopword has an invalid length.");
		w = ReadBytes(r, wlen);
		if (memchr(w, 0, wlen) != NULL || !pg_verify_mbstr(PG_UTF8, (const char *) w, wlen, true))
			CorruptConfig("A stopword is not valid UTF-8.");
		words[i] = pnstrdup((const char *) w, wlen);
		if (i > 0 && strcmp(words[i - 1], words[i]) >= 0)
			CorruptConfig("The stopwords are not sorted and unique.");
	}
	*nwords = n;
	return words;
}

/* Read a short string (1 byte length, at most 31 bytes, no NUL) into out[32] */
static void
ReadShort(ConfigReader *r, char *out, const char *what)
{
	uint32		n = ReadUint(r, 1);

	if (n == 0 || n > TEXTCONF_MAX_LANGUAGE)
		CorruptConfig(psprintf("The %s has an invalid length.", what));
	memcpy(out, ReadBytes(r, n), n);
	out[n] = '\0';
	if (strlen(out) != n)
		CorruptConfig(psprintf("The %s contains a NUL byte.", what));
}

/* Read the language restriction of version 2: known codes in the order of TextLangSetCodes */
static void
ReadRestriction(ConfigReader *r, TextConfig *cfg)
{
	uint32		n = ReadUint(r, 1);
	int			last = 0;

	cfg->restrict_languages = n > 0;
	for (uint32 i = 0; i < n; i++)
	{
		char		code[TEXTCONF_MAX_LANGUAGE + 1];
		int			lang;
		int			rank;

		ReadShort(r, code, "language code");
		lang = TextLangFromCode(code, strlen(code));
		if (lang < 0 || strcmp(TextLangCode(lang), code) != 0)
			CorruptConfig("A restricted language is not a known language code.");
		rank = lang == TEXTLANG_UNKNOWN ? TEXTLANG_MAX : lang;	/* und comes last */
		if (rank <= last)
			CorruptConfig("The restricted languages are not in order.");
		last = rank;
		TextLangSetAdd(&cfg->languages, lang);
	}
}

/* Read the stopword sections of version 2 (names of the table, in table order) */
static void
ReadSections(ConfigReader *r, TextConfig *cfg, int64 *total)
{
	uint32		n = ReadUint(r, 1);
	int			last = 0;

	if (n > 0 && !cfg->auto_language)
		CorruptConfig("Only an auto configuration has language sections.");
	if (n >= (uint32) TextLangCount())
		CorruptConfig("There are too many language sections.");
	cfg->sections = palloc(sizeof(TextConfigSection) * (n + 1));
	for (uint32 i = 0; i < n; i++)
	{
		char		name[TEXTCONF_MAX_LANGUAGE + 1];
		int			lang;

		ReadShort(r, name, "section name");
		lang = TextLangFromName(name);
		if (lang <= last)
			CorruptConfig("A language section is unknown or out of order.");
		last = lang;
		cfg->sections[i].lang = lang;
		cfg->sections[i].words = ReadWordList(r, &cfg->sections[i].nwords, total);
	}
	cfg->nsections = n;
}

/* Read and validate the binary form: hostile input gets an error, never a crash */
TextConfig *
TextConfigDeserialize(const char *data, Size len)
{
	ConfigReader r = {(const unsigned char *) data, (const unsigned char *) data + len};
	TextConfig *cfg = palloc0(sizeof(TextConfig));
	uint32		version,
				flags;
	char		lang[TEXTCONF_MAX_LANGUAGE + 1];
	int64		total = 0;

	if (memcmp(ReadBytes(&r, 4), TC_MAGIC, 4) != 0)
		CorruptConfig("The data does not start with the text configuration magic.");
	version = ReadUint(&r, 1);
	if (version != TC_VERSION && version != TC_VERSION_LANG)
		CorruptConfig("The format version is not supported.");
	ReadShort(&r, lang, "language name");
	SetConfigLanguage(cfg, lang);
	if (cfg->auto_language && version != TC_VERSION_LANG)
		CorruptConfig("An auto configuration must have format version 2.");
	cfg->min_length = (int32) ReadUint(&r, 4);
	cfg->max_length = (int32) ReadUint(&r, 4);
	CheckLengths(cfg->min_length, cfg->max_length);
	flags = ReadUint(&r, 1);
	if (flags & ~TC_FLAG_ALL)
		CorruptConfig("Unknown option flags are set.");
	cfg->stopwords = (flags & TC_FLAG_STOPWORDS) != 0;
	cfg->noise_words = (flags & TC_FLAG_NOISE) != 0;
	cfg->stem = (flags & TC_FLAG_STEM) != 0;
	cfg->split_hashtags = (flags & TC_FLAG_SPLIT) != 0;
	if (version == TC_VERSION_LANG)
		ReadRestriction(&r, cfg);
	if (version == TC_VERSION_LANG && !TextConfigNeedsLanguage(cfg))
		CorruptConfig("Format version 2 is only for configurations that look at languages.");
	cfg->words = ReadWordList(&r, &cfg->nwords, &total);
	if (version == TC_VERSION_LANG)
		ReadSections(&r, cfg, &total);
	cfg->has_snapshot = true;
	if (r.p != r.end)
		CorruptConfig("There are trailing bytes.");
	return cfg;
}

PG_FUNCTION_INFO_V1(tweetlda_languages);

/* List every language libstemmer offers */
Datum
tweetlda_languages(PG_FUNCTION_ARGS)
{
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;

	InitMaterializedSRF(fcinfo, MAT_SRF_USE_EXPECTED_DESC);
	for (const char **l = sb_stemmer_list(); *l != NULL; l++)
	{
		Datum		value = CStringGetTextDatum(*l);
		bool		isnull = false;

		tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, &value, &isnull);
	}
	return (Datum) 0;
}

/* Restrict a configuration to the languages of a text[] of ISO codes (no NULL elements) */
static void
SetRestriction(TextConfig *cfg, ArrayType *arr)
{
	Datum	   *elems;
	bool	   *nulls;
	int			n;
	char	  **codes;

	deconstruct_array(arr, TEXTOID, -1, false, TYPALIGN_INT, &elems, &nulls, &n);
	codes = palloc(sizeof(char *) * (n + 1));
	for (int i = 0; i < n; i++)
	{
		if (nulls[i])
			ereport(ERROR,
					(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
					 errmsg("the list of languages must not contain NULL")));
		codes[i] = TextDatumGetCString(elems[i]);
	}
	TextLangSetFromCodes(&cfg->languages, codes, n, "languages");
	cfg->restrict_languages = true;
}

PG_FUNCTION_INFO_V1(tweetlda_text_config);

/* Build a validated configuration from named arguments; NULL arguments are errors */
Datum
tweetlda_text_config(PG_FUNCTION_ARGS)
{
	TextConfig *cfg;

	for (int i = 0; i < NUM_CONFIG_KEYS; i++)
		if (PG_ARGISNULL(i))
			ereport(ERROR,
					(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
					 errmsg("text configuration option \"%s\" must not be null", config_keys[i])));
	cfg = TextConfigDefault(text_to_cstring(PG_GETARG_TEXT_PP(0)));
	cfg->min_length = PG_GETARG_INT32(1);
	cfg->max_length = PG_GETARG_INT32(2);
	cfg->stopwords = PG_GETARG_BOOL(3);
	cfg->noise_words = PG_GETARG_BOOL(4);
	cfg->stem = PG_GETARG_BOOL(5);
	cfg->split_hashtags = PG_GETARG_BOOL(6);
	if (PG_NARGS() > 7 && !PG_ARGISNULL(7))
		SetRestriction(cfg, PG_GETARG_ARRAYTYPE_P(7));
	CheckLengths(cfg->min_length, cfg->max_length);
	PG_RETURN_JSONB_P(TextConfigToJsonb(cfg));
}

PG_FUNCTION_INFO_V1(tweetlda_text_config_jsonb);

/* Validate a jsonb configuration and return it complete */
Datum
tweetlda_text_config_jsonb(PG_FUNCTION_ARGS)
{
	PG_RETURN_JSONB_P(TextConfigToJsonb(TextConfigFromJsonb(PG_GETARG_JSONB_P(0))));
}

PG_FUNCTION_INFO_V1(tweetlda_text_config_freeze);

/* The binary form of a configuration with a snapshot of the current stopwords */
Datum
tweetlda_text_config_freeze(PG_FUNCTION_ARGS)
{
	TextConfig *cfg = TextConfigFromJsonb(PG_GETARG_JSONB_P(0));
	StringInfoData buf;
	bytea	   *result;

	CheckDatabaseEncoding();
	initStringInfo(&buf);
	TextConfigSerialize(&buf, cfg);
	result = palloc(VARHDRSZ + buf.len);
	SET_VARSIZE(result, VARHDRSZ + buf.len);
	memcpy(VARDATA(result), buf.data, buf.len);
	PG_RETURN_BYTEA_P(result);
}

PG_FUNCTION_INFO_V1(tweetlda_text_config_thaw);

/* The jsonb options of a frozen configuration, after validating every byte */
Datum
tweetlda_text_config_thaw(PG_FUNCTION_ARGS)
{
	bytea	   *frozen = PG_GETARG_BYTEA_PP(0);
	TextConfig *cfg = TextConfigDeserialize(VARDATA_ANY(frozen), VARSIZE_ANY_EXHDR(frozen));

	PG_RETURN_JSONB_P(TextConfigToJsonb(cfg));
}

PG_FUNCTION_INFO_V1(tweetlda_text_config_stopwords);

/* The stopword snapshot of a frozen configuration */
Datum
tweetlda_text_config_stopwords(PG_FUNCTION_ARGS)
{
	bytea	   *frozen = PG_GETARG_BYTEA_PP(0);
	TextConfig *cfg = TextConfigDeserialize(VARDATA_ANY(frozen), VARSIZE_ANY_EXHDR(frozen));
	char	  **words = cfg->words;
	int			n = cfg->nwords;
	Datum	   *elems;

	/* an auto configuration: the noise words and every language's list, merged */
	for (int i = 0; i < cfg->nsections; i++)
	{
		char	  **merged = MergeWords(words, n, cfg->sections[i].words, cfg->sections[i].nwords, &n);

		words = merged;
	}
	elems = palloc(sizeof(Datum) * (n + 1));
	for (int i = 0; i < n; i++)
		elems[i] = CStringGetTextDatum(words[i]);
	PG_RETURN_ARRAYTYPE_P(construct_array(elems, n, TEXTOID, -1, false, TYPALIGN_INT));
}
