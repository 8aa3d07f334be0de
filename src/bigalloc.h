/*
 * bigalloc.h: large arrays filled once, on huge pages where the kernel allows
 */
#ifndef TWEETLDA_BIGALLOC_H
#define TWEETLDA_BIGALLOC_H

#include "postgres.h"

extern void *BigAlloc(MemoryContext cxt, Size bytes, bool zero);
extern void BigFree(void *p);
extern void *BigChunk(void *p);
extern void BigAdvise(void *p, Size bytes);
extern void *BigRealloc(MemoryContext cxt, void *p, Size used, Size bytes);

#endif
