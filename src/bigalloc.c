/*
 * bigalloc.c: large arrays filled once, on huge pages where the kernel allows.
 *
 * The first touch of fresh memory costs a page fault per 4 kB page, a
 * noticeable share of training and vocabulary building where faults are slow
 * (virtual machines: ~12 us a page).  An allocation of at least an eighth of
 * a huge page (256 kB: one huge page costs less to clear than 64 faults) is
 * aligned to huge pages, rounded up to whole ones and asked for them
 * (madvise; transparent huge pages in "madvise" mode), which makes one fault
 * per 2 MB; the address space beyond it is never touched.  Contents never
 * depend on it.  The raw chunk's address is kept just before the result, so BigFree
 * can give it back.
 */
#include "postgres.h"

#include <sys/mman.h>

#include "utils/memutils.h"

#include "bigalloc.h"

#define HUGE_PAGE_BYTES	((Size) 2 * 1024 * 1024)
#define BIG_HEADER		MAXALIGN(sizeof(void *))
#define BIG_MIN_BYTES	(HUGE_PAGE_BYTES / 8)	/* smaller ones take 4 kB pages */

/* bytes of memory in cxt (huge allowed; zeroed if asked); free with BigFree or with cxt */
void *
BigAlloc(MemoryContext cxt, Size bytes, bool zero)
{
	char	   *raw;
	char	   *p;

#ifdef MADV_HUGEPAGE
	if (bytes >= BIG_MIN_BYTES)
	{
		Size		span = TYPEALIGN(HUGE_PAGE_BYTES, bytes);

		raw = MemoryContextAllocHuge(cxt, span + HUGE_PAGE_BYTES + BIG_HEADER);
		p = (char *) TYPEALIGN(HUGE_PAGE_BYTES, raw + BIG_HEADER);
		(void) madvise(p, span, MADV_HUGEPAGE);
	}
	else
#endif
	{
		raw = MemoryContextAllocHuge(cxt, bytes + BIG_HEADER);
		p = raw + BIG_HEADER;
	}
	((void **) p)[-1] = raw;
	if (zero)
		memset(p, 0, bytes);
	return p;
}

/* Free memory from BigAlloc */
void
BigFree(void *p)
{
	pfree(BigChunk(p));
}

/* The chunk behind memory from BigAlloc (what pfree takes) */
void *
BigChunk(void *p)
{
	return ((void **) p)[-1];
}

/* Move the first used bytes of p (from BigAlloc, or NULL) to new room of bytes in cxt */
void *
BigRealloc(MemoryContext cxt, void *p, Size used, Size bytes)
{
	void	   *q = BigAlloc(cxt, bytes, false);

	Assert(used <= bytes);
	if (p)
	{
		memcpy(q, p, used);
		BigFree(p);
	}
	return q;
}

/* Ask for huge pages for the whole huge pages inside bytes at p (any memory), e.g. a buffer filled once */
void
BigAdvise(void *p, Size bytes)
{
#ifdef MADV_HUGEPAGE
	char	   *start = (char *) TYPEALIGN(HUGE_PAGE_BYTES, p);
	char	   *end = (char *) TYPEALIGN_DOWN(HUGE_PAGE_BYTES, (char *) p + bytes);

	if (end > start)
		(void) madvise(start, end - start, MADV_HUGEPAGE);
#endif
}
