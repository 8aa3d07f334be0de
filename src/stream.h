/*
 * stream.h
 *		The stream worker (stream.c): its initialization, called from _PG_init.
 */
#ifndef STREAM_H
#define STREAM_H

/* When preloaded: define the stream GUCs and register the static stream workers */
extern void StreamInit(void);

#endif							/* STREAM_H */
