# The hostile database owner (CVE-2018-1058 pattern): role app owns the database but is not a
# superuser. It shadows the operators, functions and types that SQL uses (arithmetic, comparison,
# casts, now(), lower(), ||, array functions) in schema public and in a schema of its own put
# first by ALTER DATABASE ... SET search_path; every shadow records who runs it and tries
# ALTER ROLE app SUPERUSER. Then the static and the dynamic stream worker score, a superuser runs
# a batch and reads the views and stream_status() under that search_path, and a pg_cron job
# scheduled by a superuser scores. No shadow may run with elevated rights, and none runs in the
# worker at all. (On 0.1.0 the worker's configuration query, the stream counters and the pg_cron
# job's procedure resolve app's operators as a superuser: app becomes superuser.)
use strict;
use warnings;
use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;
use FindBin;
BEGIN { require "$FindBin::Bin/060_stream_common.pm"; StreamTest->import; }

my $node = PostgreSQL::Test::Cluster->new('security_search_path');
$node->init;
$node->append_conf('postgresql.conf', qq{
shared_preload_libraries = 'pg_cron,tweetlda'
cron.database_name = 'appdb'
cron.use_background_workers = on
tweetlda.stream_databases = 'appdb'
max_worker_processes = 16
});
$node->start;
$node->safe_psql('postgres', 'CREATE ROLE app LOGIN; CREATE DATABASE appdb OWNER app');
my $db = 'appdb';
$node->safe_psql($db, 'CREATE EXTENSION tweetlda; CREATE EXTENSION pg_cron');
load_sample($node, $db);
setup_model($node, $db);

# From now on every session of this script pins its own search_path (the test's own queries
# must not run app's shadows); the "naive superuser" sessions below set app's path on purpose.
$ENV{PGOPTIONS} = '-c search_path=pg_catalog,pg_temp';
my $hostile_path = 'SET search_path = evil, pg_catalog, public;';

# Run SQL as app.
sub as_app
{
	my ($sql) = @_;
	return $node->safe_psql($db, "SET ROLE app; $sql");
}

# Land the tweets from..to (texts of the sample) as a superuser.
sub land
{
	my ($from, $to) = @_;
	$node->safe_psql($db, qq{
		SELECT tweetlda.ingest_batch(ARRAY(
			SELECT pg_catalog.jsonb_build_object('id', g, 'text', s.text, 'created_at', s.created_at)::text
			FROM pg_catalog.generate_series($from, $to) g
			JOIN public.sample s ON s.rn OPERATOR(pg_catalog.=) (g OPERATOR(pg_catalog.%) 4000 OPERATOR(pg_catalog.+) 1)))});
}

# Wait until n tweets are scored and the queue is empty.
sub wait_for_scores
{
	my ($n, $what) = @_;
	ok($node->poll_query_until($db, qq{
		SELECT (SELECT pg_catalog.count(*) FROM tweetlda.tweet_scores) OPERATOR(pg_catalog.>=) ${n}::bigint
		   AND NOT EXISTS (SELECT 1 FROM tweetlda.pending)}), $what);
}

land(1, 300);

# ---- app's shadows ----
as_app(q{
CREATE SCHEMA evil;
GRANT USAGE ON SCHEMA evil TO PUBLIC;
CREATE TABLE public.shadow_log (shadow text, usr name, sess name, super boolean, query text);
GRANT INSERT ON public.shadow_log TO PUBLIC;
-- record who runs a shadow, and try to become superuser
CREATE FUNCTION public.spy(tag pg_catalog.text) RETURNS boolean
    LANGUAGE plpgsql SET search_path = pg_catalog AS $$
BEGIN
    BEGIN
        INSERT INTO public.shadow_log
        SELECT tag, current_user, session_user, r.rolsuper, current_query()
        FROM pg_roles r WHERE r.rolname = current_user;
    EXCEPTION WHEN OTHERS THEN NULL;
    END;
    BEGIN
        EXECUTE 'ALTER ROLE app SUPERUSER';
    EXCEPTION WHEN OTHERS THEN NULL;
    END;
    RETURN true;
END $$;
});

my @ops = (
	[ '*', 'numeric', 'integer', 'numeric' ],
	[ '*', 'numeric', 'numeric', 'numeric' ],
	[ '*', 'integer', 'integer', 'integer' ],
	[ '+', 'bigint', 'integer', 'bigint' ],
	[ '+', 'bigint', 'bigint', 'bigint' ],
	[ '+', 'integer', 'integer', 'integer' ],
	[ '-', 'timestamptz', 'interval', 'timestamptz' ],
	[ '-', 'timestamptz', 'timestamptz', 'interval' ],
	[ '=', 'integer', 'integer', 'boolean' ],
	[ '=', 'bigint', 'bigint', 'boolean' ],
	[ '=', 'bigint', 'integer', 'boolean' ],
	[ '=', 'text', 'text', 'boolean' ],
	[ '<', 'integer', 'integer', 'boolean' ],
	[ '>', 'integer', 'integer', 'boolean' ],
	[ '>', 'timestamptz', 'timestamptz', 'boolean' ],
	[ '>=', 'bigint', 'integer', 'boolean' ],
	[ '||', 'text', 'text', 'text' ],
	[ '||', 'bigint[]', 'bigint', 'bigint[]' ]);
my @funcs = (
	[ 'now', '', 'timestamptz', 'pg_catalog.now()' ],
	[ 'lower', 'a pg_catalog.text', 'text', 'pg_catalog.lower(a)' ],
	[ 'upper', 'a pg_catalog.text', 'text', 'pg_catalog.upper(a)' ],
	[ 'left', 'a pg_catalog.text, n integer', 'text', 'pg_catalog.left(a, n)' ],
	[ 'to_regclass', 'a pg_catalog.text', 'regclass', 'pg_catalog.to_regclass(a)' ],
	[ 'array_length', 'a anyarray, d integer', 'integer', 'pg_catalog.array_length(a, d)' ],
	[ 'cardinality', 'a anyarray', 'integer', 'pg_catalog.cardinality(a)' ],
	[ 'date_part', 'f pg_catalog.text, i interval', 'double precision', 'pg_catalog.date_part(f, i)' ],
	[ 'pg_try_advisory_lock', 'k bigint', 'boolean', 'pg_catalog.pg_try_advisory_lock(k)' ],
	[ 'format', 'f pg_catalog.text', 'text', 'pg_catalog.format(f)' ]);
my $n = 0;
for my $schema ('public', 'evil')
{
	my $ddl = '';
	for my $o (@ops)
	{
		my ($op, $l, $r, $ret) = @$o;
		$n++;
		$ddl .= qq{
CREATE FUNCTION $schema.shadow_op$n(a $l, b $r) RETURNS $ret LANGUAGE plpgsql AS \$\$
BEGIN PERFORM public.spy('$schema.$op($l,$r)'); RETURN a OPERATOR(pg_catalog.$op) b; END \$\$;
CREATE OPERATOR $schema.$op (LEFTARG = $l, RIGHTARG = $r, FUNCTION = $schema.shadow_op$n);};
	}
	for my $f (@funcs)
	{
		my ($name, $args, $ret, $real) = @$f;
		$ddl .= qq{
CREATE FUNCTION $schema.$name($args) RETURNS $ret LANGUAGE plpgsql AS \$\$
BEGIN PERFORM public.spy('$schema.$name'); RETURN $real; END \$\$;};
	}
	$ddl .= qq{
CREATE FUNCTION $schema.unnest(a anyarray) RETURNS SETOF anyelement LANGUAGE plpgsql AS \$\$
BEGIN PERFORM public.spy('$schema.unnest'); RETURN QUERY SELECT pg_catalog.unnest(a); END \$\$;};
	# types named like the built-in ones: a cast to them runs the domain's check
	for my $type ('int8', 'int4', 'numeric', 'interval', 'timestamptz', 'text')
	{
		$ddl .= qq{
CREATE DOMAIN $schema.$type AS pg_catalog.$type CHECK (public.spy('$schema.$type domain'));};
	}
	as_app($ddl);
}
as_app(q{ALTER DATABASE appdb SET search_path = evil, pg_catalog, public});

# The shadows work: app's own queries under app's search_path run them.
as_app(qq{$hostile_path
	SELECT 2.5 * 2, 3::bigint + 1, now() - '1 hour'::interval, lower('X') || 'y', 1.5::int8,
	       array_length(ARRAY[1], 1), cardinality(ARRAY[1]), 1 = 1});
my $control = $node->safe_psql($db,
	"SELECT pg_catalog.count(DISTINCT shadow) FROM public.shadow_log WHERE usr OPERATOR(pg_catalog.=) 'app'");
cmp_ok($control, '>=', 8, "app's shadows capture its own queries ($control shadows ran)");

# ---- the static worker (started by the server, connects as the bootstrap superuser) ----
$node->restart;
wait_for_scores(300, 'the static worker scored the landed tweets');
is($node->safe_psql($db, q{SELECT usename FROM pg_catalog.pg_stat_activity
	WHERE backend_type OPERATOR(pg_catalog.=) 'tweetlda stream'}),
	'tweetlda_stream', 'the worker runs as tweetlda_stream');
land(301, 600);
wait_for_scores(600, 'the static worker scores new tweets');

# ---- the dynamic worker, started by a superuser ----
is($node->safe_psql($db, 'SELECT tweetlda.stop_stream()'), 't', 'stop_stream');
ok($node->poll_query_until($db, 'SELECT NOT running FROM tweetlda.stream_status()'),
	'the static worker stops');
$node->safe_psql($db, "SELECT tweetlda.start_stream('100 ms', 100)");
land(601, 900);
wait_for_scores(900, 'the dynamic worker scored');
$node->safe_psql($db, 'SELECT tweetlda.stop_stream()');
ok($node->poll_query_until($db, 'SELECT NOT running FROM tweetlda.stream_status()'),
	'the dynamic worker stops');

# ---- a superuser runs a batch, reads the views and the status under app's search_path ----
land(901, 1000);
is($node->safe_psql($db, "$hostile_path SELECT tweetlda.process_pending(1000)"), '100',
	'a batch under the hostile search_path');
for my $view ('scored_tweets', 'tweet_topics', 'topic_summary', 'topic_sentiment', 'topic_timeline')
{
	$node->safe_psql($db, "$hostile_path SELECT * FROM tweetlda.$view");
}
$node->safe_psql($db, "$hostile_path SELECT * FROM tweetlda.stream_status()");
pass('the views and stream_status() were read under the hostile search_path');

# ---- a pg_cron scoring job scheduled by a superuser ----
# pg_cron 1.4's launcher runs its own unqualified SQL (job_run_details updates) as the bootstrap
# superuser in cron.database_name: a hostile owner of that database captures pg_cron itself,
# whatever tweetlda does (doc/security.md). Pin the launcher's role in this database, and let
# another superuser schedule the job, whose session keeps app's search_path.
$node->safe_psql('postgres', q{
	CREATE ROLE admin SUPERUSER LOGIN;
	ALTER ROLE CURRENT_USER IN DATABASE appdb SET search_path = pg_catalog, pg_temp});
$node->restart;
land(1001, 1300);
$node->safe_psql($db, "SELECT tweetlda.schedule_scoring('* * * * *')",
	extra_params => [ '-U', 'admin' ]);
is($node->safe_psql($db, 'SELECT username FROM cron.job'), 'admin', 'the job runs as admin');
ok($node->poll_query_until($db, q{
	SELECT NOT EXISTS (SELECT 1 FROM tweetlda.pending)
	   AND EXISTS (SELECT 1 FROM cron.job_run_details WHERE status OPERATOR(pg_catalog.=) 'succeeded')}),
	'the pg_cron job scored the queue');
$node->safe_psql($db, 'SELECT tweetlda.unschedule_scoring()', extra_params => [ '-U', 'admin' ]);
is($node->safe_psql($db, 'SELECT pg_catalog.count(*) FROM tweetlda.tweet_scores'), '1300',
	'every tweet is scored');

# ---- nothing ran with elevated rights ----
is($node->safe_psql('postgres', "SELECT rolsuper FROM pg_catalog.pg_roles WHERE rolname OPERATOR(pg_catalog.=) 'app'"),
	'f', 'app is not a superuser');
my $elevated = $node->safe_psql($db, q{
	SELECT pg_catalog.string_agg(DISTINCT shadow OPERATOR(pg_catalog.||) ' as ' OPERATOR(pg_catalog.||) usr::pg_catalog.text
	       OPERATOR(pg_catalog.||) ' in: ' OPERATOR(pg_catalog.||) coalesce(query, '(a background worker)'), '; ')
	FROM public.shadow_log WHERE super OR usr OPERATOR(pg_catalog.<>) 'app'});
is($elevated, '', 'no shadow ran as another role than app (none as a superuser, none in the worker)');
is($node->safe_psql($db, 'SELECT pg_catalog.count(*) FROM public.shadow_log WHERE super'), '0',
	'no shadow ran as a superuser');
$node->stop;
done_testing();
