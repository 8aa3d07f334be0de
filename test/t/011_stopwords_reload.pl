# The stopword cache is reloaded while a text configuration collects its two word lists
# (language and noise words): a change of tweetlda.stopwords committed by another session
# arrives while the first list is being read (taking the table's lock processes invalidation
# messages), so a second lookup would reload the cache and free the first list (0.1.0 read it
# after the free: a crash or a wrong snapshot).  Both lists must come from one load.
use strict;
use warnings;
use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;

my $node = PostgreSQL::Test::Cluster->new('stopwords_reload');
$node->init;
$node->start;
$node->safe_psql('postgres', 'CREATE EXTENSION tweetlda');
$node->safe_psql('postgres', 'CREATE TABLE other (x int)');

# Many rows of a language sorted after 'english', so that the lists are large allocations.
my $fill = sub {
	my ($from, $to) = @_;
	$node->safe_psql('postgres',
		"INSERT INTO tweetlda.stopwords (language, word)
		 SELECT 'zz', 'filler' || g FROM generate_series($from, $to) g;
		 INSERT INTO tweetlda.stopwords (language, word)
		 SELECT 'english', 'uafword' || g FROM generate_series($from, $from + 99) g");
};
my $expected = sub {
	$node->safe_psql('postgres',
		"SELECT count(DISTINCT lower(word)) FROM tweetlda.stopwords
		 WHERE lower(language) IN ('english', 'twitter')");
};
my $q = "SELECT pg_catalog.array_length(tweetlda.text_config_stopwords(tweetlda.text_config_freeze('{\"language\": \"english\"}')), 1)";

my $a = $node->background_psql('postgres', on_error_stop => 0);
is($a->query_safe($q), $expected->(), 'session A: snapshot of the current stopwords');

for my $round (1 .. 3)
{
	$a->query_safe('BEGIN');
	# a first change, seen by session A when it locks another table: its cache is stale
	$fill->($round * 100000, $round * 100000 + 30000);
	$a->query_safe('SELECT count(*) FROM other');
	# a second change, seen only when session A locks tweetlda.stopwords to reload
	$fill->($round * 100000 + 50000, $round * 100000 + 90000);
	my $out = $a->query_safe($q);
	$a->query_safe('COMMIT');
	is($out, $expected->(), "round $round: the snapshot has the words of one load of the table");
}
$a->quit;

ok($node->safe_psql('postgres', 'SELECT 1') eq '1', 'server still up');
is($node->safe_psql('postgres', "SELECT count(*) FROM pg_stat_activity WHERE backend_type = 'client backend'"),
	'1', 'no backend crashed (one client: this one)');
$node->stop;
done_testing();
