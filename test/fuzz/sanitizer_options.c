/*
 * Compiled into tweetlda.so only by test/sanitize.  The sanitizer runtimes are loaded with
 * tweetlda.so (the server is not built with them), after PostgreSQL has overwritten the original
 * environment block with its process title, where the runtimes look for ASAN_OPTIONS and
 * UBSAN_OPTIONS: hand them the options through the hooks they call instead (libc's getenv
 * still works, PostgreSQL moved the environment).
 */
#include <stdlib.h>

const char *__asan_default_options(void);
const char *__ubsan_default_options(void);

/* The options of AddressSanitizer */
const char *
__asan_default_options(void)
{
	const char *o = getenv("TWEETLDA_ASAN_OPTIONS");

	return o ? o : "";
}

/* The options of UndefinedBehaviorSanitizer */
const char *
__ubsan_default_options(void)
{
	const char *o = getenv("TWEETLDA_UBSAN_OPTIONS");

	return o ? o : "";
}
