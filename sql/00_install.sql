-- Installation: the extension lives in schema tweetlda and is not relocatable.
CREATE EXTENSION tweetlda;
SELECT extname, extversion, extrelocatable, extnamespace::regnamespace
FROM pg_extension WHERE extname = 'tweetlda';
ALTER EXTENSION tweetlda SET SCHEMA public;
-- Every C function states its volatility, strictness and parallel safety; list the
-- functions that are parallel restricted or unsafe so that a change shows up here.
SELECT p.oid::regprocedure AS function, p.provolatile, p.proparallel
FROM pg_proc p
JOIN pg_depend d ON d.objid = p.oid AND d.classid = 'pg_proc'::regclass AND d.deptype = 'e'
JOIN pg_extension e ON e.oid = d.refobjid AND e.extname = 'tweetlda'
WHERE p.proparallel <> 's'
ORDER BY p.oid::regprocedure::text;
