/*
 * langdetect_cld2.cpp
 *		A small C++ shim over CLD2 (Compact Language Detector 2, Debian's
 *		libcld2): one extern "C" function for langdetect.c.  Every C++
 *		exception is caught here, so none unwinds through PostgreSQL's C
 *		frames; no PostgreSQL function (palloc, ereport) is called from C++.
 */
#include <cstdio>				/* compact_lang_det.h uses FILE without including it */
#include <cstring>

#include <cld2/public/compact_lang_det.h>

#include "langdetect_cld2.h"

/* Copy CLD2's result into the C struct */
static void
FillResult(CLD2::Language lang, const int *percent3, int text_bytes, bool reliable,
		   Cld2Result *result)
{
	const char *code = CLD2::LanguageCode(lang);

	if (code == NULL)
		code = "un";
	std::strncpy(result->code, code, CLD2_SHIM_CODE_SIZE - 1);
	result->code[CLD2_SHIM_CODE_SIZE - 1] = '\0';
	result->percent = percent3[0];
	result->text_bytes = text_bytes;
	result->reliable = reliable ? 1 : 0;
}

/* Detect the language of valid UTF-8 text; CLD2_SHIM_OK, _FAILED or _INVALID */
extern "C" int
Cld2Detect(const char *text, int len, int flags, Cld2Result *result)
{
	std::memset(result, 0, sizeof(*result));
	std::strcpy(result->code, "un");
	try
	{
		CLD2::Language language3[3];
		int			percent3[3] = {0, 0, 0};
		double		normalized_score3[3];
		int			text_bytes = 0;
		int			valid_prefix_bytes = 0;
		bool		reliable = false;
		int			cld_flags = (flags & CLD2_SHIM_BEST_EFFORT) ? CLD2::kCLDFlagBestEffort : 0;
		CLD2::Language lang;

		/* the UTF-8 checking variant: invalid bytes make CLD2 return at once */
		lang = CLD2::ExtDetectLanguageSummaryCheckUTF8(text, len,
													   (flags & CLD2_SHIM_PLAIN_TEXT) != 0,
													   NULL, cld_flags, language3, percent3,
													   normalized_score3, NULL, &text_bytes,
													   &reliable, &valid_prefix_bytes);
		if (valid_prefix_bytes < len)
			return CLD2_SHIM_INVALID;
		FillResult(lang, percent3, text_bytes, reliable, result);
		return CLD2_SHIM_OK;
	}
	catch (...)
	{
		return CLD2_SHIM_FAILED;
	}
}

/* The CLD2 version string (static storage) */
extern "C" const char *
Cld2Version(void)
{
	return CLD2::DetectLanguageVersion();
}
