/*
 * social_explain.c
 *		tweetlda.social_explain(doc): the tokens of the 'social' analyzer, with
 *		what each contributes and the names of the rules applied to it.  One
 *		row per token; the rows of a long text go to a tuplestore (which spills
 *		to disk beyond work_mem) and each row's datums are freed at once.
 */
#include "postgres.h"

#include "fmgr.h"
#include "funcapi.h"
#include "lib/stringinfo.h"
#include "utils/builtins.h"
#include "utils/memutils.h"
#include "utils/tuplestore.h"

#include "social_doc.h"
#include "text_interrupts.h"
#include "tweetlda.h"

/* The names of the rules applied to a token, comma-separated */
static void
RuleNames(uint32 rules, StringInfo buf)
{
	static const char *const names[] = {"negated", "boosted", "dampened", "caps",
		"elongated", "before but", "after but", "concession", "counterfactual",
		"laughter softened", "modifier", "phrase", "least", "never so", "not a verb",
	"irrealis", "surprise"};

	for (int b = 0; b < lengthof(names); b++)
		if (rules & (1 << b))
			appendStringInfo(buf, "%s%s", buf->len > 0 ? ", " : "", names[b]);
}

/* Add the row of token i (shown at position pos) to the result */
static void
ExplainRow(ReturnSetInfo *rsinfo, SocialDoc *doc, int i, int pos, StringInfo rules)
{
	static const char *const kinds[] = {"", "word", "emoticon", "punctuation", ""};
	SocialToken *t = &doc->toks[i];
	Datum		values[5];
	bool		nulls[5] = {false, false, false, false, false};

	resetStringInfo(rules);
	RuleNames(t->rules, rules);
	values[0] = Int32GetDatum(pos);
	values[1] = PointerGetDatum(cstring_to_text_with_len(doc->nb + t->off, t->len));
	values[2] = CStringGetTextDatum((t->flags & TF_EMOJI) ? "emoji" :
									(t->flags & TF_HASHTAG) ? "hashtag" : kinds[t->kind]);
	values[3] = Float8GetDatum((double) t->valence * t->weight);
	values[4] = CStringGetTextDatum(rules->data);
	nulls[3] = !HasValence(doc, i) && t->valence == 0;
	tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
}

PG_FUNCTION_INFO_V1(social_explain);

/* tweetlda.social_explain(doc): the tokens of the 'social' analyzer and what each contributes */
Datum
social_explain(PG_FUNCTION_ARGS)
{
	text	   *doc_text = PG_GETARG_TEXT_PP(0);
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	SocialDoc	doc;
	StringInfoData rules;
	MemoryContext rowcxt;
	int			pos = 0;
	int64		next_check = TEXT_INTERRUPT_INTERVAL;

	CheckDatabaseEncoding();
	InitMaterializedSRF(fcinfo, 0);
	if (VARSIZE_ANY_EXHDR(doc_text) == 0)
		PG_RETURN_VOID();
	SocialAnalyzeDoc(&doc, VARDATA_ANY(doc_text), VARSIZE_ANY_EXHDR(doc_text));
	initStringInfo(&rules);
	rowcxt = AllocSetContextCreate(CurrentMemoryContext, "social_explain row",
								   ALLOCSET_SMALL_SIZES);
	for (int i = 0; i < doc.ntoks; i++)
	{
		MemoryContext old;

		TextCheckInterrupts(i, &next_check);
		if (doc.toks[i].kind == TK_ABSORBED)
			continue;
		old = MemoryContextSwitchTo(rowcxt);
		ExplainRow(rsinfo, &doc, i, ++pos, &rules);
		MemoryContextSwitchTo(old);
		MemoryContextReset(rowcxt);
	}
	MemoryContextDelete(rowcxt);
	pfree(rules.data);
	SocialFreeDoc(&doc);
	PG_RETURN_VOID();
}
