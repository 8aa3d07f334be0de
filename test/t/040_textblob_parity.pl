# The textblob analyzer: lexicon changes seen by other sessions, user lexicon rows kept by
# pg_dump, and numeric parity with TextBlob 0.18 on the golden data of ../shared/data (all edge
# cases and every fixture tweet; that part is skipped with a message when the data is absent).
use strict;
use warnings;
use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;

my $root = $ENV{TWEETLDA_ROOT} or die "TWEETLDA_ROOT is not set";
my $golden = "$root/../shared/data/textblob_golden";

my $node = PostgreSQL::Test::Cluster->new('textblob');
$node->init;
$node->start;
$node->safe_psql('postgres', 'CREATE EXTENSION tweetlda');

# A change of the lexicon is seen by the next statement of a session that has it cached.
my $session = $node->background_psql('postgres');
is($session->query_safe("SELECT tweetlda.polarity('so lit')"), '0', 'unknown word before the change');
$node->safe_psql('postgres',
	"INSERT INTO tweetlda.sentiment_lexicon (word, pos, polarity, subjectivity) VALUES ('lit', 'JJ', 0.9, 0.8)");
is($session->query_safe("SELECT tweetlda.polarity('so lit')"), '0.9', 'other session sees the inserted word');
$node->safe_psql('postgres', "UPDATE tweetlda.sentiment_lexicon SET polarity = 0.25 WHERE word = 'lit'");
is($session->query_safe("SELECT tweetlda.polarity('so lit')"), '0.25', 'other session sees the update');
$node->safe_psql('postgres', "DELETE FROM tweetlda.sentiment_lexicon WHERE word = 'lit'");
is($session->query_safe("SELECT tweetlda.polarity('so lit')"), '0', 'other session sees the delete');
# a dropped and re-created extension has a new table, whose changes are still seen
$node->safe_psql('postgres', 'DROP EXTENSION tweetlda; CREATE EXTENSION tweetlda');
is($session->query_safe("SELECT tweetlda.polarity('good')"), '0.7', 'works after re-creating the extension');
$node->safe_psql('postgres',
	"INSERT INTO tweetlda.sentiment_lexicon (word, polarity, subjectivity) VALUES ('good', -0.5, 0.5)");
is($session->query_safe("SELECT tweetlda.polarity('good')"), '-0.5', 'changes of the new table are seen');
$session->quit;

# pg_dump keeps the user rows (not the built-in ones, which CREATE EXTENSION restores).
$node->safe_psql('postgres',
	"INSERT INTO tweetlda.sentiment_lexicon (word, pos, polarity, subjectivity) VALUES ('lit', 'JJ', 0.9, 0.8)");
my $dump = "$ENV{TESTDIR}/textblob_dump.sql";
$node->command_ok([ 'pg_dump', '-d', $node->connstr('postgres'), '-f', $dump ], 'pg_dump');
$node->safe_psql('postgres', 'CREATE DATABASE restored');
$node->command_ok([ 'psql', '-X', '-q', '-v', 'ON_ERROR_STOP=1', '-d', $node->connstr('restored'), '-f', $dump ],
	'restore');
is($node->safe_psql('restored',
	"SELECT count(*) FILTER (WHERE builtin) || ' ' || count(*) FILTER (WHERE NOT builtin) FROM tweetlda.sentiment_lexicon"),
	'2918 2', 'restored: built-in rows once, both user rows');
is($node->safe_psql('restored', "SELECT tweetlda.polarity('so lit') || ' ' || tweetlda.polarity('good')"),
	'0.9 -0.5', 'restored user rows are used');
is($node->safe_psql('restored',
	"INSERT INTO tweetlda.sentiment_lexicon (word, polarity, subjectivity) VALUES ('meh', -0.1, 0.5) RETURNING id > 1000002"),
	't', 'the id sequence continues after the restored rows');

SKIP:
{
	skip "TextBlob golden data not found at $golden (../shared is absent): parity not checked", 6
	  unless -f "$golden/edge_cases.tsv" && -f "$golden/tweets_textblob.tsv";

	$node->safe_psql('postgres', q{
		DELETE FROM tweetlda.sentiment_lexicon WHERE NOT builtin;
		CREATE TABLE edge (text text, polarity float8, subjectivity float8, p26_polarity float8,
		                   p26_subjectivity float8, assessments text);
		CREATE TABLE tweets (source text, source_id text, text text, polarity float8,
		                     subjectivity float8, n_assessments int);
	});
	$node->safe_psql('postgres',
		"\\copy edge FROM '$golden/edge_cases.tsv' (FORMAT text, HEADER true)\n"
		  . "\\copy tweets FROM '$golden/tweets_textblob.tsv' (FORMAT text, HEADER true)");

	# Rows that differ by more than 1e-12 (and how many are not bit-identical).
	my $compare = sub {
		my ($table, $key) = @_;
		return $node->safe_psql('postgres', qq{
			SELECT count(*) || ' rows, ' || count(*) FILTER (WHERE NOT exact) || ' not bit-identical, '
			       || count(*) FILTER (WHERE NOT close) || ' differ'
			FROM (SELECT (s).polarity = polarity AND (s).subjectivity = subjectivity AS exact,
			             abs((s).polarity - polarity) <= 1e-12 AND abs((s).subjectivity - subjectivity) <= 1e-12 AS close
			      FROM (SELECT *, tweetlda.sentiment(text) AS s FROM $table) x) y;
			SELECT $key || ': ' || text || ' | expected ' || polarity || ', ' || subjectivity
			       || ' | got ' || (s).polarity || ', ' || (s).subjectivity
			FROM (SELECT *, tweetlda.sentiment(text) AS s FROM $table) x
			WHERE NOT (abs((s).polarity - polarity) <= 1e-12 AND abs((s).subjectivity - subjectivity) <= 1e-12)
			LIMIT 50});
	};
	my $edge = $compare->('edge', "'edge'");
	note "edge cases: $edge";
	is((split /\n/, $edge)[0], '42 rows, 0 not bit-identical, 0 differ', 'every edge case equals TextBlob')
	  or diag $edge;
	my $tweets = $compare->('tweets', 'source_id');
	note "tweets: $tweets";
	is((split /\n/, $tweets)[0], '29282 rows, 0 not bit-identical, 0 differ', 'every fixture tweet equals TextBlob')
	  or diag $tweets;

	# the assessments themselves: words, values and labels of every edge case (TextBlob's JSON),
	# and the number of assessments of every tweet
	is($node->safe_psql('postgres', q{
		SELECT string_agg(text || ': expected ' || assessments || ' got ' || ours::text, E'\n')
		FROM (SELECT e.text, e.assessments,
		             (SELECT coalesce(jsonb_agg(jsonb_build_array(to_jsonb(a.words), a.polarity,
		                                                          a.subjectivity, a.label) ORDER BY a.ord), '[]')
		              FROM tweetlda.textblob_assessments(e.text)
		                   WITH ORDINALITY AS a(words, polarity, subjectivity, label, ord)) AS ours
		      FROM edge e) x
		WHERE ours <> assessments::jsonb}),
		'', 'textblob_assessments() equals TextBlob on every edge case');
	is($node->safe_psql('postgres', q{
		SELECT count(*) FROM tweets t
		WHERE (SELECT count(*) FROM tweetlda.textblob_assessments(t.text)) <> t.n_assessments}),
		'0', 'every fixture tweet has as many assessments as in TextBlob');

	# the same through polarity() and subjectivity(), and in a parallel plan
	is($node->safe_psql('postgres', q{
		SELECT count(*) FROM tweets
		WHERE tweetlda.polarity(text) <> polarity OR tweetlda.subjectivity(text) <> subjectivity}),
		'0', 'polarity() and subjectivity() agree');
	is($node->safe_psql('postgres', q{
		SET parallel_setup_cost = 0; SET parallel_tuple_cost = 0; SET min_parallel_table_scan_size = 0;
		SET max_parallel_workers_per_gather = 2;
		SELECT count(*) FROM tweets WHERE tweetlda.polarity(text) <> polarity}),
		'0', 'parallel workers agree');
}

$node->stop;
done_testing();
