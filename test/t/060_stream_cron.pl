# Batch mode with pg_cron: schedule_scoring() creates a job that empties the queue on schedule,
# scheduling again replaces it, unschedule_scoring() removes it.
use strict;
use warnings;
use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;
use FindBin;
BEGIN { require "$FindBin::Bin/060_stream_common.pm"; StreamTest->import; }

my $node = PostgreSQL::Test::Cluster->new('stream_cron');
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

# Without the pg_cron extension in this database: a clear error.
my ($ret, $out, $err) = $node->psql($db, "SELECT tweetlda.schedule_scoring('* * * * *')");
like($err, qr/pg_cron is not installed in database "postgres"/, 'schedule_scoring needs pg_cron');
like($err, qr/HINT:.*CREATE EXTENSION pg_cron/, 'the hint says how to install it');

$node->safe_psql($db, 'CREATE EXTENSION pg_cron');
load_sample($node, $db);
setup_model($node, $db);
land_tweets($node, $db, 1, 2500);

# A bad schedule is pg_cron's error.
($ret, $out, $err) = $node->psql($db, "SELECT tweetlda.schedule_scoring('every now and then')");
like($err, qr/invalid schedule/, 'a bad schedule is refused by pg_cron');

my $job = $node->safe_psql($db, "SELECT tweetlda.schedule_scoring('0 */3 * * *')");
ok($job > 0, 'schedule_scoring returns the job id');
is($node->safe_psql($db, "SELECT tweetlda.schedule_scoring('* * * * *')"), $job,
	'scheduling again replaces the job');
is($node->safe_psql($db, 'SELECT schedule, command, database FROM cron.job'),
	'* * * * *|CALL tweetlda.process_all_pending()|postgres', 'the job runs process_all_pending');

# The job runs within a minute and empties the queue.
ok($node->poll_query_until($db, q{
	SELECT (SELECT count(*) FROM tweetlda.pending) = 0
	   AND EXISTS (SELECT 1 FROM cron.job_run_details WHERE status = 'succeeded')}),
	'the pg_cron job scored the queue');
is($node->safe_psql($db, 'SELECT count(*), count(DISTINCT tweet_id) FROM tweetlda.tweet_scores'),
	'2500|2500', 'every tweet scored once');

is($node->safe_psql($db, 'SELECT tweetlda.unschedule_scoring()'), 't', 'unschedule_scoring');
is($node->safe_psql($db, 'SELECT count(*) FROM cron.job'), '0', 'the job is gone');
is($node->safe_psql($db, 'SELECT tweetlda.unschedule_scoring()'), 'f',
	'unschedule_scoring without a job');
$node->stop;
done_testing();
