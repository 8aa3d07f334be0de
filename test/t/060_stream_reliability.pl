# Reliability of the stream with the library preloaded: four concurrent tweetlda-ingest
# producers (duplicates and malformed records included), the stream worker started by the
# server itself (tweetlda.stream_databases), and repeated kill -9 of the server and of the worker
# while batches run. Afterwards every landed tweet is scored exactly once, duplicates are stored
# once, malformed records are in tweetlda.rejected, and the worker runs again by itself.
use strict;
use warnings;
use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;
use IPC::Run;
use FindBin;
BEGIN { require "$FindBin::Bin/060_stream_common.pm"; StreamTest->import; }

my $node = PostgreSQL::Test::Cluster->new('stream_reliability');
$node->init;
$node->append_conf('postgresql.conf', qq{
shared_preload_libraries = 'tweetlda'
tweetlda.stream_databases = 'streamdb'
max_worker_processes = 16
restart_after_crash = on
});
$node->start;
$node->safe_psql('postgres', 'CREATE DATABASE streamdb');
my $db = 'streamdb';
$node->safe_psql($db, 'CREATE EXTENSION tweetlda');
load_sample($node, $db);
setup_model($node, $db);
add_score_log($node, $db);
# Small, frequent batches so that the kills land in the middle of some; no start_stream call.
$node->safe_psql($db,
	"UPDATE tweetlda.stream_state SET trigger_interval = '100 ms', batch_size = 300");
# The static worker found no database (then no extension) at the first start and ended; it
# comes with the next server start.
$node->restart;
ok($node->poll_query_until($db, 'SELECT running FROM tweetlda.stream_status()'),
	'the preloaded library starts the worker by itself');

# Four producer inputs: ids p, p+4, ... (4,000 each), 400 ids of the next producer again
# (duplicates), and 25 malformed records each.
my $tweets = 16000;
my $dir = PostgreSQL::Test::Utils::tempdir;
my @files;
for my $p (0 .. 3)
{
	my $next = ($p + 1) % 4;
	my $lines = $node->safe_psql($db, qq{
		SELECT jsonb_build_object('id', g, 'text', s.text, 'created_at', s.created_at)::text
		FROM generate_series(1, $tweets) g JOIN public.sample s ON s.rn = g % 4000 + 1
		WHERE g % 4 = $p OR (g % 4 = $next AND g % 40 = 0)
		ORDER BY g});
	my @bad = map { ($_ % 2) ? "not json $p-$_ {" : qq({"id": "bad-$p-$_", "text": "an id that is not a number"}) } 1 .. 25;
	my @all = split /\n/, $lines;
	splice(@all, 100 * $_ + 1, 0, $bad[$_]) for 0 .. $#bad;
	my $file = "$dir/producer$p.ndjson";
	open(my $fh, '>', $file) or die "$file: $!";
	print $fh join("\n", @all), "\n";
	close $fh;
	push @files, $file;
}

# Start the producers at 400 records/s each, so that the stream runs for about ten seconds.
my $connstr = $node->connstr($db);
my @producers;
for my $p (0 .. 3)
{
	my ($out, $err) = ('', '');
	my $h = IPC::Run::start(['tweetlda-ingest', '-q', '-f', 'ndjson', '-d', $connstr, '-b', '100', '-r', '400',
		'--retry-timeout', '120', $files[$p]], '>', \$out, '2>', \$err);
	push @producers, { h => $h, err => \$err };
}

# Whether a producer still runs.
sub producing
{
	for my $p (@producers) { return 1 if $p->{h}->pumpable; }
	return 0;
}

# kill -9 of the whole server, three times while the producers run, each time after the worker
# scored more tweets and while it runs a batch.
my $server_kills = 0;
for my $round (1 .. 3)
{
	my $before = $node->safe_psql($db, 'SELECT count(*) FROM tweetlda.tweet_scores');
	my $busy = 0;
	for (1 .. 300)
	{
		last unless producing();
		$busy = $node->safe_psql($db, qq{
			SELECT (SELECT count(*) FROM tweetlda.tweet_scores) > $before + 300
			   AND EXISTS (SELECT 1 FROM pg_stat_activity
			               WHERE backend_type = 'tweetlda stream' AND query ~ 'process_pending')})
		  eq 't';
		last if $busy;
		select(undef, undef, undef, 0.02);
	}
	last unless $busy;
	$node->kill9;
	$server_kills++;
	# orphaned backends may hold the shared memory for a moment: retry the start
	my $started = 0;
	for (1 .. 60)
	{
		$started = $node->start(fail_ok => 1);
		last if $started;
		delete $node->{_pid};    # the stale postmaster.pid of the killed server
		sleep 1;
	}
	die 'server did not restart' unless $started;
	ok($node->poll_query_until($db, 'SELECT running FROM tweetlda.stream_status()'),
		"round $round: the worker runs again after the server restart");
}
ok($server_kills >= 2, "the server was killed $server_kills times while tweets streamed in");

# kill -9 of the worker alone: the postmaster restarts everything and the worker comes back.
my $wpid = $node->safe_psql($db, 'SELECT pid FROM tweetlda.stream_status()');
kill 'KILL', $wpid;
$node->poll_query_until($db, 'SELECT true') or die 'server did not come back';
ok($node->poll_query_until($db,
	"SELECT running AND pid <> $wpid FROM tweetlda.stream_status()"),
	'the worker is back after kill -9 of the worker');

# The producers reconnect and finish.
for my $p (0 .. 3)
{
	$producers[$p]{h}->finish;
	is($producers[$p]{h}->result(0), 0, "producer $p finished (exit code 0)")
		or diag ${ $producers[$p]{err} };
}

# Every tweet once, scored once; duplicates stored once; malformed records rejected.
ok($node->poll_query_until($db,
	"SELECT (SELECT count(*) FROM tweetlda.tweet_scores) = $tweets
	    AND NOT EXISTS (SELECT 1 FROM tweetlda.pending)"),
	'every landed tweet is scored');
is($node->safe_psql($db, 'SELECT count(*), count(DISTINCT id), min(id), max(id) FROM tweetlda.tweets'),
	"$tweets|$tweets|1|$tweets", 'every tweet is landed once, duplicates included');
is($node->safe_psql($db, q{SELECT count(DISTINCT raw) FROM tweetlda.rejected
	WHERE raw ~ '^not json [0-3]-[0-9]+ \{$' OR raw ~ '"bad-[0-3]-[0-9]+"'}),
	'100', 'every malformed record is in tweetlda.rejected');
is($node->safe_psql($db, q{SELECT count(*) FROM tweetlda.rejected WHERE tweet_id IS NOT NULL
	AND reason ~ '^scoring failed'}), '0', 'no tweet failed to score');
check_exactly_once($node, $db);
is($node->safe_psql($db, 'SELECT running, enabled IS NULL, errors >= 0 FROM tweetlda.stream_status()'),
	't|t|t', 'the worker still runs, never started by hand');

my $log = slurp_file($node->logfile);
my $starts = () = $log =~ /tweetlda stream worker started in database "streamdb"/g;
ok($starts >= $server_kills + 2,
	"the worker started $starts times (once, and again after every kill)");
$node->stop;
done_testing();
