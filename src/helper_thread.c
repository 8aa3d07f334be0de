/*
 * helper_thread.c
 *		A second thread for pure computation inside a backend (helper_thread.h).
 *
 * Signals stay with the backend's main thread: the helper is created with all
 * of them blocked, so that PostgreSQL's handlers (which set latches and
 * interrupt flags of the process) never run on its stack.
 */
#include "postgres.h"

#include <signal.h>

#include "helper_thread.h"

/* Run fn(arg) in a new thread with every signal blocked; false if it could not start */
bool
HelperThreadStart(pthread_t *th, void *(*fn) (void *), void *arg)
{
	sigset_t	all,
				old;
	int			rc;

	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	rc = pthread_create(th, NULL, fn, arg);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	return rc == 0;
}
