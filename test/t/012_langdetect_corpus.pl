# tweetlda.detect_language over the shared corpus (../shared/data; skipped with a message when
# absent): every one of the 217,817 tweets is handled without error (the crisislex tweets hold
# C1 controls that CLD2 rejects), answers are ISO codes or NULL, the same in parallel workers,
# and agreement with Twitter's own lang field stays at the measured level (doc/text.md).
use strict;
use warnings;
use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;

my $root = $ENV{TWEETLDA_ROOT} or die "TWEETLDA_ROOT is not set";
my $data = "$root/../shared/data/tweets_corpus_combined/tweets_combined.csv.gz";

plan skip_all => "tweet corpus not found at $data (../shared is absent): corpus check skipped"
  unless -f $data;

my $node = PostgreSQL::Test::Cluster->new('langdetect');
$node->init;
$node->append_conf('postgresql.conf', "max_parallel_workers_per_gather = 2\n");
$node->start;
$node->safe_psql('postgres', qq{
	CREATE EXTENSION tweetlda;
	CREATE TABLE tweets (corpus text, tweet_id bigint, created_at timestamptz, lang text,
	                     text text, source_ref text);
	COPY tweets FROM PROGRAM 'gzip -dc $data' WITH (FORMAT csv, HEADER true);
	ANALYZE tweets;
	CREATE TABLE detected AS SELECT tweet_id, lang, tweetlda.detect_language(text) AS d FROM tweets;
});

is($node->safe_psql('postgres', 'SELECT count(*) FROM detected'), '217817', 'every tweet detected');
is($node->safe_psql('postgres', q{SELECT count(*) FROM detected WHERE d !~ '^[a-z]{2,3}$'}),
	'0', 'answers are two- or three-letter lowercase codes');
my $nulls = $node->safe_psql('postgres', 'SELECT count(*) FROM detected WHERE d IS NULL');
ok($nulls > 0 && $nulls < 2178, "few tweets without letters ($nulls of 217,817 are NULL)");

# a parallel plan gives the same answers
is($node->safe_psql('postgres', q{
	SET parallel_setup_cost = 0; SET parallel_tuple_cost = 0; SET min_parallel_table_scan_size = 0;
	SELECT count(*) FROM (SELECT tweet_id, tweetlda.detect_language(text) AS d FROM tweets) p
	JOIN detected USING (tweet_id) WHERE p.d IS DISTINCT FROM detected.d}), '0',
	'parallel workers agree');

# Agreement with Twitter's lang (Twitter's legacy in/iw mapped to id/he; und and the q*/zxx
# codes for media, hashtags or no text left out): measured 97.0% overall, 99.9% on English
my ($n, $all, $en, $ja_ar) = split /\|/, $node->safe_psql('postgres', q{
	WITH g AS (SELECT CASE lang WHEN 'in' THEN 'id' WHEN 'iw' THEN 'he' ELSE lang END AS lang, d
	           FROM detected WHERE lang <> '' AND lang NOT IN ('und', 'zxx') AND lang NOT LIKE 'q%')
	SELECT count(*), avg((d IS NOT DISTINCT FROM lang)::int),
	       avg((d IS NOT DISTINCT FROM lang)::int) FILTER (WHERE lang = 'en'),
	       avg((d IS NOT DISTINCT FROM lang)::int) FILTER (WHERE lang IN ('ja', 'ar'))
	FROM g});
is($n, '9389', 'tweets with a Twitter language');
cmp_ok($all, '>=', 0.96, "overall agreement with Twitter's lang ($all)");
cmp_ok($en, '>=', 0.99, "English agreement ($en)");
cmp_ok($ja_ar, '>=', 0.95, "Japanese and Arabic agreement ($ja_ar)");

$node->stop;
done_testing();
