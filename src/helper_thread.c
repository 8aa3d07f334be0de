/*
 * helper_thread.c
 *		A second thread for pure computation inside a backend (helper_thread.h).
 *
 * Signals stay with the backend's main thread: the helper is created with all
 * of them blocked, so that PostgreSQL's handlers (which set latches and
 * interrupt flags of the process) never run on its stack.  A HelperWorker
 * keeps one such thread for many jobs (a mutex and a condition variable hand
 * them over).
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

struct HelperWorker
{
	pthread_t	thread;
	pthread_mutex_t lock;
	pthread_cond_t cond;
	void		(*fn) (void *); /* the job; NULL when idle */
	void	   *arg;
	bool		stop;
};

/* pthread entry point of a worker: run jobs until told to stop */
static void *
WorkerLoop(void *arg)
{
	HelperWorker *w = (HelperWorker *) arg;

	pthread_mutex_lock(&w->lock);
	for (;;)
	{
		while (w->fn == NULL && !w->stop)
			pthread_cond_wait(&w->cond, &w->lock);
		if (w->fn == NULL)
			break;
		pthread_mutex_unlock(&w->lock);
		w->fn(w->arg);
		pthread_mutex_lock(&w->lock);
		w->fn = NULL;
		pthread_cond_broadcast(&w->cond);
	}
	pthread_mutex_unlock(&w->lock);
	return NULL;
}

/* Start a worker in CurrentMemoryContext; NULL if no thread could start */
HelperWorker *
HelperWorkerStart(void)
{
	HelperWorker *w = palloc0(sizeof(HelperWorker));

	pthread_mutex_init(&w->lock, NULL);
	pthread_cond_init(&w->cond, NULL);
	if (!HelperThreadStart(&w->thread, WorkerLoop, w))
	{
		pthread_cond_destroy(&w->cond);
		pthread_mutex_destroy(&w->lock);
		pfree(w);
		return NULL;
	}
	return w;
}

/* Run fn(arg) in the worker (the previous job must be over) */
void
HelperWorkerRun(HelperWorker *w, void (*fn) (void *), void *arg)
{
	pthread_mutex_lock(&w->lock);
	Assert(w->fn == NULL);
	w->arg = arg;
	w->fn = fn;
	pthread_cond_broadcast(&w->cond);
	pthread_mutex_unlock(&w->lock);
}

/* Wait until the worker's current job (if any) is over */
void
HelperWorkerWait(HelperWorker *w)
{
	pthread_mutex_lock(&w->lock);
	while (w->fn != NULL)
		pthread_cond_wait(&w->cond, &w->lock);
	pthread_mutex_unlock(&w->lock);
}

/* Wait for the current job, end the thread and free the worker (NULL: no-op) */
void
HelperWorkerStop(HelperWorker *w)
{
	if (w == NULL)
		return;
	pthread_mutex_lock(&w->lock);
	w->stop = true;
	pthread_cond_broadcast(&w->cond);
	pthread_mutex_unlock(&w->lock);
	pthread_join(w->thread, NULL);
	pthread_cond_destroy(&w->cond);
	pthread_mutex_destroy(&w->lock);
	pfree(w);
}
