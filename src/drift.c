/*
 * drift.c
 *		The text figures of a drift check (doc/lifecycle.md): the aggregate
 *		tweetlda.vocab_coverage(model, doc, lang), which tokenizes tweets with
 *		the model's text configuration and counts the tokens the model's
 *		vocabulary does not know (out-of-vocabulary rate) and the tweets with
 *		no known word.  tweetlda.drift() runs it on a sample of the recent
 *		window and, at training, on the held-out slice (the baseline).
 *
 * Counting is linear in the text (the tokenizer is), keeps no per-document
 * state, and gives the same result whatever the row order.  Tweets of a
 * language the model's configuration excludes are counted apart (skipped):
 * they are neither known nor unknown words.
 */
#include "postgres.h"

#include "fmgr.h"
#include "utils/builtins.h"
#include "utils/jsonb.h"
#include "utils/memutils.h"

#include "lda_model.h"
#include "textconf.h"
#include "tweetlda.h"
#include "vocab.h"

typedef struct CoverageState
{
	LdaModel   *model;			/* private copy: the tokenizer and index point into it */
	Tokenizer  *tok;
	VocabIndex *index;
	int64		documents;		/* tweets tokenized (not skipped) */
	int64		skipped;		/* tweets of a language the model excludes */
	int64		tokens;			/* tokens of the tokenized tweets */
	int64		known;			/* of them, terms of the vocabulary */
	int64		no_word;		/* tweets without any known term */
	int64		doc_known;		/* known tokens of the current tweet */
} CoverageState;

/* Token sink: count the token and whether the vocabulary knows it */
static void
CoverageToken(void *arg, const char *tok, int len)
{
	CoverageState *st = (CoverageState *) arg;

	st->tokens++;
	if (VocabIndexLookup(st->index, tok, len) >= 0)
	{
		st->known++;
		st->doc_known++;
	}
}

/* A new state for model m in cxt: a copy of the model, its tokenizer and vocabulary index */
static CoverageState *
NewCoverageState(const LdaModel *m, MemoryContext cxt)
{
	MemoryContext old = MemoryContextSwitchTo(cxt);
	CoverageState *st = palloc0(sizeof(CoverageState));

	st->model = palloc(VARSIZE(m));
	memcpy(st->model, m, VARSIZE(m));
	st->tok = TokenizerCreate(TextConfigDeserialize(LDA_TEXTCONF(st->model),
													st->model->textconf_len));
	st->index = VocabIndexCreate(LDA_VOCAB(st->model));
	MemoryContextSwitchTo(old);
	return st;
}

PG_FUNCTION_INFO_V1(vocab_coverage_transfn);
/* vocab_coverage(model, doc, lang) transition: count one tweet (NULL tweets are skipped) */
Datum
vocab_coverage_transfn(PG_FUNCTION_ARGS)
{
	MemoryContext aggcxt = AggregateContext(fcinfo, "vocab_coverage_transfn");
	CoverageState *st = PG_ARGISNULL(0) ? NULL : (CoverageState *) PG_GETARG_POINTER(0);
	text	   *doc;
	text	   *lang;

	if (PG_ARGISNULL(1))
		ereport(ERROR,
				(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
				 errmsg("the model of tweetlda.vocab_coverage() must not be NULL")));
	if (st == NULL)
	{
		LdaModel   *m = PG_GETARG_LDA_MODEL_P(1);

		LdaModelCheck(m, VARSIZE(m));
		st = NewCoverageState(m, aggcxt);
	}
	if (PG_ARGISNULL(2))
		PG_RETURN_POINTER(st);
	doc = PG_GETARG_TEXT_PP(2);
	lang = PG_ARGISNULL(3) ? NULL : PG_GETARG_TEXT_PP(3);
	st->doc_known = 0;
	if (TokenizeTweet(st->tok, VARDATA_ANY(doc), VARSIZE_ANY_EXHDR(doc),
					  lang ? VARDATA_ANY(lang) : NULL, lang ? VARSIZE_ANY_EXHDR(lang) : 0,
					  CoverageToken, st) == TOKENIZE_SKIPPED)
	{
		st->skipped++;
		PG_RETURN_POINTER(st);
	}
	st->documents++;
	if (st->doc_known == 0)
		st->no_word++;
	PG_RETURN_POINTER(st);
}

/* Append "key": share (null when the denominator is 0) */
static void
JsonShare(StringInfo buf, const char *key, int64 num, int64 den)
{
	if (den > 0)
		appendStringInfo(buf, ", \"%s\": %.17g", key, (double) num / (double) den);
	else
		appendStringInfo(buf, ", \"%s\": null", key);
}

PG_FUNCTION_INFO_V1(vocab_coverage_finalfn);
/* vocab_coverage final function: the counts and rates as jsonb (NULL without any row) */
Datum
vocab_coverage_finalfn(PG_FUNCTION_ARGS)
{
	CoverageState *st = PG_ARGISNULL(0) ? NULL : (CoverageState *) PG_GETARG_POINTER(0);
	StringInfoData buf;

	if (st == NULL)
		PG_RETURN_NULL();
	initStringInfo(&buf);
	appendStringInfo(&buf, "{\"documents\": " INT64_FORMAT ", \"skipped\": " INT64_FORMAT
					 ", \"tokens\": " INT64_FORMAT ", \"oov_tokens\": " INT64_FORMAT
					 ", \"no_word_documents\": " INT64_FORMAT,
					 st->documents, st->skipped, st->tokens, st->tokens - st->known, st->no_word);
	JsonShare(&buf, "oov_rate", st->tokens - st->known, st->tokens);
	JsonShare(&buf, "no_word_share", st->no_word, st->documents);
	appendStringInfoChar(&buf, '}');
	PG_RETURN_DATUM(DirectFunctionCall1(jsonb_in, CStringGetDatum(buf.data)));
}
