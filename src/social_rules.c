/*
 * social_rules.c
 *		Stage 3 of the 'social' analyzer (social_doc.h): the valence of one
 *		sentiment token in its clause, after the rules around it, from the idea
 *		of VADER (Hutto & Gilbert 2014): negation (scope up to the clause end,
 *		double negation, "no" as determiner or interjection, "not only", "never
 *		so", rhetorical negative questions), boosters and dampeners, ALL-CAPS
 *		emphasis in mixed-case text, letter elongation, "least", counterfactual
 *		modals and wishes ("should have been", "I wish it was"), irrealis
 *		(questions, desires, conditions) and the part of speech of "like",
 *		"kind" and "well".
 *
 * Every rule looks at a window of at most eight tokens around the token, so
 * scoring all tokens is linear in their number.
 */
#include "postgres.h"

#include <math.h>

#include "social_doc.h"

/* Constants of VADER's rules (empirically derived there from human ratings) */
#define N_SCALAR		(-0.74)	/* negation of a positive word */
#define N_SCALAR_NEG	(-0.5)	/* negation of a negative word: "not bad" is mildly good */
#define C_INCR			0.733	/* ALL-CAPS emphasis */
#define E_INCR			0.293	/* letter elongation, like one booster */
#define NEG_WINDOW		4		/* words a negator reaches within its clause */
#define BOOST_WINDOW	3		/* words a booster reaches */
#define COUNTERFACTUAL	(-0.5)	/* "should have been good" */
#define IRREALIS		0.5		/* sentiment words in questions and conditions */

/* True when token i is a negator: a negation word or any word ending in n't */
static bool
IsNegator(const SocialDoc *doc, int i)
{
	const SocialToken *t = &doc->toks[i];
	const char *w = doc->nb + t->off;

	if (t->kind != TK_WORD)
		return false;
	if (TokClass(doc, i) & SC_NEGATOR)
	{
		/* "not only", "not just": additive, not negation */
		if ((TokIs(doc, i, "not")) && (TokIs(doc, i + 1, "only") || TokIs(doc, i + 1, "just")))
			return false;
		/* "nothing but love" */
		if (TokIs(doc, i, "nothing") && TokIs(doc, i + 1, "but"))
			return false;
		return true;
	}
	return t->len > 3 && w[t->len - 3] == 'n' && w[t->len - 2] == '\'' && w[t->len - 1] == 't';
}

/* True when the sentence holding token i ends with a question mark (one: "???" is emphasis) */
static inline bool
InQuestion(const SocialDoc *doc, int i)
{
	int			e = doc->toks[i].send;

	return e < doc->ntoks && doc->toks[e].punct == '?' && doc->toks[e].run == 1 &&
		!(e + 1 < doc->ntoks && doc->toks[e + 1].kind == TK_PUNCT && doc->toks[e + 1].punct == '!');
}

/*
 * True when negator j opens a negative question ("don't you love it?", "isn't
 * it great", "how can you not love him?"): these expect agreement and do not
 * negate.
 */
static bool
RhetoricalNegation(const SocialDoc *doc, int j)
{
	static const char *const subjects[] = {"you", "ya", "u", "it", "that", "this", "they",
	"we", "he", "she", "i"};
	static const char *const auxiliaries[] = {"can", "could", "would", "will", "do", "does",
	"did", "is", "are", "was", "were", "should"};
	bool		subject_next = false;

	for (int k = 0; k < lengthof(subjects); k++)
		subject_next |= TokIs(doc, j + 1, subjects[k]);
	/* "Don't you love it", "Isn't it great": an n't word opening its clause */
	if (!TokIs(doc, j, "not") && subject_next)
		return j == 0 || ClauseBreak(doc, j - 1);
	/* "how can you not love him?": auxiliary, subject, not, in a question */
	if (TokIs(doc, j, "not") && InQuestion(doc, j))
		for (int k = 0; k < lengthof(auxiliaries); k++)
			if (TokIs(doc, j - 2, auxiliaries[k]))
				for (int m = 0; m < lengthof(subjects); m++)
					if (TokIs(doc, j - 1, subjects[m]))
						return true;
	return false;
}

/* True when "no" at i is a determiner ("no problem") rather than an interjection ("No!") */
static inline bool
NoIsDeterminer(const SocialDoc *doc, int i)
{
	return TokIs(doc, i, "no") && i + 1 < doc->ntoks && doc->toks[i + 1].kind == TK_WORD &&
		!ClauseBreak(doc, i + 1);
}

/* True when a sentiment word follows booster i closely in its clause */
static bool
ModifiesNext(const SocialDoc *doc, int i)
{
	for (int j = i + 1; j < doc->ntoks && j <= i + BOOST_WINDOW; j++)
	{
		if (ClauseBreak(doc, j))
			return false;
		if (doc->toks[j].kind == TK_WORD && HasValence(doc, j) &&
			!(TokClass(doc, j) & SC_BOOSTER))
			return true;
	}
	return false;
}

/* True when "like" at i is the verb: after a subject, auxiliary, negator or adverb */
static bool
LikeIsVerb(const SocialDoc *doc, int i)
{
	int			j = i - 1;

	if (j >= 0 && ((TokClass(doc, j) & SC_BOOSTER) || TokIs(doc, j, "also") ||
				   TokIs(doc, j, "just") || TokIs(doc, j, "still") || TokIs(doc, j, "actually") ||
				   TokIs(doc, j, "even") || TokIs(doc, j, "always") || TokIs(doc, j, "ever")))
		j--;
	if (j < 0 || doc->toks[j].kind != TK_WORD)
		return false;
	if (TokIs(doc, j, "i'm") || TokIs(doc, j, "im") || TokIs(doc, j, "was") ||
		TokIs(doc, j, "is") || TokIs(doc, j, "it's"))
		return false;			/* quotative "I'm like", "it's like" */
	return (TokClass(doc, j) & (SC_PRONOUN | SC_NEGATOR)) != 0 || IsNegator(doc, j);
}

/* The rule that makes word i a non-sentiment word in its context, or 0 */
static uint32
NeutralUse(const SocialDoc *doc, int i)
{
	if ((TokClass(doc, i) & SC_BOOSTER) && ModifiesNext(doc, i))
		return R_MODIFIER;		/* "pretty good": pretty is a dampener here */
	if (TokIs(doc, i, "no") && NoIsDeterminer(doc, i))
		return R_MODIFIER;		/* "no problems": no negates, it is not an interjection */
	if (TokIs(doc, i, "kind") &&
		(TokIs(doc, i + 1, "of") || (TokClass(doc, i - 1) & SC_DETERMINER)))
		return R_NOT_VERB;		/* "kind of", "what kind": not the adjective */
	if (TokIs(doc, i, "like") && !LikeIsVerb(doc, i))
		return R_NOT_VERB;		/* "looks like rain" */
	if (TokIs(doc, i, "doubt") && (TokIs(doc, i - 1, "no") || TokIs(doc, i - 1, "without") ||
								   (TokIs(doc, i - 1, "a") && TokIs(doc, i - 2, "without"))))
		return R_NOT_VERB;		/* "no doubt": certainly */
	if (TokIs(doc, i, "well") && (i == 0 || doc->toks[i - 1].kind == TK_PUNCT ||
								  TokIs(doc, i - 1, "as") || TokIs(doc, i - 1, "oh")))
		return R_NOT_VERB;		/* "as well", "Well, ...": not the adjective */
	return 0;
}

/* The lexicon valence of word i in context, 0 when it is not used as a sentiment word */
static double
ContextValence(SocialDoc *doc, int i)
{
	uint32		rule = NeutralUse(doc, i);

	if (rule != 0)
	{
		doc->toks[i].rules |= rule;
		return 0.0;
	}
	return doc->toks[i].entry->valence;
}

/* Add the boosters and dampeners before word i (VADER's distance decay) */
static double
ApplyBoosters(SocialDoc *doc, int i, double v)
{
	static const double decay[BOOST_WINDOW] = {1.0, 0.95, 0.9};
	double		mag = fabs(v);

	for (int d = 1; d <= BOOST_WINDOW && i - d >= 0; d++)
	{
		int			j = i - d;
		SocialToken *b = &doc->toks[j];
		double		s = 0;

		if (ClauseBreak(doc, j))
			break;
		if (TokClass(doc, j) & SC_BOOSTER)
			s = b->entry->boost;
		else if (TokIs(doc, j, "of") && (TokIs(doc, j - 1, "kind") || TokIs(doc, j - 1, "sort")))
			s = -0.293;
		if (s == 0)
			continue;
		if ((b->flags & TF_CAPS) && doc->cap_diff)
			s += (s > 0 ? C_INCR : -C_INCR);
		mag = Max(mag + s * decay[d - 1], 0.1 * fabs(v));
		doc->toks[i].rules |= (s > 0 ? R_BOOSTED : R_DAMPENED);
	}
	return v < 0 ? -mag : mag;
}

/* Negation of word i: the negators in its clause (odd count negates) */
static double
ApplyNegation(SocialDoc *doc, int i, double v)
{
	int			count = 0;
	int			words = 0;

	for (int j = i - 1; j >= 0 && words < NEG_WINDOW; j--)
	{
		if (ClauseBreak(doc, j))
			break;
		words++;
		if (!IsNegator(doc, j) || RhetoricalNegation(doc, j))
			continue;
		/* "no" as a determiner reaches only its noun phrase */
		if (TokIs(doc, j, "no") && i - j > 2 && !TokIs(doc, j + 1, "longer") &&
			!TokIs(doc, j + 1, "way"))
			continue;
		/* "never so good", "never been this happy": emphasis, not negation */
		if (TokIs(doc, j, "never") &&
			(TokIs(doc, j + 1, "so") || TokIs(doc, j + 1, "this") ||
			 TokIs(doc, i - 1, "so") || TokIs(doc, i - 1, "this")) && j + 1 < i)
		{
			doc->toks[i].rules |= R_NEVER_SO;
			return v * 1.25;
		}
		/* "without (a) doubt" */
		if (TokIs(doc, j, "without") && (TokIs(doc, j + 1, "doubt") || TokIs(doc, j + 2, "doubt")))
			continue;
		count++;
	}
	if (count % 2 == 1)
	{
		doc->toks[i].rules |= R_NEGATED;
		return v * (v > 0 ? N_SCALAR : N_SCALAR_NEG);
	}
	return v;
}

/* "least good" is negation, "at least good" is not */
static double
ApplyLeast(SocialDoc *doc, int i, double v)
{
	if (TokIs(doc, i - 1, "least") && !TokIs(doc, i - 2, "at") && !TokIs(doc, i - 2, "very"))
	{
		doc->toks[i].rules |= R_LEAST;
		return v * N_SCALAR;
	}
	return v;
}

/* True when "wish" at j introduces an unreal situation ("I wish I had", "wish it were") */
static bool
WishIsCounterfactual(const SocialDoc *doc, int j)
{
	static const char *const next[] = {"i", "we", "they", "he", "she", "it", "there", "that",
	"could", "would", "had", "was", "were", "i'd", "i'm", "my", "our", "this", "people"};
	static const char *const after_you[] = {"were", "was", "could", "would", "had", "'d",
	"knew", "would've", "did", "didn't", "wouldn't", "weren't"};

	if (!TokIs(doc, j, "wish") && !TokIs(doc, j, "wished") && !TokIs(doc, j, "wishing"))
		return false;
	for (int k = 0; k < lengthof(next); k++)
		if (TokIs(doc, j + 1, next[k]))
			return true;
	if (TokIs(doc, j + 1, "you") || TokIs(doc, j + 1, "u"))
		for (int k = 0; k < lengthof(after_you); k++)
			if (TokIs(doc, j + 2, after_you[k]))
				return true;
	return false;
}

/* "should have been great", "was supposed to be fun": the opposite happened */
static double
ApplyCounterfactual(SocialDoc *doc, int i, double v)
{
	for (int j = i - 1; j >= 0 && j >= i - 5; j--)
	{
		if (ClauseBreak(doc, j))
			break;
		if (WishIsCounterfactual(doc, j))
		{
			doc->toks[i].rules |= R_COUNTERFACT;
			return v * COUNTERFACTUAL;
		}
		if (!(TokClass(doc, j) & SC_MODAL))
			continue;
		if (doc->toks[j].entry->boost > 0 || TokIs(doc, j + 1, "have") ||
			TokIs(doc, j + 1, "of") || TokIs(doc, j + 1, "'ve") ||
			/* "could be better": it is not good; "could be worse": it is not bad */
			(TokIs(doc, j + 1, "be") && j + 2 == i &&
			 (TokIs(doc, i, "better") || TokIs(doc, i, "worse"))))
		{
			doc->toks[i].rules |= R_COUNTERFACT;
			return v * COUNTERFACTUAL;
		}
	}
	return v;
}

/*
 * True when word i is irrealis: after a desire or expectation ("I want a hug",
 * "hope it gets better"), a modal ("it might be good") or in a condition ("if
 * it is good").
 */
static bool
Irrealis(const SocialDoc *doc, int i)
{
	for (int j = i - 1; j >= 0 && j >= i - 8; j--)
	{
		if (ClauseBreak(doc, j))
			return TokIs(doc, j, "if") || TokIs(doc, j, "unless") || TokIs(doc, j, "whether");
		if ((TokClass(doc, j) & SC_DESIRE) && j >= i - 4)
			return true;
		/* "it should be fun", "might be good": a modal before be */
		if (((TokClass(doc, j) & SC_MODAL) || TokIs(doc, j, "may")) && TokIs(doc, j + 1, "be") &&
			j >= i - 4)
			return true;
	}
	return false;
}

/* The valence of sentiment token i after the rules of its clause */
double
SocialScoreToken(SocialDoc *doc, int i)
{
	SocialToken *t = &doc->toks[i];
	double		v;

	if (t->kind == TK_EMOTICON)
		return t->entry->valence;
	v = ContextValence(doc, i);
	if (v == 0)
		return 0;
	if ((t->flags & TF_CAPS) && doc->cap_diff)
	{
		v += (v > 0 ? C_INCR : -C_INCR);
		t->rules |= R_CAPS;
	}
	if (t->flags & TF_ELONG)
	{
		v += (v > 0 ? E_INCR : -E_INCR);
		t->rules |= R_ELONGATED;
	}
	v = ApplyBoosters(doc, i, v);
	if (WishIsCounterfactual(doc, i))
	{
		t->rules |= R_COUNTERFACT;
		return v * COUNTERFACTUAL;
	}
	v = ApplyNegation(doc, i, v);
	v = ApplyLeast(doc, i, v);
	v = ApplyCounterfactual(doc, i, v);
	if (InQuestion(doc, i) || Irrealis(doc, i))
	{
		t->rules |= R_IRREALIS;
		v *= IRREALIS;
	}
	return v;
}
