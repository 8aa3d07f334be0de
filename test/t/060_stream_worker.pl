# The stream worker without shared_preload_libraries: start_stream/stop_stream/stream_status,
# exactly-once scoring while the worker is killed (kill -9) in the middle of batches, isolation
# of a tweet that cannot be scored, and the "no active model" state.
use strict;
use warnings;
use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;
use FindBin;
BEGIN { require "$FindBin::Bin/060_stream_common.pm"; StreamTest->import; }

my $node = PostgreSQL::Test::Cluster->new('stream_worker');
$node->init;
$node->append_conf('postgresql.conf', "max_worker_processes = 16\nrestart_after_crash = on\n");
$node->start;
my $db = 'postgres';
$node->safe_psql($db, 'CREATE EXTENSION tweetlda');
load_sample($node, $db);

# Bad arguments and the missing model are clear errors.
my ($ret, $out, $err) = $node->psql($db, "SELECT tweetlda.start_stream('0 seconds')");
like($err, qr/invalid trigger_interval/, 'start_stream rejects a zero interval');
($ret, $out, $err) = $node->psql($db, "SELECT tweetlda.start_stream('1 second', 0)");
like($err, qr/invalid batch_size/, 'start_stream rejects a zero batch size');
($ret, $out, $err) = $node->psql($db, "SELECT tweetlda.process_pending()");
like($err, qr/no active model/, 'process_pending without an active model is an error');
is($node->safe_psql($db, 'SELECT running, enabled IS NULL FROM tweetlda.stream_status()'),
	'f|t', 'no worker before start_stream');

# Queued tweets wait for a model; the worker records the error and goes on once there is one.
land_tweets($node, $db, 1, 100);
my $pid = $node->safe_psql($db, "SELECT tweetlda.start_stream('100 ms', 500)");
ok($pid > 0, 'start_stream returns the pid of the worker');
ok($node->poll_query_until($db,
	"SELECT last_error ~ 'no active model' FROM tweetlda.stream_status()"),
	'the worker records the missing model in stream_status');
is($node->safe_psql($db, 'SELECT count(*) FROM tweetlda.pending'), '100',
	'tweets stay queued while no model is active');
is($node->safe_psql($db, "SELECT tweetlda.start_stream('100 ms', 500)"), $pid,
	'a second start_stream reconfigures the running worker');
setup_model($node, $db);
wait_scored($node, $db, 100);
is($node->safe_psql($db, 'SELECT running, pid, enabled, batch_size, last_error IS NULL
	FROM tweetlda.stream_status()'), "t|$pid|t|500|t", 'stream_status after the first batches');

# A tweet that cannot be scored goes to tweetlda.rejected; the others of its batch are scored.
add_score_log($node, $db);
$node->safe_psql($db, q{
	CREATE FUNCTION public.fail_one() RETURNS trigger LANGUAGE plpgsql AS $$
	BEGIN
		IF NEW.tweet_id = 150 THEN RAISE EXCEPTION 'injected failure'; END IF;
		RETURN NEW;
	END $$;
	CREATE TRIGGER fail_one BEFORE INSERT ON tweetlda.tweet_scores
		FOR EACH ROW EXECUTE FUNCTION public.fail_one()});
land_tweets($node, $db, 101, 200);
wait_scored($node, $db, 199);
is($node->safe_psql($db, "SELECT count(*) FROM tweetlda.rejected
	WHERE reason ~ 'injected failure' AND tweet_id = 150 AND raw ~ '\"id\": 150'"), '1',
	'the failing tweet is in tweetlda.rejected with the reason');
is($node->safe_psql($db, 'SELECT count(*) FROM tweetlda.pending'), '0',
	'the failing tweet is not retried forever');
$node->safe_psql($db, 'DROP TRIGGER fail_one ON tweetlda.tweet_scores');

# kill -9 of the worker in the middle of batches (slowed down so that the kills land inside
# them): the server restarts, the worker comes back by itself, nothing is lost or scored twice.
$node->safe_psql($db, q{
	CREATE FUNCTION public.slow() RETURNS trigger LANGUAGE plpgsql AS $$
	BEGIN PERFORM pg_sleep(0.0005); RETURN NEW; END $$;
	CREATE TRIGGER slow BEFORE INSERT ON tweetlda.tweet_scores
		FOR EACH ROW EXECUTE FUNCTION public.slow()});
land_tweets($node, $db, 1001, 6000);
my $kills = 0;
for my $round (1 .. 3)
{
	my $wpid = '';
	$node->poll_query_until($db, q{SELECT count(*) > 0 FROM pg_stat_activity
		WHERE backend_type = 'tweetlda stream' AND query ~ 'process_pending'});
	$wpid = $node->safe_psql($db, q{SELECT pid FROM pg_stat_activity
		WHERE backend_type = 'tweetlda stream' AND query ~ 'process_pending'});
	next unless $wpid;
	kill 'KILL', $wpid;
	$kills++;
	# the postmaster reinitializes after the crash; wait until it accepts connections
	$node->poll_query_until($db, 'SELECT true') or die 'server did not come back';
	ok($node->poll_query_until($db,
		"SELECT running AND pid <> $wpid FROM tweetlda.stream_status()"),
		"round $round: the worker is back after kill -9");
}
ok($kills >= 2, "the worker was killed in the middle of batches ($kills times)");
wait_scored($node, $db, 199 + 5000);
check_exactly_once($node, $db);

# stop_stream: the worker exits after the commit and stays stopped.
is($node->safe_psql($db, 'SELECT tweetlda.stop_stream()'), 't', 'stop_stream finds the worker');
ok($node->poll_query_until($db, 'SELECT NOT running FROM tweetlda.stream_status()'),
	'the worker exits after stop_stream');
land_tweets($node, $db, 7001, 7010);
sleep 1;
is($node->safe_psql($db, 'SELECT pending, enabled FROM tweetlda.stream_status()'), '10|f',
	'a stopped stream leaves new tweets queued');
is($node->safe_psql($db, 'SELECT tweetlda.process_pending(4)'), '4',
	'process_pending scores one batch by hand');
$node->safe_psql($db, 'CALL tweetlda.process_all_pending(3)');
is($node->safe_psql($db, 'SELECT count(*) FROM tweetlda.pending'), '0',
	'process_all_pending empties the queue');
check_exactly_once($node, $db);

# Concurrent micro-batches (the stream is stopped): a batch never waits for another one's
# claimed tweets (SKIP LOCKED), a rolled-back batch gives its tweets back, and a tweet whose
# inserting transaction commits after later ones is still scored.
land_tweets($node, $db, 8001, 8100);
my $a = $node->background_psql($db);
$a->query_safe('BEGIN');
is($a->query_safe('SELECT tweetlda.process_pending(60)'), '60', 'session A claims 60 tweets');
is($node->safe_psql($db, "SET statement_timeout = '10s'; SELECT tweetlda.process_pending(1000)"),
	'40', 'session B scores the other 40 without waiting for A');
$a->query_safe('ROLLBACK');
is($node->safe_psql($db, 'SELECT tweetlda.process_pending(1000)'), '60',
	'the tweets of the rolled-back batch are scored by the next one');
$a->query_safe('BEGIN');
$a->query_safe("SELECT tweetlda.ingest('{\"id\": 7500, \"text\": \"landed late\"}')");
land_tweets($node, $db, 8101, 8110);
is($node->safe_psql($db, 'SELECT tweetlda.process_pending(1000)'), '10',
	'later tweets are scored while an earlier id is not committed');
$a->query_safe('COMMIT');
is($node->safe_psql($db, 'SELECT tweetlda.process_pending(1000)'), '1',
	'the tweet committed late is scored too');
$a->quit;
check_exactly_once($node, $db);

my $log = slurp_file($node->logfile);
like($log, qr/tweetlda stream worker started in database "postgres"/, 'the start is logged');
like($log, qr/no active model/, 'the batch error is logged');
$node->stop;
done_testing();
