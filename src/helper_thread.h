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

#endif							/* HELPER_THREAD_H */
