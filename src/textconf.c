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
 */
#define TC_MAGIC "TLTC"
#define TC_VERSION 1
#define TC_FLAG_STOPWORDS 0x01
#define TC_FLAG_NOISE 0x02
#define TC_FLAG_STEM 0x04
#define TC_FLAG_SPLIT 0x08
#define TC_FLAG_ALL 0x0F

/* Keys of the jsonb form, in the order text_config() takes them */
static const char *const config_keys[] = {
	"language", "min_length", "max_length", "stopwords", "noise_words",
	"stem", "split_hashtags", NULL
};

#define NUM_CONFIG_KEYS (lengthof(config_keys) - 1)

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

/* Return libstemmer's canonical name of a language (case-insensitive); error if unknown */
const char *
CheckLanguage(const char *language)
{
	for (const char **l = sb_stemmer_list(); *l != NULL; l++)
		if (pg_strcasecmp(*l, language) == 0)
			return *l;

	if (language[0] == '{')
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("unknown language \"%s\"", language),
				 errdetail("A text configuration passed as a string literal is taken as a language name."),
				 errhint("Cast the configuration to jsonb, for example '{\"language\": \"french\"}'::jsonb.")));
	ereport(ERROR,
			(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
			 errmsg("unknown language \"%s\"", language),
			 errhint("Supported languages: %s.", LanguageList())));
	return NULL;				/* keep compiler quiet */
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

	strlcpy(cfg->language, CheckLanguage(language), sizeof(cfg->language));
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
		strlcpy(cfg->language, CheckLanguage(OptionText(o, key, v)), sizeof(cfg->language));
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

/* The complete jsonb form of a configuration (options only, not the snapshot) */
Jsonb *
TextConfigToJsonb(const TextConfig *cfg)
{
	StringInfoData buf;

	initStringInfo(&buf);
	appendStringInfo(&buf,
					 "{\"language\": \"%s\", \"min_length\": %d, \"max_length\": %d, "
					 "\"stopwords\": %s, \"noise_words\": %s, \"stem\": %s, "
					 "\"split_hashtags\": %s}",
					 cfg->language, cfg->min_length, cfg->max_length,
					 cfg->stopwords ? "true" : "false",
					 cfg->noise_words ? "true" : "false",
					 cfg->stem ? "true" : "false",
					 cfg->split_hashtags ? "true" : "false");
	return DatumGetJsonbP(DirectFunctionCall1(jsonb_in, CStringGetDatum(buf.data)));
}

/* qsort comparator of C strings in byte order */
static int
CompareWords(const void *a, const void *b)
{
	return strcmp(*(char *const *) a, *(char *const *) b);
}

/*
 * The sorted, unique words the configuration removes, read from tweetlda.stopwords.
 * Both lists come from one load of the cache: only StopwordsGeneration() may
 * reload it (and free the lists of the load before), the lookups never do.
 */
static char **
CollectStopwords(const TextConfig *cfg, int *nwords)
{
	int			n1 = 0,
				n2 = 0,
				n = 0;
	char	  **w1;
	char	  **w2;
	char	  **all;

	(void) StopwordsGeneration();
	w1 = cfg->stopwords ? StopwordsLookup(cfg->language, &n1) : NULL;
	w2 = cfg->noise_words ? StopwordsLookup(TEXTCONF_NOISE_LANGUAGE, &n2) : NULL;
	all = palloc(sizeof(char *) * (n1 + n2 + 1));
	for (int i = 0; i < n1; i++)
		all[n++] = pstrdup(w1[i]);
	for (int i = 0; i < n2; i++)
		all[n++] = pstrdup(w2[i]);
	if (n > 1)
		qsort(all, n, sizeof(char *), CompareWords);
	/* remove duplicates (a word both in the language and the noise set) */
	if (n > 1)
	{
		int			k = 1;

		for (int i = 1; i < n; i++)
			if (strcmp(all[i], all[k - 1]) != 0)
				all[k++] = all[i];
		n = k;
	}
	*nwords = n;
	return all;
}

/* Copy the current stopwords of the configuration into it (a no-op if it has a snapshot) */
void
TextConfigTakeSnapshot(TextConfig *cfg)
{
	if (cfg->has_snapshot)
		return;
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

/* Write the binary form, including the stopword snapshot (taken now if cfg has none) */
void
TextConfigSerialize(StringInfo buf, const TextConfig *cfg)
{
	TextConfig	snap = *cfg;
	int			nwords;
	char	  **words;
	int			len = strlen(cfg->language);
	int			flags = (cfg->stopwords ? TC_FLAG_STOPWORDS : 0) |
		(cfg->noise_words ? TC_FLAG_NOISE : 0) |
		(cfg->stem ? TC_FLAG_STEM : 0) |
		(cfg->split_hashtags ? TC_FLAG_SPLIT : 0);

	TextConfigExportSnapshot(&snap);
	nwords = snap.nwords;
	words = snap.words;
	/* refuse what TextConfigDeserialize would reject */
	if (nwords > TEXTCONF_MAX_STOPWORDS)
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("too many stopwords for a text configuration"),
				 errdetail("The configuration has %d stopwords; the limit is %d.",
						   nwords, TEXTCONF_MAX_STOPWORDS)));
	for (int i = 0; i < nwords; i++)
		if (strlen(words[i]) > TEXTCONF_MAX_WORD_BYTES)
			ereport(ERROR,
					(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
					 errmsg("stopword longer than %d bytes", TEXTCONF_MAX_WORD_BYTES)));
	appendBinaryStringInfo(buf, TC_MAGIC, 4);
	pq_sendbyte(buf, TC_VERSION);
	pq_sendbyte(buf, len);
	appendBinaryStringInfo(buf, cfg->language, len);
	pq_sendint32(buf, cfg->min_length);
	pq_sendint32(buf, cfg->max_length);
	pq_sendbyte(buf, flags);
	pq_sendint32(buf, nwords);
	for (int i = 0; i < nwords; i++)
	{
		int			wlen = strlen(words[i]);

		pq_sendint16(buf, wlen);
		appendBinaryStringInfo(buf, words[i], wlen);
	}
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

/* Read the stopword snapshot, checking each word before allocating it */
static void
ReadSnapshot(ConfigReader *r, TextConfig *cfg)
{
	uint32		n = ReadUint(r, 4);

	if (n > TEXTCONF_MAX_STOPWORDS)
		CorruptConfig("The stopword count exceeds the limit.");
	/* every word takes at least 3 bytes: check before allocating */
	if ((Size) (r->end - r->p) < (Size) n * 3)
		CorruptConfig("The data ends early.");
	cfg->words = palloc(sizeof(char *) * (n + 1));
	for (uint32 i = 0; i < n; i++)
	{
		uint32		wlen = ReadUint(r, 2);
		const unsigned char *w;

		if (wlen == 0 || wlen > TEXTCONF_MAX_WORD_BYTES)
			CorruptConfig("A stopword has an invalid length.");
		w = ReadBytes(r, wlen);
		if (memchr(w, 0, wlen) != NULL || !pg_verify_mbstr(PG_UTF8, (const char *) w, wlen, true))
			CorruptConfig("A stopword is not valid UTF-8.");
		cfg->words[i] = pnstrdup((const char *) w, wlen);
		if (i > 0 && strcmp(cfg->words[i - 1], cfg->words[i]) >= 0)
			CorruptConfig("The stopwords are not sorted and unique.");
	}
	cfg->nwords = n;
	cfg->has_snapshot = true;
}

/* Read and validate the binary form: hostile input gets an error, never a crash */
TextConfig *
TextConfigDeserialize(const char *data, Size len)
{
	ConfigReader r = {(const unsigned char *) data, (const unsigned char *) data + len};
	TextConfig *cfg = palloc0(sizeof(TextConfig));
	uint32		nlen,
				flags;
	char		lang[TEXTCONF_MAX_LANGUAGE + 1];

	if (memcmp(ReadBytes(&r, 4), TC_MAGIC, 4) != 0)
		CorruptConfig("The data does not start with the text configuration magic.");
	if (ReadUint(&r, 1) != TC_VERSION)
		CorruptConfig("The format version is not supported.");
	nlen = ReadUint(&r, 1);
	if (nlen == 0 || nlen > TEXTCONF_MAX_LANGUAGE)
		CorruptConfig("The language name has an invalid length.");
	memcpy(lang, ReadBytes(&r, nlen), nlen);
	lang[nlen] = '\0';
	if (strlen(lang) != nlen)
		CorruptConfig("The language name contains a NUL byte.");
	strlcpy(cfg->language, CheckLanguage(lang), sizeof(cfg->language));
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
	ReadSnapshot(&r, cfg);
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
	Datum	   *elems = palloc(sizeof(Datum) * (cfg->nwords + 1));

	for (int i = 0; i < cfg->nwords; i++)
		elems[i] = CStringGetTextDatum(cfg->words[i]);
	PG_RETURN_ARRAYTYPE_P(construct_array(elems, cfg->nwords, TEXTOID, -1, false, TYPALIGN_INT));
}
