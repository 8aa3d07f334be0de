/*
 * social_fuzz.c
 *		Memory-safety fuzzing of the social analyzer (src/sentiment_social.c and the
 *		stages it runs, src/social_*.c but the lexicon and social_explain) outside
 *		the server, under AddressSanitizer and UBSan: random texts of exact-size buffers
 *		mixing tweet features with arbitrary bytes (malformed, truncated, overlong and
 *		surrogate UTF-8).  The backend functions it needs are stubbed; the lexicon is
 *		read from the data/ TSV files into a simple hash with a few built-in word classes.
 *		Build and run with test/tools/social-fuzz.
 */
#include "postgres.h"
#include "fmgr.h"
#include "funcapi.h"
#include "lib/stringinfo.h"
#include "utils/builtins.h"
#include "utils/memutils.h"
#include "sentiment.h"
#include "social_lexicon.h"
#include <setjmp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>

/* allocation */
MemoryContext CurrentMemoryContext = NULL;
void *palloc(Size s) { return malloc(s ? s : 1); }
void *palloc0(Size s) { return calloc(1, s ? s : 1); }
void *repalloc(void *p, Size s) { return realloc(p, s); }
void pfree(void *p) { free(p); }
void *MemoryContextAllocHuge(MemoryContext c, Size s) { return malloc(s ? s : 1); }
char *pnstrdup(const char *in, Size len) { char *o = malloc(len + 1); memcpy(o, in, len); o[len] = 0; return o; }
/* errors: longjmp back to the driver */
sigjmp_buf *PG_exception_stack = NULL;
static jmp_buf errjmp;
static int in_error = 0;
bool errstart(int elevel, const char *domain) { in_error = elevel >= ERROR; return true; }
bool errstart_cold(int elevel, const char *domain) { return errstart(elevel, domain); }
void errfinish(const char *f, int l, const char *fn) { if (in_error) { fprintf(stderr, "ERROR at %s:%d\n", f, l); longjmp(errjmp, 1); } }
int errcode(int c) { return 0; }
int errmsg(const char *fmt, ...) { return 0; }
int errmsg_internal(const char *fmt, ...) { return 0; }
int errdetail(const char *fmt, ...) { return 0; }
int errhint(const char *fmt, ...) { return 0; }
void elog_start(const char *f, int l, const char *fn) {}
void elog_finish(int e, const char *fmt, ...) {}
/* interrupts (text_interrupts.h): never pending here */
volatile sig_atomic_t InterruptPending = false;
void ProcessInterrupts(void) {}
/* unused by SocialAnalyze (explain only) */
void InitMaterializedSRF(FunctionCallInfo f, bits32 fl) { abort(); }
void tuplestore_putvalues(Tuplestorestate *s, TupleDesc d, Datum *v, bool *n) { abort(); }
text *cstring_to_text_with_len(const char *s, int len) { abort(); }
text *cstring_to_text(const char *s) { abort(); }
void initStringInfo(StringInfo s) { abort(); }
void appendStringInfo(StringInfo s, const char *fmt, ...) { abort(); }
int GetDatabaseEncoding(void) { return 6; }
const char *GetDatabaseEncodingName(void) { return "UTF8"; }

/* lexicon: a tiny hash from the TSV files */
#define HSIZE (1 << 16)
static SocialEntry words[HSIZE], emoji[HSIZE];
static int max_emo = 0, max_emoticon = 0, max_phrase = 1;
static uint32 hb(const char *s, int n) { uint32 h = SOCIAL_HASH_INIT; for (int i = 0; i < n; i++) h = SocialHashStep(h, s[i]); return h; }
static SocialEntry *find(SocialEntry *t, const char *k, int n, uint32 h, bool add)
{
	for (uint32 i = h & (HSIZE - 1);; i = (i + 1) & (HSIZE - 1)) {
		if (t[i].key == NULL) { if (!add) return NULL; t[i].key = pnstrdup(k, n); t[i].len = n; t[i].hash = h; return &t[i]; }
		if (t[i].hash == h && t[i].len == n && memcmp(t[i].key, k, n) == 0) return &t[i];
	}
}
static void load(const char *path, int cols, SocialEntry *t)
{
	FILE *f = fopen(path, "r"); char line[4096];
	while (fgets(line, sizeof line, f)) {
		char *tab, *v; int n;
		if (line[0] == '#') continue;
		tab = strchr(line, '\t'); if (!tab) continue; n = tab - line;
		v = tab + 1; if (cols == 4) v = strchr(v, '\t') + 1;
		SocialEntry *e = find(t, line, n, hb(line, n), true); e->has_valence = true; e->valence = atof(v);
		if (t == emoji) max_emo = Max(max_emo, n);
		else if (memchr(line, ' ', n)) { SocialEntry *h = find(t, line, strcspn(line, " "), hb(line, strcspn(line, " ")), true); h->cls |= SC_PHRASE_HEAD; max_phrase = 3; }
		else { bool sym = false; for (int i = 0; i < n; i++) if (!isalnum((unsigned char) line[i]) && line[i] != '\'' && line[i] != '-') sym = true; if (sym) max_emoticon = Max(max_emoticon, n); }
	}
	fclose(f);
}
static const struct { const char *w; uint16 c; float b; } classes[] = {
	{"not", SC_NEGATOR}, {"no", SC_NEGATOR}, {"never", SC_NEGATOR}, {"very", SC_BOOSTER, 0.293f},
	{"so", SC_BOOSTER, 0.293f}, {"kinda", SC_BOOSTER, -0.293f}, {"but", SC_CONTRAST}, {"although", SC_CONCESSIVE},
	{"and", SC_SCOPE_END | SC_FUNCTION}, {"i", SC_PRONOUN | SC_FUNCTION}, {"should", SC_MODAL}, {"shoulda", SC_MODAL, 1},
	{"this", SC_DETERMINER | SC_FUNCTION}, {"sarcasm", SC_SARCASM}, {"lol", SC_LAUGH}, {"wow", SC_SURPRISE},
	{"want", SC_DESIRE}, {"if", SC_SCOPE_END}, {"day", SC_FUNCTION}, {"epic", SC_FUNCTION}, {"kind", 0}, {"like", 0}};
void SocialLexiconEnsureLoaded(void)
{
	static bool done = false;
	if (done) return;
	done = true;
	load(DATA_DIR "/vader_lexicon.tsv", 3, words);
	load(DATA_DIR "/social_extra.tsv", 3, words);
	load(DATA_DIR "/vader_emoji.tsv", 4, emoji);
	for (int i = 0; i < lengthof(classes); i++) { SocialEntry *e = find(words, classes[i].w, strlen(classes[i].w), hb(classes[i].w, strlen(classes[i].w)), true); e->cls |= classes[i].c; e->boost = classes[i].b; }
}
const SocialEntry *SocialLookupWord(const char *k, int n) { if (n <= 0 || n > SOCIAL_MAX_KEY) return NULL; return find(words, k, n, hb(k, n), false); }
const SocialEntry *SocialLookupWordHashed(const char *k, int n, uint32 h) { if (n <= 0 || n > SOCIAL_MAX_KEY) return NULL; return find(words, k, n, h, false); }
const SocialEntry *SocialLookupEmoji(const char *s, int len, int *m)
{
	for (int l = Min(len, max_emo); l >= 1; l--) { SocialEntry *e = find(emoji, s, l, hb(s, l), false); if (e) { *m = l; return e; } }
	return NULL;
}
bool SocialEmojiStart(uint32 cp) { return cp >= 0x80; }
bool SocialEmoticonStart(unsigned char a, unsigned char b) { return true; }
int SocialMaxEmoticon(void) { return max_emoticon; }
int SocialMaxPhraseWords(void) { return max_phrase; }

/* driver: each input file is one text; also random fuzz */
int main(int argc, char **argv)
{
	SentimentScore sc;
	srand(12345);
	for (int iter = 0; iter < atoi(argv[1]); iter++) {
		int len = rand() % (argc > 2 ? atoi(argv[2]) : 300);
		char *buf = malloc(len ? len : 1);   /* exact size: ASAN catches reads past the end */
		static const char *pieces[] = {"not ", "no ", "but ", "love", "hate", "sooo", "GOOD", "#fail", "@bob", "http://x.co/a ", "&lt;3", "&amp", ":-)", "xD", "never ", "least ", "should ", "have ", "been ", "wish ", "i ", "like ", "kind ", "of ", "lol ", "\xF0\x9F\x98\x82", "\xF0\x9F\x91\x8D\xF0\x9F\x8F\xBD", "\xE2\x9D\xA4\xEF\xB8\x8F", "don\xE2\x80\x99t ", "isn't ", "!!!", "??", "(", ")", ":", "#NotGood", "#ThankYouNHS", "no.1", "\xCC\x81", "\xED\xA0\x80", "\xF4\x90\x80\x80", "\xC0\xAF", "\xE2\x82", "\xF0\x9F", "wow ", "want ", "if ", "kinda ", "although ", "very "};
		for (int i = 0; i < len;) {
			if (rand() % 3 == 0) { buf[i++] = (char) (rand() % 256); continue; }
			const char *p = pieces[rand() % lengthof(pieces)]; int pl = strlen(p);
			for (int k = 0; k < pl && i < len; k++) buf[i++] = p[k];
		}
		if (setjmp(errjmp) == 0) {
			SocialAnalyze(buf, len, &sc);
			if (!(sc.polarity >= -1 && sc.polarity <= 1 && sc.subjectivity >= 0 && sc.subjectivity <= 1)) { printf("out of range\n"); return 1; }
		}
		free(buf);
	}
	printf("ok\n");
	return 0;
}
struct varlena *pg_detoast_datum_packed(struct varlena *d) { abort(); }
