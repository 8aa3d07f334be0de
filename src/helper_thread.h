/*
 * helper_thread.h
 *		A second thread for pure computation inside a backend (the trainers).
 *
 * Rules for the function run in the thread: no palloc, ereport/elog,
 * CHECK_FOR_INTERRUPTS or any other PostgreSQL call that touches process
 * state; it only reads shared inputs and writes its own outputs.  The backend
 * joins the thread before it returns or raises an error (PG_FINALLY), and
 * checks for interrupts itself between rounds.
 */
#ifndef HELPER_THREAD_H
#define HELPER_THREAD_H

#include <pthread.h>

/* Run fn(arg) in a new thread with every signal blocked; false if it could not start */
extern bool HelperThreadStart(pthread_t *th, void *(*fn) (void *), void *arg);

/*
 * A helper thread kept for many short jobs (one thread start instead of one
 * per job).  The backend hands a job, does its own share, and waits for the
 * job's end before reading its results; HelperWorkerStop() ends the thread
 * (call it from PG_FINALLY so that an error never leaves it running).
 */
typedef struct HelperWorker HelperWorker;

/* Start a worker in CurrentMemoryContext; NULL if no thread could start */
extern HelperWorker *HelperWorkerStart(void);

/* Run fn(arg) in the worker (the previous job must be over) */
extern void HelperWorkerRun(HelperWorker *w, void (*fn) (void *), void *arg);

/* Wait until the worker's current job (if any) is over */
extern void HelperWorkerWait(HelperWorker *w);

/* Wait for the current job, end the thread and free the worker (NULL: no-op) */
extern void HelperWorkerStop(HelperWorker *w);

#endif							/* HELPER_THREAD_H */
