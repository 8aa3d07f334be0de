/*
 * textlang.c
 *		The languages of language => 'auto': a fixed table (ISO 639-1 code,
 *		name), the mapping of Twitter's lang codes onto it, and the language
 *		of one tweet (its lang field, or CLD2's answer).
 *
 * The name of a language is the one tweetlda.stopwords uses (and libstemmer,
 * when it has a stemmer for it); languages without a Snowball stemmer have
 * names too, so that stopwords added for them ('tagalog', 'polish', ...) are
 * used.  The table's order is part of the frozen text configuration's
 * meaning only through codes and names (sets are serialized as codes), so
 * entries may be appended; an index never leaves the backend.
 */
#include "postgres.h"

#include "lib/stringinfo.h"

#include "langdetect.h"
#include "textlang.h"

/* Index 0 is the unknown language; then by code */
static const char *const languages[][2] = {
	{"und", ""},
	{"af", "afrikaans"}, {"am", "amharic"}, {"ar", "arabic"}, {"az", "azerbaijani"},
	{"be", "belarusian"}, {"bg", "bulgarian"}, {"bn", "bengali"}, {"bo", "tibetan"},
	{"bs", "bosnian"}, {"ca", "catalan"}, {"cs", "czech"}, {"cy", "welsh"},
	{"da", "danish"}, {"de", "german"}, {"dv", "dhivehi"}, {"el", "greek"},
	{"en", "english"}, {"eo", "esperanto"}, {"es", "spanish"}, {"et", "estonian"},
	{"eu", "basque"}, {"fa", "persian"}, {"fi", "finnish"}, {"fr", "french"},
	{"ga", "irish"}, {"gl", "galician"}, {"gu", "gujarati"}, {"he", "hebrew"},
	{"hi", "hindi"}, {"hr", "croatian"}, {"ht", "haitian"}, {"hu", "hungarian"},
	{"hy", "armenian"}, {"id", "indonesian"}, {"is", "icelandic"}, {"it", "italian"},
	{"ja", "japanese"}, {"jv", "javanese"}, {"ka", "georgian"}, {"kk", "kazakh"},
	{"km", "khmer"}, {"kn", "kannada"}, {"ko", "korean"}, {"ku", "kurdish"},
	{"ky", "kyrgyz"}, {"la", "latin"}, {"lo", "lao"}, {"lt", "lithuanian"},
	{"lv", "latvian"}, {"mk", "macedonian"}, {"ml", "malayalam"}, {"mn", "mongolian"},
	{"mr", "marathi"}, {"ms", "malay"}, {"mt", "maltese"}, {"my", "burmese"},
	{"ne", "nepali"}, {"nl", "dutch"}, {"no", "norwegian"}, {"or", "oriya"},
	{"pa", "punjabi"}, {"pl", "polish"}, {"ps", "pashto"}, {"pt", "portuguese"},
	{"ro", "romanian"}, {"ru", "russian"}, {"sd", "sindhi"}, {"si", "sinhala"},
	{"sk", "slovak"}, {"sl", "slovenian"}, {"so", "somali"}, {"sq", "albanian"},
	{"sr", "serbian"}, {"sv", "swedish"}, {"sw", "swahili"}, {"ta", "tamil"},
	{"te", "telugu"}, {"tg", "tajik"}, {"th", "thai"}, {"tl", "tagalog"},
	{"tr", "turkish"}, {"ug", "uyghur"}, {"uk", "ukrainian"}, {"ur", "urdu"},
	{"uz", "uzbek"}, {"vi", "vietnamese"}, {"yi", "yiddish"}, {"zh", "chinese"}
};

StaticAssertDecl(lengthof(languages) <= TEXTLANG_MAX, "too many languages for a TextLangSet");

/* Legacy and alternative codes (Twitter still sends in, iw, ji; CLD2 sends jw) */
static const char *const aliases[][2] = {
	{"in", "id"}, {"iw", "he"}, {"ji", "yi"}, {"jw", "jv"}, {"nb", "no"}, {"nn", "no"},
	{"fil", "tl"}, {"tgl", "tl"}
};

/* Number of languages in the table */
int
TextLangCount(void)
{
	return lengthof(languages);
}

/* Index of a lowercased primary subtag in the table, or TEXTLANG_UNKNOWN */
static int
LookupPrimary(const char *code)
{
	for (int i = 0; i < lengthof(aliases); i++)
		if (strcmp(code, aliases[i][0]) == 0)
			code = aliases[i][1];
	for (int i = 1; i < lengthof(languages); i++)
		if (strcmp(code, languages[i][0]) == 0)
			return i;
	return TEXTLANG_UNKNOWN;
}

/* The language of a code ("en", "pt-BR", "in"); TEXTLANG_UNKNOWN if not a known language, -1 if malformed */
int
TextLangFromCode(const char *code, int len)
{
	char		primary[4];
	int			n = 0;

	while (n < len && code[n] != '-' && code[n] != '_')
	{
		char		c = code[n];

		if (n >= 3 || !((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')))
			return -1;
		primary[n++] = c | 0x20;
	}
	if (n < 2)
		return -1;
	primary[n] = '\0';
	/* the region part: letters and digits only, bounded */
	if (len - n > 9)
		return -1;
	for (int i = n + 1; i < len; i++)
		if (!((code[i] >= 'a' && code[i] <= 'z') || (code[i] >= 'A' && code[i] <= 'Z') ||
			  (code[i] >= '0' && code[i] <= '9')))
			return -1;
	return LookupPrimary(primary);
}

/* The language of a tweet: its lang field when given, otherwise CLD2's answer */
int
TextLangOfTweet(const char *text, int len, const char *iso, int isolen)
{
	LangDetection ld;
	int			lang;

	if (iso != NULL && isolen > 0)
	{
		lang = TextLangFromCode(iso, isolen);
		return lang < 0 ? TEXTLANG_UNKNOWN : lang;
	}
	if (!DetectTweetLanguage(text, len, false, &ld))
		return TEXTLANG_UNKNOWN;
	return LookupPrimary(ld.code);
}

/* The canonical code of a language */
const char *
TextLangCode(int lang)
{
	Assert(lang >= 0 && lang < lengthof(languages));
	return languages[lang][0];
}

/* The stopword list (and stemmer) name of a language; "" when unknown */
const char *
TextLangName(int lang)
{
	Assert(lang >= 0 && lang < lengthof(languages));
	return languages[lang][1];
}

/* The language named name ("spanish"), or -1 */
int
TextLangFromName(const char *name)
{
	for (int i = 1; i < lengthof(languages); i++)
		if (strcmp(name, languages[i][1]) == 0)
			return i;
	return -1;
}

/* The codes of a set (table order, "und" last) into codes[]; returns how many */
int
TextLangSetCodes(const TextLangSet *s, const char **codes)
{
	int			n = 0;

	for (int i = 1; i < lengthof(languages); i++)
		if (TextLangSetHas(s, i))
			codes[n++] = languages[i][0];
	if (TextLangSetHas(s, TEXTLANG_UNKNOWN))
		codes[n++] = languages[TEXTLANG_UNKNOWN][0];
	return n;
}

/* The codes of a set, comma-separated, in the order above */
char *
TextLangSetToString(const TextLangSet *s)
{
	const char *codes[TEXTLANG_MAX];
	int			n = TextLangSetCodes(s, codes);
	StringInfoData buf;

	initStringInfo(&buf);
	for (int i = 0; i < n; i++)
		appendStringInfo(&buf, "%s%s", i > 0 ? ", " : "", codes[i]);
	return buf.data;
}
