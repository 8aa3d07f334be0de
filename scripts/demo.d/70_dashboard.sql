-- Demo part 70: the live dashboard (doc/dashboard.md).  A login role for it (read-only, in
-- tweetlda_dashboard), the BI schema, and the stream running again for the live feed that
-- scripts/demo starts next.
\echo
\echo '== Dashboard: the BI schema tweetlda_bi (views only, for BI tools and tweetlda-dashboard)'
SELECT table_name AS view, obj_description(format('tweetlda_bi.%I', table_name)::regclass) AS comment
FROM information_schema.tables WHERE table_schema = 'tweetlda_bi' ORDER BY 1;
SELECT topic, label, tweets, round(avg_polarity::numeric, 3) AS avg_polarity FROM tweetlda_bi.topics;
DO $$
BEGIN
    IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'dashboard') THEN
        CREATE ROLE dashboard LOGIN IN ROLE tweetlda_dashboard;
    END IF;
END
$$;
SELECT tweetlda.start_stream('500 ms', 5000) > 0 AS stream_running;
