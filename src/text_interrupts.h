/*
 * text_interrupts.h
 *		Interrupt checks in the loops of the text functions over their input.
 *
 * Every text function (tokenizer, analyzers) does a bounded amount of work per
 * input byte, so checking for interrupts every TEXT_INTERRUPT_INTERVAL bytes
 * or tokens lets statement_timeout, pg_cancel_backend() and
 * pg_terminate_backend() act within microseconds, at no measurable cost.
 */
#ifndef TEXT_INTERRUPTS_H
#define TEXT_INTERRUPTS_H

#include "miscadmin.h"

#define TEXT_INTERRUPT_INTERVAL 8192

/* CHECK_FOR_INTERRUPTS() once pos (which never decreases) reaches *next; then move *next on */
static inline void
TextCheckInterrupts(int64 pos, int64 *next)
{
	if (unlikely(pos >= *next))
	{
		CHECK_FOR_INTERRUPTS();
		*next = pos + TEXT_INTERRUPT_INTERVAL;
	}
}

#endif							/* TEXT_INTERRUPTS_H */
