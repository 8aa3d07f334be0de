# The social analyzer's lexicon cache: a session that has loaded the lexicons sees another
# session's edits of tweetlda.social_lexicon and tweetlda.social_emoji in its next statement,
# without reconnecting; a rolled-back edit changes nothing.
use strict;
use warnings;
use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;

my $node = PostgreSQL::Test::Cluster->new('social_cache');
$node->init;
$node->start;
$node->safe_psql('postgres', 'CREATE EXTENSION tweetlda');

# Session A keeps its connection (and its cached lexicons) for the whole test.
my $a = $node->background_psql('postgres');
my $pol = sub { $a->query_safe("SELECT round(tweetlda.polarity('$_[0]', 'social')::numeric, 4)") };

is($pol->('so zorbtastic'), '0.0000', 'unknown word: no sentiment (lexicon now cached)');
is($pol->('💀'), '0.0000', 'skull emoji is neutral');

$node->safe_psql('postgres',
	"INSERT INTO tweetlda.social_lexicon (token, valence) VALUES ('zorbtastic', 3.0)");
cmp_ok($pol->('so zorbtastic'), '>', 0.5, 'other session\'s insert seen by the next statement');

$node->safe_psql('postgres',
	"UPDATE tweetlda.social_lexicon SET valence = -3.0 WHERE token = 'zorbtastic'");
cmp_ok($pol->('so zorbtastic'), '<', -0.5, 'other session\'s update seen');

$node->safe_psql('postgres',
	"UPDATE tweetlda.social_emoji SET valence = 2.5 WHERE emoji = '💀'");
cmp_ok($pol->('💀'), '>', 0.4, 'other session\'s emoji update seen');

# A rolled-back change in another session changes nothing.
$node->safe_psql('postgres',
	"BEGIN; DELETE FROM tweetlda.social_lexicon WHERE token = 'zorbtastic'; ROLLBACK;");
cmp_ok($pol->('so zorbtastic'), '<', -0.5, 'rolled-back delete changes nothing');

# TRUNCATE (a statement trigger too) empties the analyzer for session A.
$node->safe_psql('postgres', 'TRUNCATE tweetlda.social_lexicon, tweetlda.social_emoji');
is($pol->('good :) so zorbtastic 💀'), '0.0000', 'truncate seen: nothing scores');

$a->quit;
$node->stop;
done_testing();
