/*
 * Preloaded after libasan by test/sanitize.  AddressSanitizer initializes on the first malloc,
 * which in the Debian postgres binary happens inside libgpg-error's constructor while glibc holds
 * its gettext lock; the runtime's start-up then looks up the optional symbol swift_demangle, and
 * the failed lookup makes dlerror() take the same lock: the server hangs before main().  Defining
 * the symbol avoids the failed lookup (the runtime calls it only to demangle Swift names).
 */
#include <stddef.h>
#include <stdint.h>

char	   *swift_demangle(const char *mangled, size_t len, char *out, size_t *outlen, uint32_t flags);

/* No Swift here: demangle nothing */
char *
swift_demangle(const char *mangled, size_t len, char *out, size_t *outlen, uint32_t flags)
{
	return NULL;
}
