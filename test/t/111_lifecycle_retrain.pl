# Retraining as a pg_cron job (issue 11): schedule_retraining() needs pg_cron; a real cron tick
# retrains on the same data and the topic numbers and names survive; a drift check that says
# drifted triggers the drift job, which retrains and promotes; retraining while the stream worker
# scores a stream loses and duplicates no score.
use strict;
use warnings;
use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;
use Time::HiRes qw(time);
use FindBin;
BEGIN { require "$FindBin::Bin/060_stream_common.pm"; StreamTest->import; }

my $node = PostgreSQL::Test::Cluster->new('lifecycle_retrain');
$node->init;
$node->append_conf('postgresql.conf', qq{
shared_preload_libraries = 'pg_cron'
cron.database_name = 'postgres'
cron.use_background_workers = on
max_worker_processes = 16
});
$node->start;
my $db = 'postgres';
$node->safe_psql($db, 'CREATE EXTENSION tweetlda');

# Without the pg_cron extension in this database: a clear error with a hint.
my ($ret, $out, $err) = $node->psql($db, "SELECT tweetlda.schedule_retraining('lc')");
like($err, qr/pg_cron is not installed in database "postgres"/, 'schedule_retraining needs pg_cron');
like($err, qr/HINT:.*CREATE EXTENSION pg_cron/, 'the hint says how to install it');
$node->safe_psql($db, 'CREATE EXTENSION pg_cron');

# The model: the sample, five topics, two of them named; the same tweets landed and scored.
load_sample($node, $db);
$node->safe_psql($db, q{
	SELECT tweetlda.train('lc', 'SELECT text FROM public.sample', k => 5, max_iter => 10);
	SELECT tweetlda.activate('lc');
	INSERT INTO tweetlda.topic_names (model_id, topic, name)
	SELECT id, t, 'named ' || t FROM tweetlda.models, (VALUES (1), (3)) v(t) WHERE name = 'lc'});
land_tweets($node, $db, 1, 4000);
$node->safe_psql($db, "SELECT tweetlda.start_stream('100 ms', 500)");
wait_scored($node, $db, 4000);

($ret, $out, $err) = $node->psql($db, "SELECT tweetlda.schedule_retraining('no_such_model')");
like($err, qr/LDA model "no_such_model" does not exist/, 'an unknown model is refused');
($ret, $out, $err) = $node->psql($db, "SELECT tweetlda.schedule_retraining('lc', 'whenever')");
like($err, qr/invalid schedule/, 'a bad schedule is refused by pg_cron');

# Scheduling again replaces the jobs; on_drift false drops the drift job.
my $job = $node->safe_psql($db, "SELECT tweetlda.schedule_retraining('lc')");
ok($job > 0, 'schedule_retraining returns the job id');
is($node->safe_psql($db, 'SELECT jobname, schedule FROM cron.job ORDER BY jobname'),
	"tweetlda retrain lc|0 3 1 * *\ntweetlda retrain on drift lc|*/15 * * * *",
	'a monthly job and a drift job every 15 minutes');
is($node->safe_psql($db, "SELECT tweetlda.schedule_retraining('lc', '* * * * *', on_drift => false)"),
	$job, 'scheduling again replaces the job');
is($node->safe_psql($db, 'SELECT jobname, schedule, command FROM cron.job'),
	qq{tweetlda retrain lc|* * * * *|CALL tweetlda.retrain('lc', "window" => '30 days', started_by => 'schedule')},
	'one job, its command fully qualified');

# A real cron tick retrains on the same tweets (bounded wait: the next minute plus training).
ok($node->poll_query_until($db, q{
	SELECT EXISTS (SELECT 1 FROM tweetlda.model_runs WHERE decision <> 'running')}),
	'the pg_cron job ran a retraining');
is($node->safe_psql($db, 'SELECT tweetlda.unschedule_retraining(\'lc\')'), 't', 'unschedule_retraining');
is($node->safe_psql($db, 'SELECT count(*) FROM cron.job'), '0', 'the jobs are gone');
# let a run that the tick may have started meanwhile finish
ok($node->poll_query_until($db, q{
	SELECT NOT EXISTS (SELECT 1 FROM tweetlda.model_runs WHERE decision = 'running')}),
	'no run is left running');
is($node->safe_psql($db, q{
	SELECT r.started_by, r.rows, r.error IS NULL, c.name, c.version, c.origin, a.name
	FROM tweetlda.model_runs r JOIN tweetlda.models c ON c.id = r.candidate_id
	JOIN tweetlda.models a ON a.id = r.active_id ORDER BY r.id LIMIT 1}),
	'schedule|4000|t|lc@2|2|retrain|lc', 'the run trained lc@2 on the 4000 tweets of the window');
is($node->safe_psql($db, q{
	SELECT count(*), bool_and(l.topic = l.parent_topic), min(l.similarity) > 0.9
	FROM tweetlda.topic_lineage l JOIN tweetlda.models m ON m.id = l.model_id
	WHERE m.name = 'lc@2'}), '5|t|t', 'every topic keeps its number');
is($node->safe_psql($db, q{
	SELECT count(*) FROM tweetlda.topic_terms('lc', 10) a
	JOIN tweetlda.topic_terms('lc@2', 10) b ON b.topic = a.topic AND b.rank = a.rank AND b.word = a.word}),
	'50', 'the same words under the same topic numbers');
is($node->safe_psql($db, q{
	SELECT string_agg(n.topic || ':' || n.name, ',' ORDER BY n.topic)
	FROM tweetlda.topic_names n JOIN tweetlda.models m ON m.id = n.model_id WHERE m.name = 'lc@2'}),
	'1:named 1,3:named 3', 'the topic names survive the retraining');
like($node->safe_psql($db, 'SELECT decision FROM tweetlda.model_runs ORDER BY id LIMIT 1'),
	qr/^(kept|promoted)$/, 'the decision is recorded');

# Drift: a check of the active model says drifted; the drift job retrains and promotes, while
# tweets keep landing and the stream worker scores them.
my $active = $node->safe_psql($db, 'SELECT name FROM tweetlda.models WHERE active');
$node->safe_psql($db, q{
	INSERT INTO tweetlda.drift_history (model_id, recent, drifted, figures)
	VALUES (tweetlda.active_model(), '1 day', true, '{"planted": true}')});
is($node->safe_psql($db, "SELECT tweetlda.retrain_due('lc')"), 't', 'a retraining is due');
$node->safe_psql($db, q{
	SELECT tweetlda.schedule_retraining('lc', '0 3 1 * *', on_drift => true,
	                                    drift_schedule => '* * * * *')});
my $next = 10001;
my $deadline = time() + $PostgreSQL::Test::Utils::timeout_default;
my $done = 0;
while (time() < $deadline)
{
	land_tweets($node, $db, $next, $next + 199);
	$next += 200;
	$done = $node->safe_psql($db, q{
		SELECT count(*) FROM tweetlda.model_runs WHERE started_by = 'drift' AND decision <> 'running'});
	last if $done;
	sleep(1);
}
ok($done, 'the drift job retrained while tweets were landing');
$node->safe_psql($db, "SELECT tweetlda.unschedule_retraining('lc')");
ok($node->poll_query_until($db, q{
	SELECT NOT EXISTS (SELECT 1 FROM tweetlda.model_runs WHERE decision = 'running')}),
	'no run is left running');
is($node->safe_psql($db, q{
	SELECT r.decision, r.reason LIKE 'drift detected%', a.name, c.active
	FROM tweetlda.model_runs r JOIN tweetlda.models c ON c.id = r.candidate_id
	JOIN tweetlda.models a ON a.id = r.active_id WHERE r.started_by = 'drift'}),
	"promoted|t|$active|t", 'the drift run promoted its candidate');
is($node->safe_psql($db, "SELECT tweetlda.retrain_due('lc')"), 'f', 'no retraining is due afterwards');
# (more tweets than the model saw: its topics may differ; matched ones keep number and name)
note($node->safe_psql($db, q{
	SELECT string_agg(l.topic || '<-' || l.parent_topic || ' ' || round(l.similarity::numeric, 2), ', ')
	FROM tweetlda.topic_lineage l JOIN tweetlda.models m ON m.id = l.model_id WHERE m.active}));
is($node->safe_psql($db, q{
	SELECT count(*) FILTER (WHERE l.topic <> l.parent_topic),
	       count(*) FILTER (WHERE pn.name IS DISTINCT FROM cn.name)
	FROM tweetlda.models m JOIN tweetlda.topic_lineage l ON l.model_id = m.id
	LEFT JOIN tweetlda.topic_names pn ON pn.model_id = l.parent_model_id AND pn.topic = l.parent_topic
	LEFT JOIN tweetlda.topic_names cn ON cn.model_id = l.model_id AND cn.topic = l.topic
	WHERE m.active}),
	'0|0', 'the promoted model\'s matched topics keep their numbers and names');
is($node->safe_psql($db, q{
	SELECT count(*) FROM cron.job_run_details WHERE status <> 'succeeded'
	AND command LIKE 'CALL tweetlda.retrain%'}), '0', 'every retraining job succeeded');

# Every landed tweet scored once: none lost, none twice, no queue left.
my $landed = $next - 10001 + 4000;
ok($node->poll_query_until($db, "SELECT NOT EXISTS (SELECT 1 FROM tweetlda.pending)"),
	'the queue empties');
is($node->safe_psql($db, q{
	SELECT (SELECT count(*) FROM tweetlda.tweets),
	       (SELECT count(*) FROM tweetlda.tweet_scores),
	       (SELECT count(DISTINCT tweet_id) FROM tweetlda.tweet_scores),
	       (SELECT count(*) FROM tweetlda.tweets t
	        WHERE NOT EXISTS (SELECT 1 FROM tweetlda.tweet_scores s WHERE s.tweet_id = t.id))}),
	"$landed|$landed|$landed|0", "all $landed landed tweets scored exactly once");
$node->safe_psql($db, 'SELECT tweetlda.stop_stream()');

# The procedures under a hostile search_path (as a pg_cron job of a database whose search_path
# an owner set): shadows of the operators, functions and types they use never run.
my $ddl = q{
CREATE SCHEMA evil;
CREATE TABLE public.shadow_log (shadow text);
CREATE FUNCTION public.spy(tag pg_catalog.text) RETURNS boolean LANGUAGE sql
    AS $$ INSERT INTO public.shadow_log VALUES (tag) RETURNING true $$;};
my $n = 0;
for my $o (['=', 'text', 'text', 'boolean'], ['=', 'integer', 'integer', 'boolean'],
	['=', 'bigint', 'bigint', 'boolean'], ['<>', 'text', 'text', 'boolean'],
	['<', 'bigint', 'bigint', 'boolean'], ['<=', 'interval', 'interval', 'boolean'],
	['||', 'text', 'text', 'text'], ['-', 'timestamptz', 'interval', 'timestamptz'],
	['>', 'timestamptz', 'timestamptz', 'boolean'], ['>', 'integer', 'integer', 'boolean'])
{
	my ($op, $l, $r, $ret) = @$o;
	$n++;
	$ddl .= qq{
CREATE FUNCTION evil.shadow_op$n(a $l, b $r) RETURNS $ret LANGUAGE plpgsql AS \$\$
BEGIN PERFORM public.spy('$op($l,$r)'); RETURN a OPERATOR(pg_catalog.$op) b; END \$\$;
CREATE OPERATOR evil.$op (LEFTARG = $l, RIGHTARG = $r, FUNCTION = evil.shadow_op$n);};
}
$ddl .= q{
CREATE FUNCTION evil.now() RETURNS timestamptz LANGUAGE plpgsql
    AS $$ BEGIN PERFORM public.spy('now'); RETURN pg_catalog.now(); END $$;
CREATE FUNCTION evil.format(f pg_catalog.text) RETURNS text LANGUAGE plpgsql
    AS $$ BEGIN PERFORM public.spy('format'); RETURN f; END $$;
CREATE FUNCTION evil.hashtextextended(a pg_catalog.text, b bigint) RETURNS bigint LANGUAGE plpgsql
    AS $$ BEGIN PERFORM public.spy('hashtextextended'); RETURN 0; END $$;};
for my $type ('text', 'int8', 'int4', 'timestamptz', 'interval')
{
	$ddl .= qq{
CREATE DOMAIN evil.$type AS pg_catalog.$type CHECK (public.spy('$type domain'));};
}
$node->safe_psql($db, $ddl);
$node->safe_psql($db, 'ALTER DATABASE postgres SET search_path = evil, pg_catalog, public');
$node->safe_psql($db, q{
	INSERT INTO tweetlda.drift_history (model_id, recent, drifted)
	VALUES (tweetlda.active_model(), '1 day', true)});
my $before = $node->safe_psql($db, 'SELECT pg_catalog.count(*) FROM tweetlda.model_runs');
$node->safe_psql($db, "CALL tweetlda.retrain_on_drift('lc')");
($ret, $out, $err) = $node->psql($db, "CALL tweetlda.retrain('lc', k => 1)");
like($err, qr/number of topics k must be between/, 'the failed run raises its error');
$node->safe_psql($db, 'ALTER DATABASE postgres RESET search_path');
is($node->safe_psql($db, q{
	SELECT count(*), count(*) FILTER (WHERE decision = 'failed') FROM tweetlda.model_runs}),
	($before + 2) . '|1', 'a drift run and a failed run under the hostile search_path');
is($node->safe_psql($db, q{SELECT coalesce(string_agg(DISTINCT shadow, ', '), 'none') FROM public.shadow_log}),
	'none', 'no shadow ran');
$node->stop;
done_testing();
