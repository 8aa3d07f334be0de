# LDA models: pg_dump/pg_restore round trip of tweetlda.models, corrupt binary model bytes
# (COPY BINARY), and long training that answers statement_timeout and query cancel.
use strict;
use warnings;
use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;
use IPC::Run;
use Time::HiRes qw(time);

my $root = $ENV{TWEETLDA_ROOT} or die "TWEETLDA_ROOT is not set";
my $tmp = PostgreSQL::Test::Utils::tempdir();

my $node = PostgreSQL::Test::Cluster->new('lda_dump');
$node->init;
$node->start;
$node->safe_psql('postgres', qq{
	CREATE EXTENSION tweetlda;
	CREATE TABLE tweets (corpus text, tweet_id bigint, created_at timestamptz, lang text, text text, source_ref text);
	COPY tweets FROM '$root/data/sample/tweets_sample.csv' WITH (FORMAT csv, HEADER true);
	SET client_min_messages = warning;
	SELECT tweetlda.train('m1', 'SELECT text FROM tweets', k => 4);
	SELECT tweetlda.train('m2', 'SELECT text FROM tweets', k => 3, weighting => 'tf', optimizer => 'batch', max_iter => 5);
	SELECT tweetlda.activate('m2');
});

my $state_sql = q{
	SELECT string_agg(name || ':' || k || ':' || active || ':' || (tweetlda.model_info(model)->>'fingerprint')
	                  || ':' || (tweetlda.model_info(model)->'training'->>'trained_at'), ',' ORDER BY id)
	FROM tweetlda.models};
my $scores_sql = q{
	SELECT md5(string_agg(coalesce(tweetlda.topics('m1', text)::text, 'null') || tweetlda.top_topic(2, text), ','
	                      ORDER BY tweet_id, text))
	FROM tweets};
my $state = $node->safe_psql('postgres', $state_sql);
my $scores = $node->safe_psql('postgres', $scores_sql);

# pg_dump (custom format) and pg_restore into a new database
$node->command_ok([ 'pg_dump', '-Fc', '-f', "$tmp/dump.fc", '-d', 'postgres' ], 'pg_dump -Fc');
$node->safe_psql('postgres', 'CREATE DATABASE restored');
$node->command_ok([ 'pg_restore', '-d', 'restored', "$tmp/dump.fc" ], 'pg_restore');
is($node->safe_psql('restored', $state_sql), $state, 'restored models: same names, k, active flag, fingerprints, metadata');
is($node->safe_psql('restored', $scores_sql), $scores, 'restored models score every tweet identically');
is($node->safe_psql('restored', "SELECT tweetlda.active_model() = (SELECT id FROM tweetlda.models WHERE name = 'm2')"),
	't', 'the active model is restored');
# the sequence is restored too: a new model gets a fresh id
$node->safe_psql('restored', "SET client_min_messages = warning; SELECT tweetlda.train('m3', 'SELECT text FROM tweets', k => 2, max_iter => 2)");
is($node->safe_psql('restored', "SELECT count(DISTINCT id) FROM tweetlda.models"), '3', 'ids stay unique after restore');

# plain-format dump through psql
$node->command_ok([ 'pg_dump', '-f', "$tmp/dump.sql", '-d', 'postgres' ], 'pg_dump plain');
$node->safe_psql('postgres', 'CREATE DATABASE restored_plain');
$node->command_ok([ 'psql', '-X', '-q', '-v', 'ON_ERROR_STOP=1', '-d', 'restored_plain', '-f', "$tmp/dump.sql" ],
	'plain dump restores with psql');
is($node->safe_psql('restored_plain', $state_sql), $state, 'plain restore: same models');

# Binary COPY of a model: intact bytes load, corrupted bytes are an error, never a crash.
$node->safe_psql('postgres', qq{
	CREATE TABLE mcopy (m tweetlda.lda_model);
	COPY (SELECT model FROM tweetlda.models WHERE name = 'm1') TO '$tmp/model.bin' WITH (FORMAT binary);
});
my $bin = slurp_file("$tmp/model.bin");
# header: 11-byte signature, int32 flags, int32 extension length; then int16 field count, int32 length
my $start = 11 + 4 + 4 + 2 + 4;
my $len = unpack('N', substr($bin, $start - 4, 4));
cmp_ok($len, '>', 1000, 'binary model has a plausible length');
$node->safe_psql('postgres', "COPY mcopy FROM '$tmp/model.bin' WITH (FORMAT binary)");
is($node->safe_psql('postgres', "SELECT tweetlda.model_info(m) = tweetlda.model_info('m1') FROM mcopy"),
	't', 'intact binary COPY round-trips the model');

my $rejected = 0;
my @offsets = (0, 5, 9, 13, 22, 40, 60, 120, 200, 300, int($len / 2), $len - 50, $len - 1);
for my $off (@offsets)
{
	my $bad = $bin;
	substr($bad, $start + $off, 1) = chr(ord(substr($bad, $start + $off, 1)) ^ 0x5A);
	write_file("$tmp/bad.bin", $bad);
	my ($ret, $out, $err) = $node->psql('postgres', "COPY mcopy FROM '$tmp/bad.bin' WITH (FORMAT binary)");
	$rejected++ if $ret != 0 && $err =~ /ERROR/;
	note("offset $off: $err");
}
is($rejected, scalar(@offsets), 'every corrupted binary model is rejected with an ERROR');
# a truncated value (the field length claims fewer bytes)
{
	my $bad = substr($bin, 0, $start - 4) . pack('N', $len - 100) . substr($bin, $start, $len - 100) . pack('n', 0xFFFF);
	write_file("$tmp/short.bin", $bad);
	my ($ret, $out, $err) = $node->psql('postgres', "COPY mcopy FROM '$tmp/short.bin' WITH (FORMAT binary)");
	like($err, qr/ERROR/, 'a truncated binary model is rejected');
}
is($node->safe_psql('postgres', 'SELECT count(*) FROM mcopy'), '1', 'server alive, only the intact copy loaded');

# Progress: NOTICEs with the iteration, the pass, the elapsed time and the bound (at most one
# every 2 seconds), and one at the end with the mean E-step iterations.
{
	my ($ret, $out, $err) = $node->psql('postgres', q{
		SELECT tweetlda.model_info(tweetlda.lda(text, (SELECT tweetlda.vocabulary(tweetlda.tokenize(text, tweetlda.text_config()), 2, 0.5, 20000) FROM tweets),
		                    '{"k": 5, "optimizer": "batch", "max_iter": 3}'))->'k' FROM tweets});
	like($err, qr/NOTICE:  lda: trained k=5 on \d+ documents in 3 iterations \(3\.00 passes\), [\d.]+ s, bound per token -[\d.]+/,
		'final progress notice');
	like($err, qr/DETAIL:  The E-step took [\d.]+ iterations per document on average\./, 'notice detail');
}

# Long training answers statement_timeout within about a second (the limit here is generous
# because the machine is shared; without the interrupt checks this training runs for minutes).
my $t0 = time();
my ($ret, $out, $err) = $node->psql('postgres', q{
	SET statement_timeout = '1s';
	SELECT tweetlda.lda(text, (SELECT tweetlda.vocabulary(tweetlda.tokenize(text, tweetlda.text_config()), 2, 0.5, 20000) FROM tweets),
	                    '{"k": 50, "optimizer": "batch", "max_iter": 100000}') FROM tweets});
my $elapsed = time() - $t0;
like($err, qr/canceling statement due to statement timeout/, 'statement_timeout cancels training');
cmp_ok($elapsed, '<', 15, "training stopped soon after the timeout (${elapsed}s)");
note("statement_timeout 1s: training stopped after ${elapsed}s");

# Query cancel from another session.
my ($in, $bout, $berr) = ('', '', '');
my $h = IPC::Run::start(
	[ 'psql', '-X', '-d', $node->connstr('postgres'), '-c',
	  q{SELECT tweetlda.lda(text, (SELECT tweetlda.vocabulary(tweetlda.tokenize(text, tweetlda.text_config()), 2, 0.5, 20000) FROM tweets), '{"k": 50, "optimizer": "batch", "max_iter": 100000}') FROM tweets} ],
	\$in, \$bout, \$berr);
my $pid = '';
for (1 .. 200)
{
	$pid = $node->safe_psql('postgres',
		"SELECT pid FROM pg_stat_activity WHERE query LIKE 'SELECT tweetlda.lda(%' AND state = 'active'");
	last if $pid ne '';
	select(undef, undef, undef, 0.1);
}
ok($pid ne '', 'training is running');
select(undef, undef, undef, 1.0);
$t0 = time();
$node->safe_psql('postgres', "SELECT pg_cancel_backend($pid)");
$h->finish;
$elapsed = time() - $t0;
like($berr, qr/canceling statement due to user request/, 'query cancel stops training');
cmp_ok($elapsed, '<', 15, "training stopped soon after the cancel (${elapsed}s)");
note("cancel: training stopped after ${elapsed}s");
is($node->safe_psql('postgres', 'SELECT 1'), '1', 'server still answers');

$node->stop;
done_testing();

# Write a file in binary mode.
sub write_file
{
	my ($f, $data) = @_;
	open(my $fh, '>:raw', $f) or die "$f: $!";
	print $fh $data;
	close $fh;
}
