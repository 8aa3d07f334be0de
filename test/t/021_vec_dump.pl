# pg_dump / pg_restore of tables with termvec (with a type modifier) and vocab columns, in the
# custom and plain formats (both carry the values in their text form): the values come back
# identical, and the restored vocabulary maps the same tokens to the same vectors.
use strict;
use warnings;
use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;

my $node = PostgreSQL::Test::Cluster->new('vec_dump');
$node->init;
$node->start;
$node->safe_psql('postgres', q{
	CREATE EXTENSION tweetlda;
	CREATE TABLE docs (id int PRIMARY KEY, toks text[]);
	INSERT INTO docs SELECT i, ARRAY['term' || (i % 97), 'w' || (i % 13), 'caf' || chr(233), 'x"y\\z']
	FROM generate_series(1, 3000) i;
	CREATE TABLE vocabs (name text PRIMARY KEY, v tweetlda.vocab);
	INSERT INTO vocabs SELECT 'all', tweetlda.vocabulary(toks) FROM docs;
	INSERT INTO vocabs SELECT 'top', tweetlda.vocabulary(toks, 2, 0.9, 20) FROM docs;
	INSERT INTO vocabs VALUES ('empty', '{"documents": 0, "terms": []}'), ('null', NULL);
	CREATE TABLE vecs (id int PRIMARY KEY, tf tweetlda.termvec(112), tfidf tweetlda.termvec);
	INSERT INTO vecs SELECT d.id, tweetlda.tf(d.toks, v.v), tweetlda.tfidf(d.toks, v.v)
	FROM docs d, vocabs v WHERE v.name = 'all';
	INSERT INTO vecs VALUES (0, '{}/112', NULL);
});
my $expect = q{
	SELECT (SELECT md5(string_agg(name || ':' || coalesce(v::text, 'NULL'), ',' ORDER BY name)) FROM vocabs)
	    || ' ' || (SELECT md5(string_agg(id || ':' || tf::text || ':' || coalesce(tfidf::text, 'NULL'), ',' ORDER BY id)) FROM vecs)
	    || ' ' || (SELECT format_type(atttypid, atttypmod) FROM pg_attribute
	               WHERE attrelid = 'vecs'::regclass AND attname = 'tf')};
my $before = $node->safe_psql('postgres', $expect);
is($node->safe_psql('postgres', 'SELECT tweetlda.vocab_size(v) FROM vocabs WHERE name = $$all$$'),
	'112', 'vocabulary built');

my $dir = $node->basedir;
for my $format ('custom', 'plain')
{
	my $file = "$dir/dump.$format";
	$node->command_ok([ 'pg_dump', '-d', $node->connstr('postgres'), "--format=$format", '-f', $file ],
		"pg_dump --format=$format");
	my $db = "restored_$format";
	$node->safe_psql('postgres', "CREATE DATABASE $db");
	if ($format eq 'custom')
	{
		$node->command_ok([ 'pg_restore', '-d', $node->connstr($db), '--exit-on-error', $file ],
			'pg_restore');
	}
	else
	{
		$node->command_ok([ 'psql', '-X', '-v', 'ON_ERROR_STOP=1', '-q', '-d', $node->connstr($db), '-f', $file ],
			'psql restores the plain dump');
	}
	is($node->safe_psql($db, $expect), $before, "values identical after $format dump and restore");
	is($node->safe_psql($db,
		"SELECT count(*) FROM vecs x, vocabs v, docs d WHERE v.name = 'all' AND d.id = x.id
		   AND x.tf OPERATOR(tweetlda.=) tweetlda.tf(d.toks, v.v)"),
		'3000', "restored vocabulary gives the restored vectors ($format)");
}
$node->stop;
done_testing();
