# LDA recovers planted topics: a seeded synthetic corpus (test/gen_planted_corpus.pl) with known
# topic-word distributions; every planted topic must have a learned topic with a high cosine
# similarity, the best matches must be distinct topics, and the margin over a model trained on
# shuffled words (no topic structure) must be clear.
use strict;
use warnings;
use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;

my $root = $ENV{TWEETLDA_ROOT} or die "TWEETLDA_ROOT is not set";
my $tmp = PostgreSQL::Test::Utils::tempdir();

system($^X, "$root/test/gen_planted_corpus.pl", '--seed', '7', "$tmp/docs.txt", "$tmp/truth.tsv") == 0
  or die "generator failed";

my $node = PostgreSQL::Test::Cluster->new('lda_planted');
$node->init;
$node->start;
$node->safe_psql('postgres', qq{
	CREATE EXTENSION tweetlda;
	CREATE TABLE planted (doc text);
	CREATE TABLE truth (topic int, term text, p float8);
	COPY planted FROM '$tmp/docs.txt';
	COPY truth FROM '$tmp/truth.tsv';
	-- the same words, shuffled across documents: no topic structure left
	CREATE TABLE shuffled AS
	  WITH w AS (SELECT word, row_number() OVER (ORDER BY md5(word || n::text)) AS r
	             FROM planted, unnest(string_to_array(doc, ' ')) WITH ORDINALITY AS u(word, n))
	  SELECT string_agg(word, ' ') AS doc FROM w GROUP BY r / 12;
	CREATE TABLE cfg AS SELECT tweetlda.text_config(stem => false) AS c;
	CREATE TABLE pv AS
	  SELECT tweetlda.vocabulary(tweetlda.tokenize(doc, (SELECT c FROM cfg)), 1, 0.99, 100000) AS v
	  FROM planted;
	SET client_min_messages = warning;
	CREATE TABLE models AS
	  SELECT o.name, tweetlda.lda(s.doc, (SELECT v FROM pv),
	           jsonb_build_object('k', 5, 'weighting', 'tf', 'text_config', (SELECT c FROM cfg)) || o.params) AS m
	  FROM (VALUES ('online1', 'planted', '{"max_iter": 20}'::jsonb),
	               ('online5', 'planted', '{"max_iter": 100}'),
	               ('online5_seed1', 'planted', '{"max_iter": 100, "seed": 1}'),
	               ('online5_seed2', 'planted', '{"max_iter": 100, "seed": 2}'),
	               ('batch', 'planted', '{"optimizer": "batch", "max_iter": 50}'),
	               ('baseline', 'shuffled', '{"max_iter": 100}')) AS o(name, src, params)
	  JOIN LATERAL (SELECT doc FROM planted WHERE o.src = 'planted'
	                UNION ALL SELECT doc FROM shuffled WHERE o.src = 'shuffled') s ON true
	  GROUP BY o.name, o.params;
	CREATE TABLE best AS
	  WITH learned AS (SELECT models.name, w.* FROM models, tweetlda.topic_word(models.m) w),
	  norms AS (SELECT name, topic, sqrt(sum(weight * weight)) AS n FROM learned GROUP BY name, topic),
	  cos AS (SELECT l.name, t.topic AS planted, l.topic AS learned,
	                 sum(t.p * l.weight) / sqrt((SELECT sum(p * p) FROM truth t2 WHERE t2.topic = t.topic))
	                   / min(n.n) AS c
	          FROM truth t JOIN learned l ON l.term = t.term
	          JOIN norms n ON n.name = l.name AND n.topic = l.topic
	          GROUP BY l.name, t.topic, l.topic)
	  SELECT DISTINCT ON (name, planted) name, planted, learned, c FROM cos
	  ORDER BY name, planted, c DESC;
});

# mean best-match cosine per model
my %mean = split /[|\n]/, $node->safe_psql('postgres',
	"SELECT name, round(avg(c)::numeric, 4) FROM best GROUP BY name ORDER BY name");
diag("mean best-match cosine: " . join(', ', map { "$_ $mean{$_}" } sort keys %mean));

# Online VB can end in a local optimum that merges two topics (seed-dependent, as in every
# implementation): assert on the best of three seeds and on the mean over them.
my @online5 = map { $mean{$_} } qw(online5 online5_seed1 online5_seed2);
my ($best5) = sort { $b <=> $a } @online5;
my $avg5 = (eval join('+', @online5)) / 3;
cmp_ok($best5, '>=', 0.98, 'online, 5 passes: planted topics recovered (best of 3 seeds, mean cosine >= 0.98)');
cmp_ok($avg5, '>=', 0.90, 'online, 5 passes: mean cosine over 3 seeds >= 0.90');
cmp_ok($mean{batch}, '>=', 0.98, 'batch: planted topics recovered (mean cosine >= 0.98)');
cmp_ok($mean{online1}, '>=', 0.85, 'online, Spark default budget (1 pass): mean cosine >= 0.85');
cmp_ok($mean{baseline}, '<=', 0.60, 'no topic structure: no recovery (mean cosine <= 0.60)');
cmp_ok($best5 - $mean{baseline}, '>=', 0.3, 'clear margin over the structure-less baseline');

is($node->safe_psql('postgres', "SELECT min(c) >= 0.95 FROM best WHERE name = 'batch'"),
	't', 'batch: every planted topic has a close learned topic');
is($node->safe_psql('postgres',
	"SELECT count(DISTINCT learned) FROM best WHERE name = 'batch'"),
	'5', 'batch: the best matches are five distinct learned topics');

# scoring is consistent with training: every planted document gets a topic
is($node->safe_psql('postgres', q{
	SELECT count(*) FROM planted, models
	WHERE models.name = 'batch' AND tweetlda.top_topic(models.m, doc) IS NULL}),
	'0', 'every planted document gets a topic');

$node->stop;
done_testing();
