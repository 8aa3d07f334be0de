/*
 * langdetect_cld2.h
 *		The C interface of the CLD2 shim (langdetect_cld2.cpp).  Plain C, no
 *		PostgreSQL headers: the C++ side must not see palloc or ereport, and
 *		no C++ exception ever crosses this interface.
 */
#ifndef LANGDETECT_CLD2_H
#define LANGDETECT_CLD2_H

#ifdef __cplusplus
extern "C"
{
#endif

/* Flags of Cld2Detect */
#define CLD2_SHIM_PLAIN_TEXT	0x01	/* the text is not HTML (no tags or entities) */
#define CLD2_SHIM_BEST_EFFORT	0x02	/* a best guess instead of "unknown" on short text */

/* Bytes of Cld2Result.code, with its NUL (CLD2's longest code is "zh-Hant") */
#define CLD2_SHIM_CODE_SIZE 16

/* What CLD2 says about one text */
typedef struct Cld2Result
{
	char		code[CLD2_SHIM_CODE_SIZE];	/* CLD2's language code; "un" when unknown */
	int			percent;		/* share (0..100) of the text's letters in that language */
	int			text_bytes;		/* bytes of letters CLD2 scored */
	int			reliable;		/* 1 when CLD2 deems the answer reliable */
} Cld2Result;

/* Results of Cld2Detect */
#define CLD2_SHIM_OK		0
#define CLD2_SHIM_FAILED	(-1)	/* CLD2 threw (out of memory) */
#define CLD2_SHIM_INVALID	(-2)	/* the text is not valid UTF-8 */

/* Detect the language of valid UTF-8 text; returns one of the results above */
extern int	Cld2Detect(const char *text, int len, int flags, Cld2Result *result);

/* The CLD2 version string (static storage) */
extern const char *Cld2Version(void);

#ifdef __cplusplus
}
#endif

#endif							/* LANGDETECT_CLD2_H */
