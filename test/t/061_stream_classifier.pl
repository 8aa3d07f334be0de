# The stream worker with a trained sentiment classifier as its analyzer: start_stream(...,
# analyzer => name) selects it, the worker (role tweetlda_stream) labels every tweet with the
# classifier's most probable class and its polarity, and switching back to a built-in analyzer
# applies to the tweets scored afterwards.
use strict;
use warnings;
use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;
use FindBin;
BEGIN { require "$FindBin::Bin/060_stream_common.pm"; StreamTest->import; }

my $node = PostgreSQL::Test::Cluster->new('stream_classifier');
$node->init;
$node->append_conf('postgresql.conf', "max_worker_processes = 16\n");
$node->start;
my $db = 'postgres';
my $root = $ENV{TWEETLDA_ROOT} or die "TWEETLDA_ROOT is not set";
$node->safe_psql($db, 'CREATE EXTENSION tweetlda');
load_sample($node, $db);
setup_model($node, $db);
$node->safe_psql($db, slurp_file("$root/test/fixtures/sentiment_airline.sql"));
$node->safe_psql($db,
	"SELECT tweetlda.train_sentiment('airline', 'SELECT doc, label FROM airline')");

# An unknown analyzer is refused and changes nothing.
my ($ret, $out, $err) = $node->psql($db,
	"SELECT tweetlda.start_stream('100 ms', 500, analyzer => 'no_such_model')");
like($err, qr/unknown sentiment analyzer "no_such_model"/, 'an unknown analyzer is refused');
is($node->safe_psql($db, 'SELECT analyzer FROM tweetlda.stream_state'), 'textblob',
	'the analyzer is unchanged after the error');

# The worker scores with the classifier.
my $pid = $node->safe_psql($db,
	"SELECT tweetlda.start_stream('100 ms', 500, analyzer => 'airline')");
ok($pid > 0, 'the worker started with the classifier as analyzer');
is($node->safe_psql($db, 'SELECT analyzer FROM tweetlda.stream_state'), 'airline',
	'start_stream stored the analyzer');
my $n = $node->safe_psql($db, 'SELECT count(*) FROM airline');
$node->safe_psql($db, q{
	SELECT tweetlda.ingest_batch(ARRAY(
		SELECT jsonb_build_object('id', a.id, 'text', a.doc,
		                          'created_at', '2026-01-01 00:00:00+00')::text
		FROM airline a))});
wait_scored($node, $db, $n);
is($node->safe_psql($db, q{
	SELECT count(*) FROM tweetlda.tweet_scores s
	JOIN airline a ON a.id = s.tweet_id
	WHERE s.sentiment IS DISTINCT FROM tweetlda.sentiment_label(a.doc, 'airline')
	   OR s.polarity IS DISTINCT FROM tweetlda.polarity(a.doc, 'airline')}),
	'0', 'every tweet carries the classifier\'s label and polarity');
# The domain words no lexicon knows: "delayed" is negative for the classifier, not for textblob.
is($node->safe_psql($db, q{
	SELECT count(*) FILTER (WHERE s.sentiment = 'negative') = count(*) AND count(*) > 0
	FROM tweetlda.tweet_scores s JOIN airline a ON a.id = s.tweet_id
	WHERE a.doc LIKE '%delayed again' AND a.label = 'negative'}),
	't', 'delayed flights are labelled negative by the classifier');
isnt($node->safe_psql($db, q{
	SELECT count(*) FROM airline a
	WHERE a.doc LIKE '%delayed again' AND tweetlda.sentiment_label(a.doc, 'textblob') = 'negative'}),
	$node->safe_psql($db, q{SELECT count(*) FROM airline a WHERE a.doc LIKE '%delayed again'}),
	'while textblob does not label them all negative');

# Back to a built-in analyzer: the tweets scored afterwards use it.
is($node->safe_psql($db,
	"SELECT tweetlda.start_stream('100 ms', 500, analyzer => 'textblob')"), $pid,
	'reconfiguring keeps the running worker');
land_tweets($node, $db, 100001, 100300);
wait_scored($node, $db, $n + 300);
is($node->safe_psql($db, q{
	SELECT count(*) FROM tweetlda.tweet_scores s
	JOIN tweetlda.tweets t ON t.id = s.tweet_id
	WHERE s.tweet_id > 100000
	  AND s.polarity IS DISTINCT FROM tweetlda.polarity(t.text, 'textblob')}),
	'0', 'later tweets are scored by textblob');

ok($node->safe_psql($db, 'SELECT tweetlda.stop_stream()') eq 't', 'stop_stream');
$node->stop;
done_testing();
