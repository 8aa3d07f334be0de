/*
 * Preloaded by test/sanitize right after libasan (before libubsan), into every process the tests
 * start, for two reasons:
 *
 * - AddressSanitizer initializes on the first malloc, which in the Debian postgres binary happens
 *   inside libgpg-error's constructor while glibc holds its gettext lock; the runtime's start-up
 *   then looks up the optional symbol swift_demangle, and the failed lookup makes dlerror() take
 *   the same lock: the server hangs before main().  Defining the symbol avoids the failed lookup
 *   (the runtime calls it only to demangle Swift names).
 * - UndefinedBehaviorSanitizer reads UBSAN_OPTIONS on its first report, from the original
 *   environment block, which PostgreSQL has overwritten with its process title by then.  Its
 *   hook __ubsan_default_options, found here before libubsan's own, reads the variable with
 *   getenv() instead (PostgreSQL keeps a copy of the environment for libc).
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

char	   *swift_demangle(const char *mangled, size_t len, char *out, size_t *outlen, uint32_t flags);
const char *__ubsan_default_options(void);

/* No Swift here: demangle nothing */
char *
swift_demangle(const char *mangled, size_t len, char *out, size_t *outlen, uint32_t flags)
{
	return NULL;
}

/* The options of UndefinedBehaviorSanitizer, from the environment as libc sees it */
const char *
__ubsan_default_options(void)
{
	const char *o = getenv("UBSAN_OPTIONS");

	return o ? o : "";
}
