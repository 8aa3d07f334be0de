/*
 * ingest_time.c
 *		A strict parser of the timestamps tweets carry.  PostgreSQL's own date
 *		parser (ParseDateTime/DecodeDateTime) raises errors for some inputs it
 *		has accepted so far (an unknown time zone such as "abc99999" ends in
 *		ereport inside the zone lookup), so untrusted strings never reach it.
 *		This parser accepts exactly these forms and returns false for anything
 *		else; it never raises an error:
 *
 *		- Twitter API v1.1:  Wed Oct 10 20:19:24 +0000 2018
 *		  (also with a zone abbreviation: Mon Apr 06 22:19:45 PDT 2009)
 *		- ISO 8601 / API v2: 2018-10-10T20:19:24.000Z, 2018-10-10 20:19:24+02,
 *		  2018-10-10T20:19Z, 2018-10-10 (a 'T' or one space between date and
 *		  time; seconds and a fraction of up to 9 digits optional; zone Z, UTC,
 *		  GMT, +HH, +HHMM or +HH:MM, optionally after one space)
 *		- US month/day/year as spreadsheets export it: 12/26/2011 22:44[:SS]
 *
 *		A timestamp without a zone is read in the session's TimeZone, like a
 *		cast to timestamptz.  Leading and trailing spaces are ignored.
 */
#include "postgres.h"

#include "datatype/timestamp.h"
#include "pgtime.h"
#include "utils/datetime.h"
#include "utils/timestamp.h"

#include "ingest.h"

/* A cursor over the input */
typedef struct TimeScan
{
	const char *s;
	size_t		len;
	size_t		pos;
} TimeScan;

/* The fields read so far; tz in seconds east of UTC */
typedef struct TimeFields
{
	int			year,
				mon,
				mday,
				hour,
				min,
				sec;
	fsec_t		fsec;
	bool		has_zone;
	int			offset;
} TimeFields;

/* Zone abbreviations of the corpora (UTC offsets as in PostgreSQL's Default set) */
static const struct
{
	const char *name;
	int			hours;
}			zone_abbrevs[] =
{
	{"UTC", 0}, {"GMT", 0}, {"UT", 0}, {"Z", 0},
	{"EST", -5}, {"EDT", -4}, {"CST", -6}, {"CDT", -5},
	{"MST", -7}, {"MDT", -6}, {"PST", -8}, {"PDT", -7},
};

static const char *const month_names[] =
{
	"Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"
};

static const char *const day_names[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};

/* True at the end of the input */
static inline bool
AtEnd(TimeScan *ts)
{
	return ts->pos >= ts->len;
}

/* Consume the character c if it is next */
static inline bool
Accept(TimeScan *ts, char c)
{
	if (ts->pos < ts->len && ts->s[ts->pos] == c)
	{
		ts->pos++;
		return true;
	}
	return false;
}

/* Read between min and max digits as a number; false if there are fewer than min (a
 * following digit makes the next Accept or AtEnd fail) */
static bool
Digits(TimeScan *ts, int min, int max, int *value)
{
	int			n = 0;
	int			v = 0;

	while (n < max && ts->pos < ts->len &&
		   ts->s[ts->pos] >= '0' && ts->s[ts->pos] <= '9')
	{
		v = v * 10 + (ts->s[ts->pos++] - '0');
		n++;
	}
	*value = v;
	return n >= min;
}

/* Read a 3-letter name from a table (case-insensitive); its index or -1 */
static int
Name3(TimeScan *ts, const char *const *names, int n)
{
	if (ts->len - ts->pos < 3)
		return -1;
	for (int i = 0; i < n; i++)
		if (pg_strncasecmp(ts->s + ts->pos, names[i], 3) == 0)
		{
			ts->pos += 3;
			return i;
		}
	return -1;
}

/* Read HH:MM[:SS[.fraction]] */
static bool
ReadTime(TimeScan *ts, TimeFields *tf)
{
	int			digits = 0;
	int64		frac = 0;

	if (!Digits(ts, 1, 2, &tf->hour) || !Accept(ts, ':') || !Digits(ts, 2, 2, &tf->min))
		return false;
	if (!Accept(ts, ':'))
		return true;
	if (!Digits(ts, 2, 2, &tf->sec))
		return false;
	if (!Accept(ts, '.'))
		return true;
	while (ts->pos < ts->len && ts->s[ts->pos] >= '0' && ts->s[ts->pos] <= '9')
	{
		if (++digits > 9)
			return false;
		frac = frac * 10 + (ts->s[ts->pos++] - '0');
	}
	if (digits == 0)
		return false;
	/* round to microseconds, as timestamptz_in does */
	for (; digits < 7; digits++)
		frac *= 10;
	for (; digits > 7; digits--)
		frac /= 10;
	tf->fsec = (fsec_t) ((frac + 5) / 10);
	return true;
}

/* Read a numeric zone: +HH, +HHMM or +HH:MM (PostgreSQL accepts up to 15:59) */
static bool
ReadOffset(TimeScan *ts, TimeFields *tf)
{
	int			sign;
	int			hh;
	int			mm = 0;

	if (Accept(ts, '+'))
		sign = 1;
	else if (Accept(ts, '-'))
		sign = -1;
	else
		return false;
	if (!Digits(ts, 2, 2, &hh))
		return false;
	if (Accept(ts, ':'))
	{
		if (!Digits(ts, 2, 2, &mm))
			return false;
	}
	else if (!AtEnd(ts) && ts->s[ts->pos] >= '0' && ts->s[ts->pos] <= '9' &&
			 !Digits(ts, 2, 2, &mm))
		return false;
	if (hh > 15 || mm > 59)
		return false;
	tf->has_zone = true;
	tf->offset = sign * (hh * SECS_PER_HOUR + mm * SECS_PER_MINUTE);
	return true;
}

/* Read a zone abbreviation of the table (whole word, case-insensitive) */
static bool
ReadAbbrev(TimeScan *ts, TimeFields *tf)
{
	for (int i = 0; i < lengthof(zone_abbrevs); i++)
	{
		size_t		n = strlen(zone_abbrevs[i].name);

		if (ts->len - ts->pos >= n &&
			pg_strncasecmp(ts->s + ts->pos, zone_abbrevs[i].name, n) == 0 &&
			(ts->pos + n == ts->len || ts->s[ts->pos + n] == ' '))
		{
			ts->pos += n;
			tf->has_zone = true;
			tf->offset = zone_abbrevs[i].hours * SECS_PER_HOUR;
			return true;
		}
	}
	return false;
}

/* Read a zone: a numeric offset or an abbreviation */
static bool
ReadZone(TimeScan *ts, TimeFields *tf)
{
	size_t		start = ts->pos;

	if (ReadOffset(ts, tf))
		return true;
	ts->pos = start;
	return ReadAbbrev(ts, tf);
}

/* ISO 8601: YYYY-MM-DD[(T| )HH:MM[:SS[.f]][ ][zone]] */
static bool
ReadIso(TimeScan *ts, TimeFields *tf)
{
	if (!Digits(ts, 4, 4, &tf->year) || !Accept(ts, '-') ||
		!Digits(ts, 2, 2, &tf->mon) || !Accept(ts, '-') || !Digits(ts, 2, 2, &tf->mday))
		return false;
	if (AtEnd(ts))
		return true;
	if (!Accept(ts, 'T') && !Accept(ts, 't') && !Accept(ts, ' '))
		return false;
	if (!ReadTime(ts, tf))
		return false;
	if (AtEnd(ts))
		return true;
	Accept(ts, ' ');
	return ReadZone(ts, tf) && AtEnd(ts);
}

/* Twitter API v1.1: Www Mmm DD HH:MM:SS zone YYYY */
static bool
ReadTwitter(TimeScan *ts, TimeFields *tf)
{
	if (Name3(ts, day_names, 7) < 0 || !Accept(ts, ' '))
		return false;
	tf->mon = Name3(ts, month_names, 12) + 1;
	if (tf->mon == 0 || !Accept(ts, ' ') || !Digits(ts, 1, 2, &tf->mday) || !Accept(ts, ' '))
		return false;
	if (!ReadTime(ts, tf) || !Accept(ts, ' ') || !ReadZone(ts, tf) || !Accept(ts, ' '))
		return false;
	return Digits(ts, 4, 4, &tf->year) && AtEnd(ts);
}

/* US spreadsheet form: M/D/YYYY[ H:MM[:SS]] */
static bool
ReadSlashed(TimeScan *ts, TimeFields *tf)
{
	if (!Digits(ts, 1, 2, &tf->mon) || !Accept(ts, '/') || !Digits(ts, 1, 2, &tf->mday) ||
		!Accept(ts, '/') || !Digits(ts, 4, 4, &tf->year))
		return false;
	if (AtEnd(ts))
		return true;
	return Accept(ts, ' ') && ReadTime(ts, tf) && AtEnd(ts);
}

/* Check the ranges of the fields (day of month by the calendar) */
static bool
FieldsValid(const TimeFields *tf)
{
	if (tf->year < 1 || tf->mon < 1 || tf->mon > MONTHS_PER_YEAR || tf->mday < 1 ||
		tf->mday > day_tab[isleap(tf->year)][tf->mon - 1])
		return false;
	/* 60 seconds: a leap second, which PostgreSQL also accepts (it rolls over) */
	return tf->hour <= 23 && tf->min <= 59 && tf->sec <= 60;
}

/* Parse a tweet timestamp in one of the forms above; false for anything else */
bool
IngestParseTimestamp(const char *s, size_t len, TimestampTz *result)
{
	TimeFields	tf;
	TimeScan	ts;
	struct pg_tm tm;
	int			tz;
	bool		ok = false;

	while (len > 0 && s[len - 1] == ' ')
		len--;
	while (len > 0 && *s == ' ')
		s++, len--;
	if (len == 0 || len > 64)
		return false;
	for (int form = 0; form < 3 && !ok; form++)
	{
		memset(&tf, 0, sizeof(tf));
		ts.s = s;
		ts.len = len;
		ts.pos = 0;
		ok = form == 0 ? ReadIso(&ts, &tf) : form == 1 ? ReadTwitter(&ts, &tf)
			: ReadSlashed(&ts, &tf);
	}
	if (!ok || !FieldsValid(&tf))
		return false;
	memset(&tm, 0, sizeof(tm));
	tm.tm_year = tf.year;
	tm.tm_mon = tf.mon;
	tm.tm_mday = tf.mday;
	tm.tm_hour = tf.hour;
	tm.tm_min = tf.min;
	tm.tm_sec = tf.sec;
	/* tm2timestamp takes the zone in seconds west of UTC; DetermineTimeZoneOffset never raises */
	tz = tf.has_zone ? -tf.offset : DetermineTimeZoneOffset(&tm, session_timezone);
	return tm2timestamp(&tm, tf.fsec, &tz, result) == 0 && IS_VALID_TIMESTAMP(*result);
}
