# Robustness of the stream worker (issue 9): a plain role cannot take or fake the worker's
# identity, stream_state rejects a bad batch size, stop_stream() and pg_terminate_backend end a
# long batch within seconds without losing or duplicating a score, the worker keeps running when
# the role that started it is dropped or when recording an error fails, and it neither restarts
# in a loop nor blocks anything after DROP DATABASE ... WITH (FORCE) or in a read-only database.
use strict;
use warnings;
use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;
use Time::HiRes qw(time sleep);
use FindBin;
BEGIN { require "$FindBin::Bin/060_stream_common.pm"; StreamTest->import; }

my $node = PostgreSQL::Test::Cluster->new('stream_robustness');
$node->init;
$node->append_conf('postgresql.conf', "max_worker_processes = 16\n");
$node->start;
my $db = 'postgres';
$node->safe_psql($db, 'CREATE EXTENSION tweetlda');
load_sample($node, $db);
setup_model($node, $db);
add_score_log($node, $db);

# The pid of the stream worker of a database, '' when none.
sub worker_pid
{
	my ($dbname) = @_;
	return $node->safe_psql('postgres', qq{SELECT pid FROM pg_stat_activity
		WHERE backend_type = 'tweetlda stream' AND datname = '$dbname'});
}

# Wait until the worker runs a batch (process_pending) for at least a second; its pid.
sub wait_in_long_batch
{
	$node->poll_query_until($db, q{SELECT EXISTS (SELECT 1 FROM pg_stat_activity
		WHERE backend_type = 'tweetlda stream' AND query ~ 'process_pending'
		  AND state = 'active' AND now() - query_start > '1 second')})
	  or die 'the worker runs no batch';
	return worker_pid($db);
}

# ---- stream_state is validated ----
my ($ret, $out, $err) = $node->psql($db, 'UPDATE tweetlda.stream_state SET batch_size = 0');
like($err, qr/stream_state_batch_size_check/, 'batch_size 0 is refused by a CHECK');
($ret, $out, $err) = $node->psql($db, "UPDATE tweetlda.stream_state SET trigger_interval = '-1 s'");
like($err, qr/stream_state_trigger_interval_check/, 'a negative interval is refused');

# ---- a plain role cannot block or impersonate the worker (0.1.0: advisory lock 7412390451) ----
$node->safe_psql($db, 'CREATE ROLE plain LOGIN');
my $plain = $node->background_psql($db, extra_params => [ '-U', 'plain' ]);
$plain->query_safe('SELECT pg_advisory_lock(7412390451)');
# a role that may start the stream, dropped later while the worker runs
$node->safe_psql($db, q{
	CREATE ROLE starter LOGIN;
	GRANT EXECUTE ON FUNCTION tweetlda.start_stream(interval, integer, text), tweetlda.stream_launch(),
		tweetlda.stream_status() TO starter;
	GRANT SELECT, UPDATE ON tweetlda.stream_state TO starter;
	GRANT SELECT ON tweetlda.pending, tweetlda.tweet_scores TO starter});
land_tweets($node, $db, 1, 200);
my $pid = $node->safe_psql($db, "SELECT tweetlda.start_stream('100 ms', 100)",
	extra_params => [ '-U', 'starter' ]);
wait_scored($node, $db, 200);
is($node->safe_psql($db, 'SELECT running, pid FROM tweetlda.stream_status()'), "t|$pid",
	'the worker runs although a plain role holds the old advisory lock');
$plain->quit;
$node->safe_psql($db, 'DROP OWNED BY starter; DROP ROLE starter');
land_tweets($node, $db, 201, 400);
wait_scored($node, $db, 400);
is(worker_pid($db), $pid, 'the worker goes on after the role that started it is dropped');

# ---- stop_stream() ends a long batch promptly ----
$node->safe_psql($db, q{
	CREATE FUNCTION public.slow() RETURNS trigger LANGUAGE plpgsql AS $$
	BEGIN PERFORM pg_sleep(0.002); RETURN NEW; END $$;
	CREATE TRIGGER slow BEFORE INSERT ON tweetlda.tweet_scores
		FOR EACH ROW EXECUTE FUNCTION public.slow();
	UPDATE tweetlda.stream_state SET batch_size = 20000});
land_tweets($node, $db, 1001, 21000);    # one batch of 20,000 tweets: about 40 s
$pid = wait_in_long_batch();
my $t0 = time;
is($node->safe_psql($db, 'SELECT tweetlda.stop_stream()'), 't', 'stop_stream during a long batch');
ok($node->poll_query_until($db, "SELECT NOT EXISTS (SELECT 1 FROM pg_stat_activity WHERE pid = $pid)"),
	'the worker exits');
my $took = time - $t0;
cmp_ok($took, '<', 5, sprintf('stop_stream ended the batch within 5 s (%.1f s)', $took));
is($node->safe_psql($db, 'SELECT count(*) FROM tweetlda.pending'), '20000',
	'the abandoned batch gave its tweets back to the queue');

# ---- pg_terminate_backend ends a long batch promptly; the worker does not come back ----
$pid = $node->safe_psql($db, "SELECT tweetlda.start_stream('100 ms', 20000)");
$pid = wait_in_long_batch();
$t0 = time;
$node->safe_psql($db, "SELECT pg_terminate_backend($pid)");
ok($node->poll_query_until($db, "SELECT NOT EXISTS (SELECT 1 FROM pg_stat_activity WHERE pid = $pid)"),
	'the worker exits after pg_terminate_backend');
$took = time - $t0;
cmp_ok($took, '<', 5, sprintf('pg_terminate_backend ended the batch within 5 s (%.1f s)', $took));
sleep 7;    # longer than bgw_restart_time
is($node->safe_psql($db, 'SELECT running, enabled FROM tweetlda.stream_status()'), 'f|t',
	'a terminated worker is not restarted (start_stream() resumes)');

# ---- resume: every tweet scored exactly once ----
$node->safe_psql($db, 'DROP TRIGGER slow ON tweetlda.tweet_scores');
$node->safe_psql($db, "SELECT tweetlda.start_stream('100 ms', 5000)");
wait_scored($node, $db, 20400);
check_exactly_once($node, $db);
$node->safe_psql($db, 'SELECT tweetlda.stop_stream()');

# ---- recording an error fails: the worker logs it and goes on ----
$node->safe_psql('postgres', 'CREATE DATABASE norecord');
$node->safe_psql('norecord', q{
	CREATE EXTENSION tweetlda;
	CREATE FUNCTION public.no_errors() RETURNS trigger LANGUAGE plpgsql AS $$
	BEGIN
		IF NEW.last_error IS NOT NULL THEN RAISE EXCEPTION 'cannot record the error'; END IF;
		RETURN NEW;
	END $$;
	CREATE TRIGGER no_errors BEFORE UPDATE ON tweetlda.stream_state
		FOR EACH ROW EXECUTE FUNCTION public.no_errors()});
$pid = $node->safe_psql('norecord', "SELECT tweetlda.start_stream('100 ms', 10)");
ok($node->poll_query_until('postgres', q{SELECT true}), 'server up');
sleep 3;    # about 30 batches, each failing with "no active model", each recording failing
is(worker_pid('norecord'), $pid, 'the worker still runs when recording its errors fails');

# ---- DROP DATABASE ... WITH (FORCE): the worker ends and does not restart ----
my $logpos = -s $node->logfile;
$node->safe_psql('postgres', 'DROP DATABASE norecord WITH (FORCE)');
sleep 7;
is(worker_pid('norecord'), '', 'no worker after DROP DATABASE ... WITH (FORCE)');
my $log = substr(slurp_file($node->logfile), $logpos);
unlike($log, qr/does not exist/, 'the worker does not try to reconnect to the dropped database');

# ---- a read-only database: the worker says why and ends, no restart loop ----
$node->safe_psql('postgres', 'CREATE DATABASE readonly');
$node->safe_psql('readonly', 'CREATE EXTENSION tweetlda');
$node->safe_psql('postgres', 'ALTER DATABASE readonly SET default_transaction_read_only = on');
$logpos = -s $node->logfile;
$node->safe_psql('readonly',
	"SET default_transaction_read_only = off; SELECT tweetlda.start_stream('100 ms', 10)");
sleep 7;
is(worker_pid('readonly'), '', 'no worker in a read-only database');
$log = substr(slurp_file($node->logfile), $logpos);
my $errors = () = $log =~ /read-only transaction/g;
is($errors, 1, 'the worker logged the read-only database once and did not restart');
# a stopped stream leaves the database free to drop (no worker holds a connection)
$node->safe_psql('postgres', 'DROP DATABASE readonly');
pass('a database whose worker ended can be dropped');

$node->stop;
done_testing();
