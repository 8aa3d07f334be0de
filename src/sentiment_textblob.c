/*
 * sentiment_textblob.c
 *		The 'textblob' analyzer: TextBlob 0.18's PatternAnalyzer, to the last bit.
 *
 * TextBlob scores a string in two stages, both reproduced here in one pass
 * over the text, without per-token allocation:
 *
 * Tokenizer (textblob._text.find_tokens):
 *	- a space is inserted before every "n't" (case-sensitive), then every
 *	  quote ' " and curly quote is set apart, so "isn't" gives "is n ' t" and
 *	  the negation "n't" is never seen (a TextBlob quirk kept on purpose);
 *	- CR LF becomes LF, two or more LF end a sentence, and the text is split on
 *	  Python's Unicode whitespace (str.isspace());
 *	- leading punctuation is split off each token, then trailing punctuation,
 *	  "..." and periods, except the period of an abbreviation ("Mr.", "U.S.");
 *	- sentences end after a run of . ! ? ... ) and closing quotes;
 *	- within each sentence "( ! )" becomes "(!)" and emoticons written with
 *	  spaces (": )") are joined again (two regular expressions, emulated with
 *	  their exact alternation order and boundary rules).
 *
 * Assessment (textblob._text.Sentiment.assessments), over lowercased words:
 *	- a lexicon word adds (polarity, subjectivity, intensity); after a
 *	  modifier (a word with an RB sense, "very") it instead rewrites the
 *	  modifier's assessment: polarity and subjectivity times the modifier's
 *	  intensity, clamped;
 *	- a preceding negation ("no", "not", "never") inverts the intensity and
 *	  marks the assessment, whose polarity is finally multiplied by -0.5;
 *	- negations survive unknown words of one character, modifiers unknown
 *	  words of at most two; "!" multiplies the last polarity by 1.25 (clamped);
 *	  "(!)" adds (0, 1) for irony; emoticons add (their polarity, 1);
 *	- the result is the plain mean over the assessments, (0, 0) without any.
 *
 * The mean is a left-to-right sum divided by the count, as Python computes
 * it, so results are the same doubles.  Only the last assessment is ever
 * modified, so earlier ones are summed as soon as the next one starts.
 *
 * tweetlda.textblob_assessments() runs the same code in "collect" mode, which
 * also records the words and label of each assessment (TextBlob's
 * sentiment_assessments); the scoring path never allocates per token.
 */
#include "postgres.h"

#include "access/htup_details.h"
#include "fmgr.h"
#include "funcapi.h"
#include "miscadmin.h"
#include "nodes/pg_list.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/memutils.h"
#include "utils/tuplestore.h"

#include "lexicon.h"
#include "sentiment.h"
#include "text_interrupts.h"
#include "textblob_lower.h"
#include "tweetlda.h"
#include "utf8.h"

/* Token classes for sentence splitting */
#define TK_ENDER	0x01		/* . ! ? ... and the end-of-sentence mark */
#define TK_RUN		0x02		/* may continue a sentence end: enders ) ” ’ ' " */
#define TK_QUOTE	0x04		/* ' and ": always stop the run */
#define TK_EOS		0x08		/* end-of-sentence mark (not part of any sentence) */

/* Byte classes for the raw scan */
#define BC_WORD		0
#define BC_SPACE	1			/* \t \v \f space \x1c-\x1f */
#define BC_NEWLINE	2			/* \n \r */
#define BC_QUOTE	3			/* ' " */
#define BC_N		4			/* n, perhaps starting "n't" */
#define BC_HIGH		5			/* first byte of a multibyte character */

/* One assessment: TextBlob's dict(w, p, s, i, n) without the words */
typedef struct Assessment
{
	double		p;
	double		s;
	double		i;
	bool		negated;
} Assessment;

/* Receives each finished assessment (words as C strings, final polarity, label or NULL) */
typedef void (*TextBlobCollectFn) (void *arg, List *words, double polarity,
								   double subjectivity, const char *label);

/* The state of the assessment loop and of the sentence being collected */
typedef struct TextBlobState
{
	char	   *sentence;		/* the current sentence: tokens joined by spaces */
	int			slen;
	bool		in_end_run;		/* after a sentence-ending token */
	/* the assessments: the last one (still modifiable) and the sums before it */
	Assessment	last;
	bool		has_last;
	int			count;
	double		sum_p;
	double		sum_s;
	bool		modifier;		/* m is not None */
	bool		modifier_ly;	/* m[0].endswith("ly") */
	bool		negation;		/* n is not None */
	const char *negation_word;	/* n */
	/* tweetlda.textblob_assessments(): the words and label of every assessment */
	TextBlobCollectFn collect;	/* NULL when only the score is wanted */
	void	   *collect_arg;
	List	   *words;			/* words of the last assessment */
	const char *label;			/* label of the last assessment */
} TextBlobState;

/* Emoticons, in the order of TextBlob's EMOTICONS (the order decides overlapping matches) */
static const char *const emoticon_forms[] = {
	/* love */ "<3", "\xe2\x99\xa5",
	/* grin */ ">:D", ":-D", ":D", "=-D", "=D", "X-D", "x-D", "XD", "xD", "8-D",
	/* taunt */ ">:P", ":-P", ":P", ":-p", ":p", ":-b", ":b", ":c)", ":o)", ":^)",
	/* smile */ ">:)", ":-)", ":)", "=)", "=]", ":]", ":}", ":>", ":3", "8)", "8-)",
	/* wink */ ">;]", ";-)", ";)", ";-]", ";]", ";D", ";^)", "*-)", "*)",
	/* gasp */ ">:o", ":-O", ":O", ":o", ":-o", "o_O", "o.O", "\xc2\xb0O\xc2\xb0", "\xc2\xb0o\xc2\xb0",
	/* worry */ ">:/", ":-/", ":/", ":\\", ">:\\", ":-.", ":-s", ":s", ":S", ":-S", ">.>",
	/* frown */ ">:[", ":-(", ":(", "=(", ":-[", ":[", ":{", ":-<", ":c", ":-c", "=/",
	/* cry */ ":'(", ":'''(", ";'(",
};

/*
 * Lowercased emoticons with the polarity of the first group holding them, as
 * the assessment loop finds them ("xd" is left out: it is alphabetic, and
 * TextBlob only looks up non-alphabetic words).
 */
typedef struct EmoticonScore
{
	const char *form;
	double		polarity;
} EmoticonScore;

static const EmoticonScore emoticon_scores[] = {
	{"<3", 1.0}, {"\xe2\x99\xa5", 1.0},
	{">:d", 1.0}, {":-d", 1.0}, {":d", 1.0}, {"=-d", 1.0}, {"=d", 1.0}, {"x-d", 1.0}, {"8-d", 1.0},
	{">:p", 0.75}, {":-p", 0.75}, {":p", 0.75}, {":-b", 0.75}, {":b", 0.75}, {":c)", 0.75},
	{":o)", 0.75}, {":^)", 0.75},
	{">:)", 0.5}, {":-)", 0.5}, {":)", 0.5}, {"=)", 0.5}, {"=]", 0.5}, {":]", 0.5}, {":}", 0.5},
	{":>", 0.5}, {":3", 0.5}, {"8)", 0.5}, {"8-)", 0.5},
	{">;]", 0.25}, {";-)", 0.25}, {";)", 0.25}, {";-]", 0.25}, {";]", 0.25}, {";d", 0.25},
	{";^)", 0.25}, {"*-)", 0.25}, {"*)", 0.25},
	{">:o", 0.05}, {":-o", 0.05}, {":o", 0.05}, {"o_o", 0.05}, {"o.o", 0.05},
	{"\xc2\xb0o\xc2\xb0", 0.05},
	{">:/", -0.25}, {":-/", -0.25}, {":/", -0.25}, {":\\", -0.25}, {">:\\", -0.25}, {":-.", -0.25},
	{":-s", -0.25}, {":s", -0.25}, {">.>", -0.25},
	{">:[", -0.75}, {":-(", -0.75}, {":(", -0.75}, {"=(", -0.75}, {":-[", -0.75}, {":[", -0.75},
	{":{", -0.75}, {":-<", -0.75}, {":c", -0.75}, {":-c", -0.75}, {"=/", -0.75},
	{":'(", -1.0}, {":'''(", -1.0}, {";'(", -1.0},
};

/* TextBlob's abbreviations (those ending with a period; "w/" never reaches the check) */
static const char *const abbreviations[] = {
	"a.", "adj.", "adv.", "al.", "a.m.", "c.", "cf.", "comp.", "conf.", "def.", "ed.",
	"e.g.", "esp.", "etc.", "ex.", "f.", "fig.", "gen.", "id.", "i.e.", "int.", "l.",
	"m.", "Med.", "Mil.", "Mr.", "n.", "n.q.", "orig.", "pl.", "pred.", "pres.", "p.m.",
	"ref.", "v.", "vs.",
};

#define NFORMS lengthof(emoticon_forms)
#define NSCORES lengthof(emoticon_scores)

static uint8 byte_class[256];
static bool is_punct[256];		/* TextBlob's PUNCTUATION without the period */
static uint8 form_len[NFORMS];
static uint8 form_by_first[NFORMS];	/* form numbers grouped by first byte, in order */
static uint8 form_first_start[256];	/* where each first byte's group starts */
static uint8 form_first_count[256];
static uint8 score_len[NSCORES];
static uint8 abbreviation_len[lengthof(abbreviations)];
static bool score_first[256];	/* first bytes of lowercased emoticons */
static bool tables_ready = false;

/* Scratch buffer for the sentence, kept between calls */
static char *scratch = NULL;
static Size scratch_size = 0;

/* Fill the byte tables once per backend */
static void
TextBlobInitTables(void)
{
	const char *punct = ",;:!?()[]{}`'\"@#$^&*+-|=~_";

	for (int c = 0; c < 256; c++)
		byte_class[c] = c >= 0x80 ? BC_HIGH : BC_WORD;
	byte_class['\t'] = byte_class['\v'] = byte_class['\f'] = byte_class[' '] = BC_SPACE;
	for (int c = 0x1c; c <= 0x1f; c++)
		byte_class[c] = BC_SPACE;
	byte_class['\n'] = byte_class['\r'] = BC_NEWLINE;
	byte_class['\''] = byte_class['"'] = BC_QUOTE;
	byte_class['n'] = BC_N;
	for (const char *p = punct; *p; p++)
		is_punct[(uint8) *p] = true;
	/* emoticon forms by first byte, keeping TextBlob's order within each group */
	for (int c = 0, n = 0; c < 256; c++)
	{
		form_first_start[c] = n;
		for (int k = 0; k < NFORMS; k++)
		{
			if ((uint8) emoticon_forms[k][0] == c)
			{
				form_by_first[n++] = k;
				form_first_count[c]++;
			}
		}
	}
	for (int k = 0; k < NFORMS; k++)
		form_len[k] = strlen(emoticon_forms[k]);
	for (int k = 0; k < lengthof(abbreviations); k++)
		abbreviation_len[k] = strlen(abbreviations[k]);
	for (int k = 0; k < NSCORES; k++)
	{
		score_len[k] = strlen(emoticon_scores[k].form);
		score_first[(uint8) emoticon_scores[k].form[0]] = true;
	}
	tables_ready = true;
}

/* Decode one UTF-8 character at s (before end); returns its length, at least 1 */
static inline int
DecodeChar(const uint8 *s, const uint8 *end, uint32 *cp)
{
	int			n = Utf8Decode(s, end, cp);

	if (n > 0)
		return n;
	*cp = 0xFFFD;				/* not reachable with valid UTF-8 */
	return 1;
}


/* Python's str.isspace() for a non-ASCII code point */
static inline bool
IsUnicodeSpace(uint32 cp)
{
	return cp == 0x85 || cp == 0xA0 || cp == 0x1680 ||
		(cp >= 0x2000 && cp <= 0x200A) || cp == 0x2028 || cp == 0x2029 ||
		cp == 0x202F || cp == 0x205F || cp == 0x3000;
}

/* Number of code points of a UTF-8 string */
static inline int
CodePoints(const char *s, int len)
{
	int			n = 0;

	for (int k = 0; k < len; k++)
		n += ((uint8) s[k] & 0xC0) != 0x80;
	return n;
}

/*
 * The prefixes of one token that IsAbbreviation() tests, measured in one scan:
 * SplitToken() asks about ever shorter prefixes of the same token, and testing
 * each one from scratch would be quadratic ("Bbbb...b.!.!.!").
 */
typedef struct AbbrevScan
{
	bool		done;			/* measured */
	int			alternating;	/* longest prefix of the form [A-Za-z] . [A-Za-z] . ... */
	int			consonants;		/* first position after 0 outside [bcdfghjklmnpqrstvwxz|] */
} AbbrevScan;

/* True for the letters of the character class [bcdfghjklmnpqrstvwxz|] */
static inline bool
IsConsonantClass(char c)
{
	return c != '\0' && strchr("bcdfghjklmnpqrstvwxz|", c) != NULL;
}

/* True for [A-Za-z] */
static inline bool
IsAsciiLetter(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

/* Measure the prefixes of t[0..len) once */
static void
AbbrevMeasure(AbbrevScan *sc, const char *t, int len)
{
	int			k = 0;

	while (k < len && ((k % 2 == 1) ? t[k] == '.' : IsAsciiLetter(t[k])))
		k++;
	sc->alternating = k;
	for (k = 1; k < len && IsConsonantClass(t[k]); k++)
		;
	sc->consonants = k;
	sc->done = true;
}

/*
 * Whether a token ending with a period, t[0..len), is an abbreviation TextBlob
 * keeps whole; sc measures t once for all the lengths asked about.
 */
static bool
IsAbbreviation(AbbrevScan *sc, const char *t, int len)
{
	if (!sc->done)
		AbbrevMeasure(sc, t, len);
	/* "^([A-Za-z]\.)+$", which includes "^[A-Za-z]\.$" */
	if (len % 2 == 0 && len <= sc->alternating)
		return true;
	/* "^[A-Z][bcdfghjklmnpqrstvwxz|]+.$": the class includes the "|" of the join */
	if (len >= 3 && t[0] >= 'A' && t[0] <= 'Z' && sc->consonants >= len - 1)
		return true;
	for (int k = 0; k < lengthof(abbreviations); k++)
	{
		if (abbreviation_len[k] == len && memcmp(abbreviations[k], t, len) == 0)
			return true;
	}
	return false;
}

/* Sum the finished last assessment into the totals */
static inline void
FinishLast(TextBlobState *st)
{
	if (!st->has_last)
		return;
	/* "not good" = slightly bad, "not bad" = slightly good */
	st->sum_p += st->last.negated ? st->last.p * -0.5 : st->last.p;
	st->sum_s += st->last.s;
	st->count++;
	if (st->collect)
	{
		st->collect(st->collect_arg, st->words,
					st->last.negated ? st->last.p * -0.5 : st->last.p, st->last.s, st->label);
		list_free_deep(st->words);	/* a long text has many assessments */
		st->words = NIL;
	}
}

/* Explain mode: the last assessment starts with one word */
static void
CollectStart(TextBlobState *st, const char *w, int len, const char *label)
{
	if (!st->collect)
		return;
	st->words = list_make1(pnstrdup(w, len));
	st->label = label;
}

/* Explain mode: a word joins the last assessment (at its start for a negation) */
static void
CollectAdd(TextBlobState *st, const char *w, int len, bool first)
{
	if (!st->collect)
		return;
	if (first)
		st->words = lcons(pnstrdup(w, len), st->words);
	else
		st->words = lappend(st->words, pnstrdup(w, len));
}

/* Start a new assessment, finishing the previous one */
static inline void
StartAssessment(TextBlobState *st, double p, double s, double i)
{
	FinishLast(st);
	st->last.p = p;
	st->last.s = s;
	st->last.i = i;
	st->last.negated = false;
	st->has_last = true;
}

/* max(-1.0, min(x, +1.0)) */
static inline double
Clamp(double x)
{
	return x > 1.0 ? 1.0 : (x < -1.0 ? -1.0 : x);
}

/* Whether a lowercased word is one of TextBlob's negations */
static inline bool
IsNegation(const char *w, int len)
{
	return (len == 2 && memcmp(w, "no", 2) == 0) ||
		(len == 3 && (memcmp(w, "not", 3) == 0 || memcmp(w, "n't", 3) == 0)) ||
		(len == 5 && memcmp(w, "never", 5) == 0);
}

/* The negation a word is (IsNegation() is true), as a constant string */
static const char *
NegationWord(const char *w, int len)
{
	if (len == 2)
		return "no";
	if (len == 5)
		return "never";
	return w[0] == 'n' && w[1] == 'o' ? "not" : "n't";
}

/* The polarity of an emoticon word, or false when it is none */
static bool
EmoticonPolarity(const char *w, int len, double *polarity)
{
	if (len > 5 || len < 2 || !score_first[(uint8) w[0]])
		return false;
	for (int k = 0; k < lengthof(abbreviations); k++)
		abbreviation_len[k] = strlen(abbreviations[k]);
	for (int k = 0; k < NSCORES; k++)
	{
		if (score_len[k] == len &&
			memcmp(emoticon_scores[k].form, w, len) == 0)
		{
			*polarity = emoticon_scores[k].polarity;
			return true;
		}
	}
	return false;
}

/* Assess a word that is in the lexicon */
static void
AssessKnown(TextBlobState *st, const LexiconEntry *e, const char *w, int len)
{
	if (!st->modifier)
	{
		StartAssessment(st, e->polarity, e->subjectivity, e->intensity);
		CollectStart(st, w, len, e->label);
	}
	else
	{
		/* "really good": the modifier's intensity scales this word */
		st->last.p = Clamp(e->polarity * st->last.i);
		st->last.s = Clamp(e->subjectivity * st->last.i);
		st->last.i = e->intensity;
		CollectAdd(st, w, len, false);
		st->label = e->label;
	}
	if (st->negation)
	{
		st->last.i = 1.0 / st->last.i;
		st->last.negated = true;
		CollectAdd(st, st->negation_word, strlen(st->negation_word), true);
	}
	st->modifier = e->modifier;
	st->modifier_ly = e->modifier && len >= 2 && w[len - 2] == 'l' && w[len - 1] == 'y';
	st->negation = IsNegation(w, len);
	if (st->negation)
		st->negation_word = NegationWord(w, len);
}

/* Assess a word that is not in the lexicon; ncp is its length in code points */
static void
AssessUnknown(TextBlobState *st, const char *w, int len, int ncp)
{
	double		polarity;

	if (IsNegation(w, len))
	{
		st->negation = true;
		st->negation_word = NegationWord(w, len);
	}
	else if (st->negation)
	{
		/* len(w.strip("'")) > 1: keep the negation across one-character words */
		int			a = 0,
					b = len;

		while (a < b && w[a] == '\'')
			a++;
		while (b > a && w[b - 1] == '\'')
			b--;
		if (ncp - a - (len - b) > 1)
			st->negation = false;
	}
	if (st->negation && st->modifier && st->modifier_ly)
	{
		/* "really not good" */
		st->last.negated = true;
		st->negation = false;
		CollectAdd(st, st->negation_word, strlen(st->negation_word), false);
	}
	else if (st->modifier && ncp > 2)
		st->modifier = false;
	if (len == 1 && w[0] == '!' && st->has_last)
	{
		st->last.p = Clamp(st->last.p * 1.25);
		CollectAdd(st, "!", 1, false);
	}
	if (len == 3 && memcmp(w, "(!)", 3) == 0)
	{
		StartAssessment(st, 0.0, 1.0, 1.0);
		CollectStart(st, w, len, "irony");
	}
	if (EmoticonPolarity(w, len, &polarity))
	{
		StartAssessment(st, polarity, 1.0, 1.0);
		CollectStart(st, w, len, "mood");
	}
}

/* Assess one word of the final token stream */
static void
AssessWord(TextBlobState *st, const char *word, int len)
{
	char		lower[3 * 1200 / 2 + 8];
	int			llen = len;
	int			ncp = len;
	uint32		h = LEXICON_HASH_INIT;
	const LexiconEntry *e = NULL;
	int			k;

	/* ASCII words (almost all): lowercase and hash in one pass */
	for (k = 0; k < len && k < 1200; k++)
	{
		unsigned char c = (unsigned char) word[k];

		if (c >= 0x80)
			break;
		if (c >= 'A' && c <= 'Z')
			c += 'a' - 'A';
		lower[k] = c;
		h = LexiconHashStep(h, c);
	}
	if (k == len)
		e = LexiconLookup(lower, len, LexiconHashFinish(h));
	else if (len <= 1200)
	{
		llen = TextBlobLower(word, len, lower, &ncp);
		e = LexiconLookup(lower, llen, LexiconHash(lower, llen));
	}
	else
	{
		/* too long for any lexicon word or emoticon: only its length matters */
		const uint8 *p = (const uint8 *) word;

		ncp = CodePoints(word, len);
		for (k = 0; k + 1 < len; k++)
			ncp += (p[k] == 0xC4 && p[k + 1] == 0xB0);	/* U+0130 lowercases to two */
		memcpy(lower, "xxxx", 4);	/* stands for the word: no negation, emoticon, "!" */
		llen = 4;
	}
	if (e != NULL)
		AssessKnown(st, e, lower, llen);
	else
		AssessUnknown(st, lower, llen, ncp);
}

/* re.sub(r"\( ?\! ?\)", "(!)", s) in place; returns the new length */
static int
JoinSarcasm(char *s, int len)
{
	int			r = 0,
				w = 0;
	int64		next_check = TEXT_INTERRUPT_INTERVAL;

	while (r < len)
	{
		TextCheckInterrupts(r, &next_check);
		if (s[r] == '(')
		{
			int			q = r + 1;

			if (q < len && s[q] == ' ')
				q++;
			if (q < len && s[q] == '!')
			{
				q++;
				if (q < len && s[q] == ' ')
					q++;
				if (q < len && s[q] == ')')
				{
					memcpy(s + w, "(!)", 3);
					w += 3;
					r = q + 1;
					continue;
				}
			}
		}
		s[w++] = s[r++];
	}
	return w;
}

/* Length of the match of one emoticon (one optional space between characters) at s[r] */
static int
MatchEmoticon(const char *s, int r, int len, const char *form)
{
	int			q = r;

	for (int k = 0; form[k] != '\0'; k++)
	{
		/* " ?" between characters: only before the first byte of a character */
		if (k > 0 && ((uint8) form[k] & 0xC0) != 0x80 &&
			q + 1 < len && s[q] == ' ' && s[q + 1] == form[k])
			q++;
		if (q >= len || s[q] != form[k])
			return 0;
		q++;
	}
	/* "($|\s)" */
	if (q < len && s[q] != ' ')
		return 0;
	return q - r;
}

/* re.sub(RE_EMOTICONS, <emoticon without spaces> + group 2, s) in place */
static int
JoinEmoticons(char *s, int len)
{
	int			r = 0,
				w = 0;
	int64		next_check = TEXT_INTERRUPT_INTERVAL;

	while (r < len)
	{
		uint8		c = (uint8) s[r];

		TextCheckInterrupts(r, &next_check);
		if (form_first_count[c] > 0)
		{
			int			k = -1;
			int			m = 0;

			for (int g = 0; g < form_first_count[c]; g++)
			{
				k = form_by_first[form_first_start[c] + g];
				if ((m = MatchEmoticon(s, r, len, emoticon_forms[k])) > 0)
					break;
			}
			if (m > 0)
			{
				memcpy(s + w, emoticon_forms[k], form_len[k]);
				w += form_len[k];
				r += m;
				if (r < len)
				{
					s[w++] = ' ';	/* the \s of group 2 */
					r++;
				}
				continue;
			}
		}
		s[w++] = s[r++];
	}
	return w;
}

/* Finish the collected sentence: rejoin "(!)" and emoticons, then assess its words */
static void
FlushSentence(TextBlobState *st)
{
	char	   *s = st->sentence;
	int			len = st->slen;
	int			start = 0;
	int64		next_check = TEXT_INTERRUPT_INTERVAL;

	if (len == 0)
		return;
	CHECK_FOR_INTERRUPTS();
	if (memchr(s, '(', len) != NULL)
		len = JoinSarcasm(s, len);
	len = JoinEmoticons(s, len);
	for (int k = 0; k <= len; k++)
	{
		TextCheckInterrupts(k, &next_check);
		if (k == len || s[k] == ' ')
		{
			if (k > start)
				AssessWord(st, s + start, k - start);
			start = k + 1;
		}
	}
	st->slen = 0;
}

/* Classify a final token for sentence splitting */
static inline int
TokenClass(const char *t, int len)
{
	if (len == 1)
	{
		switch (t[0])
		{
			case '.':
			case '!':
			case '?':
				return TK_ENDER | TK_RUN;
			case ')':
				return TK_RUN;
			case '\'':
			case '"':
				return TK_RUN | TK_QUOTE;
		}
		return 0;
	}
	if (len == 3 && memcmp(t, "...", 3) == 0)
		return TK_ENDER | TK_RUN;
	if (len == 3 && (memcmp(t, "\xe2\x80\x9d", 3) == 0 || memcmp(t, "\xe2\x80\x99", 3) == 0))
		return TK_RUN;
	if (len == 15 && memcmp(t, "END-OF-SENTENCE", 15) == 0)
		return TK_ENDER | TK_RUN | TK_EOS;
	return 0;
}

/* Take one final token: add it to the sentence, ending sentences where TextBlob does */
static void
EmitToken(TextBlobState *st, const char *t, int len, int cls)
{
	if (st->in_end_run)
	{
		if ((cls & TK_RUN) && !(cls & TK_QUOTE))
		{
			if (!(cls & TK_EOS))
				goto append;
			return;
		}
		/* the run is over: the sentence ends before this token */
		FlushSentence(st);
		st->in_end_run = false;
	}
	if (cls & TK_ENDER)
		st->in_end_run = true;
	if (cls & TK_EOS)
		return;
append:
	if (st->slen > 0)
		st->sentence[st->slen++] = ' ';
	memcpy(st->sentence + st->slen, t, len);
	st->slen += len;
}

/* Split leading and trailing punctuation off a raw token (find_tokens' inner loop) */
static void
SplitToken(TextBlobState *st, const char *t, int len)
{
	int			a = 0,
				b = len;
	int			local[64];
	int		   *tail = local;	/* tail tokens as (start, length) pairs */
	int			cap = lengthof(local);
	int			ntail = 0;
	AbbrevScan	abbrev = {false, 0, 0};

	while (a < b && is_punct[(uint8) t[a]])
	{
		EmitToken(st, t + a, 1, TokenClass(t + a, 1));
		a++;
	}
	while (b > a && (is_punct[(uint8) t[b - 1]] || t[b - 1] == '.'))
	{
		if (ntail + 6 > cap)
		{
			/* a long run of trailing punctuation: room for all of it */
			int		   *bigger = palloc(sizeof(int) * (2 * len + 8));

			memcpy(bigger, tail, sizeof(int) * ntail);
			if (tail != local)
				pfree(tail);
			tail = bigger;
			cap = 2 * len + 8;
		}
		if (is_punct[(uint8) t[b - 1]])
		{
			tail[ntail++] = b - 1;
			tail[ntail++] = 1;
			b--;
		}
		/* split an ellipsis before the period; more periods before it are dropped */
		if (b - a >= 3 && t[b - 1] == '.' && t[b - 2] == '.' && t[b - 3] == '.')
		{
			tail[ntail++] = b - 3;
			tail[ntail++] = 3;
			b -= 3;
			while (b > a && t[b - 1] == '.')
				b--;
		}
		if (b > a && t[b - 1] == '.')
		{
			if (IsAbbreviation(&abbrev, t + a, b - a))
				break;
			tail[ntail++] = b - 1;
			tail[ntail++] = 1;
			b--;
		}
	}
	if (b > a)
		EmitToken(st, t + a, b - a, TokenClass(t + a, b - a));
	/* the tail in reverse order of splitting */
	while (ntail > 0)
	{
		int			tl = tail[--ntail];
		int			ts = tail[--ntail];

		EmitToken(st, t + ts, tl, TokenClass(t + ts, tl));
	}
	if (tail != local)
		pfree(tail);
}

/* Make sure the sentence buffer holds size bytes */
static char *
ScratchBuffer(Size size)
{
	if (scratch_size < size)
	{
		if (scratch != NULL)
			pfree(scratch);
		scratch = NULL;
		scratch_size = 0;
		scratch = MemoryContextAllocHuge(TopMemoryContext, size);
		scratch_size = size;
	}
	return scratch;
}

/* Give back a large sentence buffer after a long document */
static void
ScratchShrink(void)
{
	if (scratch_size > 1024 * 1024)
	{
		pfree(scratch);
		scratch = NULL;
		scratch_size = 0;
	}
}

/* Count consecutive newlines (LF or CR LF) at s[p]; *next receives where they end */
static inline int
Newlines(const char *s, int p, int len, int *next)
{
	int			n = 0;

	while (p < len)
	{
		if (s[p] == '\n')
			p++;
		else if (s[p] == '\r' && p + 1 < len && s[p + 1] == '\n')
			p += 2;
		else
			break;
		n++;
	}
	*next = p;
	return n;
}

/* Scan the text into raw tokens: whitespace, quotes, "n't" and paragraph breaks */
static void
ScanText(TextBlobState *st, const char *s, int len)
{
	int			start = -1;
	int			p = 0;
	int64		next_check = TEXT_INTERRUPT_INTERVAL;

#define END_RAW_TOKEN() \
	do { if (start >= 0) { SplitToken(st, s + start, p - start); start = -1; } } while (0)

	while (p < len)
	{
		uint8		c = (uint8) s[p];
		uint32		cp;
		int			l;
		int			next;

		TextCheckInterrupts(p, &next_check);
		switch (byte_class[c])
		{
			case BC_WORD:
				if (start < 0)
					start = p;
				p++;
				break;
			case BC_N:
				/* "n't" -> " n't": the n starts a new token */
				if (p + 2 < len && s[p + 1] == '\'' && s[p + 2] == 't')
					END_RAW_TOKEN();
				if (start < 0)
					start = p;
				p++;
				break;
			case BC_SPACE:
				END_RAW_TOKEN();
				p++;
				break;
			case BC_QUOTE:
				END_RAW_TOKEN();
				SplitToken(st, s + p, 1);
				p++;
				break;
			case BC_NEWLINE:
				END_RAW_TOKEN();
				if (Newlines(s, p, len, &next) >= 2)
					EmitToken(st, "END-OF-SENTENCE", 15, TK_ENDER | TK_RUN | TK_EOS);
				p = next > p ? next : p + 1;
				break;
			default:
				l = DecodeChar((const uint8 *) s + p, (const uint8 *) s + len, &cp);
				if (IsUnicodeSpace(cp))
				{
					END_RAW_TOKEN();
				}
				else if (cp == 0x201C || cp == 0x201D || cp == 0x2018 || cp == 0x2019)
				{
					END_RAW_TOKEN();
					EmitToken(st, s + p, l, TokenClass(s + p, l));
				}
				else if (start < 0)
					start = p;
				p += l;
				break;
		}
	}
	END_RAW_TOKEN();
#undef END_RAW_TOKEN
}

/* Run the tokenizer and the assessment loop over a text */
static void
TextBlobRun(TextBlobState *st, const char *text, int len)
{
	if (!tables_ready)
		TextBlobInitTables();
	LexiconEnsureLoaded();
	/* a sentence is at most the text with a space after every byte */
	st->sentence = ScratchBuffer((Size) len * 2 + 32);
	ScanText(st, text, len);
	FlushSentence(st);
	FinishLast(st);
	ScratchShrink();
}

/* Score a text as TextBlob(text).sentiment does */
void
TextBlobAnalyze(const char *text, int len, SentimentScore *out)
{
	TextBlobState st;

	memset(&st, 0, sizeof(st));
	TextBlobRun(&st, text, len);
	if (st.count == 0)
	{
		out->polarity = 0.0;
		out->subjectivity = 0.0;
		return;
	}
	out->polarity = st.sum_p / (double) st.count;
	out->subjectivity = st.sum_s / (double) st.count;
}

/* Where textblob_assessments() puts its rows */
typedef struct AssessmentSink
{
	ReturnSetInfo *rsinfo;
	MemoryContext rowcxt;		/* reset after each row: a long text has many */
} AssessmentSink;

/* Add one assessment as a row of the result of textblob_assessments() */
static void
AssessmentRow(void *arg, List *words, double polarity, double subjectivity, const char *label)
{
	AssessmentSink *sink = (AssessmentSink *) arg;
	MemoryContext old = MemoryContextSwitchTo(sink->rowcxt);
	Datum	   *elems = palloc(sizeof(Datum) * Max(list_length(words), 1));
	Datum		values[4];
	bool		nulls[4] = {false, false, false, label == NULL};
	int			n = 0;
	ListCell   *lc;

	foreach(lc, words)
		elems[n++] = CStringGetTextDatum((char *) lfirst(lc));
	values[0] = PointerGetDatum(construct_array(elems, n, TEXTOID, -1, false, TYPALIGN_INT));
	values[1] = Float8GetDatum(polarity);
	values[2] = Float8GetDatum(subjectivity);
	values[3] = label ? CStringGetTextDatum(label) : (Datum) 0;
	tuplestore_putvalues(sink->rsinfo->setResult, sink->rsinfo->setDesc, values, nulls);
	MemoryContextSwitchTo(old);
	MemoryContextReset(sink->rowcxt);
}

PG_FUNCTION_INFO_V1(textblob_assessments);

/* tweetlda.textblob_assessments(doc): TextBlob's sentiment_assessments, one row each */
Datum
textblob_assessments(PG_FUNCTION_ARGS)
{
	text	   *doc = PG_GETARG_TEXT_PP(0);
	TextBlobState st;
	AssessmentSink sink;

	CheckDatabaseEncoding();
	InitMaterializedSRF(fcinfo, 0);
	sink.rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	sink.rowcxt = AllocSetContextCreate(CurrentMemoryContext, "textblob_assessments row",
										ALLOCSET_SMALL_SIZES);
	memset(&st, 0, sizeof(st));
	st.collect = AssessmentRow;
	st.collect_arg = &sink;
	if (VARSIZE_ANY_EXHDR(doc) > 0)
		TextBlobRun(&st, VARDATA_ANY(doc), VARSIZE_ANY_EXHDR(doc));
	MemoryContextDelete(sink.rowcxt);
	return (Datum) 0;
}
