/*
 * social_lexicon.c
 *		Backend cache of the 'social' analyzer's lexicons.
 *
 * tweetlda.social_lexicon (token -> valence) and tweetlda.social_emoji
 * (emoji -> valence) are read with SPI on first use and merged with the
 * built-in word classes below into open-addressing hash tables that live in
 * their own memory context under TopMemoryContext.  A statement-level trigger
 * on each table (tweetlda.table_changed()) marks the cache stale in every
 * backend (tablecache.h); the next call reloads it, so an edit takes effect in
 * the next statement.  The tables are never read per row.
 */
#include "postgres.h"

#include "executor/spi.h"
#include "mb/pg_wchar.h"
#include "utils/builtins.h"
#include "utils/memutils.h"

#include "social_lexicon.h"
#include "tablecache.h"

#define B_INCR	0.293f			/* VADER's mean rating increase for a booster */
#define B_DECR	(-0.293f)

typedef struct BuiltinWord
{
	const char *word;
	uint16		cls;
	float		boost;
} BuiltinWord;

/*
 * Closed-class words.  Their roles are grammar, not data, so they are built in
 * (the valences of open-class words live in the tables).
 */
static const BuiltinWord builtin_words[] = {
	/* negators; every other word ending in n't is recognized by its suffix */
	{"not", SC_NEGATOR}, {"no", SC_NEGATOR}, {"never", SC_NEGATOR}, {"none", SC_NEGATOR},
	{"nobody", SC_NEGATOR}, {"nothing", SC_NEGATOR}, {"nowhere", SC_NEGATOR},
	{"neither", SC_NEGATOR}, {"nor", SC_NEGATOR}, {"cannot", SC_NEGATOR},
	{"without", SC_NEGATOR}, {"rarely", SC_NEGATOR}, {"seldom", SC_NEGATOR},
	{"hardly", SC_NEGATOR}, {"noone", SC_NEGATOR}, {"lack", SC_NEGATOR},
	{"lacks", SC_NEGATOR}, {"lacking", SC_NEGATOR}, {"lacked", SC_NEGATOR},
	{"aint", SC_NEGATOR}, {"dont", SC_NEGATOR}, {"cant", SC_NEGATOR}, {"wont", SC_NEGATOR},
	{"isnt", SC_NEGATOR}, {"arent", SC_NEGATOR}, {"wasnt", SC_NEGATOR},
	{"werent", SC_NEGATOR}, {"didnt", SC_NEGATOR}, {"doesnt", SC_NEGATOR},
	{"havent", SC_NEGATOR}, {"hasnt", SC_NEGATOR}, {"hadnt", SC_NEGATOR},
	{"couldnt", SC_NEGATOR}, {"shouldnt", SC_NEGATOR}, {"wouldnt", SC_NEGATOR},
	{"mustnt", SC_NEGATOR}, {"neednt", SC_NEGATOR}, {"mightnt", SC_NEGATOR},
	{"shant", SC_NEGATOR}, {"darent", SC_NEGATOR}, {"oughtnt", SC_NEGATOR},
	{"nope", 0}, {"nah", 0},
	/* boosters (degree adverbs, including slang and expletive intensifiers) */
	{"absolutely", SC_BOOSTER, B_INCR}, {"amazingly", SC_BOOSTER, B_INCR},
	{"awfully", SC_BOOSTER, B_INCR}, {"completely", SC_BOOSTER, B_INCR},
	{"considerably", SC_BOOSTER, B_INCR}, {"decidedly", SC_BOOSTER, B_INCR},
	{"deeply", SC_BOOSTER, B_INCR}, {"effing", SC_BOOSTER, B_INCR},
	{"enormously", SC_BOOSTER, B_INCR}, {"entirely", SC_BOOSTER, B_INCR},
	{"especially", SC_BOOSTER, B_INCR}, {"exceptionally", SC_BOOSTER, B_INCR},
	{"extremely", SC_BOOSTER, B_INCR}, {"fabulously", SC_BOOSTER, B_INCR},
	{"flipping", SC_BOOSTER, B_INCR}, {"flippin", SC_BOOSTER, B_INCR},
	{"freaking", SC_BOOSTER, B_INCR}, {"freakin", SC_BOOSTER, B_INCR},
	{"fricking", SC_BOOSTER, B_INCR}, {"frickin", SC_BOOSTER, B_INCR},
	{"frigging", SC_BOOSTER, B_INCR}, {"friggin", SC_BOOSTER, B_INCR},
	{"fully", SC_BOOSTER, B_INCR}, {"fucking", SC_BOOSTER, B_INCR},
	{"fuckin", SC_BOOSTER, B_INCR}, {"greatly", SC_BOOSTER, B_INCR},
	{"hella", SC_BOOSTER, B_INCR}, {"highly", SC_BOOSTER, B_INCR},
	{"hugely", SC_BOOSTER, B_INCR}, {"incredibly", SC_BOOSTER, B_INCR},
	{"insanely", SC_BOOSTER, B_INCR}, {"intensely", SC_BOOSTER, B_INCR},
	{"majorly", SC_BOOSTER, B_INCR}, {"more", SC_BOOSTER, B_INCR},
	{"most", SC_BOOSTER, B_INCR}, {"particularly", SC_BOOSTER, B_INCR},
	{"purely", SC_BOOSTER, B_INCR}, {"quite", SC_BOOSTER, B_INCR},
	{"really", SC_BOOSTER, B_INCR}, {"rly", SC_BOOSTER, B_INCR},
	{"realy", SC_BOOSTER, B_INCR}, {"remarkably", SC_BOOSTER, B_INCR},
	{"ridiculously", SC_BOOSTER, B_INCR}, {"seriously", SC_BOOSTER, B_INCR},
	{"so", SC_BOOSTER, B_INCR}, {"soo", SC_BOOSTER, B_INCR},
	{"substantially", SC_BOOSTER, B_INCR}, {"such", SC_BOOSTER, B_INCR},
	{"super", SC_BOOSTER, B_INCR}, {"thoroughly", SC_BOOSTER, B_INCR},
	{"too", SC_BOOSTER, B_INCR}, {"totally", SC_BOOSTER, B_INCR},
	{"tremendously", SC_BOOSTER, B_INCR}, {"truly", SC_BOOSTER, B_INCR},
	{"uber", SC_BOOSTER, B_INCR}, {"unbelievably", SC_BOOSTER, B_INCR},
	{"unusually", SC_BOOSTER, B_INCR}, {"utterly", SC_BOOSTER, B_INCR},
	{"very", SC_BOOSTER, B_INCR}, {"vry", SC_BOOSTER, B_INCR},
	{"damn", SC_BOOSTER, B_INCR}, {"bloody", SC_BOOSTER, B_INCR},
	{"terribly", SC_BOOSTER, B_INCR}, {"horribly", SC_BOOSTER, B_INCR},
	{"dreadfully", SC_BOOSTER, B_INCR},
	/* dampeners */
	{"almost", SC_BOOSTER, B_DECR}, {"barely", SC_BOOSTER, B_DECR},
	{"kinda", SC_BOOSTER, B_DECR}, {"kindof", SC_BOOSTER, B_DECR},
	{"kind-of", SC_BOOSTER, B_DECR}, {"sorta", SC_BOOSTER, B_DECR},
	{"sortof", SC_BOOSTER, B_DECR}, {"sort-of", SC_BOOSTER, B_DECR},
	{"less", SC_BOOSTER, B_DECR}, {"little", SC_BOOSTER, B_DECR},
	{"bit", SC_BOOSTER, B_DECR}, {"marginally", SC_BOOSTER, B_DECR},
	{"occasionally", SC_BOOSTER, B_DECR}, {"partly", SC_BOOSTER, B_DECR},
	{"scarcely", SC_BOOSTER, B_DECR}, {"slightly", SC_BOOSTER, B_DECR},
	{"somewhat", SC_BOOSTER, B_DECR}, {"fairly", SC_BOOSTER, B_DECR},
	{"rather", SC_BOOSTER, B_DECR}, {"pretty", SC_BOOSTER, B_DECR},
	/* contrast and concession */
	{"but", SC_CONTRAST}, {"however", SC_CONTRAST}, {"nevertheless", SC_CONTRAST},
	{"nonetheless", SC_CONTRAST}, {"although", SC_CONCESSIVE},
	{"though", SC_CONCESSIVE}, {"tho", SC_CONCESSIVE}, {"altho", SC_CONCESSIVE},
	{"despite", SC_CONCESSIVE}, {"albeit", SC_CONCESSIVE},
	/* words that start a new clause and so end a negation's scope */
	{"and", SC_SCOPE_END | SC_FUNCTION}, {"because", SC_SCOPE_END}, {"cause", SC_SCOPE_END},
	{"cuz", SC_SCOPE_END}, {"coz", SC_SCOPE_END}, {"bc", SC_SCOPE_END},
	{"since", SC_SCOPE_END}, {"when", SC_SCOPE_END | SC_FUNCTION},
	{"while", SC_SCOPE_END}, {"which", SC_SCOPE_END | SC_DETERMINER},
	{"who", SC_SCOPE_END | SC_FUNCTION}, {"how", SC_SCOPE_END | SC_FUNCTION},
	{"if", SC_SCOPE_END | SC_FUNCTION}, {"unless", SC_SCOPE_END}, {"until", SC_SCOPE_END},
	{"whereas", SC_SCOPE_END}, {"whether", SC_SCOPE_END},
	/* subjects and auxiliaries before a verb ("I like", "would like", "to like") */
	{"i", SC_PRONOUN | SC_FUNCTION}, {"you", SC_PRONOUN | SC_FUNCTION},
	{"we", SC_PRONOUN | SC_FUNCTION}, {"they", SC_PRONOUN | SC_FUNCTION},
	{"he", SC_PRONOUN | SC_FUNCTION}, {"she", SC_PRONOUN | SC_FUNCTION},
	{"u", SC_PRONOUN}, {"ya", SC_PRONOUN}, {"yall", SC_PRONOUN}, {"y'all", SC_PRONOUN},
	{"people", SC_PRONOUN | SC_FUNCTION}, {"i'd", SC_PRONOUN}, {"you'd", SC_PRONOUN},
	{"we'd", SC_PRONOUN}, {"they'd", SC_PRONOUN}, {"id", SC_PRONOUN},
	{"would", SC_PRONOUN | SC_MODAL}, {"will", SC_PRONOUN | SC_FUNCTION},
	{"i'll", SC_PRONOUN}, {"do", SC_PRONOUN | SC_FUNCTION}, {"did", SC_PRONOUN},
	{"does", SC_PRONOUN}, {"to", SC_PRONOUN | SC_FUNCTION}, {"gonna", SC_PRONOUN},
	{"may", SC_PRONOUN}, {"might", SC_PRONOUN | SC_MODAL}, {"also", 0}, {"just", SC_FUNCTION},
	/* counterfactual modals ("should have been great" was not great) */
	{"should", SC_MODAL}, {"could", SC_MODAL}, {"must", SC_MODAL},
	{"shoulda", SC_MODAL, 1}, {"coulda", SC_MODAL, 1}, {"woulda", SC_MODAL, 1},
	{"should've", SC_MODAL, 1}, {"could've", SC_MODAL, 1}, {"would've", SC_MODAL, 1},
	{"might've", SC_MODAL, 1}, {"supposed", SC_MODAL, 1},
	/* determiners: "what kind", "this kind" are the noun kind */
	{"this", SC_DETERMINER | SC_FUNCTION}, {"that", SC_DETERMINER | SC_FUNCTION},
	{"these", SC_DETERMINER}, {"those", SC_DETERMINER}, {"what", SC_DETERMINER | SC_FUNCTION},
	{"any", SC_DETERMINER}, {"some", SC_DETERMINER}, {"a", SC_DETERMINER | SC_FUNCTION},
	{"an", SC_DETERMINER | SC_FUNCTION}, {"the", SC_DETERMINER | SC_FUNCTION},
	{"every", SC_DETERMINER}, {"each", SC_DETERMINER}, {"one", SC_DETERMINER | SC_FUNCTION},
	{"same", SC_DETERMINER}, {"my", SC_DETERMINER | SC_FUNCTION},
	{"your", SC_DETERMINER | SC_FUNCTION}, {"his", SC_DETERMINER}, {"her", SC_DETERMINER},
	{"our", SC_DETERMINER | SC_FUNCTION}, {"their", SC_DETERMINER}, {"its", SC_DETERMINER},
	{"all", SC_DETERMINER | SC_FUNCTION}, {"other", SC_DETERMINER},
	{"another", SC_DETERMINER}, {"whatever", SC_DETERMINER},
	/* sarcasm hashtags */
	{"sarcasm", SC_SARCASM}, {"sarcastic", SC_SARCASM}, {"irony", SC_SARCASM},
	{"yeahright", SC_SARCASM},
	/* laughter */
	{"lol", SC_LAUGH}, {"lolz", SC_LAUGH}, {"lool", SC_LAUGH}, {"lmao", SC_LAUGH},
	{"lmfao", SC_LAUGH}, {"rofl", SC_LAUGH}, {"roflmao", SC_LAUGH}, {"haha", SC_LAUGH},
	{"hahaha", SC_LAUGH}, {"hehe", SC_LAUGH}, {"hihi", SC_LAUGH}, {"xd", SC_LAUGH},
	/* surprise interjections */
	{"wow", SC_SURPRISE}, {"whoa", SC_SURPRISE}, {"woah", SC_SURPRISE}, {"omg", SC_SURPRISE},
	{"omfg", SC_SURPRISE}, {"gosh", SC_SURPRISE}, {"wowza", SC_SURPRISE},
	/* desire and expectation: irrealis markers */
	{"want", SC_DESIRE}, {"wants", SC_DESIRE}, {"wanted", SC_DESIRE}, {"wanna", SC_DESIRE},
	{"need", SC_DESIRE}, {"needs", SC_DESIRE}, {"hope", SC_DESIRE}, {"hoping", SC_DESIRE},
	{"hopefully", SC_DESIRE}, {"expect", SC_DESIRE}, {"expected", SC_DESIRE},
	{"expecting", SC_DESIRE},
	/* frequent words of hashtags ("#epicfail", "#mondaymotivation") */
	{"is", SC_FUNCTION}, {"am", SC_FUNCTION}, {"are", SC_FUNCTION}, {"was", SC_FUNCTION},
	{"be", SC_FUNCTION}, {"me", SC_FUNCTION}, {"it", SC_FUNCTION}, {"of", SC_FUNCTION},
	{"in", SC_FUNCTION}, {"on", SC_FUNCTION}, {"at", SC_FUNCTION}, {"for", SC_FUNCTION},
	{"with", SC_FUNCTION}, {"or", SC_FUNCTION}, {"us", SC_FUNCTION}, {"day", SC_FUNCTION},
	{"today", SC_FUNCTION}, {"life", SC_FUNCTION}, {"time", SC_FUNCTION},
	{"get", SC_FUNCTION}, {"got", SC_FUNCTION}, {"go", SC_FUNCTION}, {"going", SC_FUNCTION},
	{"im", SC_FUNCTION}, {"now", SC_FUNCTION}, {"new", SC_FUNCTION}, {"world", SC_FUNCTION},
	{"much", SC_FUNCTION}, {"why", SC_FUNCTION}, {"team", SC_FUNCTION},
	{"fan", SC_FUNCTION}, {"fans", SC_FUNCTION}, {"song", SC_FUNCTION},
	{"music", SC_FUNCTION}, {"night", SC_FUNCTION}, {"morning", SC_FUNCTION},
	{"week", SC_FUNCTION}, {"weekend", SC_FUNCTION}, {"monday", SC_FUNCTION},
	{"tuesday", SC_FUNCTION}, {"wednesday", SC_FUNCTION}, {"thursday", SC_FUNCTION},
	{"friday", SC_FUNCTION}, {"saturday", SC_FUNCTION}, {"sunday", SC_FUNCTION},
	{"work", SC_FUNCTION}, {"school", SC_FUNCTION}, {"home", SC_FUNCTION},
	{"game", SC_FUNCTION}, {"year", SC_FUNCTION}, {"big", SC_FUNCTION},
	{"first", SC_FUNCTION}, {"last", SC_FUNCTION}, {"man", SC_FUNCTION},
	{"girl", SC_FUNCTION}, {"boy", SC_FUNCTION}, {"guy", SC_FUNCTION}, {"guys", SC_FUNCTION},
	{"family", SC_FUNCTION}, {"feel", SC_FUNCTION}, {"feeling", SC_FUNCTION},
	{"thing", SC_FUNCTION}, {"things", SC_FUNCTION}, {"way", SC_FUNCTION},
	{"out", SC_FUNCTION}, {"up", SC_FUNCTION}, {"down", SC_FUNCTION}, {"off", SC_FUNCTION},
	{"over", SC_FUNCTION}, {"again", SC_FUNCTION}, {"ever", SC_FUNCTION},
	{"always", SC_FUNCTION}, {"still", SC_FUNCTION}, {"make", SC_FUNCTION},
	{"made", SC_FUNCTION}, {"have", SC_FUNCTION}, {"has", SC_FUNCTION},
	{"had", SC_FUNCTION}, {"can", SC_FUNCTION}, {"epic", SC_FUNCTION},
	{"tweet", SC_FUNCTION}, {"kid", SC_FUNCTION}, {"kids", SC_FUNCTION},
	{"baby", SC_FUNCTION}, {"mom", SC_FUNCTION}, {"dad", SC_FUNCTION},
	{"birthday", SC_FUNCTION}, {"summer", SC_FUNCTION}, {"weather", SC_FUNCTION},
	{"phone", SC_FUNCTION}, {"news", SC_FUNCTION}, {"motivation", SC_FUNCTION},
	{"after", SC_FUNCTION}, {"before", SC_FUNCTION}, {"here", SC_FUNCTION},
	{"there", SC_FUNCTION}, {"back", SC_FUNCTION}, {"moment", SC_FUNCTION},
};

/* One open-addressing hash table (linear probing, power-of-two size) */
typedef struct SocialHash
{
	SocialEntry *slots;
	uint32		mask;
	int			count;
} SocialHash;

/* The cached lexicons of this backend */
typedef struct SocialCache
{
	MemoryContext cxt;
	SocialHash	words;
	SocialHash	emoji;
	uint8	   *emoji_start;	/* bitmap over code points < 0x40000 */
	int			max_emoji;		/* longest emoji, in bytes */
	int			max_emoticon;	/* longest emoticon, in bytes */
	uint8	   *emoticon_start; /* bitmap of the first two bytes of emoticons */
	int			max_phrase;		/* most words in a phrase */
} SocialCache;

#define EMOJI_START_LIMIT 0x40000

static SocialCache cache;
static void SocialLexiconLoad(void);

/* One cache over both tables: a change of either rebuilds it */
static TableCache social_tables = TABLE_CACHE(SocialLexiconLoad, "social_lexicon", "social_emoji");

/* FNV-1a hash of a byte string */
static inline uint32
SocialHashBytes(const char *s, int len)
{
	uint32		h = SOCIAL_HASH_INIT;

	for (int i = 0; i < len; i++)
		h = SocialHashStep(h, s[i]);
	return h;
}

/* Find the entry of key in a table, NULL when absent */
static inline SocialEntry *
SocialHashFind(const SocialHash *ht, const char *key, int len, uint32 h)
{
	uint32		i;

	if (ht->slots == NULL)
		return NULL;
	for (i = h & ht->mask;; i = (i + 1) & ht->mask)
	{
		SocialEntry *e = &ht->slots[i];

		if (e->key == NULL)
			return NULL;
		if (e->hash == h && e->len == len && memcmp(e->key, key, len) == 0)
			return e;
	}
}

/* Find or add the entry of key (copied into the cache context) */
static SocialEntry *
SocialHashEnter(SocialHash *ht, const char *key, int len)
{
	uint32		h = SocialHashBytes(key, len);
	SocialEntry *e = SocialHashFind(ht, key, len, h);
	uint32		i;

	if (e != NULL)
		return e;
	if ((uint32) (ht->count + 1) * 2 > ht->mask + 1)
		elog(ERROR, "social lexicon hash table is full");
	for (i = h & ht->mask; ht->slots[i].key != NULL; i = (i + 1) & ht->mask)
		;
	e = &ht->slots[i];
	e->key = pnstrdup(key, len);
	e->len = len;
	e->hash = h;
	ht->count++;
	return e;
}

/* Allocate an empty table for at least n entries, at most half full */
static void
SocialHashCreate(SocialHash *ht, int n)
{
	uint32		size = 64;

	while (size < (uint32) n * 2 + 2)
		size <<= 1;
	ht->slots = palloc0(sizeof(SocialEntry) * size);
	ht->mask = size - 1;
	ht->count = 0;
}

/* True when the token is an emoticon: it has a character that is not a letter */
static bool
IsEmoticonToken(const char *s, int len)
{
	for (int i = 0; i < len; i++)
		if (!SocialIsAlnum((unsigned char) s[i]) && s[i] != '\'' && s[i] != '-' && s[i] != ' ')
			return true;
	return false;
}

/* Add one row of tweetlda.social_lexicon */
static void
SocialAddWord(const char *token, double valence)
{
	int			len = strlen(token);
	SocialEntry *e;
	int			words = 1;

	if (len == 0 || len > SOCIAL_MAX_KEY)
		return;
	e = SocialHashEnter(&cache.words, token, len);
	e->has_valence = true;
	e->valence = (float) valence;
	for (int i = 0; i < len; i++)
		if (token[i] == ' ')
			words++;
	if (words > 1)
	{
		SocialEntry *head = SocialHashEnter(&cache.words, token, strcspn(token, " "));

		head->cls |= SC_PHRASE_HEAD;
		head->phrase_words = (uint8) Max(head->phrase_words, Min(words, PG_UINT8_MAX));
		cache.max_phrase = Max(cache.max_phrase, words);
	}
	else if (IsEmoticonToken(token, len))
	{
		uint32		pair = ((uint8) token[0] << 8) | (uint8) token[1];

		cache.max_emoticon = Max(cache.max_emoticon, len);
		cache.emoticon_start[pair >> 3] |= (uint8) (1 << (pair & 7));
	}
}

/* Decode the code point of a valid UTF-8 sequence */
static uint32
SocialDecodeFirst(const unsigned char *s, int len)
{
	if (s[0] < 0x80 || len < 2)
		return s[0];
	if (s[0] < 0xE0)
		return ((s[0] & 0x1F) << 6) | (s[1] & 0x3F);
	if (s[0] < 0xF0 || len < 4)
		return len < 3 ? 0 : ((s[0] & 0x0F) << 12) | ((s[1] & 0x3F) << 6) | (s[2] & 0x3F);
	return ((s[0] & 0x07) << 18) | ((s[1] & 0x3F) << 12) | ((s[2] & 0x3F) << 6) | (s[3] & 0x3F);
}

/* Add one row of tweetlda.social_emoji */
static void
SocialAddEmoji(const char *emoji, double valence)
{
	int			len = strlen(emoji);
	SocialEntry *e;
	uint32		cp;

	if (len == 0 || len > SOCIAL_MAX_KEY)
		return;
	e = SocialHashEnter(&cache.emoji, emoji, len);
	e->has_valence = true;
	e->valence = (float) valence;
	cache.max_emoji = Max(cache.max_emoji, len);
	cp = SocialDecodeFirst((const unsigned char *) emoji, len);
	if (cp < EMOJI_START_LIMIT)
		cache.emoji_start[cp >> 3] |= (uint8) (1 << (cp & 7));
}

/* Run a query returning (text, float8) rows and feed every row to add() */
static void
SocialLoadRows(const char *query, SocialHash *ht, int nextra,
			   void (*add) (const char *, double))
{
	uint64		n;

	if (SPI_execute(query, true, 0) != SPI_OK_SELECT)
		elog(ERROR, "could not read the social lexicon: %s", query);
	n = SPI_processed;
	if (n > PG_INT32_MAX / 4)
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("social lexicon is too large")));
	{
		MemoryContext old = MemoryContextSwitchTo(cache.cxt);

		SocialHashCreate(ht, (int) n * 2 + nextra);
		MemoryContextSwitchTo(old);
	}
	for (uint64 i = 0; i < n; i++)
	{
		HeapTuple	tup = SPI_tuptable->vals[i];
		TupleDesc	desc = SPI_tuptable->tupdesc;
		bool		isnull1,
					isnull2;
		Datum		d1 = SPI_getbinval(tup, desc, 1, &isnull1);
		Datum		d2 = SPI_getbinval(tup, desc, 2, &isnull2);
		MemoryContext old;
		char	   *s;

		if (isnull1 || isnull2)
			continue;
		s = TextDatumGetCString(d1);
		old = MemoryContextSwitchTo(cache.cxt);
		add(s, DatumGetFloat8(d2));
		MemoryContextSwitchTo(old);
		pfree(s);
	}
}

/* Add the built-in closed-class words to the word table */
static void
SocialAddBuiltins(void)
{
	MemoryContext old = MemoryContextSwitchTo(cache.cxt);

	for (int i = 0; i < lengthof(builtin_words); i++)
	{
		const BuiltinWord *b = &builtin_words[i];
		SocialEntry *e = SocialHashEnter(&cache.words, b->word, strlen(b->word));

		e->cls |= b->cls;
		if (b->cls & (SC_BOOSTER | SC_MODAL))
			e->boost = b->boost;
	}
	MemoryContextSwitchTo(old);
}

/* (Re)build the cache from the tables */
static void
SocialLexiconLoad(void)
{
	MemoryContext cxt;

	if (cache.cxt != NULL)
	{
		MemoryContextDelete(cache.cxt);
		memset(&cache, 0, sizeof(cache));
	}
	cxt = AllocSetContextCreate(TopMemoryContext, "tweetlda social lexicon",
								ALLOCSET_DEFAULT_SIZES);
	cache.cxt = cxt;
	cache.emoji_start = MemoryContextAllocZero(cxt, EMOJI_START_LIMIT / 8);
	cache.emoticon_start = MemoryContextAllocZero(cxt, 65536 / 8);
	if (SPI_connect() != SPI_OK_CONNECT)
		elog(ERROR, "SPI_connect failed");
	SocialLoadRows("SELECT token, valence FROM tweetlda.social_lexicon",
				   &cache.words, lengthof(builtin_words), SocialAddWord);
	SocialLoadRows("SELECT emoji, valence FROM tweetlda.social_emoji",
				   &cache.emoji, 0, SocialAddEmoji);
	SPI_finish();
	SocialAddBuiltins();
}

uint8		SocialCtype[256];
static bool ctype_ready = false;

/* Read the classes of every byte under the backend's LC_CTYPE (fixed for its database) */
static void
SocialCtypeInit(void)
{
	for (int c = 0; c < 256; c++)
		SocialCtype[c] = (isalnum(c) ? SCT_ALNUM : 0) | (isalpha(c) ? SCT_ALPHA : 0) |
			(isdigit(c) ? SCT_DIGIT : 0) | (isupper(c) ? SCT_UPPER : 0) |
			(islower(c) ? SCT_LOWER : 0);
	ctype_ready = true;
}

/* Load the lexicons when they are missing or their tables changed (tablecache.h) */
void
SocialLexiconEnsureLoaded(void)
{
	if (!ctype_ready)
		SocialCtypeInit();
	TableCacheGet(&social_tables);
}

/* Look up a normalized word, emoticon or phrase */
const SocialEntry *
SocialLookupWord(const char *key, int len)
{
	if (len <= 0 || len > SOCIAL_MAX_KEY)
		return NULL;
	return SocialHashFind(&cache.words, key, len, SocialHashBytes(key, len));
}

/* Look up a key whose hash the caller computed incrementally */
const SocialEntry *
SocialLookupWordHashed(const char *key, int len, uint32 hash)
{
	if (len <= 0 || len > SOCIAL_MAX_KEY)
		return NULL;
	return SocialHashFind(&cache.words, key, len, hash);
}

/*
 * Longest emoji at s: try every code point boundary from the longest down.  The
 * hash of each prefix is computed in the one forward pass over at most
 * max_emoji bytes, so the work per position is linear in max_emoji.
 */
const SocialEntry *
SocialLookupEmoji(const char *s, int len, int *matched)
{
	int			ends[SOCIAL_MAX_KEY + 1];
	uint32		hashes[SOCIAL_MAX_KEY + 1];
	uint32		h = SOCIAL_HASH_INIT;
	int			n = 0;
	int			i = 0;
	int			limit = Min(len, cache.max_emoji);

	while (i < limit)
	{
		int			l = pg_utf_mblen((const unsigned char *) s + i);

		if (i + l > limit)
			break;
		for (int k = i; k < i + l; k++)
			h = SocialHashStep(h, s[k]);
		i += l;
		ends[n] = i;
		hashes[n++] = h;
	}
	while (n-- > 0)
	{
		SocialEntry *e = SocialHashFind(&cache.emoji, s, ends[n], hashes[n]);

		if (e != NULL)
		{
			*matched = ends[n];
			return e;
		}
	}
	return NULL;
}

/* True when bytes c1 c2 (lowercased) start some emoticon of the lexicon */
bool
SocialEmoticonStart(unsigned char c1, unsigned char c2)
{
	uint32		pair = (c1 << 8) | c2;

	return (cache.emoticon_start[pair >> 3] & (1 << (pair & 7))) != 0;
}

/* True when code point cp starts some emoji of the emoji table */
bool
SocialEmojiStart(uint32 cp)
{
	return cp < EMOJI_START_LIMIT &&
		(cache.emoji_start[cp >> 3] & (1 << (cp & 7))) != 0;
}

/* Longest emoticon of the lexicon, in bytes */
int
SocialMaxEmoticon(void)
{
	return cache.max_emoticon;
}

/* Most words in a phrase of the lexicon */
int
SocialMaxPhraseWords(void)
{
	return cache.max_phrase;
}

/* Register the table caches once per backend */
void
SocialLexiconInit(void)
{
	TableCacheRegister(&social_tables);
}
