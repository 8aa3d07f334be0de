# Trained sentiment classifiers: pg_dump/pg_restore round trip of tweetlda.sentiment_models, and
# binary COPY of a model (receive): intact bytes load, corrupted or truncated bytes are an error.
use strict;
use warnings;
use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;

my $root = $ENV{TWEETLDA_ROOT} or die "TWEETLDA_ROOT is not set";
my $tmp = PostgreSQL::Test::Utils::tempdir();

my $node = PostgreSQL::Test::Cluster->new('classifier_dump');
$node->init;
$node->start;
$node->safe_psql('postgres', 'CREATE EXTENSION tweetlda');
$node->safe_psql('postgres', slurp_file("$root/test/fixtures/sentiment_airline.sql"));
$node->safe_psql('postgres', q{
	SELECT tweetlda.train_sentiment('airline', 'SELECT doc, label FROM airline', holdout => 0.25);
	SELECT tweetlda.train_sentiment('airline2', 'SELECT doc, label FROM airline', holdout => 0,
	                                params => '{"char_ngrams": [3, 4], "social": false}');
});

my $state_sql = q{
	SELECT string_agg(name || ':' || tweetlda.sentiment_model_fingerprint(model) || ':' || metrics::text,
	                  ',' ORDER BY name)
	FROM tweetlda.sentiment_models};
my $scores_sql = q{
	SELECT md5(string_agg(tweetlda.sentiment_label(doc, 'airline') || tweetlda.polarity(doc, 'airline2'), ','
	                      ORDER BY id))
	FROM airline};
my $state = $node->safe_psql('postgres', $state_sql);
my $scores = $node->safe_psql('postgres', $scores_sql);

$node->command_ok([ 'pg_dump', '-Fc', '-f', "$tmp/dump.fc", '-d', 'postgres' ], 'pg_dump -Fc');
$node->safe_psql('postgres', 'CREATE DATABASE restored');
$node->command_ok([ 'pg_restore', '-d', 'restored', "$tmp/dump.fc" ], 'pg_restore');
is($node->safe_psql('restored', $state_sql), $state, 'restored classifiers: same names, fingerprints, metrics');
is($node->safe_psql('restored', $scores_sql), $scores, 'restored classifiers score every text identically');
like($node->safe_psql('restored', "SELECT string_agg(name, ',' ORDER BY name) FROM tweetlda.analyzers()"),
	qr/^airline,airline2,/, 'restored classifiers are analyzers');

# Binary COPY of a model: the receive function
$node->safe_psql('postgres', qq{
	CREATE TABLE mcopy (m tweetlda.sentiment_model);
	COPY (SELECT model FROM tweetlda.sentiment_models WHERE name = 'airline') TO '$tmp/model.bin' WITH (FORMAT binary);
});
my $bin = slurp_file("$tmp/model.bin");
my $start = 11 + 4 + 4 + 2 + 4;
my $len = unpack('N', substr($bin, $start - 4, 4));
cmp_ok($len, '>', 500, 'binary model has a plausible length');
$node->safe_psql('postgres', "COPY mcopy FROM '$tmp/model.bin' WITH (FORMAT binary)");
is($node->safe_psql('postgres',
	"SELECT tweetlda.sentiment_model_fingerprint(m) = (SELECT tweetlda.sentiment_model_fingerprint(model) FROM tweetlda.sentiment_models WHERE name = 'airline') FROM mcopy"),
	't', 'intact binary COPY round-trips the model');

my ($rejected, $tried) = (0, 0);
for (my $off = 0; $off < $len; $off += int($len / 97) + 1)
{
	my $bad = $bin;
	substr($bad, $start + $off, 1) = chr(ord(substr($bad, $start + $off, 1)) ^ 0x5A);
	write_file("$tmp/bad.bin", $bad);
	my ($ret, $out, $err) = $node->psql('postgres', "COPY mcopy FROM '$tmp/bad.bin' WITH (FORMAT binary)");
	$tried++;
	# the model's own checks, or the text configuration's (its bytes are embedded)
	$rejected++ if $ret != 0 && $err =~ /ERROR:  (invalid (sentiment model data|binary text configuration)|unsupported sentiment model format|(min|max)_length must be|unknown language)/;
	note("offset $off: $err") if $ret == 0 || $err !~ /invalid sentiment model data/;
}
is($rejected, $tried, "every corrupted byte ($tried positions) is refused with a clear error");
# truncated values (the field length in the COPY header shortened accordingly)
for my $cut (1, 8, 40, int($len / 2), $len - 1)
{
	my $short = substr($bin, 0, $start - 4) . pack('N', $len - $cut) . substr($bin, $start, $len - $cut) . pack('n', 0xFFFF);
	write_file("$tmp/short.bin", $short);
	my ($ret, $out, $err) = $node->psql('postgres', "COPY mcopy FROM '$tmp/short.bin' WITH (FORMAT binary)");
	like($err, qr/ERROR:  invalid sentiment model data/, "a model short by $cut bytes is refused");
}
is($node->safe_psql('postgres', 'SELECT count(*) FROM mcopy'), '1', 'nothing corrupt was loaded (and the server is up)');
$node->stop;
done_testing();

# Write bytes to a file
sub write_file
{
	my ($path, $data) = @_;
	open(my $fh, '>:raw', $path) or die "$path: $!";
	print $fh $data;
	close($fh);
}
