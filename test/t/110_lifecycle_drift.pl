# Drift checks run by pg_cron (doc/lifecycle.md, "Drift"): schedule_drift_check() needs pg_cron;
# a real cron tick with no active model succeeds and records nothing; a model trained on CrisisLex
# tweets (../shared/data) does not drift on a stream of other CrisisLex tweets and drifts when
# 40% of the stream are AI/ML tweets; scheduling again replaces the job; unscheduling removes it.
use strict;
use warnings;
use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;

my $root = $ENV{TWEETLDA_ROOT} or die "TWEETLDA_ROOT is not set";
my $crisis = "$root/../shared/data/crisislex/crisislex_tweets_combined.csv.gz";
my $aiml = "$root/../shared/data/ai_ml_tweets/ai_ml_tweets_combined.csv.gz";
plan skip_all => "tweet corpora not found under $root/../shared/data (../shared is absent): drift test skipped"
	unless -r $crisis && -r $aiml;

my $node = PostgreSQL::Test::Cluster->new('lifecycle_drift');
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
my ($ret, $out, $err) = $node->psql($db, "SELECT tweetlda.schedule_drift_check('* * * * *')");
like($err, qr/pg_cron is not installed in database "postgres"/, 'schedule_drift_check needs pg_cron');
like($err, qr/HINT:.*CREATE EXTENSION pg_cron/, 'the hint says how to install it');
is($node->safe_psql($db, 'SELECT tweetlda.unschedule_drift_check()'), 'f',
	'unschedule_drift_check without pg_cron');
$node->safe_psql($db, 'CREATE EXTENSION pg_cron');

# The corpora: pools of distinct texts in a fixed pseudo-random order.
$node->safe_psql($db, qq{
	CREATE TABLE crisis_raw (collection text, event text, tweet_id bigint, created_at text,
		cas text, text text, a text, b text, c text, e text);
	COPY crisis_raw FROM PROGRAM 'gzip -dc $crisis' WITH (FORMAT csv, HEADER);
	CREATE TABLE aiml_raw (source_file text, tweet_id bigint, created_at text, lang text,
		usr text, text text, q text);
	COPY aiml_raw FROM PROGRAM 'gzip -dc $aiml' WITH (FORMAT csv, HEADER);
	CREATE TABLE pool_train AS SELECT row_number() OVER (ORDER BY md5(text)) AS n, text
		FROM (SELECT DISTINCT text FROM crisis_raw WHERE abs(hashtext(text)) % 2 = 0) q;
	CREATE TABLE pool_crisis AS SELECT row_number() OVER (ORDER BY md5(text)) AS n, text
		FROM (SELECT DISTINCT text FROM crisis_raw WHERE abs(hashtext(text)) % 2 = 1) q;
	CREATE TABLE pool_aiml AS SELECT row_number() OVER (ORDER BY md5(text)) AS n, text
		FROM (SELECT DISTINCT text FROM aiml_raw) q;});

# A bad schedule is pg_cron's error; a bad window ours.
($ret, $out, $err) = $node->psql($db, "SELECT tweetlda.schedule_drift_check('every now and then')");
like($err, qr/invalid schedule/, 'a bad schedule is refused by pg_cron');
($ret, $out, $err) = $node->psql($db, "SELECT tweetlda.schedule_drift_check('* * * * *', '0')");
like($err, qr/recent window must be a positive interval/, 'a window of 0 is refused');

my $job = $node->safe_psql($db, "SELECT tweetlda.schedule_drift_check('0 * * * *', '1 hour')");
ok($job > 0, 'schedule_drift_check returns the job id');
is($node->safe_psql($db, "SELECT tweetlda.schedule_drift_check('* * * * *', '1 hour')"), $job,
	'scheduling again replaces the job');
is($node->safe_psql($db, 'SELECT schedule, command, database FROM cron.job'),
	q{* * * * *|SELECT tweetlda.drift_check_job('01:00:00'::pg_catalog.interval)|postgres},
	'the job runs a fully qualified drift check');

# No active model: a tick succeeds and records nothing.
ok($node->poll_query_until($db, q{
	SELECT EXISTS (SELECT 1 FROM cron.job_run_details WHERE status = 'succeeded')}),
	'a cron tick without an active model succeeds');
is($node->safe_psql($db, 'SELECT count(*) FROM tweetlda.drift_history'), '0',
	'and records no drift check');

# The model: k=10 on 20,000 CrisisLex tweets (it becomes the active model).
$node->safe_psql($db, q{
	SELECT tweetlda.train('crisis', 'SELECT text FROM pool_train WHERE n <= 20000', k => 10)});

# Land a window (the stream's path: minimal objects received now, scored by process_pending) in
# one transaction, so that a tick sees all of it or none; returns the time it committed.
sub land_window
{
	my ($crisis_n, $aiml_n) = @_;
	$node->safe_psql($db, qq{
		TRUNCATE tweetlda.tweets, tweetlda.tweet_ids, tweetlda.tweet_scores, tweetlda.pending;
		INSERT INTO tweetlda.ingest_staging (raw)
			SELECT jsonb_build_object('id', n, 'text', text)::text FROM pool_crisis WHERE n <= $crisis_n;
		INSERT INTO tweetlda.ingest_staging (raw)
			SELECT jsonb_build_object('id', 1000000000000 + n, 'text', text)::text FROM pool_aiml WHERE n <= $aiml_n;
		SELECT tweetlda.process_pending(1000000);});
	return $node->safe_psql($db, 'SELECT clock_timestamp()');
}

# The next check after time $since (a real cron tick, bounded wait): drifted|status|exceeded
# figures|tweets sampled.
sub next_check
{
	my ($since) = @_;
	ok($node->poll_query_until($db, qq{
		SELECT EXISTS (SELECT 1 FROM tweetlda.drift_history WHERE checked_at > '$since')}),
		"a cron tick checked the window landed at $since")
	  or diag($node->safe_psql($db, 'SELECT * FROM cron.job_run_details ORDER BY runid DESC LIMIT 3'));
	return $node->safe_psql($db, qq{
		SELECT drifted, status,
		       (SELECT coalesce(string_agg(c.key, ',' ORDER BY c.key), '') FROM jsonb_each(figures -> 'checks') c
		        WHERE (c.value ->> 'exceeded')::boolean),
		       figures #>> '{window,sampled}'
		FROM tweetlda.drift_history WHERE checked_at > '$since' ORDER BY checked_at, id LIMIT 1});
}

# A stream from the training distribution: no drift.
my $since = land_window(5000, 0);
my $check = next_check($since);
like($check, qr/^f\|ok\|\|5000$/, 'a stream of the training distribution does not drift')
  or diag($check);

# 40% of the stream from another corpus: drift, seen by perplexity and unknown words.
$since = land_window(3000, 2000);
$check = next_check($since);
like($check, qr/^t\|drifted\|[a-z_,]*oov_rate_increase[a-z_,]*\|5000$/,
	'a planted shift (40% AI/ML tweets) is detected') or diag($check);
like($check, qr/log_perplexity_increase/, 'held-out perplexity went up');

# The latest verdict per model, as retraining reads it.
is($node->safe_psql($db, q{
	SELECT DISTINCT ON (h.model_id) m.name, h.drifted
	FROM tweetlda.drift_history h JOIN tweetlda.models m ON m.id = h.model_id
	ORDER BY h.model_id, h.checked_at DESC, h.id DESC}), 'crisis|t', 'the latest check says drifted');
is($node->safe_psql($db, q{
	SELECT count(*) FROM cron.job_run_details WHERE status <> 'succeeded'}), '0',
	'every cron run succeeded');

is($node->safe_psql($db, 'SELECT tweetlda.unschedule_drift_check()'), 't', 'unschedule_drift_check');
is($node->safe_psql($db, 'SELECT count(*) FROM cron.job'), '0', 'the job is gone');
is($node->safe_psql($db, 'SELECT tweetlda.unschedule_drift_check()'), 'f',
	'unschedule_drift_check without a job');
$node->stop;
done_testing();
